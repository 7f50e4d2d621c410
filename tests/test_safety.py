"""Safe unattended and on bad days: concurrency, crashes, upgrades, backup, audit, purge,
privacy. Points about processes use real processes. The audit log and purge are tested on
both engines (both_engines); what is about an SQLite file (its bytes, its -wal) on SQLite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURES, db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

ROOT = Path(__file__).parent.parent


def cli(db: Path, *args, env_extra=None, check=True, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    env.pop("SENIORCLI_DB", None)
    p = subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(db), *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=180, **kw)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def popen(db: Path, *args, env_extra=None) -> subprocess.Popen:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-m", "seniorcli", "--db", str(db),
                             *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def big_roster(path: Path, n: int, first: int = 0, dept: str = "A") -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write("employee_id;name;birth_date;department\n")
        for i in range(first, first + n):
            f.write(f"{i:07d};Person {i};{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d};"
                    f"{dept}\n")
    return path


# --- concurrency --------------------------------------------------------------------------

def test_two_imports_at_once_both_succeed_as_if_one_after_the_other(tmp_path):
    db = tmp_path / "c.db"
    a = big_roster(tmp_path / "a.csv", 60_000, 0, "A")
    # B leaves out 3,000 of A's (5 %: under the marked-as-left guard, see test_guards)
    b = big_roster(tmp_path / "b.csv", 60_000, 3_000, "B")
    cli(db, "config", "set", "rules", "norddjurs")  # create the file first, as a cron setup would
    procs = [popen(db, "import", a, "--as-of", AS_OF), popen(db, "import", b, "--as-of", AS_OF)]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("locked" not in err for _, err in results)
    conn = sqlite3.connect(db)
    total = conn.execute("SELECT count(*) FROM employee").fetchone()[0]
    left = conn.execute("SELECT count(*) FROM employee WHERE leave_date IS NOT NULL"
                        ).fetchone()[0]
    depts = dict(conn.execute("SELECT department, count(*) FROM employee "
                              "WHERE leave_date IS NULL GROUP BY department"))
    # Serially, the second full import wins: its 60,000 are current, the other 3,000 left.
    assert total == 63_000 and left == 3_000
    assert depts in ({"A": 60_000}, {"B": 60_000})


def test_an_import_and_a_log_at_once_both_succeed(tmp_path):
    db = tmp_path / "c.db"
    a = big_roster(tmp_path / "a.csv", 80_000)
    cli(db, "import", a, "--as-of", AS_OF)
    imp = popen(db, "import", a, "--as-of", AS_OF)
    time.sleep(0.3)
    logs = [cli(db, "log", f"{i:07d}", "held", "--date", "2026-10-01", "--as-of", AS_OF,
                check=False) for i in range(5)]
    out, err = imp.communicate(timeout=180)
    assert imp.returncode == 0, err
    assert [p.returncode for p in logs] == [0] * 5, [p.stderr for p in logs]
    n = sqlite3.connect(db).execute("SELECT count(*) FROM conversation").fetchone()[0]
    assert n == 5


# --- crash safety -------------------------------------------------------------------------

def _state(db: Path) -> dict:
    snap = db_snapshot(db)
    snap.pop("audit", None)
    return snap


@pytest.mark.parametrize("where", ["while reading", "inside the write transaction"])
def test_sigkill_during_a_large_import_changes_nothing(tmp_path, where):
    db = tmp_path / "k.db"
    small = write_csv(tmp_path / "s.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    cli(db, "import", small, "--as-of", AS_OF)
    before = db_snapshot(db)
    big = big_roster(tmp_path / "big.csv", 300_000)
    marker = tmp_path / "holding"
    env = {"SENIORCLI_TEST_HOLD_COMMIT": str(marker)} if "transaction" in where else None
    p = popen(db, "import", big, "--as-of", AS_OF, env_extra=env)
    if env:
        deadline = time.time() + 120
        while not marker.exists() and time.time() < deadline and p.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), p.stderr.read() if p.poll() is not None else "no marker"
    else:
        time.sleep(0.4)  # started (~0.15 s), far from done (300,000 rows take over a second)
    assert p.poll() is None, "the import finished before it could be killed"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert db_snapshot(db) == before
    r = cli(db, "employees", "--as-of", AS_OF, "-f", "json")
    assert '"Anna"' in r.stdout
    cli(db, "import", small, "--as-of", AS_OF)


@pytest.mark.sqlite_only  # the reader process feeds SQLite's import
def test_a_reader_process_that_dies_is_an_error_and_nothing_changes(run, db, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("SENIORCLI_IMPORT_WORKER", "1")
    run("import", FIXTURES / "utf8_bom.csv", "--as-of", AS_OF)
    before = db_snapshot(db)
    dies = tmp_path / "python"
    dies.write_text("#!/bin/sh\nexit 3\n")
    dies.chmod(0o755)
    monkeypatch.setattr("sys.executable", str(dies))
    r = run("import", FIXTURES / "utf8_bom.csv", "--as-of", "2026-12-01")
    assert r.exit_code == 1
    assert "stopped unexpectedly (exit code 3); nothing was imported" in r.stderr
    assert "SENIORCLI_IMPORT_WORKER=0" in r.stderr and "Traceback" not in r.stderr
    assert db_snapshot(db) == before


# --- upgrades -----------------------------------------------------------------------------

def test_the_first_released_schema_is_read_with_every_row_intact(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", db)
    before = db_snapshot(db)
    r = cli(db, "employees", "--include-left", "-f", "json", "--as-of", AS_OF)
    assert r.stdout.count('"employee_id"') == 200
    after = db_snapshot(db)
    for table in ("conversation", "setting"):
        assert after[table] == before[table], table
    # schema 3 added agreement.withdrawn_at: none was withdrawn
    assert [row[:-1] for row in after["agreement"]] == before["agreement"]
    assert all(row[-1] is None for row in after["agreement"])
    # schema 2 added employee.last_import (empty until the next import) and the due cache,
    # which schema 3 dropped again; schema 3 added employee.left_by_import (empty: how a
    # version 1 leaver left is not known) and employee.back_by_import
    assert [row[:-3] for row in after["employee"]] == before["employee"]
    assert all(row[-3:] == (None, None, None) for row in after["employee"])
    assert "due_cache" not in after
    assert cli(db, "config", "get", "rules").stdout.strip() == "albertslund"
    due = cli(db, "due", "--as-of", AS_OF, "-f", "json").stdout
    assert '"reason"' in due


def test_the_second_schema_is_read_and_its_kept_due_answers_dropped(tmp_path):
    """schema_v2.db: written by the release that added due_cache (never regenerate it; add
    schema_v3.db beside it when v3 ships). Schema 3 drops the kept answers (they did not depend
    on the as-of date); the list is the one the release that wrote the file gave on AS_OF (it
    has nothing logged after that day)."""
    db = tmp_path / "v2.db"
    shutil.copy(FIXTURES / "schema_v2.db", db)
    before = db_snapshot(db)
    assert len(before["due_cache"]) == 76 and len(before["employee"]) == 200
    kept = cli(db, "due", "--as-of", AS_OF, "--within", "30", "-f", "json").stdout
    after = db_snapshot(db)
    for table in ("conversation", "setting"):
        assert after[table] == before[table], table
    assert [row[:-1] for row in after["agreement"]] == before["agreement"]  # + withdrawn_at
    # schema 3 added employee.left_by_import and back_by_import: empty, the rest as it was
    assert [row[:-2] for row in after["employee"]] == before["employee"]
    assert all(row[-2:] == (None, None) for row in after["employee"])
    assert "due_cache" not in after
    kept_then = {(r[2], r[1]) for r in before["due_cache"] if r[1] <= "2026-12-01"}
    listed = {(r["employee_id"], r["due_date"]) for r in json.loads(kept)}
    assert len(listed) == 45
    # every answer the old release kept and that falls in the window is listed the same
    assert {x for x in kept_then if x[0] in {e for e, _ in listed}} <= listed


@pytest.mark.parametrize("fixture", ["schema_v1.db", "schema_v2.db"])
def test_every_later_schema_version_upgrades_an_old_file_in_place(tmp_path, monkeypatch, fixture):
    from seniorcli.db import engine, schema

    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / fixture, db)
    before = db_snapshot(db)
    nxt = schema.LATEST + 1
    monkeypatch.setitem(schema.MIGRATIONS, nxt, ("ALTER TABLE employee ADD COLUMN nickname TEXT",))
    monkeypatch.setattr(engine, "LATEST", nxt)
    conn = engine.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == nxt
    rows = conn.execute("SELECT employee_id, name, nickname FROM employee").fetchall()
    assert len(rows) == 200 and all(r[2] is None for r in rows)
    conn.close()
    after = db_snapshot(db)
    assert after["conversation"] == before["conversation"]
    # schema 3 added agreement.withdrawn_at (an older file's agreements keep it empty)
    assert [row[:len(before["agreement"][0])] for row in after["agreement"]] == \
        before["agreement"]


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path):
    db = tmp_path / "new.db"
    shutil.copy(FIXTURES / "schema_v1.db", db)
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    data = db.read_bytes()
    p = cli(db, "employees", check=False)
    assert p.returncode == 1 and "newer seniorcli (schema version 99)" in p.stderr
    assert db.read_bytes() == data


# --- backup -------------------------------------------------------------------------------

def test_backup_is_consistent_and_private_while_another_process_writes(tmp_path):
    db = tmp_path / "b.db"
    a = big_roster(tmp_path / "a.csv", 50_000, 0, "A")
    b = big_roster(tmp_path / "b.csv", 50_000, 0, "B")
    cli(db, "import", a, "--as-of", AS_OF)
    writer = popen(db, "import", b, "--as-of", AS_OF)
    copies = []
    while writer.poll() is None or not copies:
        target = tmp_path / f"backup{len(copies)}.db"
        cli(db, "backup", target)
        copies.append(target)
    assert writer.wait() == 0
    for copy in copies:
        assert os.stat(copy).st_mode & 0o777 == 0o600
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        depts = dict(conn.execute("SELECT department, count(*) FROM employee GROUP BY 1"))
        assert depts in ({"A": 50_000}, {"B": 50_000})  # before or after, never half


def test_backup_refuses_the_database_itself(tmp_path):
    db = tmp_path / "b.db"
    cli(db, "config", "set", "rules", "norddjurs")
    p = cli(db, "backup", db, check=False)
    assert p.returncode == 1 and "the database itself" in p.stderr


# --- audit --------------------------------------------------------------------------------

def test_every_write_is_audited_without_personal_data(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna Hemmelig,1960-01-01",
                  "2,Bo,1961-01-01")
    run("import", f, "--as-of", AS_OF)
    run("log", "1", "held", "--date", "2026-10-01", "--note", "Hemmelig note", "--as-of", AS_OF)
    run("agreement", "add", "1", "--type", "andet", "--start", "2026-01-01", "--end",
        "2026-12-31")
    run("agreement", "end", "1", "--date", "2026-06-30")
    run("config", "set", "rules", "koege")
    rows = run("audit", "-f", "json").json()
    assert [(r["command"], r["rows_changed"]) for r in rows] == [
        ("import", 2), ("log held", 1), ("agreement add", 1), ("agreement end", 1),
        ("config set rules", 1)]
    assert all(r["os_user"] and r["at"].startswith("20") for r in rows)
    text = str(rows)
    assert "Anna" not in text and "Hemmelig" not in text and "1960" not in text
    assert len(run("audit", "--since", "2199-01-01", "-f", "json").json()) == 0


# --- retention ----------------------------------------------------------------------------

@pytest.fixture
def leavers(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
                  "OLD,Olga Gammel,1950-01-01,2000-01-01,2019-12-31",
                  "EDGE,Erik Kant,1950-01-01,2000-01-01,2021-01-01",
                  "NOW,Nina Nu,1960-01-01,2000-01-01,")
    run("import", f, "--as-of", AS_OF)
    run("log", "OLD", "held", "--date", "2019-06-01", "--note", "Olgas note", "--as-of", AS_OF)
    run("agreement", "add", "OLD", "--type", "fratraedelse", "--start", "2019-01-01",
        "--end", "2019-12-31")


def test_purge_needs_yes_when_not_on_a_terminal(run, leavers, db):
    before = db_snapshot(db)
    r = run("purge", "--left-before", "2021-01-01")
    assert r.exit_code == 1 and "--yes" in r.stderr
    assert db_snapshot(db) == before


def test_purge_dry_run_counts_only(run, leavers, db):
    before = db_snapshot(db)
    r = run("purge", "--left-before", "2021-01-01", "--dry-run")
    assert "Would delete 1 employees who left before 2021-01-01, with 1 conversations and 1 " \
           "agreements" in r.stderr
    assert db_snapshot(db) == before


def test_purge_deletes_the_leavers_data_and_audits_counts_only(run, leavers, db):
    r = run("purge", "--left-before", "2021-01-01", "--yes")
    assert r.exit_code == 0, r.stderr
    assert "Deleted 1 employees who left before 2021-01-01" in r.stderr
    ids = {e["employee_id"] for e in run("employees", "--include-left", "-f", "json").json()}
    assert ids == {"EDGE", "NOW"}  # left on 2021-01-01 is not before it
    assert db_rows(db, "SELECT count(*) FROM conversation") == [(0,)]
    assert db_rows(db, "SELECT count(*) FROM agreement") == [(0,)]
    last = run("audit", "-f", "json").json()[-1]
    assert last["command"] == "purge: 1 employees, 1 conversations, 1 agreements"
    assert "Olga" not in str(db_snapshot(db))
    if isinstance(db, Path):
        data = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
        assert b"Olga" not in data and b"Olgas note" not in data
    else:  # the server's files are its own: the summary says how the space is reclaimed
        assert "autovacuum" in r.stderr


def test_purge_forgets_what_corrections_said_of_the_leavers(run, leavers, db):
    """A correction that moved an outcome from a leaver to someone who stays keeps its
    record, but no longer names the purged employee; the leaver's own entries lose their
    employee and detail."""
    r = run("log", "correct", "1", "--employee", "NOW")
    assert r.exit_code == 0, r.stderr
    assert "'OLD'" in str(db_rows(db, "SELECT detail FROM audit WHERE detail IS NOT NULL"))
    assert run("purge", "--left-before", "2021-01-01", "--yes").exit_code == 0
    details = db_rows(db, "SELECT employee_id, detail FROM audit WHERE detail IS NOT NULL")
    assert details and all("OLD" not in str(row) for row in details)
    assert any("a purged employee" in row[1] for row in details)
    assert db_rows(db, "SELECT count(*) FROM audit WHERE employee_id = 'OLD'") == [(0,)]


def _on_disk(db: Path) -> bytes:
    """The raw bytes of the database file and its -wal/-shm: what a disk image would show."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


