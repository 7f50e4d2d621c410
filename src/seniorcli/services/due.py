"""The due list: who must be offered a senior conversation, on which date and why."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta

from seniorcli.dates import age_on, from_iso
from seniorcli.rules.base import Facts, Outcome, RuleSet


def _outcomes(packed: str | None) -> tuple[Outcome, ...]:
    """'2025-11-20:held,2026-01-05:invited' (from SQL) → outcomes."""
    if not packed:
        return ()
    fromiso = date.fromisoformat
    return tuple([Outcome(fromiso(item[:10]), item[11:]) for item in packed.split(",")])


_PACKED = (
    "(SELECT group_concat(c.date || ':' || c.outcome) FROM conversation c "
    "WHERE c.employee_id = e.employee_id)"
)


def facts_for(conn: sqlite3.Connection, employee_id: str) -> Facts:
    birth, hire, leave, packed = conn.execute(
        f"SELECT birth_date, hire_date, leave_date, {_PACKED} FROM employee e "
        "WHERE employee_id = ?", (employee_id,)
    ).fetchone()
    return Facts(date.fromisoformat(birth), from_iso(hire), from_iso(leave), _outcomes(packed))


def next_due_for(rules: RuleSet, facts: Facts, as_of: date) -> dict | None:
    """The next due date for one employee (also when it is far ahead), or None if left."""
    d = rules.offer_for(facts, as_of)
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
    """Current employees due on ``as_of`` (status "due") or within ``within_days`` after it
    ("upcoming"), sorted by due date, then department and employee id.

    Memory stays flat however many are due: the decisions go to a TEMP table, and the sorted
    list streams back from it.
    """
    horizon = as_of + timedelta(days=within_days)
    where = ["(e.leave_date IS NULL OR e.leave_date > :as_of)"]
    # Only those old enough to be due by the horizon, or who asked for a conversation.
    where.append(
        "(e.birth_date <= :cutoff OR EXISTS (SELECT 1 FROM conversation r "
        "WHERE r.employee_id = e.employee_id AND r.outcome = 'requested'))"
    )
    # Skip, in SQL, those whose latest conversation puts the next offer past the horizon and
    # who have not asked for one since (the rule set still decides everyone else; a test
    # checks the result against deciding for every employee).
    settling = "('held')" if rules.reoffer_age is not None else "('held', 'declined')"
    latest = (
        "(SELECT max(c.date) FROM conversation c WHERE c.employee_id = e.employee_id "
        "AND c.outcome IN ('held', 'declined'))"
    )
    where.append(
        f"NOT (coalesce((SELECT c.outcome IN {settling} FROM conversation c "
        f"WHERE c.employee_id = e.employee_id AND c.outcome IN ('held', 'declined') "
        f"ORDER BY c.date DESC, c.outcome DESC LIMIT 1), 0) AND {latest} > :settled "
        f"AND NOT EXISTS (SELECT 1 FROM conversation r WHERE r.employee_id = e.employee_id "
        f"AND r.outcome = 'requested' AND r.date > {latest}))"
    )
    args: dict[str, object] = {
        "as_of": as_of.isoformat(), "cutoff": rules.latest_birth_due_by(horizon).isoformat(),
        "settled": rules.settled_after(horizon).isoformat(),
    }
    if department is not None:
        where.append("e.department = :department")
        args["department"] = department
    if manager is not None:
        where.append("e.manager_id = :manager")
        args["manager"] = manager
    sql = (
        "SELECT e.employee_id, e.birth_date, e.hire_date, e.leave_date, "
        f"{_PACKED} FROM employee e WHERE {' AND '.join(where)}"
    )
    conn.execute("DROP TABLE IF EXISTS temp.due")
    conn.execute("CREATE TEMP TABLE due (employee_id TEXT, due_date TEXT, reason TEXT, "
                 "pending TEXT)")
    decide, fromiso = rules.decide, date.fromisoformat
    batch: list[tuple] = []
    for eid, birth_s, hire_s, leave_s, packed in conn.execute(sql, args):
        facts = Facts(fromiso(birth_s), hire_s and fromiso(hire_s), leave_s and fromiso(leave_s),
                      _outcomes(packed) if packed else ())
        d = decide(facts, as_of, within_days)
        if d is not None:
            batch.append((eid, d.due_date.isoformat(), d.reason, d.pending))
            if len(batch) >= 5000:
                conn.executemany("INSERT INTO temp.due VALUES (?, ?, ?, ?)", batch)
                batch.clear()
    conn.executemany("INSERT INTO temp.due VALUES (?, ?, ?, ?)", batch)
    rows = conn.execute(
        "SELECT d.employee_id, e.name, e.department, e.manager_id, e.birth_date, d.due_date, "
        "d.pending, d.reason FROM temp.due d JOIN employee e ON e.employee_id = d.employee_id "
        "ORDER BY d.due_date, coalesce(e.department, ''), d.employee_id"
    )
    try:
        for eid, name, dept, mgr, birth_s, due_s, pending, reason in rows:
            birth, due = fromiso(birth_s), fromiso(due_s)
            yield {
                "employee_id": eid, "name": name, "department": dept, "manager_id": mgr,
                "birth_date": birth, "age": age_on(birth, as_of), "due_date": due,
                "status": "due" if due <= as_of else "upcoming", "pending": pending,
                "reason": reason,
                "days_overdue": (as_of - due).days if due <= as_of else None,
            }
    finally:
        rows.close()
        conn.execute("DROP TABLE IF EXISTS temp.due")
