"""`seniorcli copy-db FROM TO`: a whole register moved SQLite → PostgreSQL → SQLite (and SQLite →
SQLite) with its ids, in one transaction on TO, checked row for row; a later entry on the copy
gets a new id; a target that holds a register is refused unless --replace; a difference leaves
nothing behind; a password in an address is never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import (
    AS_OF,
    Result,
    db_rows,
    db_snapshot,
    new_pg_database,
    pg_database_url,
    write_csv,
)

ROSTER = ("employee_id,name,birth_date,hire_date,leave_date,department,manager_id",
          "1001,Anna Andersen,1962-03-01,2000-01-01,,Skole,9001",
          "1002,Bo Berg,1966-05-15,2001-01-01,,Skole,9001",
          "1003,Carla Dam,1970-12-31,2002-02-01,,Vej,9002",
          "1004,Dorte Ø,1958-07-07,1990-01-01,2025-06-30,Vej,9002",
          "9001,Mette Leder,1975-01-01,2005-01-01,,Skole,",
          "9002,Jens Chef,1972-01-01,2006-01-01,,Vej,")


@pytest.fixture
def register(run, db, tmp_path) -> Path:
    """An SQLite register with employees (one who left), outcomes (one withdrawn in the middle
    and the last one withdrawn: the ids 2 and 6 never come back), agreements (one renewed, one
    withdrawn, an open-ended one), settings and an audit log with corrections."""
    def ok(*args):
        r = run(*args)
        assert r.exit_code == 0, r.stderr
        return r

    ok("config", "set", "rules", "norddjurs")
    ok("import", write_csv(tmp_path / "roster.csv", *ROSTER), "--as-of", AS_OF)
    ok("log", "1001", "held", "--date", "2026-03-01", "--note", "Gik godt", "--with-mus",
       "--as-of", AS_OF)
    ok("log", "1002", "invited", "--date", "2026-09-01", "--as-of", AS_OF)
    ok("log", "1002", "declined", "--date", "2026-09-15", "--as-of", AS_OF)
    ok("log", "1003", "requested", "--date", "2026-10-01", "--as-of", AS_OF)
    ok("log", "1004", "held", "--date", "2025-01-10", "--as-of", AS_OF)
    ok("log", "1003", "postponed", "--date", "2026-10-05", "--as-of", AS_OF)
    ok("log", "withdraw", "2", "--reason", "forkert medarbejder")
    ok("log", "withdraw", "6", "--reason", "dobbelt")
    ok("agreement", "add", "1001", "--type", "arbejdstid", "--start", "2026-01-01",
       "--end", "2026-12-31", "--hours", "37", "--note", "5 dage")
    ok("agreement", "renew", "1", "--until", "2027-12-31")
    ok("agreement", "add", "1002", "--type", "nedsat_tid", "--start", "2026-02-01",
       "--open-ended", "--hours", "30.5")
    ok("agreement", "add", "1003", "--type", "andet", "--start", "2026-01-01",
       "--end", "2026-06-30", "--amount", "12500.75")
    ok("agreement", "withdraw", "4", "--reason", "fejl")
    return db


@pytest.fixture
def other_pg(pg_server):
    """A second empty PostgreSQL database (the test's `pg_database` is the first)."""
    with new_pg_database(pg_server) as url:
        yield url


@pytest.fixture
def run_on(run, monkeypatch):
    """run_on(TARGET, *args): the CLI against TARGET (a file or a URL), like ``run``."""
    from typer.testing import CliRunner

    from seniorcli.cli import app, common

    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)

    def _run(target, *args, lang="en"):
        monkeypatch.setenv("SENIORCLI_LANG", lang)
        r = CliRunner().invoke(app, ["--db", str(target), *map(str, args)])
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r.exit_code, r.stdout, r.stderr)

    return _run


