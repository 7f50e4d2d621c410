"""``due`` (and, registered from cli/outcomes.py, ``log``)."""

from __future__ import annotations

from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    ExcelOpt,
    ExportFormatOpt,
    ManagerOpt,
    OutputOpt,
    RulesFileOpt,
    RulesOpt,
    open_db,
    output_format,
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
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Who must be offered a senior conversation, by when, and why.

    Lists current employees whose next offer is due on or before the as-of date, and with
    --within DAYS also those due soon. An empty list is a success.

    Example: seniorcli due --rules koege --within 30 --department "Ældreplejen" -o due.xlsx
    """
    from seniorcli.output import emit
    from seniorcli.services.due import due_list

    out_fmt = output_format(fmt, output, excel=excel)
    conn = open_db(must_exist=True)
    from seniorcli.services.filters import resolve_filters

    department, manager = resolve_filters(conn, department, manager)
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

    table = out_fmt == "table"
    emit(counted(rows), due_columns(table), out_fmt, output, excel=excel,
         title=f"Senior conversations due — {rule_set.title}, {day}", row_style=style,
         footer=footer)
    if not table or output is not None:
        say(footer(0) + (f" Wrote {output}." if output is not None else ""))


def register(app: typer.Typer) -> None:
    from seniorcli.cli import outcomes

    app.command("due")(due)
    outcomes.register(app)  # `log`, its corrections and withdrawals
