"""``due`` and ``log``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    Format,
    FormatOpt,
    ManagerOpt,
    OutputOpt,
    RulesFileOpt,
    RulesOpt,
    open_db,
    parse_date_option,
    resolve_rules,
    say,
    today,
)

LONG_OVERDUE_DAYS = 90


def due_columns(table: bool):
    from seniorcli.output import Column

    cols = [Column("employee_id", "Employee"), Column("name", "Name"),
            Column("department", "Department"), Column("manager_id", "Manager"),
            Column("birth_date", "Born", "date"), Column("age", "Age", "number"),
            Column("due_date", "Due", "date"), Column("status", "Status"),
            Column("pending", "Pending"), Column("reason", "Why")]
    if table:
        cols.insert(7, Column("days_overdue", "Days over", "number"))
        cols = [c for c in cols if c.key not in ("birth_date", "status")]
    return cols


def due(
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS",
        help="Also list those due in the DAYS after the as-of date (status 'upcoming').")] = 0,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Who must be offered a senior conversation, by when, and why.

    Lists current employees whose next offer is due on or before the as-of date, and with
    --within DAYS also those due soon. An empty list is a success.

    Example: seniorcli due --rules koege --within 30 --department "Ældreplejen"
    """
    from seniorcli.output import emit
    from seniorcli.services.due import due_list

    conn = open_db()
    rule_set = resolve_rules(conn, rules, rules_file)
    day = as_of or today()
    rows = due_list(conn, rule_set, day, within, department=department, manager=manager)
    counts = {"due": 0, "upcoming": 0, "long": 0, "pending": 0}

    def counted(rows):
        for r in rows:
            counts[r["status"]] += 1
            counts["long"] += (r["days_overdue"] or 0) > LONG_OVERDUE_DAYS
            counts["pending"] += r["pending"] is not None
            yield r

    def footer(n: int) -> str:
        text = f"{counts['due']} due on {day} under {rule_set.name}"
        if counts["long"]:
            text += f" ({counts['long']} overdue by more than {LONG_OVERDUE_DAYS} days)"
        if within:
            text += f"; {counts['upcoming']} upcoming within {within} days"
        if counts["pending"]:
            text += f"; {counts['pending']} with an invitation or request pending"
        return text + "."

    def style(r: dict) -> str | None:
        if r["status"] == "upcoming":
            return "dim"
        return "bold red" if (r["days_overdue"] or 0) > LONG_OVERDUE_DAYS else None

    table = fmt == Format.table
    emit(counted(rows), due_columns(table), fmt.value, output,
         title=f"Senior conversations due — {rule_set.title}, {day}", row_style=style,
         footer=footer)
    if not table:
        say(footer(0))


def log(
    employee_id: Annotated[str | None, typer.Argument(
        metavar="EMPLOYEE_ID", help="The employee's id.", show_default=False)] = None,
    outcome: Annotated[str | None, typer.Argument(
        metavar="OUTCOME", help="invited, held, declined, postponed or requested.",
        show_default=False)] = None,
    on: Annotated[date | None, typer.Option(
        "--date", parser=parse_date_option, metavar="DATE",
        help="When it happened (default: today).")] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT",
        help="A short note.")] = None,
    with_mus: Annotated[bool, typer.Option(
        "--with-mus", help="Held together with the yearly appraisal (MUS).")] = False,
    union_rep: Annotated[bool, typer.Option(
        "--union-rep", help="The union representative (TR) took part.")] = False,
    from_file: Annotated[Path | None, typer.Option(
        "--from-file", metavar="FILE.csv",
        help="Log many outcomes: columns employee_id, outcome, date [, note, with_mus].")
    ] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="With --from-file: check the file, log nothing.")] = False,
    as_of: AsOf = None,
) -> None:
    """Record what came of an offer: invited, held, declined, postponed or requested.

    Refused (exit 1, nothing logged): an unknown employee or outcome, a date before the hire
    date or after the leave date, a date after today (except 'invited': an invitation for a
    planned meeting; --as-of does not move today), the same outcome twice on one day.

    Example: seniorcli log 00123 held --date 2026-11-03 --with-mus --note "Ønsker 32 timer"
    """
    from seniorcli.cli import common
    from seniorcli.services.conversations import (
        Entry,
        log_from_file,
        log_outcome,
        normalise_outcome,
    )

    # What happened is dated by the real calendar: --as-of only sets the default --date, it
    # never makes a later day's outcome loggable.
    real_today = common.today()
    day = as_of or real_today
    conn = open_db()
    if from_file is not None:
        if employee_id or outcome:
            raise typer.BadParameter("give either EMPLOYEE_ID OUTCOME or --from-file, not both")
        n = log_from_file(conn, from_file, real_today, dry_run=dry_run)
        say(f"{'Would log' if dry_run else 'Logged'} {n} outcomes from {from_file.name}.")
        return
    if not employee_id or not outcome:
        raise typer.BadParameter("give EMPLOYEE_ID and OUTCOME (or --from-file FILE.csv)")
    normal = normalise_outcome(outcome)
    if normal is None:
        from seniorcli.errors import SeniorError

        raise SeniorError(f"'{outcome}' is not an outcome",
                          hint="use invited, held, declined, postponed or requested")
    entry = Entry(employee_id.strip(), normal, on or day, note, with_mus, union_rep)
    log_outcome(conn, entry, real_today)
    say(f"Logged: {entry.employee_id} {entry.outcome} on {entry.date}.")


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("log")(log)
