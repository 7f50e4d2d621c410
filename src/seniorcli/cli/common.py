"""Options shared by every command, defined once; opening the database; printing messages.

Only light modules are imported here (start-up time is a feature): services, SQLite and Rich are
imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seniorcli.dates import OPEN_END, DateFormatError, parse_date
from seniorcli.i18n import N_, _

if TYPE_CHECKING:
    from seniorcli.db import Db


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
            _("'{value}' is not a date; use YYYY-MM-DD (or DD-MM-YYYY, DD.MM.YYYY)")
                .format(value=value)
        ) from None
    if not (EARLIEST <= day <= LATEST_DAY or day == OPEN_END):
        raise typer.BadParameter(_("{day} is outside the years 1900–2199; check the year")
            .format(day=day))
    return day


def parse_day_option(value: str) -> date:
    """A day to answer about (--as-of, --from, --to …): a date from 1900 to 2199."""
    day = parse_date_option(value)
    if day == OPEN_END:
        raise typer.BadParameter(_("{OPEN_END} means 'no end' in payroll files; give a real day")
            .format(OPEN_END=OPEN_END))
    return day


def parse_delimiter_option(value: str) -> str:
    """``--delimiter``: ',', ';' or tab (also written 'tab', '\\t', 'comma', 'semicolon', in
    any case). Anything else (';;', '', 'komma') is a usage error naming them (exit 2)."""
    from seniorcli.tabular import DELIMITERS

    found = DELIMITERS.get(value) or DELIMITERS.get(value.strip().lower())
    if found is None:
        raise typer.BadParameter(
            _("'{value}' is not a delimiter: use ',', ';' or 'tab' (or leave out --delimiter "
              "to have it detected)").format(value=value))
    return found


def id_argument(help: str) -> typer.models.ArgumentInfo:
    """A record's id (an outcome, an agreement): a whole number SQLite can hold, else exit 2."""
    return typer.Argument(metavar="ID", min=1, max=2**63 - 1, help=help)


def today() -> date:
    """Today's date in Denmark: the only place the CLI reads the clock."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Copenhagen")).date()


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    """The formats of every listing (one --format for all of them: see output_format)."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    excel_csv = "excel-csv"  # CSV for Danish Excel (--excel is its alias)


AsOf = Annotated[
    date | None,
    typer.Option("--as-of", parser=parse_day_option, metavar="DATE",
                 help=_("The date to compute for (default: today in Europe/Copenhagen).")),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", show_default=False,
                 help=_("table (for people; the default), csv or json (for scripts).")),
]
ExportFormatOpt = Annotated[
    ExportFormat | None,
    typer.Option("--format", "-f", show_default=False,
                 help=_("table (for people), csv or json (for scripts), xlsx (an Excel workbook: "
                 "needs --output) or excel-csv (CSV for Danish Excel: ';', UTF-8 with BOM, "
                 "DD-MM-YYYY dates, decimal comma). Default: from the --output file's ending "
                 "(.csv, .json, .xlsx, .txt), else table.")),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help=_("Write the data to FILE instead of standard output; without --format "
                 "its ending chooses the format (.csv, .json, .xlsx: Excel, .txt: the table; "
                 ".html for reports).")),
]
ExcelOpt = Annotated[
    bool,
    typer.Option("--excel", help=_("Alias of --format excel-csv (CSV for Danish Excel), kept "
                 "for existing scripts; with --format csv it means the same.")),
]
DepartmentOpt = Annotated[
    str | None, typer.Option("--department", "-d", metavar="NAME", help=_("Only this department."))
]
ManagerOpt = Annotated[
    str | None, typer.Option("--manager", "-m", metavar="ID",
                                help=_("Only this manager's staff (manager id)."))
]


def manager_label(manager_id: str | None, manager_name: str | None) -> str:
    """A manager as people read them: "Name (id)"; the id alone when no employee of the roster
    has it (a manager from another payroll area, an old id)."""
    if not manager_id:
        return ""
    return f"{manager_name} ({manager_id})" if manager_name else manager_id


def with_manager_labels(rows: Iterable[dict]) -> Iterator[dict]:
    """The rows, each with ``manager``: its manager as ``manager_label`` (for tables: the
    machine formats keep ``manager_id`` and ``manager_name`` apart)."""
    for r in rows:
        r["manager"] = manager_label(r.get("manager_id"), r.get("manager_name"))
        yield r


