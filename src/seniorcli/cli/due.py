"""``due`` (and, registered from cli/outcomes.py, ``log``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    with_manager_labels,
)
from seniorcli.fmt import date_short
from seniorcli.i18n import N_, _

LONG_OVERDUE_DAYS = 90


#: The due list's machine values as people read them in a table (``Column.words``); csv and
#: json keep the values. Also ``show``'s "Next offer" line.
STATUS_WORDS = {"due": N_("due (status)"), "upcoming": N_("upcoming (status)")}
PENDING_WORDS = {"invited": N_("invited (pending)"), "postponed": N_("postponed (pending)"),
                 "requested": N_("requested (pending)")}


def status_word(status: str | None) -> str:
    """A due status or pending value in the language of the call (as ``Column.words``)."""
    from seniorcli.i18n import language

    word = STATUS_WORDS.get(status or "") or PENDING_WORDS.get(status or "")
    return _(word) if word and language() != "en" else status or ""


def due_columns(table: bool):
    """The machine formats keep ``manager_id`` and ``manager_name`` apart; the table shows the
    manager as "Name (id)" (``with_manager_labels``)."""
    from seniorcli.output import Column

    cols = [Column("employee_id", _("Employee"), "id"), Column("name", _("Name")),
            Column("department", _("Department"), drop_order=2), Column("manager_id", _("Manager")),
            Column("manager_name", _("Manager name")),
            Column("birth_date", _("Born"), "date"),
            Column("age", _("Age"), "number", drop_order=3),
            Column("due_date", _("Due"), "date"),
            Column("due_date_day_off", _("Day off"), drop_order=1),
            Column("status", _("Status"), words=STATUS_WORDS),
            Column("pending", _("Pending"), words=PENDING_WORDS),
            Column("reason", _("Why"), drop_order=1)]
    if table:
        cols.insert(8, Column("days_overdue", _("Days over"), "number"))
        # the day off goes with its date, so that no terminal width leaves it out
        shown = {"manager_id": Column("manager", _("Manager"), drop_order=4),
                 "due_date": Column("due_shown", _("Due"))}
        cols = [shown.get(c.key, c) for c in cols
                if c.key not in ("birth_date", "status", "manager_name", "due_date_day_off")]
    return cols


def with_table_labels(rows: Iterable[dict]) -> Iterator[dict]:
    """The rows as a table shows them: the manager as "Name (id)", the due date with its day
    off ("24-12-2026 (Juleaftensdag)")."""
    for r in with_manager_labels(rows):
        off = r["due_date_day_off"]
        r["due_shown"] = date_short(r["due_date"]) + (f" ({off})" if off else "")
        yield r


def due(
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS",
        help=_("Also list those due in the DAYS after the as-of date (status 'upcoming')."))] = 0,
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
        text = _("{due} due on {day} under {rules}").format(
            due=counts["due"], day=date_short(day), rules=rule_set.name)
        if counts["long"]:
            text += _(" ({n} overdue by more than {days} days)").format(
                n=counts["long"], days=LONG_OVERDUE_DAYS)
        if within:
            text += _("; {n} upcoming within {days} days").format(
                n=counts["upcoming"], days=within)
        if counts["pending"]:
            text += _("; {n} with an invitation or request pending").format(n=counts["pending"])
        return text + "."

    def style(r: dict) -> str | None:
        if r["status"] == "upcoming":
            return "dim"
        return "bold red" if (r["days_overdue"] or 0) > LONG_OVERDUE_DAYS else None

    table = out_fmt == "table"
    emit(counted(with_table_labels(rows) if table else rows), due_columns(table), out_fmt,
         output, excel=excel,
         title=_("Senior conversations due — {title}, {day}")
             .format(title=rule_set.title, day=date_short(day)), row_style=style,
         footer=footer)
    if not table or output is not None:
        wrote = _(" Wrote {output}.").format(output=output) if output is not None else ""
        say(footer(0) + wrote)


def register(app: typer.Typer) -> None:
    from seniorcli.cli import outcomes

    app.command("due")(due)
    outcomes.register(app)  # `log`, its corrections and withdrawals
