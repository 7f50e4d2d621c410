"""Rich rendering of one employee (``show``): for people, on standard output."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from seniorcli import fmt
from seniorcli.cli.common import manager_label
from seniorcli.errors import printable
from seniorcli.i18n import N_, _
from seniorcli.rules.base import outcome_word


def _d(v: date | None) -> str:
    """A date in a table or a list: 01-03-2026 (Danish), 2026-03-01 (English)."""
    return fmt.date_short(v)


def _stamp_day(stamp: str) -> str:
    """The day of an ISO time stamp (an import, a withdrawal), as ``_d``."""
    return _d(date.fromisoformat(stamp[:10]))


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
        (N_("Employee"), detail["employee_id"]), (N_("Name"), detail["name"]),
        (N_("Born"), _("{born} (age {age} on {day})").format(
            born=_d(detail["birth_date"]), age=detail["age"], day=_d(as_of))),
        (N_("Department"), detail["department"] or ""),
        (N_("Manager"), manager_label(detail["manager_id"], detail.get("manager_name"))),
        (N_("Hired"), _d(detail["hire_date"])), (N_("Left"), _d(detail["leave_date"])),
        (N_("E-mail"), detail["email"] or ""),
        (N_("Weekly hours"),
         fmt.hours(detail["weekly_hours"])),
    ):
        head.add_row(_(label), Text(str(value)))
    console.print(head)
    roster = detail.get("roster")
    if roster and roster["marked_left_by_import_at"]:
        console.print(_("Marked as left by the import of {marked_left_by_import_at}"
                      ": that full roster left them out (a later roster that lists them without "
                      "a leave date makes them current again).")
                          .format(marked_left_by_import_at=_stamp_day(roster['marked_left_by_import_at'])))
    elif roster and roster["back_again_by_import_at"]:
        console.print(_("Back again since the import of {back_again_by_import_at}: "
                      "a full roster had left them out and marked them as left.")
                          .format(back_again_by_import_at=_stamp_day(roster['back_again_by_import_at'])))

    console.print()
    if detail["rules"] is None:
        console.print(_("Next offer: choose a rule set (--rules NAME or `seniorcli config set "
                        "rules NAME`) to see it."))
    elif detail["next_due"] is None:
        why = {"not_hired_yet": _("not employed yet on {as_of} (hired {hired})"),
               "left": _("left on {left}"),
               "staff": _("leaves on {left}, before the next offer falls due"),
               }[detail["staff"]].format(as_of=_d(as_of), hired=_d(detail["hire_date"]),
                                         left=_d(detail["leave_date"]))
        console.print(_("Next offer ({rules}): none — {why}.")
            .format(rules=detail['rules'], why=why))
    else:
        nd = detail["next_due"]
        from seniorcli.cli.due import status_word

        pending = (_(", pending: {pending}").format(pending=status_word(nd["pending"]))
                   if nd["pending"] else "")
        console.print(Text(_("Next offer ({rules}): {due_date} "
                           "[{status}{pending}] — {reason}")
                               .format(rules=detail['rules'], due_date=_d(nd['due_date']) + (
                                           f" ({nd['due_date_day_off']})"
                                           if nd.get("due_date_day_off") else ""),
                                       status=status_word(nd['status']), pending=pending,
                                       reason=nd['reason'])))

    console.print()
    if detail["conversations"]:
        t = Table(title=_("Conversations"), title_justify="left", header_style="bold")
        for col in (N_("Id"), N_("Date"), N_("Outcome"), N_("With MUS"), N_("Union rep"),
                    N_("Note")):
            t.add_column(_(col), no_wrap=col != "Note", overflow="fold")
        for c in detail["conversations"]:
            note = Text(c["note"] or "")
            if c["earlier_employment"]:
                note = Text(_("(earlier employment: does not count) "), style="dim") + note
            elif not c["counts"]:
                note = Text(_("(after {as_of}: does not count yet) ")
                    .format(as_of=_d(as_of)), style="dim") + note
            t.add_row(str(c["id"]), _d(c["date"]), outcome_word(c["outcome"]),
                      _("yes") if c["with_mus"] else "", _("yes") if c["union_rep"] else "",
                      note)
        console.print(t)
    else:
        console.print(_("Conversations: none logged."))

    if detail["agreements"]:
        _agreements(console, detail["agreements"])
    else:
        console.print(_("Senior agreements: none."))

    if detail.get("corrections"):
        t = Table(title=_("Corrections and withdrawals"), title_justify="left",
                  header_style="bold")
        for col in (N_("When (UTC)"), N_("User"), N_("Command"),
                    N_("What changed (old → new)")):
            t.add_column(_(col))
        for c in detail["corrections"]:
            t.add_row(fmt.datetime_short(c["at"]), Text(c["os_user"]), c["command"],
                      Text(c["detail"]))
        console.print(t)


def _agreements(console: Console, agreements: list[dict]) -> None:
    """The employee's agreements in a table that fits 80 columns: the type by its name, the
    period in one cell with the end's day off ("01-01-2026 – 26-12-2026 (Anden juledag)",
    wrapped between words, never cut), and the notes (and withdrawals) under the table, where
    a long note has the whole width."""
    from seniorcli.agreements import type_name
    from seniorcli.cli.agreements import end_text, period_text
    from seniorcli.dates import OPEN_END

    t = Table(title=_("Senior agreements"), title_justify="left", header_style="bold")
    t.add_column(_("Id"), no_wrap=True)
    t.add_column(_("Type"))
    t.add_column(_("Period"))
    t.add_column(_("Hours"), no_wrap=True, justify="right")
    t.add_column(_("Amount"), no_wrap=True, justify="right")
    notes: list[Text] = []
    for a in agreements:
        open_ended = a["open_ended"] or a["end_date"] in (None, OPEN_END)
        end = end_text(None if open_ended else a["end_date"], a.get("end_date_day_off"),
                       ended_early=a["ended_on"] is not None)
        kind = type_name(a["type"])
        if a["withdrawn_at"]:
            kind = _("{type} (withdrawn)").format(type=kind)
            withdrawn = _("(withdrawn on {withdrawn_at}: counts nowhere) ").format(
                withdrawn_at=_stamp_day(a["withdrawn_at"]))
            notes.append(Text(_("Agreement {id}: ").format(id=a["agreement_id"]))
                         + Text(withdrawn if a["note"] else withdrawn.rstrip(), style="bold")
                         + Text(a["note"] or ""))
        elif a["note"]:
            notes.append(Text(_("Agreement {id}: ").format(id=a["agreement_id"]))
                         + Text(a["note"]))
        t.add_row(str(a["agreement_id"]), Text(kind), Text(period_text(a["start_date"], end)),
                  fmt.hours(a["weekly_hours"]), fmt.amount(a["amount"]),
                  style="dim" if a["withdrawn_at"] else None)
    console.print(t)
    if notes:
        console.print(Text(_("Notes:"), style="bold"))
        from rich.padding import Padding

        for note in notes:
            console.print(Padding(note, (0, 0, 0, 2), expand=False))
