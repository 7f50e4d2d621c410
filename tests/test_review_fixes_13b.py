"""Findings of the second review of issue 13: a command that saves nothing leaves no database
behind, bad --delimiter values and a closed pipe under an .xlsx export are no internal errors, a
full disk under a backup names the backup, advice after a saved change never duplicates it,
`audit` shows what a correction changed, and -q/--quiet works after the command too."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, write_csv

ROSTER = ("employee_id,name,birth_date,hire_date,department",
          "90001,Ulla Ærø,1962-03-01,2000-01-01,Børn og Unge",
          "90002,Bo Berg,1961-01-01,2000-01-01,Børn og Unge")


def cli(db: Path, *args, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SENIORCLI_DB"}
    env["SENIORCLI_LANG"] = "en"
    return subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(db), *map(str, args)],
                          text=True, env=env, timeout=120, **kwargs)


def database_files(db: Path) -> list[str]:
    return [p.name for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal"))
            if p.exists()]


# --- 3. a database file created by a command that saved nothing is removed again -------------

def _commands(tmp: Path) -> dict[str, list[str]]:
    roster = write_csv(tmp / "trunc.csv", *ROSTER[:2])
    bad = write_csv(tmp / "bad.csv", ROSTER[0], "90001,Ulla,1962-13-45,2000-01-01,X")
    outcomes = write_csv(tmp / "outcomes.csv", "employee_id,outcome,date",
                         "90001,held,2026-10-01")
    return {
        "import --dry-run": ["import", roster, "--dry-run", "--as-of", AS_OF],
        "log --from-file --dry-run": ["log", "--from-file", outcomes, "--dry-run",
                                      "--as-of", AS_OF],
        "import of a refused roster": ["import", bad, "--as-of", AS_OF],
        "log for an unknown employee": ["log", "90001", "held", "--date", "2026-10-01",
                                        "--as-of", AS_OF],
        "agreement add for an unknown employee": [
            "agreement", "add", "90001", "--type", "loentillaeg", "--start", "2026-01-01",
            "--end", "2026-12-31"],
        "agreement end of no agreement": ["agreement", "end", "1", "--date", "2026-10-01"],
        "agreement renew of no agreement": ["agreement", "renew", "1"],
        "config unset of a setting never set": ["config", "unset", "rules"],
    }


SAVES_NOTHING = ["import --dry-run", "log --from-file --dry-run", "import of a refused roster",
                 "log for an unknown employee", "agreement add for an unknown employee",
                 "agreement end of no agreement", "agreement renew of no agreement",
                 "config unset of a setting never set"]


@pytest.mark.parametrize("name", SAVES_NOTHING)
def test_a_command_that_saves_nothing_leaves_no_database_at_a_mistyped_path(run, db, tmp_path,
                                                                            name):
    args = _commands(tmp_path)[name]
    assert not db.exists()
    run(*args)
    assert database_files(db) == []
    # …so the mistyped path cannot answer "0 due" afterwards
    due = run("due", "--rules", "koege", "--as-of", AS_OF)
    assert due.exit_code == 1 and "there is no database" in due.stderr
    assert "0 due" not in due.stdout + due.stderr


def test_the_folders_made_for_a_mistyped_database_go_too(tmp_path):
    db = tmp_path / "typo" / "deeper" / "hr.db"
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    p = cli(db, "import", roster, "--dry-run", "--as-of", AS_OF, capture_output=True)
    assert p.returncode == 0, p.stderr
    assert not (tmp_path / "typo").exists()


def test_the_first_real_import_still_creates_the_database(run, db, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert run("import", roster, "--as-of", AS_OF).exit_code == 0
    assert db.exists() and oct(db.stat().st_mode & 0o777) == "0o600"
    employees = run("employees", "-f", "json", "--as-of", AS_OF)
    assert [e["employee_id"] for e in employees.json()] == ["90001", "90002"]


def test_a_new_database_that_another_program_wrote_to_meanwhile_is_kept(tmp_path):
    """The command saved nothing, but another seniorcli wrote to the file it had just created:
    that data is kept."""
    from seniorcli.db import engine

    db = tmp_path / "hr.db"
    conn = engine.connect(db)  # created by "this command"
    other = sqlite3.connect(db)
    other.execute("INSERT INTO setting (key, value) VALUES ('rules', 'koege')")
    other.commit()
    other.close()
    engine.discard_if_unused()
    assert db.exists()
    check = sqlite3.connect(db)
    assert check.execute("SELECT value FROM setting").fetchall() == [("koege",)]
    check.close()
    conn.close()


# --- 6. inputs that gave "unexpected internal error" -------------------------------------------

@pytest.mark.parametrize("value", [";;", "", "komma"])
@pytest.mark.parametrize("command", ["import", "log"])
def test_a_delimiter_that_is_not_one_is_a_usage_error_naming_the_accepted_ones(
        run, tmp_path, command, value):
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    args = (["import", roster] if command == "import" else ["log", "--from-file", roster])
    r = run(*args, "--delimiter", value, "--dry-run", "--as-of", AS_OF)
    assert r.exit_code == 2
    assert "internal error" not in r.stderr
    assert f"'{value}' is not a delimiter" in r.stderr
    assert "',', ';' or 'tab'" in r.stderr


def test_a_delimiter_named_in_words_is_read(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(line.replace(",", ";") for line in ROSTER) + "\n")
    r = run("import", roster, "--delimiter", "Semicolon", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert run("employees", "-f", "json", "--as-of", AS_OF).json()[0]["name"] == "Ulla Ærø"


def test_an_xlsx_export_into_a_closed_pipe_is_quiet(tmp_path):
    db = tmp_path / "hr.db"
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert cli(db, "import", roster, "--as-of", AS_OF, capture_output=True).returncode == 0
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte (`| head -c 4`, at its worst)
    try:
        p = cli(db, "due", "--rules", "koege", "--as-of", AS_OF, "-f", "xlsx", "-o",
                "/dev/stdout", stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert p.returncode == 0
    assert p.stderr == ""  # no "Exception ignored … write to closed file", no traceback


# --- 8. a full disk under a backup names the backup and its disk -------------------------------

def _unshare_skip_reason() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare is not installed"
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", "mount -t tmpfs -o size=64k "
                            "tmpfs /mnt"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"no private mount namespace here ({probe.stderr.strip() or 'unshare failed'})"
    return None


def test_a_full_disk_under_a_backup_names_the_backup_and_its_disk_not_the_database(tmp_path):
    why = _unshare_skip_reason()
    if why:
        pytest.skip(why)
    data = tmp_path / "data"
    data.mkdir()
    db = data / "base.db"
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert cli(db, "import", roster, "--as-of", AS_OF, capture_output=True).returncode == 0
    full = tmp_path / "full"
    full.mkdir()
    target = full / "bk.db"
    env = {k: v for k, v in os.environ.items() if k != "SENIORCLI_DB"}
    env["SENIORCLI_LANG"] = "en"
    script = (f"mount -t tmpfs -o size=600k tmpfs {full} && "
              f"(dd if=/dev/zero of={full}/fill bs=4k 2>/dev/null; true) && "
              f'"$0" -m seniorcli --db {db} backup {target}; echo "rc=$?" >&2; ls -A {full}')
    p = subprocess.run(["unshare", "--mount", "sh", "-c", script, sys.executable],
                       capture_output=True, text=True, env=env, timeout=120)
    assert "rc=1" in p.stderr, p.stderr
    assert f"the disk is full: {target} was not written" in p.stderr
    assert f"free some space on the disk that holds {full}" in p.stderr
    assert str(db) not in p.stderr and str(data) not in p.stderr
    assert "internal error" not in p.stderr
    assert p.stdout.split() == ["fill"]  # no half-written backup, no temporary file


# --- 9. after a saved change, the advice is to check it, not to run the command again ---------

def test_an_error_after_the_agreement_was_saved_does_not_advise_running_it_again(tmp_path):
    db = tmp_path / "hr.db"
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert cli(db, "import", roster, "--as-of", AS_OF, capture_output=True).returncode == 0
    with open("/dev/full", "w") as full:
        p = cli(db, "agreement", "add", "90001", "--type", "loentillaeg", "--start",
                "2026-01-01", "--end", "2026-12-31", stdout=full, stderr=subprocess.PIPE)
    assert p.returncode == 1
    assert "already saved its change" in p.stderr
    assert "run the command again" not in p.stderr and "again with" not in p.stderr
    assert "seniorcli show" in p.stderr and "agreement list" in p.stderr
    listed = cli(db, "agreement", "list", "-f", "json", capture_output=True)
    assert len(json.loads(listed.stdout)) == 1


def test_an_error_before_anything_was_saved_still_says_so(run, tmp_path):
    r = run("agreement", "end", "7", "--date", "2026-10-01")
    assert r.exit_code == 1 and "already saved" not in r.stderr
    assert "repeating the command" not in r.stderr


# --- 10. audit shows what a correction changed --------------------------------------------------

@pytest.fixture
def corrected(run, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    run("import", roster, "--as-of", AS_OF)
    assert run("log", "90001", "held", "--date", "2026-10-01", "--as-of", AS_OF).exit_code == 0
    outcome = run("show", "90001", "-f", "json", "--as-of", AS_OF).json()["conversations"][0]
    r = run("log", "correct", str(outcome["id"]), "--date", "2026-10-02")
    assert r.exit_code == 0, r.stderr
    return outcome["id"]


def test_audit_shows_the_employee_and_what_a_correction_changed(run, corrected):
    rows = run("audit", "-f", "json").json()
    correction = rows[-1]
    assert correction["command"] == "log correct"
    assert correction["employee_id"] == "90001"
    assert "2026-10-01 → 2026-10-02" in correction["detail"]
    assert rows[0]["detail"] is None  # the import: no correction
    csv_rows = run("audit", "-f", "csv").csv()
    assert csv_rows[-1]["employee_id"] == "90001"
    assert "2026-10-01 → 2026-10-02" in csv_rows[-1]["detail"]
    table = run("audit").stdout
    assert "What changed" in table and "2026-10-01 → 2026-10-02" in table


def test_audit_in_excel_has_the_correction_columns(run, corrected, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "audit.xlsx"
    assert run("audit", "-o", out).exit_code == 0
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("employee_id", "detail")
    assert rows[-1][-2] == "90001" and "2026-10-01 → 2026-10-02" in rows[-1][-1]


def test_audit_in_danish_names_the_change_column(run, corrected):
    table = run("audit", lang="da").stdout
    assert "2026-10-01 → 2026-10-02" in table


# --- 13. -q/--quiet after the command ------------------------------------------------------------

def test_quiet_is_accepted_after_the_command(run, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    run("import", roster, "--as-of", AS_OF)
    for args in (["due", "--rules", "koege", "--as-of", AS_OF, "-q"],
                 ["due", "-q", "--rules", "koege", "--as-of", AS_OF],
                 ["agreement", "list", "--quiet"],
                 ["agreement", "-q", "list"],
                 ["config", "get", "--quiet"]):
        r = run(*args)
        assert r.exit_code == 0, (args, r.stderr)
        assert "No such option" not in r.stderr


def test_quiet_after_the_command_silences_summaries_and_warnings(run, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert run("import", roster, "--as-of", AS_OF).stderr  # on a terminal: a summary
    # a dry run of a roster that leaves out most staff warns (a real import would be refused)
    many = write_csv(tmp_path / "many.csv", ROSTER[0], *(
        f"{i},Person {i},1960-01-01,2000-01-01,X" for i in range(1, 21)))
    run("import", many, "--as-of", AS_OF)
    few = write_csv(tmp_path / "few.csv", ROSTER[0], "1,Person 1,1960-01-01,2000-01-01,X")
    loud = run("import", few, "--dry-run", "--as-of", AS_OF)
    assert "Warning:" in loud.stderr
    quiet = run("import", few, "--dry-run", "--as-of", AS_OF, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert run("import", roster, "--partial", "--as-of", AS_OF, "--quiet").stderr == ""


def test_quiet_as_the_value_of_an_option_stays_a_value(run, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", *ROSTER)
    run("import", roster, "--as-of", AS_OF)
    r = run("log", "90001", "held", "--date", "2026-10-01", "--note", "-q", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    shown = run("show", "90001", "-f", "json", "--as-of", AS_OF).json()
    assert shown["conversations"][0]["note"] == "-q"


def test_quiet_is_in_every_commands_help(run):
    for args in (["due", "--help"], ["agreement", "add", "--help"], ["audit", "--help"]):
        assert "--quiet" in run(*args).stdout
