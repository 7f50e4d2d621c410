"""The payroll systems' import dialect (``agreement changes --format payroll``), and rows
relabelled for people (a workbook with Danish headers and words).

The dialect is what KMD OPUS and SD Løn take in a file of changes keyed by a clerk or an
import: fields separated by ``;``, lines ended by CRLF, cp1252 (Windows-1252) or UTF-8 with a
byte-order mark, dates as DDMMYYYY, numbers with a decimal comma, two decimals and no
thousands separator (``1234,50``), and never quoted — so a ``;`` or ``"`` in a value (a
name) becomes ``,`` or ``'``, line breaks and tabs become spaces, and the caller is told
which cells were changed. A character the chosen encoding cannot hold is refused before
anything is written, naming the line and the employee (``UnencodableError``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from seniorcli.errors import SeniorError
from seniorcli.output.columns import Column, neutralise

#: The encodings a payroll file may have (``--encoding``).
ENCODINGS = ("cp1252", "utf-8-sig")
_BOM = b"\xef\xbb\xbf"
#: What a field may not hold, and what it becomes.
_REPLACED = str.maketrans({";": ",", '"': "'", "\r": " ", "\n": " ", "\t": " "})
_MAX_SHOWN = 20


@dataclass
class PayrollFile:
    """What was written: the number of rows, and the cells whose text was changed to fit the
    dialect (line in the file, the row's employee, the column's key)."""

    rows: int = 0
    cleaned: list[tuple[int, str, str]] = field(default_factory=list)


def payroll_cell(value: Any, kind: str) -> str:
    """One field as the dialect writes it (before the ``;``/``"`` clean-up of text)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, date):
        return value.strftime("%d%m%Y")
    if isinstance(value, float) or (isinstance(value, int) and kind in ("amount", "hours")):
        if not math.isfinite(value):
            return ""
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def _clean(text: str) -> str:
    text = text.translate(_REPLACED)
    if not text.isprintable():  # other control characters: never in a payroll file
        text = "".join(c for c in text if c.isprintable())
    return text


def render_payroll(rows: Iterable[dict], columns: list[Column], *, encoding: str = "cp1252",
                   header: bool = True, who: str = "employee_id") -> tuple[bytes, PayrollFile]:
    """The whole file as bytes (built in memory, so that a refusal writes nothing), and what
    was written. ``who`` is the key that names a row's employee in a refusal."""
    from seniorcli.i18n import _, ngettext

    if encoding not in ENCODINGS:
        raise ValueError(f"unknown payroll encoding {encoding!r}")
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    report = PayrollFile()
    out: list[bytes] = [_BOM] if encoding == "utf-8-sig" else []
    problems: list[str] = []
    bad_columns: set[str] = set()
    count = 0
    line = 0
    if header:
        line = 1
        out.append(";".join(c.key for c in columns).encode("ascii") + b"\r\n")
    for row in rows:
        line += 1
        count += 1
        fields = []
        for c in columns:
            text = payroll_cell(row.get(c.key), c.kind)
            cleaned = _clean(text)
            if cleaned != text:
                report.cleaned.append((line, str(row.get(who) or ""), c.key))
            fields.append(cleaned)
        text = ";".join(fields) + "\r\n"
        try:
            out.append(text.encode(codec))
        except UnicodeEncodeError:
            where = []
            for c, value in zip(columns, fields, strict=True):
                bad = [ch for ch in dict.fromkeys(value) if not _encodes(ch, codec)]
                if bad:
                    bad_columns.add(c.key)
                    where.append(_("{column}: {chars}").format(column=c.key, chars=", ".join(
                        f"'{ch}' (U+{ord(ch):04X})" for ch in bad)))
            problems.append(_("line {line} (employee {employee}): {where}")
                            .format(line=line, employee=row.get(who) or "",
                                    where="; ".join(where)))
    report.rows = count
    if problems:
        shown = problems[:_MAX_SHOWN]
        if len(problems) > _MAX_SHOWN:
            shown.append(_("… and {n} more").format(n=len(problems) - _MAX_SHOWN))
        raise SeniorError(
            ngettext("the payroll file cannot be written in {encoding}: {n} line holds "
                     "characters {encoding} does not have; nothing was written",
                     "the payroll file cannot be written in {encoding}: {n} lines hold "
                     "characters {encoding} does not have; nothing was written",
                     len(problems)).format(encoding=encoding, n=len(problems)),
            hint=(_("leave out the names, which payroll does not key: --no-name; or write the "
                    "file as UTF-8 with a byte-order mark, if the payroll system reads that: "
                    "--encoding utf-8-sig")
                  if bad_columns == {"name"} else
                  _("write it as UTF-8 with a byte-order mark, if the payroll system reads that: "
                    "--encoding utf-8-sig (or correct the name in the roster)")),
            details=shown)
    return b"".join(out), report


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def write_payroll(rows: Iterable[dict], columns: list[Column], output: Path | None, *,
                  encoding: str = "cp1252", header: bool = True,
                  who: str = "employee_id") -> PayrollFile:
    """Write the payroll file to ``output`` (through ``seniorcli.files``: whole or not at all,
    mode 0600) or to standard output, as bytes."""
    data, report = render_payroll(rows, columns, encoding=encoding, header=header, who=who)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return report
    from seniorcli.files import private_file

    with private_file(output, "wb") as f:
        f.write(data)
    return report


def for_people(rows: Iterable[dict], columns: list[Column]) -> tuple[Iterable[dict],
                                                                     list[Column]]:
    """Rows and columns relabelled for people, for a workbook: each column keyed by its
    (translated) header, machine values in ``Column.words`` as words in the reader's
    language, True as "yes" and False as nothing. Kinds stay, so dates stay dates and
    amounts kroner."""
    from seniorcli.i18n import _, language

    people = [Column(c.header, c.header, c.kind, c.style, c.drop_order) for c in columns]
    yes = _("yes")
    words: list[dict[str, str] | None] = [
        {k: _(w) for k, w in c.words.items()} if c.words and language() != "en" else None
        for c in columns]  # in English the values are English words already

    def relabel() -> Iterable[dict]:
        for row in rows:
            out = {}
            for c, p, word in zip(columns, people, words, strict=True):
                v = row.get(c.key)
                if v is True:
                    v = yes
                elif v is False:
                    v = None
                elif word is not None and isinstance(v, str):
                    v = word.get(v, v)
                out[p.key] = v
            yield out

    return relabel(), people
