"""The agreement table (senior agreements), and the employees a senior-day list counts.

Rows come back named: ``AgreementRow`` is the table's row, ``ListedAgreement`` an agreement as
the lists and the payroll export show it (with the employee's name and department and the
agreement that renews it). Dates are ``date`` objects; an end date is returned as stored, so a
9999-12-31 written by an older version is still 9999-12-31 here (the services read it as "no
end"). ``open_ended`` is a ``bool``.

A withdrawn agreement (``withdrawn_at`` set) counts nowhere: every query here leaves it out,
except ``get`` and ``of_employee`` (which `show` uses, marking it) and the payroll change
file's ``changing`` (a withdrawal that payroll must hear of is a change itself).

The statements are the same on both engines. Where they differ in what they would return, the
SQL says so itself: booleans are never compared with integers, ids come back with
``RETURNING``; and NULLs sort first on both (SQLite's order; PostgreSQL is told NULLS FIRST).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import NamedTuple

from seniorcli.db import Db

#: Not withdrawn: the agreements that count (alias ``a``).
_LIVE = "a.withdrawn_at IS NULL"

#: Open-ended: no end date, or the payroll systems' 9999-12-31 stored by an older version.
_OPEN = "(a.end_date IS NULL OR a.end_date >= '9999-12-31')"


def _nulls_first(conn: Db, column: str) -> str:
    """``column`` in an ORDER BY, NULLs first as SQLite sorts them (PostgreSQL: last)."""
    return column if conn.dialect == "sqlite" else f"{column} NULLS FIRST"


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class AgreementRow(NamedTuple):
    """One row of the agreement table."""

    id: int
    employee_id: str
    type: str
    start_date: date
    end_date: date | None  # None: open-ended (or 9999-12-31, as stored by an older version)
    open_ended: bool
    ended_on: date | None  # set by `agreement end`: its last day, before the planned end
    weekly_hours: float | None
    amount: float | None
    note: str | None
    renews_id: int | None  # the agreement this one continues
    rules: str | None  # the rule set whose default term it got
    recorded_at: str  # UTC stamp
    withdrawn_at: str | None  # UTC stamp of `agreement withdraw`


_ROW = ("a.id, a.employee_id, a.type, a.start_date, a.end_date, a.open_ended, a.ended_on, "
        "a.weekly_hours, a.amount, a.note, a.renews_id, a.rules, a.recorded_at, a.withdrawn_at")


def _agreement(r: tuple) -> AgreementRow:
    (aid, eid, kind, start, end, open_ended, ended_on, hours, amount, note, renews, rules,
     recorded, withdrawn) = r
    return AgreementRow(aid, eid, kind, date.fromisoformat(start), _day(end), bool(open_ended),
                        _day(ended_on), hours, amount, note, renews, rules, recorded, withdrawn)


def get(conn: Db, agreement_id: int) -> AgreementRow | None:
    """The agreement with this id, withdrawn or not; None if there is none."""
    r = conn.execute(f"SELECT {_ROW} FROM agreement a WHERE a.id = ?",
                     (agreement_id,)).fetchone()
    return None if r is None else _agreement(r)


def of_employee(conn: Db, employee_id: str) -> list[AgreementRow]:
    """All the employee's agreements, withdrawn ones included (`show` marks them), by start."""
    return [_agreement(r) for r in conn.execute(
        f"SELECT {_ROW} FROM agreement a WHERE a.employee_id = ? ORDER BY a.start_date, a.id",
        (employee_id,))]


def same_type(conn: Db, employee_id: str, kind: str, other_than: int | None = None
              ) -> list[tuple[int, date, date | None]]:
    """The employee's live agreements of a type as (id, start, end as stored), by start, leaving
    out ``other_than`` (the one being corrected)."""
    sql = (f"SELECT a.id, a.start_date, a.end_date FROM agreement a WHERE a.employee_id = ? "
           f"AND a.type = ? AND {_LIVE}")
    args: list[object] = [employee_id, kind]
    if other_than is not None:
        sql += " AND a.id <> ?"
        args.append(other_than)
    return [(aid, date.fromisoformat(start), _day(end))
            for aid, start, end in conn.execute(sql + " ORDER BY a.start_date, a.id", args)]


def successor(conn: Db, agreement_id: int) -> int | None:
    """The live agreement that renews this one, if any."""
    r = conn.execute(f"SELECT a.id FROM agreement a WHERE a.renews_id = ? AND {_LIVE}",
                     (agreement_id,)).fetchone()
    return None if r is None else int(r[0])


def insert(conn: Db, *, employee_id: str, type: str, start_date: date, end_date: date | None,
           open_ended: bool, weekly_hours: float | None, amount: float | None,
           note: str | None, renews_id: int | None, rules: str | None, recorded_at: str) -> int:
    """Record an agreement; returns its id."""
    r = conn.execute(
        "INSERT INTO agreement (employee_id, type, start_date, end_date, open_ended, "
        "weekly_hours, amount, note, renews_id, rules, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (employee_id, type, start_date.isoformat(), _iso(end_date), bool(open_ended),
         weekly_hours, amount, note, renews_id, rules, recorded_at)).fetchone()
    return int(r[0])


def end_early(conn: Db, agreement_id: int, on: date) -> None:
    """``on`` is the agreement's last day: its end date and the day it was ended."""
    conn.execute("UPDATE agreement SET end_date = ?, ended_on = ?, open_ended = ? WHERE id = ?",
                 (on.isoformat(), on.isoformat(), False, agreement_id))


def correct(conn: Db, agreement_id: int, *, start_date: date, end_date: date | None,
            open_ended: bool, ended_on: date | None, weekly_hours: float | None,
            amount: float | None, note: str | None) -> None:
    """Write an agreement's corrected dates, hours, amount and note."""
    conn.execute(
        "UPDATE agreement SET start_date = ?, end_date = ?, open_ended = ?, ended_on = ?, "
        "weekly_hours = ?, amount = ?, note = ? WHERE id = ?",
        (start_date.isoformat(), _iso(end_date), bool(open_ended), _iso(ended_on),
         weekly_hours, amount, note, agreement_id))


def withdraw(conn: Db, agreement_id: int, at: str) -> None:
    conn.execute("UPDATE agreement SET withdrawn_at = ? WHERE id = ?", (at, agreement_id))


class ListedAgreement(NamedTuple):
    """A live agreement as the lists and the payroll export show it."""

    id: int
    employee_id: str
    name: str
    department: str | None
    type: str
    start_date: date
    end_date: date | None  # as stored: 9999-12-31 from an older version stays
    open_ended: bool
    ended_on: date | None
    weekly_hours: float | None
    amount: float | None
    note: str | None
    renews_id: int | None
    renewed_by: int | None  # the live agreement that renews this one


_LISTED = (
    "SELECT a.id, a.employee_id, e.name, e.department, a.type, a.start_date, a.end_date, "
    "a.open_ended, a.ended_on, a.weekly_hours, a.amount, a.note, a.renews_id, "
    "(SELECT s.id FROM agreement s WHERE s.renews_id = a.id AND s.withdrawn_at IS NULL) "
    "AS renewed_by "
    "FROM agreement a JOIN employee e ON e.employee_id = a.employee_id"
)


def _listed(r: tuple) -> ListedAgreement:
    (aid, eid, name, dept, kind, start, end, open_ended, ended_on, hours, amount, note,
     renews, renewed_by) = r
    return ListedAgreement(aid, eid, name, dept, kind, date.fromisoformat(start), _day(end),
                           bool(open_ended), _day(ended_on), hours, amount, note, renews,
                           renewed_by)


