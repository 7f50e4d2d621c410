"""The roster import's statements (services/roster.py decides; this module writes).

One import is one write transaction (``import_transaction``). Its rows are upserted by
employee_id (``RosterWriter``) and stamped with the import's audit id (employee.last_import) and,
when a value changed, its time stamp (employee.updated_at): that is how the service counts what
was added, updated and left unchanged, finds who is missing from a full roster
(``mark_left``), who is listed again after being marked (``bring_back``), and catches an id
listed twice.

The upsert is each engine's fast path behind the same ``roster_writer``: on SQLite an
``executemany`` of ``INSERT … ON CONFLICT DO UPDATE``; on PostgreSQL one COPY that streams the
rows while the file is still being read — straight into an empty register, otherwise into a
temporary table from which one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` writes them. Both
write exactly the same values, and the counts are taken by the same queries on both, so every
count and every column is the same on both engines (tests/test_import.py compares them on
random rosters). Everything else here is SQL both engines understand.

Rows are plain tuples in the order of ``ROW_FIELDS`` (see ``RosterRow``): at 500,000 rows a
named object per row would cost more than the writing itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from seniorcli.db import Db, rows_in
from seniorcli.db.employees import EmployeeRow

if TYPE_CHECKING:
    from seniorcli.db.postgres import PgConnection


#: What one roster row writes, in this order (the service passes plain tuples of it): the
#: employee as the roster gives them. Dates are ISO text (YYYY-MM-DD) or None; a column the file
#: does not have is None.
RosterRow = EmployeeRow
ROW_FIELDS: tuple[str, ...] = RosterRow._fields


class LeftEmployee(NamedTuple):
    employee_id: str
    name: str


# -- the transaction -------------------------------------------------------------------------

@contextlib.contextmanager
def import_transaction(conn: Db, *, dry_run: bool) -> Iterator[None]:
    """The import's one write transaction (the register's write lock at once): committed when
    the block ends, rolled back when it raises or for a dry run."""
    from seniorcli.db.engine import hold_before_commit

    try:
        conn.begin_write()
        yield
        hold_before_commit()
    except BaseException:
        if conn.in_transaction:  # SQLite rolls back by itself on a full disk
            with contextlib.suppress(Exception):  # the error that stopped it is the one raised
                conn.execute("ROLLBACK")
        raise
    conn.execute("ROLLBACK" if dry_run else "COMMIT")


# -- counts ----------------------------------------------------------------------------------

def count_employees(conn: Db) -> int:
    return int(conn.execute("SELECT count(*) FROM employee").fetchone()[0])


def count_stamped(conn: Db, stamp: str) -> int:
    """Employees this import added or changed (their updated_at is its stamp)."""
    return int(conn.execute("SELECT count(*) FROM employee WHERE updated_at = ?",
                            (stamp,)).fetchone()[0])


def count_current(conn: Db) -> int:
    """Employees without a leave date."""
    return int(conn.execute(
        "SELECT count(*) FROM employee WHERE leave_date IS NULL").fetchone()[0])


# -- the upsert ------------------------------------------------------------------------------

class RosterWriter(Protocol):
    """Upserts an import's rows: ``write`` each batch, then ``finish`` once."""

    def write(self, rows: Sequence[tuple]) -> None:
        """Insert or update these rows (RosterRow order) by employee_id."""

    def finish(self) -> set[str]:
        """Write what is still pending; the ids listed more than once by this import."""


@contextlib.contextmanager
def roster_writer(conn: Db, *, columns: Collection[str], stamp: str, seq: int,
                  again: Callable[[], Iterable[Sequence[tuple]]]) -> Iterator[RosterWriter]:
    """The upsert of import ``seq`` (its audit id), taken at ``stamp``.

    Every row written gets last_import = seq; updated_at = stamp when the row is new or one of
    ``columns`` (the stored fields the file has; birth_date always) changed. Columns the file
    does not have are left as they are on existing employees (a new one gets NULL). An id met
    again is returned by ``finish``, never an error here.

    ``again`` gives the same batches once more (the file read and checked again): PostgreSQL's
    fast path into an empty register cannot name a repeated id it met, only that there was one,
    and then reads them again to find which (a refused file: the rare case)."""
    present = [f for f in ROW_FIELDS
               if f != "employee_id" and (f in columns or f == "birth_date")]
    writer: _SqliteWriter | _PgWriter
    if conn.dialect == "postgresql":
        writer = _PgWriter(conn, present, stamp, seq, again)  # type: ignore[arg-type]
    else:
        writer = _SqliteWriter(conn, present, stamp, seq)
    try:
        yield writer
    finally:
        writer.close()


