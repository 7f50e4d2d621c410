"""When the database file or the disk under it is the problem: each case gets its own plain
message (never "not an SQLite file" for a full disk), the file is made private, and a message
never claims that nothing was changed when the command had already saved its change.

Read-only folders and files and a full disk are made for real: a read-only bind mount and a
small tmpfs in a private mount namespace (``unshare --mount``; the tests run as root, where
chmod does not stop writes). Where that is not permitted the tests are skipped, saying why.

What is said about the change being saved or not holds on both engines (both_engines); files,
disks and SQLite's locks are SQLite's."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest

from conftest import AS_OF, db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

ROSTER = ("id,name,birth_date,hire_date", "1,Anna Andersen,1960-01-01,2000-01-01",
          "2,Bo Berg,1961-01-01,2000-01-01")


def cli(db: Path, *args, check=True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SENIORCLI_DB"}
    p = subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(db), *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@cache
def _namespaces() -> str | None:
    """None when private mount namespaces with bind and tmpfs mounts work here, else why not."""
    probe = subprocess.run(["unshare", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt && mount --bind /mnt /mnt"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"no private mount namespace here ({probe.stderr.strip() or 'unshare failed'})"
    return None


_RUNNER = textwrap.dedent("""
    import json, os, subprocess, sys
    out = []
    env = {k: v for k, v in os.environ.items() if k != "SENIORCLI_DB"}
    for step in json.loads(sys.argv[1]):
        if step[0] == "sh":
            p = subprocess.run(step[1], shell=True, capture_output=True, text=True)
        else:
            p = subprocess.run([sys.executable, "-m", "seniorcli", *step], capture_output=True,
                               text=True, env=env)
        out.append({"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr})
    print(json.dumps(out))
""")


def in_namespace(mounts: str, *steps: list) -> list[dict]:
    """Run ``mounts`` (shell) in a private mount namespace, then each step there: a seniorcli
    argument list, or ["sh", COMMAND]. The mounts vanish with the namespace."""
    why = _namespaces()
    if why:
        pytest.skip(why)
    steps_json = json.dumps([[str(a) for a in s] for s in steps])
    p = subprocess.run(["unshare", "--mount", "sh", "-c", f'{mounts} && exec "$0" -c "$1" "$2"',
                        sys.executable, _RUNNER, steps_json], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def make_db(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    db = folder / "hr.db"
    cli(db, "import", write_csv(folder.parent / "roster.csv", *ROSTER), "--as-of", AS_OF)
    return db


# --- permissions ---------------------------------------------------------------------------

def test_an_existing_database_and_its_wal_and_shm_are_made_private(tmp_path):
    db = make_db(tmp_path / "data")
    holder = sqlite3.connect(db)  # keeps the -wal and -shm in place, as another reader would
    holder.execute("SELECT count(*) FROM employee").fetchone()
    cli(db, "log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    for f in files:
        os.chmod(f, 0o644)  # a copy made with cp, or an older tool under umask 022
    cli(db, "employees", "-f", "json")  # opening it, even to read, is enough
    modes = {f.name: oct(os.stat(f).st_mode & 0o777) for f in files}
    holder.close()
    assert modes == {f.name: "0o600" for f in files}


def test_a_new_wal_after_loose_permissions_is_private_too(tmp_path):
    db = make_db(tmp_path / "data")
    os.chmod(db, 0o664)
    assert not Path(f"{db}-wal").exists()
    holder = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # nothing written by us yet
    cli(db, "log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    holder.execute("SELECT count(*) FROM conversation").fetchone()  # -wal/-shm now in use
    for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert os.stat(f).st_mode & 0o777 == 0o600, f
    holder.close()


# --- read-only folder and file --------------------------------------------------------------

def test_a_read_only_folder_is_named_as_such_not_as_a_foreign_file(tmp_path):
    folder = tmp_path / "share"
    db = make_db(folder)
    before = db_snapshot(db)
    read, write = in_namespace(
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}",
        ["--db", db, "employees", "-f", "json"],
        ["--db", db, "log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF])
    for r in (read, write):
        assert r["rc"] == 1, r
        assert f"cannot write in the folder {folder}: it is read-only" in r["stderr"]
        assert "hr.db-wal" in r["stderr"] and "nothing was changed" in r["stderr"]
        assert "not an SQLite file" not in r["stderr"] and "internal error" not in r["stderr"]
    assert db_snapshot(db) == before


def test_a_read_only_database_file_can_be_read_but_a_write_says_read_only(tmp_path):
    db = make_db(tmp_path / "data")
    before = db_snapshot(db)
    read, write = in_namespace(
        f"mount --bind {db} {db} && mount -o remount,bind,ro {db}",
        ["--db", db, "employees", "-f", "json", "--as-of", AS_OF],
        ["--db", db, "log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF])
    assert read["rc"] == 0 and [e["name"] for e in json.loads(read["stdout"])] == \
        ["Anna Andersen", "Bo Berg"]
    assert write["rc"] == 1
    assert f"the database {db} is read-only" in write["stderr"]
    assert "nothing was changed" in write["stderr"] and "not an SQLite" not in write["stderr"]
    assert db_snapshot(db) == before


# --- full disk ------------------------------------------------------------------------------

def test_a_full_disk_is_named_and_the_database_is_left_as_it_was(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    db = disk / "hr.db"
    small = write_csv(tmp_path / "small.csv", *ROSTER)
    big = tmp_path / "big.csv"
    big.write_text("id,name,birth_date\n" + "".join(
        f"{i},Person number {i} with a rather long name,1960-01-01\n" for i in range(20_000)))
    setup, _fill, grow, _free, after = in_namespace(
        f"mount -t tmpfs -o size=600k tmpfs {disk}",
        ["--db", db, "import", small, "--as-of", AS_OF],
        ["sh", f"dd if=/dev/zero of={disk}/filler bs=1k count=2000"],  # fills it, then fails
        ["--db", db, "import", big, "--as-of", AS_OF],
        ["sh", f"rm {disk}/filler"],
        ["--db", db, "employees", "-f", "json", "--as-of", AS_OF])
    assert setup["rc"] == 0, setup
    assert grow["rc"] == 1, grow
    assert "the disk is full" in grow["stderr"] and "nothing was changed" in grow["stderr"]
    assert "not an SQLite file" not in grow["stderr"]
    assert "internal error" not in grow["stderr"] and "Traceback" not in grow["stderr"]
    assert after["rc"] == 0, after
    assert [e["name"] for e in json.loads(after["stdout"])] == ["Anna Andersen", "Bo Berg"]


def test_a_new_database_on_a_full_disk_is_refused_and_no_empty_file_is_left(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    roster = write_csv(tmp_path / "r.csv", *ROSTER)
    _fill, imp, listing = in_namespace(
        f"mount -t tmpfs -o size=600k tmpfs {disk}",
        ["sh", f"dd if=/dev/zero of={disk}/filler bs=1k count=2000"],
        ["--db", disk / "hr.db", "import", roster, "--as-of", AS_OF],
        ["sh", f"ls -A {disk}"])
    assert imp["rc"] == 1 and "the disk is full" in imp["stderr"], imp
    assert listing["stdout"].split() == ["filler"]


# --- locked, foreign, damaged ---------------------------------------------------------------

@pytest.mark.sqlite_only
def test_a_locked_database_says_so_after_waiting(run, db, tmp_path, monkeypatch):
    from seniorcli.db import engine

    run("import", write_csv(tmp_path / "r.csv", *ROSTER), "--as-of", AS_OF)
    before = db_snapshot(db)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program in the middle of writing
    try:
        r = run("log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.exit_code == 1
    assert f"the database {db} is locked" in r.stderr
    assert "more than 0.3 seconds" in r.stderr and "nothing was changed" in r.stderr
    assert "internal error" not in r.stderr
    assert db_snapshot(db) == before


def test_a_file_that_is_not_a_database_is_named_as_such_and_left_alone(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("Referat fra MED-mødet\n")
    p = cli(notes, "employees", check=False)
    assert p.returncode == 1
    assert "is not a seniorcli database (not an SQLite file)" in p.stderr
    assert notes.read_text() == "Referat fra MED-mødet\n"
    assert not Path(f"{notes}-wal").exists()


def test_a_damaged_database_points_to_restore(tmp_path):
    db = tmp_path / "hr.db"
    roster = tmp_path / "big.csv"
    roster.write_text("id,name,birth_date\n" + "".join(
        f"{i},Person {i},1960-01-01\n" for i in range(3000)))
    cli(db, "import", roster, "--as-of", AS_OF)
    with db.open("r+b") as f:  # garbage over the B-tree pages, as a failing disk leaves
        for page in range(2, 60):
            f.seek(4096 * page)
            f.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff")
    p = cli(db, "employees", "-f", "json", check=False)
    assert p.returncode == 1
    assert f"the database {db} is damaged" in p.stderr
    assert "seniorcli restore" in p.stderr and "Traceback" not in p.stderr


# --- the truth about what was saved ---------------------------------------------------------

@pytest.fixture
def leaver(run, tmp_path):
    run("import", write_csv(tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
                            "OLD,Olga Gammel,1950-01-01,2000-01-01,2019-12-31",
                            "NOW,Nina Nu,1960-01-01,2000-01-01,"), "--as-of", AS_OF)


def _ids(db: Path | str) -> set[str]:
    return {r[0] for r in db_rows(db, "SELECT employee_id FROM employee")}


def test_an_internal_error_after_the_commit_does_not_claim_nothing_changed(
        run, db, leaver, monkeypatch):
    from seniorcli.services import admin

    def broken(conn, done=None):
        raise RuntimeError("a bug after the commit")

    monkeypatch.setattr(admin, "scrub", broken)
    r = run("purge", "--left-before", "2021-01-01", "--yes")
    assert r.exit_code == 1
    assert "unexpected internal error (RuntimeError)" in r.stderr
    assert "already saved its change" in r.stderr and "nothing was changed" not in r.stderr
    assert _ids(db) == {"NOW"}  # it was indeed saved


def test_a_refusal_after_the_commit_adds_that_the_change_was_saved(run, db, leaver, monkeypatch):
    from seniorcli.errors import SeniorError
    from seniorcli.services import admin

    def refuses(conn, done=None):
        raise SeniorError("the file could not be cleaned")

    monkeypatch.setattr(admin, "scrub", refuses)
    r = run("purge", "--left-before", "2021-01-01", "--yes")
    assert r.exit_code == 1
    assert "Error: the file could not be cleaned" in r.stderr
    assert "had already saved its change to the database before the error" in r.stderr
    assert _ids(db) == {"NOW"}


def test_a_refusal_before_any_commit_gets_no_such_note(run, db, leaver):
    r = run("log", "E404", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    assert r.exit_code == 1 and "no employee" in r.stderr
    assert "saved" not in r.stderr


def test_a_disk_error_after_the_commit_says_the_change_was_saved():
    from seniorcli.db.engine import explain

    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorname = "SQLITE_FULL"
    saved = explain(full, Path("/data/hr.db"), saved=True)
    assert "the disk is full" in saved.message and "already saved its change" in saved.message
    assert "nothing was changed" not in saved.message
    assert "nothing was changed" in explain(full, Path("/data/hr.db")).message


def test_a_rollback_after_sqlite_rolled_back_by_itself_keeps_the_real_error():
    """After a full disk SQLite has already rolled back; the ROLLBACK that follows fails with
    'no transaction is active', which must not hide the full disk."""
    from seniorcli.db.engine import explain

    try:
        try:
            e = sqlite3.OperationalError("database or disk is full")
            e.sqlite_errorname = "SQLITE_FULL"
            raise e
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except sqlite3.OperationalError as hidden:
        assert "the disk is full" in explain(hidden, Path("hr.db")).message
