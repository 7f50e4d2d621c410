"""Guards against ordinary mistakes: a truncated roster, a mistyped --db, filters typed the way
people type them, CPR numbers where an id belongs, escape codes in names (issue 13, items 2 and
7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF, db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

SAMPLE = Path(__file__).parent.parent / "data" / "sample_roster.csv"


@pytest.fixture(params=["one process", "reader process"])
def reader(request, monkeypatch):
    """Import tests run both ways (services/roster_worker.py reads big files)."""
    monkeypatch.setenv("SENIORCLI_IMPORT_WORKER", "1" if request.param == "reader process"
                       else "0")
    return request.param


def _head(tmp_path: Path, lines: int) -> Path:
    """The sample roster cut after ``lines`` lines (the header counts): a truncated export."""
    text = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    target = tmp_path / "truncated.csv"
    target.write_text("".join(text[:lines]), encoding="utf-8")
    return target


def _current(db: Path | str) -> int:
    return db_rows(db, "SELECT count(*) FROM employee WHERE leave_date IS NULL")[0][0]


# --- a full import that would mark many as left ---------------------------------------------

def test_truncated_roster_is_refused_naming_the_count_and_some_people(run, db, tmp_path,
                                                                       reader):
    assert run("import", SAMPLE, "--as-of", AS_OF).exit_code == 0
    assert _current(db) == 193  # 200 employees, 7 with a leave date
    before = db_snapshot(db)
    r = run("import", _head(tmp_path, 11), "--as-of", AS_OF)  # 10 of 200 employees
    assert r.exit_code == 1
    assert "would mark 183 of 193 current employees (94.8%) as left" in r.stderr
    assert "Is the file complete?" in r.stderr and "Nothing was imported" in r.stderr
    assert "confirm with --expect-left 183" in r.stderr
    assert "  00011 " in r.stderr  # the first one left out, by id and name
    assert "… and 173 more" in r.stderr
    assert db_snapshot(db) == before


def test_truncated_roster_dry_run_exits_0_but_says_it_would_be_refused(run, db, tmp_path):
    run("import", SAMPLE, "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", _head(tmp_path, 11), "--as-of", AS_OF, "--dry-run", "-f", "json")
    assert r.exit_code == 0
    summary = r.json()
    assert summary["marked_left"] == 183
    assert "Is the file complete?" in summary["refused"]
    assert "a real import would be refused" in r.stderr
    assert db_snapshot(db) == before


def test_expect_left_with_the_right_number_imports_the_truncated_roster(run, db, tmp_path):
    run("import", SAMPLE, "--as-of", AS_OF)
    r = run("import", _head(tmp_path, 11), "--as-of", AS_OF, "--expect-left", "183",
            "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["marked_left"] == 183 and r.json()["refused"] is None
    assert _current(db) == 10


def test_expect_left_with_another_number_is_refused_even_when_few_leave(run, db, tmp_path):
    run("import", SAMPLE, "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", _head(tmp_path, 200), "--as-of", AS_OF, "--expect-left", "5")
    assert r.exit_code == 1
    assert "would mark 1 of 193 current employees" in r.stderr
    assert "not 5 as --expect-left says" in r.stderr
    assert db_snapshot(db) == before


def test_a_normal_month_with_a_few_leavers_is_not_refused(run, db, tmp_path):
    run("import", SAMPLE, "--as-of", AS_OF)
    r = run("import", _head(tmp_path, 195), "--as-of", AS_OF, "-f", "json")  # 6 left out
    assert r.exit_code == 0, r.stderr
    assert r.json()["marked_left"] == 6 and r.json()["refused"] is None  # 3 % of 193


def test_a_small_register_losing_more_than_five_is_refused(run, db, tmp_path):
    rows = [f"{i},Person {i},1970-01-01" for i in range(1, 21)]
    run("import", write_csv(tmp_path / "all.csv", "id,name,birth_date", *rows),
        "--as-of", AS_OF)
    r = run("import", write_csv(tmp_path / "some.csv", "id,name,birth_date", *rows[:14]),
            "--as-of", AS_OF)  # 6 of 20 (30 %)
    assert r.exit_code == 1 and "would mark 6 of 20 current employees (30.0%)" in r.stderr
    r = run("import", write_csv(tmp_path / "most.csv", "id,name,birth_date", *rows[:15]),
            "--as-of", AS_OF)  # 5: a few people may always leave
    assert r.exit_code == 0, r.stderr


def test_expect_left_is_not_for_a_partial_import(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    r = run("import", f, "--partial", "--expect-left", "3", "--as-of", AS_OF)
    assert r.exit_code == 2 and "--expect-left" in r.stderr


# --- a database that is not there -----------------------------------------------------------

READING = [
    ("due", "--rules", "norddjurs", "--as-of", AS_OF),
    ("employees",),
    ("show", "00001"),
    ("report", "--as-of", AS_OF),
    ("report", "coverage", "--rules", "koege", "--year", "2026"),
    ("report", "ages", "--as-of", AS_OF),
    ("report", "retirements", "--as-of", AS_OF),
    ("agreement", "list"),
    ("agreement", "expiring", "--as-of", AS_OF),
    ("seniordays", "--year", "2026"),
    ("audit",),
    ("purge", "--left-before", "2020-01-01", "--dry-run"),
    ("config", "get"),
]


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_a_database_that_is_not_there_exits_1_and_creates_nothing(run, db, command):
    r = run(*command)
    assert r.exit_code == 1
    if isinstance(db, str):  # a PostgreSQL database without a register: no tables made
        assert "there is no seniorcli register in" in r.stderr
        assert "yet; nothing was created" in r.stderr
        assert db_snapshot(db) == {}
    else:
        assert f"there is no database at {db} (from --db); nothing was created" in r.stderr
        assert list(db.parent.glob(db.name + "*")) == []
    assert "import a roster first" in r.stderr


@pytest.mark.sqlite_only
def test_backup_of_a_database_that_is_not_there_writes_nothing(run, db, tmp_path):
    r = run("backup", tmp_path / "copy.db")
    assert r.exit_code == 1 and "there is no database" in r.stderr
    assert not db.exists() and not (tmp_path / "copy.db").exists()


def test_a_mistyped_environment_variable_is_named(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from seniorcli.cli import app

    wrong = tmp_path / "seniorr.db"
    monkeypatch.setenv("SENIORCLI_DB", str(wrong))
    r = CliRunner().invoke(app, ["due", "--rules", "koege", "--as-of", AS_OF])
    assert r.exit_code == 1 and "(from SENIORCLI_DB)" in r.stderr and str(wrong) in r.stderr
    assert not wrong.exists()


@pytest.mark.sqlite_only
def test_writing_commands_still_create_the_database(run, db, tmp_path):
    assert run("config", "set", "rules", "koege").exit_code == 0
    assert db.exists()
    db.unlink()
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    assert run("import", f, "--as-of", AS_OF).exit_code == 0 and db.exists()


# --- filters as people type them ------------------------------------------------------------

@pytest.fixture
def sample(run):
    assert run("import", SAMPLE, "--as-of", AS_OF).exit_code == 0
    return run


def _ids(run, *args):
    return [e["employee_id"] for e in run(*args, "--as-of", AS_OF, "-f", "json").json()]


def test_department_matches_whatever_the_case_and_spaces(sample):
    exact = _ids(sample, "employees", "--department", "Jobcenter")
    assert exact and _ids(sample, "employees", "--department", "  jobCENTER ") == exact
    assert _ids(sample, "employees", "--department", "ældreplejen") == \
        _ids(sample, "employees", "--department", "Ældreplejen")
    due = _ids(sample, "due", "--rules", "koege", "--department", "JOBCENTER")
    assert due == _ids(sample, "due", "--rules", "koege", "--department", "Jobcenter")


def test_manager_matches_without_the_zeros_excel_drops(sample):
    exact = _ids(sample, "employees", "--manager", "00104")
    assert exact and _ids(sample, "employees", "--manager", "104") == exact
    assert _ids(sample, "due", "--rules", "albertslund", "--manager", "104") == \
        _ids(sample, "due", "--rules", "albertslund", "--manager", "00104")


def test_a_department_that_matches_nothing_names_the_close_one(sample):
    r = sample("due", "--rules", "koege", "--department", "Jobcentret", "--as-of", AS_OF)
    assert r.exit_code == 1 and r.stdout == ""
    assert "no department 'Jobcentret'; did you mean 'Jobcenter'?" in r.stderr


def test_a_department_with_nothing_close_lists_the_known_ones(sample):
    r = sample("employees", "--department", "Vejvæsen")
    assert r.exit_code == 1
    assert "known: Børn og Unge, Jobcenter" in r.stderr and "Økonomi og HR" in r.stderr


def test_a_manager_that_matches_nothing_exits_1(sample):
    r = sample("employees", "--manager", "99999")
    assert r.exit_code == 1 and "no manager '99999'" in r.stderr


def test_agreement_list_department_filter_is_case_insensitive(sample):
    assert sample("agreement", "add", "00001", "--type", "fratraedelse", "--start",
                  "2026-01-01", "--end", "2027-12-31").exit_code == 0
    rows = sample("agreement", "list", "--department", "sundhed og omsorg", "-f", "json").json()
    assert [a["employee_id"] for a in rows] == ["00001"]
    assert sample("agreement", "list", "--department", "Sundhed & Omsorg").exit_code == 1


def test_show_finds_an_id_typed_without_its_leading_zeros(sample):
    r = sample("show", "1", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["employee_id"] == "00001"


def test_an_id_that_could_be_two_employees_is_refused_naming_both(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "0104,Anna,1960-01-01",
                  "00104,Bo,1961-01-01")
    run("import", f, "--as-of", AS_OF)
    r = run("show", "104")
    assert r.exit_code == 1 and "'0104'" in r.stderr and "'00104'" in r.stderr
    assert run("show", "0104", "-f", "json").json()["name"] == "Anna"


# --- personal data and escape codes on import -----------------------------------------------

@pytest.mark.parametrize("cpr", ["010203-1234", "0102031234", "010203 1234", "102031234"])
def test_a_cpr_number_as_employee_id_is_refused_masked(run, db, tmp_path, cpr, reader):
    f = write_csv(tmp_path / "r.csv", "id;name;birth_date", "00001;Anna;1960-01-01",
                  f"{cpr};Bo;1961-01-01")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 3, employee_id: '010203-XXXX' is a CPR number" in r.stderr
    assert "1234" not in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_a_cpr_number_as_manager_id_is_refused(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,manager_id",
                  "1,Anna,1960-01-01,150565-4321")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1 and "line 2, manager_id: '150565-XXXX'" in r.stderr
    assert "4321" not in r.stderr


def test_payroll_numbers_that_are_not_cpr_numbers_import(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "123456789,Anna,1960-01-01",
                  "9912345678,Bo,1961-01-01", "00104,Cai,1962-01-01")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr


def test_escape_codes_and_control_characters_are_removed_from_names(run, db, tmp_path, reader):
    f = tmp_path / "r.csv"
    f.write_text('id,name,birth_date,department\n'
                 '1,"Anna\x1b[31m Hansen\x1b[0m\x07",1960-01-01,Job\x00center\n'
                 '2,"Bo\x1b]0;owned\x07 Berg",1961-01-01,"Skole\nog SFO"\n', encoding="utf-8")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    rows = dict(db_rows(db, "SELECT name, department FROM employee"))
    assert rows == {"Anna Hansen": "Jobcenter", "Bo Berg": "Skole og SFO"}


def test_a_department_or_manager_alike_several_stored_ones_is_refused_naming_them(run,
                                                                                   tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("employee_id,name,birth_date,department,manager_id\n"
                      "1,A,1960-01-01,Hjemmepleje Nord,0042\n"
                      "2,B,1960-01-01,hjemmepleje  nord,42\n", encoding="utf-8")
    assert run("import", roster, "--as-of", "2026-11-01").exit_code == 0
    r = run("employees", "--department", "HJEMMEPLEJE NORD", "--as-of", "2026-11-01")
    assert r.exit_code == 1
    assert "could be any of 'Hjemmepleje Nord', 'hjemmepleje  nord'" in r.stderr
    r = run("employees", "--manager", "00042", "--as-of", "2026-11-01")
    assert r.exit_code == 1 and "could be any of '0042', '42'" in r.stderr
    assert "leading zeros" in r.stderr
    r = run("employees", "--manager", "042", "--department", "Hjemmepleje Nord",
            "--as-of", "2026-11-01", "--format", "csv")
    assert r.exit_code == 1  # 042 is alike both ids
