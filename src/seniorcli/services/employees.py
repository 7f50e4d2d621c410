"""Listing employees and showing one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from seniorcli.dates import OPEN_END, age_on, from_iso
from seniorcli.db import Db
from seniorcli.db import employees as db
from seniorcli.errors import NotFoundError
from seniorcli.i18n import _
from seniorcli.rules.base import RuleSet, is_staff


def _row(r: db.EmployeeRow | db.ListedEmployee, as_of: date,
         manager_name: str | None = None) -> dict:
    birth = date.fromisoformat(r.birth_date)
    return {
        "employee_id": r.employee_id, "name": r.name, "birth_date": birth,
        "age": age_on(birth, as_of), "department": r.department, "manager_id": r.manager_id,
        "manager_name": manager_name, "hire_date": from_iso(r.hire_date),
        "leave_date": from_iso(r.leave_date), "email": r.email,
        "weekly_hours": r.weekly_hours,
    }


def list_employees(
    conn: Db, as_of: date, *, department: str | None = None,
    manager: str | None = None, include_left: bool = False, search: str | None = None,
) -> Iterator[dict]:
    """Employees in id order, streamed: the staff on ``as_of`` (hired on or before it, no leave
    date on or before it), or everyone with ``include_left``. ``search``: only those whose name
    contains it, the way people type names (services.filters.name_matcher: case, accents and
    å/aa, ø/oe, æ/ae do not matter)."""
    matcher = None
    if search is not None:
        from seniorcli.services.filters import name_matcher

        matcher = name_matcher(search)
    for r in db.listing(conn, staff_on=None if include_left else as_of,
                        department=department, manager=manager, name_matches=matcher):
        yield _row(r, as_of, r.manager_name)


def manager_names(conn: Db, manager_ids: Iterable[str | None]) -> dict[str, str]:
    """The names of the managers with these ids (a manager id is an employee id of the same
    roster); an id that is not in the roster is left out. One primary-key lookup per distinct
    manager, not per employee: a due list of 65,000 has a few thousand managers."""
    return db.names(conn, (m for m in manager_ids if m))


def contacts(conn: Db, employee_ids: Iterable[str | None]) -> dict[str, db.Contact]:
    """Name, e-mail and department of each of these employees (for invitations and digests:
    the employees and their managers); ids not in the roster are left out."""
    return db.contacts(conn, (e for e in employee_ids if e))


def get_employee(conn: Db, employee_id: str) -> db.EmployeeRow:
    """The employee ``employee_id`` means (services.filters: '104' → '00104'), dates as ISO
    text; NotFoundError when there is none."""
    from seniorcli.services.filters import resolve_employee_id

    r = db.get(conn, resolve_employee_id(conn, employee_id))
    if r is None:
        raise NotFoundError(
            _("no employee with id '{employee_id}'").format(employee_id=employee_id),
            hint=_("seniorcli employees --include-left lists the ids (they keep leading zeros)"),
        )
    return r


def _roster_history(conn: Db, employee_id: str) -> dict | None:
    """Marked as left because a full roster left them out, or back again since: which import
    (its date), from the audit log."""
    marked, back = db.roster_history(conn, employee_id)
    if marked is None and back is None:
        return None
    return {"marked_left_by_import_at": marked, "back_again_by_import_at": back}


def employee_detail(conn: Db, employee_id: str, as_of: date, rules: RuleSet | None) -> dict:
    """The employee, the conversation log (with the outcomes' ids), agreements (withdrawn ones
    marked), the corrections made to them, and (with a rule set) the next due date, read in
    one snapshot."""
    from seniorcli.db.reports import one_snapshot

    with one_snapshot(conn):
        return _detail(conn, employee_id, as_of, rules)


def _detail(conn: Db, employee_id: str, as_of: date, rules: RuleSet | None) -> dict:
    from seniorcli.db.agreements import of_employee
    from seniorcli.services.due import facts_for, next_due_for
    from seniorcli.workdays import day_off

    r = get_employee(conn, employee_id)
    eid = r.employee_id
    detail = _row(r, as_of, manager_names(conn, [r.manager_id]).get(r.manager_id or ""))
    hire, leave = detail["hire_date"], detail["leave_date"]
    detail["staff"] = ("staff" if is_staff(hire, leave, as_of)
                       else "not_hired_yet" if hire is not None and hire > as_of else "left")
    detail["roster"] = _roster_history(conn, eid)
    detail["conversations"] = [
        {"id": o.id, "date": o.date, "outcome": o.outcome, "note": o.note,
         "with_mus": o.with_mus, "union_rep": o.union_rep,
         # what the answer on as_of is decided from (rules.base.RuleSet.offer_on)
         "counts": o.date <= as_of and (hire is None or o.date >= hire),
         "earlier_employment": hire is not None and o.date < hire}
        for o in db.outcomes_of(conn, eid)
    ]
    # withdrawn agreements too (withdrawn_at set): they count nowhere, but stay visible here;
    # an end on a weekend or holiday is named, as `agreement list` names it (issue 16, point 6)
    detail["agreements"] = [
        {"agreement_id": a.id, "type": a.type, "start_date": a.start_date,
         "end_date": a.end_date, "open_ended": a.open_ended, "ended_on": a.ended_on,
         "end_date_day_off": None if a.open_ended or a.end_date == OPEN_END
         else day_off(a.end_date),
         "weekly_hours": a.weekly_hours, "amount": a.amount, "note": a.note,
         "withdrawn_at": a.withdrawn_at}
        for a in of_employee(conn, eid)
    ]
    # corrections and withdrawals of the employee's outcomes and agreements, from the audit log
    detail["corrections"] = [c._asdict() for c in db.corrections_of(conn, eid)]
    detail["rules"] = rules.name if rules else None
    detail["next_due"] = None
    if rules is not None:
        detail["next_due"] = next_due_for(rules, facts_for(conn, eid), as_of)
    return detail
