"""due_cache: each employee's next offer under a rule set, kept between runs.

The next offer depends only on the birth date, hire date and logged outcomes (never on the
as-of date), so `due` and `report coverage` keep what they decide in due_cache, keyed by the
rule set; schema 2's triggers delete an employee's rows whenever one of those inputs changes
(import changing a birth or hire date, log, purge). The answers are written at the end of the
read that decided them, in the same snapshot, and only if that can happen at once: a
read-only file, another process writing, or a write since the snapshot means nothing is kept
(the command's own result is right all the same).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import sqlite3
from collections.abc import Iterator
from importlib import resources

from seniorcli import __version__
from seniorcli.db.engine import BUSY_TIMEOUT_MS
from seniorcli.rules.base import RuleSet

#: The code a cached answer depends on: a change to any of these files is a new key.
_CODE_FILES = ("rules/base.py", "dates.py", "services/due.py", "services/reports.py",
               "services/cache.py")
_code_digest: str | None = None


def cache_key(rules: RuleSet) -> str:
    """The rule set's decision data and the deciding code, hashed: editing a TOML rule set or
    upgrading seniorcli never reuses an old answer."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256(__version__.encode())
        for name in _CODE_FILES:
            with contextlib.suppress(OSError):  # not installed as files: the version alone
                digest.update(resources.files("seniorcli").joinpath(name).read_bytes())
        _code_digest = digest.hexdigest()
    # Every field of the rule set except those that only name or explain it (a field added
    # later is part of the key by default), and its class (a subclass may override the hooks).
    data = sorted((f.name, repr(getattr(rules, f.name))) for f in dataclasses.fields(rules)
                  if f.name not in _PRESENTATION)
    kind = f"{type(rules).__module__}.{type(rules).__qualname__}"
    return hashlib.sha256(f"{_code_digest}{kind}{data!r}".encode()).hexdigest()[:20]


#: Rule-set fields that do not change a decision or its reason.
_PRESENTATION = frozenset({"name", "title", "aliases", "sources", "interpretations", "origin",
                           "agreement_default_term_months"})


@contextlib.contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: deciding, listing and caching see the same data."""
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class Fresh:
    """New answers of this run: collected in a TEMP table (memory stays flat) with due_cache's
    columns, readable as temp.fresh, kept by ``keep()``."""

    BATCH = 5000

    def __init__(self, conn: sqlite3.Connection, key: str):
        self.conn, self.key = conn, key
        self.batch: list[tuple] = []
        self.added = 0
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh AS SELECT * FROM due_cache WHERE 0")
        conn.execute("DELETE FROM temp.fresh")

    def add(self, employee_id: str, due_date: str, pending: str | None, reason: str,
            name: str, department: str | None, manager_id: str | None, birth_date: str,
            leave_date: str | None) -> None:
        self.added += 1
        self.batch.append((self.key, due_date, employee_id, pending, reason, name, department,
                           manager_id, birth_date, leave_date))
        if len(self.batch) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        self.conn.executemany(
            "INSERT INTO temp.fresh VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.batch)
        self.batch.clear()

    def keep(self) -> None:
        """Write the answers to due_cache and commit, if that can be done at once."""
        self.flush()
        conn = self.conn
        if not self.added:
            return
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("INSERT OR REPLACE INTO due_cache SELECT * FROM temp.fresh "
                         "ORDER BY rules_key, due_date, employee_id")  # appends: faster
            conn.execute("DELETE FROM temp.fresh")
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            pass  # the snapshot() around it rolls back
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
