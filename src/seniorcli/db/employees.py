"""The employee table as `employees`, `show` and every --department, --manager and employee id a
person types see it: the listing, one employee with their log, and the lookups behind the
filters (services/filters.py decides what a typed value means; this module only reads).

Dates come out as ISO text ('YYYY-MM-DD'), as stored, unless a row says otherwise; flags as
Python bools.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import NamedTuple

from seniorcli.db import Db, rows_in

_COLUMNS = ("e.employee_id, e.name, e.birth_date, e.department, e.manager_id, e.hire_date, "
            "e.leave_date, e.email, e.weekly_hours")


class EmployeeRow(NamedTuple):
    """One employee as the roster gave them (dates as ISO text)."""

    employee_id: str
    name: str
    birth_date: str
    department: str | None
    manager_id: str | None
    hire_date: str | None
    leave_date: str | None
    email: str | None
    weekly_hours: float | None


class ListedEmployee(NamedTuple):
    """A row of the listing: the employee (dates as ISO text) and their manager's name (None
    when the manager id is not an employee of the roster)."""

    employee_id: str
    name: str
    birth_date: str
    department: str | None
    manager_id: str | None
    hire_date: str | None
    leave_date: str | None
    email: str | None
    weekly_hours: float | None
    manager_name: str | None


def get(conn: Db, employee_id: str) -> EmployeeRow | None:
    """The employee with exactly this id, or None."""
    r = conn.execute(f"SELECT {_COLUMNS} FROM employee e WHERE e.employee_id = ?",
                     (employee_id,)).fetchone()
    return None if r is None else EmployeeRow._make(r)


def listing(conn: Db, *, staff_on: date | None = None, department: str | None = None,
            manager: str | None = None,
            name_matches: Callable[[str | None], bool] | None = None
            ) -> Iterator[ListedEmployee]:
    """Employees in id order (byte order on both engines), streamed, with their manager's name
    (the manager id is an employee id of the same roster: a primary-key lookup). ``staff_on``:
    only the staff on that day (hired on or before it, no leave date on or before it:
    rules.base.is_staff); ``department``/``manager``: as stored; ``name_matches``: only the
    names it accepts (asked last, after the cheap conditions)."""
    where, args = ["1 = 1"], []
    if staff_on is not None:
        where.append("(e.hire_date IS NULL OR e.hire_date <= ?) AND (e.leave_date IS NULL OR "
                     "e.leave_date > ?)")
        args += [staff_on.isoformat()] * 2
    if department is not None:
        where.append("e.department = ?")
        args.append(department)
    if manager is not None:
        where.append("e.manager_id = ?")
        args.append(manager)
    in_python = None
    if name_matches is not None:
        if conn.dialect == "sqlite":
            # A function of this connection only: rows that do not match are never fetched.
            conn.create_function(  # type: ignore[attr-defined]
                "seniorcli_name_matches", 1, name_matches, deterministic=True)
            where.append("seniorcli_name_matches(e.name)")
        else:
            in_python = name_matches
    # PostgreSQL: ids in byte order as SQLite has them, whatever the server's collation.
    order = "e.employee_id" if conn.dialect == "sqlite" else 'e.employee_id COLLATE "C"'
    sql = (f"SELECT {_COLUMNS}, m.name FROM employee e LEFT JOIN employee m "
           f"ON m.employee_id = e.manager_id WHERE {' AND '.join(where)} ORDER BY {order}")
    make = ListedEmployee._make
    for r in conn.execute(sql, args):
        if in_python is None or in_python(r[1]):
            yield make(r)


def names(conn: Db, employee_ids: Iterable[str]) -> dict[str, str]:
    """The names of the employees with these ids; an id not in the roster is left out. One
    primary-key lookup per id (in chunks), however many rows mention it."""
    return dict(rows_in(conn, "SELECT employee_id, name FROM employee WHERE employee_id IN "
                        "({in})", employee_ids))


class Contact(NamedTuple):
    name: str
    email: str | None
    department: str | None


def contacts(conn: Db, employee_ids: Iterable[str]) -> dict[str, Contact]:
    """Name, e-mail and department of the employees with these ids (managers: a manager id is
    an employee id); an id not in the roster is left out. In chunks, like ``names``."""
    return {eid: Contact(name, email, dept) for eid, name, email, dept in rows_in(
        conn, "SELECT employee_id, name, email, department FROM employee WHERE employee_id IN "
        "({in})", employee_ids)}


class RosterHistory(NamedTuple):
    """When (the import's audit stamp) a full roster marked the employee as left by leaving
    them out, and when one listed them again; None: never."""

    marked_left_at: str | None
    back_again_at: str | None


def roster_history(conn: Db, employee_id: str) -> RosterHistory:
    r = conn.execute(
        "SELECT (SELECT at FROM audit WHERE id = e.left_by_import), "
        "(SELECT at FROM audit WHERE id = e.back_by_import) FROM employee e "
        "WHERE e.employee_id = ?", (employee_id,)).fetchone()
    return RosterHistory(None, None) if r is None else RosterHistory(*r)


class LoggedOutcome(NamedTuple):
    id: int
    date: date
    outcome: str
    note: str | None
    with_mus: bool
    union_rep: bool


def outcomes_of(conn: Db, employee_id: str) -> list[LoggedOutcome]:
    """The employee's conversation log, by date and id."""
    return [LoggedOutcome(i, date.fromisoformat(d), o, n, bool(m), bool(u))
            for i, d, o, n, m, u in conn.execute(
                "SELECT id, date, outcome, note, with_mus, union_rep FROM conversation "
                "WHERE employee_id = ? ORDER BY date, id", (employee_id,))]


class Correction(NamedTuple):
    """A correction or withdrawal of one of the employee's outcomes or agreements (audit)."""

    at: str
    os_user: str
    command: str
    detail: str


def corrections_of(conn: Db, employee_id: str) -> list[Correction]:
    """From the audit log, oldest first."""
    return [Correction(*r) for r in conn.execute(
        "SELECT at, os_user, command, detail FROM audit WHERE employee_id = ? "
        "AND detail IS NOT NULL ORDER BY id", (employee_id,))]


# -- the lookups behind the filters (services/filters.py) -----------------------------------

#: The columns a list may be filtered by.
FILTER_COLUMNS = ("department", "manager_id")


def has_value(conn: Db, column: str, value: str) -> bool:
    """Whether some employee's ``column`` (department or manager_id) is exactly ``value``."""
    assert column in FILTER_COLUMNS
    return conn.execute(f"SELECT 1 FROM employee WHERE {column} = ? LIMIT 1",
                        (value,)).fetchone() is not None


def values(conn: Db, column: str) -> list[str]:
    """Every department or manager id some employee has, sorted (byte order)."""
    assert column in FILTER_COLUMNS
    return sorted(v for (v,) in conn.execute(
        f"SELECT DISTINCT {column} FROM employee WHERE {column} IS NOT NULL"))


def has_department_and_manager(conn: Db, department: str, manager_id: str) -> bool:
    """Whether some employee is in this department under this manager."""
    return conn.execute(
        "SELECT 1 FROM employee WHERE department = ? AND manager_id = ? LIMIT 1",
        (department, manager_id)).fetchone() is not None


def departments_of_manager(conn: Db, manager_id: str) -> list[str]:
    """The departments the manager's staff are in, sorted (byte order)."""
    return sorted(d for (d,) in conn.execute(
        "SELECT DISTINCT department FROM employee WHERE manager_id = ? "
        "AND department IS NOT NULL", (manager_id,)))


def exists(conn: Db, employee_id: str) -> bool:
    return conn.execute("SELECT 1 FROM employee WHERE employee_id = ?",
                        (employee_id,)).fetchone() is not None


def ids_like(conn: Db, key: str, limit: int = 10) -> list[str]:
    """Ids that, without their leading zeros and in lower case (ASCII letters: the same rule on
    both engines), are ``key`` — a scan, for an id not found as typed. ``key`` is already
    without leading zeros and in lower case ('' for an id of zeros only)."""
    # ASCII lower case on both: SQLite's lower() knows no other letters; PostgreSQL's would
    # also fold Æ, Ø, Å, so that the engines would find different ids.
    fold = ("lower(ltrim(employee_id, '0'))" if conn.dialect == "sqlite" else
            "translate(ltrim(employee_id, '0'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
            "'abcdefghijklmnopqrstuvwxyz')")
    return [m for (m,) in conn.execute(
        f"SELECT employee_id FROM employee WHERE {fold} = ? LIMIT ?", (key, limit))]


def ids_in(conn: Db, *, department: str | None = None, manager: str | None = None) -> set[str]:
    """The ids of the employees in ``department`` and under ``manager`` (None: any)."""
    where, args = ["1 = 1"], []
    if department is not None:
        where.append("department = ?")
        args.append(department)
    if manager is not None:
        where.append("manager_id = ?")
        args.append(manager)
    return {eid for (eid,) in conn.execute(
        f"SELECT employee_id FROM employee WHERE {' AND '.join(where)}", args)}
