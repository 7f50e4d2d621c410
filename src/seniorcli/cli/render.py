"""Rich rendering of one employee (``show``): for people, on standard output."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from seniorcli.errors import printable


def _d(v: date | None) -> str:
    return v.isoformat() if v else ""


def _printable(value: Any) -> Any:
    """Every text in ``value`` as it may reach a terminal: a name or note stored with escape
    codes or control characters (an older import, another tool) is shown without them."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def render_employee(detail: dict, as_of: date) -> None:
    detail = _printable(detail)
    console = Console(highlight=False)
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    for label, value in (
        ("Employee", detail["employee_id"]), ("Name", detail["name"]),
        ("Born", f"{_d(detail['birth_date'])} (age {detail['age']} on {as_of})"),
        ("Department", detail["department"] or ""), ("Manager", detail["manager_id"] or ""),
        ("Hired", _d(detail["hire_date"])), ("Left", _d(detail["leave_date"])),
        ("E-mail", detail["email"] or ""),
        ("Weekly hours", "" if detail["weekly_hours"] is None else f"{detail['weekly_hours']:g}"),
    ):
        head.add_row(label, Text(str(value)))
    console.print(head)
    roster = detail.get("roster")
    if roster and roster["marked_left_by_import_at"]:
        console.print(f"Marked as left by the import of {roster['marked_left_by_import_at'][:10]}"
                      ": that full roster left them out (a later roster that lists them without "
                      "a leave date makes them current again).")
    elif roster and roster["back_again_by_import_at"]:
        console.print(f"Back again since the import of {roster['back_again_by_import_at'][:10]}: "
                      "a full roster had left them out and marked them as left.")

    console.print()
    if detail["rules"] is None:
        console.print("Next offer: choose a rule set (--rules NAME or `seniorcli config set rules "
                      "NAME`) to see it.")
    elif detail["next_due"] is None:
        why = {"not_hired_yet": f"not employed yet on {as_of} (hired {_d(detail['hire_date'])})",
               "left": f"left on {_d(detail['leave_date'])}",
               "staff": f"leaves on {_d(detail['leave_date'])}, before the next offer falls "
                        "due"}[detail["staff"]]
        console.print(f"Next offer ({detail['rules']}): none — {why}.")
    else:
        nd = detail["next_due"]
        pending = f", pending: {nd['pending']}" if nd["pending"] else ""
        console.print(Text(f"Next offer ({detail['rules']}): {_d(nd['due_date'])} "
                           f"[{nd['status']}{pending}] — {nd['reason']}"))

    console.print()
    if detail["conversations"]:
        t = Table(title="Conversations", title_justify="left", header_style="bold")
        for col in ("Id", "Date", "Outcome", "With MUS", "Union rep", "Note"):
            t.add_column(col)
        for c in detail["conversations"]:
            note = Text(c["note"] or "")
            if c["earlier_employment"]:
                note = Text("(earlier employment: does not count) ", style="dim") + note
            elif not c["counts"]:
                note = Text(f"(after {as_of}: does not count yet) ", style="dim") + note
            t.add_row(str(c["id"]), _d(c["date"]), c["outcome"], "yes" if c["with_mus"] else "",
                      "yes" if c["union_rep"] else "", note)
        console.print(t)
    else:
        console.print("Conversations: none logged.")

    if detail["agreements"]:
        t = Table(title="Senior agreements", title_justify="left", header_style="bold")
        for col in ("Id", "Type", "Start", "End", "Hours", "Amount", "Note"):
            t.add_column(col)
        for a in detail["agreements"]:
            end = "open-ended" if a["open_ended"] else _d(a["end_date"])
            if a["ended_on"]:
                end += " (ended early)"
            note = Text(a["note"] or "")
            if a["withdrawn_at"]:
                note = Text(f"(withdrawn on {a['withdrawn_at'][:10]}: counts nowhere) ",
                            style="bold") + note
            t.add_row(str(a["agreement_id"]), a["type"], _d(a["start_date"]), end,
                      "" if a["weekly_hours"] is None else f"{a['weekly_hours']:g}",
                      "" if a["amount"] is None else f"{a['amount']:,.0f} kr",
                      note, style="dim" if a["withdrawn_at"] else None)
        console.print(t)
    else:
        console.print("Senior agreements: none.")

    if detail.get("corrections"):
        t = Table(title="Corrections and withdrawals", title_justify="left",
                  header_style="bold")
        for col in ("When (UTC)", "User", "Command", "What changed (old → new)"):
            t.add_column(col)
        for c in detail["corrections"]:
            t.add_row(c["at"][:16].replace("T", " "), Text(c["os_user"]), c["command"],
                      Text(c["detail"]))
        console.print(t)
