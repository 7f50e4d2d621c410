"""seniorcli import: the files municipalities actually have, validation, upsert, left, dry run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import AS_OF, FIXTURES, db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines


@pytest.fixture(autouse=True, params=["one process", "reader process"])
def reader(request, monkeypatch):
    """Every test runs both ways: a big file is read and checked by a second process
    (services/roster_worker.py); SENIORCLI_IMPORT_WORKER=1 uses it for these small files."""
    monkeypatch.setenv("SENIORCLI_IMPORT_WORKER", "1" if request.param == "reader process"
                       else "0")
    return request.param


def employees(run, *extra):
    return {e["employee_id"]: e for e in run("employees", "--as-of", AS_OF, "-f", "json",
                                             *extra).json()}


def test_semicolon_cp1252_with_danish_headers_imports_with_names_intact(run):
    r = run("import", FIXTURES / "danish_semicolon_cp1252.csv", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert "3 added" in r.stderr and "Ignored columns: Stilling" in r.stderr
    e = employees(run)
    assert e["00101"]["name"] == "Søren Ærøskøbing"
    assert e["00101"]["birth_date"] == "1966-05-03"  # DD-MM-YYYY
    assert e["00102"]["birth_date"] == "1971-11-01"  # ISO
    assert e["00103"]["birth_date"] == "1974-11-24"  # DDMMYYYY
    assert e["00101"]["hire_date"] == "1998-08-01"  # DD.MM.YYYY
    assert e["00102"]["weekly_hours"] == 32.5  # Danish decimal comma
    assert e["00102"]["department"] == "Børn og Unge"
    assert e["00101"]["manager_id"] == "00900"  # leading zeros kept


def test_utf8_with_bom_and_comma(run):
    r = run("import", FIXTURES / "utf8_bom.csv", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    e = employees(run)
    assert set(e) == {"E1", "E2"}  # the BOM is not part of the first header
    assert e["E1"]["email"] == "bodil@example.dk"
    assert e["E2"]["name"] == "Ørjan Dahl"


def test_bad_date_on_line_5_is_named_and_nothing_changes(run, db):
    run("import", FIXTURES / "utf8_bom.csv", "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", FIXTURES / "bad_date_line5.csv", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 5, birth_date: '1971-13-45' is not a date" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert db_snapshot(db) == before


def test_duplicate_id_names_both_lines(run, db):
    r = run("import", FIXTURES / "duplicate_id.csv", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 4, employee_id: 'A7' appears again (first on line 2)" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_cpr_column_with_9_and_10_digit_numbers_gives_birth_dates(run):
    r = run("import", FIXTURES / "cpr_9_and_10.csv", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    born = {k: v["birth_date"] for k, v in employees(run).items()}
    assert born == {
        "0007": "1971-01-01",  # 7th digit 3: 19YY
        "0008": "1960-01-02",  # no dash
        "0009": "2005-10-10",  # 4 and YY <= 36: 20YY
        "0010": "1960-01-01",  # 9 and YY >= 37: 19YY
        "0011": "1957-01-01",  # 9 digits: the leading zero is restored
        "0012": "2003-02-01",  # 5 and YY <= 57: 20YY
    }


@pytest.mark.sqlite_only
def test_no_cpr_digits_anywhere_in_the_database_files(run, db):
    run("import", FIXTURES / "cpr_9_and_10.csv", "--as-of", AS_OF)
    run("employees", "--as-of", AS_OF)
    data = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for number in ("0101713917", "0201603917", "1010054917", "0101603917", "0101573917",
                   "0102035917", "101573917"):
        assert number.encode() not in data
    for serial in (b"3917", b"4917", b"5917", b"9917"):
        assert serial not in data


def test_bad_cpr_is_masked_in_the_message(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id;navn;cpr", "1;Anna;3113601234", "2;Bo;12345")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 2, cpr: '311360-XXXX'" in r.stderr
    assert "3113601234" not in r.stderr and "1234" not in r.stderr


def test_cpr_that_disagrees_with_birth_date_is_refused(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,cpr", "1,Anna,1960-01-02,0101601234")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "gives birth date 1960-01-01, but birth_date says 1960-01-02" in r.stderr


def test_9999_12_31_means_no_leave_date(run):
    run("import", FIXTURES / "open_end_9999.csv", "--as-of", AS_OF)
    e = employees(run)
    assert e["S1"]["leave_date"] is None
    assert e["S2"]["leave_date"] == "2026-12-31"


def test_missing_required_column_names_it_and_the_columns_found(run, db):
    r = run("import", FIXTURES / "missing_column.csv", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "no column for name" in r.stderr
    assert "Medarbejdernr, Afdeling, Fødselsdato" in r.stderr
    assert "--map" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_map_option_names_a_column(run):
    r = run("import", FIXTURES / "missing_column.csv", "--map", "Afdeling=name",
            "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert employees(run)["1"]["name"] == "Skole"


def test_map_with_unknown_field_is_usage_error(run):
    r = run("import", FIXTURES / "missing_column.csv", "--map", "Afdeling=salary")
    assert r.exit_code == 2
    assert "'salary' is not a field" in r.stderr


def test_empty_file_is_refused(run, db):
    r = run("import", FIXTURES / "empty.csv", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "empty.csv is empty" in r.stderr


def test_header_only_full_import_would_mark_everyone_left_so_is_refused(run, db):
    run("import", FIXTURES / "utf8_bom.csv", "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", FIXTURES / "header_only.csv", "--as-of", AS_OF)
    assert r.exit_code == 1 and "no employees" in r.stderr
    assert db_snapshot(db) == before


def test_missing_file_is_refused_cleanly(run, tmp_path):
    r = run("import", tmp_path / "nope.csv")
    assert r.exit_code == 1 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_all_errors_reported_together_first_20_then_a_count(run):
    r = run("import", FIXTURES / "many_errors.csv", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "30 errors; nothing was imported" in r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip().startswith("line ")]
    assert len(lines) == 20
    assert lines[0].strip() == "line 2, birth_date: '1960-02-30' is not a date (no such day); " \
        "use YYYY-MM-DD or DD-MM-YYYY"
    assert "… and 10 more errors" in r.stderr


def test_each_kind_of_row_error(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "employee_id,name,birth_date,hire_date,leave_date,weekly_hours",
        "Y1,,1960-01-01,,,", "Y2,Kid,2020-01-01,,,", "Y3,Old,1900-01-01,,,",
        "Y4,Late,1960-01-01,2020-01-01,2019-01-01,", "Y5,Hours,1960-01-01,,,many",
        ",Noid,1960-01-01,,,", "Y7,Nobirth,,,,", "Y8,Month first,12/31/1960,,,",
    )
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    for expected in (
        "line 2, name: is missing",
        "line 3, birth_date: gives age 6 on 2026-11-01",
        "line 4, birth_date: gives age 126",
        "line 5, leave_date: 2019-01-01 is before the hire date 2020-01-01",
        "line 6, weekly_hours: 'many' is not a number",
        "line 7, employee_id: is missing",
        "line 8, birth_date: is missing",
        "line 9, birth_date: '12/31/1960' is not a date",  # never month-first
    ):
        assert expected in r.stderr


def test_age_boundaries_15_and_100_on_the_import_date(run, tmp_path):
    ok = write_csv(tmp_path / "ok.csv", "id,name,birth_date",
                   "A,Fifteen today,2011-11-01", "B,Hundred,1925-11-02")
    assert run("import", ok, "--as-of", AS_OF).exit_code == 0
    young = write_csv(tmp_path / "y.csv", "id,name,birth_date", "C,Fifteen tomorrow,2011-11-02")
    r = run("import", young, "--as-of", AS_OF, "--partial")
    assert r.exit_code == 1 and "gives age 14" in r.stderr
    old = write_csv(tmp_path / "o.csv", "id,name,birth_date", "D,101 today,1925-11-01")
    r = run("import", old, "--as-of", AS_OF, "--partial")
    assert r.exit_code == 1 and "gives age 101" in r.stderr


def test_reimport_is_unchanged_and_changes_are_updates(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "1,Anna,1960-01-01,A", "2,Bo,1961-01-01,A")
    run("import", f, "--as-of", AS_OF)
    r = run("import", f, "--as-of", AS_OF)
    assert "0 added, 0 updated, 2 unchanged, 0 marked as left" in r.stderr
    write_csv(f, "id,name,birth_date,department", "1,Anna,1960-01-01,B", "2,Bo,1961-01-01,A")
    r = run("import", f, "--as-of", AS_OF)
    assert "0 added, 1 updated, 1 unchanged" in r.stderr
    assert employees(run)["1"]["department"] == "B"


def test_full_import_marks_missing_as_left_never_deleted(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01",
                  "2,Bo,1961-01-01", "3,Cai,1962-01-01")
    run("import", f, "--as-of", "2026-10-01")
    run("log", "2", "held", "--date", "2026-09-01")
    write_csv(f, "id,name,birth_date", "1,Anna,1960-01-01")
    r = run("import", f, "--as-of", AS_OF)
    assert "2 marked as left" in r.stderr
    assert set(employees(run)) == {"1"}
    everyone = employees(run, "--include-left")
    assert everyone["2"]["leave_date"] == AS_OF and everyone["3"]["leave_date"] == AS_OF
    shown = run("show", "2", "--as-of", AS_OF, "-f", "json").json()
    assert shown["conversations"][0]["outcome"] == "held"  # history stays


def test_the_truncation_guard_counts_those_current_before_not_the_files_new_people(
        run, db, tmp_path):
    """11 of 20 current employees and 150 new ones: 9 marked as left is 9 of the 20 (45 %),
    refused. Counted after the file's rows were written, the 150 new ones made it 9 of 170
    (5 %) and let the file through."""
    header = "id,name,birth_date,leave_date"
    current = [f"{i},Person {i},1970-01-01," for i in range(1, 21)]
    gone = ["21,Gone,1970-01-01,2026-06-30"]  # not current: not in the count
    run("import", write_csv(tmp_path / "all.csv", header, *current, *gone), "--as-of", AS_OF)
    before = db_snapshot(db)
    new = [f"{i},New {i},1980-01-01," for i in range(100, 250)]
    f = write_csv(tmp_path / "some.csv", header, *current[:11], *new)
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "would mark 9 of 20 current employees (45.0%) as left" in r.stderr
    assert db_snapshot(db) == before
    r = run("import", f, "--as-of", AS_OF, "--dry-run", "-f", "json")
    assert r.exit_code == 0 and "9 of 20 current employees" in r.json()["refused"]
    r = run("import", f, "--as-of", AS_OF, lang="da")
    assert "9 af 20 nuværende" in r.stderr


def test_existing_leave_date_is_kept_when_missing_from_full_import(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,leave_date",
                  "1,Anna,1960-01-01,", "2,Bo,1961-01-01,2027-03-31")
    run("import", f, "--as-of", AS_OF)
    write_csv(f, "id,name,birth_date,leave_date", "1,Anna,1960-01-01,")
    r = run("import", f, "--as-of", AS_OF)
    assert "0 marked as left" in r.stderr
    assert employees(run, "--include-left")["2"]["leave_date"] == "2027-03-31"


def test_partial_import_touches_only_its_rows_and_keeps_absent_columns(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "1,Anna,1960-01-01,A", "2,Bo,1961-01-01,B")
    run("import", f, "--as-of", AS_OF)
    p = write_csv(tmp_path / "p.csv", "id,name,birth_date", "2,Bo Bech,1961-01-01")
    r = run("import", p, "--partial", "--as-of", AS_OF)
    assert r.exit_code == 0 and "marked as left" not in r.stderr
    e = employees(run)
    assert set(e) == {"1", "2"}
    assert e["2"]["name"] == "Bo Bech" and e["2"]["department"] == "B"


def test_dry_run_reports_and_writes_nothing(run, db, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    run("import", f, "--as-of", AS_OF)
    before = db_snapshot(db)
    g = write_csv(tmp_path / "g.csv", "id,name,birth_date", "2,Bo,1961-01-01")
    r = run("import", g, "--dry-run", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0
    assert r.json()["added"] == 1 and r.json()["marked_left"] == 1
    assert db_snapshot(db) == before


def test_explicit_encoding_and_delimiter(run, tmp_path):
    f = tmp_path / "tab.csv"
    f.write_bytes("id\tname\tbirth_date\n1\tÆble Øst\t1960-01-01\n".encode("cp1252"))
    r = run("import", f, "--encoding", "cp1252", "--delimiter", "tab", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert employees(run)["1"]["name"] == "Æble Øst"


def test_wrong_encoding_is_named_with_line(run, tmp_path):
    f = tmp_path / "r.csv"
    f.write_bytes("id,name,birth_date\n1,Anna,1960-01-01\n2,S\xf8ren,1961-01-01\n".encode(
        "latin-1"))
    r = run("import", f, "--encoding", "utf-8", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "cannot be read as utf-8" in r.stderr and "--encoding" in r.stderr


@pytest.mark.sqlite_only
def test_database_and_wal_are_private(run, db, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    run("import", f, "--as-of", AS_OF)
    for p in db.parent.glob(db.name + "*"):
        assert os.stat(p).st_mode & 0o777 == 0o600, p


def test_import_writes_one_audit_row_without_personal_data(run, db, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna Secret,1960-01-01")
    run("import", f, "--as-of", AS_OF)
    rows = db_rows(db, "SELECT command, rows_changed FROM audit")
    assert rows == [("import", 1)]


def test_quoted_multiline_field_reports_the_line_where_the_row_starts(run, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text('id,name,birth_date\n1,"Anna\nMultiline",1960-01-01\n2,Bo,1961-13-01\n')
    r = run("import", f, "--as-of", AS_OF)
    assert "line 4, birth_date" in r.stderr


def test_extra_non_empty_fields_are_an_error_but_trailing_empty_ones_are_fine(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01,,",
                  "2,Bo,1961-01-01,surprise")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 3, row: 4 fields, but the header has 3" in r.stderr
    assert "line 2" not in r.stderr


def test_directory_instead_of_file(run, tmp_path: Path):
    r = run("import", tmp_path)
    assert r.exit_code == 1 and "is a folder" in r.stderr


def test_a_repeated_id_among_many_errors_is_still_among_the_first_shown(run, tmp_path):
    """Repeated ids are found after the other errors; the first 20 shown are still the 20
    lowest line numbers."""
    rows = ["D1;Dup;1960-01-01", "D1;Dup;1960-01-01"] + [f"X{i};;1960-01-01" for i in range(250)]
    f = write_csv(tmp_path / "r.csv", "id;name;birth_date", *rows)
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1 and "251 errors" in r.stderr
    assert "line 3, employee_id: 'D1' appears again (first on line 2)" in r.stderr
    assert "line 4, name: is missing" in r.stderr and "line 22, name" in r.stderr
    assert "line 23, name" not in r.stderr


# --- left because a full roster left them out, and back again ---------------------------------

def audit_commands(run) -> list[str]:
    return [row["command"] for row in run("audit", "-f", "json").json()]


def test_left_out_of_a_full_roster_then_listed_again_is_current_again(run, tmp_path):
    everyone = write_csv(tmp_path / "all.csv", "id,name,birth_date", "1,Anna,1960-01-01",
                         "2,Bo,1961-01-01", "3,Cai,1962-01-01")
    run("import", everyone, "--as-of", "2026-09-01")
    short = write_csv(tmp_path / "short.csv", "id,name,birth_date", "1,Anna,1960-01-01")
    assert "2 marked as left" in run("import", short, "--as-of", "2026-10-01").stderr
    run("import", short, "--as-of", "2026-10-15")  # still missing: the first date stays
    assert set(employees(run)) == {"1"}
    r = run("import", everyone, "--as-of", AS_OF)  # no leave-date column
    assert r.exit_code == 0, r.stderr
    assert "0 marked as left, 2 back again" in r.stderr and "Back again: 2" in r.stderr
    current = employees(run)
    assert set(current) == {"1", "2", "3"}
    assert current["2"]["leave_date"] is None and current["3"]["leave_date"] is None
    assert audit_commands(run)[-1] == ("import: 2 back again (marked as left when missing "
                                       "from an earlier full roster)")
    r = run("import", everyone, "--as-of", AS_OF, "-f", "json")  # once back, nothing more
    assert r.json()["back_again"] == 0 and r.json()["unchanged"] == 3
    assert audit_commands(run)[-1] == "import"


def test_back_again_with_an_empty_leave_date_cell_or_a_partial_roster(run, tmp_path):
    everyone = write_csv(tmp_path / "all.csv", "id,name,birth_date", "1,Anna,1960-01-01",
                         "2,Bo,1961-01-01", "3,Cai,1962-01-01")
    run("import", everyone, "--as-of", "2026-09-01")
    run("import", write_csv(tmp_path / "s.csv", "id,name,birth_date", "1,Anna,1960-01-01"),
        "--as-of", "2026-10-01")
    cell = write_csv(tmp_path / "cell.csv", "id,name,birth_date,leave_date",
                     "1,Anna,1960-01-01,", "2,Bo,1961-01-01,")
    r = run("import", cell, "--partial", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0 and r.json()["back_again"] == 1
    assert audit_commands(run)[-1].startswith("import --partial: 1 back again")
    partial = write_csv(tmp_path / "p.csv", "id,name,birth_date", "3,Cai,1962-01-01")
    r = run("import", partial, "--partial", "--as-of", AS_OF)
    assert "0 unchanged, 1 back again." in r.stderr  # a partial import marks no one as left
    assert set(employees(run)) == {"1", "2", "3"}


def test_a_leave_date_given_in_a_file_is_kept_by_a_file_without_the_column(run, tmp_path):
    dated = write_csv(tmp_path / "d.csv", "id,name,birth_date,leave_date",
                      "1,Anna,1960-01-01,", "2,Bo,1961-01-01,2026-06-30")
    run("import", dated, "--as-of", "2026-09-01")
    plain = write_csv(tmp_path / "p.csv", "id,name,birth_date", "1,Anna,1960-01-01",
                      "2,Bo,1961-01-01")
    r = run("import", plain, "--as-of", AS_OF, "-f", "json")
    assert r.json()["back_again"] == 0
    assert set(employees(run)) == {"1"}
    assert employees(run, "--include-left")["2"]["leave_date"] == "2026-06-30"


def test_a_leave_date_given_after_being_left_out_is_the_files_from_then_on(run, tmp_path):
    everyone = write_csv(tmp_path / "all.csv", "id,name,birth_date", "1,Anna,1960-01-01",
                         "2,Bo,1961-01-01")
    run("import", everyone, "--as-of", "2026-09-01")
    run("import", write_csv(tmp_path / "s.csv", "id,name,birth_date", "1,Anna,1960-01-01"),
        "--as-of", "2026-10-01")  # Bo marked as left on 2026-10-01
    dated = write_csv(tmp_path / "d.csv", "id,name,birth_date,leave_date",
                      "1,Anna,1960-01-01,", "2,Bo,1961-01-01,2026-09-15")
    r = run("import", dated, "--as-of", "2026-10-15", "-f", "json")
    assert r.json()["back_again"] == 0 and r.json()["updated"] == 1
    r = run("import", everyone, "--as-of", AS_OF, "-f", "json")  # no leave-date column
    assert r.json()["back_again"] == 0
    assert employees(run, "--include-left")["2"]["leave_date"] == "2026-09-15"
    assert set(employees(run)) == {"1"}


def test_dry_run_counts_who_would_be_back_and_writes_nothing(run, db, tmp_path):
    everyone = write_csv(tmp_path / "all.csv", "id,name,birth_date", "1,Anna,1960-01-01",
                         "2,Bo,1961-01-01")
    run("import", everyone, "--as-of", "2026-09-01")
    run("import", write_csv(tmp_path / "s.csv", "id,name,birth_date", "1,Anna,1960-01-01"),
        "--as-of", "2026-10-01")
    before = db_snapshot(db)
    r = run("import", everyone, "--dry-run", "--as-of", AS_OF)
    assert r.exit_code == 0 and "Would import 2 employees" in r.stderr
    assert "1 back again" in r.stderr
    assert db_snapshot(db) == before
    assert set(employees(run)) == {"1"}


@pytest.mark.sqlite_only
def test_leavers_of_an_upgraded_database_keep_their_leave_dates(run, db, tmp_path):
    """Schema 3 cannot tell how a version 2 database's leavers left: their dates are kept."""
    import shutil

    shutil.copy(FIXTURES / "schema_v2.db", db)
    again = write_csv(tmp_path / "p.csv", "Medarbejdernr,Navn,Fødselsdato",
                      "00030,Ærtebjørn Ærø,1976-02-09")
    r = run("import", again, "--partial", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["back_again"] == 0
    assert employees(run, "--include-left")["00030"]["leave_date"] == "2026-04-13"


# --- the same answers on both engines -------------------------------------------------------

EMPLOYEE_COLUMNS = ("employee_id, name, birth_date, department, manager_id, hire_date, "
                    "leave_date, email, weekly_hours, updated_at, last_import, left_by_import, "
                    "back_by_import")
ROSTER_HEADER = ["Medarbejdernr", "Navn", "Fødselsdato", "Afdeling", "Leder", "Ansættelsesdato",
                 "Fratrædelsesdato", "E-mail", "Ugentlige timer"]
NAMES = ["Søren Ærøskøbing", "Åse Ågård", "O'Brien", 'Anna "Nanna" Holm', "Back\\slash Berg",
         "Semi;colon Lund", "Komma, Karen", "Tab\tbed Bo", "Emoji 🙂 Eriksen", "Linje\nskift",
         "  Spaces  ", "\\N", "NULL", "Ærtebjørn Øster", "Zoë Ünal"]
DEPARTMENTS = ["Ældreplejen", "Jobcenter", "Børn og Unge", "Økonomi og HR", "IT\\drift", ""]


def _random_row(rng, eid: str, managers: list[str]) -> list[str]:
    from datetime import date, timedelta

    as_of = date(2026, 9, 1)
    birth = as_of - timedelta(days=rng.randint(18 * 366, 70 * 365))
    hire = as_of - timedelta(days=rng.randint(-90, 40 * 365))  # a few hired later
    leave = ""
    r = rng.random()
    if r < 0.04:
        leave = (as_of - timedelta(days=rng.randint(1, 400))).isoformat()
    elif r < 0.08:
        leave = (as_of + timedelta(days=rng.randint(1, 400))).isoformat()
    elif r < 0.10:
        leave = "9999-12-31"
    if leave and leave < hire.isoformat():
        leave = ""
    return [
        eid,
        rng.choice(NAMES) + f" {rng.randint(1, 999)}",
        birth.isoformat() if rng.random() < 0.8 else birth.strftime("%d-%m-%Y"),
        rng.choice(DEPARTMENTS),
        rng.choice(managers) if rng.random() < 0.9 else "",
        hire.isoformat() if rng.random() < 0.95 else "",
        leave,
        f"{eid}@kommune.example.dk" if rng.random() < 0.9 else "",
        rng.choice(["37", "28,5", "", "32.25", "0", "37,0", "1.5"]),
    ]


def _one_cell_changed(rng, row: list[str]) -> list[str]:
    """The row with one cell written differently: another value, or the same date in
    another format (which changes nothing)."""
    from datetime import date

    row = list(row)
    i = rng.randrange(1, 9)
    if i in (2, 5, 6):  # a date: the same day written DD-MM-YYYY, or none given
        if row[i] and row[i] != "9999-12-31" and i != 2 and rng.random() < 0.5:
            row[i] = ""
        elif row[i] and "-" in row[i][:4]:  # DD-MM-YYYY: as ISO
            row[i] = "-".join(reversed(row[i].split("-")))
        elif row[i] and row[i] != "9999-12-31":
            row[i] = date.fromisoformat(row[i]).strftime("%d-%m-%Y")
    elif i == 8:
        row[i] = rng.choice(["37", "28,5", "", "32.25", "0", "37,0", "1.5"])
    else:
        row[i] = row[i] + "x" if row[i] else "x"
    return row


def _write_roster(path: Path, rows: list[list[str]], drop: tuple[str, ...] = ()) -> Path:
    import csv

    keep = [i for i, h in enumerate(ROSTER_HEADER) if h not in drop]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\n")
        out.writerow([ROSTER_HEADER[i] for i in keep])
        out.writerows([row[i] for i in keep] for row in rows)
    return path


def _register(db: Path | str) -> tuple[list[tuple], list[tuple]]:
    """Every column of every employee (updated_at as the rank of its stamp among the stamps:
    which import last changed the row), and the audit rows' commands and counts."""
    employees = sorted(db_rows(db, f"SELECT {EMPLOYEE_COLUMNS} FROM employee"))
    stamps = sorted({e[9] for e in employees})
    employees = [(*e[:9], stamps.index(e[9]), *e[10:]) for e in employees]
    audit = db_rows(db, "SELECT id, command, rows_changed FROM audit ORDER BY id")
    return employees, audit


def test_postgresql_imports_exactly_what_sqlite_imports(tmp_path, pg_database, monkeypatch):
    """The same random rosters, imported one after another into an SQLite file and a
    PostgreSQL database: the same summaries, and the same value in every column of every
    employee row after each import (full and partial, with and without the leave-date and hours
    columns, people left out, back again, changed, added; batches of 5,000 rows)."""
    import json
    import random

    from typer.testing import CliRunner

    from seniorcli.cli import app, common

    monkeypatch.delenv("SENIORCLI_DB", raising=False)
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: False)
    sqlite_db, pg_db = tmp_path / "register.db", pg_database
    rng = random.Random(15)
    managers = [f"{i:05d}" for i in range(1, 60)]

    def both(path: Path, as_of: str, *options: str) -> dict:
        summaries = []
        for db in (sqlite_db, pg_db):
            r = CliRunner().invoke(app, ["--db", str(db), "import", str(path), "--as-of",
                                         as_of, "-f", "json", *options])
            assert r.exit_code == 0, r.stderr
            summaries.append(json.loads(r.stdout))
        assert summaries[0] == summaries[1]
        assert _register(sqlite_db) == _register(pg_db)
        return summaries[0]

    first = [_random_row(rng, f"{i:05d}", managers) for i in range(1, 6001)]
    s = both(_write_roster(tmp_path / "1.csv", first), "2026-09-01")
    assert s["added"] == 6000 and s["rows"] == 6000

    second = []  # 4 % left out, 10 % changed, 8 % with one cell changed, 100 new
    for row in first:
        r = rng.random()
        if r < 0.04:
            continue
        if r < 0.14:
            row = _random_row(rng, row[0], managers)
        elif r < 0.22:
            row = _one_cell_changed(rng, row)
        second.append(row)
    second += [_random_row(rng, f"N{i:04d}", managers) for i in range(100)]
    rng.shuffle(second)
    s = both(_write_roster(tmp_path / "2.csv", second), "2026-10-01")
    assert s["added"] == 100 and s["updated"] > 500 and s["unchanged"] > 4500
    assert s["marked_left"] > 150

    listed = {row[0] for row in second}
    left_out = [row for row in first if row[0] not in listed]
    partial = [[*row[:6], "", *row[7:]] for row in left_out[:50]]  # back again
    partial += [[row[0], "Ny " + row[1], *row[2:]] for row in second[:50]]
    partial += [_random_row(rng, f"P{i:04d}", managers) for i in range(20)]
    s = both(_write_roster(tmp_path / "3.csv", partial,
                           drop=("Fratrædelsesdato", "Ugentlige timer")),
             "2026-10-15", "--partial")
    assert s["back_again"] > 0 and s["added"] == 20

    fourth = [row for row in second if rng.random() > 0.03] + left_out[50:200]
    s = both(_write_roster(tmp_path / "4.csv", fourth, drop=("Fratrædelsesdato",)),
             "2026-11-01")
    assert s["back_again"] > 100 and s["marked_left"] > 100

    fifth = [[*row[:6], rng.choice(["", "", "2026-12-31"]), *row[7:]] for row in first]
    s = both(_write_roster(tmp_path / "5.csv", fifth), "2026-11-15")
    assert s["back_again"] > 0 and s["updated"] > 0

    dry = both(_write_roster(tmp_path / "6.csv", second[:5500]), "2026-12-01", "--dry-run")
    assert dry["dry_run"] and dry["marked_left"] > 0


