"""The due list's reads: whom the rule set must be asked about (``candidates``), and one
employee's facts (``facts_row``). The decision itself is the rule set's, in services/due.py.

The candidates are the due list's hot path (80,000 rows at 500,000 employees): they come as
plain tuples in the order of ``Candidate`` (a NamedTuple per row costs measurable time), and
the outcomes of each as one text (``_packed_outcomes``), read by services.due.outcomes_from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from seniorcli.db import Db

#: Staff on :as_of (rules.base.is_staff, in SQL over the employee table ``e``).
_STAFF_ON_AS_OF = (
    "(e.hire_date IS NULL OR e.hire_date <= :as_of) "
    "AND (e.leave_date IS NULL OR e.leave_date > :as_of)"
)


def _packed_outcomes(dialect: str, until: str | None = None) -> str:
    """A correlated subquery: the outcomes of employee ``e`` as one text, 'DATE:OUTCOME'
    joined by commas ('2025-11-20:held,2026-01-05:invited'; the dates ISO, in no particular
    order: the rule set sorts them), those dated on or before the named parameter ``until``
    if given; NULL for none. SQLite's group_concat, PostgreSQL's string_agg."""
    upto = f" AND c.date <= :{until}" if until else ""
    if dialect == "postgresql":
        agg = "string_agg(CAST(c.date AS TEXT) || ':' || c.outcome, ',')"
    else:
        agg = "group_concat(c.date || ':' || c.outcome)"
    return f"(SELECT {agg} FROM conversation c WHERE c.employee_id = e.employee_id{upto})"


_NAMED = re.compile(r"('(?:[^']|'')*')|:([A-Za-z_]\w*)")


@lru_cache(maxsize=64)
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` parameters (outside quoted text) → ``?`` and the names in their order."""
    names: list[str] = []

    def swap(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        names.append(m.group(2))
        return "?"

    return _NAMED.sub(swap, sql), tuple(names)


def execute_named(conn: Db, sql: str, args: dict[str, Any]) -> Any:
    """Run ``sql`` written with ``:name`` parameters (a query that uses one value in several
    places) on either engine: the Db interface takes ``?`` only."""
    text, names = _positional(sql)
    return conn.execute(text, tuple(args[n] for n in names))


class FactsRow(NamedTuple):
    """What a rule set may know of one employee, as stored: dates ISO text, outcomes packed."""

    birth_date: str
    hire_date: str | None
    leave_date: str | None
    outcomes: str | None


def facts_row(conn: Db, employee_id: str) -> FactsRow | None:
    """The employee's dates and all their outcomes (``_packed_outcomes``), or None."""
    row = execute_named(
        conn, f"SELECT e.birth_date, e.hire_date, e.leave_date, "
              f"{_packed_outcomes(conn.dialect)} FROM employee e WHERE e.employee_id = :id",
        {"id": employee_id}).fetchone()
    return None if row is None else FactsRow(*row)


class Candidate(NamedTuple):
    """The order of the values of a row of ``candidates`` (which yields plain tuples)."""

    employee_id: str
    name: str
    department: str | None
    manager_id: str | None
    birth_date: str  # ISO text, as the dates below
    hire_date: str | None
    leave_date: str | None
    outcomes: str | None  # packed (_packed_outcomes), dated up to as_of


def _date(dialect: str, column: str) -> str:
    """A date column as ISO text: PostgreSQL casts it in the server, which is cheaper than
    converting each value in Python (the connection's DATE loader)."""
    return f"CAST({column} AS TEXT)" if dialect == "postgresql" else column


def candidates(conn: Db, *, as_of: str, cutoff: str, settled: str,
               department: str | None = None, manager: str | None = None
               ) -> Iterable[tuple]:
    """Staff on ``as_of`` who could be due by the horizon the rule set named: born on or
    before ``cutoff`` (``RuleSet.latest_birth_due_by``), or later with a request logged up to
    ``as_of``; and not settled — no conversation held in this employment after ``settled``
    (``RuleSet.settled_after``) and up to ``as_of``, with nothing after it up to ``as_of`` that
    could bring the next offer forward (a request, or a decline that a re-offer age answers).
    Only in ``department`` / under ``manager`` if given. Rows as ``Candidate``, unsorted; on
    PostgreSQL they stream in while the caller reads them, so read them all (or drop the
    iterator) before the next statement on the connection."""
    dialect = conn.dialect
    args: dict[str, Any] = {"as_of": as_of, "cutoff": cutoff, "settled": settled}
    filters = ""
    if department is not None:
        filters += " AND e.department = :department"
        args["department"] = department
    if manager is not None:
        filters += " AND e.manager_id = :manager"
        args["manager"] = manager
    # Two parts, so that the young are not looked up one by one.
    columns = (f"SELECT e.employee_id, e.name, e.department, e.manager_id, "
               f"{_date(dialect, 'e.birth_date')}, {_date(dialect, 'e.hire_date')}, "
               f"{_date(dialect, 'e.leave_date')}, {_packed_outcomes(dialect, 'as_of')} "
               "FROM employee e ")
    not_settled = (
        "NOT EXISTS (SELECT 1 FROM conversation h WHERE h.employee_id = e.employee_id "
        "AND h.outcome = 'held' AND h.date > :settled AND h.date <= :as_of "
        "AND (e.hire_date IS NULL OR h.date >= e.hire_date) "
        "AND NOT EXISTS (SELECT 1 FROM conversation x WHERE x.employee_id = e.employee_id "
        "AND x.outcome IN ('requested', 'declined') AND x.date > h.date "
        "AND x.date <= :as_of))"
    )
    sql = (
        f"{columns} WHERE e.birth_date <= :cutoff AND {_STAFF_ON_AS_OF}{filters} "
        f"AND {not_settled} UNION ALL "
        f"{columns} WHERE e.birth_date > :cutoff AND e.employee_id IN (SELECT employee_id "
        "FROM conversation WHERE outcome = 'requested' AND date <= :as_of) "
        f"AND {_STAFF_ON_AS_OF}{filters} AND {not_settled}"
    )
    if dialect == "sqlite":
        return execute_named(conn, sql, args)
    from seniorcli.db.postgres import PgConnection

    text, names = _positional(sql)
    assert isinstance(conn, PgConnection)
    return conn.stream(text, tuple(args[n] for n in names))
