"""The one place that writes data: table | csv | json | xlsx, to stdout or ``--output FILE``.

Machine formats never pass through Rich; messages go to standard error. Files are written
through ``seniorcli.files`` (private, never half-written, never onto the database; a FIFO or
device is written into). CSV and XLSX cells that a spreadsheet would read as a formula are
neutralised. Which format a command writes is decided once, by ``cli.common.output_format``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

# Still importable from here (services.admin uses private_path); the code lives in files.py.
from seniorcli.errors import printable
from seniorcli.files import private_file as private_file
from seniorcli.files import private_path as private_path

FORMATS = ("table", "csv", "json", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | date | number | bool
    style: str | None = None


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV/formula injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cell(value: Any, excel: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y") if excel else value.isoformat()
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if excel else text
    if isinstance(value, int):
        return str(value)
    # A carriage return inside a value would not be quoted with "\n" line ends and would
    # break the row for readers; as a line break it is quoted and keeps its meaning.
    return neutralise(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def dumps(value: Any) -> str:
    """Pretty JSON for one object (dates as ISO text)."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=json_default)


def write_csv(rows: Iterable[dict], columns: list[Column], out: TextIO, excel: bool) -> int:
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel
                        else "\n")
    writer.writerow([c.key for c in columns])
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(c.key), excel) for c in columns])
        n += 1
    return n


def write_json(rows: Iterable[dict], columns: list[Column], out: TextIO) -> int:
    """A JSON array, one object per line, streamed (memory stays flat on big lists).

    Date columns become ISO text first, so each object goes through the C encoder."""
    keys = [c.key for c in columns]
    date_keys = [c.key for c in columns if c.kind == "date"]
    encode = _object_encoder()
    n = 0
    out.write("[")
    for row in rows:
        obj = {k: row.get(k) for k in keys}
        for k in date_keys:
            v = obj[k]
            if v is not None:
                obj[k] = v.isoformat()
        out.write(",\n  " if n else "\n  ")
        out.write(encode(obj))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def _object_encoder() -> Callable[[dict], str]:
    """One JSON object as compact text. The C encoder is made once and reused (json.dumps
    makes a new one per call, which costs a third of the time on a 60,000-row list)."""
    # typeshed leaves out c_make_encoder (None without the C accelerator): the stub is wrong
    from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

    if c_make_encoder is None:  # a Python without the C accelerator
        return json.JSONEncoder(ensure_ascii=False, default=json_default).encode
    make = c_make_encoder(None, json_default, encode_basestring, None, ": ", ", ", False, False,
                          True)
    return lambda obj: "".join(make(obj, 0))


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
    output or to ``output``; returns the number of rows written."""
    if fmt == "xlsx":
        if output is None:
            raise ValueError("xlsx needs an output file")
        from seniorcli.xlsx import write_xlsx

        return write_xlsx(rows, columns, output, title=title)
    if fmt == "table":
        return _table(rows, table_columns or columns, output, title, row_style, footer)
    if output is not None:
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
        return write_json(rows, columns, out)
    return write_csv(rows, columns, out, excel)


def _display(v: Any) -> str:
    """A value as people read it in a terminal table."""
    if v is None or v is False:
        return ""
    if v is True:
        return "yes"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:,.0f}"
    # A name stored by an older version may hold escape codes: they never reach a terminal.
    return printable(str(v))


def _table(rows: Iterable[dict], columns: list[Column], output: Path | None, title: str | None,
           row_style: Callable[[dict], str | None] | None,
           footer: Callable[[int], str] | None) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=printable(title) if title else None, show_lines=False,
                  header_style="bold")
    for c in columns:
        table.add_column(c.header, justify="right" if c.kind == "number" else "left",
                         style=c.style, no_wrap=c.kind in ("date", "number"))
    n = 0
    for row in rows:
        # Text objects: a name like "[bold]" is shown as written, never read as markup.
        cells = [Text(_display(row.get(c.key))) for c in columns]
        table.add_row(*cells, style=row_style(row) if row_style else None)
        n += 1
    if output is not None:
        with private_file(output, "w", encoding="utf-8") as f:
            console = Console(file=f, width=160, no_color=True)
            console.print(table)
            if footer:
                console.print(footer(n))
        return n
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 160))  # piped or redirected: don't squeeze
    if n:
        console.print(table)
    if footer:
        console.print(footer(n), highlight=False)
    return n
