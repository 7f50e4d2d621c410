"""``backup``, ``restore``, ``audit``, ``purge`` and ``copy-db``."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    ExcelOpt,
    ExportFormatOpt,
    OutputOpt,
    open_db,
    output_format,
    parse_day_option,
    say,
    state,
)
from seniorcli.i18n import N_, _, ngettext


def backup(target: Annotated[Path, typer.Argument(metavar="FILE",
                                                  help=_("Where to write the copy."))]) -> None:
    """Write a consistent copy of the database (safe while others write), mode 0600.

    The copy is one SQLite file, also of a PostgreSQL register (every table copied and
    checked row for row); `seniorcli restore` puts it back into either.

    Example: seniorcli backup /backup/seniorer-$(date +%F).db
    """
    from seniorcli import db
    from seniorcli.services.admin import backup as run_backup

    where = db.resolve(state.db_option)
    size = run_backup(open_db(must_exist=True), where if isinstance(where, Path) else None,
                      target)
    say(_("Backed up to {target} ({size:,} bytes).").format(target=target, size=size))


def audit(
    since: Annotated[date | None, typer.Option(
        "--since", parser=parse_day_option, metavar="DATE", help=_("Only entries from DATE."))
    ] = None,
    as_of: AsOf = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Who changed what and when: every write, with the operating-system user, the command
    (without personal data) and how many rows it changed; for a correction or withdrawal also
    the employee and what it changed (old → new).

    Example: seniorcli audit --since 2026-11-01
    """
    from seniorcli.output import Column, emit
    from seniorcli.services.admin import audit_log

    out_fmt = output_format(fmt, output, excel=excel)
    cols = [Column("id", "#", "id"), Column("at", _("When (UTC)"), "datetime"),
            Column("os_user", _("User")),
            Column("command", _("Command")), Column("rows_changed", _("Rows changed"), "number"),
            Column("employee_id", _("Employee"), "id"), Column("detail", _("What changed"))]
    rows = audit_log(open_db(must_exist=True), since)
    if as_of is not None:  # the log as it stood at the end of that day (UTC)
        rows = (r for r in rows if r["at"][:10] <= as_of.isoformat())
    emit(rows, cols, out_fmt, output, title=_("Audit log"),
         footer=lambda n: ngettext("{n} entry", "{n} entries", n).format(n=n))


def purge(
    left_before: Annotated[date, typer.Option(
        "--left-before", parser=parse_day_option, metavar="DATE",
        help=_("Delete employees whose leave date is before DATE."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Count only; delete nothing."))
                       ] = False,
    yes: Annotated[bool, typer.Option("--yes", help=_("Confirm (required when not on a terminal).")
                                      )] = False,
) -> None:
    """Delete the personal data of employees who left before DATE: the employee, their
    conversations and agreements. The audit log keeps the counts only.

    Example: seniorcli purge --left-before 2021-01-01 --dry-run
    """
    from seniorcli.errors import SeniorError
    from seniorcli.services.admin import purge as run_purge
    from seniorcli.services.admin import purge_counts, scrub

    conn = open_db(must_exist=True)
    counts = purge_counts(conn, left_before)
    what = _("{employees} employees who left before {day}, with {conversations} conversations "
             "and {agreements} agreements").format(
        employees=counts["employees"], day=left_before, conversations=counts["conversations"],
        agreements=counts["agreements"])
    if dry_run:
        say(_("Would delete {what}. Dry run: nothing was deleted.").format(what=what))
        return
    if counts["employees"] == 0:
        # Still clean the file: a purge that could not (another program had the database
        # open) is completed by running it again.
        scrub(conn)
        say(_("No employees left before {left_before}: nothing to delete.")
            .format(left_before=left_before))
        return
    if not yes:
        if not sys.stdin.isatty():
            raise SeniorError(_("purge would delete {what}; not on a terminal, so it needs "
                              "confirmation")
                                  .format(what=what),
                                          hint=_("add --yes (or --dry-run to count only)"))
        if not typer.confirm(_("Delete {what}? This cannot be undone").format(what=what),
                             default=False):
            say(_("Nothing was deleted."))
            raise typer.Exit(1)
    run_purge(conn, left_before)
    say(_("Deleted {what}.").format(what=what))
    if conn.dialect == "postgresql":
        say(_("The PostgreSQL server removes the deleted rows from its files itself "
              "(autovacuum); its write-ahead log and its backups keep them until they expire "
              "(see docs/operations.md)."))


def restore(
    backup_file: Annotated[Path, typer.Argument(
        metavar="BACKUP", help=_("A file written by `seniorcli backup`."))],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help=_("Only check the backup; change nothing."))] = False,
    yes: Annotated[bool, typer.Option("--yes", help=_("Confirm (required when not on a terminal).")
                                      )] = False,
) -> None:
    """Replace the database with a backup, keeping the database as it was beside it.

    The backup is checked first (SQLite's integrity check; a seniorcli database of this
    version or an older one, which is upgraded). The current database is kept as
    DB.before-restore-YYYYMMDD-HHMMSS (mode 0600), its -wal included, and the restore is
    written to the audit log. Asks on a terminal; needs --yes elsewhere.

    A PostgreSQL register is replaced in one transaction (the backup copied in and checked
    row for row); the register as it was is kept as the SQLite file
    NAME.before-restore-YYYYMMDD-HHMMSS.db in the current folder.

    Example: seniorcli restore /backup/seniorer-2026-11-01.db
    """
    from seniorcli import db
    from seniorcli.services.admin import check_backup

    where = db.resolve(state.db_option)
    db_path = where if isinstance(where, Path) else None
    info = check_backup(backup_file, db_path)
    holds = (_("{n} employees, last change {when}").format(n=info.employees,
                                                          when=_when(info.last_change))
             + (_(", schema version {version}: upgraded when restored").format(
                 version=info.version) if info.older else ""))
    if dry_run:
        say(_("{backup_file} can be restored ({holds}). Dry run: nothing was changed.")
            .format(backup_file=backup_file, holds=holds))
        return
    now = datetime.now()
    if db_path is None:
        _restore_register(backup_file, holds, yes, now)
        return
    from seniorcli.services.admin import current_database
    from seniorcli.services.admin import restore as run_restore

    current = current_database(db_path)
    now_holds = ("" if not db_path.exists() else
                 _(" ({n} employees, last change {when})").format(n=current[0],
                                                                  when=_when(current[1]))
                 if current else _(" (it cannot be read)"))
    question = (_("Replace the database {db}{now_holds} with the backup {backup} ({holds})?")
                .format(db=db_path, now_holds=now_holds, backup=backup_file, holds=holds)
                + (_(" The database as it is now is kept beside it as {name}.before-restore-…")
                   .format(name=db_path.name) if db_path.exists() else ""))
    _confirm_restore(yes, question, _("restore would replace the database {db_path} with "
                                      "{backup_file}; not on a terminal, so it needs "
                                      "confirmation").format(db_path=db_path,
                                                             backup_file=backup_file))
    result = run_restore(db_path, backup_file, now)
    say(_("Restored {backup_file} into {db_path} ({employees:,} employees).")
        .format(backup_file=backup_file, db_path=db_path, employees=info.employees))
    if result.kept_as is not None:
        say(_("The database as it was is kept as {kept_as}.").format(kept_as=result.kept_as))
    for path in result.stale:
        say(_("Moved aside a working file left without its database: {path}").format(path=path))


