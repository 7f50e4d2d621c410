"""The migrations produce exactly the schema declared with SQLModel; versions are checked."""

from __future__ import annotations

import sqlite3

from seniorcli.db.engine import connect
from seniorcli.db.schema import APPLICATION_ID, LATEST

_AFFINITY = {"VARCHAR": "TEXT", "TEXT": "TEXT", "DATE": "DATE", "FLOAT": "FLOAT",
             "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN"}


def test_migrated_database_matches_the_sqlmodel_declaration(tmp_path):
    from sqlmodel import SQLModel

    import seniorcli.db.models  # noqa: F401  (registers the tables)

    conn = connect(tmp_path / "s.db")
    for table in SQLModel.metadata.sorted_tables:
        actual = {r[1]: (r[2].upper(), bool(r[3]), bool(r[5]))
                  for r in conn.execute(f"PRAGMA table_info({table.name})")}
        declared = {c.name: (_AFFINITY[str(c.type.compile()).split("(")[0]],
                             not c.nullable, c.primary_key) for c in table.columns}
        assert actual == declared, table.name
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                         "AND name NOT LIKE 'sqlite_%'")}
    assert tables == set(SQLModel.metadata.tables)


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
