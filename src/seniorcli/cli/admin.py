"""``backup``, ``restore``, ``audit`` and ``purge``."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    ExportFormatOpt,
    OutputOpt,
    open_db,
    output_format,
    parse_day_option,
    say,
    state,
)


def backup(target: Annotated[Path, typer.Argument(metavar="FILE",
                                                  help="Where to write the copy.")]) -> None:
    """Write a consistent copy of the database (safe while others write), mode 0600.

    Example: seniorcli backup /backup/seniorer-$(date +%F).db
    """
    from seniorcli.db.engine import resolve_db_path
    from seniorcli.services.admin import backup as run_backup

    size = run_backup(open_db(must_exist=True), resolve_db_path(state.db_option), target)
    say(f"Backed up to {target} ({size:,} bytes).")


def audit(
    since: Annotated[date | None, typer.Option(
        "--since", parser=parse_day_option, metavar="DATE", help="Only entries from DATE.")
    ] = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Who changed what and when: every write, with the operating-system user, the command
    (without personal data) and how many rows it changed.

    Example: seniorcli audit --since 2026-11-01
    """
    from seniorcli.output import Column, emit
    from seniorcli.services.admin import audit_log

    out_fmt = output_format(fmt, output)
    cols = [Column("id", "#", "number"), Column("at", "When (UTC)"), Column("os_user", "User"),
            Column("command", "Command"), Column("rows_changed", "Rows changed", "number")]
    emit(audit_log(open_db(must_exist=True), since), cols, out_fmt, output, title="Audit log",
         footer=lambda n: f"{n} entries")


def purge(
    left_before: Annotated[date, typer.Option(
        "--left-before", parser=parse_day_option, metavar="DATE",
        help="Delete employees whose leave date is before DATE.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only; delete nothing.")
                       ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm (required when not on a terminal)."
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
    what = (f"{counts['employees']} employees who left before {left_before}, with "
            f"{counts['conversations']} conversations and {counts['agreements']} agreements")
    if dry_run:
        say(f"Would delete {what}. Dry run: nothing was deleted.")
        return
    if counts["employees"] == 0:
        # Still clean the file: a purge that could not (another program had the database
        # open) is completed by running it again.
        scrub(conn)
        say(f"No employees left before {left_before}: nothing to delete.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise SeniorError(f"purge would delete {what}; not on a terminal, so it needs "
                              "confirmation", hint="add --yes (or --dry-run to count only)")
        if not typer.confirm(f"Delete {what}? This cannot be undone", default=False):
            say("Nothing was deleted.")
            raise typer.Exit(1)
    run_purge(conn, left_before)
    say(f"Deleted {what}.")


def restore(
    backup_file: Annotated[Path, typer.Argument(
        metavar="BACKUP", help="A file written by `seniorcli backup`.")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only check the backup; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm (required when not on a terminal)."
                                      )] = False,
) -> None:
    """Replace the database with a backup, keeping the database as it was beside it.

    The backup is checked first (SQLite's integrity check; a seniorcli database of this
    version or an older one, which is upgraded). The current database is kept as
    DB.before-restore-YYYYMMDD-HHMMSS (mode 0600), its -wal included, and the restore is
    written to the audit log. Asks on a terminal; needs --yes elsewhere.

    Example: seniorcli restore /backup/seniorer-2026-11-01.db
    """
    from datetime import datetime

    from seniorcli.db.engine import resolve_db_path
    from seniorcli.errors import SeniorError
    from seniorcli.services.admin import check_backup, current_database
    from seniorcli.services.admin import restore as run_restore

    if "://" in (state.db_option or os.environ.get("SENIORCLI_DB") or ""):
        raise SeniorError("restore works on a database file, not on a database server",
                          hint="use the server's own tools (pg_restore) to restore it")
    db_path = resolve_db_path(state.db_option)
    info = check_backup(backup_file, db_path)
    holds = (f"{info.employees:,} employees, last change {_when(info.last_change)}"
             + (f", schema version {info.version}: upgraded when restored"
                if info.older else ""))
    if dry_run:
        say(f"{backup_file} can be restored ({holds}). Dry run: nothing was changed.")
        return
    current = current_database(db_path)
    now_holds = ("" if not db_path.exists() else
                 f" ({current[0]:,} employees, last change {_when(current[1])})" if current
                 else " (it cannot be read)")
    question = (f"Replace the database {db_path}{now_holds} with the backup {backup_file} "
                f"({holds})?" + (" The database as it is now is kept beside it as "
                                 f"{db_path.name}.before-restore-…" if db_path.exists() else ""))
    if not yes:
        if not sys.stdin.isatty():
            raise SeniorError(f"restore would replace the database {db_path} with "
                              f"{backup_file}; not on a terminal, so it needs confirmation",
                              hint="add --yes (or --dry-run to check the backup only)")
        if not typer.confirm(question, default=False):
            say("Nothing was restored.")
            raise typer.Exit(1)
    result = run_restore(db_path, backup_file, datetime.now())
    say(f"Restored {backup_file} into {db_path} ({info.employees:,} employees).")
    if result.kept_as is not None:
        say(f"The database as it was is kept as {result.kept_as}.")
    for path in result.stale:
        say(f"Moved aside a working file left without its database: {path}")


def _when(at: str | None) -> str:
    return at[:16].replace("T", " ") + " UTC" if at else "unknown"


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("audit")(audit)
    app.command("purge")(purge)
