"""Keeping the data safe: backup and restore, the audit log, and retention (purge)."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from seniorcli.db.engine import WORKING_FILES, transaction
from seniorcli.db.schema import APPLICATION_ID, LATEST
from seniorcli.errors import DatabaseError, SeniorError
from seniorcli.fmt import date_short
from seniorcli.i18n import _, ngettext
from seniorcli.output import private_path
from seniorcli.services.common import audit


def backup(conn: sqlite3.Connection, db_path: Path, target: Path) -> int:
    """A consistent copy (SQLite online backup) written atomically with mode 0600.
    Returns the size in bytes."""
    target = target.expanduser()
    if target.exists() and target.resolve() == db_path.resolve():
        raise SeniorError(_("the backup file is the database itself"), hint=_("choose another "
            "FILE"))
    if target.is_dir():
        raise SeniorError(_("{target} is a folder")
            .format(target=target), hint=_("give a file name, e.g. backup.db"))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SeniorError(_("no folder {folder} for the backup").format(folder=folder))
    with private_path(target) as tmp:
        dest = sqlite3.connect(tmp)
        try:
            conn.backup(dest)  # all pages in one step: one consistent snapshot
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        except sqlite3.Error as e:  # the backup's disk is full, …: name it, not the database
            from seniorcli.files import write_error

            error = write_error(e, target)
            if error is None:
                raise
            raise error from None
        finally:
            dest.close()
    return target.stat().st_size


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds, as checked by ``check_backup``."""

    path: Path
    version: int  # its schema version (older ones are upgraded when restored)
    employees: int
    last_change: str | None  # the time (UTC) of its latest audit entry

    @property
    def older(self) -> bool:
        """Written by an older seniorcli: upgraded when restored."""
        return self.version < LATEST


@dataclass(frozen=True)
class RestoreResult:
    backup: BackupInfo
    kept_as: Path | None  # where the database as it was is kept (None: there was none)
    stale: list[Path]  # -wal/-shm files without a database, moved aside


def _database_files(db_path: Path) -> list[Path]:
    return [db_path, *(Path(f"{db_path}{s}") for s in (*WORKING_FILES, "-journal"))]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                           isolation_level=None)


def _describe(conn: sqlite3.Connection) -> tuple[int, int, str | None]:
    """(schema version, employees, time of the latest audit entry) of a seniorcli database."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    employees = conn.execute("SELECT count(*) FROM employee").fetchone()[0]
    last = conn.execute("SELECT max(at) FROM audit").fetchone()[0]
    return version, employees, last


def check_backup(path: Path, db_path: Path | None = None) -> BackupInfo:
    """Check that ``path`` is a seniorcli backup this version can restore: an SQLite file that
    passes SQLite's integrity check, marked as a seniorcli database, of this schema version or
    an older one (upgraded when restored). Nothing is written, the backup least of all."""
    path = path.expanduser()
    if not path.exists():
        raise SeniorError(_("there is no backup file {path}").format(path=path),
                          hint=_("give the path of a file written by `seniorcli backup`"))
    if path.is_dir():
        raise SeniorError(_("{path} is a folder, not a backup file").format(path=path),
                          hint=_("give the path of a file written by `seniorcli backup`"))
    if not path.is_file():
        raise SeniorError(_("{path} is not a regular file, so it cannot be a backup")
            .format(path=path))
    if db_path is not None and any(_same_file(path, f) for f in _database_files(db_path)):
        raise SeniorError(_("{path} is the database in use (or one of its working files), not "
                          "a backup of it; nothing was changed").format(path=path),
                          hint=_("give the path of a file written by `seniorcli backup`"))
    refuse = _("{path} cannot be restored").format(path=path)
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as e:
        raise SeniorError(_("{refuse}: it cannot be opened ({e}); nothing was changed")
            .format(refuse=refuse, e=e)) from None
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as e:
            if getattr(e, "sqlite_errorname", "").startswith("SQLITE_CORRUPT"):
                raise SeniorError(_("{refuse}: it is damaged ({e}); nothing was changed")
                    .format(refuse=refuse, e=e),
                                  hint=_("use an older backup")) from None
            raise SeniorError(_("{refuse}: it is not an SQLite database (not a seniorcli "
                              "backup); nothing was changed").format(refuse=refuse),
                              hint=_("give the path of a file written by `seniorcli backup`")
                              ) from None
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID or not tables:
            raise SeniorError(_("{refuse}: it is an SQLite database, but not a seniorcli backup"
                              "; nothing was changed").format(refuse=refuse),
                              hint=_("give the path of a file written by `seniorcli backup`"))
        if version > LATEST:
            raise SeniorError(
                _("{refuse}: it was written by a newer seniorcli (schema version {version}); "
                "this version understands up to {LATEST}. Nothing was changed")
                    .format(refuse=refuse, version=version, LATEST=LATEST),
                hint=_("upgrade seniorcli (pip install --upgrade seniorcli), then restore"))
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as e:
            problems = [str(e)]
        if problems != ["ok"]:
            raise SeniorError(_("{refuse}: it is damaged (SQLite integrity check: "
                              "{problems}); nothing was changed")
                                  .format(refuse=refuse, problems='; '.join(problems[:3])),
                              hint=_("use an older backup"))
        version, employees, last = _describe(conn)
    except sqlite3.Error as e:
        raise SeniorError(_("{refuse}: it could not be read ({e}); nothing was changed")
            .format(refuse=refuse, e=e)
                          ) from None
    finally:
        conn.close()
    return BackupInfo(path, version, employees, last)


def current_database(db_path: Path) -> tuple[int, str | None] | None:
    """(employees, time of the latest audit entry) of the database as it is, or None when there
    is none or it cannot be read (it is then kept aside as it is)."""
    if not db_path.is_file():
        return None
    try:
        conn = _open_read_only(db_path)
        try:
            return _describe(conn)[1:]
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


def restore(db_path: Path, backup_path: Path, now: datetime) -> RestoreResult:
    """Replace the database with a checked backup (upgraded if it is older), keeping the
    database as it was in ``<db>.before-restore-YYYYMMDD-HHMMSS`` (mode 0600).

    A database that opens is copied aside through SQLite (its -wal included, so nothing is
    lost), and the backup is then copied into it through SQLite as well: other programs that
    have it open see the restored data, and its -wal and -shm stay consistent with it. A
    database that is damaged is renamed aside together with its -wal/-shm; -wal/-shm files
    without a database are moved aside too, so no stale -wal is ever read with the restored
    file. The restore is recorded in the restored database's audit log."""
    from seniorcli.db.engine import connect, make_private, note_commit, upgrade

    db_path = db_path.expanduser()
    info = check_backup(backup_path, db_path)
    folder = db_path.parent if str(db_path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, staged_name = tempfile.mkstemp(prefix=f".{db_path.name}.restore-", dir=folder)
    os.close(fd)
    staged = Path(staged_name)
    kept: Path | None = None
    stale: list[Path] = []
    try:
        stage = sqlite3.connect(staged, isolation_level=None)
        try:
            source = _open_read_only(info.path)
            try:
                source.backup(stage)  # a consistent copy (with the backup's -wal, if any)
            finally:
                source.close()
            stage.execute("PRAGMA journal_mode = DELETE")
            if info.older:
                upgrade(stage, info.version)
            if stage.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise SeniorError(_("{path} cannot be restored: it is damaged after the "
                                  "upgrade; nothing was changed")
                                      .format(path=info.path), hint=_("use another backup"))
            live = _open_live(db_path)
            if live is not None:
                try:
                    kept = aside_path(db_path, now)
                    with contextlib.suppress(sqlite3.Error):  # readers may hold it: not needed
                        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    backup(live, db_path, kept)  # through SQLite: the -wal's rows included
                    page = live.execute("PRAGMA page_size").fetchone()[0]
                    if stage.execute("PRAGMA page_size").fetchone()[0] != page:
                        # a WAL database only accepts a copy with its own page size
                        stage.execute(f"PRAGMA page_size = {page}")
                        stage.execute("VACUUM")
                    stage.backup(live)  # one transaction: all of the backup, or nothing
                    note_commit()
                    _audit_restore(live, info)
                    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    live.close()
            else:
                aside = aside_path(db_path, now)
                moved = _move_aside(db_path, aside)
                kept = aside if aside.exists() else None
                stale = [] if kept else moved
                stage.close()
                os.chmod(staged, 0o600)
                os.replace(staged, db_path)
                note_commit()
                conn = connect(db_path)
                try:
                    _audit_restore(conn, info)
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.close()
        finally:
            stage.close()
    finally:
        for leftover in (staged, Path(f"{staged}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    make_private(db_path)
    if kept is not None:
        make_private(kept)
    return RestoreResult(info, kept, stale)


def _open_live(db_path: Path) -> sqlite3.Connection | None:
    """The database to restore into, or None when there is none or it is too damaged to open
    (it is then renamed aside as it is). Any other reason it cannot be opened (locked,
    read-only, a newer version, not a seniorcli database) refuses the restore."""
    from seniorcli.db.engine import connect

    if not db_path.exists():
        return None
    try:
        return connect(db_path)
    except DatabaseError:
        if _damaged(db_path):
            return None
        raise


def _damaged(path: Path) -> bool:
    try:
        conn = _open_read_only(path)
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


def _audit_restore(conn: sqlite3.Connection, info: BackupInfo) -> None:
    upgraded = f", upgraded from schema {info.version}" if info.older else ""
    with transaction(conn):
        audit(conn, f"restore {info.path.name}{upgraded}", info.employees)


def audit_log(conn: sqlite3.Connection, since: date | None = None) -> Iterator[dict]:
    sql = "SELECT id, at, os_user, command, rows_changed, employee_id, detail FROM audit"
    args: tuple = ()
    if since is not None:
        sql += " WHERE at >= ?"
        args = (since.isoformat(),)
    for i, at, user, command, rows, employee_id, detail in conn.execute(sql + " ORDER BY id",
                                                                         args):
        yield {"id": i, "at": at, "os_user": user, "command": command, "rows_changed": rows,
               "employee_id": employee_id, "detail": detail}


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


#: How a correction's detail names an employee (services.conversations.correct_outcome).
_NAMED = re.compile(r"employee '([^']*)'")


def _purge_audit_details(conn: sqlite3.Connection, cut: str) -> None:
    """The audit rows of the employees who go keep their command, user, time and count; what a
    correction changed (their personal data) goes with them, and another employee's
    correction that names them (an outcome moved between the two) no longer does."""
    gone = {r[0] for r in conn.execute(
        "SELECT employee_id FROM employee WHERE leave_date < ?", (cut,))}
    conn.execute("UPDATE audit SET employee_id = NULL, detail = NULL WHERE employee_id IN "
                 "(SELECT employee_id FROM employee WHERE leave_date < ?)", (cut,))
    for aid, text in conn.execute(
            "SELECT id, detail FROM audit WHERE detail LIKE '%employee ''%'").fetchall():
        kept = _NAMED.sub(lambda m: "a purged employee" if m[1] in gone else m[0], text)
        if kept != text:
            conn.execute("UPDATE audit SET detail = ? WHERE id = ?", (kept, aid))


def purge(conn: sqlite3.Connection, left_before: date) -> dict[str, int]:
    """Delete employees who left before ``left_before`` with their conversations and
    agreements; the audit log records the counts only (what corrections changed for them is
    deleted too, and so is the record of their withdrawn outcomes)."""
    with transaction(conn):
        counts = purge_counts(conn, left_before)
        cut = left_before.isoformat()
        where = "employee_id IN (SELECT employee_id FROM employee WHERE leave_date < ?)"
        _purge_audit_details(conn, cut)
        conn.execute(f"DELETE FROM conversation WHERE {where}", (cut,))
        # what was withdrawn or corrected away for them (retracted_outcome) goes with them
        conn.execute(f"DELETE FROM retracted_outcome WHERE {where}", (cut,))
        conn.execute(f"UPDATE agreement SET renews_id = NULL WHERE renews_id IN "
                     f"(SELECT id FROM agreement WHERE {where})", (cut,))
        conn.execute(f"DELETE FROM agreement WHERE {where}", (cut,))
        conn.execute("DELETE FROM employee WHERE leave_date < ?", (cut,))
        audit(conn, f"purge: {counts['employees']} employees, {counts['conversations']} "
                    f"conversations, {counts['agreements']} agreements", sum(counts.values()))
    scrub(conn, ngettext("Deleted {n} employee who left before {day} from the database",
                         "Deleted {n} employees who left before {day} from the database",
                         counts["employees"]).format(n=counts["employees"],
                                                     day=date_short(left_before)))
    return counts


def scrub(conn: sqlite3.Connection, done: str | None = None) -> None:
    """Make deleted rows gone from the files on disk, not only from the tables.

    secure_delete (set on every connection) overwrites a deleted row where it lay. But the old
    page images stay in the -wal file until a checkpoint, and free space written before
    secure_delete (an older tool, a database browser) may still hold old values. So: VACUUM
    (rewrites the file from the live rows only), then a TRUNCATE checkpoint (copies the
    rewritten pages into the database file and empties the -wal). Raises a SeniorError saying
    what remains when a step could not be done (``done``: what was already saved)."""
    db = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    wal = Path(f"{db}-wal")
    problems: list[str] = []
    try:
        conn.execute("VACUUM")
    except sqlite3.Error as e:
        from seniorcli.db.engine import explain

        why = explain(e, db)
        reason = why.message.split(";")[0] if why else str(e)
        problems.append(_("the file could not be rewritten ({reason}), so values deleted "
                          "earlier may remain in its free space").format(reason=reason))
    try:
        busy, _frames, _copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error:
        busy = 1
    if busy or (wal.exists() and wal.stat().st_size > 0):
        problems.append(_("another program has the database open, so old copies of the "
                          "deleted rows stay in {database} or {wal} until it closes")
                        .format(database=db.name, wal=wal.name))
    if problems:
        first = (_("{done}, but the deleted rows").format(done=done) if done
                 else _("Deleted rows"))
        raise SeniorError(
            _("{first} could not be removed from the file on disk: {problems}")
                .format(first=first, problems='; '.join(problems)),
            hint=_("close the other programs that use the database (other seniorcli commands, a "
                 "database browser) and run the purge again: it then only cleans the file"),
            after_commit=done is not None)
