"""`seniorcli restore BACKUP`: the backup is checked first (integrity, a seniorcli database, a
schema this version understands), the database as it was is kept beside it (mode 0600, its
-wal included), no stale -wal is ever read with the restored file, and the restore is audited.

A PostgreSQL register is backed up as an SQLite file too, and restored from one in a single
transaction, the register as it was kept as an SQLite file (the tests marked both_engines)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURES, db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines


def cli(db: Path, *args, check=True, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SENIORCLI_DB"}
    p = subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(db), *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=120, **kw)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def names(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM employee ORDER BY employee_id")]
    finally:
        conn.close()


def held(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM conversation").fetchone()[0]
    finally:
        conn.close()


def kept_beside(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.before-restore-*"))


@pytest.fixture
def setup(tmp_path):
    """A database with two employees, a backup of it, and a conversation logged after the
    backup (the work a restore takes back)."""
    db = tmp_path / "hr.db"
    cli(db, "import", write_csv(tmp_path / "r.csv", "id,name,birth_date",
                                "1,Anna Andersen,1960-01-01", "2,Bo Berg,1961-01-01"),
        "--as-of", AS_OF)
    backup = tmp_path / "backup.db"
    cli(db, "backup", backup)
    cli(db, "log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    return db, backup


def test_restore_puts_the_backup_back_and_keeps_the_database_as_it_was(setup):
    db, backup = setup
    backup_bytes = backup.read_bytes()
    cli(db, "restore", backup, "--yes")
    assert names(db) == ["Anna Andersen", "Bo Berg"] and held(db) == 0
    [kept] = kept_beside(db)
    assert kept.name.startswith("hr.db.before-restore-20")  # …-YYYYMMDD-HHMMSS
    assert len(kept.name) == len("hr.db.before-restore-20261101-023000")
    assert os.stat(kept).st_mode & 0o777 == 0o600 and os.stat(db).st_mode & 0o777 == 0o600
    assert held(kept) == 1  # the conversation logged after the backup is not lost
    assert backup.read_bytes() == backup_bytes  # the backup itself is never changed
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_the_database_kept_aside_includes_what_was_only_in_its_wal(setup):
    db, backup = setup
    other = sqlite3.connect(db)  # another program keeps it open: the -wal is not folded in
    other.execute("SELECT count(*) FROM employee").fetchone()
    cli(db, "log", "2", "declined", "--date", "2026-10-02", "--as-of", AS_OF)
    assert Path(f"{db}-wal").stat().st_size > 0
    cli(db, "restore", backup, "--yes")
    other.close()
    [kept] = kept_beside(db)
    assert not Path(f"{kept}-wal").exists()  # a single self-contained file
    assert held(kept) == 2


def test_no_stale_wal_is_left_beside_the_restored_database(setup):
    db, backup = setup
    cli(db, "restore", backup, "--yes")
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_program_that_has_the_database_open_sees_the_restored_data(setup):
    db, backup = setup
    reader = sqlite3.connect(db)
    assert reader.execute("SELECT count(*) FROM conversation").fetchone()[0] == 1
    cli(db, "restore", backup, "--yes")
    assert reader.execute("SELECT count(*) FROM conversation").fetchone()[0] == 0
    reader.close()


def test_a_restore_is_written_to_the_audit_log(setup):
    db, backup = setup
    cli(db, "restore", backup, "--yes")
    entries = [line for line in cli(db, "audit", "-f", "csv").stdout.splitlines()[1:]]
    assert [e.split(",")[3] for e in entries] == ["import", "restore backup.db"]


def test_an_older_backup_is_upgraded_when_restored(tmp_path):
    from seniorcli.db.schema import LATEST

    db = tmp_path / "hr.db"
    cli(db, "import", write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01"),
        "--as-of", AS_OF)
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", old)
    before = db_snapshot(old)
    cli(db, "restore", old, "--yes")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("SELECT count(*) FROM employee").fetchone()[0] == 200
    conn.close()
    assert db_snapshot(old) == before
    last = cli(db, "audit", "-f", "csv").stdout.splitlines()[-1]
    assert "restore old.db, upgraded from schema 1" in last
    due = cli(db, "due", "--as-of", AS_OF, "-f", "json")  # the restored rules setting works
    assert '"reason"' in due.stdout


def test_a_backup_from_a_newer_version_is_refused(setup):
    db, backup = setup
    raw = sqlite3.connect(backup)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    before = db_snapshot(db)
    p = cli(db, "restore", backup, "--yes", check=False)
    assert p.returncode == 1
    assert "written by a newer seniorcli (schema version 99)" in p.stderr
    assert db_snapshot(db) == before and not kept_beside(db)


def test_a_damaged_backup_is_refused(setup, tmp_path):
    db, backup = setup
    big = tmp_path / "big.csv"
    big.write_text("id,name,birth_date\n" + "".join(f"{i},P {i},1960-01-01\n"
                                                   for i in range(3000)))
    other = tmp_path / "other.db"
    cli(other, "import", big, "--as-of", AS_OF)
    cli(other, "backup", backup)
    with backup.open("r+b") as f:
        for page in range(2, 40):
            f.seek(4096 * page)
            f.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff")
    before = db_snapshot(db)
    p = cli(db, "restore", backup, "--yes", check=False)
    assert p.returncode == 1 and "is damaged" in p.stderr and "older backup" in p.stderr
    assert db_snapshot(db) == before and not kept_beside(db)


@pytest.mark.parametrize("content, says", [
    (b"employee_id;name\n1;Anna\n", "not an SQLite database"),
    (None, "not a seniorcli backup"),
])
def test_a_file_that_is_not_a_backup_is_refused(setup, tmp_path, content, says):
    db, _ = setup
    wrong = tmp_path / "wrong.db"
    if content is None:
        raw = sqlite3.connect(wrong)
        raw.execute("CREATE TABLE t (x)")
        raw.close()
    else:
        wrong.write_bytes(content)
    before = db_snapshot(db)
    p = cli(db, "restore", wrong, "--yes", check=False)
    assert p.returncode == 1 and says in p.stderr and "nothing was changed" in p.stderr
    assert db_snapshot(db) == before and not kept_beside(db)


@pytest.mark.parametrize("which", ["", "-wal"])
def test_the_database_itself_is_not_a_backup(setup, which):
    db, _ = setup
    holder = sqlite3.connect(db)
    holder.execute("SELECT count(*) FROM employee").fetchone()
    before = db_snapshot(db)
    p = cli(db, "restore", f"{db}{which}", "--yes", check=False)
    holder.close()
    assert p.returncode == 1 and "the database in use" in p.stderr
    assert db_snapshot(db) == before and not kept_beside(db)


def test_restore_needs_yes_when_not_on_a_terminal(setup):
    db, backup = setup
    before = db_snapshot(db)
    p = cli(db, "restore", backup, check=False)
    assert p.returncode == 1 and "--yes" in p.stderr
    assert db_snapshot(db) == before and not kept_beside(db)


def test_dry_run_checks_the_backup_and_changes_nothing(setup):
    db, backup = setup
    before = db_snapshot(db)
    assert cli(db, "restore", backup, "--dry-run").returncode == 0
    assert db_snapshot(db) == before and not kept_beside(db)
    backup.write_bytes(b"not a backup")
    assert cli(db, "restore", backup, "--dry-run", check=False).returncode == 1


def test_restore_asks_on_a_terminal(setup):
    """A real terminal (a pseudo-terminal), answered 'n' then 'y'."""
    import pty

    db, backup = setup

    def answer(reply: bytes) -> str:
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.executable, [sys.executable, "-m", "seniorcli", "--db", str(db),
                                      "restore", str(backup)])
        out = b""
        while b"[y/N]" not in out:
            out += os.read(fd, 1024)
        os.write(fd, reply + b"\n")
        try:
            while chunk := os.read(fd, 1024):
                out += chunk
        except OSError:
            pass
        os.waitpid(pid, 0)
        return out.decode()

    question = answer(b"n")
    assert "Replace the database" in question and "2 employees" in question
    assert "Nothing was restored" in question and held(db) == 1
    assert "is kept as" in answer(b"y") and held(db) == 0


def test_restore_into_a_missing_database_moves_a_stale_wal_aside(setup, tmp_path):
    """hr.db was deleted but its -wal stayed: read with the restored file, its pages would be
    applied to a database they do not belong to."""
    db, backup = setup
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO setting (key, value) VALUES ('stale', 'yes')")
    stale = tmp_path / "stale-wal"
    shutil.copy(f"{db}-wal", stale)
    writer.close()
    for f in db.parent.glob("hr.db*"):
        f.unlink()
    shutil.copy(stale, f"{db}-wal")
    cli(db, "restore", backup, "--yes")
    assert names(db) == ["Anna Andersen", "Bo Berg"]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM setting WHERE key = 'stale'").fetchone()[0] == 0
    conn.close()
    [kept_wal] = db.parent.glob("hr.db.before-restore-*-wal")
    assert kept_wal.read_bytes() == stale.read_bytes()


def test_a_database_too_damaged_to_open_is_renamed_aside_and_replaced(setup):
    db, backup = setup
    damaged = bytearray(db.read_bytes())
    damaged[:100] = b"\0" * 100  # the header is gone: SQLite no longer knows the file
    db.write_bytes(bytes(damaged))
    assert cli(db, "employees", check=False).returncode == 1
    cli(db, "restore", backup, "--yes")
    assert names(db) == ["Anna Andersen", "Bo Berg"]
    [kept] = kept_beside(db)
    assert kept.read_bytes() == bytes(damaged)  # kept exactly as it was


def test_restore_into_a_new_database_file(setup, tmp_path):
    _, backup = setup
    fresh = tmp_path / "new" / "hr.db"
    cli(fresh, "restore", backup, "--yes")
    assert names(fresh) == ["Anna Andersen", "Bo Berg"]
    assert os.stat(fresh).st_mode & 0o777 == 0o600 and not kept_beside(fresh)


# --- either engine ----------------------------------------------------------------------------

@pytest.fixture
def backed_up(run, db, tmp_path, monkeypatch):
    """The test's register (SQLite or PostgreSQL) with two employees and an outcome, its
    backup, and an outcome logged after the backup. Runs in tmp_path (where a PostgreSQL
    register as it was is kept)."""
    monkeypatch.chdir(tmp_path)
    roster = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna Andersen,1960-01-01",
                       "2,Bo Berg,1961-01-01")
    assert run("import", roster, "--as-of", AS_OF).exit_code == 0
    assert run("log", "1", "invited", "--date", "2026-09-01", "--as-of", AS_OF).exit_code == 0
    backup = tmp_path / "backup.db"
    r = run("backup", backup)
    assert r.exit_code == 0, r.stderr
    assert run("log", "2", "held", "--date", "2026-10-01", "--as-of", AS_OF).exit_code == 0
    return backup


def _kept(db, tmp_path) -> Path:
    if isinstance(db, Path):
        [kept] = kept_beside(db)
    else:
        [kept] = tmp_path.glob("*.before-restore-*.db")
    return kept


def test_a_backup_is_one_sqlite_file_that_restore_checks(run, backed_up):
    assert backed_up.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(backed_up)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT employee_id, outcome FROM conversation").fetchall() == \
        [("1", "invited")]
    conn.close()
    r = run("restore", backed_up, "--dry-run")
    assert r.exit_code == 0 and "can be restored (2 employees" in r.stderr


def test_restore_puts_the_backup_back_on_either_engine(run, db, backed_up, tmp_path):
    before_ids = db_rows(db, "SELECT max(id) FROM audit")[0][0]
    r = run("restore", backed_up, "--yes")
    assert r.exit_code == 0, r.stderr
    assert db_rows(db, "SELECT employee_id, outcome FROM conversation") == [("1", "invited")]
    assert [e["command"] for e in run("audit", "-f", "json").json()] == \
        ["import", "log invited", "restore backup.db"]
    kept = _kept(db, tmp_path)
    assert kept.stat().st_mode & 0o777 == 0o600
    assert "is kept as" in r.stderr and kept.name in r.stderr
    conn = sqlite3.connect(kept)  # the register as it was, the later outcome included
    assert conn.execute("SELECT count(*) FROM conversation").fetchone()[0] == 2
    assert conn.execute("SELECT max(id) FROM audit").fetchone()[0] == before_ids
    conn.close()
    # later entries get new ids on the restored register
    assert run("log", "2", "declined", "--date", "2026-10-02", "--as-of", AS_OF).exit_code == 0
    assert db_rows(db, "SELECT max(id) FROM conversation") == [(2,)]


def test_an_older_backup_is_upgraded_when_restored_on_either_engine(run, db, tmp_path,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("import", write_csv(tmp_path / "r.csv", "id,name,birth_date",
                                   "1,Anna,1960-01-01"), "--as-of", AS_OF).exit_code == 0
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", old)
    before = db_snapshot(old)
    r = run("restore", old, "--yes")
    assert r.exit_code == 0, r.stderr
    assert db_rows(db, "SELECT count(*) FROM employee") == [(200,)]
    assert db_snapshot(old) == before
    assert run("audit", "-f", "json").json()[-1]["command"] == \
        "restore old.db, upgraded from schema 1"
    assert '"reason"' in run("due", "--as-of", AS_OF, "-f", "json").stdout


def test_restore_needs_yes_when_not_on_a_terminal_on_either_engine(run, db, backed_up,
                                                                  tmp_path):
    before = db_snapshot(db)
    r = run("restore", backed_up)
    assert r.exit_code == 1 and "--yes" in r.stderr
    assert db_snapshot(db) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_a_damaged_backup_is_refused_on_either_engine(run, db, backed_up, tmp_path):
    backed_up.write_bytes(b"not a backup at all")
    before = db_snapshot(db)
    r = run("restore", backed_up, "--yes")
    assert r.exit_code == 1 and "not an SQLite database" in r.stderr
    assert db_snapshot(db) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


@pytest.mark.sqlite_only
def test_restore_into_postgresql_that_fails_changes_nothing(run, pg_database, backed_up,
                                                            tmp_path, monkeypatch):
    """A PostgreSQL register and a backup it cannot take (a copy that comes out different):
    the register is left as it was, and no copy of it is left behind."""
    from seniorcli.db import copy

    url = pg_database
    monkeypatch.chdir(tmp_path)
    r = run("--db", url, "import", write_csv(tmp_path / "p.csv", "id,name,birth_date",
                                             "P1,Pia,1960-01-01"), "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    before = db_snapshot(url)
    real = copy._write

    def loses_a_row(target, table, rows):
        if table.name == "employee" and target.dialect == "postgresql":
            return real(target, table, iter(list(rows)[:-1]))
        return real(target, table, rows)

    monkeypatch.setattr(copy, "_write", loses_a_row)
    r = run("--db", url, "restore", backed_up, "--yes")
    assert r.exit_code == 1 and "not identical" in r.stderr and "nothing was changed" in \
        r.stderr
    assert db_snapshot(url) == before
    assert not list(tmp_path.glob("*.before-restore-*"))
