"""Reading the CSV files people actually have: UTF-8 (with or without BOM), UTF-16 with a BOM
(Excel's "Unicode text") or cp1252, separated
by ``,`` ``;`` or tab, Danish headers. Streams rows with their line numbers (header = line 1) in
bounded memory.

Encodings, honestly (README): a file is read as one encoding, never re-read as another because
of one bad byte. Without ``--encoding`` a file is UTF-8 if it decodes as UTF-8 (a BOM says so
too); it is cp1252 only if it holds no UTF-8 character at all (every byte above 127 stands
alone, as in a single-byte code page) and every byte is defined in cp1252. A file with UTF-8
characters *and* bytes that are not UTF-8 is mixed: it is refused, naming the lines and columns
of the bad bytes, since reading it as either encoding would garble some names.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from seniorcli.errors import InputFileError, SeniorError, printable
from seniorcli.i18n import _, ngettext

DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "\\t": "\t", "comma": ",",
              "semicolon": ";"}
_CHUNK = 1 << 20
#: Lines with bad bytes named in a refusal (then a count).
SHOWN_BAD_LINES = 10


def normalise_header(text: str) -> str:
    """Case-insensitive, ignoring spaces, '-', '_' and '.': 'CPR-nummer' → 'cprnummer'."""
    return re.sub(r"[\s\-_.]", "", text).lower()


_LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]+")


def clean_text(text: str) -> str:
    """A cell as text people may see: terminal escape codes and control characters removed
    (errors.printable), line breaks and tabs turned into one space. Printable text is returned
    as it is."""
    if text.isprintable():
        return text
    return re.sub(r" {2,}", " ", printable(_LINE_BREAKS.sub(" ", text))).strip()


class TextError(ValueError):
    """Free text that may not be stored (a CPR number in it); the message masks the number."""


_DIGITS = re.compile(r"\d{5}")  # no run of five digits: no CPR number (a cheap first look)


def cpr_problem(text: str) -> str | None:
    """Why free text (a note, a name, a department) may not be stored, or None: a
    CPR number in it, in any of the forms people write one (domain.md: never stored). The
    one check behind every path that stores such text (stored_text, the roster import).
    The message shows the text with the number masked."""
    if not _DIGITS.search(text):
        return None
    from seniorcli.cpr import contains_cpr, redact

    if not contains_cpr(text):
        return None
    shown = redact(text)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return _("'{text}' holds a CPR number, which is never stored: leave the number out "
             "(the roster gives the birth date)").format(text=shown)


def stored_text(text: str) -> str:
    """Free text (a note) as it is stored: cleaned as names are (clean_text:
    no escape codes or control characters, line breaks as spaces) and refused (TextError)
    if it holds a CPR number."""
    cleaned = clean_text(text)
    problem = cpr_problem(cleaned)
    if problem is not None:
        raise TextError(problem)
    return cleaned


def stored_option(text: str | None, option: str) -> str | None:
    """stored_text for a command-line option (``--note``): refused as
    ``--note: '… 010170-XXXX …' holds a CPR number …`` (SeniorError, exit 1). None stays
    None."""
    if text is None:
        return None
    try:
        return stored_text(text)
    except TextError as e:
        raise SeniorError(f"{option}: {e}", hint=_("write it without the CPR number")) from None


def _codec_name(encoding: str) -> str:
    """The codec's own name, UTF-8 with or without BOM as 'utf-8'."""
    name = codecs.lookup(encoding).name
    return "utf-8" if name == "utf-8-sig" else name


def detect_encoding(path: Path) -> str:
    """UTF-8 with BOM, UTF-16 with BOM (Excel's "Unicode text"), UTF-8, or else cp1252 (the
    Windows code page Danish payroll uses) — but only for a file with no UTF-8 character in
    it; a mixed file is refused (InputFileError)."""
    with path.open("rb") as f:
        head = f.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            # Excel's "Unicode text" (UTF-16 with a byte-order mark, which the codec reads)
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    if _has_utf8_characters(path):
        raise undecodable(path, "utf-8", mixed=True)
    if not _decodes(path, "cp1252"):
        raise undecodable(path, "cp1252", detected=True)
    return "cp1252"


def _has_utf8_characters(path: Path) -> bool:
    """Whether the file holds any valid UTF-8 sequence of two or more bytes. Decoding with
    surrogateescape turns every byte that is not UTF-8 into one character, so the text is
    exactly as long as the bytes unless some bytes formed a UTF-8 character."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    size = chars = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            size += len(chunk)
            chars += len(decoder.decode(chunk))
    chars += len(decoder.decode(b"", final=True))
    return chars < size


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _bad_spots(path: Path, encoding: str) -> tuple[list[tuple[int, int, bytes, bytes]], int,
                                                    int | None]:
    """Where the file cannot be decoded: ([(line, byte offset in the line, the bad byte, the
    line)] for the first lines, how many lines in all, the first line with a UTF-8 character).
    Line numbers count physical lines, header = 1, as the row messages do."""
    utf8 = _codec_name(encoding) == "utf-8"
    shown: list[tuple[int, int, bytes, bytes]] = []
    count, first_utf8 = 0, None
    with path.open("rb") as f:
        for number, line in enumerate(f, 1):
            if line.isascii():
                continue
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            if utf8:
                text = line.decode("utf-8", "surrogateescape")
                bad = next((i for i, c in enumerate(text) if "\udc80" <= c <= "\udcff"), None)
                if first_utf8 is None and len(text) < len(line):
                    first_utf8 = number
                if bad is None:
                    continue
                offset = len(text[:bad].encode("utf-8", "surrogateescape"))
            else:
                try:
                    line.decode(encoding)
                    continue
                except UnicodeDecodeError as e:
                    offset = e.start
            count += 1
            if len(shown) < SHOWN_BAD_LINES:
                shown.append((number, offset, line[offset:offset + 1], line))
    return shown, count, first_utf8


def _column_of(line: bytes, offset: int, delimiter: str | None, header: list[str] | None,
               encoding: str) -> str:
    """The header name of the column holding byte ``offset`` of ``line`` (or its number)."""
    if delimiter is None:
        return ""
    text = line[:offset].decode(encoding, "replace") + "\x00"  # the bad byte's place
    try:
        fields = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return ""
    index = len(fields) - 1
    if header and index < len(header) and header[index]:
        return _(", column {column}").format(column=header[index])
    return _(", column {column}").format(column=index + 1)


def _header_guess(path: Path, delimiter: str | None) -> tuple[str | None, list[str] | None]:
    with path.open("rb") as f:
        first = f.readline().decode("utf-8", "replace").lstrip("\ufeff")
    if not first.strip():
        return None, None
    delimiter = DELIMITERS.get(delimiter, delimiter) if delimiter else detect_delimiter(first)
    try:
        header = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return delimiter, None
    return delimiter, [h.strip() for h in header]


def is_all(path: Path, encoding: str) -> bool:
    """Every byte of the file is of ``encoding`` (read line by line, as the refusal counts)."""
    return _bad_spots(path, encoding)[1] == 0


def undecodable(path: Path, encoding: str, *, mixed: bool = False, detected: bool = False,
                delimiter: str | None = None, header: list[str] | None = None,
                xml_hint: str | None = None) -> InputFileError:
    """The refusal for a file that cannot be read as ``encoding``: each line (and column) with
    a bad byte, and what to do. ``mixed``: UTF-8
    characters and bytes that are not UTF-8 in one file (found here for an XML file).
    ``detected``: no encoding was given and the file is neither UTF-8 nor cp1252.
    ``xml_hint``: the file is XML (the KMD OPUS import): columns are counted, not named, and
    this is what to try when it is not mixed."""
    xml = xml_hint is not None
    if xml:
        delimiter, header = None, None
    elif delimiter is None or header is None:
        delimiter, header = _header_guess(path, delimiter)
    name = _codec_name(encoding)
    shown, count, first_utf8 = _bad_spots(path, encoding)
    mixed = mixed or (xml and first_utf8 is not None)
    label = name
    details = []
    for line, offset, byte, text in shown:
        column = (_(", column {column}").format(column=offset + 1) if xml
                  else _column_of(text, offset, delimiter, header, encoding))
        what = _("line {line}{column}: byte 0x{byte} is not {encoding}").format(
            line=line, column=column, byte=byte.hex().upper(), encoding=label)
        as_cp1252 = byte.decode("cp1252", "replace")
        if name == "utf-8" and as_cp1252 != "\ufffd":
            what += _(" (in cp1252 it is '{character}')").format(character=as_cp1252)
        details.append(what)
    if count > len(shown):
        more = count - len(shown)
        details.append(ngettext("… and {n} more line", "… and {n} more lines", more)
                       .format(n=more))
    lines = ngettext("{n} line", "{n} lines", count).format(n=count)
    if mixed:
        message = _("{path} is partly UTF-8 (e.g. line {line}) and partly not: {lines} "
                    "with bytes that are not UTF-8. Read as UTF-8 or as cp1252, some names "
                    "would be garbled, so nothing was changed").format(
                        path=path, line=first_utf8, lines=lines)
        hint = _("correct those lines, or export the file again as UTF-8; if the file really "
                 "is cp1252 (Windows), say so with --encoding cp1252")
    elif detected:
        message = _("{path} is neither UTF-8 nor cp1252: {lines} with bytes that neither "
                    "defines; nothing was changed").format(path=path, lines=lines)
        hint = _("give the file's encoding with --encoding NAME (e.g. latin-1)")
    else:
        message = _("{path} cannot be read as {encoding}: {lines} with bytes that are not "
                    "{encoding}; nothing was changed").format(path=path, encoding=label,
                                                              lines=lines)
        other = "cp1252" if name == "utf-8" else "utf-8"
        hint = xml_hint or _("correct those lines, or give the file's real encoding with "
                             "--encoding (e.g. {encoding})").format(encoding=other)
    return InputFileError(message, hint=hint, details=details)


def detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class TableFile:
    """An open delimited file: its header and a stream of (line number, fields)."""

    def __init__(
        self, path: Path, encoding: str, delimiter: str, header: list[str],
        text: io.TextIOWrapper, raw: io.BufferedReader, size: int,
    ):
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self.header, self.size = header, size
        self._text, self._raw = text, raw
        self._csv = csv.reader(text, delimiter=delimiter)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number where the record starts, fields); blank lines are skipped."""
        reader = self._csv
        last = 1
        try:
            for fields in reader:
                start = last + 1
                last = reader.line_num + 1  # the header line was read before the reader
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                yield start, fields
        except UnicodeDecodeError:
            # The text layer decodes ahead of the rows: find the real lines in the bytes.
            raise undecodable(self.path, self.encoding, delimiter=self.delimiter,
                              header=self.header) from None
        except csv.Error as e:
            raise InputFileError(_("{path}: line {last}: {e}")
                .format(path=self.path, last=last + 1, e=e)) from None

    def bytes_read(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(path: Path, encoding: str | None = None, delimiter: str | None = None) -> TableFile:
    """Open a delimited file, detecting encoding and delimiter unless they are given."""
    if not path.exists():
        from seniorcli.files import missing_file_hint

        raise InputFileError(_("{path}: no such file").format(path=path),
                             hint=missing_file_hint(path))
    if path.is_dir():
        raise InputFileError(_("{path} is a folder, not a file").format(path=path))
    size = path.stat().st_size
    if encoding is None:
        encoding = detect_encoding(path)
    elif encoding.lower().replace("_", "-") in ("utf8", "utf-8"):
        encoding = "utf-8-sig"  # a BOM is harmless to accept
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputFileError(
            _("unknown encoding '{encoding}'")
                .format(encoding=encoding), hint=_("use utf-8 or cp1252")
        ) from None
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
    try:
        header_line = text.readline()
    except UnicodeDecodeError:
        text.close()
        raise undecodable(path, encoding, delimiter=delimiter) from None
    if not header_line.strip():
        text.close()
        raise InputFileError(
            _("{path} is empty: expected a header line and one row per employee").format(path=path)
        )
    if delimiter is None:
        delimiter = detect_delimiter(header_line)
    else:
        delimiter = DELIMITERS.get(delimiter, delimiter)
    header = next(csv.reader([header_line], delimiter=delimiter))
    header = [h.strip().lstrip("\ufeff") for h in header]
    return TableFile(path, encoding, delimiter, header, text, raw, size)


def map_columns(
    tf: TableFile,
    aliases: dict[str, str],
    fields: tuple[str, ...],
    overrides: dict[str, str],
) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field. ``overrides`` (from --map) maps a header to a field.

    Returns (field → column index, names of ignored columns).
    """
    by_norm = {normalise_header(k): v for k, v in aliases.items()}
    by_norm.update({normalise_header(f): f for f in fields})
    wanted = {normalise_header(col): f for col, f in overrides.items()}
    headers_norm = [normalise_header(h) for h in tf.header]
    for col in overrides:
        if normalise_header(col) not in headers_norm:
            raise InputFileError(
                _("{path}: --map names a column '{col}' that the file does not have")
                    .format(path=tf.path, col=col),
                hint=_("the file's columns are: {columns}").format(columns=", ".join(tf.header)),
            )
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    for i, norm in enumerate(headers_norm):
        f = wanted.get(norm) or by_norm.get(norm)
        if f is None or f == "ignore":
            if tf.header[i]:
                ignored.append(tf.header[i])
            continue
        if f in mapping:
            raise InputFileError(
                _("{path}: line 1: columns '{first}' and '{second}' both mean {field}")
                .format(path=tf.path, first=tf.header[mapping[f]], second=tf.header[i],
                        field=f),
                hint=_("choose one with --map '{column}=ignore'").format(column=tf.header[i]),
            )
        mapping[f] = i
    return mapping, ignored
