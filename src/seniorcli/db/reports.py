"""What the reports read (services/reports.py): the candidates for coverage with their logged
outcomes, the staff's birth dates per group, the senior agreements running on a day, the
managers' names. The figures themselves are decided in Python by the rule set, the same on both
engines; SQL only narrows down whom to ask.

The bulk reads (coverage: every employee who may count, 500,000 at a payroll centre) yield the
driver's plain tuples in the order their NamedTuple declares, not NamedTuples: a report asks for
each row's fields once, and building a named row per employee costs time that shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from seniorcli.db import Db
from seniorcli.db import snapshot as one_snapshot  # noqa: F401  (the services call it here)

#: Staff on the day given as two parameters (rules.base.is_staff, over the employee ``e``).
_STAFF_ON = ("(e.hire_date IS NULL OR e.hire_date <= ?) "
             "AND (e.leave_date IS NULL OR e.leave_date > ?)")

#: The groupings a report may ask for, and the column each means (the only text that goes into
#: the SQL from outside: a grouping not listed here is no grouping).
_GROUP_COLUMNS = {"department": "e.department", "manager": "e.manager_id"}


def _group_sql(by: str | None) -> str:
    return _GROUP_COLUMNS.get(by or "", "NULL")


def _date(conn: Db, column: str) -> str:
    """A date column as ISO text: PostgreSQL casts it in the server, which is cheaper than the
    connection's DATE loader in Python for each value; SQLite stores the text already."""
    return column if conn.dialect == "sqlite" else f"CAST({column} AS TEXT)"


def _packed_outcomes(conn: Db) -> str:
    """A correlated subquery, with one parameter (the last day): the outcomes of employee ``e``
    dated on or before it, as 'YYYY-MM-DD:outcome' joined by commas, in any order
    (services.due.outcomes_from reads it)."""
    if conn.dialect == "sqlite":
        joined = "group_concat(c.date || ':' || c.outcome)"
    else:
        joined = "string_agg(CAST(c.date AS TEXT) || ':' || c.outcome, ',')"
    return (f"(SELECT {joined} FROM conversation c WHERE c.employee_id = e.employee_id "
            "AND c.date <= ?)")


class CoverageCandidate(NamedTuple):
    """The order of the tuples ``coverage_candidates`` yields (dates as ISO text)."""

    employee_id: str
    department: str | None
    manager_id: str | None
    birth_date: str
    hire_date: str | None
    leave_date: str | None
    outcomes: str | None  # packed: 'YYYY-MM-DD:outcome,…' dated up to the period's end


def coverage_candidates(conn: Db, start: date, end: date, born_by: date) -> Iterator[tuple]:
    """Everyone who may count in coverage for the period [start, end], as plain tuples in the
    order of CoverageCandidate: employed at some time in the period, and born on or before
    ``born_by`` (old enough to be due by the end) or with an outcome dated up to the end (a
    request, or an outcome that makes them eligible). In no particular order."""
    s, e, cutoff = start.isoformat(), end.isoformat(), born_by.isoformat()
    columns = ("SELECT e.employee_id, e.department, e.manager_id, "
               f"{_date(conn, 'e.birth_date')}, {_date(conn, 'e.hire_date')}, "
               f"{_date(conn, 'e.leave_date')}, {_packed_outcomes(conn)} FROM employee e WHERE "
               "(e.hire_date IS NULL OR e.hire_date <= ?) "
               "AND (e.leave_date IS NULL OR e.leave_date > ?)")
    # Two parts, so the young are not looked up one by one.
    sql = (f"{columns} AND e.birth_date <= ? UNION ALL {columns} "
           "AND e.birth_date > ? AND e.employee_id IN (SELECT employee_id "
           "FROM conversation WHERE date <= ?)")
    return iter(conn.execute(sql, (e, e, s, cutoff, e, e, s, cutoff, e)))


def staff_births(conn: Db, on: date, by: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(group, birth date as ISO text) of each of the staff on ``on``; the group is the
    department or the manager id (``by``; None otherwise, and for anyone without one)."""
    day = on.isoformat()
    return iter(conn.execute(
        f"SELECT {_group_sql(by)}, {_date(conn, 'e.birth_date')} FROM employee e "
        f"WHERE {_STAFF_ON}", (day, day)))


def staff_births_by_both(conn: Db, on: date) -> Iterator[tuple[str | None, str | None, str]]:
    """(department, manager id, birth date as ISO text) of each of the staff on ``on``."""
    day = on.isoformat()
    return iter(conn.execute(
        f"SELECT e.department, e.manager_id, {_date(conn, 'e.birth_date')} FROM employee e "
        f"WHERE {_STAFF_ON}", (day, day)))


class RunningAgreements(NamedTuple):
    """How many senior agreements of a type run for the employees of one department and
    manager."""

    type: str
    department: str | None
    manager_id: str | None
    running: int


def agreements_running(conn: Db, on: date) -> list[RunningAgreements]:
    """Senior agreements running on ``on`` (started on or before it, ending on or after it or
    open-ended; withdrawn ones left out — those `agreement list --active-on` lists), counted
    per type, department and manager of the employee."""
    day = on.isoformat()
    return [RunningAgreements(kind, department, manager, int(n))
            for kind, department, manager, n in conn.execute(
                "SELECT a.type, e.department, e.manager_id, COUNT(*) FROM agreement a "
                "JOIN employee e ON e.employee_id = a.employee_id WHERE a.withdrawn_at IS NULL "
                "AND a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?) "
                "GROUP BY a.type, e.department, e.manager_id", (day, day))]


def manager_names(conn: Db) -> dict[str, str]:
    """Manager id → name, for every manager id that is an employee id in the roster."""
    return dict(conn.execute(
        "SELECT employee_id, name FROM employee WHERE employee_id IN "
        "(SELECT manager_id FROM employee WHERE manager_id IS NOT NULL)"))
