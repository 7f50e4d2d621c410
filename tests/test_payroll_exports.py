"""Payroll exports: agreement expiring, Excel CSV dialect, real .xlsx, formula injection on every
export command, senior days."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import AS_OF, write_csv

pytestmark = pytest.mark.both_engines

EXPIRING_FIELDS = ["agreement_id", "employee_id", "name", "department", "type", "start_date",
                   "end_date", "days_left"]


@pytest.fixture
def payroll(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "1,Anna Ærø,1960-01-01,Ældreplejen", "2,Bo Bæk,1961-01-01,Skole")
    run("import", f, "--as-of", AS_OF)
    ends = ["2026-10-31", "2026-11-01", "2027-01-30", "2027-01-31"]  # window: 11-01 .. 01-30
    for end in ends:
        run("agreement", "add", "1", "--type", "loentillaeg", "--start", "2026-01-01",
            "--end", end, "--amount", "1200")
    run("agreement", "add", "2", "--type", "seniorstilling", "--start", "2026-01-01",
        "--open-ended", "--hours", "30")


def expiring(run, *args):
    return run("agreement", "expiring", "--as-of", AS_OF, "--within", "90", *args)


def test_expiring_window_is_inclusive_and_open_ended_never_expires(run, payroll):
    rows = expiring(run, "-f", "json").json()
    assert [r["end_date"] for r in rows] == ["2026-11-01", "2027-01-30"]
    assert [r["days_left"] for r in rows] == [0, 90]
    assert all(list(r)[:8] == EXPIRING_FIELDS for r in rows)
    assert rows[0]["name"] == "Anna Ærø" and rows[0]["type"] == "loentillaeg"


def test_expiring_default_window_is_90_days(run, payroll):
    r = run("agreement", "expiring", "--as-of", AS_OF, "-f", "json")
    assert len(r.json()) == 2


def test_open_ended_agreements_are_shown_by_list(run, payroll):
    rows = run("agreement", "list", "--as-of", AS_OF, "-f", "json").json()
    assert rows[-1]["open_ended"] is True and rows[-1]["end_date"] is None


def test_default_csv_is_machine_friendly(run, payroll):
    r = expiring(run, "-f", "csv")
    assert r.stdout.startswith("agreement_id,employee_id,name,")
    assert "2026-11-01" in r.stdout and "\ufeff" not in r.stdout and ";" not in r.stdout


def test_excel_csv_dialect_bytes(run, payroll, tmp_path):
    out = tmp_path / "udloeb.csv"
    assert expiring(run, "-f", "csv", "--excel", "-o", out).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].startswith("agreement_id;employee_id;name;department;type;start_date")
    assert "01-11-2026" in lines[1] and "2026-11-01" not in text
    assert "Anna Ærø;Ældreplejen" in lines[1]


def test_xlsx_is_real_and_readable(run, payroll, tmp_path):
    out = tmp_path / "udloeb.xlsx"
    r = expiring(run, "-o", out)  # the .xlsx ending is enough
    assert r.exit_code == 0 and r.stdout == ""
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]][:8] == EXPIRING_FIELDS
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws["B2"].value == "1" and ws["C2"].value == "Anna Ærø"
    assert ws["G2"].value.date().isoformat() == "2026-11-01" and ws["G2"].is_date
    assert ws["H3"].value == 90
    assert ws.column_dimensions["C"].width >= len("Anna Ærø")


def test_xlsx_format_needs_an_output_file(run, payroll):
    r = expiring(run, "-f", "xlsx")
    assert r.exit_code == 2 and "--output" in r.stderr


NASTY = {"1": "=HYPERLINK(\"http://x\")", "2": "+45 cmd", "3": "-1+1", "4": "@SUM(A1)",
         "5": "\tTab", "6": "\rReturn"}


@pytest.fixture
def nasty(run, tmp_path):
    f = tmp_path / "r.csv"
    with f.open("w", encoding="utf-8", newline="") as out:
        out.write("id,name,birth_date,department\n")
        for i, text in NASTY.items():
            out.write(f'{i},"{text.replace(chr(34), chr(34) * 2)}",1960-01-0{i},"{text}x"\n')
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    for i in NASTY:
        run("agreement", "add", i, "--type", "andet", "--start", "2026-01-01",
            "--end", "2026-12-01", "--note", NASTY[i])


EXPORTS = [
    ("employees", "--as-of", AS_OF),
    ("due", "--rules", "norddjurs", "--as-of", AS_OF),
    ("agreement", "list", "--as-of", AS_OF),
    ("agreement", "expiring", "--as-of", AS_OF),
    ("seniordays", "--year", "2026"),
]


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
def test_formula_injection_is_neutralised_in_csv(run, nasty, command):
    rows = run(*command, "-f", "csv").csv()
    assert len(rows) == len(NASTY)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (command, value)
    names = {r["name"] for r in rows}
    assert "'=HYPERLINK(\"http://x\")" in names and "'-1+1" in names


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
def test_formula_injection_is_neutralised_in_xlsx(run, nasty, command, tmp_path):
    out = tmp_path / "x.xlsx"
    assert run(*command, "-o", out).exit_code == 0
    ws = load_workbook(out).active
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row
              if isinstance(c.value, str)]
    assert values and not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.fixture
def seniors(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
        "J1,Jan first,1967-01-01,2000-01-01,", "D31,Dec last,1967-12-31,2000-01-01,",
        "OLD,Old,1955-06-01,2000-01-01,", "LEFT,Gone,1960-01-01,2000-01-01,2026-12-31",
        "NEW,New,1960-01-01,2028-01-01,",
    )
    run("import", f, "--as-of", AS_OF)


def days(run, year, *extra):
    r = run("seniordays", "--year", year, "-f", "json", *extra)
    assert r.exit_code == 0, r.stderr
    return {x["employee_id"]: x for x in r.json()}


def test_senior_days_from_the_year_one_turns_60_61_62(run, seniors):
    assert "J1" not in days(run, 2026) and "D31" not in days(run, 2026)
    for year, n in ((2027, 2), (2028, 3), (2029, 4), (2035, 4)):
        got = days(run, year)
        assert got["J1"]["days"] == n and got["D31"]["days"] == n, year
    y = days(run, 2027)["D31"]
    assert y["turns"] == 60 and y["bonus_pct_of_pay"] == 0.94
    assert y["pension_pct_of_pay"] == 0.8 and y["conversion_notice_by"] == "2026-10-01"


def test_senior_days_only_for_those_employed_in_the_year(run, seniors):
    assert "LEFT" in days(run, 2026) and "LEFT" not in days(run, 2027)
    assert "NEW" not in days(run, 2027) and "NEW" in days(run, 2028)


def test_senior_days_table_is_data_a_municipality_can_adjust(run, seniors, tmp_path):
    t = tmp_path / "foa.toml"
    t.write_text('days_from_age = { 58 = 2, 60 = 3, 62 = 4 }\nbonus_pct_per_day = 0.5\n'
                 'source = "FOA-område"\n')
    got = days(run, 2025, "--table", t)
    assert got["J1"]["turns"] == 58 and got["J1"]["days"] == 2
    assert got["J1"]["bonus_pct_of_pay"] == 1.0
    bad = tmp_path / "bad.toml"
    bad.write_text('days_from_age = { sixty = 2 }\n')
    r = run("seniordays", "--year", "2025", "--table", bad)
    assert r.exit_code == 1 and "days_from_age" in r.stderr and str(bad) in r.stderr


def test_senior_days_xlsx(run, seniors, tmp_path):
    out = tmp_path / "sd.xlsx"
    run("seniordays", "--year", "2029", "-o", out)
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["employee_id", "name", "department"]
    assert ws.max_row == 1 + 4  # J1, D31, OLD, and NEW (hired 2028)


def test_expiring_lists_only_agreements_started_by_the_as_of_date(run, payroll):
    run("agreement", "add", "2", "--type", "loentillaeg", "--start", "2026-11-01",
        "--end", "2026-12-15")
    run("agreement", "add", "2", "--type", "andet", "--start", "2026-11-02",
        "--end", "2026-12-31")  # not running on 2026-11-01
    rows = expiring(run, "-f", "json").json()
    assert [(r["start_date"], r["end_date"]) for r in rows] == [
        ("2026-01-01", "2026-11-01"), ("2026-11-01", "2026-12-15"), ("2026-01-01", "2027-01-30")]
    later = run("agreement", "expiring", "--as-of", "2026-11-02", "-f", "json").json()
    assert ("2026-11-02", "2026-12-31") in [(r["start_date"], r["end_date"]) for r in later]


def test_end_9999_12_31_never_expires_even_at_the_end_of_the_calendar(run, payroll):
    assert run("agreement", "add", "2", "--type", "nedsat_tid", "--start", "2026-01-01",
               "--end", "9999-12-31").exit_code == 0
    for as_of in ("2199-10-01", "2199-12-31"):  # the last as-of dates people can mean
        r = run("agreement", "expiring", "--as-of", as_of, "--within", "3660", "-f", "json")
        assert r.exit_code == 0 and r.json() == []
    r = run("agreement", "expiring", "--as-of", "9999-12-31")
    assert r.exit_code == 2 and "no end" in r.stderr
    listed = run("agreement", "list", "--as-of", AS_OF, "-f", "json").json()
    assert [r["open_ended"] for r in listed][-2:] == [True, True]


def test_senior_days_count_staff_employed_on_any_day_of_the_year(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
        "HIREDLAST,Hired 31 Dec,1960-01-01,2027-12-31,",
        "LEFTSECOND,Left 2 Jan,1960-01-01,2000-01-01,2027-01-02",
        "LEFTFIRST,Left 1 Jan,1960-01-01,2000-01-01,2027-01-01",
        "LEFTBEFORE,Left 31 Dec before,1960-01-01,2000-01-01,2026-12-31",
    )
    run("import", f, "--as-of", "2026-06-01")
    got = days(run, 2027)
    # staff on a day = hired by it, no leave date on or before it (as for every answer)
    assert set(got) == {"HIREDLAST", "LEFTSECOND"}
    assert got["HIREDLAST"]["days"] == 4
    assert set(days(run, 2028)) == {"HIREDLAST"}
