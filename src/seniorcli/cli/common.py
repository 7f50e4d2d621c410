"""Options shared by every command, defined once; opening the database; printing messages.

Only light modules are imported here (start-up time is a feature): services, SQLite and Rich are
imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seniorcli.dates import DateFormatError, parse_date

if TYPE_CHECKING:
    import sqlite3


class State:
    db_option: str | None = None


state = State()


def parse_date_option(value: str) -> date:
    """ISO YYYY-MM-DD; Danish DD-MM-YYYY and DD.MM.YYYY are accepted too."""
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except DateFormatError:
        raise typer.BadParameter(
            f"'{value}' is not a date; use YYYY-MM-DD (or DD-MM-YYYY, DD.MM.YYYY)"
        ) from None


def today() -> date:
    """Today's date in Denmark: the only place the CLI reads the clock."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Copenhagen")).date()


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


AsOf = Annotated[
    date | None,
    typer.Option("--as-of", parser=parse_date_option, metavar="DATE",
                 help="The date to compute for (default: today in Europe/Copenhagen)."),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table (for people), csv or json (for scripts).")
]
ExportFormatOpt = Annotated[
    ExportFormat,
    typer.Option("--format", "-f", help="table, csv, json, or xlsx (needs --output)."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help="Write the data to FILE instead of standard output (.xlsx: Excel)."),
]
ExcelOpt = Annotated[
    bool,
    typer.Option("--excel", help="CSV for Danish Excel: ';', UTF-8 with BOM, DD-MM-YYYY dates."),
]
DepartmentOpt = Annotated[
    str | None, typer.Option("--department", "-d", metavar="NAME", help="Only this department.")
]
ManagerOpt = Annotated[
    str | None, typer.Option("--manager", "-m", metavar="ID",
                                help="Only this manager's staff (manager id).")
]


def open_db() -> sqlite3.Connection:
    from seniorcli.db.engine import connect, resolve_db_path

    return connect(resolve_db_path(state.db_option))


def db_exists() -> bool:
    """Whether the chosen database file is there (without creating it)."""
    from seniorcli.db.engine import resolve_db_path

    return resolve_db_path(state.db_option).is_file()


def say(message: str) -> None:
    """A message for people: always on standard error, never mixed with data."""
    sys.stderr.write(message.rstrip("\n") + "\n")


def check_output_format(fmt: str, output: Path | None) -> None:
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter("--format xlsx writes a file: add --output FILE.xlsx",
                                 param_hint="--format")


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", "-r", metavar="NAME",
                 help="The rule set (see `seniorcli rules list`); default: `config set rules`."),
]
RulesFileOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules-file", metavar="FILE.toml",
                 help="A rule set defined in TOML (see README); repeatable."),
]


def rules_dir() -> Path:
    """``*.toml`` here are picked up as rule sets: <user config dir>/seniorcli/rules."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("seniorcli", appauthor=False)) / "rules"


def resolve_rules(conn, name: str | None, files: list[Path] | None, required: bool = True):
    """The rule set to use: --rules, else the one named in a single --rules-file, else the
    configured default. Returns None only when not ``required``."""
    from seniorcli.errors import SeniorError
    from seniorcli.rules import load_registry
    from seniorcli.services.settings import get_setting

    registry = load_registry(rules_dir(), files or [])
    if name is None and files and len(files) == 1:
        from seniorcli.rules.loader import load_rule_file

        name = load_rule_file(files[0]).name
    start = get_setting(conn, "start-date") if conn is not None else None
    if name is None and conn is not None:
        name = get_setting(conn, "rules")
    if name is None:
        if not required:
            return None
        known = ", ".join(rs.name for rs in registry.all())
        raise SeniorError(
            f"no rule set chosen. Known rule sets: {known}",
            hint="--rules NAME, or store a default: seniorcli config set rules NAME",
        )
    return registry.get(name).with_register_start(
        date.fromisoformat(start) if start else None)
