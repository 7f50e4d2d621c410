"""Real Excel files for payroll: bold frozen header, dates as Excel dates (DD-MM-YYYY), sensible
column widths, formula injection neutralised. Streams rows (openpyxl write-only mode)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date
from itertools import islice
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


def _legal(text: str) -> str:
    """Text as openpyxl takes it: the control characters it refuses (IllegalCharacterError)
    removed, so that one bad cell stored by an older version never breaks an export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return text if text.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", text)


def _value(v: Any) -> Any:
    if isinstance(v, str):
        return neutralise(_legal(v))
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def write_xlsx(rows: Iterable[dict], columns: list[Column], path: Path,
               title: str | None = None) -> int:
    # The target is checked and its temporary file made first, so a refused target (the
    # database, a folder) costs nothing and an interrupted export leaves nothing behind.
    from openpyxl import Workbook

    # The workbook is saved whole into a file (the temporary one beside the target, or for a
    # pipe or device one that is then copied into it): a reader that goes away (`-o /dev/stdout
    # | head -c 4`) then breaks a plain copy, never openpyxl's zip file half-way (which
    # printed "Exception ignored … write to closed file" with a traceback at exit).
    with private_path(path) as tmp:
        wb = Workbook(write_only=True)  # keeps its rows in temporary files until saved
        try:
            n = _fill(wb, rows, columns, title)
            wb.save(tmp)
        except BaseException:
            _discard(wb)
            raise
    return n


def _discard(wb: Any) -> None:
    """An unfinished workbook (an error, Ctrl-C, SIGTERM): close its row streams now, while
    their files are open, so that nothing is written to a closed file when Python cleans up
    ("Exception ignored …" on the terminal). openpyxl removes its temporary files at exit."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()


def _fill(wb: Any, rows: Iterable[dict], columns: list[Column], title: str | None) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    head = list(islice(rows, _SAMPLE))
    ws = wb.create_sheet((title or "seniorcli")[:31].replace("/", "-").replace(":", ""))
    ws.freeze_panes = "A2"
    for i, c in enumerate(columns, 1):
        longest = max([len(c.key)] + [len(str(r.get(c.key) or "")) for r in head])
        width = 12 if c.kind == "date" else min(max(longest, 6) + 2, 60)
        ws.column_dimensions[get_column_letter(i)].width = width
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c.key)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    n = 0

    formats = [_NUMBER_FORMATS.get(c.kind) for c in columns]

    def cells(row: dict) -> list:
        out = []
        for c, number_format in zip(columns, formats, strict=True):
            v = row.get(c.key)
            if isinstance(v, date):
                # the stub leaves out date, which openpyxl takes (Cell.value accepts it)
                cell = WriteOnlyCell(ws, value=v)  # type: ignore[arg-type]
                cell.number_format = "dd-mm-yyyy"
                out.append(cell)
            elif number_format and isinstance(v, int | float) and not isinstance(v, bool):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = number_format[isinstance(v, float)]
                out.append(cell)
            else:
                out.append(_value(v))
        return out

    for row in head:
        ws.append(cells(row))
        n += 1
    for row in rows:
        ws.append(cells(row))
        n += 1
    return n
