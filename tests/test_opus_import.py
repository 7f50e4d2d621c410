"""seniorcli import of the KMD OPUS employee file (ZLPE….xml): recognised by its content, mapped
to the same register a CSV roster gives, with the CSV import's guarantees (one transaction,
errors with their line, CPR numbers never stored).

The fixtures in tests/fixtures/opus/ have the shape of the OPUS files in the OS2mo project's
tests (OS2mo/os2mo-data-import-and-export, integrations/opus/tests/ZLPE20200101_delta.xml):
<kmd>, <orgUnit id> with parentOrgUnit/longName, <employee id> with entryDate, leaveDate, cpr,
firstName, lastName, isManager, orgUnit, numerator/denominator, and action="leave" records.
The names and CPR numbers are invented.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seniorcli.cli import app

from conftest import AS_OF, FIXTURES, db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

OPUS = FIXTURES / "opus"
FULL = OPUS / "ZLPE20261101000000_delta.xml"
DELTA = OPUS / "ZLPE20261115000000_delta.xml"
#: The invented CPR numbers of FULL (never to be found in the register).
CPRS = ("0203621000", "1107651001", "1506712002", "0305661003", "2411741004", "0101701005",
        "2902682006", "3112691007", "0807581008", "1212801009", "0404621010")


def employees(run, *extra) -> dict[str, dict]:
    r = run("employees", "--as-of", AS_OF, "--include-left", "-f", "json", *extra)
    assert r.exit_code == 0, r.stderr
    return {e["employee_id"]: e for e in r.json()}


def opus_file(path: Path, employees: str, units: str = "") -> Path:
    """A small OPUS file in the real shape: the XML declaration, <kmd>, units, employees."""
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<kmd>\n' + units + employees
                    + "</kmd>\n", encoding="utf-8")
    return path


def employee(eid: str, cpr: str, unit: str = "3", *, first: str = "Anna", last: str = "Berg",
             entry: str = "2001-01-01", leave: str = "9999-12-31", manager: bool = False,
             numerator: str = "1", denominator: str = "1") -> str:
    return (f'  <employee id="{eid}" client="813" lastChanged="2026-10-01">\n'
            f"  <entryDate>{entry}</entryDate>\n  <leaveDate>{leave}</leaveDate>\n"
            f'  <cpr suppId="0">{cpr}</cpr>\n  <firstName>{first}</firstName>\n'
            f"  <lastName>{last}</lastName>\n  <workPhone/>\n"
            f"  <isManager>{'true' if manager else 'false'}</isManager>\n"
            f"  <orgUnit>{unit}</orgUnit>\n  <numerator>{numerator} </numerator>\n"
            f"  <denominator>{denominator} </denominator>\n </employee>\n")


def unit(uid: str, name: str, parent: str = "") -> str:
    parent_xml = f"<parentOrgUnit>{parent}</parentOrgUnit>" if parent else "<parentOrgUnit/>"
    return (f' <orgUnit id="{uid}" client="813" lastChanged="2020-09-16">\n'
            f"  <startDate>1900-01-01</startDate>\n  <endDate>9999-12-31</endDate>\n"
            f"  {parent_xml}\n  <shortName>{uid}</shortName>\n  <longName>{name}</longName>\n"
            " </orgUnit>\n")


# -- the register a full file gives ------------------------------------------------------------

#: FULL as a CSV roster: what the OPUS file must give, field for field.
EQUIVALENT_CSV = [
    "Medarbejdernr;Navn;CPR-nummer;Afdeling;Leder;Ansættelsesdato;Fratrædelsesdato;E-mail;Timer",
    "00100;Birgitte Holm;020362-1000;Andeby Kommune;;1990-01-01;;"
    "birgitte.holm@andeby.example.dk;37",
    "00101;Henrik Iversen;110765-1001;Ældreplejen;00100;1995-03-01;;"
    "henrik.iversen@andeby.example.dk;37",
    "00102;Åse Ågård;150671-2002;Hjemmeplejen Nord;00101;1999-08-01;;"
    "aase.aagaard@andeby.example.dk;37",
    "00103;Søren Ærø;030566-1003;Hjemmeplejen Nord;00102;1998-08-01;;"
    "soeren.aeroe@andeby.example.dk;30",
    "00104;Karen Kjær;241174-1004;Hjemmeplejen Nord;00102;2010-02-01;;;18,5",
    "00105;Mads Møller;010170-1005;Børn & Unge;00106;2001-01-01;;;37",
    "00106;Pia Pedersen;290268-2006;Børn & Unge;00100;2003-04-01;;"
    "pia.pedersen@andeby.example.dk;37",
    "00107;Ole Olsen;311269-1007;Skoler;00106;2012-08-01;;;37",
    "00108;Tove Thomsen;080758-1008;Ældreplejen;00101;1985-05-01;2026-12-31;;37",
    "00109;Jens Jensen;121280-1009;Hjemmeplejen Nord;00102;2020-01-01;;;37",
    "00110;Lene Lund;040462-1010;Hjemmeplejen Nord;00102;2000-01-01;;;20",
]


def test_a_full_file_gives_the_same_register_as_the_equivalent_csv(run, tmp_path):
    r = run("import", FULL, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    from_opus = employees(run)
    # the same people as a CSV roster, into a register of their own (an SQLite file)
    csv = write_csv(tmp_path / "same.csv", *EQUIVALENT_CSV)
    other = tmp_path / "csv.db"
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(other), "import", str(csv), "--as-of", AS_OF])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["--db", str(other), "employees", "--as-of", AS_OF,
                            "--include-left", "-f", "json"])
    from_csv = {e["employee_id"]: e for e in json.loads(r.stdout)}
    assert from_opus == from_csv


def test_names_birth_dates_and_leading_zeros(run):
    run("import", FULL, "--as-of", AS_OF)
    e = employees(run)
    assert e["00102"]["name"] == "Åse Ågård"  # firstName + lastName, UTF-8 intact
    assert e["00106"]["birth_date"] == "1968-02-29"  # from the CPR number
    assert "00100" in e and "100" not in e  # the employee number stays text


def test_department_is_the_units_long_name(run):
    run("import", FULL, "--as-of", AS_OF)
    e = employees(run)
    assert e["00103"]["department"] == "Hjemmeplejen Nord"
    assert e["00105"]["department"] == "Børn & Unge"  # &amp; in the XML
    assert e["00100"]["department"] == "Andeby Kommune"


def test_manager_is_the_units_manager_and_a_managers_is_the_parent_units(run):
    run("import", FULL, "--as-of", AS_OF)
    e = employees(run)
    assert e["00103"]["manager_id"] == "00102"  # isManager of unit 3
    assert e["00103"]["manager_name"] == "Åse Ågård"
    assert e["00102"]["manager_id"] == "00101"  # the manager of unit 3: unit 2's manager
    assert e["00101"]["manager_id"] == "00100"  # unit 2's: unit 1's
    assert e["00100"]["manager_id"] is None  # the top of the organisation
    assert e["00107"]["manager_id"] == "00106"  # unit 5 has no manager: its parent's


def test_part_time_is_37_hours_times_numerator_over_denominator(run):
    run("import", FULL, "--as-of", AS_OF)
    e = employees(run)
    assert e["00103"]["weekly_hours"] == 30.0  # 30/37
    assert e["00104"]["weekly_hours"] == 18.5  # 1/2
    assert e["00100"]["weekly_hours"] == 37.0  # "1 "/"1 " (with OPUS's trailing space)


def test_leave_date_9999_12_31_or_empty_is_no_leave_date(run):
    run("import", FULL, "--as-of", AS_OF)
    e = employees(run)
    assert e["00103"]["leave_date"] is None  # 9999-12-31
    assert e["00109"]["leave_date"] is None  # <leaveDate/>
    assert e["00108"]["leave_date"] == "2026-12-31"


def test_a_person_with_two_engagements_is_imported_once_by_the_primary_one(run):
    r = run("import", FULL, "--as-of", AS_OF, "-f", "json")
    summary = r.json()
    assert summary["rows"] == 11 and summary["other_engagements"] == 1
    e = employees(run)
    assert "00110" in e and "00210" not in e  # the lowest employee number
    assert e["00110"]["weekly_hours"] == 20.0


def test_the_primary_engagement_is_a_current_one(run, tmp_path):
    f = opus_file(tmp_path / "ZLPE20261101000000_delta.xml",
                  employee("100", "0404621010", leave="2026-06-30")
                  + employee("200", "0404621010", entry="2026-07-01", numerator="30",
                             denominator="37"),
                  unit("3", "Hjemmeplejen"))
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    e = employees(run)
    assert list(e) == ["200"] and e["200"]["weekly_hours"] == 30.0


def test_summary_on_the_terminal(run):
    r = run("import", FULL, "--as-of", AS_OF)
    assert ("Imported 11 employees from ZLPE20261101000000_delta.xml: 11 added, 0 updated, "
            "0 unchanged, 0 marked as left.") in r.stderr
    assert "Read as a KMD OPUS employee file (XML)." in r.stderr
    assert "1 further engagement of an employee with more than one was not imported" \
        in r.stderr
    assert ('Leave records (action="leave"): 1: 0 marked as left, 1 not in the register, '
            "0 had left already.") in r.stderr
    quiet = run("import", FULL, "--as-of", AS_OF, terminal=False)  # cron: silent
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_summary_in_danish(run):
    r = run("import", FULL, "--as-of", AS_OF, lang="da")
    assert "Importerede 11 medarbejdere" in r.stderr
    assert "KMD OPUS" in r.stderr


# -- a second run, the next file, a delta --------------------------------------------------------

def test_a_second_run_of_the_same_file_changes_nothing(run, db):
    run("import", FULL, "--as-of", AS_OF)
    before = employees(run)
    stamps = db_rows(db, "SELECT employee_id, updated_at FROM employee ORDER BY 1")
    r = run("import", FULL, "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()
    assert (s["added"], s["updated"], s["unchanged"], s["marked_left"]) == (0, 0, 11, 0)
    assert employees(run) == before
    assert db_rows(db, "SELECT employee_id, updated_at FROM employee ORDER BY 1") == stamps


def test_a_delta_with_partial_changes_only_the_employees_it_names(run):
    run("import", FULL, "--as-of", AS_OF)
    before = employees(run)
    r = run("import", DELTA, "--partial", "--as-of", "2026-11-15", "-f", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()
    assert (s["rows"], s["added"], s["updated"], s["marked_left"]) == (3, 1, 2, 0)
    assert (s["leave_records"], s["left_by_record"]) == (2, 2)
    after = employees(run)
    assert after["00103"]["department"] == "Ældreplejen"  # moved
    assert after["00103"]["weekly_hours"] == 37.0  # now full time
    assert after["00109"]["name"] == "Jens Juul"  # renamed
    assert after["00111"]["name"] == "Freja Frølund"  # new
    assert after["00104"]["leave_date"] == "2026-11-15"  # action="leave": the file's date
    assert after["00105"]["leave_date"] == "2026-11-30"  # its own leaveDate
    untouched = set(before) - {"00103", "00104", "00105", "00109"}
    assert all(after[k] == before[k] for k in untouched)


def test_a_delta_keeps_the_managers_it_does_not_list(run):
    """A delta file lists the changed employees, not their managers: whoever stays in their
    department keeps their manager; who moved gets the nearest manager the file names above
    their new unit: here none."""
    run("import", FULL, "--as-of", AS_OF)
    assert run("import", DELTA, "--partial", "--as-of", "2026-11-15").exit_code == 0
    after = employees(run)
    assert after["00109"]["manager_id"] == "00102"  # same department: kept
    assert after["00103"]["manager_id"] is None  # moved: Ældreplejen's manager is not listed
    assert after["00111"]["manager_id"] is None  # new, and 00106 is not listed


#: The organisation of FULL: Andeby Kommune (1) > Ældreplejen (2) > Hjemmeplejen Nord (3).
UNITS_1_2_3 = (unit("1", "Andeby Kommune") + unit("2", "Ældreplejen", "1")
               + unit("3", "Hjemmeplejen Nord", "2"))


def test_a_delta_naming_the_parent_units_manager_keeps_the_units_own_manager(run, tmp_path):
    """The delta names 00101 (manager of unit 2) but not 00102 (manager of unit 3): 00109 in
    unit 3 keeps 00102, the register's manager of unit 3, not the manager of the unit above."""
    assert run("import", FULL, "--as-of", AS_OF).exit_code == 0
    f = opus_file(tmp_path / "ZLPE20261115000000_delta.xml",
                  employee("00101", "1107651001", "2", first="Henrik", last="Iversen",
                           entry="1995-03-01", manager=True)
                  + employee("00109", "1212801009", "3", first="Jens", last="Jensen",
                             entry="2020-01-01"), UNITS_1_2_3)
    r = run("import", f, "--partial", "--as-of", "2026-11-15", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["rows"] == 2
    e = employees(run)
    assert e["00109"]["manager_id"] == "00102"
    assert e["00109"]["manager_name"] == "Åse Ågård"
    assert e["00101"]["manager_id"] == "00100"  # unit 1's manager, from the register too
    assert e["00102"]["manager_id"] == "00101"  # not in the delta: unchanged


def test_a_delta_with_a_new_manager_of_a_unit_gives_them_to_the_employees_it_names(run,
                                                                                  tmp_path):
    """Søren Ærø (00103) takes over unit 3 from Åse Ågård (00102): who the delta names in
    unit 3 gets 00103; 00103 gets the manager above (unit 2's, 00101: the register's manager
    of 00102); those it does not name keep 00102 until a file names them."""
    assert run("import", FULL, "--as-of", AS_OF).exit_code == 0
    f = opus_file(tmp_path / "ZLPE20261115000000_delta.xml",
                  employee("00102", "1506712002", "3", first="Åse", last="Ågård",
                           entry="1999-08-01")
                  + employee("00103", "0305661003", "3", first="Søren", last="Ærø",
                             entry="1998-08-01", manager=True)
                  + employee("00109", "1212801009", "3", first="Jens", last="Jensen",
                             entry="2020-01-01"), UNITS_1_2_3)
    r = run("import", f, "--partial", "--as-of", "2026-11-15")
    assert r.exit_code == 0, r.stderr
    e = employees(run)
    assert e["00109"]["manager_id"] == "00103"
    assert e["00102"]["manager_id"] == "00103"
    assert e["00103"]["manager_id"] == "00101"
    assert e["00110"]["manager_id"] == "00102"  # not in the delta


def test_a_delta_that_moves_the_units_manager_away_walks_up_the_files_tree(run, tmp_path):
    """The register's manager of 00109 (00102) is in the delta, in another unit and no longer
    a manager: neither the file nor the register knows unit 3's manager, so 00109 gets the
    nearest one the file names above it (00101, unit 2)."""
    assert run("import", FULL, "--as-of", AS_OF).exit_code == 0
    f = opus_file(tmp_path / "ZLPE20261115000000_delta.xml",
                  employee("00101", "1107651001", "2", first="Henrik", last="Iversen",
                           entry="1995-03-01", manager=True)
                  + employee("00102", "1506712002", "2", first="Åse", last="Ågård",
                             entry="1999-08-01")
                  + employee("00109", "1212801009", "3", first="Jens", last="Jensen",
                             entry="2020-01-01"), UNITS_1_2_3)
    r = run("import", f, "--partial", "--as-of", "2026-11-15")
    assert r.exit_code == 0, r.stderr
    e = employees(run)
    assert e["00109"]["manager_id"] == "00101"
    assert (e["00102"]["department"], e["00102"]["manager_id"]) == ("Ældreplejen", "00101")


def test_a_delta_imported_as_a_full_roster_is_refused_by_the_truncation_guard(run, db):
    run("import", FULL, "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", DELTA, "--as-of", "2026-11-15")
    assert r.exit_code == 1
    assert "a full import would mark 6 of" in r.stderr and "--partial" in r.stderr
    assert db_snapshot(db) == before


def test_action_leave_records_never_delete_and_count_the_unknown(run, db, tmp_path):
    run("import", FULL, "--as-of", AS_OF)
    f = opus_file(tmp_path / "ZLPE20261120000000_delta.xml",
                  '  <employee id="00103" client="813" action="leave"/>\n'
                  '  <employee id="00108" client="813" action="leave"/>\n'
                  '  <employee id="77777" client="813" action="leave"/>\n')
    r = run("import", f, "--partial", "--as-of", "2026-11-20", "-f", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()
    # 00108 leaves on 2026-12-31 already: the earlier date of the file ends it sooner
    assert (s["leave_records"], s["left_by_record"], s["leave_records_unknown"]) == (3, 2, 1)
    e = employees(run)
    assert e["00103"]["leave_date"] == "2026-11-20"
    assert e["00108"]["leave_date"] == "2026-11-20"
    assert len(e) == 11  # nobody deleted
    again = run("import", f, "--partial", "--as-of", "2026-11-20", "-f", "json").json()
    assert again["left_by_record"] == 0  # they have left already


def test_a_leave_record_without_a_date_in_the_name_leaves_on_the_as_of_date(run, tmp_path):
    run("import", FULL, "--as-of", AS_OF)
    f = opus_file(tmp_path / "opus.xml", '  <employee id="00104" client="813" action="leave"/>\n')
    assert run("import", f, "--partial", "--as-of", "2026-11-03").exit_code == 0
    assert employees(run)["00104"]["leave_date"] == "2026-11-03"


def test_missing_from_the_next_full_file_is_marked_as_left(run, tmp_path):
    run("import", FULL, "--as-of", AS_OF)
    text = FULL.read_text(encoding="utf-8")
    start = text.index('  <employee id="00109"')
    end = text.index("</employee>", start) + len("</employee>\n")
    nxt = tmp_path / "ZLPE20261201000000_delta.xml"
    nxt.write_text(text[:start] + text[end:], encoding="utf-8")
    s = run("import", nxt, "--as-of", "2026-12-01", "-f", "json").json()
    assert s["marked_left"] == 1
    assert employees(run)["00109"]["leave_date"] == "2026-12-01"


def test_units_the_file_does_not_describe_keep_their_number_with_a_warning(run, tmp_path):
    f = opus_file(tmp_path / "o.xml", employee("1", "0203621000", unit="3")
                  + employee("2", "1107651001", unit="99"), unit("3", "Hjemmeplejen"))
    r = run("import", f, "--as-of", AS_OF, terminal=False)
    assert r.exit_code == 0
    assert ("1 employee belongs to a unit the file does not describe (99): the "
            "department is the unit's number.") in r.stderr
    assert employees(run)["2"]["department"] == "99"


def test_a_file_without_units_leaves_departments_and_managers_as_they_are(run, tmp_path):
    run("import", FULL, "--as-of", AS_OF)
    f = opus_file(tmp_path / "o.xml", employee("00103", "0305661003", unit="2",
                                               first="Søren", last="Ærø-Hansen"))
    assert run("import", f, "--partial", "--as-of", AS_OF).exit_code == 0
    e = employees(run)["00103"]
    assert e["name"] == "Søren Ærø-Hansen"
    assert (e["department"], e["manager_id"]) == ("Hjemmeplejen Nord", "00102")


# -- recognised by content -----------------------------------------------------------------------

def test_an_opus_file_named_csv_is_read_as_opus(run):
    r = run("import", OPUS / "loenudtraek.csv", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["format"] == "opus" and r.json()["added"] == 11


def test_a_csv_file_named_xml_is_read_as_csv(run, tmp_path):
    f = write_csv(tmp_path / "ZLPE20261101000000_delta.xml", "id;navn;fødselsdato",
                  "1;Anna;1960-01-01")
    r = run("import", f, "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["format"] == "csv"


def test_cp1252_declared_in_the_xml_declaration(run):
    r = run("import", OPUS / "cp1252.xml", "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["encoding"] == "windows-1252"
    assert employees(run)["00102"]["name"] == "Åse Ågård"


def test_encoding_overrides_what_the_file_says(run, db, tmp_path):
    """A cp1252 file without an XML declaration reads as UTF-8 and is refused as the CSV
    import refuses a file that is not UTF-8: each line, its column and the byte (what it is
    in cp1252), and --encoding cp1252 to try; --encoding cp1252 reads it."""
    text = FULL.read_text(encoding="utf-8").replace(
        '<?xml version="1.0" encoding="utf-8"?>\n', "")
    f = tmp_path / "opus.xml"
    f.write_bytes(text.encode("cp1252"))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "opus.xml cannot be read as utf-8: 15 lines with bytes that are not utf-8" \
        in r.stderr
    assert "line 8, column 18: byte 0xE6 is not utf-8 (in cp1252 it is 'æ')" in r.stderr
    assert "say so with --encoding cp1252" in r.stderr
    assert "not well-formed XML" not in r.stderr
    assert db_snapshot(db).get("employee", []) == []
    r = run("import", f, "--as-of", AS_OF, lang="da")
    assert "linje 8, kolonne 18: byte 0xE6 er ikke utf-8 (i cp1252 er det 'æ')" in r.stderr
    assert "--encoding cp1252" in r.stderr
    r = run("import", f, "--encoding", "cp1252", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert employees(run)["00102"]["name"] == "Åse Ågård"


def test_csv_options_are_refused_for_an_opus_file(run, db):
    r = run("import", FULL, "--map", "Navn=name", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "is a KMD OPUS file (XML): --map applies to CSV files only" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_xml_that_is_not_an_opus_file_is_refused(run, tmp_path):
    f = tmp_path / "r.xml"
    f.write_text('<?xml version="1.0"?>\n<roster><person id="1"/></roster>\n')
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 2, column 1: the root element is <roster>, not <kmd>" in r.stderr


# -- errors: nothing changes ---------------------------------------------------------------------

def test_malformed_xml_names_line_and_column_and_changes_nothing(run, db):
    run("import", FULL, "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", OPUS / "malformed.xml", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert ("malformed.xml: line 168, column 18: the closing tag does not match the opening "
            "tag; nothing was imported") in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert db_snapshot(db) == before


def test_malformed_xml_in_danish(run):
    r = run("import", OPUS / "malformed.xml", "--as-of", AS_OF, lang="da")
    assert r.exit_code == 1
    assert "malformed.xml: linje 168, kolonne 18: " in r.stderr
    assert "intet blev importeret" in r.stderr


def test_a_file_cut_short_is_refused(run, db):
    r = run("import", OPUS / "cut_short.xml", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "the file ends before the XML document does" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_entity_declarations_are_never_expanded(run, db):
    r = run("import", OPUS / "entities.xml", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "entities.xml: line 3" in r.stderr and "declares entities" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_bad_elements_name_line_employee_field_and_mask_the_cpr(run, db):
    run("import", FULL, "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", OPUS / "bad_elements.xml", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "bad_elements.xml: 3 errors; nothing was imported" in r.stderr
    assert ("line 116, employee 00101, cpr: '311365-XXXX' is not a CPR number "
            "(no such birth date)") in r.stderr
    assert "line 139, employee 00102, entryDate: '1999-13-01' is not a date" in r.stderr
    assert "line 163, employee 00103, cpr: is missing" in r.stderr
    assert "Try: correct the employee in OPUS" in r.stderr
    assert "3113651001" not in r.stderr and "1001" not in r.stderr.replace("00101", "")
    assert db_snapshot(db) == before


def test_bad_elements_in_danish(run):
    r = run("import", OPUS / "bad_elements.xml", "--as-of", AS_OF, lang="da")
    assert "linje 116, medarbejder 00101, cpr: '311365-XXXX'" in r.stderr


def test_part_time_that_is_no_share_is_an_error(run, tmp_path):
    f = opus_file(tmp_path / "o.xml", employee("1", "0203621000", numerator="1",
                                                denominator="0")
                  + employee("2", "1107651001", numerator="3", denominator="1"))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert ("line 12, employee 1, numerator: numerator '1' and denominator '0' are not a "
            "share of full time") in r.stderr
    assert "employee 2, numerator: 3/1 of 37 hours is 111 hours a week, more than 80" \
        in r.stderr


def test_an_employee_number_listed_twice_names_both_lines(run, db, tmp_path):
    f = opus_file(tmp_path / "o.xml", employee("7", "0203621000")
                  + employee("7", "1107651001"))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 15, employee 7, id: '7' appears again (first on line 3)" in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_a_dry_run_reports_and_writes_nothing(run, db):
    run("import", FULL, "--as-of", AS_OF)
    before = db_snapshot(db)
    r = run("import", DELTA, "--partial", "--dry-run", "--as-of", "2026-11-15")
    assert r.exit_code == 0, r.stderr
    assert "Would import 3 employees" in r.stderr and "Dry run: nothing was written." in r.stderr
    assert db_snapshot(db) == before


# -- CPR numbers are never stored ----------------------------------------------------------------

def test_no_cpr_number_in_any_row(run, db):
    r = run("import", FULL, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    r = run("import", DELTA, "--partial", "--as-of", "2026-11-15")
    assert r.exit_code == 0, r.stderr
    assert len(employees(run)) == 12  # FULL's 11 and the delta's new 00111
    tables = [t for (t,) in db_rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")] \
        if isinstance(db, Path) else [t for (t,) in db_rows(
            db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
    text = repr([db_rows(db, f"SELECT * FROM {t}") for t in tables])
    for number in (*CPRS, "1709881011"):
        assert number not in text and f"{number[:6]}-{number[6:]}" not in text


@pytest.mark.sqlite_only
def test_no_cpr_digits_anywhere_in_the_database_files(run, db, tmp_path):
    copy = tmp_path / "ZLPE20261101000000_delta.xml"
    shutil.copy(FULL, copy)
    r = run("import", copy, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert len(employees(run)) == 11
    data = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for number in CPRS:
        assert number.encode() not in data
        assert f"{number[:6]}-{number[6:]}".encode() not in data


# -- a delta that changes a unit's manager: never a circle of managers ---------------------------

#: Testby: Kommunen (1) > Ældreplejen (2) > Hjemmeplejen Syd (3); Kommunen > Børn & Unge (4).
TESTBY_UNITS = (unit("1", "Testby Kommune") + unit("2", "Ældreplejen", "1")
                + unit("3", "Hjemmeplejen Syd", "2") + unit("4", "Børn &amp; Unge", "1"))
TESTBY = {  # id: (cpr, first name, unit, manager)
    "00001": ("0101601234", "Kirsten", "1", True),
    "00010": ("1505651234", "Åse", "2", True),
    "00011": ("2002701234", "Bent", "2", False),
    "00020": ("0303681234", "Hans", "3", True),
    "00021": ("0404711234", "Lise", "3", False),
    "00022": ("0505721234", "Ole", "3", False),
    "00030": ("0707691234", "Berit", "4", True),
}


def small_org(path: Path, ids=TESTBY, **managers: bool) -> Path:
    """Testby's employees ``ids`` (a manager flag changed by id=True/False: "e00020")."""
    return opus_file(path, "".join(
        employee(eid, cpr, unit_id, first=first, manager=managers.get(f"e{eid}", manages))
        for eid, (cpr, first, unit_id, manages) in TESTBY.items() if eid in ids), TESTBY_UNITS)


def manager_ids(db) -> dict[str, str | None]:
    return dict(db_rows(db, "SELECT employee_id, manager_id FROM employee"))


def circles(managers: dict[str, str | None]) -> list[str]:
    """Everyone who is (through their managers) their own manager."""
    found = []
    for start in managers:
        seen, node = set(), managers.get(start)
        while node is not None and node not in seen and node != start:
            seen.add(node)
            node = managers.get(node)
        if node == start:
            found.append(start)
    return found


def test_a_delta_moving_a_units_manager_role_gives_no_circle_of_managers(run, db, tmp_path):
    """Lise (00021) takes over unit 3 from Hans (00020), who stays in it as no manager; Åse
    (00010), the manager of unit 2 above, is not in the delta. Hans gets Lise, and Lise
    gets Åse (the parent unit's manager by the register), never Hans: Hans and Lise must
    not be each other's managers (a user found exactly that)."""
    assert run("import", small_org(tmp_path / "ZLPE20261101000000_delta.xml"),
               "--as-of", AS_OF).exit_code == 0
    delta = small_org(tmp_path / "ZLPE20261115000000_delta.xml", ("00020", "00021", "00022"),
                   e00020=False, e00021=True)
    r = run("import", delta, "--partial", "--as-of", "2026-11-15")
    assert r.exit_code == 0, r.stderr
    e = employees(run)
    assert e["00020"]["manager_id"] == "00021"
    assert e["00021"]["manager_id"] == "00010"
    assert e["00021"]["manager_name"] == "Åse Berg"
    assert e["00022"]["manager_id"] == "00021"
    assert e["00011"]["manager_id"] == "00010"  # not in the delta: unchanged
    assert circles(manager_ids(db)) == []
    # the same delta again changes no manager
    before = manager_ids(db)
    assert run("import", delta, "--partial", "--as-of", "2026-11-16").exit_code == 0
    assert manager_ids(db) == before


def test_a_delta_keeps_no_register_manager_whom_it_lists_as_no_manager(run, tmp_path):
    """Hans is in the delta with isManager false and nobody manages unit 3 any more: Ole,
    whose register manager Hans was, gets the manager above (Åse, unit 2's), not Hans."""
    assert run("import", small_org(tmp_path / "full.xml"), "--as-of", AS_OF).exit_code == 0
    delta = small_org(tmp_path / "delta.xml", ("00010", "00020", "00022"), e00020=False)
    assert run("import", delta, "--partial", "--as-of", "2026-11-15").exit_code == 0
    e = employees(run)
    assert e["00022"]["manager_id"] == "00010"
    assert e["00020"]["manager_id"] == "00010"


def test_a_manager_by_a_second_engagement_is_not_their_own_reports_report(run, db, tmp_path):
    """Åse (00010) is imported by her primary engagement in unit 3 (no manager there) and
    manages unit 2 by a second one; Hans manages unit 3 below. By the tree alone, Hans's
    manager is Åse (unit 2's) and Åse's is Hans (unit 3's): a circle. Åse, who manages the
    higher unit, gets the manager above hers (Kirsten) instead."""
    f = opus_file(tmp_path / "o.xml",
                  employee("00001", "0101601234", "1", first="Kirsten", manager=True)
                  + employee("00010", "1505651234", "3", first="Åse")
                  + employee("00012", "1505651234", "2", first="Åse", manager=True,
                             entry="2010-01-01")
                  + employee("00020", "0303681234", "3", first="Hans", manager=True)
                  + employee("00022", "0505721234", "3", first="Ole"), TESTBY_UNITS)
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    e = employees(run)
    assert "00012" not in e  # her second engagement
    assert e["00020"]["manager_id"] == "00010"
    assert e["00010"]["manager_id"] == "00001"
    assert e["00022"]["manager_id"] == "00020"
    assert circles(manager_ids(db)) == []


def test_a_unit_tree_that_loops_gives_no_circle_of_managers(run, db, tmp_path):
    f = opus_file(tmp_path / "o.xml",
                  employee("1", "0101601234", "A", first="Anna", manager=True)
                  + employee("2", "0303681234", "B", first="Bo", manager=True)
                  + employee("3", "0505721234", "B", first="Carl"),
                  unit("A", "Enhed A", "B") + unit("B", "Enhed B", "A"))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    managers = manager_ids(db)
    assert circles(managers) == []
    assert managers["3"] == "2"


def test_a_delta_whose_units_loop_breaks_the_circle_with_the_registers_manager(run, db,
                                                                             tmp_path):
    """The delta puts Ældreplejen (2) under Hjemmeplejen Syd (3) and 3 under 2, with Bent
    managing 2 and Hans 3: by the file, each is the other's manager. Bent (the lower number
    of two at the same height) is moved: up from unit 3, Hans leads back to him, and unit 2's
    manager by the register is Åse (not in the delta), who does not."""
    assert run("import", small_org(tmp_path / "full.xml"), "--as-of", AS_OF).exit_code == 0
    f = opus_file(tmp_path / "delta.xml",
                  employee("00011", "2002701234", "2", first="Bent", manager=True)
                  + employee("00020", "0303681234", "3", first="Hans", manager=True),
                  unit("2", "Ældreplejen", "3") + unit("3", "Hjemmeplejen Syd", "2"))
    r = run("import", f, "--partial", "--as-of", "2026-11-15")
    assert r.exit_code == 0, r.stderr
    managers = manager_ids(db)
    assert (managers["00020"], managers["00011"]) == ("00011", "00010")
    assert circles(managers) == []


def _random_org(rng, people: dict[str, str]) -> tuple[str, str, list[str]]:
    """A random unit tree (sometimes a looping one) and random employees in it, some with a
    second, managing engagement (a higher employee number: not the primary one): (the units'
    XML, the employees' XML, the unit ids)."""
    ids = [f"u{i}" for i in range(rng.randint(2, 7))]
    parents = {u: (rng.choice(ids[:i]) if i and rng.random() < 0.9 else "")
               for i, u in enumerate(ids)}
    if rng.random() < 0.1:
        parents[ids[0]] = ids[-1]  # a loop
    units = "".join(unit(u, f"Enhed {u}", parents[u]) for u in ids)
    staff = ""
    for n, (eid, cpr) in enumerate(people.items()):
        staff += employee(eid, cpr, rng.choice(ids), first=f"P{eid}",
                          manager=rng.random() < 0.35)
        if rng.random() < 0.15:  # a second engagement, managing another unit
            staff += employee(f"{900 + n}", cpr, rng.choice(ids), first=f"P{eid}",
                              manager=True, entry="2015-01-01")
    return units, staff, ids


def test_random_unit_trees_and_deltas_never_give_a_circle_of_managers(run, db, tmp_path):
    """Random organisations, full files and deltas (managers moved, people moved, units
    left out of the delta): after every import, no one is their own manager's manager."""
    import random

    # the same people in every organisation (a full file lists them all: no one leaves)
    people = {f"{100 + i}": f"{i + 1:02d}0{(i % 9) + 1}701{i:03d}" for i in range(12)}
    for seed in range(20):
        rng = random.Random(seed)
        units, staff, ids = _random_org(rng, people)
        full = opus_file(tmp_path / f"full{seed}.xml", staff, units)
        r = run("import", full, "--as-of", AS_OF, terminal=False)
        assert r.exit_code == 0, r.stderr
        assert circles(manager_ids(db)) == [], (seed, "full")
        for step in range(3):
            chosen = dict(rng.sample(sorted(people.items()), rng.randint(1, len(people))))
            d_units, d_staff, _ids = _random_org(rng, chosen)
            if rng.random() < 0.5:  # a delta describing only some units
                d_units = "".join(unit(u, f"Enhed {u}", rng.choice(["", *ids]))
                                  for u in rng.sample(ids, rng.randint(0, len(ids))))
            delta = opus_file(tmp_path / f"delta{seed}_{step}.xml", d_staff, d_units)
            r = run("import", delta, "--partial", "--as-of", AS_OF, terminal=False)
            assert r.exit_code == 0, r.stderr
            assert circles(manager_ids(db)) == [], (seed, step)


# -- the guard against a truncated roster counts those current before the import ----------------

def test_the_guard_compares_with_those_current_before_not_with_the_files_new_people(
        run, db, tmp_path):
    """A file with 11 of 20 current employees and 150 new ones marks 9 as left: 9 of 20
    (45 %), refused, however many new people the file brings."""
    people = [employee(f"{i:05d}", f"{(i % 28) + 1:02d}0{(i % 9) + 1}701{i:03d}")
              for i in range(1, 21)]
    assert run("import", opus_file(tmp_path / "all.xml", "".join(people)),
               "--as-of", AS_OF).exit_code == 0
    before = db_snapshot(db)
    new = [employee(f"{i:05d}", f"{(i % 28) + 1:02d}0{(i % 9) + 1}65{i:04d}")
           for i in range(100, 250)]
    f = opus_file(tmp_path / "some.xml", "".join(people[:11] + new))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "would mark 9 of 20 current employees (45.0%) as left" in r.stderr
    assert db_snapshot(db) == before
    r = run("import", f, "--as-of", AS_OF, "--expect-left", "9", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert (r.json()["marked_left"], r.json()["added"]) == (9, 150)


# -- CPR numbers, isManager, names, encodings, empty files -------------------------------------

def test_a_unit_number_that_is_a_cpr_number_is_refused_and_masked(run, db, tmp_path):
    """An <orgUnit> the file does not describe is the department: one that holds a CPR
    number is refused as a department cell with one is, masked."""
    f = opus_file(tmp_path / "o.xml", employee("1", "0101601234", "1", manager=True)
                  + employee("3", "0303601234", "2211801234"), unit("1", "Top"))
    line = f.read_text(encoding="utf-8").splitlines().index("  <orgUnit>2211801234</orgUnit>")
    for extra in ((), ("--partial",), ("--dry-run",)):
        r = run("import", f, "--as-of", AS_OF, *extra)
        assert r.exit_code == 1
        assert (f"line {line + 1}, employee 3, orgUnit: '221180-XXXX' holds a CPR number, "
                "which is never stored") in r.stderr
        assert "2211801234" not in r.stderr + r.stdout
    r = run("import", f, "--as-of", AS_OF, lang="da")
    assert "medarbejder 3, orgUnit: '221180-XXXX'" in r.stderr
    assert "2211801234" not in repr(db_snapshot(db))


def test_ismanager_other_than_true_or_false_is_refused_with_its_line(run, db, tmp_path):
    f = opus_file(tmp_path / "o.xml", employee("1", "0101601234", "1")
                  .replace("<isManager>false", "<isManager>ja"), unit("1", "Top"))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 17, employee 1, isManager: 'ja' is neither true nor false" in r.stderr
    assert db_snapshot(db).get("employee", []) == []
    r = run("import", f, "--as-of", AS_OF, lang="da")
    assert "isManager: 'ja' er hverken true eller false" in r.stderr


def test_ismanager_true_false_1_0_in_any_case(run, tmp_path):
    staff = "".join(employee(eid, cpr, "1" if eid == "1" else "2", manager=True)
                    .replace("<isManager>true", f"<isManager>{flag}")
                    for eid, cpr, flag in (("1", "0101601234", "TRUE"),
                                           ("2", "0202601234", "1"),
                                           ("3", "0303601234", "False"),
                                           ("4", "0404601234", "0")))
    f = opus_file(tmp_path / "o.xml", staff, unit("1", "Top") + unit("2", "Under", "1"))
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    e = employees(run)
    assert [e[i]["manager_id"] for i in "1234"] == [None, "1", "2", "2"]


def test_a_cpr_number_in_lastname_is_named_under_lastname(run, tmp_path):
    f = opus_file(tmp_path / "o.xml", employee("1", "0101601234", last="Berg 1208801234"))
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert ("line 8, employee 1, lastName: 'Berg 120880-XXXX' holds a CPR number") \
        in r.stderr
    assert "firstName" not in r.stderr and "1208801234" not in r.stderr


def test_an_empty_xml_file_is_refused_without_csv_words(run, db, tmp_path):
    for name, text in (("empty.xml", ""), ("blank.xml", " \n\n"),
                       ("ZLPE20261101000000_delta.xml", "\ufeff")):
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        r = run("import", f, "--as-of", AS_OF)
        assert r.exit_code == 1
        assert f"{name} is empty: a KMD OPUS employee file holds <kmd>" in r.stderr
        assert "header" not in r.stderr
        r = run("import", f, "--as-of", AS_OF, "--partial", lang="da")
        assert r.exit_code == 1 and "overskriftslinje" not in r.stderr
        assert "KMD OPUS" in r.stderr
    f = tmp_path / "kmd.xml"
    f.write_text("<kmd/>", encoding="utf-8")
    r = run("import", f, "--as-of", AS_OF, lang="da")
    assert r.exit_code == 1
    assert "indeholder ingen medarbejdere" in r.stderr and "overskriftslinje" not in r.stderr
    assert db_snapshot(db).get("employee", []) == []
