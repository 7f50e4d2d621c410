"""Keeping the data safe: backup, the audit log, and retention (purge)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from seniorcli.db.engine import transaction
from seniorcli.errors import SeniorError
from seniorcli.output import private_path
from seniorcli.services.common import audit


def backup(conn: sqlite3.Connection, db_path: Path, target: Path) -> int:
    """A consistent copy (SQLite online backup) written atomically with mode 0600.
    Returns the size in bytes."""
    target = target.expanduser()
    if target.exists() and target.resolve() == db_path.resolve():
        raise SeniorError("the backup file is the database itself", hint="choose another FILE")
    if target.is_dir():
        raise SeniorError(f"{target} is a folder", hint="give a file name, e.g. backup.db")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SeniorError(f"no folder {folder} for the backup")
    with private_path(target) as tmp:
        dest = sqlite3.connect(tmp)
        try:
            conn.backup(dest)  # all pages in one step: one consistent snapshot
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            dest.close()
    return target.stat().st_size


def audit_log(conn: sqlite3.Connection, since: date | None = None) -> Iterator[dict]:
    sql = "SELECT id, at, os_user, command, rows_changed FROM audit"
    args: tuple = ()
    if since is not None:
        sql += " WHERE at >= ?"
        args = (since.isoformat(),)
    for i, at, user, command, rows in conn.execute(sql + " ORDER BY id", args):
        yield {"id": i, "at": at, "os_user": user, "command": command, "rows_changed": rows}


def purge_counts(conn: sqlite3.Connection, left_before: date) -> dict[str, int]:
    cut = left_before.isoformat()
    where = "employee_id IN (SELECT employee_id FROM employee WHERE leave_date < ?)"
    return {
        "employees": conn.execute("SELECT count(*) FROM employee WHERE leave_date < ?",
                                  (cut,)).fetchone()[0],
        "conversations": conn.execute(f"SELECT count(*) FROM conversation WHERE {where}",
                                      (cut,)).fetchone()[0],
        "agreements": conn.execute(f"SELECT count(*) FROM agreement WHERE {where}",
                                   (cut,)).fetchone()[0],
    }


def purge(conn: sqlite3.Connection, left_before: date) -> dict[str, int]:
    """Delete employees who left before ``left_before`` with their conversations and
    agreements; the audit log records the counts only."""
    with transaction(conn):
        counts = purge_counts(conn, left_before)
        cut = left_before.isoformat()
        where = "employee_id IN (SELECT employee_id FROM employee WHERE leave_date < ?)"
        conn.execute(f"DELETE FROM conversation WHERE {where}", (cut,))
        conn.execute(f"UPDATE agreement SET renews_id = NULL WHERE renews_id IN "
                     f"(SELECT id FROM agreement WHERE {where})", (cut,))
        conn.execute(f"DELETE FROM agreement WHERE {where}", (cut,))
        conn.execute("DELETE FROM employee WHERE leave_date < ?", (cut,))
        audit(conn, f"purge: {counts['employees']} employees, {counts['conversations']} "
                    f"conversations, {counts['agreements']} agreements", sum(counts.values()))
    # Move the overwritten pages into the database file and empty the WAL, so no copy of the
    # deleted rows stays behind in it.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts
