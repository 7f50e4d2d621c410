"""The conversation log (table conversation) and the outcomes taken out of it (table
retracted_outcome): what `log`, `log --from-file`, `log correct` and `log withdraw` read and
write. Dates go in as ``datetime.date`` and come out as ISO text unless a row says otherwise;
the flags with_mus and union_rep go in and come out as Python bools."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from seniorcli.db import Db


class Employment(NamedTuple):
    """An employee's id as stored and the dates an outcome must fall between (ISO text)."""

    employee_id: str
    hire_date: str | None
    leave_date: str | None


class Logged(NamedTuple):
    """An outcome already in the log (what `log --from-file` compares a row of a file with)."""

    id: int
    note: str | None
    with_mus: bool
    union_rep: bool


class StoredOutcome(NamedTuple):
    """One logged outcome, as `log correct` and `log withdraw` see it."""

    id: int
    employee_id: str
    outcome: str
    date: date
    note: str | None
    with_mus: bool
    union_rep: bool


class NewOutcome(NamedTuple):
    """An outcome to log."""

    employee_id: str
    outcome: str
    date: date
    note: str | None
    with_mus: bool
    union_rep: bool


def employment(conn: Db, employee_id: str) -> Employment | None:
    """The employee with exactly this id, or None."""
    row = conn.execute(
        "SELECT employee_id, hire_date, leave_date FROM employee WHERE employee_id = ?",
        (employee_id,)).fetchone()
    return None if row is None else Employment(*row)


def logged(conn: Db, employee_id: str, outcome: str, day: date,
           other_than: int | None = None) -> Logged | None:
    """The same outcome on the same day for the employee (other than outcome ``other_than``)."""
    sql = ("SELECT id, note, with_mus, union_rep FROM conversation WHERE employee_id = ? "
           "AND outcome = ? AND date = ?")
    params: tuple = (employee_id, outcome, day.isoformat())
    if other_than is not None:
        sql += " AND id <> ?"
        params += (other_than,)
    row = conn.execute(sql, params).fetchone()
    return None if row is None else Logged(row[0], row[1], bool(row[2]), bool(row[3]))


_INSERT = ("INSERT INTO conversation (employee_id, outcome, date, note, with_mus, union_rep, "
           "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")


def _values(o: NewOutcome, recorded_at: str) -> tuple:
    return (o.employee_id, o.outcome, o.date.isoformat(), o.note, bool(o.with_mus),
            bool(o.union_rep), recorded_at)


def add(conn: Db, outcome: NewOutcome, recorded_at: str) -> int:
    """Log one outcome; returns its id."""
    row = conn.execute(_INSERT + " RETURNING id", _values(outcome, recorded_at)).fetchone()
    return int(row[0])


def add_many(conn: Db, outcomes: Iterable[NewOutcome], recorded_at: str) -> None:
    """Log many outcomes (a file's)."""
    conn.executemany(_INSERT, [_values(o, recorded_at) for o in outcomes])


def get(conn: Db, outcome_id: int) -> StoredOutcome | None:
    row = conn.execute(
        "SELECT id, employee_id, outcome, date, note, with_mus, union_rep FROM conversation "
        "WHERE id = ?", (outcome_id,)).fetchone()
    if row is None:
        return None
    oid, eid, outcome, day, note, with_mus, union_rep = row
    return StoredOutcome(oid, eid, outcome, date.fromisoformat(day), note, bool(with_mus),
                         bool(union_rep))


def update(conn: Db, outcome_id: int, new: NewOutcome) -> None:
    """Put ``new`` in the place of outcome ``outcome_id``."""
    conn.execute(
        "UPDATE conversation SET employee_id = ?, outcome = ?, date = ?, note = ?, "
        "with_mus = ?, union_rep = ? WHERE id = ?",
        (new.employee_id, new.outcome, new.date.isoformat(), new.note, bool(new.with_mus),
         bool(new.union_rep), outcome_id))


def delete(conn: Db, outcome_id: int) -> None:
    conn.execute("DELETE FROM conversation WHERE id = ?", (outcome_id,))


# --- outcomes withdrawn or corrected away -----------------------------------------------------

def retract(conn: Db, employee_id: str, outcome: str, day: date, at: str) -> None:
    """Keep that this outcome was withdrawn or corrected away (at ``at``, a UTC stamp)."""
    conn.execute(
        "INSERT INTO retracted_outcome (employee_id, outcome, date, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (employee_id, outcome, date) DO UPDATE SET at = excluded.at",
        (employee_id, outcome, day.isoformat(), at))


def unretract(conn: Db, employee_id: str, outcome: str, day: date) -> None:
    conn.execute("DELETE FROM retracted_outcome WHERE employee_id = ? AND outcome = ? "
                 "AND date = ?", (employee_id, outcome, day.isoformat()))


def is_retracted(conn: Db, employee_id: str, outcome: str, day: date) -> bool:
    return conn.execute(
        "SELECT 1 FROM retracted_outcome WHERE employee_id = ? AND outcome = ? AND date = ?",
        (employee_id, outcome, day.isoformat())).fetchone() is not None