@pytest.mark.sqlite_only
def test_purge_removes_old_copies_that_free_space_still_held(run, leavers, db):
    """An older tool or a database browser (without secure_delete) changed Olga's row: the old
    copy of it stays in the page's free space, which deleting the row does not touch. Purge
    rewrites the file (VACUUM) so it is gone from the disk too."""
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA secure_delete = OFF")
    raw.execute("UPDATE employee SET department = ? WHERE employee_id = 'OLD'",
                ("Afdelingen med et meget langt navn " * 3,))
    raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    assert db.read_bytes().count(b"Olga Gammel") == 2  # the row, and its old copy
    r = run("purge", "--left-before", "2021-01-01", "--yes")
    assert r.exit_code == 0, r.stderr
    data = _on_disk(db)
    assert b"Olga Gammel" not in data and b"Olgas note" not in data
    assert b"Nina Nu" in data  # what was kept is still there
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.sqlite_only
def test_purge_says_honestly_when_the_file_still_holds_copies_and_a_rerun_cleans_it(
        run, leavers, db, monkeypatch):
    from seniorcli.db import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    reader = sqlite3.connect(db, isolation_level=None)  # another program, mid-read
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM employee").fetchone()
    r = run("purge", "--left-before", "2021-01-01", "--yes")
    assert r.exit_code == 1
    assert "Deleted 1 employee who left before 2021-01-01 from the database, but the deleted " \
           "rows could not be removed from the file on disk" in r.stderr
    assert "another program has the database open" in r.stderr
    assert "nothing was changed" not in r.stderr and "internal error" not in r.stderr
    assert b"Olga Gammel" in _on_disk(db)  # what it said: the old copies are still there
    ids = {e["employee_id"] for e in run("employees", "--include-left", "-f", "json").json()}
    assert ids == {"EDGE", "NOW"}  # but the rows are deleted
    reader.execute("ROLLBACK")
    reader.close()
    again = run("purge", "--left-before", "2021-01-01", "--yes")
    assert again.exit_code == 0, again.stderr
    assert b"Olga Gammel" not in _on_disk(db) and b"Olgas note" not in _on_disk(db)


