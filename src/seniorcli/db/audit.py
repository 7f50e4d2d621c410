"""The audit table: who changed what, when."""

from __future__ import annotations

from seniorcli.db import Db


def add(conn: Db, *, at: str, os_user: str, command: str, rows_changed: int,
        employee_id: str | None = None, detail: str | None = None) -> int:
    """Insert one audit row; returns its id."""
    row = conn.execute(
        "INSERT INTO audit (at, os_user, command, rows_changed, employee_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (at, os_user, command, rows_changed, employee_id, detail)).fetchone()
    return int(row[0])
