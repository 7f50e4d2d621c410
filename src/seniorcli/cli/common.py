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

from seniorcli.dates import OPEN_END, DateFormatError, parse_date

if TYPE_CHECKING:
    import sqlite3


class State:
    db_option: str | None = None
    quiet: bool = False  # --quiet: no summaries and no warnings, only errors


state = State()


#: The dates a person can mean: older or later ones are typing mistakes (and would overflow
#: the date arithmetic of a due list or a term); 9999-12-31 is payroll's "no end".
EARLIEST, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def parse_date_option(value: str) -> date:
    """ISO YYYY-MM-DD; Danish DD-MM-YYYY and DD.MM.YYYY are accepted too; 1900–2199, or
    9999-12-31 ("no end", for end dates)."""
    if isinstance(value, date):
        return value
    try:
        day = parse_date(value)
    except DateFormatError:
        raise typer.BadParameter(
            f"'{value}' is not a date; use YYYY-MM-DD (or DD-MM-YYYY, DD.MM.YYYY)"
        ) from None
    if not (EARLIEST <= day <= LATEST_DAY or day == OPEN_END):
        raise typer.BadParameter(f"{day} is outside the years 1900–2199; check the year")
    return day


def parse_day_option(value: str) -> date:
    """A day to answer about (--as-of, --from, --to …): a date from 1900 to 2199."""
    day = parse_date_option(value)
    if day == OPEN_END:
        raise typer.BadParameter(f"{OPEN_END} means 'no end' in payroll files; give a real day")
    return day


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
    typer.Option("--as-of", parser=parse_day_option, metavar="DATE",
                 help="The date to compute for (default: today in Europe/Copenhagen)."),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", show_default=False,
                 help="table (for people; the default), csv or json (for scripts)."),
]
ExportFormatOpt = Annotated[
    ExportFormat | None,
    typer.Option("--format", "-f", show_default=False,
                 help="table, csv, json or xlsx (needs --output). Default: from the --output "
                 "file's ending (.csv, .json, .xlsx, .txt), else table."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help="Write the data to FILE instead of standard output; without --format "
                 "its ending chooses the format (.csv, .json, .xlsx: Excel, .txt: the table; "
                 ".html for reports)."),
]
ExcelOpt = Annotated[
    bool,
    typer.Option("--excel", help="CSV for Danish Excel: ';', UTF-8 with BOM, DD-MM-YYYY dates "
                 "(implies --format csv when no format is given)."),
]
DepartmentOpt = Annotated[
    str | None, typer.Option("--department", "-d", metavar="NAME", help="Only this department.")
]
ManagerOpt = Annotated[
    str | None, typer.Option("--manager", "-m", metavar="ID",
                                help="Only this manager's staff (manager id).")
]


def open_db(*, must_exist: bool = False) -> sqlite3.Connection:
    """The database chosen by --db, SENIORCLI_DB or the default. Commands that write create it
    on first use; those that only read pass ``must_exist``: a database that is not there is
    refused (exit 1) and nothing is created — a mistyped --db must not answer "0 due"."""
    import os

    from seniorcli.db.engine import ENV_VAR, connect, resolve_db_path

    path = resolve_db_path(state.db_option)
    if must_exist and "://" not in str(state.db_option or os.environ.get(ENV_VAR) or "") \
            and not path.exists():
        from seniorcli.errors import DatabaseError

        source = ("--db" if state.db_option else ENV_VAR if os.environ.get(ENV_VAR)
                  else "the default location")
        raise DatabaseError(
            f"there is no database at {path} (from {source}); nothing was created",
            hint=f"check --db and {ENV_VAR} for a typing error, or import a roster first: "
                 f"seniorcli --db {path} import ROSTER.csv",
        )
    return connect(path)


def db_exists() -> bool:
    """Whether the chosen database file is there (without creating it)."""
    from seniorcli.db.engine import resolve_db_path

    return resolve_db_path(state.db_option).is_file()


def stderr_is_terminal() -> bool:
    """Whether a person is watching standard error (not cron, a pipe or a log file)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def say(message: str) -> None:
    """A summary or progress note for people ('Imported …', 'Wrote …'): on standard error and
    only when it is a terminal, so an unattended run that went well prints nothing (and cron
    mails nothing); never with --quiet. Data never goes here."""
    if state.quiet or not stderr_is_terminal():
        return
    sys.stderr.write(message.rstrip("\n") + "\n")


def warn(message: str) -> None:
    """Something to act on although the command succeeded: always on standard error (cron mails
    it), unless --quiet."""
    if state.quiet:
        return
    sys.stderr.write(f"Warning: {message.rstrip()}\n")


# The formats an --output file's ending stands for. Anything else needs --format.
EXTENSIONS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".html": "html",
              ".htm": "html", ".txt": "table"}


def output_format(fmt: str | None, output: Path | None, *, excel: bool = False,
                  html: bool = False) -> str:
    """The one place that decides the format: ``--format`` if given, else the ending of
    ``--output`` (.csv, .json, .xlsx, .html where the command writes HTML, .txt for the table),
    else csv with ``--excel``, else the table. Contradictions and endings it cannot read are
    refused (usage error, exit 2) before anything is computed or written."""
    fmt = getattr(fmt, "value", fmt)
    if output is not None:  # the database, a folder, …: refused before anything else
        from seniorcli.files import check_target

        check_target(output)
    ending = output.suffix.lower() if output is not None else ""
    name = output.name if output is not None else ""  # for the messages about an ending
    implied = EXTENSIONS.get(ending)
    known = ".csv, .json, .xlsx, " + (".html, " if html else "") + ".txt"
    if implied == "html" and not html:
        raise typer.BadParameter(
            f"this command does not write HTML ({name}); name the file {known}",
            param_hint="--output")
    if fmt is not None:
        if implied is not None and implied != fmt:
            raise typer.BadParameter(
                f"--format {fmt} does not match the file {name}: leave out --format, "
                f"or name the file for {fmt}", param_hint="--format")
    elif implied is not None:
        fmt = implied
    elif output is not None and not excel:
        raise typer.BadParameter(
            f"cannot tell the format from the file name {output.name}: name it {known}, or "
            "give --format", param_hint="--output")
    else:
        fmt = "csv" if excel else "table"
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter("--format xlsx writes a file: add --output FILE.xlsx",
                                 param_hint="--format")
    if excel and fmt not in ("csv", "xlsx"):
        raise typer.BadParameter(
            f"--excel is the CSV dialect for Danish Excel, not for {fmt}: use --format csv "
            "(or a .csv file)", param_hint="--excel")
    return fmt


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