def test_purge_confirms_on_a_terminal(tmp_path):
    """A real terminal (a pseudo-terminal), answered 'n' then 'y'."""
    import pty

    db = tmp_path / "t.db"
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,leave_date",
                  "OLD,Olga,1950-01-01,2019-12-31", "NOW,Nina,1960-01-01,")
    cli(db, "import", f, "--as-of", AS_OF)

    def answer(reply: bytes) -> str:
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.executable, [sys.executable, "-m", "seniorcli", "--db", str(db),
                                      "purge", "--left-before", "2021-01-01"])
        out = b""
        while b"cannot be undone" not in out:
            out += os.read(fd, 1024)
        os.write(fd, reply + b"\n")
        try:
            while chunk := os.read(fd, 1024):
                out += chunk
        except OSError:
            pass
        os.waitpid(pid, 0)
        return out.decode()

    assert "Nothing was deleted" in answer(b"n")
    assert "Deleted 1 employees" in answer(b"y")


# --- privacy ------------------------------------------------------------------------------

CPRS = ["0101713917", "0201603917", "1010054917", "0101603917", "0101573917", "0102035917"]


def test_no_cpr_digits_anywhere_on_disk_and_every_file_is_private(tmp_path):
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "cfg"), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    roster = FIXTURES / "cpr_9_and_10.csv"
    steps = [
        ("import", roster, "--as-of", AS_OF),
        ("import", roster, "--dry-run", "--as-of", AS_OF),
        ("employees", "-f", "csv", "-o", out / "e.csv"),
        ("employees", "-f", "json", "-o", out / "e.json"),
        ("show", "0007", "--as-of", AS_OF),
        ("due", "--rules", "koege", "--as-of", AS_OF, "-o", out / "due.xlsx"),
        ("log", "0007", "held", "--date", "2026-10-01", "--as-of", AS_OF),
        ("agreement", "add", "0007", "--type", "andet", "--start", "2026-01-01",
         "--end", "2026-12-31"),
        ("agreement", "expiring", "--as-of", AS_OF, "-f", "csv", "--excel", "-o",
         out / "x.csv"),
        ("seniordays", "--year", "2027", "-o", out / "sd.xlsx"),
        ("report", "--rules", "koege", "--as-of", AS_OF, "-o", out / "r.html"),
        ("backup", out / "backup.db"),
        ("audit",),
        ("purge", "--left-before", "2000-01-01", "--yes"),
    ]
    env_db = {**env}
    for step in steps:
        p = subprocess.run([sys.executable, "-m", "seniorcli", *map(str, step)],
                           capture_output=True, text=True, env={**os.environ, **env_db},
                           timeout=120)
        assert p.returncode == 0, (step, p.stderr)
        for cpr in CPRS:
            assert cpr not in p.stdout + p.stderr and cpr[6:] not in p.stderr
    # A refused CPR file does not echo the numbers either.
    bad = write_csv(tmp_path / "bad.csv", "id;name;cpr", "1;A;3213711234")
    p = subprocess.run([sys.executable, "-m", "seniorcli", "import", str(bad)],
                       capture_output=True, text=True, env={**os.environ, **env_db})
    assert p.returncode == 1 and "3213711234" not in p.stderr and "1234" not in p.stderr
    written = [p for p in list(home.rglob("*")) + list(out.rglob("*")) if p.is_file()]
    assert home / "data" / "seniorcli" / "seniorcli.db" in written  # the default location
    assert {p.name for p in written} == {"seniorcli.db", "e.csv", "e.json", "due.xlsx",
                                         "x.csv", "sd.xlsx", "r.html", "backup.db"}
    for path in written:
        assert os.stat(path).st_mode & 0o777 == 0o600, path
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                data += b"".join(z.read(n) for n in z.namelist())
        for cpr in CPRS:
            assert cpr.encode() not in data, (path, cpr)
            assert f"{cpr[:6]}-{cpr[6:]}".encode() not in data, (path, cpr)
    assert not list((tmp_path / "tmp").iterdir())  # no temporary files left behind

