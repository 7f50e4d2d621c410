"""Opening the database: where it is, PRAGMAs, permissions, schema version checks."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from seniorcli.db.schema import APPLICATION_ID, LATEST, MIGRATIONS
from seniorcli.errors import DatabaseError

ENV_VAR = "SENIORCLI_DB"
BUSY_TIMEOUT_MS = 60_000  # cron jobs wait for each other rather than fail


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("seniorcli", appauthor=False)) / "seniorcli.db"


def resolve_db_path(option: str | None) -> Path:
    """``--db`` wins over ``SENIORCLI_DB``; without either, the user's data directory."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def _create_private(path: Path) -> None:
    """Create the parent folder (0700 when new) and an empty file with mode 0600."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating on first use) and upgrade the database; refuse a foreign or newer file."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file", hint="--db FILE.db")
    try:
        _create_private(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as e:
        raise DatabaseError(f"cannot open the database {path}: {e}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError:
        conn.close()
        raise DatabaseError(
            f"{path} is not a seniorcli database (not an SQLite file)",
            hint="choose another file with --db or SENIORCLI_DB",
        ) from None
    if (app_id != APPLICATION_ID and tables) or (app_id == 0 and version):
        conn.close()
        raise DatabaseError(
            f"{path} is an SQLite file, but not a seniorcli database",
            hint="choose another file with --db or SENIORCLI_DB",
        )
    if version > LATEST:
        conn.close()
        raise DatabaseError(
            f"{path} was written by a newer seniorcli (schema version {version}); this version "
            f"understands up to {LATEST}. The file was not changed",
            hint="upgrade seniorcli (pip install --upgrade seniorcli)",
        )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted personal data (purge) is overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    if version < LATEST:
        _migrate(conn, version)
    return conn


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    with transaction(conn):
        # Re-read under the write lock: another process may have migrated meanwhile.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version in range(current + 1, LATEST + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {LATEST}")


def hold_before_commit() -> None:
    """For the crash-safety tests only: with SENIORCLI_TEST_HOLD_COMMIT=FILE set, create FILE
    and wait inside the open write transaction, so a test can kill the process right there."""
    marker = os.environ.get("SENIORCLI_TEST_HOLD_COMMIT")
    if marker:
        import time

        Path(marker).touch()
        time.sleep(120)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it, or (on any exception) none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