def listing(conn: Db, *, active_on: date | None = None, kind: str | None = None,
            department: str | None = None) -> Iterator[ListedAgreement]:
    """Live agreements, open-ended ones last, then by end date and id; ``active_on``: those
    running on that day (started, not ended before it); ``kind`` a type's key."""
    where, args = [_LIVE], []
    if active_on is not None:
        where.append("a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?)")
        args += [active_on.isoformat()] * 2
    if kind is not None:
        where.append("a.type = ?")
        args.append(kind)
    if department is not None:
        where.append("e.department = ?")
        args.append(department)
    # within the open-ended ones, a NULL end before a stored 9999-12-31
    sql = (f"{_LISTED} WHERE {' AND '.join(where)} "
           f"ORDER BY {_OPEN}, {_nulls_first(conn, 'a.end_date')}, a.id")
    for r in conn.execute(sql, args):
        yield _listed(r)


def ending(conn: Db, *, started_by: date, first: date, last: date
           ) -> Iterator[ListedAgreement]:
    """Live agreements with an end (not open-ended, nor 9999-12-31) from ``first`` to ``last``,
    started on or before ``started_by``: by end date, department (none first), employee, id."""
    sql = (f"{_LISTED} WHERE {_LIVE} AND NOT {_OPEN} AND a.start_date <= ? "
           "AND a.end_date BETWEEN ? AND ? "
           f"ORDER BY a.end_date, {_nulls_first(conn, 'e.department')}, a.employee_id, a.id")
    for r in conn.execute(sql, (started_by.isoformat(), first.isoformat(), last.isoformat())):
        yield _listed(r)


class SeniorDayEmployee(NamedTuple):
    employee_id: str
    name: str
    department: str | None
    birth_date: date


def staff_born_by(conn: Db, born_by: date, year: int) -> Iterator[SeniorDayEmployee]:
    """Employees born on or before ``born_by`` who are staff on some day of ``year`` (hired by
    31 December, no leave date on or before 1 January; rules.base.is_staff), by department (none
    first) and id: those a senior-day list of the year may count."""
    sql = ("SELECT employee_id, name, department, birth_date FROM employee "
           "WHERE birth_date <= ? AND (leave_date IS NULL OR leave_date > ?) "
           "AND (hire_date IS NULL OR hire_date <= ?) "
           f"ORDER BY {_nulls_first(conn, 'department')}, employee_id")
    for eid, name, dept, birth in conn.execute(
            sql, (born_by.isoformat(), f"{year:04d}-01-01", f"{year:04d}-12-31")):
        yield SeniorDayEmployee(eid, name, dept, date.fromisoformat(birth))


# -- the payroll change file (services/payroll.py) ---------------------------------------------

class ChangedAgreement(NamedTuple):
    """An agreement as the payroll change file weighs it, withdrawn or not: its terms as they
    are now, when it was recorded and withdrawn (UTC stamps), and ``picked``: whether it may
    give a row in the period asked about (the others come along as the agreement a picked
    one renews, or as a renewal of one: what decides whether a renewal continues it)."""

    id: int
    employee_id: str
    name: str
    department: str | None
    type: str
    start_date: date
    end_date: date | None  # as stored: 9999-12-31 from an older version stays
    open_ended: bool
    ended_on: date | None
    weekly_hours: float | None
    amount: float | None
    renews_id: int | None
    recorded_at: str  # UTC stamp of `agreement add` / `agreement renew`
    withdrawn_at: str | None  # UTC stamp of `agreement withdraw`
    picked: bool


