"""What only a PostgreSQL register has: an address instead of a file, a server that may be down,
a database without a register yet, several registers in one database (one schema each), a
password that must never be shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from seniorcli.cli import app

from conftest import AS_OF, pg_database_url

SAMPLE = str(Path(__file__).resolve().parent.parent / "data" / "sample_roster.csv")


def cli(target: str, *args: str, env: dict | None = None):
    r = CliRunner().invoke(app, ["--db", target, *args] if target else list(args),
                           env={"SENIORCLI_LANG": "en", **(env or {})})
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def tables(url: str, schema: str = "public") -> set[str]:
    import psycopg

    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))}


def test_import_then_due_through_the_environment_variable(pg_database, monkeypatch):
    monkeypatch.setenv("SENIORCLI_DB", pg_database)
    r = cli("", "import", SAMPLE, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert {"employee", "conversation", "agreement", "audit", "setting",
            "seniorcli_schema"} <= tables(pg_database)
    r = cli("", "due", "--rules", "koege", "--as-of", AS_OF, "--format", "csv")
    assert r.exit_code == 0, r.stderr
    assert len(r.stdout.splitlines()) > 1


def test_a_reading_command_on_a_database_without_a_register_creates_nothing(pg_database):
    r = cli(pg_database, "due", "--rules", "koege", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "no seniorcli register" in r.stderr and "import" in r.stderr
    assert "Traceback" not in r.stderr
    assert tables(pg_database) == set()


def test_a_dry_run_leaves_no_register_behind(pg_database):
    r = cli(pg_database, "import", SAMPLE, "--as-of", AS_OF, "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert tables(pg_database) == set()
    assert cli(pg_database, "due", "--rules", "koege", "--as-of", AS_OF).exit_code == 1


def test_a_missing_database_is_named_without_the_password(pg_server):
    url = pg_database_url(pg_server, "no_such_register").replace(
        "postgresql://seniorcli@", "postgresql://seniorcli:hemmelig-kode@")
    r = cli(url, "due", "--rules", "koege", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "no_such_register" in r.stderr and "does not exist" in r.stderr
    assert "hemmelig-kode" not in r.stderr + r.stdout
    assert "Traceback" not in r.stderr


def test_a_server_that_is_not_running_is_said_plainly(tmp_path):
    url = f"postgresql://seniorcli:hemmelig-kode@/x?host={tmp_path}&port=1"
    r = cli(url, "import", SAMPLE, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "cannot use the PostgreSQL database" in r.stderr or "cannot connect" in r.stderr
    assert "server" in r.stderr and "hemmelig-kode" not in r.stderr


def test_another_programs_tables_are_refused_and_left_alone(pg_database):
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as c:
        c.execute("CREATE TABLE employee (id int)")
    r = cli(pg_database, "import", SAMPLE, "--as-of", AS_OF)
    assert r.exit_code == 1 and "another program" in r.stderr
    assert tables(pg_database) == {"employee"}


def test_a_register_of_a_newer_version_is_refused(pg_database):
    import psycopg

    assert cli(pg_database, "import", SAMPLE, "--as-of", AS_OF).exit_code == 0
    with psycopg.connect(pg_database, autocommit=True) as c:
        c.execute("UPDATE seniorcli_schema SET version = version + 1")
    r = cli(pg_database, "due", "--rules", "koege", "--as-of", AS_OF)
    assert r.exit_code == 1 and "newer seniorcli" in r.stderr


def in_schema(url: str, schema: str) -> str:
    """The address of the register in ``schema`` of the database at ``url``."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def two_schemas(url: str) -> tuple[str, str]:
    """Schemas koege and albertslund in the database: the addresses of their registers."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE SCHEMA koege")
        c.execute("CREATE SCHEMA albertslund")
    return in_schema(url, "koege"), in_schema(url, "albertslund")


def test_one_database_holds_one_register_per_municipality_in_its_own_schema(pg_database):
    """A payroll centre: `?options=-csearch_path%3Dkoege` chooses the municipality's schema."""
    koege, albertslund = two_schemas(pg_database)
    assert cli(koege, "import", SAMPLE, "--as-of", AS_OF).exit_code == 0
    assert "employee" in tables(pg_database, "koege")
    assert tables(pg_database, "albertslund") == set()
    r = cli(albertslund, "employees", "--as-of", AS_OF)
    assert r.exit_code == 1 and "no seniorcli register" in r.stderr
    r = cli(koege, "employees", "--as-of", AS_OF, "--format", "csv")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) > 100