def what_users_see(run_on, target) -> dict[str, str]:
    out = {}
    for name, args in {
        "due": ("due", "--as-of", AS_OF, "--within", "3650", "-f", "json"),
        "coverage": ("report", "coverage", "--as-of", AS_OF, "-f", "json"),
        "coverage_by": ("report", "coverage", "--year", "2026", "--as-of", AS_OF, "--by",
                        "manager", "-f", "json"),
        "agreements": ("agreement", "list", "--as-of", AS_OF, "-f", "json"),
        "agreements_active": ("agreement", "list", "--active-on", "2026-06-01", "-f", "json"),
        "employees": ("employees", "--include-left", "--as-of", AS_OF, "-f", "json"),
        "show": ("show", "1003", "--as-of", AS_OF, "-f", "json"),
        "audit": ("audit", "-f", "json"),
    }.items():
        r = run_on(target, *args)
        assert r.exit_code == 0, (name, r.stderr)
        out[name] = r.stdout
    return out


def test_a_register_goes_to_postgresql_and_back_unchanged(register, run, run_on, pg_database,
                                                          tmp_path):
    back = tmp_path / "back.db"
    to_pg = run("copy-db", register, pg_database)
    assert to_pg.exit_code == 0, to_pg.stderr
    assert "checked it row for row" in to_pg.stderr
    assert "employees: 6" in to_pg.stderr and "logged outcomes: 4" in to_pg.stderr
    assert "senior agreements: 4" in to_pg.stderr
    from_pg = run("copy-db", pg_database, back)
    assert from_pg.exit_code == 0, from_pg.stderr
    # every table equal, sqlite_sequence (the outcome log's high-water mark) included
    assert db_snapshot(back) == db_snapshot(register)
    # on PostgreSQL: the same rows, as the register reads them
    for table in ("employee", "conversation", "agreement", "setting", "audit",
                  "retracted_outcome"):
        assert sorted(db_rows(pg_database, f"SELECT * FROM {table}"), key=repr) == \
            sorted(db_rows(register, f"SELECT * FROM {table}"), key=repr), table
    seen = what_users_see(run_on, register)
    assert what_users_see(run_on, pg_database) == seen
    assert what_users_see(run_on, back) == seen


