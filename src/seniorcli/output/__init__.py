"""The one place that writes data: table | csv | json | xlsx, to stdout or ``--output FILE``,
and the works council's HTML report.

Machine formats never pass through Rich; messages go to standard error. Files are written
through ``seniorcli.files`` (private, never half-written, never onto the database; a FIFO or
device is written into). CSV and XLSX cells that a spreadsheet would read as a formula are
neutralised. Which format a command writes is decided once, by ``cli.common.output_format``;
``emit`` then writes it.

The rooms, and the one rule that keeps them free of import cycles::

    columns.py   Column and neutralise: what every format shares (imports nothing of ours)
    table.py     the terminal table, for people (Rich only to measure and colour)
    csv.py       CSV, plain or in Danish Excel's dialect
    json.py      JSON, streamed; ``dumps`` for one object (``show --format json``)
    xlsx.py      Excel workbooks (XlsxWriter)
    html.py      the works council's report: one self-contained HTML file, or a PDF

A format module imports ``seniorcli.output.columns`` and nothing else of this package; this
module imports a format only inside ``emit``, when it is asked for. So importing any module of
the package first works, and ``import seniorcli.output`` loads neither XlsxWriter, Rich nor
babel (``tests/test_output_files.py`` checks both).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from seniorcli.output.columns import Column, neutralise

__all__ = ["Column", "emit", "neutralise"]


def emit(
    rows: Iterable[dict],
    columns: list[Column],
    fmt: str,
    output: Path | None = None,
    *,
    title: str | None = None,
    excel: bool = False,
    table_columns: list[Column] | None = None,
    row_style: Callable[[dict], str | None] | None = None,
    footer: Callable[[int], str] | None = None,
) -> int:
    """Write rows in ``fmt`` (already resolved: see ``cli.common.output_format``) to standard
    output or to ``output``; returns the number of rows written.

    ``table_columns``, ``row_style`` and ``footer`` concern the table only (columns only
    people need, a style per row, a line under the table); ``title`` names the table and the
    workbook's sheet."""
    if fmt == "excel-csv":  # --format excel-csv (or its alias --excel): CSV for Danish Excel
        fmt, excel = "csv", True
    if fmt == "xlsx":
        if output is None:
            raise ValueError("xlsx needs an output file")
        from seniorcli.output.xlsx import write_xlsx

        return write_xlsx(rows, columns, output, title=title)
    if fmt == "table":
        from seniorcli.output import table

        return table.write_table(rows, table_columns or columns, output, title, row_style,
                                 footer)
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown format {fmt!r}")
    if output is not None:
        from seniorcli.files import private_file

        encoding = "utf-8-sig" if excel else "utf-8"
        with private_file(output, "w", encoding=encoding, newline="") as f:
            return _machine(rows, columns, fmt, f, excel)
    if excel:
        sys.stdout.buffer.write(b"\xef\xbb\xbf")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="",
                           write_through=False)
    try:
        return _machine(rows, columns, fmt, out, excel)
    finally:
        out.flush()
        out.detach()


def _machine(rows: Iterable[dict], columns: list[Column], fmt: str, out: TextIO,
             excel: bool) -> int:
    if fmt == "json":
        from seniorcli.output.json import write_json

        return write_json(rows, columns, out)
    from seniorcli.output.csv import write_csv

    return write_csv(rows, columns, out, excel)
