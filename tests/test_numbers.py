"""Numbers the Danish way, in options and files alike (issue 13, item 3): seniorcli.numbers and
where it is used — agreement add --amount/--hours and the roster's weekly_hours column."""

from __future__ import annotations

import pytest

from seniorcli.db import connect
from seniorcli.numbers import NumberError, parse_amount, parse_hours

from conftest import AS_OF, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines


@pytest.mark.parametrize(("text", "value"), [
    ("85.000", 85000.0),           # Danish thousands dot
    ("85.000,50", 85000.5),        # Danish thousands dot and decimal comma
    ("85000,50", 85000.5),         # decimal comma
    ("85000.50", 85000.5),         # two digits after a dot: øre, not thousands
    ("85000", 85000.0),
    ("1.234", 1234.0),             # kroner: a dot before three digits groups thousands
    ("1.234.567", 1234567.0),
    ("85,000.50", 85000.5),        # English, unambiguous with both marks
    ("85 000", 85000.0),           # grouped with a space
    ("85 000,50", 85000.5),
    ("3.500 kr.", 3500.0),
    ("0,5", 0.5),
    ("10.000.000", 10_000_000.0),  # the largest amount accepted
])
def test_amounts_are_read_as_a_dane_means_them(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(("text", "why"), [
    ("1,234", "is ambiguous"),     # English 1234 or Danish 1,234 kr?
    ("85,000", "is ambiguous"),
    ("1.2345", "more than two decimals"),
    ("12,345", "is ambiguous"),
    ("1.23.456", "groups of three"),
    ("inf", "is not a number"),
    ("nan", "is not a number"),
    ("1e400", "is not a number"),
    ("Infinity", "is not a number"),
    ("-500", "must not have a sign"),
    ("10.000.001", "is more than 10.000.000 kr"),
    ("99999999999999999999", "is more than 10.000.000 kr"),
    ("", "is empty"),
])
def test_ambiguous_infinite_and_absurd_amounts_are_refused_with_an_example(text, why):
    with pytest.raises(NumberError) as e:
        parse_amount(text)
    assert why in str(e.value) and "e.g." in str(e.value)


def test_the_ambiguity_message_shows_both_readings():
    with pytest.raises(NumberError) as e:
        parse_amount("1,234")
    assert "1234 kr written the English way, or 1,234 kr?" in str(e.value)
    assert "Write 1.234 or 1234 for 1234 kr" in str(e.value)


@pytest.mark.parametrize(("text", "value"), [
    ("37", 37.0), ("37,5", 37.5), ("37.5", 37.5), ("29,60", 29.6), ("0", 0.0), ("80", 80.0),
])
def test_hours_take_a_comma_or_a_dot_as_the_decimal_mark(text, value):
    assert parse_hours(text) == value


@pytest.mark.parametrize("text", ["81", "168", "37.500,0", "1e1", "nan", "inf", "-1", "37 5",
                                  "37,", "abc"])
def test_hours_that_are_not_a_week_of_work_are_refused(text):
    with pytest.raises(NumberError):
        parse_hours(text)


# --- agreement add ---------------------------------------------------------------------------

@pytest.fixture
def staff(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,hire_date",
                  "A1,Anna,1962-03-01,2000-01-01")
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    return run


def _add(run, *extra):
    return run("agreement", "add", "A1", "--type", "fratraedelse", "--start", "2026-01-01",
               "--end", "2026-12-31", *extra)


@pytest.mark.parametrize(("typed", "stored"), [
    ("85.000", 85000), ("85.000,50", 85000.5), ("85000,50", 85000.5), ("85000.50", 85000.5),
])
def test_amount_option_stores_what_was_meant(staff, typed, stored):
    r = _add(staff, "--amount", typed)
    assert r.exit_code == 0, r.stderr
    listed = staff("agreement", "list", "--as-of", AS_OF, "-f", "json").json()
    assert [a["amount"] for a in listed] == [stored]


@pytest.mark.parametrize("typed", ["inf", "nan", "1e400", "1,234", "20.000.000", "-1"])
def test_bad_amount_option_is_a_usage_error_and_stores_nothing(staff, db, typed):
    before = db_snapshot(db)
    r = _add(staff, "--amount", typed)
    assert r.exit_code == 2 and "--amount" in r.stderr and f"'{typed}'" in r.stderr
    assert "Traceback" not in r.stderr
    assert db_snapshot(db) == before
    listed = staff("agreement", "list", "--as-of", AS_OF, "-f", "json")
    assert listed.exit_code == 0 and listed.json() == []


def test_hours_option_takes_a_decimal_comma_and_refuses_more_than_80(staff):
    assert _add(staff, "--hours", "37,5").exit_code == 0
    assert [a["weekly_hours"] for a in staff("agreement", "list", "--as-of", AS_OF, "-f",
                                             "json").json()] == [37.5]
    r = _add(staff, "--hours", "81")
    assert r.exit_code == 2 and "is more than 80 hours a week" in r.stderr


# --- the roster's weekly_hours ---------------------------------------------------------------

def test_roster_hours_in_every_form(run, db, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id;name;birth_date;Ugentlige timer",
                  "1;Anna;1960-01-01;37,5", "2;Bo;1961-01-01;37.5", "3;Cai;1962-01-01;30")
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    conn = connect(db)
    hours = dict(conn.execute("SELECT employee_id, weekly_hours FROM employee").fetchall())
    conn.close()
    assert hours == {"1": 37.5, "2": 37.5, "3": 30.0}


def test_roster_hours_that_are_absurd_or_not_numbers_are_named_by_line(run, db, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id;name;birth_date;Timer", "1;Anna;1960-01-01;37",
                  "2;Bo;1961-01-01;90", "3;Cai;1962-01-01;nan", "4;Dan;1963-01-01;1e3")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 3, weekly_hours: '90' is more than 80 hours a week" in r.stderr
    assert "line 4, weekly_hours: 'nan' is not a number" in r.stderr
    assert "line 5, weekly_hours: '1e3' is not a number" in r.stderr
    assert db_snapshot(db).get("employee") in (None, [])  # no file or no rows
