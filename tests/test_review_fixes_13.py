"""Fixes from an independent test of issue 13: a CPR number is never stored in a note or a text
cell; notes are cleaned of escape codes and an .xlsx export survives what an older version
stored; a withdrawn or corrected-away outcome is not logged again by its file; `log
--from-file` takes --encoding and --delimiter; stored infinities are gone after the upgrade and
JSON never says Infinity; --department with --manager that share no one exits 1; agreement
types typed the Danish way; UTF-16 rosters."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import AS_OF, FIXTURES, db_snapshot, write_csv

SAMPLE = Path(__file__).parent.parent / "data" / "sample_roster.csv"
CPR_FORMS = ["010170-1234", "0101701234", "010170 1234", "101701234"]


@pytest.fixture
def real_today(monkeypatch):
    """The real date, as `log` reads it, pinned to the tests' AS_OF."""
    from seniorcli.cli import common

    monkeypatch.setattr(common, "today", lambda: date.fromisoformat(AS_OF))


@pytest.fixture
def sample(run, real_today):
    assert run("import", SAMPLE, "--as-of", AS_OF).exit_code == 0
    return run


@pytest.fixture(params=["one process", "reader process"])
def reader(request, monkeypatch):
    monkeypatch.setenv("SENIORCLI_IMPORT_WORKER", "1" if request.param == "reader process"
                       else "0")
    return request.param


def ok(r):
    assert r.exit_code == 0, r.stderr
    return r


def refused_masked(r, db, before):
    assert r.exit_code == 1
    assert "010170-XXXX" in r.stderr and "holds a CPR number" in r.stderr
    assert "1234" not in r.stderr and "Traceback" not in r.stderr
    assert db_snapshot(db) == before


def notes(db) -> list[str]:
    conn = sqlite3.connect(db)
    return [n for (n,) in conn.execute(
        "SELECT note FROM conversation UNION ALL SELECT note FROM agreement") if n]


# --- 1. a CPR number is never stored as a note or a text cell ---------------------------------

@pytest.mark.parametrize("cpr", CPR_FORMS)
def test_a_cpr_number_in_a_log_note_is_refused_masked(sample, db, cpr):
    before = db_snapshot(db)
    r = sample("log", "00001", "held", "--date", "2026-10-01", "--note", f"CPR {cpr} ok")
    refused_masked(r, db, before)
    assert "--note" in r.stderr


def test_a_cpr_number_in_an_outcome_file_note_names_its_line_and_column(sample, db, tmp_path):
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date,note",
                  "00001,held,2026-10-01,fint", "00002,held,2026-10-01,CPR 010170-1234")
    before = db_snapshot(db)
    r = sample("log", "--from-file", f)
    refused_masked(r, db, before)
    assert "line 3, note:" in r.stderr


def test_a_cpr_number_in_a_corrected_note_is_refused(sample, db):
    ok(sample("log", "00001", "held", "--date", "2026-10-01"))
    before = db_snapshot(db)
    refused_masked(sample("log", "correct", "1", "--note", "0101701234"), db, before)


def test_a_cpr_number_in_an_agreement_note_is_refused(sample, db):
    before = db_snapshot(db)
    refused_masked(sample("agreement", "add", "00001", "--type", "fratraedelse", "--start",
                          "2026-01-01", "--end", "2027-12-31", "--note", "010170 1234"),
                   db, before)
    aid = ok(sample("agreement", "add", "00001", "--type", "fratraedelse", "--start",
                    "2026-01-01", "--end", "2027-12-31")).stdout.strip()
    before = db_snapshot(db)
    refused_masked(sample("agreement", "correct", aid, "--note", "nr. 010170-1234"), db, before)


@pytest.mark.parametrize("column", ["name", "department"])
def test_a_cpr_number_in_a_roster_name_or_department_is_refused(run, db, tmp_path, column,
                                                                reader):
    cells = {"name": "Anna", "department": "Jobcenter"}
    cells[column] += " 010170-1234"
    f = write_csv(tmp_path / "r.csv", "id;name;birth_date;department", "1;Bo;1960-01-01;Job",
                  f"2;{cells['name']};1961-01-01;{cells['department']}")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert f"line 3, {column}: '" in r.stderr and "010170-XXXX" in r.stderr
    assert "1234" not in r.stderr
    assert not db.exists() or db_snapshot(db).get("employee") == []


def test_numbers_that_are_not_cpr_numbers_stay_in_notes(sample, db):
    ok(sample("log", "00001", "held", "--date", "2026-10-01", "--note",
              "Ønsker 32 timer fra 01-01-2027, tlf. 12345678"))
    assert notes(db) == ["Ønsker 32 timer fra 01-01-2027, tlf. 12345678"]


# --- 2. escape codes in notes; .xlsx exports of what is stored ------------------------------

ESC = "a\x1b[35mMAG\x07\tb"


