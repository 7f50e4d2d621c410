"""The due list: who must be offered a senior conversation, on which date and why.

Every answer is decided from scratch by the rule set (``RuleSet.decide``: the one definition of
"due on date D" in rules/base.py), from the employee's row and the outcomes dated on or before
the as-of date. SQL only narrows down whom to ask: people who cannot be due by the horizon are
left out by two conditions that imply "not due" — too young for the first offer and no request
(``RuleSet.latest_birth_due_by``), or settled by a conversation held recently enough
(``RuleSet.settled_after``). tests/test_as_of.py compares the list with deciding for everyone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from seniorcli.dates import age_on, from_iso
from seniorcli.db import Db, snapshot
from seniorcli.db import due as due_rows
from seniorcli.rules.base import Facts, Outcome, RuleSet


def outcomes_from(packed: str | None) -> tuple[Outcome, ...]:
    """'2025-11-20:held,2026-01-05:invited' (as db.due packs them) → outcomes."""
    if not packed:
        return ()
    fromiso = date.fromisoformat
    return tuple([Outcome(fromiso(item[:10]), item[11:]) for item in packed.split(",")])


def facts_for(conn: Db, employee_id: str) -> Facts:
    """Everything a rule set may know of one employee (all outcomes: the rule set picks those
    that count on the date it is asked about)."""
    row = due_rows.facts_row(conn, employee_id)
    if row is None:
        raise LookupError(employee_id)  # callers ask about employees they have found
    return Facts(date.fromisoformat(row.birth_date), from_iso(row.hire_date),
                 from_iso(row.leave_date), outcomes_from(row.outcomes))


def next_due_for(rules: RuleSet, facts: Facts, as_of: date) -> dict | None:
    """The next offer on ``as_of`` for one employee (also when it is far ahead), or None for
    someone who is not staff on that date or leaves before it falls due."""
    from seniorcli.workdays import day_off

    d = rules.offer_on(facts, as_of)
    if d is None:
        return None
    return {
        "due_date": d.due_date, "due_date_day_off": day_off(d.due_date), "reason": d.reason,
        "pending": d.pending,
        "status": "due" if d.due_date <= as_of else "upcoming",
    }


def due_list(
    conn: Db, rules: RuleSet, as_of: date, within_days: int = 0, *,
    department: str | None = None, manager: str | None = None,
) -> Iterator[dict]:
    """Staff due on ``as_of`` (status "due") or within ``within_days`` after it ("upcoming"),
    sorted by due date, then department and employee id. What it lists is read in one
    snapshot (``Db.begin_read``): an import or a purge committed meanwhile shows in full or
    not at all."""
    horizon = as_of + timedelta(days=within_days)
    decide, fromiso = rules.decide, date.fromisoformat
    found = []
    with snapshot(conn):
        # Could be due by the horizon (db.due.candidates): old enough for the first offer or
        # asked for a conversation, and not settled by a conversation held recently enough.
        for eid, name, dept, mgr, birth_s, hire_s, leave_s, packed in due_rows.candidates(
                conn, as_of=as_of.isoformat(),
                cutoff=rules.latest_birth_due_by(horizon).isoformat(),
                settled=rules.settled_after(horizon).isoformat(),
                department=department, manager=manager):
            birth = fromiso(birth_s)
            d = decide(Facts(birth, hire_s and fromiso(hire_s), leave_s and fromiso(leave_s),
                             outcomes_from(packed) if packed else ()), as_of, within_days)
            if d is not None:
                found.append((d.due_date, dept or "", eid, name, dept, mgr, birth, d))
        found.sort()  # by due date, department, id (ids are unique: nothing after is compared)
        # The managers' names (a manager id is an employee id), looked up once per manager of
        # the listed: half the cost of a LEFT JOIN in the candidate query, which pays a lookup
        # for every candidate (13,000 of 50,000 in the benchmark; 6,500 listed, 1,300 managers).
        from seniorcli.services.employees import manager_names

        managers = manager_names(conn, {row[5] for row in found})
    from seniorcli.workdays import day_off

    days_off: dict[date, str | None] = {}  # a few hundred distinct due dates in 65,000 rows
    for due, _, eid, name, dept, mgr, birth, d in found:
        off = days_off[due] if due in days_off else days_off.setdefault(due, day_off(due))
        yield {
            "employee_id": eid, "name": name, "department": dept, "manager_id": mgr,
            "manager_name": managers.get(mgr), "birth_date": birth, "age": age_on(birth, as_of),
            "due_date": due, "due_date_day_off": off,
            "status": "due" if due <= as_of else "upcoming", "pending": d.pending,
            "reason": d.reason,
            "days_overdue": (as_of - due).days if due <= as_of else None,
        }
