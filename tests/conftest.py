"""Shared fixtures: a private database per test and a CLI runner that keeps stdout and stderr
apart. Every test passes fixed dates (--as-of), never today's."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

# Tests read English unless they ask for Danish (run(..., lang="da"), or SENIORCLI_LANG=da in a
# subprocess's environment). Set before the command line is imported: help texts are built at
# import, in the language of the environment; subprocesses inherit it through os.environ.
os.environ["SENIORCLI_LANG"] = "en"

from seniorcli.cli import app  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-11-01"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def csv(self) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.stdout)))


@pytest.fixture(autouse=True)
def _language_from_this_tests_environment():
    """The CLI reads the language from the environment once per command; a test that sets it
    and then formats or translates directly must see its own setting, not the last one."""
    from seniorcli import i18n

    i18n.refresh()
    yield
    i18n.refresh()


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test module marked ``both_engines`` runs each of its tests that uses the ``db`` fixture
    on SQLite and on PostgreSQL (unless the test is marked ``sqlite_only``: file permissions,
    WAL files, backups of a file)."""
    node = metafunc.definition
    if ("engine" in metafunc.fixturenames and node.get_closest_marker("both_engines")
            and not node.get_closest_marker("sqlite_only")):
        metafunc.parametrize("engine", ENGINES)


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a PostgreSQL server's ``postgres`` database where tests may create databases:
    SENIORCLI_TEST_PG, or a throw-away cluster started here (tests/pgcluster.py). Without
    PostgreSQL installed the PostgreSQL variants are skipped, unless SENIORCLI_TEST_PG_REQUIRED
    is set (`.ci/run` sets it: there they must run)."""
    url = os.environ.get("SENIORCLI_TEST_PG")
    folder = None
    if not url:
        from pgcluster import binaries, start

        if binaries() is None:
            if os.environ.get("SENIORCLI_TEST_PG_REQUIRED"):
                pytest.fail("PostgreSQL is required (SENIORCLI_TEST_PG_REQUIRED) but not found")
            pytest.skip("PostgreSQL is not installed: the PostgreSQL variants are skipped")
        url, folder = start()
    yield url
    if folder is not None:
        from pgcluster import stop

        stop(folder)


def pg_database_url(server: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server`` (a URL of its postgres db)."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(server)._replace(path="/" + name))


@contextlib.contextmanager
def new_pg_database(pg_server: str):
    """A new, empty PostgreSQL database on the test server: its URL; dropped afterwards."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield pg_database_url(pg_server, name)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_database(pg_server: str):
    """A new, empty PostgreSQL database for one test: its URL. Dropped afterwards."""
    with new_pg_database(pg_server) as url:
        yield url


@pytest.fixture
def engine() -> str:
    """The engine of the test's register: SQLite unless the module is marked both_engines."""
    return "sqlite"


@pytest.fixture
def db(tmp_path: Path, engine: str, request: pytest.FixtureRequest):
    """The test's own register: an SQLite file path, or (engine postgresql) the URL of a new
    PostgreSQL database, as a string — what `--db` is given."""
    if engine == "postgresql":
        return request.getfixturevalue("pg_database")
    return tmp_path / "test.db"


@pytest.fixture
def run(db: Path, monkeypatch: pytest.MonkeyPatch):
    """run("import", "file.csv") → Result, against the test's own database, in English
    (``lang="da"``: in Danish; ``lang=""``: as chosen by config set language and the locale).

    Standard error counts as a terminal, so summaries show as a person sees them;
    ``terminal=False`` runs as cron does (summaries are then not printed)."""
    from seniorcli.cli import common

    monkeypatch.delenv("SENIORCLI_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def _run(*args: str, input: str | None = None, terminal: bool = True,
             lang: str = "en") -> Result:
        """``lang="da"``: as a Danish user sees it (messages, tables; help texts stay in the
        language the command line was imported in, English in tests)."""
        monkeypatch.setattr(common, "stderr_is_terminal", lambda: terminal)
        monkeypatch.setenv("SENIORCLI_LANG", lang)
        r = runner.invoke(app, ["--db", str(db), *map(str, args)], input=input)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r.exit_code, r.stdout, r.stderr)

    return _run


@pytest.fixture
def fixture_file(tmp_path: Path):
    """A copy of a named fixture file (so tests may change it)."""

    def _copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(FIXTURES / name, target)
        return target

    return _copy


def write_csv(path: Path, header: str, *rows: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def db_snapshot(db: Path | str) -> dict:
    """Everything a user could see in the database, to prove a refusal changed nothing."""
    import sqlite3

    if isinstance(db, str):
        import psycopg

        with psycopg.connect(db) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY 1")]
            return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                    for t in tables}
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in tables}
    finally:
        conn.close()


def db_rows(db: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of a query (``?`` placeholders) on the test's register, either engine, as
    SQLite gives them (PostgreSQL's dates as ISO text, booleans as 0/1: db/postgres.py)."""
    if isinstance(db, str):
        import psycopg

        from seniorcli.db.postgres import _configure, translate

        with psycopg.connect(db, autocommit=True) as pg:
            _configure(pg)
            return [tuple(r) for r in pg.execute(translate(sql), params).fetchall()]
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def db_execute(db: Path | str, statement: str, params: tuple = ()) -> None:
    """Change the test's register directly (``?`` placeholders), either engine: to set a stamp
    of the real clock, or to take a register back to an older schema."""
    if isinstance(db, str):
        import psycopg

        from seniorcli.db.postgres import translate

        with psycopg.connect(db, autocommit=True) as pg:
            pg.execute(translate(statement), params)
        return
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA foreign_keys = ON")  # as the tool's connections have it
        conn.execute(statement, params)
        conn.commit()
    finally:
        conn.close()