def test_a_later_entry_on_the_copy_gets_a_new_id(register, run, run_on, pg_database, tmp_path):
    assert run("copy-db", register, pg_database).exit_code == 0
    top = {t: db_rows(register, f"SELECT max(id) FROM {t}")[0][0]
           for t in ("conversation", "agreement", "audit")}
    assert top["conversation"] == 5  # 6 was withdrawn: it must not come back
    r = run_on(pg_database, "log", "1001", "invited", "--date", "2026-10-20", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert db_rows(pg_database, "SELECT id FROM conversation WHERE date = '2026-10-20'") == \
        [(7,)]
    r = run_on(pg_database, "agreement", "add", "1003", "--type", "andet", "--start",
               "2027-01-01", "--end", "2027-06-30")
    assert r.exit_code == 0, r.stderr
    assert db_rows(pg_database, "SELECT max(id) FROM agreement") == [(top["agreement"] + 1,)]
    assert db_rows(pg_database, "SELECT max(id) FROM audit")[0][0] > top["audit"]
    # and back on SQLite the log's mark comes along: the next outcome is 8, not 7 again
    back = tmp_path / "back.db"
    assert run("copy-db", pg_database, back).exit_code == 0
    run_on(pg_database, "log", "withdraw", "7", "--reason", "x")
    assert run_on(back, "log", "withdraw", "7", "--reason", "x").exit_code == 0
    assert run_on(back, "log", "1002", "held", "--date", "2026-10-21",
                  "--as-of", AS_OF).exit_code == 0
    assert db_rows(back, "SELECT max(id) FROM conversation") == [(8,)]


def test_a_target_that_holds_a_register_is_refused_unless_replace(register, run, run_on,
                                                                  pg_database, tmp_path):
    other = tmp_path / "other.db"
    r = run_on(other, "import", write_csv(tmp_path / "o.csv", "id,name,birth_date",
                                          "X1,Xenia,1960-01-01"), "--as-of", AS_OF)
    assert r.exit_code == 0
    for target in (other, pg_database):
        if target == pg_database:
            assert run("copy-db", other, pg_database).exit_code == 0
        before = db_snapshot(target)
        r = run("copy-db", register, target)
        assert r.exit_code == 1
        assert "already holds a register" in r.stderr and "nothing was copied" in r.stderr
        assert "--replace" in r.stderr
        assert db_snapshot(target) == before
        r = run("copy-db", register, target, "--replace")
        assert r.exit_code == 0, r.stderr
        assert what_users_see(run_on, target) == what_users_see(run_on, register)
    assert db_snapshot(other) == db_snapshot(register)


def test_sqlite_to_sqlite(register, run, tmp_path):
    copy = tmp_path / "copy" / "hr.db"
    r = run("copy-db", register, copy)
    assert r.exit_code == 0, r.stderr
    assert db_snapshot(copy) == db_snapshot(register)
    assert copy.stat().st_mode & 0o777 == 0o600


def test_a_copy_that_differs_is_an_error_and_nothing_is_kept(register, run, pg_database,
                                                             tmp_path, monkeypatch):
    from seniorcli.db import copy

    real = copy._write

    def loses_a_row(target, table, rows):
        if table.name == "conversation":
            rows = list(rows)[:-1]
            return real(target, table, iter(rows))
        return real(target, table, rows)

    monkeypatch.setattr(copy, "_write", loses_a_row)
    for target in (pg_database, tmp_path / "new.db"):
        r = run("copy-db", register, target)
        assert r.exit_code == 1
        assert "not identical" in r.stderr and "conversation" in r.stderr
        assert "nothing was copied" in r.stderr
        if isinstance(target, Path):
            assert not target.exists()  # the file it made for the copy is gone again
        else:
            assert all(not rows for table, rows in db_snapshot(target).items()
                       if table != "seniorcli_schema")


def test_the_same_register_twice_is_refused(register, run):
    r = run("copy-db", register, register)
    assert r.exit_code == 1 and "the same register" in r.stderr


def test_a_missing_source_is_refused_and_nothing_is_created(run, tmp_path):
    r = run("copy-db", tmp_path / "nope.db", tmp_path / "to.db")
    assert r.exit_code == 1 and "there is no database at" in r.stderr
    assert not (tmp_path / "to.db").exists()


@pytest.mark.parametrize("where", ["wrong database", "wrong port", "wrong user", "malformed"])
def test_a_wrong_address_is_a_clear_error_without_the_password(register, run, pg_server,
                                                                where):
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(pg_database_url(pg_server, "no_such_database" if where ==
                                     "wrong database" else "postgres"))
    user = "nobody_here" if where == "wrong user" else parts.username
    netloc = f"{user}:S3cret-pw@{parts.hostname or ''}"
    query = parts.query.replace("port=", "port=1") if where == "wrong port" else parts.query
    url = urlunsplit(parts._replace(netloc=netloc, query=query))
    if where == "malformed":
        url = "postgresql://seniorcli:S3cret-pw@[no-end/register"
    for args in (("copy-db", register, url), ("copy-db", url, register)):
        r = run(*args)
        assert r.exit_code == 1
        assert "S3cret-pw" not in r.stderr + r.stdout
        assert "cannot connect" in r.stderr or "cannot use the PostgreSQL database" in \
            r.stderr, r.stderr
        assert "***" in r.stderr or "postgresql://…" in r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr


def test_postgresql_to_postgresql(register, run, pg_database, other_pg):
    """From one server database to another (a move to a new server): the same rows, and the
    same high-water marks of the ids."""
    assert run("copy-db", register, pg_database).exit_code == 0
    r = run("copy-db", pg_database, other_pg)
    assert r.exit_code == 0, r.stderr
    assert db_snapshot(other_pg) == db_snapshot(pg_database)
    marks = ("SELECT last_value, is_called FROM conversation_id_seq UNION ALL "
             "SELECT last_value, is_called FROM agreement_id_seq UNION ALL "
             "SELECT last_value, is_called FROM audit_id_seq")
    assert db_rows(other_pg, marks) == db_rows(pg_database, marks)
    assert db_rows(other_pg, marks)[0] == (6, 1)  # the withdrawn outcome 6 stays taken