class _SqliteWriter:
    """executemany of one INSERT … ON CONFLICT DO UPDATE: no statement per row in Python, no
    temporary table (the fastest way into SQLite). Every listed row gets last_import = seq, so
    an id met again finds its row already carrying seq: the statement then calls a function
    that notes it (only then)."""

    def __init__(self, conn: Db, present: list[str], stamp: str, seq: int):
        self.conn = conn
        self.repeated = repeated = set[str]()

        def note_repeat(eid: str) -> int:  # no reference to self: the connection holds it
            repeated.add(eid)
            return seq

        conn.create_function("seniorcli_repeated", 1, note_repeat)  # type: ignore[attr-defined]
        changed = " OR ".join(f"employee.{f} IS NOT excluded.{f}" for f in present)
        self.sql = (
            f"INSERT INTO employee ({', '.join(ROW_FIELDS)}, updated_at, last_import) "
            f"VALUES ({', '.join('?' * len(ROW_FIELDS))}, '{stamp}', {int(seq)}) "
            "ON CONFLICT (employee_id) DO UPDATE SET "
            f"{', '.join(f'{f} = excluded.{f}' for f in present)}, "
            f"updated_at = CASE WHEN {changed} THEN excluded.updated_at "
            "ELSE employee.updated_at END, "
            f"last_import = CASE WHEN employee.last_import = {int(seq)} "
            "THEN seniorcli_repeated(excluded.employee_id) ELSE excluded.last_import END"
        )

    def write(self, rows: Sequence[tuple]) -> None:
        self.conn.executemany(self.sql, rows)

    def finish(self) -> set[str]:
        return self.repeated

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a closed connection: nothing to take back
            self.conn.create_function(  # type: ignore[attr-defined]
                "seniorcli_repeated", 1, None)


