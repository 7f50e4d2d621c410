"""Listing employees and showing one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date

from seniorcli.dates import age_on, from_iso
from seniorcli.errors import NotFoundError
from seniorcli.i18n import _
from seniorcli.rules.base import RuleSet, is_staff

_COLUMNS = (
    "e.employee_id, e.name, e.birth_date, e.department, e.manager_id, e.hire_date, "
    "e.leave_date, e.email, e.weekly_hours"
)
#: The employee ``e`` with their manager ``m``: the manager id is an employee id of the same
#: roster (a primary-key lookup; no manager row when the manager is not in the roster).
_WITH_MANAGER = "employee e LEFT JOIN employee m ON m.employee_id = e.manager_id"


def _row(r: tuple, as_of: date) -> dict:
    birth = date.fromisoformat(r[2])
    return {
        "employee_id": r[0], "name": r[1], "birth_date": birth, "age": age_on(birth, as_of),
        "department": r[3], "manager_id": r[4], "manager_name": r[9] if len(r) > 9 else None,
        "hire_date": from_iso(r[5]), "leave_date": from_iso(r[6]), "email": r[7],
        "weekly_hours": r[8],
    }


def list_employees(
    conn: sqlite3.Connection, as_of: date, *, department: str | None = None,
    manager: str | None = None, include_left: bool = False, search: str | None = None,
) -> Iterator[dict]:
    """Employees in id order, streamed: the staff on ``as_of`` (hired on or before it, no leave
    date on or before it), or everyone with ``include_left``. ``search``: only those whose name
    contains it, the way people type names (services.filters.name_matcher: case, accents and
    å/aa, ø/oe, æ/ae do not matter)."""
    where, args = ["1 = 1"], []
    if not include_left:  # staff on as_of (rules.base.is_staff)
        where.append("(e.hire_date IS NULL OR e.hire_date <= ?) AND (e.leave_date IS NULL OR "
                     "e.leave_date > ?)")
        args += [as_of.isoformat()] * 2
    if department is not None:
        where.append("e.department = ?")
        args.append(department)
    if manager is not None:
        where.append("e.manager_id = ?")
        args.append(manager)
    if search is not None:
        from seniorcli.services.filters import name_matcher

        # A function of this connection only, asked last (after the cheap conditions).
        conn.create_function("seniorcli_name_matches", 1, name_matcher(search),
                             deterministic=True)
        where.append("seniorcli_name_matches(e.name)")
    sql = (f"SELECT {_COLUMNS}, m.name FROM {_WITH_MANAGER} WHERE {' AND '.join(where)} "
           "ORDER BY e.employee_id")
    for r in conn.execute(sql, args):
        yield _row(r, as_of)


def manager_names(conn: sqlite3.Connection, manager_ids: Iterable[str | None]) -> dict[str, str]:
    """The names of the managers with these ids (a manager id is an employee id of the same
    roster); an id that is not in the roster is left out. One primary-key lookup per distinct
    manager, not per employee: a due list of 65,000 has a few thousand managers."""
    ids = sorted({m for m in manager_ids if m})
    names: dict[str, str] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        names.update(conn.execute(
            "SELECT employee_id, name FROM employee WHERE employee_id IN "
            f"({','.join('?' * len(chunk))})", chunk).fetchall())
    return names


#: Ids per lookup: below SQLite's oldest limit of 999 parameters.
_CHUNK = 900


def get_employee(conn: sqlite3.Connection, employee_id: str) -> tuple:
    from seniorcli.services.filters import resolve_employee_id  # '104' → '00104'

    r = conn.execute(
        f"SELECT {_COLUMNS} FROM employee e WHERE e.employee_id = ?",
        (resolve_employee_id(conn, employee_id),)
    ).fetchone()
    if r is None:
        raise NotFoundError(
            _("no employee with id '{employee_id}'").format(employee_id=employee_id),
            hint=_("seniorcli employees --include-left lists the ids (they keep leading zeros)"),
        )
    return r


def _roster_history(conn: sqlite3.Connection, employee_id: str) -> dict | None:
    """Marked as left because a full roster left them out, or back again since: which import
    (its date), from the audit log."""
    marked, back = conn.execute(
        "SELECT (SELECT at FROM audit WHERE id = e.left_by_import), "
        "(SELECT at FROM audit WHERE id = e.back_by_import) FROM employee e "
        "WHERE employee_id = ?", (employee_id,)).fetchone()
    if marked is None and back is None:
        return None
    return {"marked_left_by_import_at": marked, "back_again_by_import_at": back}


def employee_detail(
    conn: sqlite3.Connection, employee_id: str, as_of: date, rules: RuleSet | None
) -> dict:
    """The employee, the conversation log (with the outcomes' ids), agreements (withdrawn ones
    marked), the corrections made to them, and (with a rule set) the next due date."""
    from seniorcli.services.due import facts_for, next_due_for

    r = get_employee(conn, employee_id)
    detail = _row(r, as_of)
    detail["manager_name"] = manager_names(conn, [r[4]]).get(r[4])
    hire, leave = detail["hire_date"], detail["leave_date"]
    detail["staff"] = ("staff" if is_staff(hire, leave, as_of)
                       else "not_hired_yet" if hire is not None and hire > as_of else "left")
    detail["roster"] = _roster_history(conn, r[0])
    detail["conversations"] = [
        {"id": i, "date": day, "outcome": o, "note": n, "with_mus": bool(m),
         "union_rep": bool(u),
         # what the answer on as_of is decided from (rules.base.RuleSet.offer_on)
         "counts": day <= as_of and (hire is None or day >= hire),
         "earlier_employment": hire is not None and day < hire}
        for i, day, o, n, m, u in (
            (i, date.fromisoformat(d), o, n, m, u) for i, d, o, n, m, u in conn.execute(
                "SELECT id, date, outcome, note, with_mus, union_rep FROM conversation "
                "WHERE employee_id = ? ORDER BY date, id", (r[0],)))
    ]
    # withdrawn agreements too (withdrawn_at set): they count nowhere, but stay visible here
    detail["agreements"] = [
        {"agreement_id": i, "type": t, "start_date": date.fromisoformat(s),
         "end_date": from_iso(e), "open_ended": bool(oe), "ended_on": from_iso(eo),
         "weekly_hours": h, "amount": a, "note": n, "withdrawn_at": w}
        for i, t, s, e, oe, eo, h, a, n, w in conn.execute(
            "SELECT id, type, start_date, end_date, open_ended, ended_on, weekly_hours, amount, "
            "note, withdrawn_at FROM agreement WHERE employee_id = ? ORDER BY start_date, id",
            (r[0],))
    ]
    # corrections and withdrawals of the employee's outcomes and agreements, from the audit log
    detail["corrections"] = [
        {"at": at, "os_user": user, "command": command, "detail": text}
        for at, user, command, text in conn.execute(
            "SELECT at, os_user, command, detail FROM audit WHERE employee_id = ? "
            "AND detail IS NOT NULL ORDER BY id", (r[0],))
    ]
    detail["rules"] = rules.name if rules else None
    detail["next_due"] = None
    if rules is not None:
        facts = facts_for(conn, r[0])
        detail["next_due"] = next_due_for(rules, facts, as_of)
    return detail