def _picked(first: date, last: date, since: str) -> tuple[str, list[object]]:
    """``WITH … x``: the ids of the agreements that may give a row from ``first`` to ``last``
    (table ``c``: those whose start or end is in the period, or that were recorded,
    withdrawn or changed from ``since`` on (a UTC stamp, as text: the services check the
    Danish day), or whose renewal was recorded or withdrawn then), with the agreements they
    renew and the renewals of both (table ``x``)."""
    sql = ("WITH c AS (SELECT a.id, a.renews_id FROM agreement a WHERE "
           "a.start_date BETWEEN ? AND ? "
           f"OR (NOT {_OPEN} AND a.end_date BETWEEN ? AND ?) "
           "OR a.recorded_at >= ? OR a.withdrawn_at >= ? "
           "OR EXISTS (SELECT 1 FROM agreement_change ch WHERE ch.agreement_id = a.id "
           "AND ch.at >= ?) "
           "OR EXISTS (SELECT 1 FROM agreement r WHERE r.renews_id = a.id "
           "AND (r.recorded_at >= ? OR r.withdrawn_at >= ?))), "
           "b AS (SELECT id FROM c UNION SELECT renews_id FROM c WHERE renews_id IS NOT NULL), "
           "x AS (SELECT a.id FROM agreement a WHERE a.id IN (SELECT id FROM b) "
           "OR a.renews_id IN (SELECT id FROM b)) ")
    return sql, [first.isoformat(), last.isoformat(), first.isoformat(), last.isoformat(),
                 since, since, since, since, since]


def changing(conn: Db, *, first: date, last: date, since: str) -> list[ChangedAgreement]:
    """The agreements (withdrawn ones too) that may start, change, end or be cancelled from
    ``first`` to ``last``, and their neighbours in a chain of renewals (``_picked``); by
    employee, start and id."""
    with_x, args = _picked(first, last, since)
    sql = (with_x +
           "SELECT a.id, a.employee_id, e.name, e.department, a.type, a.start_date, "
           "a.end_date, a.open_ended, a.ended_on, a.weekly_hours, a.amount, a.renews_id, "
           "a.recorded_at, a.withdrawn_at, a.id IN (SELECT id FROM c) "
           "FROM agreement a JOIN employee e ON e.employee_id = a.employee_id "
           "WHERE a.id IN (SELECT id FROM x) ORDER BY a.employee_id, a.start_date, a.id")
    rows = []
    for (aid, eid, name, dept, kind, start, end, open_ended, ended_on, hours, amount, renews,
         recorded, withdrawn, picked) in conn.execute(sql, args):
        rows.append(ChangedAgreement(
            aid, eid, name, dept, kind, date.fromisoformat(start), _day(end), bool(open_ended),
            _day(ended_on), hours, amount, renews, recorded, withdrawn, bool(picked)))
    return rows


def changes_of(conn: Db, *, first: date, last: date, since: str
               ) -> list[tuple[str, int, str]]:
    """(stamp, agreement id, fields) of every change recorded (table agreement_change) of the
    agreements ``changing`` returns, whenever it was made, oldest first."""
    with_x, args = _picked(first, last, since)
    return [(at, agreement_id, fields) for at, agreement_id, fields in conn.execute(
        with_x + "SELECT ch.at, ch.agreement_id, ch.fields FROM agreement_change ch "
        "WHERE ch.agreement_id IN (SELECT id FROM x) ORDER BY ch.id", args)]


def correction_details(conn: Db) -> list[str]:
    """The audit log's detail of every `agreement correct` ("agreement 12 (seniorstilling
    2026-01-01 to 2027-12-31, 30 hours): end …"), oldest first: it begins with the agreement
    as it was before the correction (services.agreements.describe_agreement). An `agreement
    end` that wrote such a detail comes too."""
    return [detail for (detail,) in conn.execute(
        "SELECT detail FROM audit WHERE command IN ('agreement correct', 'agreement end') "
        "AND detail LIKE 'agreement %' ORDER BY id")]


def record_change(conn: Db, agreement_id: int, at: str, fields: Iterable[str]) -> None:
    """Keep that ``agreement_id`` was changed at ``at`` (a UTC stamp), and what: start, end,
    hours, amount, note."""
    conn.execute("INSERT INTO agreement_change (agreement_id, at, fields) VALUES (?, ?, ?)",
                 (agreement_id, at, ",".join(fields)))