class _PgWriter:
    """The rows stream in with one COPY while the file is still being read (psycopg sends
    them from a thread of its own), and PostgreSQL checks each id once, in the statement that
    writes the rows, never per batch:

    - an empty register (the first import): COPY straight into the employee table. An id met
      twice breaks the primary key; the rows are then read again (``again``) into a temporary
      table to name the repeated ids.
    - otherwise: COPY into a temporary table (dropped with the transaction), then one
      INSERT … SELECT … ON CONFLICT DO UPDATE writes them all. PostgreSQL refuses to update one
      row twice in a statement: when it does, the repeated ids are read from the temporary
      table.

    Every row is written even when nothing in it changed, as on SQLite: last_import must name
    this import. Measured with 500,000 rows (2 cores): the first import ≈ 3.3 s (psql's own
    \\copy of the file: 0.95 s); again ≈ 5.4 s, of which the one upsert ≈ 2.4 s. Writing each
    batch of 5,000 as it comes instead cost as much in all, and needs a check for ids repeated
    across batches."""

    TABLE = "roster_import"
    SAVEPOINT = "roster_rows"

    def __init__(self, conn: PgConnection, present: list[str], stamp: str, seq: int,
                 again: Callable[[], Iterable[Sequence[tuple]]]):
        self.conn, self.again = conn, again
        self.stamp, self.seq = stamp, seq
        self.fields = fields = ", ".join(ROW_FIELDS)
        self._copy: Any = None
        self.empty = not conn.execute("SELECT EXISTS (SELECT 1 FROM employee)").fetchone()[0]
        if self.empty:
            self.tail = (stamp, seq)
            conn.raw.execute(f"SAVEPOINT {self.SAVEPOINT}")
            self._start(f"COPY employee ({fields}, updated_at, last_import) FROM STDIN")
            return
        self._create_table()
        changed = " OR ".join(f"employee.{f} IS DISTINCT FROM excluded.{f}" for f in present)
        self.upsert = (
            f"INSERT INTO employee ({fields}, updated_at, last_import) "
            f"SELECT {fields}, ?, ? FROM {self.TABLE} "
            "ON CONFLICT (employee_id) DO UPDATE SET "
            f"{', '.join(f'{f} = excluded.{f}' for f in present)}, "
            f"updated_at = CASE WHEN {changed} THEN excluded.updated_at "
            "ELSE employee.updated_at END, last_import = excluded.last_import")
        self._start(f"COPY {self.TABLE} ({fields}) FROM STDIN")

    def _create_table(self) -> None:
        # The register's own column types, whatever models.py declares them as.
        self.conn.execute(f"CREATE TEMPORARY TABLE {self.TABLE} ON COMMIT DROP AS "
                          f"SELECT {self.fields} FROM employee WITH NO DATA")

    def _start(self, statement: str) -> None:
        from psycopg.copy import QueuedLibpqWriter

        cursor = self.conn.raw.cursor()
        self._copy = cursor.copy(statement, writer=QueuedLibpqWriter(cursor))
        self._rows = self._copy.__enter__()

    def _end(self) -> None:
        copy, self._copy = self._copy, None
        copy.__exit__(None, None, None)

    def write(self, rows: Sequence[tuple]) -> None:
        write_row = self._rows.write_row
        if self.empty:
            tail = self.tail
            for row in rows:
                write_row(row + tail)
        else:
            for row in rows:
                write_row(row)

    def finish(self) -> set[str]:
        from psycopg import errors

        raw = self.conn.raw
        try:
            self._end()
            if not self.empty:
                raw.execute(f"SAVEPOINT {self.SAVEPOINT}")  # after the COPY: its rows stay
                self.conn.execute(self.upsert, (self.stamp, self.seq))
        except (errors.UniqueViolation, errors.CardinalityViolation):
            raw.execute(f"ROLLBACK TO SAVEPOINT {self.SAVEPOINT}")
            if self.empty:  # what was copied is gone: read the rows again
                self._create_table()
                with self.conn.copy(f"COPY {self.TABLE} ({self.fields}) FROM STDIN") as copy:
                    for batch in self.again():
                        for row in batch:
                            copy.write_row(row)
            return {eid for (eid,) in self.conn.execute(
                f"SELECT employee_id FROM {self.TABLE} GROUP BY employee_id "
                "HAVING count(*) > 1").fetchall()}
        raw.execute(f"RELEASE SAVEPOINT {self.SAVEPOINT}")
        return set()

    def close(self) -> None:
        """A COPY the import left open (an error while reading the file) is abandoned."""
        if self._copy is not None:
            copy, self._copy = self._copy, None
            with contextlib.suppress(Exception):
                error = RuntimeError("the import stopped")
                copy.__exit__(type(error), error, None)


# -- leavers and those back again ------------------------------------------------------------

def bring_back(conn: Db, *, seq: int, stamp: str, leave_column: bool) -> int:
    """Employees a full import marked as left (left_by_import) whom import ``seq`` lists
    (last_import = seq) without a leave date are current again: that leave date, which no file
    gave, is removed, and back_by_import notes who did it. Returns how many. A leave date this
    file gives them stays, and is from now on the file's (left_by_import cleared). Two UPDATEs
    over the partial index on left_by_import (only those marked), never one per row.

    With a leave-date column the upsert has already written the file's cell (an empty cell
    cleared the date); without one it left the marked date as it was."""
    if not leave_column:
        return int(conn.execute(
            "UPDATE employee SET leave_date = NULL, left_by_import = NULL, back_by_import = ?, "
            "updated_at = ? WHERE left_by_import IS NOT NULL AND last_import = ?",
            (seq, stamp, seq)).rowcount)
    back = int(conn.execute(
        "UPDATE employee SET left_by_import = NULL, back_by_import = ?, updated_at = ? "
        "WHERE left_by_import IS NOT NULL AND last_import = ? AND leave_date IS NULL",
        (seq, stamp, seq)).rowcount)
    conn.execute("UPDATE employee SET left_by_import = NULL "
                 "WHERE left_by_import IS NOT NULL AND last_import = ?", (seq,))
    return back


