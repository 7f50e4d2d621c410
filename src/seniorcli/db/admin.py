"""Keeping the register safe, the database's side of it: the audit log, purge's statements,
backups and restore, and what an SQLite file needs beyond SQL (the backup API, integrity checks,
VACUUM and the -wal checkpoint, restore's staging copy).

A backup is always one SQLite file, whatever the engine: of an SQLite register it is a page copy
(SQLite's online backup API: one consistent snapshot while others write); of a PostgreSQL
register it is a copy of every table into a new SQLite file (``copy.py``: one snapshot, checked
row for row). A backup is restored into either engine: an SQLite file through SQLite (so readers
that have the file open see the restored data); a PostgreSQL register by copying the backup into
it, emptied, in one transaction under the register's write lock.

The service layer (``services/admin.py``) words the refusals: the functions here report facts
(``BackupUnusable`` with a reason, ``FileCleaning``), not messages.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from seniorcli.db import Db
from seniorcli.db.engine import WORKING_FILES, Connection, transaction
from seniorcli.db.schema import APPLICATION_ID, LATEST

# --- the audit log ------------------------------------------------------------------------


class AuditEntry(NamedTuple):
    id: int
    at: str  # ISO time, UTC
    os_user: str
    command: str
    rows_changed: int
    employee_id: str | None  # a correction's employee (until purge deletes it)
    detail: str | None  # what a correction changed, old → new


def audit_entries(conn: Db, since: str | None = None) -> Iterator[AuditEntry]:
    """The audit log in the order it was written; ``since``: entries at or after that ISO
    day."""
    sql = ("SELECT id, at, os_user, command, rows_changed, employee_id, detail FROM audit")
    args: tuple = ()
    if since is not None:
        sql += " WHERE at >= ?"
        args = (since,)
    for row in conn.execute(sql + " ORDER BY id", args):
        yield AuditEntry(*row)


# --- purge --------------------------------------------------------------------------------

_LEAVERS = "employee_id IN (SELECT employee_id FROM employee WHERE leave_date < ?)"


class PurgeCounts(NamedTuple):
    employees: int
    conversations: int
    agreements: int


def purge_counts(conn: Db, left_before: str) -> PurgeCounts:
    """What a purge of the employees who left before ``left_before`` (ISO day) deletes."""
    def count(sql: str) -> int:
        return int(conn.execute(sql, (left_before,)).fetchone()[0])

    return PurgeCounts(
        count("SELECT count(*) FROM employee WHERE leave_date < ?"),
        count(f"SELECT count(*) FROM conversation WHERE {_LEAVERS}"),
        count(f"SELECT count(*) FROM agreement WHERE {_LEAVERS}"))


def leaver_ids(conn: Db, left_before: str) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT employee_id FROM employee WHERE leave_date < ?", (left_before,))}


def forget_audit_employees(conn: Db, left_before: str) -> None:
    """The leavers' audit rows keep command, user, time and count; their employee and what a
    correction changed for them go."""
    conn.execute(f"UPDATE audit SET employee_id = NULL, detail = NULL WHERE {_LEAVERS}",
                 (left_before,))


def audit_details_naming_employees(conn: Db) -> list[tuple[int, str]]:
    """(audit id, detail) of the entries whose detail names an employee ("employee '…'")."""
    return [(int(i), d) for i, d in conn.execute(
        "SELECT id, detail FROM audit WHERE detail LIKE '%employee ''%' ORDER BY id")]


def set_audit_detail(conn: Db, audit_id: int, detail: str) -> None:
    conn.execute("UPDATE audit SET detail = ? WHERE id = ?", (detail, audit_id))


def delete_leavers(conn: Db, left_before: str) -> None:
    """Delete the employees who left before ``left_before`` with their conversations, what
    was withdrawn or corrected away for them, and their agreements (inside the caller's
    transaction)."""
    conn.execute(f"DELETE FROM conversation WHERE {_LEAVERS}", (left_before,))
    conn.execute(f"DELETE FROM retracted_outcome WHERE {_LEAVERS}", (left_before,))
    conn.execute("UPDATE agreement SET renews_id = NULL WHERE renews_id IN "
                 f"(SELECT id FROM agreement WHERE {_LEAVERS})", (left_before,))
    conn.execute(f"DELETE FROM agreement WHERE {_LEAVERS}", (left_before,))
    conn.execute("DELETE FROM employee WHERE leave_date < ?", (left_before,))


class FileCleaning(NamedTuple):
    """What ``clean_file`` could do on an SQLite file."""

    database: Path
    wal: Path
    not_rewritten: str | None  # why VACUUM failed (then free space may hold old values)
    still_open: bool  # the -wal could not be emptied: another program has the file open


def clean_file(conn: Db) -> FileCleaning | None:
    """Make deleted rows gone from an SQLite file on disk, not only from the tables.

    secure_delete (set on every connection) overwrites a deleted row where it lay. But the old
    page images stay in the -wal file until a checkpoint, and free space written before
    secure_delete (an older tool, a database browser) may still hold old values. So: VACUUM
    (rewrites the file from the live rows only), then a TRUNCATE checkpoint (copies the
    rewritten pages into the database file and empties the -wal).

    None on PostgreSQL: the server's files are its own. Deleted rows are dead tuples that its
    autovacuum makes reusable; no VACUUM is run here (it cannot run inside the purge's
    transaction, needs the table owner's right, and would not erase the bytes either); the
    server's WAL and backups keep them until they expire (docs/operations.md)."""
    if conn.dialect != "sqlite":
        return None
    from seniorcli.db.engine import explain

    db = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    wal = Path(f"{db}-wal")
    not_rewritten = None
    try:
        conn.execute("VACUUM")
    except sqlite3.Error as e:
        why = explain(e, db)
        not_rewritten = why.message.split(";")[0] if why else str(e)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error:
        busy = 1
    still_open = bool(busy) or (wal.exists() and wal.stat().st_size > 0)
    return FileCleaning(db, wal, not_rewritten, still_open)


# --- backups --------------------------------------------------------------------------------


class RegisterFacts(NamedTuple):
    """What a register (or a backup) holds, for the question before a restore."""

    version: int  # its schema version
    employees: int
    last_change: str | None  # the time (UTC) of its latest audit entry


class BackupUnusable(Exception):
    """A file that cannot be restored, and why: ``reason`` is one of "unopenable", "damaged",
    "not_sqlite", "not_seniorcli", "newer", "integrity", "unreadable", "damaged_after_upgrade";
    ``detail`` SQLite's own words (or the problems found, the version)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def describe(conn: Db) -> RegisterFacts:
    """Schema version, employees and the time of the latest audit entry of a register."""
    if conn.dialect == "sqlite":
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    else:
        version = LATEST  # connect brought it there
    employees = int(conn.execute("SELECT count(*) FROM employee").fetchone()[0])
    last = conn.execute("SELECT max(at) FROM audit").fetchone()[0]
    return RegisterFacts(version, employees, last)


def disk_errno(error: BaseException, folder: Path) -> int | None:
    """The errno a failure of SQLite writing a file in ``folder`` amounts to (a full disk, a
    read-only folder), so it can be said of that file (files.write_error); None for any other
    error."""
    if not isinstance(error, sqlite3.Error):
        return None
    import errno

    from seniorcli.db.engine import _disk_nearly_full

    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL") or (name.startswith("SQLITE_IOERR")
                                          and _disk_nearly_full(folder)):
        return errno.ENOSPC
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        try:
            return errno.EROFS if os.statvfs(folder).f_flag & os.ST_RDONLY else errno.EACCES
        except OSError:
            return errno.EACCES
    return None


def _as_os_error(error: sqlite3.Error, path: Path) -> OSError | sqlite3.Error:
    folder = path.parent if str(path.parent) else Path(".")
    code = disk_errno(error, folder)
    return error if code is None else OSError(code, os.strerror(code), str(path))


def write_backup(conn: Db, path: Path) -> None:
    """Write a backup of the register into the new, empty file ``path`` (the caller renames it
    into place). A failure of the disk under ``path`` is raised as an OSError (it is about the
    backup's disk, not the register); a PostgreSQL copy that differs as copy.CopyError."""
    if conn.dialect == "sqlite":
        dest = sqlite3.connect(path)
        try:
            conn.backup(dest)  # type: ignore[attr-defined]  # all pages in one step
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        except sqlite3.Error as e:
            raise _as_os_error(e, path) from None
        finally:
            dest.close()
        return
    from seniorcli.db import engine
    from seniorcli.db.copy import copy_register

    try:
        side = engine.open_file(path, register=True)
        try:
            copy_register(conn, side)
            side.execute("PRAGMA journal_mode = DELETE")
        finally:
            side.close()
    except sqlite3.Error as e:
        raise _as_os_error(e, path) from None


def file_of(conn: Db) -> Path | None:
    """The SQLite file of the register, None for a PostgreSQL one."""
    if conn.dialect != "sqlite":
        return None
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


def read_backup(path: Path) -> RegisterFacts:
    """Check that ``path`` is a seniorcli backup this version can restore: an SQLite file that
    passes SQLite's integrity check, marked as a seniorcli database, of this schema version or
    an older one (upgraded when restored). Nothing is written. Raises BackupUnusable."""
    from seniorcli.db.engine import open_file

    try:
        conn = open_file(path, read_only=True)
    except sqlite3.Error as e:
        raise BackupUnusable("unopenable", str(e)) from None
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as e:
            if getattr(e, "sqlite_errorname", "").startswith("SQLITE_CORRUPT"):
                raise BackupUnusable("damaged", str(e)) from None
            raise BackupUnusable("not_sqlite", str(e)) from None
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID or not tables:
            raise BackupUnusable("not_seniorcli")
        if version > LATEST:
            raise BackupUnusable("newer", str(version))
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as e:
            problems = [str(e)]
        if problems != ["ok"]:
            raise BackupUnusable("integrity", "; ".join(problems[:3]))
        return describe(conn)
    except sqlite3.Error as e:
        raise BackupUnusable("unreadable", str(e)) from None
    finally:
        conn.close()


def describe_file(db_path: Path) -> RegisterFacts | None:
    """What the register file holds, or None when there is none or it cannot be read."""
    from seniorcli.db.engine import open_file

    if not db_path.is_file():
        return None
    try:
        conn = open_file(db_path, read_only=True)
        try:
            return describe(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def aside_path(db_path: Path, now: datetime) -> Path:
    """hr.db → hr.db.before-restore-20261101-023000 (-2, -3, … if that is taken)."""
    base = f"{db_path}.before-restore-{now:%Y%m%d-%H%M%S}"
    candidate, n = Path(base), 1
    while any(Path(f"{candidate}{s}").exists() for s in ("", *WORKING_FILES)):
        n += 1
        candidate = Path(f"{base}-{n}")
    return candidate


@contextlib.contextmanager
def _staged(backup_path: Path, version: int, folder: Path, name: str) -> Iterator[Path]:
    """A private copy of the backup beside the register (SQLite's backup API: the backup's
    -wal included), upgraded to this version's schema and checked; removed afterwards."""
    from seniorcli.db.engine import open_file, upgrade

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, staged_name = tempfile.mkstemp(prefix=f".{name}.restore-", dir=folder)
    os.close(fd)
    staged = Path(staged_name)
    try:
        stage = open_file(staged)
        try:
            source = open_file(backup_path, read_only=True)
            try:
                source.backup(stage)  # a consistent copy
            finally:
                source.close()
            stage.execute("PRAGMA journal_mode = DELETE")
            if version < LATEST:
                upgrade(stage, version)
            if stage.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupUnusable("damaged_after_upgrade")
        finally:
            stage.close()
        yield staged
    finally:
        for leftover in (staged, Path(f"{staged}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def restore_file(db_path: Path, backup_path: Path, version: int, now: datetime,
                 record: Callable[[Db], object]) -> tuple[Path | None, list[Path]]:
    """Replace the register file ``db_path`` with a checked backup (upgraded if older),
    keeping the file as it was in ``<db>.before-restore-YYYYMMDD-HHMMSS`` (mode 0600).
    ``record(conn)`` writes the restore to the restored register's audit log (called inside a
    write transaction). Returns (where the file as it was is kept or None, the -wal/-shm
    files without a database that were moved aside).

    A file that opens is copied aside through SQLite (its -wal included, so nothing is lost),
    and the backup is then copied into it through SQLite as well: other programs that have it
    open see the restored data, and its -wal and -shm stay consistent with it. A file that is
    damaged is renamed aside together with its -wal/-shm; -wal/-shm files without a database
    are moved aside too, so no stale -wal is ever read with the restored file."""
    from seniorcli.db.engine import connect, make_private, note_commit, open_file

    folder = db_path.parent if str(db_path.parent) else Path(".")
    kept: Path | None = None
    stale: list[Path] = []
    with _staged(backup_path, version, folder, db_path.name) as staged:
        live = _open_live(db_path)
        if live is not None:
            try:
                kept = aside_path(db_path, now)
                with contextlib.suppress(sqlite3.Error):  # readers may hold it: not needed
                    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                _backup_to(live, kept)  # through SQLite: the -wal's rows included
                stage = open_file(staged)
                try:
                    page = live.execute("PRAGMA page_size").fetchone()[0]
                    if stage.execute("PRAGMA page_size").fetchone()[0] != page:
                        # a WAL database only accepts a copy with its own page size
                        stage.execute(f"PRAGMA page_size = {page}")
                        stage.execute("VACUUM")
                    stage.backup(live)  # one transaction: all of the backup, or nothing
                finally:
                    stage.close()
                note_commit()
                with transaction(live):
                    record(live)
                live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                live.close()
        else:
            aside = aside_path(db_path, now)
            moved = _move_aside(db_path, aside)
            kept = aside if aside.exists() else None
            stale = [] if kept else moved
            os.chmod(staged, 0o600)
            os.replace(staged, db_path)
            note_commit()
            conn = connect(db_path)
            try:
                with transaction(conn):
                    record(conn)
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
    make_private(db_path)
    if kept is not None:
        make_private(kept)
    return kept, stale


def _backup_to(conn: Connection, target: Path) -> None:
    """A private, self-contained copy of an SQLite register (written whole, then renamed)."""
    from seniorcli.files import private_path

    with private_path(target) as tmp:
        dest = sqlite3.connect(tmp)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()


def _open_live(db_path: Path) -> Connection | None:
    """The register file to restore into, or None when there is none or it is too damaged to
    open (it is then renamed aside as it is). Any other reason it cannot be opened (locked,
    read-only, a newer version, not a seniorcli database) refuses the restore."""
    from seniorcli.db.engine import connect
    from seniorcli.errors import DatabaseError

    if not db_path.exists():
        return None
    try:
        return connect(db_path)
    except DatabaseError:
        if _damaged(db_path):
            return None
        raise


def _damaged(path: Path) -> bool:
    from seniorcli.db.engine import open_file

    try:
        conn = open_file(path, read_only=True)
        try:
            conn.execute("PRAGMA application_id").fetchone()
            return conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        return getattr(e, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))


def _move_aside(db_path: Path, aside: Path) -> list[Path]:
    """Rename the database and its -wal/-shm/-journal (those that exist) to ``aside`` with the
    same endings, so they stay together (SQLite finds a -wal by the database's name)."""
    moved = []
    for suffix in ("", *WORKING_FILES, "-journal"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            target = Path(f"{aside}{suffix}")
            os.replace(source, target)
            moved.append(target)
    return moved


def restore_register(conn: Db, backup_path: Path, version: int, kept: Path,
                     record: Callable[[Db], object]) -> Path | None:
    """Replace a PostgreSQL register with a checked backup file (upgraded if older), in one
    transaction under the register's write lock: the register as it is now is first copied
    into the SQLite file ``kept`` (mode 0600; only when it holds any row), then emptied, the
    backup copied in with its ids and checked row for row (copy.py), and ``record(conn)``
    writes the restore to its audit log. All of it or none of it (``kept`` is removed again
    when the restore fails). Returns ``kept``, or None when the register was empty."""
    from seniorcli.db import engine
    from seniorcli.db.copy import copy_into, holds_rows
    from seniorcli.files import private_path

    folder = kept.parent if str(kept.parent) else Path(".")
    written: Path | None = None
    try:
        with _staged(backup_path, version, folder, kept.name) as staged, transaction(conn):
            if holds_rows(conn):
                with private_path(kept) as tmp:
                    side = engine.open_file(tmp, register=True)
                    try:
                        with transaction(side):
                            copy_into(conn, side)
                        side.execute("PRAGMA journal_mode = DELETE")
                    finally:
                        side.close()
                written = kept
            source = engine.open_file(staged, read_only=True)
            try:
                source.begin_read()
                copy_into(source, conn, replace=True)
                source.execute("ROLLBACK")
            finally:
                source.close()
            record(conn)
    except BaseException:
        if written is not None:
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    return written
