"""CSV: plain (comma, ``\\n``, ISO dates, 1234.5) for scripts, or in Danish Excel's dialect
(``--excel``: semicolon, ``\\r\\n``, 01-03-2026, 1234,5, "ja"/"nej"). Cells a spreadsheet
would run as a formula are neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from typing import Any, TextIO

from seniorcli.output.columns import Column, neutralise


def _cell(value: Any, excel: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        if excel:  # read by people, in their language ("ja"/"nej" in Danish)
            from seniorcli.i18n import _

            return _("yes") if value else _("no")
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y") if excel else value.isoformat()
    if isinstance(value, float):
        # every digit (f"{v:g}" kept six: 250000.5 was written 250000), no exponent, and a
        # whole number without ".0"; Danish Excel reads a decimal comma, no thousands dots
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", ",") if excel else text
    if isinstance(value, int):
        return str(value)
    # A carriage return inside a value would not be quoted with "\n" line ends and would
    # break the row for readers; as a line break it is quoted and keeps its meaning.
    return neutralise(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def write_csv(rows: Iterable[dict], columns: list[Column], out: TextIO, excel: bool) -> int:
    """A header of column keys, then one line per row; returns the number of rows."""
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel
                        else "\n")
    writer.writerow([c.key for c in columns])
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(c.key), excel) for c in columns])
        n += 1
    return n
