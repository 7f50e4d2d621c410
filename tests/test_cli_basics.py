"""The shell every command shares: --version, --help, --db vs SENIORCLI_DB, errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from seniorcli import __version__
from seniorcli.cli import app

from conftest import AS_OF, write_csv

pytestmark = pytest.mark.both_engines


def _commands(group=None, prefix=()):
    import typer.main

    group = group or typer.main.get_command(app)
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name)


def test_version():
    r = CliRunner().invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.strip() == f"seniorcli {__version__}"


@pytest.mark.parametrize("command", list(_commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    r = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "Example: seniorcli " + " ".join(command) in r.stdout.replace("\n", " ")


def test_db_option_wins_over_environment(tmp_path, monkeypatch):
    env_db, opt_db = tmp_path / "env.db", tmp_path / "opt.db"
    monkeypatch.setenv("SENIORCLI_DB", str(env_db))
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(opt_db), "import", str(f), "--as-of", AS_OF]
                         ).exit_code == 0
    assert opt_db.exists() and not env_db.exists()
    assert runner.invoke(app, ["import", str(f), "--as-of", AS_OF]).exit_code == 0
    assert env_db.exists()


def test_default_database_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SENIORCLI_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    created = tmp_path / "data" / "seniorcli" / "seniorcli.db"
    r = CliRunner().invoke(app, ["employees", "-f", "json"])  # reading creates nothing
    assert r.exit_code == 1 and str(created) in r.stderr and not created.exists()
    assert CliRunner().invoke(app, ["config", "set", "rules", "koege"]).exit_code == 0
    assert created.exists() and os.stat(created).st_mode & 0o777 == 0o600
    r = CliRunner().invoke(app, ["employees", "-f", "json"])
    assert r.exit_code == 0 and r.stdout.strip() == "[]"


def test_unknown_employee_is_refused_by_name(run, tmp_path):
    run("import", write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01"),
        "--as-of", AS_OF)
    r = run("show", "E404")
    assert r.exit_code == 1
    assert "no employee with id 'E404'" in r.stderr


def test_bad_date_option_is_usage_error(run):
    r = run("employees", "--as-of", "31/31/2026")
    assert r.exit_code == 2 and "is not a date" in r.stderr


@pytest.mark.parametrize("value", ["2026-11-01", "01-11-2026", "01.11.2026"])
def test_as_of_accepts_iso_and_danish_dates(run, tmp_path, value):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-11-01")
    run("import", f, "--as-of", AS_OF)
    assert run("employees", "--as-of", value, "-f", "json").json()[0]["age"] == 66


def test_machine_formats_put_only_data_on_stdout(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-11-01")
    run("import", f, "--as-of", AS_OF)
    rows = run("employees", "--as-of", AS_OF, "-f", "csv").csv()
    assert rows == [{"employee_id": "1", "name": "Anna", "birth_date": "1960-11-01",
                     "age": "66", "department": "", "manager_id": "", "manager_name": "",
                     "hire_date": "",
                     "leave_date": "", "email": "", "weekly_hours": ""}]


def test_output_file_is_private_and_complete(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-11-01")
    run("import", f, "--as-of", AS_OF)
    out = tmp_path / "out.json"
    r = run("employees", "--as-of", AS_OF, "-f", "json", "-o", out)
    assert r.exit_code == 0 and r.stdout == ""
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert '"name": "Anna"' in out.read_text()


def test_internal_errors_never_show_a_traceback_or_locals(tmp_path):
    """A real process, with a database path that makes sqlite fail in an unexpected way."""
    bad = tmp_path / "nodir" / "x.db"
    (tmp_path / "nodir").write_text("a file where a folder should be")
    p = subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(bad), "employees"],
                       capture_output=True, text=True)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr and p.stderr.startswith("Error: ")


def test_filters_by_department_and_manager(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department,manager_id",
                  "1,Anna,1960-01-01,Skole,M1", "2,Bo,1961-01-01,Skole,M2",
                  "3,Cai,1962-01-01,Vej,M1")
    run("import", f, "--as-of", AS_OF)
    def ids(*a):
        return [e["employee_id"] for e in run("employees", "--as-of", AS_OF, "-f", "json",
                                                        *a).json()]
    assert ids("--department", "Skole") == ["1", "2"]
    assert ids("--manager", "M1") == ["1", "3"]
