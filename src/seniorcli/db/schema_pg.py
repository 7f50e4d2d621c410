"""The register's tables on PostgreSQL: created from the SQLModel declaration (``models.py``,
the one declaration of the schema) on first use, and upgraded by ``PG_MIGRATIONS``.

A PostgreSQL register starts at the schema version SQLite's migrations had reached when
PostgreSQL support came (``BASELINE``; a register created now starts at the latest version, its
tables being compiled from the declaration); each later version adds an entry to ``PG_MIGRATIONS``
(and one to SQLite's ``MIGRATIONS``). PostgreSQL's DDL is transactional: an upgrade, its version
stamp included, is one transaction under the register's write lock — all of it or none of it.
The version lives in the table ``seniorcli_schema`` (SQLite keeps it in ``PRAGMA
user_version``), which also marks the database as a seniorcli register.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from seniorcli.db.schema import LATEST, backfill_agreement_changes
from seniorcli.errors import DatabaseError
from seniorcli.i18n import _

if TYPE_CHECKING:
    from seniorcli.db.postgres import PgConnection

BASELINE = 3
#: version → statements, applied in order in one transaction (none yet: version 3 is the
#: baseline created from models.py).
PG_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # SQLite's version 4 (db/schema.py): when an agreement was corrected or ended, and what
    # changed, for the payroll change file; the corrections before it copied from the audit.
    4: (
        """CREATE TABLE agreement_change (
            id SERIAL NOT NULL PRIMARY KEY,
            agreement_id INTEGER NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            at VARCHAR COLLATE "C" NOT NULL,
            fields VARCHAR COLLATE "C" NOT NULL
        )""",
        "CREATE INDEX ix_agreement_change_agreement_id ON agreement_change (agreement_id)",
        "CREATE INDEX ix_agreement_change_at ON agreement_change (at)",
        backfill_agreement_changes("postgresql"),
    ),
}
VERSION_TABLE = "seniorcli_schema"


#: The DDL compiled from models.py, kept beside this module so that creating a register does not
#: load SQLAlchemy and SQLModel (0.3–0.5 s, a tenth of a first import of 500,000 employees).
#: Derived, never edited by hand: `python -m seniorcli.db.schema_pg` writes it again, and
#: tests/test_schema.py fails when it differs from what models.py compiles to.
DDL_FILE = Path(__file__).with_name("schema_pg.sql")
SEPARATOR = ";\n\n"


def create_statements() -> list[str]:
    """CREATE TABLE and CREATE INDEX for every table of the declaration, for PostgreSQL."""
    text = DDL_FILE.read_text(encoding="utf-8")
    return [s for s in text.split(SEPARATOR) if s.strip() and not s.startswith("--")]


def table_names() -> list[str]:
    """The register's tables, in the order they are created."""
    return [s.split()[2] for s in create_statements() if s.startswith("CREATE TABLE")]


def compile_statements() -> list[str]:
    """The DDL as SQLAlchemy compiles models.py for PostgreSQL (the source of DDL_FILE)."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    import seniorcli.db.models  # noqa: F401  (registers the tables)

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    out: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        out.append(_bytewise(str(CreateTable(table).compile(dialect=dialect)).strip()))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            out.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return out


def _bytewise(create_table: str) -> str:
    """Every text column compares and sorts by bytes (``COLLATE "C"``), as SQLite does,
    whatever the database's locale: a Danish server (da_DK) would otherwise put 'a10' before
    'B20' and Å after Ø differently in lists and pick other people for "the first ten" than
    the same register on SQLite."""
    return re.sub(r"^(\t\w+ VARCHAR)\b", r'\1 COLLATE "C"', create_table, flags=re.MULTILINE)


def ddl_text() -> str:
    header = ("-- Generated from src/seniorcli/db/models.py by `python -m seniorcli.db.schema_pg`;"
              " do not edit")
    return SEPARATOR.join([header, *compile_statements()]) + "\n"


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
    if conn.execute("SELECT current_schema()").fetchone()[0] is None:
        path = conn.execute("SHOW search_path").fetchone()[0]
        raise DatabaseError(
            _("{url}: the schema the register is in ({path}) does not exist, or this "
              "PostgreSQL user may not use it; nothing was changed").format(url=conn.url,
                                                                           path=path),
            hint=_("check the schema's name in the address (options=-csearch_path%3DNAME), or "
                   "ask the database's administrator for USAGE on it (docs/operations.md)"))
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
            # the tables are created as the declaration has them now: the latest version
            conn.raw.execute(f"INSERT INTO {VERSION_TABLE} VALUES (%s)", (LATEST,))
            version = LATEST
            from seniorcli.db.postgres import note_created

            note_created(conn)
        upgrade_from = version
        try:
            for v in range(version + 1, LATEST + 1):
                for statement in PG_MIGRATIONS[v]:
                    conn.raw.execute(statement)
        except Exception as e:
            import psycopg

            if not isinstance(e, psycopg.Error) or isinstance(e, psycopg.OperationalError):
                raise
            raise DatabaseError(
                _("could not upgrade the register {url} from schema version {old} to {new} "
                  "({error}); nothing was changed").format(
                    url=conn.url, old=upgrade_from, new=LATEST,
                    error=str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__),
                hint=_("report it; the register can still be used with the earlier seniorcli")
            ) from None
        conn.raw.execute(f"UPDATE {VERSION_TABLE} SET version = %s", (LATEST,))
        conn.raw.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise


def drop_if_empty(conn: PgConnection) -> None:
    """Drop the register's tables when every one of them is empty (under the write lock, so a
    writer that got in meanwhile keeps them)."""
    from seniorcli.db.postgres import LOCK_SQL, WRITE_LOCK

    tables = list(reversed(table_names()))
    conn.raw.execute("BEGIN")
    try:
        conn.raw.execute("SET LOCAL lock_timeout = '0'")
        conn.raw.execute(LOCK_SQL, (WRITE_LOCK,))
        if any(conn.raw.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in tables):
            conn.raw.execute("ROLLBACK")
            return
        for t in (*tables, VERSION_TABLE):
            conn.raw.execute(f"DROP TABLE IF EXISTS {t} CASCADE")
        conn.raw.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise


if __name__ == "__main__":
    DDL_FILE.write_text(ddl_text(), encoding="utf-8")
    print(f"wrote {DDL_FILE}")
