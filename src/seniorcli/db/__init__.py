"""The database: the one place that knows SQL. Services call the functions of this package's
modules, which take and return named rows; no other package writes a statement or imports an
engine's driver.

Two engines behind one interface (``Db``):

- SQLite, a file (``--db register.db``; the default): one consultant, a laptop, a cron job.
  ``engine.py`` opens it; ``schema.py`` holds its frozen, versioned migrations.
- PostgreSQL, a server (``--db postgresql://user@host/database``): a register shared by several
  consultants or a payroll centre. ``postgres.py`` connects; ``schema_pg.py`` creates the tables
  from the SQLModel declaration and upgrades them.

``models.py`` (SQLModel) is the one declaration of the schema: PostgreSQL's tables are created
from it (``schema_pg.sql``, compiled from it and checked by a test), and a test checks that
SQLite's migrations produce exactly it. The queries are written
once in the SQL both engines understand, with ``?`` placeholders; they differ only where the
engines do (``Db.dialect``): the bulk import (executemany / COPY) and a few functions.

SQLAlchemy and SQLModel are imported only by ``copy-db`` and by ``backup``/``restore`` of a
PostgreSQL register (for the list of tables); psycopg only for a PostgreSQL register. Every
other command starts without them (docs/architecture.md has the measurements).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

ENV_VAR = "SENIORCLI_DB"


class Db(Protocol):
    """What the db package needs of a connection, on either engine."""

    dialect: str  # "sqlite" or "postgresql"

    def execute(self, sql: str, parameters: Any = (), /) -> Any: ...
    def executemany(self, sql: str, seq: Any, /) -> Any: ...
    @property
    def in_transaction(self) -> bool: ...
    def begin_write(self) -> None: ...
    def begin_read(self) -> None: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


Target = Path | str  # an SQLite file, or a PostgreSQL URL


#: Values per IN list: below SQLite's oldest limit of 999 parameters.
IN_CHUNK = 900


def rows_in(conn: Db, sql: str, values: Iterable[Any], after: tuple = ()) -> Iterator[tuple]:
    """The rows of a query ``sql`` whose ``{in}`` stands for the placeholders of an IN list of
    ``values`` (each distinct value once), asked in chunks; ``after``: the parameters that
    follow the list."""
    distinct = sorted(set(values))
    for i in range(0, len(distinct), IN_CHUNK):
        chunk = distinct[i:i + IN_CHUNK]
        yield from conn.execute(sql.replace("{in}", ",".join("?" * len(chunk))),
                                (*chunk, *after)).fetchall()


def is_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL server rather than a file."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in (
        "postgresql", "postgres", "postgresql+psycopg")


def resolve(option: str | None) -> Target:
    """``--db`` wins over ``SENIORCLI_DB``; without either, a file in the user's data folder.
    A ``postgresql://`` address is returned as it is; anything else is a file path."""
    value = option or os.environ.get(ENV_VAR) or None
    if value:
        return target_of(value)
    from seniorcli.db.engine import resolve_db_path

    return resolve_db_path(option)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def target_of(text: str) -> Target:
    """What ``--db``, SENIORCLI_DB or a copy-db argument names: a PostgreSQL address as it is,
    a file path otherwise. Any other ``scheme://`` — a typing error such as ``postgresq://``,
    or another database's address — is refused: taken as a path it would quietly become a
    file of that name."""
    value = text.strip()
    if is_url(value):
        return value
    if _SCHEME.match(value):
        from seniorcli.errors import DatabaseError
        from seniorcli.i18n import _

        scheme = value.split("://", 1)[0]
        raise DatabaseError(
            _("'{scheme}://' is not an address seniorcli can use: a register is an SQLite file "
              "or a PostgreSQL database (postgresql://…); nothing was changed")
            .format(scheme=scheme),
            hint=_("check the address for a typing error: postgresql://USER@HOST:5432/DATABASE"))
    from pathlib import Path as _Path

    return _Path(text).expanduser()


def connect(target: Target, *, must_exist: bool = False) -> Db:
    """Open the register: an SQLite file (created on first use) or a PostgreSQL database (its
    tables created on first use by a command that writes)."""
    if isinstance(target, str):
        from seniorcli.db import postgres

        return postgres.connect(target, must_exist=must_exist)
    from seniorcli.db import engine

    return engine.connect(target)


@contextlib.contextmanager
def snapshot(conn: Db) -> Iterator[None]:
    """Read in one snapshot (``Db.begin_read``): an import or a purge committed meanwhile shows
    in all of what is read or in none of it. Inside a transaction already: that one."""
    if conn.in_transaction:
        yield
        return
    conn.begin_read()
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):  # the error that stopped it is the one raised
            conn.execute("ROLLBACK")
        raise
    conn.commit()  # a read: nothing to keep; the snapshot ends


def explain(error: BaseException, *, saved: bool = False) -> Any:
    """A plain message (DatabaseError) for a failure of either engine, or None."""
    import sys

    from seniorcli.db.engine import explain as explain_sqlite

    if "psycopg" in sys.modules:
        from seniorcli.db.postgres import explain as explain_pg

        pg = explain_pg(error, saved=saved)
        if pg is not None:
            return pg
    import sqlite3

    return explain_sqlite(error, saved=saved) if isinstance(error, sqlite3.Error) else None