def test_escape_codes_are_removed_from_notes_everywhere(sample, db, tmp_path):
    ok(sample("log", "00001", "held", "--date", "2026-10-01", "--note", ESC))
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date,note",
                  f'00002,held,2026-10-01,"{ESC}"')
    ok(sample("log", "--from-file", f))
    ok(sample("log", "00003", "held", "--date", "2026-10-01"))
    ok(sample("log", "correct", "3", "--note", ESC))
    ok(sample("agreement", "add", "00001", "--type", "fratraedelse", "--start", "2026-01-01",
              "--end", "2027-12-31", "--note", ESC))
    ok(sample("agreement", "add", "00002", "--type", "fratraedelse", "--start", "2026-01-01",
              "--end", "2027-12-31"))
    ok(sample("agreement", "correct", "2", "--note", ESC))
    assert notes(db) == ["aMAG b"] * 5
    ok(sample("log", "withdraw", "3", "--reason", f"forkert \x1b]0;title\x07{ESC}"))
    [c] = [c for c in sample("show", "00003", "--as-of", AS_OF, "-f", "json").json()
           ["corrections"] if "withdrawn" in c["detail"]]
    assert "\x1b" not in c["detail"] and "\x07" not in c["detail"]
    assert c["detail"].endswith("reason: forkert aMAG b")


def test_an_xlsx_export_survives_control_characters_already_stored(sample, db, tmp_path):
    ok(sample("agreement", "add", "00001", "--type", "fratraedelse", "--start", "2026-01-01",
              "--end", "2027-12-31"))
    conn = sqlite3.connect(db)  # as an older version stored it
    conn.execute("UPDATE agreement SET note = ?", ("a\x1b[35mMAG\x07\x00b",))
    conn.commit()
    conn.close()
    out = tmp_path / "al.xlsx"
    r = sample("agreement", "list", "-o", out)
    assert r.exit_code == 0, r.stderr
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    note = rows[1][list(rows[0]).index("note")]
    assert note == "a[35mMAGb"


# --- 4. a withdrawn or corrected-away outcome is not logged again by its file ---------------

@pytest.fixture
def logged_file(sample, tmp_path):
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date",
                  "00001,held,2026-10-01", "00002,held,2026-10-01", "00003,declined,2026-10-01")
    ok(sample("log", "--from-file", f))
    return f


def conversations(db) -> list[tuple]:
    return sorted(sqlite3.connect(db).execute(
        "SELECT employee_id, outcome, date FROM conversation"))


def test_a_withdrawn_or_corrected_outcome_is_not_logged_again_by_its_file(sample, db,
                                                                          logged_file):
    ok(sample("log", "withdraw", "1", "--reason", "forkert medarbejder"))
    ok(sample("log", "correct", "2", "--date", "2026-10-02"))
    ok(sample("log", "correct", "3", "--outcome", "held"))
    expected = [("00002", "held", "2026-10-02"), ("00003", "held", "2026-10-01")]
    assert conversations(db) == expected
    r = sample("log", "--from-file", logged_file)
    assert r.exit_code == 0, r.stderr
    assert "3 rows were withdrawn or corrected earlier and are not logged again" in r.stderr
    assert conversations(db) == expected


def test_an_outcome_corrected_to_another_employee_is_not_logged_again(sample, db,
                                                                      logged_file):
    ok(sample("log", "correct", "1", "--employee", "00004"))
    ok(sample("log", "--from-file", logged_file))
    assert ("00001", "held", "2026-10-01") not in conversations(db)


def test_a_person_may_log_a_withdrawn_outcome_again(sample, db, logged_file):
    ok(sample("log", "withdraw", "1", "--reason", "ved en fejl"))
    ok(sample("log", "00001", "held", "--date", "2026-10-01"))
    assert ("00001", "held", "2026-10-01") in conversations(db)
    r = ok(sample("log", "--from-file", logged_file))
    assert "withdrawn or corrected earlier" not in r.stderr


def test_purge_deletes_the_record_of_withdrawn_outcomes(run, db, tmp_path, real_today):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
                  "OLD,Olga,1950-01-01,2000-01-01,2019-12-31",
                  "NOW,Nina,1960-01-01,2000-01-01,")
    ok(run("import", f, "--as-of", AS_OF))
    ok(run("log", "OLD", "held", "--date", "2019-06-01"))
    ok(run("log", "NOW", "held", "--date", "2019-06-01"))
    ok(run("log", "withdraw", "1", "--reason", "fejl"))
    ok(run("log", "withdraw", "2", "--reason", "fejl"))
    ok(run("purge", "--left-before", "2021-01-01", "--yes"))
    kept = sqlite3.connect(db).execute("SELECT employee_id FROM retracted_outcome").fetchall()
    assert kept == [("NOW",)]


# --- 5. log --from-file --encoding/--delimiter ------------------------------------------------

