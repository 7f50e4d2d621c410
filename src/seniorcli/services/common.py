"""Small helpers shared by the services."""

from __future__ import annotations

import getpass
import sqlite3
from datetime import UTC, datetime

from seniorcli.cpr import redact

MAX_SHOWN_ERRORS = 20


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers and services
        return "unknown"


def audit(conn: sqlite3.Connection, command: str, rows_changed: int) -> None:
    """Record a write: when, who, which command (never its personal arguments), how many rows."""
    conn.execute(
        "INSERT INTO audit (at, os_user, command, rows_changed) VALUES (?, ?, ?, ?)",
        (now_stamp(), os_user(), command, rows_changed),
    )


def show_value(value: str, limit: int = 40) -> str:
    """A cell value as shown in a message: CPR-like digits masked, long text shortened."""
    v = redact(value)
    return v if len(v) <= limit else v[: limit - 1] + "…"


def summarise_errors(errors: list[tuple[int, str]], total: int) -> list[str]:
    """The first errors by line, then a count of the rest."""
    shown = [msg for _, msg in sorted(errors)[:MAX_SHOWN_ERRORS]]
    if total > len(shown):
        shown.append(f"… and {total - len(shown)} more errors")
    return shown