def open_db(*, must_exist: bool = False) -> Db:
    """The register chosen by --db, SENIORCLI_DB or the default: an SQLite file or a PostgreSQL
    database. Commands that write create it on first use; those that only read pass
    ``must_exist``: a register that is not there is refused (exit 1) and nothing is created — a
    mistyped --db must not answer "0 due"."""
    import os

    from seniorcli import db

    target = db.resolve(state.db_option)
    if must_exist and isinstance(target, Path) and not target.exists():
        from seniorcli.errors import DatabaseError

        source = ("--db" if state.db_option else db.ENV_VAR if os.environ.get(db.ENV_VAR)
                  else _("the default location"))
        raise DatabaseError(
            _("there is no database at {path} (from {source}); nothing was created")
                .format(path=target, source=source),
            hint=_("check --db and {ENV_VAR} for a typing error, or import a roster first: "
                 "seniorcli --db {path} import ROSTER.csv").format(ENV_VAR=db.ENV_VAR,
                                                                   path=target),
        )
    conn = db.connect(target, must_exist=must_exist)
    _apply_language(conn)
    return conn


def _apply_language(conn: Db) -> None:
    """``config set language``: it applies from the moment the database is open (help texts,
    built at start-up, follow SENIORCLI_LANG and the locale)."""
    from seniorcli.i18n import set_config_language
    from seniorcli.services.settings import get_setting

    try:
        set_config_language(get_setting(conn, "language"))
    except Exception:  # a damaged or foreign database: its own error comes with the command
        set_config_language(None)


def db_exists() -> bool:
    """Whether the chosen register is there (without creating it; a PostgreSQL address counts
    as there: connecting says whether it is)."""
    from seniorcli import db

    target = db.resolve(state.db_option)
    return not isinstance(target, Path) or target.is_file()


def stderr_is_terminal() -> bool:
    """Whether a person is watching standard error (not cron, a pipe or a log file)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def fit_to_terminal(text: str) -> str:
    """``text`` wrapped between words to the width of the terminal standard error is (a message
    that runs over the edge breaks in the middle of a word); continuation lines indented. As it
    is when standard error is not a terminal (cron's mail, a log file, a pipe)."""
    import os

    try:
        width = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return text
    if width < 20:
        return text
    import textwrap

    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        out.append(textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False))
    return "\n".join(out)


def say(message: str) -> None:
    """A summary or progress note for people ('Imported …', 'Wrote …'): on standard error and
    only when it is a terminal, so an unattended run that went well prints nothing (and cron
    mails nothing); never with --quiet. Data never goes here."""
    if state.quiet or not stderr_is_terminal():
        return
    sys.stderr.write(fit_to_terminal(message.rstrip("\n")) + "\n")


def warn(message: str) -> None:
    """Something to act on although the command succeeded: always on standard error (cron mails
    it), unless --quiet."""
    if state.quiet:
        return
    sys.stderr.write(fit_to_terminal(_("Warning: {message}").format(message=message.rstrip()))
                     + "\n")


# The formats an --output file's ending stands for. Anything else needs --format.
EXTENSIONS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".html": "html",
              ".htm": "html", ".txt": "table"}