@pytest.mark.parametrize("typo", ["postgres://", "postgresql://"])
def test_both_spellings_of_the_scheme_are_an_address_not_a_file(pg_database, typo, tmp_path,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = typo + pg_database.split("://", 1)[1]
    r = cli(url, "import", SAMPLE, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert list(tmp_path.iterdir()) == []  # no file named after the address


def test_registers_in_two_schemas_do_not_wait_for_each_others_writes(pg_database, tmp_path):
    """A payroll centre: Køge's import, held open before its commit, does not keep Albertslund's
    import waiting (the write lock is per schema)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    koege, albertslund = two_schemas(pg_database)
    for url in (koege, albertslund):
        assert cli(url, "import", SAMPLE, "--as-of", AS_OF).exit_code == 0
    marker = tmp_path / "holding"
    env = {**os.environ, "SENIORCLI_LANG": "en", "SENIORCLI_TEST_HOLD_COMMIT": str(marker)}
    holder = subprocess.Popen([sys.executable, "-m", "seniorcli", "--db", koege, "import",
                               SAMPLE, "--as-of", AS_OF], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + 60
        while not marker.exists():
            assert holder.poll() is None and time.monotonic() < end
            time.sleep(0.05)
        t0 = time.monotonic()
        other = subprocess.run([sys.executable, "-m", "seniorcli", "--db", albertslund, "import",
                                SAMPLE, "--as-of", AS_OF], capture_output=True, text=True,
                               timeout=50, env={**os.environ, "SENIORCLI_LANG": "en"})
        assert other.returncode == 0, other.stderr
        assert time.monotonic() - t0 < 20
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def test_a_password_in_the_query_string_is_never_shown(pg_server, tmp_path):
    url = pg_database_url(pg_server, "no_such_register") + "&password=hemmelig-kode"
    for args in (("due", "--rules", "koege", "--as-of", AS_OF),
                 ("copy-db", str(tmp_path / "x.db"), url)):
        r = cli(url if args[0] != "copy-db" else "", *args)
        assert r.exit_code == 1
        assert "hemmelig-kode" not in r.stderr + r.stdout
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("typo", ["postgresq://hr@server/seniorer", "mysql://hr@server/x",
                                  "postgressql://hr@server/x"])
def test_an_address_seniorcli_cannot_use_is_refused_not_taken_as_a_file(typo, tmp_path,
                                                                        monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli(typo, "import", SAMPLE, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "is not an address seniorcli can use" in r.stderr
    r = cli("", "copy-db", SAMPLE, typo)
    assert r.exit_code == 1 and "is not an address" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_schema_that_does_not_exist_is_named(pg_database):
    url = in_schema(pg_database, "koge")
    r = cli(url, "import", SAMPLE, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "koge" in r.stderr and "does not exist" in r.stderr
    assert "internal error" not in r.stderr


def test_lists_sort_as_on_sqlite_on_a_danish_server(pg_server, tmp_path):
    """Text columns compare by bytes (COLLATE "C") whatever the database's locale: on a
    database with Danish (ICU) collation the lists come out as on SQLite."""
    import psycopg

    from conftest import new_pg_database

    roster = tmp_path / "r.csv"
    people = [("B2", "Bo", "Borgerservice"), ("a1", "Anne", "hjemmepleje"),
              ("D4", "Dan", "IT"), ("c3", "Cai", "Økonomi"), ("e5", "Eva", "aa-afdeling")]
    roster.write_text("employee_id,name,birth_date,department,hire_date\n" + "".join(
        f"{i},{n},1962-03-0{k + 1},{d},2000-01-01\n" for k, (i, n, d) in enumerate(people)),
        encoding="utf-8")
    sqlite_db = str(tmp_path / "s.db")
    outputs = []
    with psycopg.connect(pg_server, autocommit=True) as c:
        icu = c.execute("SELECT count(*) FROM pg_collation WHERE collname = 'da-DK-x-icu'"
                        ).fetchone()[0]
    if not icu:
        pytest.skip("no ICU collations on this server")
    with new_pg_database(pg_server) as url:
        with psycopg.connect(url, autocommit=True) as c:  # the test cluster's default
            if c.execute("SELECT datlocprovider FROM pg_database WHERE datname = "
                         "current_database()").fetchone()[0] != "i":
                pytest.skip("the test server's databases do not collate with ICU")
        for target in (sqlite_db, url):
            assert cli(target, "import", str(roster), "--as-of", AS_OF).exit_code == 0
            results = [cli(target, *args) for args in (
                ("employees", "--as-of", AS_OF, "--format", "csv"),
                ("seniordays", "--year", "2027", "--format", "csv"),
                ("show", "b2", "--as-of", AS_OF))]
            assert [r.exit_code for r in results] == [0, 0, 0], [r.stderr for r in results]
            outputs.append([r.stdout for r in results])
    assert outputs[0] == outputs[1]


def test_the_audit_log_names_the_role_the_server_let_in(pg_database):
    """The operating-system user is whatever the client's environment says; the PostgreSQL
    role is what the server checked."""
    assert cli(pg_database, "import", SAMPLE, "--as-of", AS_OF,
               env={"USER": "mallory", "LOGNAME": "mallory"}).exit_code == 0
    import json

    r = cli(pg_database, "audit", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)[-1]["os_user"].endswith("(PostgreSQL: seniorcli)")