def mark_left(conn: Db, *, seq: int, stamp: str, as_of: str) -> int:
    """Full import ``seq``: everyone without a leave date whom it did not list is marked as
    left on ``as_of`` (left_by_import = seq). Someone not hired yet whom the roster leaves out
    never started: left on the hire date (never staff), not on a day before it. Returns how
    many."""
    return int(conn.execute(
        "UPDATE employee SET leave_date = CASE WHEN hire_date > ? THEN hire_date ELSE ? END, "
        "updated_at = ?, left_by_import = ? "
        "WHERE leave_date IS NULL AND (last_import IS NULL OR last_import <> ?)",
        (as_of, as_of, stamp, seq, seq)).rowcount)


def marked_left_by(conn: Db, seq: int, limit: int) -> list[LeftEmployee]:
    """The first ``limit`` employees (by id) that import ``seq`` marked as left."""
    return [LeftEmployee(*row) for row in conn.execute(
        "SELECT employee_id, name FROM employee WHERE left_by_import = ? "
        "ORDER BY employee_id LIMIT ?", (seq, limit)).fetchall()]


def record_result(conn: Db, seq: int, command: str, rows_changed: int) -> None:
    """The import's audit row (added when it began, as ``seq``) gets its outcome."""
    conn.execute("UPDATE audit SET command = ?, rows_changed = ? WHERE id = ?",
                 (command, rows_changed, seq))


def end_by_leave_records(conn: Db, *, records: Sequence[tuple[str, str]],
                         stamp: str) -> tuple[int, int]:
    """A KMD OPUS file's action="leave" records, each (employee_id, leave date): the
    employment ends on that date, unless it already ended on or before it (a leave date
    earlier than the hire date ends it on the hire date, as mark_left does). The date is from
    now on the file's (left_by_import cleared). Returns (how many were changed, how many
    records named no employee of the register). One statement per record: a file has few."""
    changed = unknown = 0
    for eid, day in records:
        n = conn.execute(
            "UPDATE employee SET leave_date = CASE WHEN hire_date > ? THEN hire_date ELSE ? "
            "END, left_by_import = NULL, updated_at = ? "
            "WHERE employee_id = ? AND (leave_date IS NULL OR leave_date > ?)",
            (day, day, stamp, eid, day)).rowcount
        if n:
            changed += n
        elif conn.execute("SELECT 1 FROM employee WHERE employee_id = ?",
                          (eid,)).fetchone() is None:
            unknown += 1
    return changed, unknown


def departments_and_managers(conn: Db, ids: Sequence[str]) -> dict[str, tuple[str | None,
                                                                              str | None]]:
    """{employee_id: (department, manager_id)} of those of ``ids`` in the register."""
    return {eid: (dept, mgr) for eid, dept, mgr in rows_in(
        conn, "SELECT employee_id, department, manager_id FROM employee "
        "WHERE employee_id IN ({in})", ids)}


def unit_managers(conn: Db, departments: Sequence[str], as_of: str) -> dict[str, str]:
    """{department: employee_id} of the register's manager of each of ``departments``: the
    employee in it who is the manager of the most employees (the lowest id of a tie), those
    gone by ``as_of`` left out. A department whose employees manage no one is not there."""
    best: dict[str, tuple[int, str]] = {}
    for dept, mgr, reports in rows_in(
            conn, "SELECT m.department, m.employee_id, count(*) FROM employee m "
            "JOIN employee e ON e.manager_id = m.employee_id "
            "WHERE m.department IN ({in}) "
            "AND (m.leave_date IS NULL OR m.leave_date > ?) "
            "AND (e.leave_date IS NULL OR e.leave_date > ?) "
            "GROUP BY m.department, m.employee_id", departments, (as_of, as_of)):
        key = (-int(reports), mgr)
        if dept not in best or key < best[dept]:
            best[dept] = key
    return {dept: mgr for dept, (_reports, mgr) in best.items()}
