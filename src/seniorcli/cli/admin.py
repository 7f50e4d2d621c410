"""``backup``, ``audit`` and ``purge``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    Format,
    FormatOpt,
    OutputOpt,
    open_db,
    parse_date_option,
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

    size = run_backup(open_db(), resolve_db_path(state.db_option), target)
    say(f"Backed up to {target} ({size:,} bytes).")


def audit(
    since: Annotated[date | None, typer.Option(
        "--since", parser=parse_date_option, metavar="DATE", help="Only entries from DATE.")
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Who changed what and when: every write, with the operating-system user, the command
    (without personal data) and how many rows it changed.

    Example: seniorcli audit --since 2026-11-01
    """
    from seniorcli.output import Column, emit
    from seniorcli.services.admin import audit_log

    cols = [Column("id", "#", "number"), Column("at", "When (UTC)"), Column("os_user", "User"),
            Column("command", "Command"), Column("rows_changed", "Rows changed", "number")]
    emit(audit_log(open_db(), since), cols, fmt.value, output, title="Audit log",
         footer=lambda n: f"{n} entries")


def purge(
    left_before: Annotated[date, typer.Option(
        "--left-before", parser=parse_date_option, metavar="DATE",
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
    from seniorcli.services.admin import purge_counts

    conn = open_db()
    counts = purge_counts(conn, left_before)
    what = (f"{counts['employees']} employees who left before {left_before}, with "
            f"{counts['conversations']} conversations and {counts['agreements']} agreements")
    if dry_run:
        say(f"Would delete {what}. Dry run: nothing was deleted.")
        return
    if counts["employees"] == 0:
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


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("audit")(audit)
    app.command("purge")(purge)
