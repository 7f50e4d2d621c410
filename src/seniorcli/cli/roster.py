"""``import``, ``employees`` and ``show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    ExcelOpt,
    ExportFormatOpt,
    Format,
    ManagerOpt,
    OutputOpt,
    RulesFileOpt,
    RulesOpt,
    ShowFormat,
    open_db,
    output_format,
    resolve_rules,
    say,
    today,
    warn,
)


def _parse_map(values: list[str] | None) -> dict[str, str]:
    from seniorcli.services.roster import FIELDS

    mapping: dict[str, str] = {}
    for item in values or []:
        column, sep, field = item.rpartition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise typer.BadParameter(f"'{item}' is not COLUMN=FIELD", param_hint="--map")
        if field not in FIELDS and field != "ignore":
            raise typer.BadParameter(
                f"'{field}' is not a field; fields are {', '.join(FIELDS)} (or ignore)",
                param_hint="--map",
            )
        mapping[column.strip()] = field
    return mapping


def import_cmd(
    roster: Annotated[Path, typer.Argument(metavar="ROSTER.csv", help="The payroll export.")],
    partial: Annotated[bool, typer.Option(
        "--partial", help="Update only the employees in the file; mark no one as left.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Validate and report what would change; write nothing.")] = False,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=FIELD",
        help="Say which field a column holds, e.g. --map 'Medarb.nr=employee_id' "
        "(FIELD 'ignore' skips a column). Repeatable.")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="NAME", help="utf-8 or cp1252 (default: detected).")] = None,
    delimiter: Annotated[str | None, typer.Option(
        "--delimiter", metavar="CHAR", help="',', ';' or 'tab' (default: detected).")] = None,
    expect_left: Annotated[int | None, typer.Option(
        "--expect-left", min=0, metavar="N",
        help="Confirm that a full import marks exactly N employees as left (needed when more "
        "than 5 and more than 10 % of the current staff would be).")] = None,
    as_of: AsOf = None,
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="table: a summary for people; json: the summary as data.")
    ] = Format.table,
) -> None:
    """Load or refresh the roster from a payroll export (CSV).

    Every row is checked before anything is written; on any error nothing changes (exit 1).
    Employees missing from a full roster are marked as left, never deleted; listed again
    later without a leave date, they are current again ("back again"). A leave date given in
    a file is kept until a file with a leave-date column changes it. A full roster that would
    mark more than 5 employees and more than 10 % of the current staff as left (a truncated
    export?) is refused unless --expect-left gives that number.

    Example: seniorcli import lonudtraek.csv --dry-run
    """
    from seniorcli.services.roster import ImportOptions, import_roster

    if expect_left is not None and partial:
        raise typer.BadParameter("--partial marks no one as left: leave out --expect-left",
                                 param_hint="--expect-left")
    options = ImportOptions(
        as_of=as_of or today(), partial=partial, dry_run=dry_run, mapping=_parse_map(map_),
        encoding=encoding, delimiter=delimiter, expect_left=expect_left,
    )
    conn = open_db()
    with _progress(roster) as progress:
        summary = import_roster(conn, roster, options, progress)
    if summary.refused:  # a dry run: say it also to scripts (cron mails a warning)
        warn(f"a real import would be refused: {summary.refused}.")
    if fmt == Format.json:
        import json

        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    verb = "Would import" if dry_run else "Imported"
    left = "" if partial else f", {summary.marked_left} marked as left"
    back = f", {summary.back_again} back again" if summary.back_again else ""
    say(
        f"{verb} {summary.rows} employees from {roster.name}: {summary.added} added, "
        f"{summary.updated} updated, {summary.unchanged} unchanged{left}{back}."
    )
    if summary.back_again:
        say(f"Back again: {summary.back_again} employees left out of an earlier full roster "
            "(and so marked as left) are listed again without a leave date: they are current "
            "again.")
    if summary.ignored_columns:
        say("Ignored columns: " + ", ".join(summary.ignored_columns))
    if summary.encoding == "cp1252" and encoding is None:
        say(f"Read as cp1252 (Windows): {roster.name} has no UTF-8 characters.")
    if dry_run:
        say("Dry run: nothing was written.")


class _progress:
    """A progress bar on standard error for large files, only when it is a terminal."""

    def __init__(self, path: Path):
        self.path, self.bar, self.task = path, None, None

    def __enter__(self):
        import sys

        if not sys.stderr.isatty() or not self.path.is_file() or \
                self.path.stat().st_size < 2_000_000:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TimeRemainingColumn

        self.bar = Progress("Reading roster", BarColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("read", total=self.path.stat().st_size)
        return lambda done, total: self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def employee_columns():
    from seniorcli.output import Column

    return [
        Column("employee_id", "Employee"), Column("name", "Name"),
        Column("birth_date", "Born", "date"), Column("age", "Age", "number"),
        Column("department", "Department"), Column("manager_id", "Manager"),
        Column("hire_date", "Hired", "date"), Column("leave_date", "Left", "date"),
        Column("email", "E-mail"), Column("weekly_hours", "Hours", "number"),
    ]


def employees(
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
    include_left: Annotated[bool, typer.Option(
        "--include-left",
        help="Also those who have left, and those not hired yet on the as-of date.")] = False,
    as_of: AsOf = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List the staff on the as-of date: hired on or before it, not left on or before it.

    Example: seniorcli employees --department "Ældreplejen" --format csv
    """
    from seniorcli.output import emit
    from seniorcli.services.employees import list_employees

    out_fmt = output_format(fmt, output, excel=excel)
    day = as_of or today()
    conn = open_db(must_exist=True)
    from seniorcli.services.filters import resolve_filters

    department, manager = resolve_filters(conn, department, manager)
    rows = list_employees(conn, day, department=department, manager=manager,
                          include_left=include_left)
    emit(rows, employee_columns(), out_fmt, output, excel=excel, title=f"Employees on {day}",
         footer=lambda n: f"{n} employees")


def show(
    employee_id: Annotated[str, typer.Argument(metavar="EMPLOYEE_ID",
        help="The employee's id (payroll number).")],
    as_of: AsOf = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="table or json.")
                   ] = ShowFormat.table,
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
) -> None:
    """One employee: details, conversation history, agreements and the next due date.

    Example: seniorcli show 01234
    """
    from seniorcli.services.employees import employee_detail

    day = as_of or today()
    conn = open_db(must_exist=True)
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    detail = employee_detail(conn, employee_id, day, rule_set)
    if fmt == ShowFormat.json:
        from seniorcli.output import dumps

        typer.echo(dumps(detail))
        return
    from seniorcli.cli.render import render_employee

    render_employee(detail, day)


def register(app: typer.Typer) -> None:
    app.command("import")(import_cmd)
    app.command("employees")(employees)
    app.command("show")(show)
