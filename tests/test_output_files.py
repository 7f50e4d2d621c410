"""The files seniorcli writes: the format follows --output's ending, the database and its
-wal/-shm are never written over, folders are refused, FIFOs and devices are written into, and
nothing is left behind by a failure, Ctrl-C or SIGTERM. Points about signals use real
processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import AS_OF, db_snapshot, write_csv


@pytest.fixture
def staff(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "1,Anna Ærø,1960-01-01,Ældreplejen", "2,Bo Bæk,1961-01-01,Skole",
                  "3,Carl Berg,1990-01-01,Skole")
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    assert run("agreement", "add", "1", "--type", "andet", "--start", "2026-01-01",
               "--end", "2026-12-31").exit_code == 0
    return f


LISTINGS = [
    ("due", "--rules", "koege", "--as-of", AS_OF),
    ("employees", "--as-of", AS_OF),
    ("agreement", "list", "--as-of", AS_OF),
    ("agreement", "expiring", "--as-of", AS_OF),
    ("seniordays", "--year", "2026"),
    ("report", "coverage", "--rules", "koege", "--as-of", AS_OF),
    ("report", "ages", "--as-of", AS_OF),
    ("audit",),
]
ids = [" ".join(c[:2]) for c in LISTINGS]


def _files(folder: Path) -> list[str]:
    """What a user sees in the folder, leaving out the test's database and its -wal/-shm."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("test.db"))


# --- the format follows the file's ending ---------------------------------------------------

@pytest.mark.parametrize("command", LISTINGS, ids=ids)
def test_output_ending_chooses_the_format_without_format(run, staff, tmp_path, command):
    r = run(*command, "-o", tmp_path / "x.csv")
    assert r.exit_code == 0, r.stderr
    text = (tmp_path / "x.csv").read_text(encoding="utf-8")
    assert "┃" not in text and "│" not in text  # no box-drawn table in a .csv
    assert "," in text.splitlines()[0] and not text.startswith("\ufeff")

    assert run(*command, "-o", tmp_path / "x.json").exit_code == 0
    assert isinstance(json.loads((tmp_path / "x.json").read_text(encoding="utf-8")), list)

    assert run(*command, "-o", tmp_path / "x.xlsx").exit_code == 0
    assert load_workbook(tmp_path / "x.xlsx").active.max_row >= 1

    assert run(*command, "-o", tmp_path / "x.txt").exit_code == 0
    assert "━" in (tmp_path / "x.txt").read_text(encoding="utf-8")  # the table, as people see it


def test_due_csv_file_has_the_contract_columns(run, staff, tmp_path):
    out = tmp_path / "due.csv"
    assert run("due", "--rules", "koege", "--as-of", AS_OF, "-o", out).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("employee_id,name,department,manager_id,manager_name,birth_date,age,"
                        "due_date,due_date_day_off,status,pending,reason")
    assert lines[1].startswith("1,Anna Ærø,Ældreplejen,,,1960-01-01,")


def test_due_excel_is_the_danish_excel_dialect(run, staff, tmp_path):
    out = tmp_path / "due.csv"
    assert run("due", "--rules", "koege", "--as-of", AS_OF, "--excel", "-o", out).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0].startswith("employee_id;name;department;")
    assert "01-01-1960" in lines[1] and "Anna Ærø;Ældreplejen" in lines[1]
    # --excel alone means CSV on standard output
    r = run("due", "--rules", "koege", "--as-of", AS_OF, "--excel")
    assert r.stdout.startswith("\ufeffemployee_id;name;")


