"""The due list: who must be offered a senior conversation, on which date and why."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta

from seniorcli.dates import age_on, from_iso
from seniorcli.rules.base import Facts, Outcome, RuleSet
from seniorcli.services.cache import Fresh, cache_key, snapshot


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

    The list is a range read of due_cache (services/cache.py): the rule set decides only for
    employees who could be due by the horizon and have no cached answer yet (new employees,
    a changed birth or hire date, a new outcome, or the first run under this rule set), and
    those answers are kept for the next run. Memory stays flat: new answers go through a TEMP
    table, and the sorted list streams back from SQLite.
    """
    horizon = as_of + timedelta(days=within_days)
    key = cache_key(rules)
    args: dict[str, object] = {
        "as_of": as_of.isoformat(), "horizon": horizon.isoformat(), "key": key,
        "cutoff": rules.latest_birth_due_by(horizon).isoformat(),
    }
    filters = ""  # columns of both employee and due_cache
    if department is not None:
        filters += " AND department = :department"
        args["department"] = department
    if manager is not None:
        filters += " AND manager_id = :manager"
        args["manager"] = manager
    listed = (
        "SELECT employee_id, name, department, manager_id, birth_date, due_date, pending, "
        "reason FROM {} WHERE due_date <= :horizon AND (leave_date IS NULL OR "
        f"(leave_date > :as_of AND due_date < leave_date)){filters}"
    )
    with snapshot(conn):
        fresh = Fresh(conn, key)
        _decide_uncached(conn, rules, args, filters, fresh)
        fresh.flush()
        source = f"{listed.format('due_cache')} AND rules_key = :key"
        if fresh.added:
            source = f"SELECT * FROM ({source} UNION ALL {listed.format('temp.fresh')})"
        rows = conn.execute(
            f"{source} ORDER BY due_date, coalesce(department, ''), employee_id", args)
        fromiso = date.fromisoformat
        for eid, name, dept, mgr, birth_s, due_s, pending, reason in rows:
            birth, due = fromiso(birth_s), fromiso(due_s)
            yield {
                "employee_id": eid, "name": name, "department": dept, "manager_id": mgr,
                "birth_date": birth, "age": age_on(birth, as_of), "due_date": due,
                "status": "due" if due <= as_of else "upcoming", "pending": pending,
                "reason": reason,
                "days_overdue": (as_of - due).days if due <= as_of else None,
            }
        fresh.keep()


def _decide_uncached(conn: sqlite3.Connection, rules: RuleSet, args: dict, filters: str,
                     fresh: Fresh) -> None:
    """Decide for current employees without a cached answer who could be due by the horizon:
    old enough for the first offer, or asked for a conversation. (Those settled by a recent
    conversation are decided and cached too: that costs once, and spares every later run a
    look at their conversations.)"""
    sql = (
        "SELECT employee_id, name, department, manager_id, birth_date, leave_date, hire_date, "
        f"{_PACKED} FROM employee e WHERE (leave_date IS NULL OR leave_date > :as_of) "
        "AND (birth_date <= :cutoff OR employee_id IN "
        "(SELECT employee_id FROM conversation WHERE outcome = 'requested')) "
        "AND NOT EXISTS (SELECT 1 FROM due_cache k WHERE k.employee_id = e.employee_id "
        f"AND k.rules_key = :key){filters}"
    )
    next_due, fromiso, add = rules.next_due, date.fromisoformat, fresh.add
    for eid, name, dept, mgr, birth_s, leave_s, hire_s, packed in conn.execute(sql, args):
        d = next_due(Facts(fromiso(birth_s), hire_s and fromiso(hire_s), None,
                           _outcomes(packed) if packed else ()))
        add(eid, d.due_date.isoformat(), d.pending, d.reason, name, dept, mgr, birth_s, leave_s)
