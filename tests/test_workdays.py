"""Days off: weekends, Danish public holidays and the agreed days off, named in the reader's
language, flagged on due dates (issue 16, point 6)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from seniorcli.workdays import day_off, is_public_holiday, is_working_day, next_working_day

from conftest import write_csv

pytestmark = pytest.mark.both_engines


@pytest.mark.parametrize(("day", "danish"), [
    (date(2026, 12, 24), "Juleaftensdag"),
    (date(2026, 12, 25), "Juledag"),
    (date(2026, 12, 26), "Anden juledag"),
    (date(2026, 12, 31), "Nytårsaften"),
    (date(2027, 1, 1), "Nytårsdag"),
    (date(2027, 3, 25), "Skærtorsdag"),   # Easter moves: 2027's Easter Sunday is 28 March
    (date(2027, 3, 29), "Anden påskedag"),
    (date(2027, 5, 6), "Kristi himmelfartsdag"),
    (date(2027, 6, 5), "Grundlovsdag"),   # a Saturday: named by the holiday
    (date(2023, 5, 5), "Store bededag"),  # abolished from 2024
    (date(2026, 12, 5), "lørdag"),
    (date(2026, 12, 6), "søndag"),
])
def test_days_off_are_named_in_danish(day, danish, monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "da")
    assert day_off(day) == danish
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 12, 7), date(2024, 4, 26), date(2026, 12, 23),
                                 date(2027, 3, 24), date(2026, 12, 28)])
def test_working_days_have_no_day_off(day, monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "da")
    assert day_off(day) is None  # 2024-04-26: Store Bededag's date, a working day since 2024
    assert next_working_day(day) == day


def test_english_names_on_request(monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "en")
    assert day_off(date(2026, 12, 25)) == "Christmas Day"
    assert day_off(date(2026, 12, 5)) == "Saturday"


def test_the_next_working_day_skips_christmas_and_easter(monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "da")
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)


def test_next_working_day_against_checking_every_day(monkeypatch):
    """The short way (skip while a day off) against the obvious one: the first day from d on
    that is a working day, for every day of two years."""
    monkeypatch.setenv("SENIORCLI_LANG", "da")
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        slow = next(day + timedelta(days=k) for k in range(10)
                    if (day + timedelta(days=k)).weekday() < 5
                    and day_off(day + timedelta(days=k)) is None)
        assert next_working_day(day) == slow
        day += timedelta(days=1)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    """Norddjurs: first offer on the 55th birthday. Born 24-12-1971 → due on Christmas Eve
    2026; 05-12-1971 → a Saturday; 07-12-1971 → a Monday."""
    return write_csv(
        tmp_path / "roster.csv", "employee_id,name,birth_date,department,hire_date",
        "1,Juleaften Jensen,1971-12-24,Sundhed,2000-01-01",
        "2,Lørdag Larsen,1971-12-05,Sundhed,2000-01-01",
        "3,Mandag Madsen,1971-12-07,Sundhed,2000-01-01")


def test_the_due_list_flags_due_dates_on_a_day_off(run, roster):
    assert run("import", roster, "--as-of", "2026-12-01").exit_code == 0
    r = run("due", "--rules", "norddjurs", "--as-of", "2026-12-01", "--within", "30",
            "--format", "json", lang="da")
    assert r.exit_code == 0, r.stderr
    off = {row["employee_id"]: row["due_date_day_off"] for row in json.loads(r.stdout)}
    assert off == {"1": "Juleaftensdag", "2": "lørdag", "3": None}
    table = run("due", "--rules", "norddjurs", "--as-of", "2026-12-01", "--within", "30",
                lang="da").stdout
    assert "24-12-2026 (Juleaftensdag)" in table and "05-12-2026 (lørdag)" in table
    assert "07-12-2026 " in table and "07-12-2026 (" not in table
    assert "Christmas Eve" in run("due", "--rules", "norddjurs", "--as-of", "2026-12-01",
                                  "--within", "30", "--format", "csv").stdout


def test_the_day_off_stays_in_a_table_at_80_columns(run, roster, monkeypatch):
    assert run("import", roster, "--as-of", "2026-12-01").exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    table = run("due", "--rules", "norddjurs", "--as-of", "2026-12-01", "--within", "30",
                lang="da").stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "(Juleaftensdag)" in table and "(lørdag)" in table


def test_show_names_the_day_off_of_the_next_offer(run, roster):
    assert run("import", roster, "--as-of", "2026-12-01").exit_code == 0
    r = run("show", "1", "--rules", "norddjurs", "--as-of", "2026-12-01", lang="da")
    assert "24-12-2026 (Juleaftensdag)" in r.stdout


def test_every_flag_in_a_random_due_list_equals_asking_the_calendar(run, tmp_path):
    """The due list looks each distinct due date up once; compare with asking for every row,
    on random birth and hire dates, before and after logged outcomes."""
    rnd = random.Random(16)
    rows, early = [], []
    for i in range(300):
        birth = date(1960, 1, 1) + timedelta(days=rnd.randrange(14 * 365))
        hire = date(2015, 1, 1) + timedelta(days=rnd.randrange(11 * 365))
        rows.append(f"{i},Person {i},{birth},Afd {i % 4},{hire}")
        if hire < date(2026, 6, 1) and len(early) < 20:
            early.append(str(i))
    roster = write_csv(tmp_path / "r.csv", "employee_id,name,birth_date,department,hire_date",
                       *rows)
    assert run("import", roster, "--as-of", "2026-11-30").exit_code == 0
    for eid in early:
        assert run("log", eid, "held", "--date", "2026-06-01").exit_code == 0
    for as_of in ("2025-12-24", "2026-11-30", "2027-04-01"):
        r = run("due", "--rules", "norddjurs", "--as-of", as_of, "--within", "400",
                "--format", "json", lang="da")
        listed = json.loads(r.stdout)
        assert listed
        for row in listed:
            assert row["due_date_day_off"] == day_off(date.fromisoformat(row["due_date"]))


@pytest.mark.parametrize(("day", "public"), [
    (date(2026, 12, 25), True), (date(2027, 3, 28), True), (date(2027, 1, 1), True),
    (date(2026, 12, 24), False), (date(2026, 12, 31), False), (date(2027, 6, 5), False),
    (date(2027, 5, 1), False), (date(2026, 12, 5), False), (date(2026, 12, 7), False)])
def test_public_holidays_are_told_from_agreed_days_off(day, public):
    assert is_public_holiday(day) is public