def test_html_ending_writes_a_report(run, staff, tmp_path):
    out = tmp_path / "coverage.html"
    r = run("report", "coverage", "--rules", "koege", "--as-of", AS_OF, "-o", out)
    assert r.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "due.xls"), "cannot tell the format from the file name due.xls"),
    (("-o", "due"), "cannot tell the format from the file name due"),
    (("-f", "json", "-o", "due.csv"), "--format json does not match the file due.csv"),
    (("-o", "due.html"), "does not write HTML"),
    (("-f", "xlsx",), "--format xlsx writes a file"),
    (("--excel", "-f", "json"), "--excel is the CSV dialect"),
], ids=["unknown ending", "no ending", "contradiction", "html", "xlsx to stdout", "excel json"])
def test_a_format_it_cannot_tell_or_a_contradiction_is_wrong_usage(run, staff, tmp_path,
                                                                   monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = run("due", "--rules", "koege", "--as-of", AS_OF, *args)
    assert r.exit_code == 2 and message in r.stderr
    assert _files(tmp_path) == ["r.csv"]


def test_format_given_writes_any_file_name(run, staff, tmp_path):
    out = tmp_path / "due.dat"
    assert run("due", "--rules", "koege", "--as-of", AS_OF, "-f", "csv", "-o", out
               ).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("employee_id,")


# --- never onto the database ----------------------------------------------------------------

def _unchanged(db: Path, before: dict) -> None:
    assert db_snapshot(db) == before
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.mark.parametrize("how", ["same name", "relative path", "symbolic link", "hard link"])
def test_output_never_writes_over_the_database(run, staff, db, tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    target = {"same name": db, "relative path": Path("sub/../test.db")}.get(how)
    if how == "relative path":
        (tmp_path / "sub").mkdir()
    elif how == "symbolic link":
        target = tmp_path / "link.csv"
        target.symlink_to(db)
    elif how == "hard link":
        target = tmp_path / "hard.csv"
        os.link(db, target)
    before = db_snapshot(db)
    for fmt in ("csv", "json", "xlsx", "table"):
        r = run("due", "--rules", "koege", "--as-of", AS_OF, "-f", fmt, "-o", target)
        assert r.exit_code == 1, (fmt, r.stderr)
        assert "is the database in use" in r.stderr and "Nothing was written" in r.stderr
        assert "Traceback" not in r.stderr
    _unchanged(db, before)
    assert not list(tmp_path.glob(".*"))  # no temporary file either


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_output_and_backup_never_write_over_the_wal_or_shm(run, staff, db, tmp_path, suffix):
    side = Path(f"{db}{suffix}")
    before = db_snapshot(db)
    r = run("employees", "--as-of", AS_OF, "-f", "csv", "-o", side)
    assert r.exit_code == 1 and f"of the database {db}" in r.stderr
    r = run("backup", side)
    assert r.exit_code == 1 and "writing there would destroy the database" in r.stderr
    _unchanged(db, before)
    # Still SQLite's own file (which may hold the schema's text), never our CSV written over it.
    assert not side.exists() or not side.read_bytes().startswith(b"employee_id,")


def test_backup_refuses_the_wal_while_another_process_holds_the_database_open(run, staff, db):
    holder = sqlite3.connect(db)  # keeps the -wal and -shm files in place
    try:
        holder.execute("SELECT count(*) FROM employee").fetchone()
        wal = Path(f"{db}-wal")
        assert wal.exists()
        before = wal.read_bytes()
        r = run("backup", wal)
        assert r.exit_code == 1 and "write-ahead log" in r.stderr
        assert wal.read_bytes() == before
        assert holder.execute("SELECT count(*) FROM employee").fetchone()[0] == 3
    finally:
        holder.close()


# --- folders, missing folders, FIFOs and devices -------------------------------------------

def test_a_folder_is_refused_with_a_clear_message(run, staff, tmp_path):
    for name, args in (("due.csv", ("due", "--rules", "koege", "--as-of", AS_OF)),
                       ("udloeb.xlsx", ("agreement", "expiring", "--as-of", AS_OF)),
                       ("rapport.html", ("report", "--rules", "koege", "--as-of", AS_OF))):
        folder = tmp_path / name
        folder.mkdir()
        r = run(*args, "-o", folder)
        assert r.exit_code == 1, (args, r.stderr)
        assert f"{folder} is a folder; nothing was written" in r.stderr
        assert list(folder.iterdir()) == []
    r = run("backup", tmp_path / "due.csv")
    assert r.exit_code == 1 and "is a folder" in r.stderr


def test_a_missing_folder_is_named(run, staff, tmp_path):
    r = run("due", "--rules", "koege", "--as-of", AS_OF, "-o", tmp_path / "nope" / "due.csv")
    assert r.exit_code == 1 and "there is no folder" in r.stderr and "nope" in r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_written_into_not_replaced(run, staff, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as f:
            received.append(f.read())

    for args in (("due", "--rules", "koege", "--as-of", AS_OF, "-f", "csv", "-o", fifo),
                 ("backup", fifo)):
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        r = run(*args)
        reader.join(timeout=30)
        assert r.exit_code == 0, r.stderr
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the FIFO
    assert received[0].startswith(b"employee_id,") and b"Anna" in received[0]
    assert received[1].startswith(b"SQLite format 3\x00")  # the backup came through whole
    assert _files(tmp_path) == ["pipe", "r.csv"]


def _cli(db: Path, *args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("SENIORCLI_DB", None)
    return subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(db), *map(str, args)],
                          env=env, timeout=120, **kw)


def test_dev_stdout_writes_to_standard_output_as_it_is(run, staff, db, tmp_path):
    log = tmp_path / "job.log"
    log.write_text("earlier run\n")
    for _ in range(2):
        with log.open("a") as out:  # `>> job.log`: appended, never replaced or truncated
            p = _cli(db, "due", "--rules", "koege", "--as-of", AS_OF, "-f", "csv",
                     "-o", "/dev/stdout", stdout=out, stderr=subprocess.PIPE)
        assert p.returncode == 0, p.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier run\n") and text.count("employee_id,") == 2
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert run("due", "--rules", "koege", "--as-of", AS_OF, "-f", "json", "-o", "/dev/null"
               ).exit_code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still the device


# --- nothing left behind: failures, Ctrl-C and SIGTERM --------------------------------------

def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(run, staff, tmp_path,
                                                                   monkeypatch):
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"last month")

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("xlsxwriter.workbook.Workbook.close", broken)
    r = run("employees", "--as-of", AS_OF, "-o", out)
    assert r.exit_code == 1 and "the disk is full" in r.stderr and "x.xlsx" in r.stderr
    assert out.read_bytes() == b"last month"
    assert _files(tmp_path) == ["r.csv", "x.xlsx"]


@pytest.fixture
def big(tmp_path):
    """A database of 40,000 employees: exporting them as .xlsx takes a few seconds."""
    roster = tmp_path / "big.csv"
    with roster.open("w", encoding="utf-8") as f:
        f.write("employee_id;name;birth_date;department;email\n")
        for i in range(40_000):
            f.write(f"{i:07d};Person {i} Ærø;{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d};"
                    f"Afdeling {i % 30};p{i}@kommune.example.dk\n")
    db = tmp_path / "big.db"
    p = _cli(db, "import", roster, "--as-of", AS_OF, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return db


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_mid_write_leaves_the_old_file_and_nothing_else(big, tmp_path, sig):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    tmp_dir = tmp_path / "tmp"  # where XlsxWriter keeps its own temporary files
    tmp_dir.mkdir()
    target = out_dir / "alle.xlsx"
    target.write_bytes(b"last month's export")
    env = {**os.environ, "TMPDIR": str(tmp_dir)}
    env.pop("SENIORCLI_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "seniorcli", "--db", str(big), "employees",
                             "--as-of", AS_OF, "-o", str(target)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not list(out_dir.glob(".alle.xlsx.*")):  # the temporary file: mid-write
            assert proc.poll() is None and time.monotonic() < deadline, "never saw it writing"
            time.sleep(0.005)
        time.sleep(0.2)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = err.decode()
    assert "Traceback" not in stderr
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM  # as a shell reports a killed job
        assert "stopped by SIGTERM" in stderr and "alle.xlsx was not written" in stderr
    else:
        assert proc.returncode != 0
    assert "Exception ignored" not in stderr
    assert target.read_bytes() == b"last month's export"
    assert [p.name for p in out_dir.iterdir()] == ["alle.xlsx"]
    assert list(tmp_dir.iterdir()) == []


def test_the_same_data_gives_the_same_xlsx_bytes_with_payrolls_formats(tmp_path):
    """Payroll compares files: a workbook written again from the same rows, a second later,
    is the same file; dates are dates, amounts kroner, shares percentages, the header frozen
    with an autofilter."""
    import time
    from datetime import date

    from openpyxl import load_workbook

    from seniorcli.output.columns import Column
    from seniorcli.output.xlsx import write_xlsx

    columns = [Column("employee_id", "Id", "id"), Column("start", "Start", "date"),
               Column("amount", "Amount", "amount"), Column("share", "Share", "share"),
               Column("note", "Note")]
    rows = [{"employee_id": f"{i:05d}", "start": date(2026, 1, 1 + i % 28),
             "amount": 85000.5 + i, "share": 0.371, "note": "=SUM(A1)" if i == 3 else "ok"}
            for i in range(40)]
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert write_xlsx(iter(rows), columns, first, title="Aftaler") == 40
    time.sleep(1.1)
    write_xlsx(iter(rows), columns, second, title="Aftaler")
    assert first.read_bytes() == second.read_bytes()
    ws = load_workbook(first)["Aftaler"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E41"
    assert ws["A2"].value == "00000" and ws["A1"].font.bold
    assert ws["B2"].is_date and ws["B2"].number_format == "dd-mm-yyyy"
    assert ws["C2"].value == 85000.5 and "kr." in ws["C2"].number_format
    assert ws["D2"].number_format == "0.0 %"
    assert ws["E5"].value == "'=SUM(A1)"  # never a formula
