"""Real Excel files for payroll: bold frozen header, dates as Excel dates (DD-MM-YYYY), sensible
column widths, formula injection neutralised. Streams rows (openpyxl write-only mode)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from seniorcli.files import private_file
from seniorcli.output import Column, neutralise

_SAMPLE = 500  # rows looked at to size the columns


def _value(v: Any) -> Any:
    if isinstance(v, str):
        return neutralise(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def write_xlsx(rows: Iterable[dict], columns: list[Column], path: Path,
               title: str | None = None) -> int:
    # The target is checked and its temporary file made first, so a refused target (the
    # database, a folder) costs nothing and an interrupted export leaves nothing behind.
    from openpyxl import Workbook

    with private_file(path, "wb") as f:
        wb = Workbook(write_only=True)  # keeps its rows in temporary files until saved
        try:
            n = _fill(wb, rows, columns, title)
            wb.save(f)
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

    def cells(row: dict) -> list:
        out = []
        for c in columns:
            v = row.get(c.key)
            if isinstance(v, date):
                # the stub leaves out date, which openpyxl takes (Cell.value accepts it)
                cell = WriteOnlyCell(ws, value=v)  # type: ignore[arg-type]
                cell.number_format = "dd-mm-yyyy"
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
