"""The register's tables on PostgreSQL: created from the SQLModel declaration (``models.py``,
the one declaration of the schema) on first use, and upgraded by ``PG_MIGRATIONS``.

A PostgreSQL register starts at the schema version SQLite's migrations had reached when
PostgreSQL support came (``BASELINE``); each later version adds an entry to ``PG_MIGRATIONS``
(and one to SQLite's ``MIGRATIONS``). PostgreSQL's DDL is transactional: an upgrade, its version
stamp included, is one transaction under the register's write lock — all of it or none of it.
The version lives in the table ``seniorcli_schema`` (SQLite keeps it in ``PRAGMA
user_version``), which also marks the database as a seniorcli register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seniorcli.db.schema import LATEST
from seniorcli.errors import DatabaseError
from seniorcli.i18n import _

if TYPE_CHECKING:
    from seniorcli.db.postgres import PgConnection

BASELINE = 3
#: version → statements, applied in order in one transaction (none yet: version 3 is the
#: baseline created from models.py).
PG_MIGRATIONS: dict[int, tuple[str, ...]] = {}
VERSION_TABLE = "seniorcli_schema"


def create_statements() -> list[str]:
    """CREATE TABLE and CREATE INDEX for every table of the declaration, for PostgreSQL."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    import seniorcli.db.models  # noqa: F401  (registers the tables)

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    out: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            out.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return out


def _version(conn: PgConnection) -> int | None:
    if conn.execute("SELECT to_regclass(?)", (VERSION_TABLE,)).fetchone()[0] is None:
        return None
    row = conn.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _foreign(conn: PgConnection) -> bool:
    """Whether the database (its schema on the search path) holds tables of the register's
    names that seniorcli did not make."""
    return conn.execute("SELECT to_regclass('employee') IS NOT NULL OR "
                        "to_regclass('agreement') IS NOT NULL").fetchone()[0] in (1, True)


def prepare(conn: PgConnection, *, must_exist: bool) -> None:
    version = _version(conn)
    if version is None:
        if _foreign(conn):
            raise DatabaseError(
                _("{url} holds tables of another program (employee, agreement) and no "
                  "seniorcli register; nothing was changed").format(url=conn.url),
                hint=_("use a database or schema of its own for seniorcli"))
        if must_exist:
            raise DatabaseError(
                _("there is no seniorcli register in {url} yet; nothing was created")
                .format(url=conn.url),
                hint=_("check --db and SENIORCLI_DB for a typing error, or import a roster "
                       "first: seniorcli --db URL import ROSTER.csv"))
    elif version > LATEST:
        raise DatabaseError(
            _("{path} was written by a newer seniorcli (schema version {version}); this version "
              "understands up to {LATEST}. The file was not changed")
            .format(path=conn.url, version=version, LATEST=LATEST),
            hint=_("upgrade seniorcli (pip install --upgrade seniorcli)"))
    if version == LATEST:
        return
    conn.begin_write()  # creating or upgrading: housekeeping, not the command's change
    try:
        version = _version(conn)  # another process may have done it meanwhile
        if version is None:
            for statement in create_statements():
                conn.raw.execute(statement)
            conn.raw.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)")
            conn.raw.execute(f"INSERT INTO {VERSION_TABLE} VALUES (%s)", (BASELINE,))
            version = BASELINE
        for v in range(version + 1, LATEST + 1):
            for statement in PG_MIGRATIONS[v]:
                conn.raw.execute(statement)
        conn.raw.execute(f"UPDATE {VERSION_TABLE} SET version = %s", (LATEST,))
        conn.raw.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise
