"""The audit table: who changed what, when."""

from __future__ import annotations

from seniorcli.db import Db


def add(conn: Db, *, at: str, os_user: str, command: str, rows_changed: int,
        employee_id: str | None = None, detail: str | None = None) -> int:
    """Insert one audit row; returns its id. On PostgreSQL "who" also names the role that
    logged in (``session_user``), which the server vouches for: the operating-system user is
    whatever the client's environment says."""
    user = "? || ' (PostgreSQL: ' || session_user || ')'" if conn.dialect == "postgresql" else "?"
    row = conn.execute(
        "INSERT INTO audit (at, os_user, command, rows_changed, employee_id, detail) "
        f"VALUES (?, {user}, ?, ?, ?, ?) RETURNING id",
        (at, os_user, command, rows_changed, employee_id, detail)).fetchone()
    return int(row[0])
