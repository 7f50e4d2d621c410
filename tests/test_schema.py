"""The migrations produce exactly the schema declared with SQLModel — columns, primary keys,
indexes (partial ones with their WHERE), unique constraints, foreign keys with their ON DELETE and
the CHECK — from a new file and from the released schema_v1/schema_v2 files upgraded; PostgreSQL's
tables are the declaration too, and a failing PostgreSQL upgrade leaves the register as it was;
versions are checked."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

from seniorcli.db.engine import connect
from seniorcli.db.schema import APPLICATION_ID, LATEST

from conftest import FIXTURES, db_snapshot

_AFFINITY = {"VARCHAR": "TEXT", "TEXT": "TEXT", "DATE": "DATE", "FLOAT": "FLOAT",
             "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN"}
_PG_TYPE = {"VARCHAR": "character varying", "DATE": "date", "FLOAT": "double precision",
            "INTEGER": "integer", "BOOLEAN": "boolean"}


def _squash(text: str | None) -> str | None:
    """SQL text compared without its spacing, outer brackets and casts to text."""
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _checks_in(sql: str) -> list[str]:
    """The CHECK (…) expressions of a CREATE TABLE statement."""
    found = []
    for m in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            i += 1
        found.append(_squash(sql[m.end():i - 1]))
    return found


def declared() -> dict[str, dict]:
    """Per table: columns (type, not null, primary key), primary key, indexes (name →
    columns, unique, WHERE), unique constraints, foreign keys (column → table.column, ON
    DELETE) and CHECK expressions, as the SQLModel classes declare them."""
    from sqlalchemy import CheckConstraint, UniqueConstraint
    from sqlmodel import SQLModel

    import seniorcli.db.models  # noqa: F401  (registers the tables)

    out = {}
    for table in SQLModel.metadata.sorted_tables:
        out[table.name] = {
            "columns": {c.name: (str(c.type.compile()).split("(")[0], not c.nullable,
                                 c.primary_key) for c in table.columns},
            "primary_key": tuple(c.name for c in table.primary_key.columns),
            "indexes": {i.name: (tuple(c.name for c in i.columns), bool(i.unique),
                                 _squash(str(w)) if (w := i.dialect_options["sqlite"]["where"])
                                 is not None else None) for i in table.indexes},
            "unique": {tuple(c.name for c in u.columns) for u in table.constraints
                       if isinstance(u, UniqueConstraint)},
            "foreign_keys": {(fk.parent.name, f"{fk.column.table.name}.{fk.column.name}",
                              (fk.ondelete or "NO ACTION").upper())
                             for fk in table.foreign_keys},
            "checks": sorted(_squash(str(c.sqltext)) for c in table.constraints
                             if isinstance(c, CheckConstraint)),
        }
    return out


def on_sqlite(conn: sqlite3.Connection) -> dict[str, dict]:
    """The same, read from an SQLite database (PRAGMAs and sqlite_master)."""
    sql_of = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    out = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall():
        info = conn.execute(f"PRAGMA table_info({name})").fetchall()
        indexes, unique = {}, set()
        for _seq, index, is_unique, origin, _partial in conn.execute(
                f"PRAGMA index_list({name})").fetchall():
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({index})"))
            if origin == "u":
                unique.add(cols)
            elif origin == "c":
                where = re.search(r"\bWHERE\b(.*)$", sql_of[index], re.IGNORECASE | re.DOTALL)
                indexes[index] = (cols, bool(is_unique), _squash(where[1]) if where else None)
        out[name] = {
            "columns": {r[1]: (r[2].upper(), bool(r[3]), bool(r[5])) for r in info},
            "primary_key": tuple(r[1] for r in sorted((r for r in info if r[5]),
                                                      key=lambda r: r[5])),
            "indexes": indexes,
            "unique": unique,
            "foreign_keys": {(r[3], f"{r[2]}.{r[4]}", r[6].upper()) for r in conn.execute(
                f"PRAGMA foreign_key_list({name})")},
            "checks": sorted(_checks_in(sql_of[name])),
        }
    return out


def _as_sqlite_declares(tables: dict[str, dict]) -> dict[str, dict]:
    """The declaration with SQLite's column types (their affinity names)."""
    return {name: {**t, "columns": {c: (_AFFINITY[typ], nn, pk)
                                    for c, (typ, nn, pk) in t["columns"].items()}}
            for name, t in tables.items()}


