"""Reading the CSV files people actually have: UTF-8 (with or without BOM) or cp1252, separated
by ``,`` ``;`` or tab, Danish headers. Streams rows with their line numbers (header = line 1) in
bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from seniorcli.errors import InputFileError

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "\\t": "\t", "comma": ",",
              "semicolon": ";"}
_CHUNK = 1 << 20


def normalise_header(text: str) -> str:
    """Case-insensitive, ignoring spaces, '-', '_' and '.': 'CPR-nummer' → 'cprnummer'."""
    return re.sub(r"[\s\-_.]", "", text).lower()


def detect_encoding(path: Path) -> str:
    """UTF-8 with BOM, UTF-8, or else cp1252 (the Windows code page Danish payroll uses)."""
    with path.open("rb") as f:
        head = f.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


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
            raise InputFileError(
                f"{self.path}: line {last + 1}: cannot be read as {self.encoding}",
                hint="give the file's encoding with --encoding (utf-8 or cp1252)",
            ) from None
        except csv.Error as e:
            raise InputFileError(f"{self.path}: line {last + 1}: {e}") from None

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
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a file")
    size = path.stat().st_size
    if encoding is None:
        encoding = detect_encoding(path)
    elif encoding.lower().replace("_", "-") in ("utf8", "utf-8"):
        encoding = "utf-8-sig"  # a BOM is harmless to accept
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputFileError(
            f"unknown encoding '{encoding}'", hint="use utf-8 or cp1252"
        ) from None
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
    try:
        header_line = text.readline()
    except UnicodeDecodeError:
        text.close()
        raise InputFileError(
            f"{path}: line 1: cannot be read as {encoding}",
            hint="give the file's encoding with --encoding (utf-8 or cp1252)",
        ) from None
    if not header_line.strip():
        text.close()
        raise InputFileError(
            f"{path} is empty: expected a header line and one row per employee"
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
                f"{tf.path}: --map names a column '{col}' that the file does not have",
                hint="the file's columns are: " + ", ".join(tf.header),
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
                f"{tf.path}: line 1: columns '{tf.header[mapping[f]]}' and '{tf.header[i]}' "
                f"both mean {f}",
                hint=f"choose one with --map '{tf.header[i]}=ignore'",
            )
        mapping[f] = i
    return mapping, ignored
