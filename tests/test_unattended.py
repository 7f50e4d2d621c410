"""Unattended runs work as documented: a run that goes well writes nothing on standard error
when it is not a terminal (cron mails nothing), warnings and errors always do, --quiet silences
warnings; the monthly script runs under cron's empty environment; the crontab line in
docs/operations.md is one cron accepts."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import AS_OF, write_csv

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "examples" / "cron" / "monthly.sh"
ROSTER = ROOT / "data" / "sample_roster.csv"
OUTCOMES = ROOT / "data" / "sample_outcomes.csv"

# The messages on both engines; the monthly script (below) runs on an SQLite file.
pytestmark = pytest.mark.both_engines


# --- messages: summaries only on a terminal -------------------------------------------------

@pytest.fixture
def staff(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "1,Anna Ærø,1960-01-01,Ældreplejen", "2,Bo Bæk,1980-01-01,Skole")
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    return f


def test_a_successful_run_writes_nothing_on_stderr_when_it_is_not_a_terminal(run, staff,
                                                                              tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    steps = [
        ("import", staff, "--as-of", AS_OF),
        ("import", staff, "--as-of", AS_OF, "--dry-run"),
        ("due", "--rules", "koege", "--as-of", AS_OF, "-f", "csv"),
        ("due", "--rules", "koege", "--as-of", AS_OF, "--excel", "-o", out / "due.csv"),
        ("log", "1", "held", "--date", "2026-10-01", "--as-of", AS_OF),
        ("agreement", "add", "1", "--type", "andet", "--start", "2026-01-01",
         "--end", "2026-12-31"),
        ("agreement", "expiring", "--as-of", AS_OF, "-o", out / "udloeb.xlsx"),
        ("report", "--rules", "koege", "--as-of", AS_OF, "-o", out / "rapport.html"),
        ("report", "ages", "--as-of", AS_OF, "-o", out / "ages.html"),
        ("backup", out / "backup.db"),
        ("config", "set", "rules", "koege"),
        ("purge", "--left-before", "2000-01-01", "--yes"),
    ]
    for step in steps:
        r = run(*step, terminal=False)
        assert r.exit_code == 0, (step, r.stderr)
        assert r.stderr == "", (step, r.stderr)
    assert {p.name for p in out.iterdir()} == {"due.csv", "udloeb.xlsx", "rapport.html",
                                               "ages.html", "backup.db"}


def test_on_a_terminal_the_same_commands_say_what_they_did(run, staff, tmp_path):
    r = run("import", staff, "--as-of", AS_OF)
    assert "Imported 2 employees" in r.stderr
    r = run("due", "--rules", "koege", "--as-of", AS_OF, "-o", tmp_path / "due.csv")
    assert f"1 due on {AS_OF} under koege" in r.stderr and "due.csv" in r.stderr
    r = run("report", "ages", "--as-of", AS_OF, "-o", tmp_path / "ages.html")
    assert "Wrote" in r.stderr


def test_quiet_silences_summaries_even_on_a_terminal(run, staff, tmp_path):
    r = run("--quiet", "import", staff, "--as-of", AS_OF)
    assert r.exit_code == 0 and r.stderr == ""
    r = run("-q", "due", "--rules", "koege", "--as-of", AS_OF, "-f", "csv")
    assert r.exit_code == 0 and r.stderr == "" and r.csv()[0]["employee_id"] == "1"


def test_a_warning_is_written_also_when_not_on_a_terminal_and_quiet_silences_it(run, staff,
                                                                                 tmp_path):
    out = tmp_path / "rapport.html"
    r = run("report", "--as-of", AS_OF, "-o", out, terminal=False)
    assert r.exit_code == 0 and out.exists()
    assert r.stderr.startswith("Warning: no rule set chosen")
    assert "rapport.html leaves out coverage" in r.stderr
    r = run("--quiet", "report", "--as-of", AS_OF, "-o", out, terminal=False)
    assert r.exit_code == 0 and r.stderr == ""


def test_errors_are_written_whatever_quiet_and_the_terminal_say(run, staff):
    r = run("--quiet", "due", "--rules", "aarhus", "--as-of", AS_OF, terminal=False)
    assert r.exit_code == 1 and "unknown rule set 'aarhus'" in r.stderr


# --- the monthly script under cron's empty environment -------------------------------------

def _seniorcli() -> Path:
    """The seniorcli command of the environment running the tests (its console script)."""
    command = Path(sys.executable).parent / "seniorcli"
    if not command.exists():
        pytest.skip("no seniorcli console script beside the Python running the tests")
    return command


def _install(tmp_path: Path, **settings: str) -> Path:
    """Copy the script and set the settings at its top, as docs/operations.md tells an admin to."""
    text = SCRIPT.read_text(encoding="utf-8")
    for name, value in settings.items():
        text, n = re.subn(rf'^{name}="\$\{{{name}:?-[^}}]*\}}"',
                          f'{name}="${{{name}:-{value}}}"', text, flags=re.M)
        assert n == 1, f"no setting {name} at the top of monthly.sh"
    target = tmp_path / "bin" / "monthly.sh"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    target.chmod(0o700)
    return target


@pytest.fixture
def hr(tmp_path):
    """A database imported from the sample roster, with outcomes and two agreements ending
    within 90 days of the as-of date and one ending later."""
    db = tmp_path / "srv" / "seniorer.db"
    db.parent.mkdir()
    env = {**os.environ}
    env.pop("SENIORCLI_DB", None)

    def cli(*args):
        p = subprocess.run([str(_seniorcli()), "--db", str(db), *map(str, args)],
                           capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, (args, p.stderr)

    cli("import", ROSTER, "--as-of", AS_OF)
    cli("log", "--from-file", OUTCOMES, "--as-of", AS_OF)
    cli("agreement", "add", "90005", "--type", "seniorstilling", "--start", "2025-01-01",
        "--end", "2026-12-31", "--hours", "30")
    cli("agreement", "add", "90017", "--type", "loentillaeg", "--start", "2026-01-01",
        "--end", "2026-12-31", "--amount", "1500")
    cli("agreement", "add", "90003", "--type", "andet", "--start", "2026-01-01",
        "--end", "2028-12-31")
    cli("agreement", "add", "90020", "--type", "seniorstilling", "--start", "2026-10-01",
        "--end", "2028-09-30", "--hours", "32")
    # recorded before the months asked about, not on today's date: the payroll change file
    # puts an agreement recorded after its month in the month it was recorded in
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE agreement SET recorded_at = '2026-01-02T08:00:00+00:00'")
    conn.close()
    return db


def _settings(tmp_path: Path, db: Path, **more: str) -> dict[str, str]:
    return {"SENIORCLI": str(_seniorcli()), "SENIORCLI_DB": str(db),
            "MONTHLY_ROSTER": str(ROSTER), "MONTHLY_OUT": str(tmp_path / "out"),
            "MONTHLY_BACKUP": str(tmp_path / "backup"), "MONTHLY_RULES": "albertslund",
            "MONTHLY_AS_OF": AS_OF, **more}


def _run_under_cron(script: Path) -> subprocess.CompletedProcess:
    """`env -i SCRIPT`: no PATH, no HOME, no virtual environment, no SENIORCLI_DB."""
    return subprocess.run(["/usr/bin/env", "-i", str(script)], capture_output=True,
                          timeout=300, cwd="/")


needs_shell = pytest.mark.skipif(
    not Path("/usr/bin/env").exists() or not Path("/bin/bash").exists(),
    reason="needs /usr/bin/env and /bin/bash")


def _excel_csv(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), path  # UTF-8 with BOM: Danish Excel reads ÆØÅ
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""),
                               delimiter=";"))


@needs_shell
def test_the_monthly_script_runs_silently_under_crons_empty_environment(tmp_path, hr):
    script = _install(tmp_path, **_settings(tmp_path, hr))
    p = _run_under_cron(script)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stderr == b"" and p.stdout == b""  # nothing printed: cron mails nothing

    month = tmp_path / "out" / AS_OF[:7]
    everyone = _excel_csv(month / "due-alle.csv")
    assert everyone and {"employee_id", "due_date", "status", "reason"} <= set(everyone[0])
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4}", r["due_date"]) for r in everyone)  # DD-MM-YYYY
    assert {"due", "upcoming"} == {r["status"] for r in everyone}  # --within 30

    per_department = {f.name: _excel_csv(f) for f in month.glob("due-*.csv")
                      if f.name != "due-alle.csv"}
    assert "due-Ældreplejen.csv" in per_department and "due-Børn-og-Unge.csv" in per_department
    for name, rows in per_department.items():
        assert {r["department"] for r in rows} <= {name[4:-4].replace("-", " ")}, name
    with_department = sorted(r["employee_id"] for r in everyone if r["department"])
    assert sorted(r["employee_id"] for rows in per_department.values()
                  for r in rows) == with_department

    ws = load_workbook(month / "udloeb.xlsx").active
    header = [c.value for c in ws[1]]
    ids = sorted(row[header.index("employee_id")] for row in
                 ws.iter_rows(min_row=2, values_only=True))
    assert ids == ["90005", "90017"]  # the one ending in 2028 is not due for payroll yet

    html = (month / "rapport.html").read_text(encoding="utf-8")
    # cron's empty environment has no SENIORCLI_LANG and no locale: Danish, for the MED meeting
    assert "Seniorpolitik" in html and "Albertslund" in html
    assert "Seniorsamtaler" in html

    backup = tmp_path / "backup" / f"seniorer-{AS_OF[:7]}.db"
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT count(*) FROM employee").fetchone()[0] == 200
    finally:
        conn.close()
    for f in [*month.rglob("*"), backup]:  # personal data: private
        assert stat.S_IMODE(f.stat().st_mode) == (0o700 if f.is_dir() else 0o600), f

    # The same month again (a re-run by hand after a fix) gives the same files, silently.
    before = (month / "due-alle.csv").read_bytes()
    backup_before = backup.read_bytes()
    p = _run_under_cron(script)
    assert p.returncode == 0 and p.stderr == b""
    assert (month / "due-alle.csv").read_bytes() == before
    assert backup.read_bytes() == backup_before  # the copy from before the month's import kept


@needs_shell
def test_the_monthly_script_writes_digests_payroll_changes_and_invitations(tmp_path, hr):
    """The steps of issue 16, switched on: each manager's overview, last month's payroll
    change file, and invitations logged once — silently, and the same again on a re-run."""
    wage_types = tmp_path / "loenarter.toml"
    wage_types.write_text('[loenart]\nseniorstilling = "0610"\n"løntillæg" = "0620"\n'
                          'andet = "0699"\n', encoding="utf-8")
    script = _install(tmp_path, **_settings(tmp_path, hr, MONTHLY_WAGE_TYPES=str(wage_types),
                                           MONTHLY_INVITE="log"))
    p = _run_under_cron(script)
    assert p.returncode == 0, p.stderr.decode()
    # nothing but the warnings that the invitations of a past --as-of (the test's fixed date)
    # lie in the past: a run on the day itself says nothing
    said = [line for line in p.stderr.decode().splitlines()
            if "er før i dag" not in line and "ikke i dag" not in line]
    assert said == [] and p.stdout == b"", p.stderr.decode()
    month = tmp_path / "out" / AS_OF[:7]

    index = _excel_csv(month / "ledere" / "oversigt.csv")
    assert index and all((month / "ledere" / r["file"]).is_file() for r in index)
    assert sum(int(r["due_now"]) for r in index) > 0

    payroll = (month / "loenaendringer-2026-10.csv").read_bytes()
    lines = payroll.decode("cp1252").split("\r\n")
    assert lines[0].startswith("employee_id;wage_type;kind;first_day;last_day")
    assert lines[1].startswith("90020;0610;start;01102026;30092028;32,00;")
    assert (month / "loenaendringer-2026-10.xlsx").is_file()

    invitations = tmp_path / "out" / "invitationer"  # one folder for every month
    merge = _excel_csv(invitations / "flettefil.csv")
    assert merge and all((invitations / r["ics_file"]).is_file() for r in merge)
    invited = sqlite3.connect(hr).execute(
        "SELECT count(*) FROM conversation WHERE outcome = 'invited' AND date = ?",
        (AS_OF,)).fetchone()[0]
    assert invited > 0  # logged for those not invited already (the sample has some pending)
    assert {r["employee_id"] for r in merge} <= {eid for (eid,) in sqlite3.connect(hr).execute(
        "SELECT employee_id FROM conversation WHERE outcome = 'invited' AND date <= ?",
        (AS_OF,))}

    before = {f: f.read_bytes() for f in (tmp_path / "out").rglob("*") if f.is_file()}
    p = _run_under_cron(script)
    assert p.returncode == 0, p.stderr.decode()
    assert sqlite3.connect(hr).execute(
        "SELECT count(*) FROM conversation WHERE outcome = 'invited' AND date = ?",
        (AS_OF,)).fetchone()[0] == invited  # logged once
    assert (month / "loenaendringer-2026-10.csv").read_bytes() == before[
        month / "loenaendringer-2026-10.csv"]
    assert (invitations / "flettefil.csv").read_bytes() == before[invitations / "flettefil.csv"]


@needs_shell
def test_a_failing_monthly_run_stops_with_one_message_for_cron_to_mail(tmp_path, hr):
    bad = tmp_path / "lon" / "medarbejdere.csv"
    bad.parent.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "bad_date_line5.csv", bad)
    script = _install(tmp_path, **_settings(tmp_path, hr, MONTHLY_ROSTER=str(bad)))
    p = _run_under_cron(script)
    assert p.returncode == 1
    message = p.stderr.decode()
    # cron's empty environment: Danish ("linje 5"), as the HR consultant reads the mail
    assert "linje 5" in message and "Traceback" not in message
    month = tmp_path / "out" / AS_OF[:7]
    assert not list(month.glob("*.csv"))  # set -e: nothing after the refused import ran


@needs_shell
def test_the_monthly_script_says_where_seniorcli_should_be(tmp_path, hr):
    script = _install(tmp_path, **_settings(tmp_path, hr, SENIORCLI="/nowhere/bin/seniorcli"))
    p = _run_under_cron(script)
    assert p.returncode == 1
    assert "no seniorcli at /nowhere/bin/seniorcli" in p.stderr.decode()


def test_the_shipped_script_is_executable_and_strict():
    assert os.access(SCRIPT, os.X_OK)
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/bash\n")
    assert "\nset -euo pipefail\n" in text


# --- the crontab in docs/operations.md --------------------------------------------------------

FIELD = r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*"
NAMES = {3: r"|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec",
         4: r"|sun|mon|tue|wed|thu|fri|sat"}
RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def _documented_crontab() -> list[str]:
    """The crontab in docs/operations.md, 'Running every month' (the README points there)."""
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = doc.split("## Running every month", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```cron\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "one crontab in docs/operations.md, 'Running every month'"
    return blocks[0].splitlines()


def test_the_documented_crontab_line_is_a_valid_crontab_line_that_calls_the_script():
    jobs = []
    for line in _documented_crontab():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert not line.rstrip().endswith("\\"), f"cron has no line continuation: {line!r}"
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\s*=.*", line):  # an environment setting
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6, f"5 time fields and a command: {line!r}"
        for i, (field, (low, high)) in enumerate(zip(fields[:5], RANGES, strict=True)):
            assert re.fullmatch(FIELD + NAMES.get(i, ""), field.lower()), (field, line)
            for number in map(int, re.findall(r"\d+", field.split("/")[0])):
                assert low <= number <= high, (field, line)
        jobs.append(fields[5])
    assert len(jobs) == 1
    command = jobs[0]
    assert "%" not in command.replace("\\%", ""), "cron turns an unescaped % into a new line"
    program = command.split()[0]
    assert program.startswith("/") and program.endswith("/monthly.sh"), command
    assert all(word.startswith("/") for word in command.split() if "/" in word), command
