"""The due list: who must be offered a senior conversation, on which date and why.

Every answer is decided from scratch by the rule set (``RuleSet.decide``: the one definition of
"due on date D" in rules/base.py), from the employee's row and the outcomes dated on or before
the as-of date. SQL only narrows down whom to ask: people who cannot be due by the horizon are
left out by two conditions that imply "not due" — too young for the first offer and no request
(``RuleSet.latest_birth_due_by``), or settled by a conversation held recently enough
(``RuleSet.settled_after``). tests/test_as_of.py compares the list with deciding for everyone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta

from seniorcli.dates import age_on, from_iso
from seniorcli.rules.base import Facts, Outcome, RuleSet

#: Staff on :as_of (rules.base.is_staff, in SQL over the employee table ``e``).
STAFF_ON_AS_OF = (
    "(e.hire_date IS NULL OR e.hire_date <= :as_of) "
    "AND (e.leave_date IS NULL OR e.leave_date > :as_of)"
)


def outcomes_from(packed: str | None) -> tuple[Outcome, ...]:
    """'2025-11-20:held,2026-01-05:invited' (from SQL) → outcomes."""
    if not packed:
        return ()
    fromiso = date.fromisoformat
    return tuple([Outcome(fromiso(item[:10]), item[11:]) for item in packed.split(",")])


def packed_outcomes(until: str | None = None) -> str:
    """A correlated subquery: the outcomes of employee ``e`` as text (for ``outcomes_from``),
    those dated on or before the named parameter ``until`` if given."""
    upto = f" AND c.date <= :{until}" if until else ""
    return ("(SELECT group_concat(c.date || ':' || c.outcome) FROM conversation c "
            f"WHERE c.employee_id = e.employee_id{upto})")


def facts_for(conn: sqlite3.Connection, employee_id: str) -> Facts:
    """Everything a rule set may know of one employee (all outcomes: the rule set picks those
    that count on the date it is asked about)."""
    birth, hire, leave, packed = conn.execute(
        f"SELECT birth_date, hire_date, leave_date, {packed_outcomes()} FROM employee e "
        "WHERE employee_id = :id", {"id": employee_id}
    ).fetchone()
    return Facts(date.fromisoformat(birth), from_iso(hire), from_iso(leave),
                 outcomes_from(packed))


def next_due_for(rules: RuleSet, facts: Facts, as_of: date) -> dict | None:
    """The next offer on ``as_of`` for one employee (also when it is far ahead), or None for
    someone who is not staff on that date or leaves before it falls due."""
    d = rules.offer_on(facts, as_of)
    if d is None:
        return None
    return {
        "due_date": d.due_date, "reason": d.reason, "pending": d.pending,
        "status": "due" if d.due_date <= as_of else "upcoming",
    }


def due_list(
    conn: sqlite3.Connection, rules: RuleSet, as_of: date, within_days: int = 0, *,
    department: str | None = None, manager: str | None = None,
) -> Iterator[dict]:
    """Staff due on ``as_of`` (status "due") or within ``within_days`` after it ("upcoming"),
    sorted by due date, then department and employee id."""
    horizon = as_of + timedelta(days=within_days)
    args: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "cutoff": rules.latest_birth_due_by(horizon).isoformat(),
        "settled": rules.settled_after(horizon).isoformat(),
    }
    filters = ""
    if department is not None:
        filters += " AND e.department = :department"
        args["department"] = department
    if manager is not None:
        filters += " AND e.manager_id = :manager"
        args["manager"] = manager
    # Could be due by the horizon: old enough for the first offer, or asked for a conversation
    # (two parts, so the young are not looked up one by one); and not settled: no conversation
    # held in this employment after :settled with nothing after it that could bring the next
    # offer forward (a request, or a decline that a re-offer age answers).
    columns = ("SELECT e.employee_id, e.name, e.department, e.manager_id, e.birth_date, "
               f"e.hire_date, e.leave_date, {packed_outcomes('as_of')} FROM employee e ")
    not_settled = (
        "NOT EXISTS (SELECT 1 FROM conversation h WHERE h.employee_id = e.employee_id "
        "AND h.outcome = 'held' AND h.date > :settled AND h.date <= :as_of "
        "AND h.date >= coalesce(e.hire_date, '') "
        "AND NOT EXISTS (SELECT 1 FROM conversation x WHERE x.employee_id = e.employee_id "
        "AND x.outcome IN ('requested', 'declined') AND x.date > h.date "
        "AND x.date <= :as_of))"
    )
    sql = (
        f"{columns} WHERE e.birth_date <= :cutoff AND {STAFF_ON_AS_OF}{filters} "
        f"AND {not_settled} UNION ALL "
        f"{columns} WHERE e.birth_date > :cutoff AND e.employee_id IN (SELECT employee_id "
        "FROM conversation WHERE outcome = 'requested' AND date <= :as_of) "
        f"AND {STAFF_ON_AS_OF}{filters} AND {not_settled}"
    )
    decide, fromiso = rules.decide, date.fromisoformat
    found = []
    for eid, name, dept, mgr, birth_s, hire_s, leave_s, packed in conn.execute(sql, args):
        birth = fromiso(birth_s)
        d = decide(Facts(birth, hire_s and fromiso(hire_s), leave_s and fromiso(leave_s),
                         outcomes_from(packed) if packed else ()), as_of, within_days)
        if d is not None:
            found.append((d.due_date, dept or "", eid, name, dept, mgr, birth, d))
    found.sort()  # by due date, department, id (ids are unique: nothing after is compared)
    # The managers' names (a manager id is an employee id), looked up once per manager of the
    # listed: half the cost of a LEFT JOIN in the candidate query, which pays a lookup for
    # every candidate (13,000 of 50,000 in the benchmark; 6,500 listed, 1,300 managers).
    from seniorcli.services.employees import manager_names

    managers = manager_names(conn, {row[5] for row in found})
    for due, _, eid, name, dept, mgr, birth, d in found:
        yield {
            "employee_id": eid, "name": name, "department": dept, "manager_id": mgr,
            "manager_name": managers.get(mgr), "birth_date": birth, "age": age_on(birth, as_of),
            "due_date": due,
            "status": "due" if due <= as_of else "upcoming", "pending": d.pending,
            "reason": d.reason,
            "days_overdue": (as_of - due).days if due <= as_of else None,
        }