def test_migrated_database_matches_the_sqlmodel_declaration(tmp_path):
    conn = connect(tmp_path / "s.db")
    assert on_sqlite(conn) == _as_sqlite_declares(declared())


@pytest.mark.parametrize("fixture", ["schema_v1.db", "schema_v2.db", "schema_v3.db"])
def test_an_upgraded_release_file_matches_the_sqlmodel_declaration(tmp_path, fixture):
    """The files the released versions wrote, upgraded in place, end up with exactly the
    schema a new file gets: the same columns, keys, indexes, constraints and CHECK."""
    db = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, db)
    conn = connect(db)
    assert on_sqlite(conn) == _as_sqlite_declares(declared())
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def on_postgresql(url: str) -> dict[str, dict]:
    """The same, read from PostgreSQL's catalog (information_schema, pg_indexes)."""
    import psycopg

    out: dict[str, dict] = {}
    with psycopg.connect(url) as pg:
        def rows(sql: str, *params):
            return pg.execute(sql, params).fetchall()

        tables = [r[0] for r in rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' AND table_name <> "
            "'seniorcli_schema' ORDER BY 1")]
        for name in tables:
            keys = {}
            for kind in ("PRIMARY KEY", "UNIQUE"):
                keys[kind] = {}
                for constraint, column in rows(
                        "SELECT tc.constraint_name, k.column_name FROM "
                        "information_schema.table_constraints tc JOIN "
                        "information_schema.key_column_usage k USING (constraint_schema, "
                        "constraint_name) WHERE tc.table_schema = current_schema() AND "
                        "tc.table_name = %s AND tc.constraint_type = %s "
                        "ORDER BY constraint_name, k.ordinal_position", name, kind):
                    keys[kind].setdefault(constraint, []).append(column)
            pk_columns = set(next(iter(keys["PRIMARY KEY"].values()), []))
            constraint_indexes = set(keys["PRIMARY KEY"]) | set(keys["UNIQUE"])
            indexes = {}
            for index, definition in rows("SELECT indexname, indexdef FROM pg_indexes "
                                          "WHERE schemaname = current_schema() AND "
                                          "tablename = %s", name):
                if index in constraint_indexes:
                    continue
                m = re.match(r"CREATE (UNIQUE )?INDEX \S+ ON \S+ USING btree \((.*?)\)"
                             r"(?: WHERE (.*))?$", definition)
                assert m, definition
                indexes[index] = (tuple(c.strip() for c in m[2].split(",")), bool(m[1]),
                                  _squash(m[3]))
            fks = set()
            for column, target_table, target_column, rule in rows(
                    "SELECT k.column_name, u.table_name, u.column_name, r.delete_rule FROM "
                    "information_schema.referential_constraints r JOIN "
                    "information_schema.key_column_usage k USING (constraint_schema, "
                    "constraint_name) JOIN information_schema.constraint_column_usage u "
                    "USING (constraint_schema, constraint_name) WHERE k.table_name = %s "
                    "AND k.table_schema = current_schema()", name):
                fks.add((column, f"{target_table}.{target_column}", rule))
            checks = []
            for (definition,) in rows(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t "
                    "ON t.oid = c.conrelid WHERE t.relname = %s AND c.contype = 'c' AND "
                    "t.relnamespace = current_schema()::regnamespace", name):
                # PostgreSQL keeps `outcome IN ('a', 'b')` as `outcome = ANY (ARRAY['a', …])`:
                # compare the column and the values
                column = re.search(r"\(+(\w+)\)?(::\w+)? = ANY", definition)
                checks.append((column[1] if column else definition,
                               sorted(re.findall(r"'([^']*)'", definition))))
            out[name] = {
                "columns": {c: (t, n == "NO", c in pk_columns) for c, t, n in rows(
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s", name)},
                "primary_key": tuple(next(iter(keys["PRIMARY KEY"].values()), [])),
                "indexes": indexes,
                "unique": {tuple(cols) for cols in keys["UNIQUE"].values()},
                "foreign_keys": fks,
                "checks": checks,
            }
    return out


def test_postgresql_tables_match_the_sqlmodel_declaration(pg_database):
    from seniorcli.db import postgres

    postgres.connect(pg_database).close()
    expected = {}
    for name, t in declared().items():
        indexes = {i: (cols, unique, where) for i, (cols, unique, where) in t["indexes"].items()}
        checks = []
        for text in t["checks"]:
            m = re.match(r"(\w+) IN \((.*)\)$", text)
            assert m, text
            checks.append((m[1], sorted(re.findall(r"'([^']*)'", m[2]))))
        expected[name] = {**t, "columns": {c: (_PG_TYPE[typ], nn, pk)
                                           for c, (typ, nn, pk) in t["columns"].items()},
                          "indexes": indexes, "checks": checks}
    assert on_postgresql(pg_database) == expected


def _pg_catalog(url: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as pg:
        return pg.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM "
            "information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY 1, 2").fetchall() + pg.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "ORDER BY 1").fetchall()


def test_a_failing_postgresql_upgrade_leaves_the_register_as_it_was(run, pg_database,
                                                                     monkeypatch):
    """An upgrade and its version stamp are one transaction: when its second statement fails,
    the first one (a new column) is undone too, and the version stays where it was."""
    from seniorcli.db import postgres, schema_pg

    postgres.connect(pg_database).close()
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as pg:
        pg.execute("INSERT INTO setting (key, value) VALUES ('rules', 'koege')")
    before, catalog = db_snapshot(pg_database), _pg_catalog(pg_database)
    nxt = schema_pg.LATEST + 1
    monkeypatch.setitem(schema_pg.PG_MIGRATIONS, nxt, (
        "ALTER TABLE employee ADD COLUMN nickname VARCHAR",
        "ALTER TABLE no_such_table ADD COLUMN x INTEGER",
        "UPDATE setting SET value = 'changed'"))
    monkeypatch.setattr(schema_pg, "LATEST", nxt)
    with pytest.raises(Exception, match="no_such_table"):
        postgres.connect(pg_database)
    assert db_snapshot(pg_database) == before and _pg_catalog(pg_database) == catalog
    assert before["seniorcli_schema"] == [(LATEST,)]
    r = run("--db", pg_database, "employees", "--as-of", "2026-11-01")
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert db_snapshot(pg_database) == before and _pg_catalog(pg_database) == catalog
    # the same upgrade without the failing statement is applied, and stamped
    monkeypatch.setitem(schema_pg.PG_MIGRATIONS, nxt, (
        "ALTER TABLE employee ADD COLUMN nickname VARCHAR",))
    postgres.connect(pg_database).close()
    after = db_snapshot(pg_database)
    assert after["seniorcli_schema"] == [(nxt,)] and after["setting"] == before["setting"]
    assert ("employee", "nickname", "character varying", "YES") in _pg_catalog(pg_database)


def test_new_database_is_marked_and_versioned(tmp_path):
    conn = connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused_and_left_untouched(run, db):
    connect(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {LATEST + 1}")
    raw.close()
    before = db.read_bytes()
    r = run("employees", "--as-of", "2026-11-01")
    assert r.exit_code == 1
    assert "written by a newer seniorcli" in r.stderr and "upgrade seniorcli" in r.stderr
    assert db.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(run, db):
    db.write_text("hello, I am a spreadsheet\n" * 100)
    r = run("employees")
    assert r.exit_code == 1 and "not a seniorcli database" in r.stderr
    assert db.read_text().startswith("hello")


def test_another_programs_sqlite_file_is_refused(run, db):
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE other (x)")
    raw.close()
    r = run("employees")
    assert r.exit_code == 1 and "not a seniorcli database" in r.stderr


def test_the_outcome_log_never_hands_out_an_id_again(tmp_path):
    """A withdrawn outcome is deleted; its id must not come back for a later one (AUTOINCREMENT,
    declared in the model and made by the migrations)."""
    from sqlmodel import SQLModel

    import seniorcli.db.models  # noqa: F401

    conn = connect(tmp_path / "s.db")
    made = {name for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'") if "AUTOINCREMENT" in sql}
    declared = {t.name for t in SQLModel.metadata.sorted_tables
                if t.dialect_options["sqlite"]["autoincrement"]}
    assert made == declared == {"conversation"}


def test_the_postgresql_ddl_file_is_what_the_declaration_compiles_to():
    """db/schema_pg.sql is derived from models.py (so that creating a register does not load
    SQLAlchemy): a change to the declaration must be followed by regenerating it."""
    from seniorcli.db.schema_pg import DDL_FILE, ddl_text

    assert DDL_FILE.read_text(encoding="utf-8") == ddl_text(), (
        "run: python -m seniorcli.db.schema_pg")
