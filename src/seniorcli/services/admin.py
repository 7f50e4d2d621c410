"""Keeping the data safe: backup and restore, the audit log, retention (purge), and copying a
register between engines (copy-db). The statements and the SQLite file machinery are in
``db/admin.py`` and ``db/copy.py``; this module decides and words what the user is told."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from seniorcli.db import Db, Target
from seniorcli.db import admin as store
from seniorcli.db.engine import WORKING_FILES, transaction
from seniorcli.db.schema import LATEST
from seniorcli.errors import DatabaseError, SeniorError
from seniorcli.files import private_path
from seniorcli.fmt import date_short
from seniorcli.i18n import N_, _, ngettext
from seniorcli.services.common import audit


def backup(conn: Db, db_path: Path | None, target: Path) -> int:
    """A consistent copy of the register as one SQLite file, written atomically with mode 0600
    (of a PostgreSQL register: every table copied and checked row for row). ``db_path``: the
    register's file (None for PostgreSQL). Returns the size in bytes."""
    from seniorcli.db.copy import CopyError

    target = target.expanduser()
    if db_path is not None and target.exists() and target.resolve() == db_path.resolve():
        raise SeniorError(_("the backup file is the database itself"), hint=_("choose another "
            "FILE"))
    if target.is_dir():
        raise SeniorError(_("{target} is a folder")
            .format(target=target), hint=_("give a file name, e.g. backup.db"))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SeniorError(_("no folder {folder} for the backup").format(folder=folder))
    with private_path(target) as tmp:
        try:
            store.write_backup(conn, tmp)
        except OSError as e:  # the backup's disk is full, …: name it, not the database
            from seniorcli.files import write_error

            raise write_error(e, target) from None
        except CopyError as e:
            raise _copy_failed(e, _("the backup was not written")) from None
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
    kept_as: Path | None  # where the register as it was is kept (None: there was none)
    stale: list[Path]  # -wal/-shm files without a database, moved aside


def _database_files(db_path: Path) -> list[Path]:
    return [db_path, *(Path(f"{db_path}{s}") for s in (*WORKING_FILES, "-journal"))]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


_NOT_A_BACKUP_HINT = N_("give the path of a file written by `seniorcli backup`")


def check_backup(path: Path, db_path: Path | None = None) -> BackupInfo:
    """Check that ``path`` is a seniorcli backup this version can restore: an SQLite file that
    passes SQLite's integrity check, marked as a seniorcli database, of this schema version or
    an older one (upgraded when restored). Nothing is written, the backup least of all."""
    path = path.expanduser()
    if not path.exists():
        raise SeniorError(_("there is no backup file {path}").format(path=path),
                          hint=_(_NOT_A_BACKUP_HINT))
    if path.is_dir():
        raise SeniorError(_("{path} is a folder, not a backup file").format(path=path),
                          hint=_(_NOT_A_BACKUP_HINT))
    if not path.is_file():
        raise SeniorError(_("{path} is not a regular file, so it cannot be a backup")
            .format(path=path))
    if db_path is not None and any(_same_file(path, f) for f in _database_files(db_path)):
        raise SeniorError(_("{path} is the database in use (or one of its working files), not "
                          "a backup of it; nothing was changed").format(path=path),
                          hint=_(_NOT_A_BACKUP_HINT))
    try:
        facts = store.read_backup(path)
    except store.BackupUnusable as e:
        raise _unusable(path, e) from None
    return BackupInfo(path, facts.version, facts.employees, facts.last_change)


def _unusable(path: Path, e: store.BackupUnusable) -> SeniorError:
    refuse = _("{path} cannot be restored").format(path=path)
    hint = _(_NOT_A_BACKUP_HINT)
    if e.reason == "unopenable":
        return SeniorError(_("{refuse}: it cannot be opened ({e}); nothing was changed")
                           .format(refuse=refuse, e=e.detail))
    if e.reason == "damaged":
        return SeniorError(_("{refuse}: it is damaged ({e}); nothing was changed")
                           .format(refuse=refuse, e=e.detail), hint=_("use an older backup"))
    if e.reason == "not_sqlite":
        return SeniorError(_("{refuse}: it is not an SQLite database (not a seniorcli "
                             "backup); nothing was changed").format(refuse=refuse), hint=hint)
    if e.reason == "not_seniorcli":
        return SeniorError(_("{refuse}: it is an SQLite database, but not a seniorcli backup"
                             "; nothing was changed").format(refuse=refuse), hint=hint)
    if e.reason == "newer":
        return SeniorError(
            _("{refuse}: it was written by a newer seniorcli (schema version {version}); "
              "this version understands up to {LATEST}. Nothing was changed")
            .format(refuse=refuse, version=e.detail, LATEST=LATEST),
            hint=_("upgrade seniorcli (pip install --upgrade seniorcli), then restore"))
    if e.reason == "integrity":
        return SeniorError(_("{refuse}: it is damaged (SQLite integrity check: "
                             "{problems}); nothing was changed")
                           .format(refuse=refuse, problems=e.detail),
                           hint=_("use an older backup"))
    if e.reason == "damaged_after_upgrade":
        return SeniorError(_("{path} cannot be restored: it is damaged after the "
                             "upgrade; nothing was changed").format(path=path),
                           hint=_("use another backup"))
    return SeniorError(_("{refuse}: it could not be read ({e}); nothing was changed")
                       .format(refuse=refuse, e=e.detail))