def test_log_from_file_takes_encoding_and_delimiter(sample, db, tmp_path):
    f = tmp_path / "o.csv"
    f.write_bytes("employee_id;outcome;date;note\n"
                  "00001;held;2026-10-01;Ønsker 32 timer, gerne\n".encode("cp1252"))
    before = db_snapshot(db)
    r = sample("log", "--from-file", f, "--encoding", "utf-8")  # the encoding is used
    assert r.exit_code == 1 and "line 2" in r.stderr and "not utf-8" in r.stderr
    assert db_snapshot(db) == before
    r = sample("log", "--from-file", f, "--encoding", "cp1252", "--delimiter", ";")
    assert r.exit_code == 0, r.stderr
    assert notes(db) == ["Ønsker 32 timer, gerne"]


def test_encoding_without_from_file_is_a_usage_error(sample):
    r = sample("log", "00001", "held", "--encoding", "cp1252")
    assert r.exit_code == 2 and "--from-file" in r.stderr


# --- 7. infinities stored by the old version ------------------------------------------------

def test_the_upgrade_turns_stored_infinities_into_no_value(run, db):
    shutil.copy(FIXTURES / "schema_v2.db", db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO agreement (employee_id, type, start_date, end_date, open_ended, "
                 "weekly_hours, amount, recorded_at) VALUES ('00001', 'fratraedelse', "
                 "'2026-01-01', '2027-12-31', 0, -9e999, 9e999, '2026-01-01T00:00:00')")
    conn.execute("UPDATE employee SET weekly_hours = 9e999 WHERE employee_id = '00001'")
    conn.commit()
    conn.close()
    r = run("agreement", "list", "-f", "json", "--active-on", AS_OF)
    assert r.exit_code == 0, r.stderr
    [a] = [a for a in json.loads(r.stdout, parse_constant=_no_constant)
           if a["type"] == "fratraedelse" and a["employee_id"] == "00001"]
    assert a["amount"] is None and a["weekly_hours"] is None
    assert ok(run("agreement", "list")).stdout  # the table too
    e = json.loads(run("show", "00001", "-f", "json", "--as-of", AS_OF).stdout,
                   parse_constant=_no_constant)
    assert e["weekly_hours"] is None


def _no_constant(name):
    raise AssertionError(f"not JSON: {name}")


def test_json_never_writes_infinity_or_nan(sample, db):
    ok(sample("agreement", "add", "00001", "--type", "fratraedelse", "--start", "2026-01-01",
              "--end", "2027-12-31"))
    conn = sqlite3.connect(db)  # stored by hand after the upgrade
    conn.execute("UPDATE agreement SET amount = 9e999, weekly_hours = -9e999")
    conn.commit()
    conn.close()
    r = ok(sample("agreement", "list", "-f", "json"))
    [a] = json.loads(r.stdout, parse_constant=_no_constant)
    assert a["amount"] is None and a["weekly_hours"] is None
    r = ok(sample("show", "00001", "-f", "json", "--as-of", AS_OF))
    [a] = json.loads(r.stdout, parse_constant=_no_constant)["agreements"]
    assert a["amount"] is None


# --- 11. combined filters that match nobody -----------------------------------------------

def test_department_and_manager_with_no_one_in_common_exit_1_naming_their_departments(sample):
    r = sample("due", "--rules", "koege", "--department", "jobcenter", "--manager", "104",
               "--as-of", AS_OF)
    assert r.exit_code == 1 and r.stdout == ""
    assert ("manager 00104 has no staff in Jobcenter; their staff are in: Sundhed og Omsorg"
            in r.stderr)
    r = sample("due", "--rules", "koege", "--department", "sundhed og omsorg", "--manager",
               "104", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr


# --- 13. agreement types as people type them; UTF-16 rosters --------------------------------

@pytest.mark.parametrize("typed, key", [("fratrædelse", "fratraedelse"),
                                        ("Fratrædelse", "fratraedelse"),
                                        ("nedsat tid", "nedsat_tid"),
                                        ("Nedsat-tid", "nedsat_tid"),
                                        ("særlige opgaver", "saerlige_opgaver"),
                                        ("løntillæg", "loentillaeg")])
def test_agreement_types_typed_the_danish_way(sample, typed, key):
    ok(sample("agreement", "add", "00001", "--type", typed, "--start", "2026-01-01", "--end",
              "2027-12-31"))
    [a] = sample("agreement", "list", "-f", "json").json()
    assert a["type"] == key


def test_an_unknown_agreement_type_suggests_the_closest(sample):
    r = sample("agreement", "add", "00001", "--type", "fratrædelsesordninger", "--start",
               "2026-01-01", "--end", "2027-12-31")
    assert r.exit_code == 1
    assert "did you mean 'fratraedelse'" in r.stderr


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_roster_is_read_as_utf16(run, tmp_path, codec, reader):
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    f = tmp_path / "r.txt"
    f.write_bytes(bom + "Medarbejdernr\tNavn\tFødselsdato\tAfdeling\n"
                  "1\tSøren Ærø\t1960-01-01\tRådhuset\n".encode(codec))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    [e] = run("employees", "-f", "json", "--as-of", AS_OF).json()
    assert (e["name"], e["department"]) == ("Søren Ærø", "Rådhuset")