def output_format(fmt: str | None, output: Path | None, *, excel: bool = False,
                  html: bool = False) -> str:
    """The one place that decides the format: ``--format`` if given, else the ending of
    ``--output`` (.csv, .json, .xlsx, .html where the command writes HTML, .txt for the table),
    else the table. ``excel-csv`` is CSV in Danish Excel's dialect (written to a .csv file);
    ``--excel`` is its alias: alone, with ``--format csv`` or with a .csv file it gives
    ``excel-csv`` (with xlsx it changes nothing: a workbook is already Excel's). Contradictions
    and endings it cannot read are refused (usage error, exit 2) before anything is computed
    or written. Returns table, csv, excel-csv, json, xlsx or html (``seniorcli.output.emit``
    takes each of them)."""
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
            _("this command does not write HTML ({name}); name the file {known}")
                .format(name=name, known=known),
            param_hint="--output")
    if fmt is not None:
        if implied is not None and implied != ("csv" if fmt == "excel-csv" else fmt):
            raise typer.BadParameter(
                _("--format {fmt} does not match the file {name}: leave out --format, "
                "or name the file for {fmt}").format(fmt=fmt, name=name), param_hint="--format")
    elif implied is not None:
        fmt = implied
    elif output is not None and not excel:
        raise typer.BadParameter(
            _("cannot tell the format from the file name {name}: name it {known}, or "
            "give --format").format(name=output.name, known=known), param_hint="--output")
    else:
        fmt = "excel-csv" if excel else "table"
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter(_("--format xlsx writes a file: add --output FILE.xlsx"),
                                 param_hint="--format")
    if excel and fmt not in ("csv", "excel-csv", "xlsx"):
        raise typer.BadParameter(
            _("--excel is the CSV dialect for Danish Excel, not for {fmt}: use --format csv "
            "(or a .csv file)").format(fmt=fmt), param_hint="--excel")
    return "excel-csv" if excel and fmt == "csv" else fmt


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", "-r", metavar="NAME",
                 help=_("The rule set (see `seniorcli rules list`); default: `config set rules`.")),
]
RulesFileOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules-file", metavar="FILE.toml",
                 help=_("A rule set defined in TOML (see README); repeatable.")),
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
            _("no rule set chosen. Known rule sets: {known}").format(known=known),
            hint=_("--rules NAME, or store a default: seniorcli config set rules NAME"),
        )
    return registry.get(name).with_register_start(
        date.fromisoformat(start) if start else None)


def folder_option(value: str | Path) -> Path:
    """--to: a folder to write files with personal data into. Empty (``--to "$DIR"`` with the
    variable unset in a cron script) is refused, never taken as the current folder, which is
    written to only when named (``--to .``)."""
    if isinstance(value, Path):
        return value
    if not value.strip():
        raise typer.BadParameter(_(
            "--to is empty (an unset variable in a script?); the files hold personal data and "
            "are not written to the current folder unless it is named: give a folder (or --to . "
            "for the current folder)"))
    return Path(value)



#: The fields a correction names (services keep them in English for the audit log).
CHANGED_FIELDS = {
    "date": N_("date (changed)"), "outcome": N_("outcome (changed)"), "note": N_("note (changed)"),
    "employee": N_("employee (changed)"), "with MUS": N_("with MUS (changed)"),
    "union rep": N_("union rep (changed)"), "start": N_("start (changed)"),
    "end": N_("end (changed)"), "hours": N_("hours (changed)"), "amount": N_("amount (changed)")}
_CHANGE_VALUES = {"none": N_("none (value)"), "yes": N_("yes (value)"), "no": N_("no (value)"),
                  "open-ended": N_("open-ended (value)")}


def _changed_value(field: str, value: str) -> str:
    """One old or new value of a correction as people read it: dates Danish, outcomes and
    yes/no in words, amounts and hours with a decimal comma."""
    import re

    from seniorcli import fmt
    from seniorcli.i18n import language
    from seniorcli.rules.base import outcome_word

    value = value.strip()
    if value in _CHANGE_VALUES:
        return _(_CHANGE_VALUES[value]) if language() != "en" else value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return fmt.date_short(date.fromisoformat(value))
    if field == "outcome" and value.startswith("'") and value.endswith("'"):
        return f"'{outcome_word(value[1:-1])}'"
    try:
        if field == "amount" and value.endswith(" kr"):
            return fmt.amount(float(value[:-3].replace(",", "")))
        if field == "hours":
            return fmt.hours(float(value))
    except ValueError:
        pass
    return value


def changes_text(changes: Iterable[str]) -> str:
    """A correction's changes ("date 2025-11-22 → 2026-11-04", as the audit log keeps them) in
    the reader's language: "dato 22-11-2025 → 04-11-2026"."""
    from seniorcli.i18n import language

    english = language() == "en"  # the message ids say which word is meant: "date (changed)"
    out = []
    for change in changes:
        field = next((f for f in CHANGED_FIELDS if change.startswith(f + " ")), None)
        if field is None:
            out.append(change)
            continue
        old, arrow, new = change[len(field) + 1:].partition(" → ")
        if field == "employee":
            new = new.removeprefix("employee ")
        word = field if english else _(CHANGED_FIELDS[field])
        out.append(f"{word} {_changed_value(field, old)} → "
                   f"{_changed_value(field, new)}" if arrow else change)
    return "; ".join(out)