def current_database(db_path: Path) -> tuple[int, str | None] | None:
    """(employees, time of the latest audit entry) of the register file as it is, or None
    when there is none or it cannot be read (it is then kept aside as it is)."""
    facts = store.describe_file(db_path)
    return None if facts is None else (facts.employees, facts.last_change)


def current_register(conn: Db) -> tuple[int, str | None]:
    """(employees, time of the latest audit entry) of an open register."""
    facts = store.describe(conn)
    return facts.employees, facts.last_change


def aside_path(db_path: Path, now: datetime) -> Path:
    """hr.db → hr.db.before-restore-20261101-023000 (-2, -3, … if that is taken)."""
    return store.aside_path(db_path, now)


def _record_restore(info: BackupInfo) -> Callable[[Db], None]:
    """Writes the restore to the restored register's audit log (inside db/admin's write
    transaction)."""
    upgraded = f", upgraded from schema {info.version}" if info.older else ""

    def record(conn: Db) -> None:
        audit(conn, f"restore {info.path.name}{upgraded}", info.employees)

    return record


def restore(db_path: Path, backup_path: Path, now: datetime) -> RestoreResult:
    """Replace the register file with a checked backup (upgraded if it is older), keeping the
    file as it was in ``<db>.before-restore-YYYYMMDD-HHMMSS`` (mode 0600), its -wal included;
    see db/admin.restore_file. The restore is recorded in the restored register's audit
    log."""
    db_path = db_path.expanduser()
    info = check_backup(backup_path, db_path)
    try:
        kept, stale = store.restore_file(db_path, info.path, info.version, now,
                                         _record_restore(info))
    except store.BackupUnusable as e:
        raise _unusable(info.path, e) from None
    return RestoreResult(info, kept, stale)


def kept_register_path(url_shown: str, now: datetime, folder: Path | None = None) -> Path:
    """Where ``restore`` keeps a PostgreSQL register as it was: an SQLite file named after the
    database, in the current folder: seniorer.before-restore-20261101-023000.db."""
    from urllib.parse import urlsplit

    name = urlsplit(url_shown).path.strip("/") or "register"
    name = re.sub(r"[^\w.-]", "_", name)
    base = (folder or Path(".")) / name
    candidate = store.aside_path(base, now)
    return candidate.with_name(candidate.name + ".db")


def restore_register(conn: Db, backup_path: Path, kept: Path) -> RestoreResult:
    """Replace a PostgreSQL register with a checked backup file (upgraded if it is older), in
    one transaction: the register as it was is kept in the SQLite file ``kept`` (when it held
    anything), the backup is copied in with its ids and checked row for row, and the restore
    is written to its audit log (db/admin.restore_register)."""
    from seniorcli.db.copy import CopyError

    info = check_backup(backup_path)
    try:
        written = store.restore_register(conn, info.path, info.version, kept.expanduser(),
                                         _record_restore(info))
    except store.BackupUnusable as e:
        raise _unusable(info.path, e) from None
    except CopyError as e:
        raise _copy_failed(e, _("nothing was changed")) from None
    except OSError as e:
        from seniorcli.files import write_error

        raise write_error(e, kept) from None
    return RestoreResult(info, written, [])


def audit_log(conn: Db, since: date | None = None) -> Iterator[dict]:
    for e in store.audit_entries(conn, None if since is None else since.isoformat()):
        yield e._asdict()


def purge_counts(conn: Db, left_before: date) -> dict[str, int]:
    return store.purge_counts(conn, left_before.isoformat())._asdict()


#: How a correction's detail names an employee (services.conversations.correct_outcome).
_NAMED = re.compile(r"employee '([^']*)'")


def purge(conn: Db, left_before: date) -> dict[str, int]:
    """Delete employees who left before ``left_before`` with their conversations and
    agreements, in one write transaction; the audit log records the counts only (what
    corrections changed for them is deleted too, and so is the record of their withdrawn
    outcomes, and another employee's correction that names them no longer does). Then the
    deleted rows are cleaned out of an SQLite file (``scrub``)."""
    cut = left_before.isoformat()
    with transaction(conn):
        counts = store.purge_counts(conn, cut)._asdict()
        gone = store.leaver_ids(conn, cut)
        store.forget_audit_employees(conn, cut)
        for aid, text in store.audit_details_naming_employees(conn):
            kept = _NAMED.sub(lambda m: "a purged employee" if m[1] in gone else m[0], text)
            if kept != text:
                store.set_audit_detail(conn, aid, kept)
        store.delete_leavers(conn, cut)
        audit(conn, f"purge: {counts['employees']} employees, {counts['conversations']} "
                    f"conversations, {counts['agreements']} agreements", sum(counts.values()))
    scrub(conn, ngettext("Deleted {n} employee who left before {day} from the database",
                         "Deleted {n} employees who left before {day} from the database",
                         counts["employees"]).format(n=counts["employees"],
                                                     day=date_short(left_before)))
    return counts


