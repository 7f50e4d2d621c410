"""The setting table: key → value."""

from __future__ import annotations

from seniorcli.db import Db


def get(conn: Db, key: str) -> str | None:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def put(conn: Db, key: str, value: str) -> None:
    conn.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def delete(conn: Db, key: str) -> bool:
    """Whether there was such a setting."""
    return bool(conn.execute("DELETE FROM setting WHERE key = ?", (key,)).rowcount)


def all_of(conn: Db) -> dict[str, str]:
    return {k: v for k, v in conn.execute("SELECT key, value FROM setting ORDER BY key")}