def test_an_id_repeated_far_apart_or_three_times_is_named_on_each_line(run, db, tmp_path):
    """Within one batch of 5,000 rows and across batches, on both engines."""
    rows = [f"{i:05d};Person {i};1970-01-01" for i in range(1, 12001)]
    rows[10999] = "00001;Again;1970-01-01"  # line 11001: another batch than line 2
    rows[5] = rows[9] = "00003;Thrice;1970-01-01"  # lines 7 and 11, also 4
    f = write_csv(tmp_path / "r.csv", "id;name;birth_date", *rows)
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1 and "3 errors; nothing was imported" in r.stderr
    assert "line 7, employee_id: '00003' appears again (first on line 4)" in r.stderr
    assert "line 11, employee_id: '00003' appears again (first on line 4)" in r.stderr
    assert "line 11001, employee_id: '00001' appears again (first on line 2)" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_no_cpr_number_is_stored_in_any_table(run, db):
    run("import", FIXTURES / "cpr_9_and_10.csv", "--as-of", AS_OF)
    text = repr(db_snapshot(db))
    for number in ("0101713917", "0201603917", "1010054917", "0101603917", "0101573917",
                   "0102035917", "101573917", "3917", "4917", "5917", "9917"):
        assert number not in text


@pytest.mark.parametrize("register", ["empty", "with employees"])
def test_repeated_ids_are_named_whatever_the_register_holds(run, db, tmp_path, register):
    """PostgreSQL writes an empty register by another path than one with employees; an id
    repeated on a row that is refused for another reason is no repetition (as on SQLite)."""
    if register == "with employees":
        run("import", write_csv(tmp_path / "old.csv", "id,name,birth_date", "A1,Anna,1960-01-01",
                                "B2,Bo,1961-01-01"), "--as-of", AS_OF)
    before = db_snapshot(db)
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date", "A1,Anna,1960-01-01",
                  "N1,New,1970-01-01", "A1,Anna again,1960-01-01", "N1,Bad,1970-13-01",
                  "N1,New again,1970-01-01", "C3,Cai,1962-01-01", "C3,Bad,1962-02-30")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1 and "5 errors; nothing was imported" in r.stderr
    assert "line 4, employee_id: 'A1' appears again (first on line 2)" in r.stderr
    assert "line 5, birth_date: '1970-13-01' is not a date" in r.stderr
    assert "line 5, employee_id: 'N1' appears again (first on line 3)" in r.stderr
    assert "line 6, employee_id: 'N1' appears again (first on line 3)" in r.stderr
    assert "line 8, birth_date: '1962-02-30' is not a date" in r.stderr
    assert "'C3' appears again" not in r.stderr  # written once: its second row is refused
    assert db_snapshot(db) == before


def test_a_file_that_fails_late_leaves_the_register_as_it_was(run, db, tmp_path):
    """A byte that is not UTF-8 on line 11,001: two batches are already on their way into the
    register when the reading stops."""
    body = [f"{i:05d};Person Ørsted;1960-01-01\n".encode() for i in range(1, 12001)]
    body[10999] = b"11000;Person \xd8rsted;1960-01-01\n"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id;name;birth_date\n" + b"".join(body))
    r = run("import", bad, "--encoding", "utf-8", "--as-of", AS_OF)
    assert r.exit_code == 1 and "line 11001" in r.stderr
    assert db_snapshot(db).get("employee", []) == []
    good = write_csv(tmp_path / "good.csv", "id;name;birth_date", "00001;Anna;1960-01-01")
    assert run("import", good, "--as-of", AS_OF).exit_code == 0
    before = db_snapshot(db)
    r = run("import", bad, "--encoding", "utf-8", "--as-of", AS_OF, "--partial")
    assert r.exit_code == 1 and "line 11001" in r.stderr
    assert db_snapshot(db) == before
    r = run("import", good, "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0 and r.json()["unchanged"] == 1
