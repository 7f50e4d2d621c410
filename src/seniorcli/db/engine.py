"""Opening the database: where it is, PRAGMAs, permissions, schema version checks; and what a
failure of the file or the disk means, in plain words (``explain``)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from seniorcli.db import Db
from seniorcli.db.schema import APPLICATION_ID, LATEST, MIGRATIONS
from seniorcli.errors import DatabaseError
from seniorcli.i18n import _

ENV_VAR = "SENIORCLI_DB"
BUSY_TIMEOUT_MS = 60_000  # cron jobs wait for each other rather than fail
WORKING_FILES = ("-wal", "-shm")  # SQLite's files beside a WAL database

_commits = 0  # commits of data in this process (see Connection, commit_count)
_last_path: Path | None = None  # the database opened last, for messages about it


def commit_count() -> int:
    """How many transactions that changed rows this process has committed so far (upgrades not
    counted). The CLI compares it before and after a command, so that an error after a commit
    never claims that nothing was changed, and so that a database file the command created but
    saved nothing to is removed again (``discard_if_unused``)."""
    return _commits


def last_path() -> Path | None:
    """The database file opened last (for messages about errors that name no file)."""
    return _last_path


class Connection(sqlite3.Connection):
    """A connection that notices its commits of a change: an explicit COMMIT (or END) that
    closed a transaction in which rows changed, or a statement outside a transaction that
    changed rows. (A transaction that changed nothing is no commit of a change.)"""

    _changes_at_begin = 0
    dialect = "sqlite"
    #: False for a file that is not the register in use (a backup being written, restore's
    #: staging copy, see ``open_file``): its commits are not the command's change.
    counted = True

    def begin_write(self) -> None:
        """A write transaction: SQLite's write lock at once (other writers wait up to the busy
        timeout), so the checks made inside it still hold when it commits."""
        self.execute("BEGIN IMMEDIATE")

    def begin_read(self) -> None:
        """One snapshot for a reading command (WAL: writers go on meanwhile)."""
        self.execute("BEGIN")

    def execute(self, sql: str, parameters=(), /) -> sqlite3.Cursor:  # type: ignore[override]
        was = self.in_transaction
        changes = self.total_changes
        cursor = super().execute(sql, parameters)
        if not was and self.in_transaction:
            self._changes_at_begin = changes
        elif not self.in_transaction and (
            (was and not sql.lstrip()[:8].upper().startswith("ROLLBACK")
             and self.total_changes != self._changes_at_begin)
            or (not was and self.total_changes != changes)
        ) and self.counted:
            note_commit()
        return cursor

    def commit(self) -> None:
        was = self.in_transaction
        super().commit()
        if was and self.total_changes != self._changes_at_begin and self.counted:
            note_commit()


def note_commit() -> None:
    """Count a commit made without ``execute``: SQLite's backup API into a database, or a
    database file replaced whole (restore)."""
    global _commits
    _commits += 1


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


class _Created:
    """A database file this process created (with the folders it made for it), and the commit
    count when it was created: see ``discard_if_unused``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, folders: list[Path]):
        self.path, self.conn, self.folders, self.commits = path, conn, folders, _commits


_created: _Created | None = None


def discard_if_unused() -> None:
    """At the end of a command: a database file this process created is removed again (with
    its -wal/-shm and the folders made for it) when no change was committed to it — a dry run,
    a refused write or an error at a mistyped --db leaves nothing behind for a later `due` to
    answer "0 due" from. Kept when this process committed a change, and when the file holds
    any row (another process wrote to it meanwhile) or another process is writing to it."""
    global _created
    created, _created = _created, None
    if created is None or _commits != created.commits:
        return
    conn = created.conn
    try:
        conn.execute("PRAGMA busy_timeout = 0")  # someone writing to it: keep it
        conn.execute("BEGIN IMMEDIATE")
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite%'").fetchall()]  # sqlite_sequence: its own
            empty = not any(conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()
                            for t in tables)
        finally:
            conn.execute("ROLLBACK")
        conn.close()
    except sqlite3.Error:  # closed, locked, damaged: leave the file alone
        return
    if not empty:
        return
    for p in (created.path, *(Path(f"{created.path}{s}") for s in (*WORKING_FILES, "-journal"))):
        with contextlib.suppress(OSError):
            p.unlink()
    for folder in created.folders:  # the deepest first; only while empty
        with contextlib.suppress(OSError):
            folder.rmdir()


def _missing_folders(folder: Path) -> list[Path]:
    """The folders that do not exist yet on the way to ``folder``, the deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _create_private(path: Path) -> bool:
    """Create the parent folder (0700 when new) and an empty file with mode 0600. Returns
    whether the file was created (False: it was there)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False
    return True


def make_private(path: Path) -> None:
    """The database file and its -wal/-shm are private to their owner (cli-contract.md): a file
    with looser permissions (a copy made with ``cp``, an older tool, a umask of 022) is made
    0600. SQLite gives a new -wal/-shm the database file's permissions, so the file comes first.
    Files this user may not change (another owner, a read-only disk) are left as they are."""
    for p in (path, *(Path(f"{path}{suffix}") for suffix in WORKING_FILES)):
        try:
            st = os.stat(p)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_mode & 0o077:
            with contextlib.suppress(OSError):
                os.chmod(p, 0o600)


def connect(path: Path) -> Connection:
    """Open (creating on first use) and upgrade the database; refuse a foreign or newer file.
    Every failure of the file or the disk is a DatabaseError that says what it was."""
    global _last_path, _created
    _last_path = path
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file")
            .format(path=path), hint=_("--db FILE.db"))
    if path.exists() and not path.is_file():
        raise DatabaseError(_("{path} is not a regular file, so it cannot be a database")
            .format(path=path),
                            hint=_("--db FILE.db"))
    try:
        folders = _missing_folders(path.parent)
        created = _create_private(path)
        make_private(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               factory=Connection)
    except (OSError, sqlite3.Error) as e:
        raise explain(e, path) or DatabaseError(
            _("cannot open the database {path}: {e}").format(path=path, e=e)) from None
    try:
        _prepare(conn, path)
    except sqlite3.Error as e:
        conn.close()
        if created:  # a file this command created and could not set up: do not leave it
            with contextlib.suppress(OSError):
                if path.stat().st_size == 0:
                    path.unlink()
        raise explain(e, path) or DatabaseError(
            _("cannot use the database {path} ({e}); nothing was changed")
                .format(path=path, e=e)) from None
    except BaseException:
        conn.close()
        raise
    make_private(path)  # a -wal/-shm that was there before, with looser permissions
    if created:
        _created = _Created(path, conn, folders)
    return conn


def open_file(path: Path, *, read_only: bool = False, register: bool = False) -> Connection:
    """An SQLite file that is not the register in use: a backup being checked or written, or
    restore's staging copy. Opened as it is (no PRAGMAs, no upgrade; ``read_only``: never
    written), or with ``register`` prepared and brought to the current schema as ``connect``
    does (a backup written from a PostgreSQL register). It is not the file messages name nor
    one removed when unused, and its commits are not the command's change. Raises
    sqlite3.Error."""
    if read_only:
        from urllib.parse import quote

        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                               isolation_level=None, factory=Connection)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               factory=Connection)
    conn.counted = False
    if register:
        try:
            _prepare(conn, path)
        except BaseException:
            conn.close()
            raise
    return conn


def _prepare(conn: Connection, path: Path) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if (app_id != APPLICATION_ID and tables) or (app_id == 0 and version):
        raise DatabaseError(
            _("{path} is an SQLite file, but not a seniorcli database").format(path=path),
            hint=_("choose another file with --db or SENIORCLI_DB"),
        )
    if version > LATEST:
        raise DatabaseError(
            _("{path} was written by a newer seniorcli (schema version {version}); this version "
            "understands up to {LATEST}. The file was not changed")
                .format(path=path, version=version, LATEST=LATEST),
            hint=_("upgrade seniorcli (pip install --upgrade seniorcli)"),
        )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted personal data (purge) is overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    if version < LATEST:
        upgrade(conn, version)


def upgrade(conn: Connection, current: int) -> None:
    """Bring a database of schema ``current`` to LATEST in one transaction. An upgrade is the
    tool's own housekeeping: it does not count as the command's commit."""
    global _commits
    before = _commits
    try:
        _migrate(conn, current)
    finally:
        _commits = before


def _migrate(conn: Connection, current: int) -> None:
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
def transaction(conn: Db) -> Iterator[Db]:
    """One write transaction: all of it, or (on any exception, the COMMIT's own included) none
    of it. The error that stopped it is the one raised: SQLite rolls back by itself after some
    errors (a full disk), and a ROLLBACK then must not hide what happened."""
    try:
        conn.begin_write()
        yield conn
        hold_before_commit()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(Exception):  # sqlite3.Error or psycopg.Error
                conn.execute("ROLLBACK")
        raise


def root_cause(error: BaseException) -> BaseException:
    """The error that started it: a failed ROLLBACK ('no transaction is active', because SQLite
    had already rolled back after a full disk) hides the real error in its context."""
    seen = 0
    while (isinstance(error, sqlite3.OperationalError) and "no transaction is active" in str(error)
           and error.__context__ is not None and seen < 10):
        error, seen = error.__context__, seen + 1
    return error


def _disk_nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 256 * 1024
    except OSError:
        return False


def _writable(p: Path) -> bool:
    """Whether this user may write ``p`` (False on a read-only mount, also for root)."""
    try:
        return os.access(p, os.W_OK) and not os.statvfs(p).f_flag & os.ST_RDONLY
    except OSError:
        return False


def explain(error: BaseException, path: Path | None = None, *, saved: bool = False
            ) -> DatabaseError | None:
    """A plain message for a failure of the database file or the disk under it, or None when
    ``error`` is not one (a programming error stays an internal error). ``saved``: the command
    had already committed its change when the error came (the message says so; otherwise it
    says that nothing was changed)."""
    error = root_cause(error)
    path = path or _last_path or Path(_("the database"))
    folder = path.parent if str(path.parent) else Path(".")
    outcome = (_("; the command had already saved its change before this (see `seniorcli "
                 "audit`)") if saved else _("; nothing was changed"))
    name = getattr(error, "sqlite_errorname", "") or ""
    number = getattr(error, "errno", None) if isinstance(error, OSError) else None

    def full() -> DatabaseError:
        return DatabaseError(
            _("the disk is full: there is no room to write to the database {path}{outcome}")
                .format(path=path, outcome=outcome),
            hint=_("free some space on the disk that holds {folder} (df -h shows it) and run "
                 "the command again").format(folder=folder))

    def read_only_folder() -> DatabaseError:
        return DatabaseError(
            _("cannot write in the folder {folder}: it is read-only for this user, and seniorcli "
            "keeps two working files beside the database ({name}-wal and "
            "{name}-shm){outcome}").format(folder=folder, name=path.name, outcome=outcome),
            hint=_("keep the database in a folder you can write to, on a local disk (see README, "
                 "'Keeping the data safe')"))

    def read_only_file() -> DatabaseError:
        return DatabaseError(
            _("the database {path} is read-only (no write permission for this user, or a "
            "read-only disk){outcome}").format(path=path, outcome=outcome),
            hint=_("ask the file's owner for write access (ls -l {path} shows it), or work on a "
                 "copy").format(path=path))

    if name.startswith("SQLITE_FULL") or number in (errno.ENOSPC, errno.EDQUOT):
        return full()
    if name == "SQLITE_READONLY_DIRECTORY" or number == errno.EROFS and not _writable(folder):
        return read_only_folder()
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) \
            or number in (errno.EROFS, errno.EACCES, errno.EPERM):
        if not _writable(folder) and (path.exists() or number is not None):
            return read_only_folder()
        return read_only_file()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseError(
            _("the database {path} is locked: another program (another seniorcli, or a "
            "database browser) has been using it for more than {BUSY_TIMEOUT_MS:g} "
            "seconds{outcome}")
                .format(path=path, BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS / 1000, outcome=outcome),
            hint=_("run the command again when the other program has finished"))
    if name == "SQLITE_NOTADB":
        return DatabaseError(
            _("{path} is not a seniorcli database (not an SQLite file)").format(path=path),
            hint=_("choose another file with --db or SENIORCLI_DB"))
    if name.startswith("SQLITE_CORRUPT"):
        return DatabaseError(
            _("the database {path} is damaged (SQLite: {error}){outcome}")
                .format(path=path, error=error, outcome=outcome),
            hint=_("restore the latest backup: seniorcli restore BACKUP.db (see README)"))
    if name.startswith("SQLITE_CANTOPEN"):
        if not folder.is_dir():
            return DatabaseError(_("there is no folder {folder} for the database {name}")
                .format(folder=folder, name=path.name),
                                 hint=_("check the path given with --db or SENIORCLI_DB"))
        if not _writable(folder):
            return read_only_folder()
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            return read_only_file()
        return DatabaseError(_("cannot open the database {path}{outcome}")
            .format(path=path, outcome=outcome),
                             hint=_("check the path given with --db or SENIORCLI_DB"))
    if name.startswith("SQLITE_IOERR") or number == errno.EIO:
        if _disk_nearly_full(folder):
            return full()
        return DatabaseError(
            _("the disk reported an error while reading or writing the database {path} "
            "({error}){outcome}").format(path=path, error=name or error, outcome=outcome),
            hint=_("check the disk; a database on a network share (SMB/NFS) is not supported: "
                 "keep it on a local disk (see README)"))
    if name == "SQLITE_NOMEM" or isinstance(error, MemoryError):
        return DatabaseError(_("out of memory while using the database {path}{outcome}")
            .format(path=path, outcome=outcome),
                             hint=_("close other programs and run the command again"))
    return None