def scrub(conn: Db, done: str | None = None) -> None:
    """Make deleted rows gone from an SQLite file on disk, not only from the tables
    (db/admin.clean_file: VACUUM, then an emptied -wal). Raises a SeniorError saying what
    remains when a step could not be done (``done``: what was already saved). Nothing to do
    on PostgreSQL: the server reclaims the space itself (autovacuum)."""
    cleaned = store.clean_file(conn)
    if cleaned is None:
        return
    problems: list[str] = []
    if cleaned.not_rewritten is not None:
        problems.append(_("the file could not be rewritten ({reason}), so values deleted "
                          "earlier may remain in its free space")
                        .format(reason=cleaned.not_rewritten))
    if cleaned.still_open:
        problems.append(_("another program has the database open, so old copies of the "
                          "deleted rows stay in {database} or {wal} until it closes")
                        .format(database=cleaned.database.name, wal=cleaned.wal.name))
    if problems:
        first = (_("{done}, but the deleted rows").format(done=done) if done
                 else _("Deleted rows"))
        raise SeniorError(
            _("{first} could not be removed from the file on disk: {problems}")
                .format(first=first, problems='; '.join(problems)),
            hint=_("close the other programs that use the database (other seniorcli commands, a "
                 "database browser) and run the purge again: it then only cleans the file"),
            after_commit=done is not None)


# --- copy-db --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyResult:
    source: str  # as shown: a path, or a URL without its password
    target: str
    rows: dict[str, int]  # rows copied per table


def shown(target: Target) -> str:
    """A register as named in messages: never a password."""
    from seniorcli.db.postgres import redact_url

    return redact_url(target) if isinstance(target, str) else str(target)


def _copy_failed(e: Exception, outcome: str) -> DatabaseError:
    from seniorcli.db.copy import CopyError

    assert isinstance(e, CopyError)
    if e.kind == "refused":
        return DatabaseError(
            _("the copy's target refused a row of the table {table} ({detail}); {outcome}")
            .format(table=e.table, detail=e.detail, outcome=outcome),
            hint=_("the source holds a value the target does not accept; correct it in the "
                   "source (seniorcli show, log correct, agreement correct) and copy again"))
    return DatabaseError(
        _("the copy is not identical to its source: table {table}, {detail}; {outcome}")
        .format(table=e.table, detail=e.detail, outcome=outcome),
        hint=_("run the command again; if it happens again, report it"))


def _same_register(a: Target, b: Target) -> bool:
    if isinstance(a, Path) and isinstance(b, Path):
        return a.expanduser().resolve() == b.expanduser().resolve() or _same_file(
            a.expanduser(), b.expanduser())
    return isinstance(a, str) and isinstance(b, str) and a.strip() == b.strip()


def copy_db(source: Target, target: Target, *, replace: bool = False) -> CopyResult:
    """Copy the whole register ``source`` into ``target`` (SQLite file or PostgreSQL URL,
    either way): every table with its ids, in one transaction on the target, checked row for
    row before it commits (db/copy.py). A target that already holds a register is refused,
    unless ``replace``: then it is emptied and filled in the same transaction."""
    from seniorcli import db
    from seniorcli.db.copy import CopyError, TargetNotEmpty, copy_register

    src_shown, dst_shown = shown(source), shown(target)
    if _same_register(source, target):
        raise SeniorError(_("FROM and TO are the same register ({target}); nothing was copied")
                          .format(target=dst_shown),
                          hint=_("give another TO"))
    if isinstance(source, Path) and not source.expanduser().is_file():
        raise DatabaseError(_("there is no database at {path}; nothing was copied")
                            .format(path=src_shown),
                            hint=_("check the path given as FROM"))
    if isinstance(target, Path) and target.expanduser().is_dir():
        raise SeniorError(_("{path} is a folder, not a database file").format(path=dst_shown),
                          hint=_("--db FILE.db"))
    src = db.connect(source if isinstance(source, str) else source.expanduser(),
                     must_exist=True)
    try:
        dst = db.connect(target if isinstance(target, str) else target.expanduser())
        try:
            rows = copy_register(src, dst, replace=replace)
        except TargetNotEmpty as e:
            total = sum(e.rows.values())
            raise SeniorError(
                ngettext("{target} already holds a register ({n} row); nothing was copied",
                         "{target} already holds a register ({n} rows); nothing was copied",
                         total).format(target=dst_shown, n=total),
                hint=_("copy into an empty database or file, or add --replace to replace "
                       "that register with the copy (in one transaction)")) from None
        except CopyError as e:
            raise _copy_failed(e, _("nothing was copied")) from None
        # Left open on failure: the CLI removes a file or the tables it created for nothing
        # through it (engine/postgres.discard_if_unused).
        dst.close()
    finally:
        src.close()
    return CopyResult(src_shown, dst_shown, rows)
