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
    parse_delimiter_option,
    resolve_rules,
    say,
    today,
    warn,
    with_manager_labels,
)
from seniorcli.fmt import date_short
from seniorcli.i18n import _, ngettext


def _parse_map(values: list[str] | None) -> dict[str, str]:
    from seniorcli.services.roster import FIELDS

    mapping: dict[str, str] = {}
    for item in values or []:
        column, sep, field = item.rpartition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise typer.BadParameter(_("'{item}' is not COLUMN=FIELD")
                .format(item=item), param_hint="--map")
        if field not in FIELDS and field != "ignore":
            raise typer.BadParameter(
                _("'{field}' is not a field; fields are {FIELDS} (or ignore)")
                    .format(field=field, FIELDS=', '.join(FIELDS)),
                param_hint="--map",
            )
        mapping[column.strip()] = field
    return mapping


def import_cmd(
    roster: Annotated[Path, typer.Argument(
        metavar="ROSTER", help=_("The payroll export: a CSV file, or the employee file of KMD "
                                 "OPUS (ZLPE….xml), recognised by its content."))],
    partial: Annotated[bool, typer.Option(
        "--partial",
        help=_("Update only the employees in the file; mark no one as left."))] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help=_("Validate and report what would change; write nothing."))] = False,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=FIELD",
        help=_("Say which field a column holds, e.g. --map 'Medarb.nr=employee_id' "
        "(FIELD 'ignore' skips a column). Repeatable."))] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", metavar="NAME", help=_("utf-8 or cp1252 (default: detected)."))] = None,
    delimiter: Annotated[str | None, typer.Option(
        "--delimiter", metavar="CHAR", parser=parse_delimiter_option,
        help=_("',', ';' or 'tab' (default: detected)."))] = None,
    expect_left: Annotated[int | None, typer.Option(
        "--expect-left", min=0, metavar="N",
        help=_("Confirm that a full import marks exactly N employees as left (needed when more "
        "than 5 and more than 10 % of the current staff would be)."))] = None,
    as_of: AsOf = None,
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help=_("table: a summary for people; json: the summary as data."))
    ] = Format.table,
) -> None:
    """Load or refresh the roster from a payroll export (CSV, or KMD OPUS XML).

    A KMD OPUS employee file (XML, e.g. ZLPE20261101000000_delta.xml) is recognised by its
    content, whatever its name, and is a full roster unless --partial makes it a delta (only
    the employees it names change); its action="leave" records mark leavers.

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
        raise typer.BadParameter(_("--partial marks no one as left: leave out --expect-left"),
                                 param_hint="--expect-left")
    options = ImportOptions(
        as_of=as_of or today(), partial=partial, dry_run=dry_run, mapping=_parse_map(map_),
        encoding=encoding, delimiter=delimiter, expect_left=expect_left,
    )
    conn = open_db()
    with _progress(roster) as progress:
        summary = import_roster(conn, roster, options, progress)
    if summary.refused:  # a dry run: say it also to scripts (cron mails a warning)
        warn(_("a real import would be refused: {refused}.").format(refused=summary.refused))
    if fmt == Format.json:
        import json

        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    left = "" if partial else _(", {n} marked as left").format(n=summary.marked_left)
    back = _(", {n} back again").format(n=summary.back_again) if summary.back_again else ""
    say(
        (_("Would import {rows} employees from {name}: {added} added, {updated} updated, "
           "{unchanged} unchanged{left}{back}.") if dry_run
         else _("Imported {rows} employees from {name}: {added} added, {updated} updated, "
                "{unchanged} unchanged{left}{back}."))
            .format(rows=summary.rows, name=roster.name, added=summary.added,
                    updated=summary.updated, unchanged=summary.unchanged, left=left, back=back)
    )
    if summary.back_again:
        say(_("Back again: {back_again} employees left out of an earlier full roster "
            "(and so marked as left) are listed again without a leave date: they are current "
            "again.").format(back_again=summary.back_again))
    if summary.format == "opus":
        _say_opus(summary)
    if summary.ignored_columns:
        say(_("Ignored columns: {columns}").format(columns=", ".join(summary.ignored_columns)))
    if summary.encoding == "cp1252" and encoding is None:
        say(_("Read as cp1252 (Windows): {name} has no UTF-8 characters.").format(name=roster.name))
    if dry_run:
        say(_("Dry run: nothing was written."))


def _say_opus(summary) -> None:
    """What a KMD OPUS file adds to the summary (services/opus.py, docs/roster.md)."""
    say(_("Read as a KMD OPUS employee file (XML)."))
    if summary.leave_records:
        already = (summary.leave_records - summary.left_by_record
                   - summary.leave_records_unknown)
        say(_("Leave records (action=\"leave\"): {n}: {changed} marked as left, {unknown} not "
              "in the register, {already} had left already.").format(
                  n=summary.leave_records, changed=summary.left_by_record,
                  unknown=summary.leave_records_unknown, already=already))
    if summary.other_engagements:
        say(ngettext("{n} further engagement of an employee with more than one was not "
                     "imported: each person is imported once, by their primary engagement.",
                     "{n} further engagements of employees with more than one were not "
                     "imported: each person is imported once, by their primary engagement.",
                     summary.other_engagements).format(n=summary.other_engagements))
    if summary.unknown_unit_employees:
        warn(ngettext("{n} employee belongs to a unit the file does not describe ({units}): "
                      "the department is the unit's number.",
                      "{n} employees belong to units the file does not describe ({units}): "
                      "their department is the unit's number.",
                      summary.unknown_unit_employees).format(
                          n=summary.unknown_unit_employees,
                          units=", ".join(summary.unknown_units)))


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


def employee_columns(table: bool = False):
    """The columns of ``employees``: for the table the manager as "Name (id)" in one column,
    for the machine formats ``manager_id`` and ``manager_name`` apart."""
    from seniorcli.output import Column

    manager = ([Column("manager", _("Manager"), drop_order=4)] if table else
               [Column("manager_id", _("Manager")), Column("manager_name", _("Manager name"))])
    return [
        Column("employee_id", _("Employee"), "id"), Column("name", _("Name")),
        Column("birth_date", _("Born"), "date"), Column("age", _("Age"), "number"),
        Column("department", _("Department"), drop_order=1), *manager,
        Column("hire_date", _("Hired"), "date", drop_order=2),
        Column("leave_date", _("Left"), "date", drop_order=4),
        Column("email", _("E-mail"), drop_order=5),
        Column("weekly_hours", _("Hours"), "hours", drop_order=3),
    ]


def employees(
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
    include_left: Annotated[bool, typer.Option(
        "--include-left",
        help=_("Also those who have left, and those not hired yet on the as-of date."))] = False,
    search: Annotated[str | None, typer.Option(
        "--search", "-s", metavar="TEXT",
        help=_("Only those whose name contains TEXT, whatever the case and accents; å/aa, ø/oe "
               "and æ/ae are alike (Soeren finds Søren, aase finds Åse)."))] = None,
    as_of: AsOf = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List the staff on the as-of date: hired on or before it, not left on or before it.

    Example: seniorcli employees --department "Ældreplejen" --search soeren --format csv
    """
    from seniorcli.output import emit
    from seniorcli.services.employees import list_employees

    if search is not None and not search.strip():
        raise typer.BadParameter(_("give part of a name, e.g. --search soeren"),
                                 param_hint="--search")
    out_fmt = output_format(fmt, output, excel=excel)
    day = as_of or today()
    conn = open_db(must_exist=True)
    from seniorcli.services.filters import resolve_filters

    department, manager = resolve_filters(conn, department, manager)
    rows = list_employees(conn, day, department=department, manager=manager,
                          include_left=include_left, search=search)
    if search is not None:  # a filter that matches nothing is refused, as --department is
        import itertools

        first = next(rows, None)
        if first is None:
            from seniorcli.errors import NotFoundError

            raise NotFoundError(
                _("no employee whose name contains '{text}'").format(text=search.strip()),
                hint=_("check the spelling; --include-left also searches those who have left")
                if not include_left else _("check the spelling"))
        rows = itertools.chain([first], rows)
    table = out_fmt == "table"
    emit(with_manager_labels(rows) if table else rows, employee_columns(table), out_fmt,
         output, excel=excel, title=_("Employees on {day}").format(day=date_short(day)),
         footer=lambda n: ngettext("{n} employee", "{n} employees", n).format(n=n))


def show(
    employee_id: Annotated[str, typer.Argument(metavar="EMPLOYEE_ID",
        help=_("The employee's id (payroll number)."))],
    as_of: AsOf = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help=_("table or json."))
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
        from seniorcli.output.json import dumps

        typer.echo(dumps(detail))
        return
    from seniorcli.cli.render import render_employee

    render_employee(detail, day)


def register(app: typer.Typer) -> None:
    app.command("import")(import_cmd)
    app.command("employees")(employees)
    app.command("show")(show)
