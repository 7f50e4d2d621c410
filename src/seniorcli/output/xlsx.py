"""Real Excel files for payroll: bold frozen header with an autofilter, dates as Excel dates
(DD-MM-YYYY), amounts in kroner, shares as percentages, sensible column widths, formula
injection neutralised, the same bytes for the same data. Streams rows (XlsxWriter)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from seniorcli.files import private_path
from seniorcli.output.columns import Column, neutralise

_SAMPLE = 500  # rows looked at to size the columns
# Number formats by Column.kind. Excel shows them with the reader's own separators: Danish
# Excel writes 85.000,00 kr., 37,1 % and 1.234 (the value stays a number: sums still work).
# Ids, years and hours keep Excel's General format (2026, 37,5).
# (for a whole number, for a fraction): "#,##0.##" would show 5 as "5," in Excel.
_NUMBER_FORMATS = {"amount": ('#,##0.00 "kr."',) * 2, "share": ("0.0 %",) * 2,
                   "number": ("#,##0", "#,##0.0#")}


_ILLEGAL = None  # compiled on first use: the control characters XML cannot hold

#: Every workbook says it was made on this day, so the same data gives the same bytes (payroll
#: compares files; a changed file must mean changed data).
FIXED_CREATED = datetime(2000, 1, 1)


def _legal(text: str) -> str:
    """Text without the control characters an .xlsx cannot hold, so that one bad cell stored
    by an older version never breaks an export."""
    global _ILLEGAL
    if text.isprintable():
        return text
    if _ILLEGAL is None:
        import re

        _ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    return _ILLEGAL.sub("", text)


def write_xlsx(rows: Iterable[dict], columns: list[Column], path: Path,
               title: str | None = None) -> int:
    """Write the rows as one sheet. The same data gives the same bytes (a fixed creation date;
    XlsxWriter writes fixed times into the zip). Streams: rows go to the file as they come
    (constant_memory). XlsxWriter was measured faster than openpyxl's write-only mode."""
    # The target is checked and its temporary file made first, so a refused target (the
    # database, a folder) costs nothing and an interrupted export leaves nothing behind.
    import tempfile

    import xlsxwriter

    # XlsxWriter streams the rows through files of its own: in a folder of ours, removed also
    # when the export is interrupted (an error, Ctrl-C, SIGTERM).
    with private_path(path) as tmp, tempfile.TemporaryDirectory(prefix="seniorcli-") as work:
        wb = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True, "tmpdir": work, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False,
            "default_date_format": "dd-mm-yyyy"})
        wb.set_properties({"created": FIXED_CREATED})
        n = _fill(wb, rows, columns, title)
        wb.close()
    return n


def _fill(wb: Any, rows: Iterable[dict], columns: list[Column], title: str | None) -> int:
    rows = iter(rows)
    head = list(islice(rows, _SAMPLE))
    ws = wb.add_worksheet((title or "seniorcli")[:31].replace("/", "-").replace(":", "")
                          .replace("[", "(").replace("]", ")").replace("*", "")
                          .replace("?", "").replace("\\", "-"))
    ws.freeze_panes(1, 0)
    bold = wb.add_format({"bold": True})
    date_format = wb.add_format({"num_format": "dd-mm-yyyy"})
    number_formats = {kind: (wb.add_format({"num_format": whole}),
                             wb.add_format({"num_format": fraction}))
                      for kind, (whole, fraction) in _NUMBER_FORMATS.items()}
    for i, c in enumerate(columns):
        longest = max([len(c.key)] + [len(str(r.get(c.key) or "")) for r in head])
        ws.set_column(i, i, 12 if c.kind == "date" else min(max(longest, 6) + 2, 60))
        ws.write_string(0, i, c.key, bold)
    formats = [number_formats.get(c.kind) for c in columns]
    n = 0
    for row in chain(head, rows):
        n += 1
        for i, (c, fmt) in enumerate(zip(columns, formats, strict=True)):
            v = row.get(c.key)
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_string(n, i, "yes" if v else "no")
            elif isinstance(v, date):
                ws.write_datetime(n, i, v, date_format)
            elif isinstance(v, int | float):
                ws.write_number(n, i, v, fmt[isinstance(v, float)] if fmt else None)
            else:
                ws.write_string(n, i, neutralise(_legal(str(v))))
    if columns:
        ws.autofilter(0, 0, n, len(columns) - 1)
    return n