def _confirm_restore(yes: bool, question: str, refusal: str) -> None:
    """Ask before replacing a register; off a terminal, --yes is required (``refusal``)."""
    from seniorcli.errors import SeniorError

    if yes:
        return
    if not sys.stdin.isatty():
        raise SeniorError(refusal, hint=_("add --yes (or --dry-run to check the backup only)"))
    if not typer.confirm(question, default=False):
        say(_("Nothing was restored."))
        raise typer.Exit(1)


def _restore_register(backup_file: Path, holds: str, yes: bool, now: datetime) -> None:
    """``restore`` into a PostgreSQL register (created on first use, like a new file)."""
    from seniorcli.services.admin import current_register, kept_register_path, restore_register

    conn = open_db()
    url = getattr(conn, "url", "")
    employees, last = current_register(conn)
    kept = kept_register_path(url, now).absolute()
    question = (_("Replace the register {url} ({n} employees, last change {when}) with the "
                  "backup {backup} ({holds})?")
                .format(url=url, n=employees, when=_when(last), backup=backup_file, holds=holds)
                + (_(" The register as it is now is kept as {kept}.").format(kept=kept)
                   if employees or last else ""))
    _confirm_restore(yes, question, _("restore would replace the register {url} with "
                                      "{backup_file}; not on a terminal, so it needs "
                                      "confirmation").format(url=url, backup_file=backup_file))
    result = restore_register(conn, backup_file, kept)
    say(_("Restored {backup_file} into {db_path} ({employees:,} employees).")
        .format(backup_file=backup_file, db_path=url, employees=result.backup.employees))
    if result.kept_as is not None:
        say(_("The register as it was is kept as {kept_as}.").format(kept_as=result.kept_as))


def copy_db(
    source: Annotated[str, typer.Argument(
        metavar="FROM", help=_("The register to copy: an SQLite file or a postgresql:// "
                               "address."))],
    target: Annotated[str, typer.Argument(
        metavar="TO", help=_("Where to copy it: an SQLite file or a postgresql:// address "
                             "(created on first use)."))],
    replace: Annotated[bool, typer.Option(
        "--replace", help=_("Replace the register TO already holds (in one transaction)."))
                       ] = False,
) -> None:
    """Copy a whole register between SQLite and PostgreSQL, checked row for row.

    Every table is copied with its ids in one transaction on TO and compared with FROM row for
    row before it is committed: a difference is an error and nothing is kept. Later entries
    on the copy get new ids (a withdrawn outcome's id is never handed out again). TO must not
    hold a register already, unless --replace. --db is not used; a password in an address is
    never printed (~/.pgpass or PGPASSWORD keep it out of the command line).

    Example: seniorcli copy-db seniorer.db postgresql://hr@dbserver/seniorer
    """
    from seniorcli.db import target_of
    from seniorcli.fmt import number
    from seniorcli.services.admin import copy_db as run_copy

    result = run_copy(target_of(source), target_of(target), replace=replace)
    say(_("Copied the register {source} to {target} and checked it row for row:")
        .format(source=result.source, target=result.target))
    for table in sorted(result.rows, key=lambda t: list(TABLE_LABELS).index(t)
                        if t in TABLE_LABELS else len(TABLE_LABELS)):
        say("  " + _(TABLE_LABELS.get(table, table)) + ": " + number(result.rows[table], 0))


#: copy-db's summary: what each table holds, in the user's words.
TABLE_LABELS = {
    "employee": N_("employees"),
    "conversation": N_("logged outcomes"),
    "agreement": N_("senior agreements"),
    "setting": N_("settings"),
    "audit": N_("audit log entries"),
    "retracted_outcome": N_("withdrawn or corrected-away outcomes"),
}


def _when(at: str | None) -> str:
    return at[:16].replace("T", " ") + " UTC" if at else "unknown"


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("audit")(audit)
    app.command("purge")(purge)
    app.command("copy-db")(copy_db)
