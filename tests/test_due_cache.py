"""due_cache: each employee's next offer, kept between runs of `due` and `report coverage`.

What a user would notice if it went wrong: a list that still shows someone after their
conversation was logged, an old department or name, an edited rule set answered by the old
one, a list that waits for another process, or a stale answer kept from a changed database.
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import date, timedelta

import pytest

from seniorcli.db.engine import connect
from seniorcli.rules import BUILT_IN
from seniorcli.rules.base import Facts
from seniorcli.rules.loader import load_rule_file
from seniorcli.services import due as due_service
from seniorcli.services.due import due_list, facts_for
from seniorcli.services.reports import Period, coverage

from conftest import AS_OF, FIXTURES, write_csv

HEADER = "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;Ansættelsesdato"
ROWS = (
    "001;Anna Ærø;1971-06-15;Skole;M1;2000-01-01",  # 55 on 2026-06-15: due
    "002;Bent Bæk;1960-02-10;Vej;M2;2000-01-01",  # 66: due
    "003;Cai Øst;1990-01-01;Skole;M1;2015-01-01",  # young
)


def listed(run, *args) -> dict[str, dict]:
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {row["employee_id"]: row for row in r.json()}


def cached(db) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT employee_id, due_date FROM due_cache"))
    finally:
        conn.close()


@pytest.fixture
def roster(run, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER, *ROWS)
    assert run("import", path, "--as-of", AS_OF).exit_code == 0
    return path


def test_the_first_list_is_kept_and_the_second_reads_it(run, roster, db):
    first = listed(run)
    assert set(first) == {"001", "002"}
    assert cached(db) == {"001": "2026-06-15", "002": "2015-02-10"}  # not the young one
    assert listed(run) == first


def test_a_logged_conversation_takes_the_employee_off_the_next_list(run, roster, db):
    assert "001" in listed(run)
    assert run("log", "001", "held", "--date", "2026-10-01", "--as-of", AS_OF).exit_code == 0
    assert "001" not in cached(db)  # the trigger dropped the kept answer
    assert "001" not in listed(run)
    assert cached(db)["001"] == "2027-10-01"  # decided again, and kept


@pytest.mark.parametrize("row,field,value", [
    ("001;Anna Ærø;1971-06-15;Vej;M1;2000-01-01", "department", "Vej"),
    ("001;Anna Ærø;1971-06-15;Skole;M9;2000-01-01", "manager_id", "M9"),
    ("001;Anna Ærø-Holm;1971-06-15;Skole;M1;2000-01-01", "name", "Anna Ærø-Holm"),
    ("001;Anna Ærø;1971-06-14;Skole;M1;2000-01-01", "due_date", "2026-06-14"),
    ("001;Anna Ærø;1971-06-15;Skole;M1;2026-07-01", "due_date", "2026-07-01"),
])
def test_a_new_roster_shows_each_changed_value(run, roster, db, tmp_path, row, field, value):
    listed(run)
    changed = write_csv(tmp_path / "r2.csv", HEADER, row, *ROWS[1:])
    assert run("import", changed, "--as-of", AS_OF).exit_code == 0
    assert listed(run)["001"][field] == value


def test_an_employee_who_leaves_is_not_listed_from_the_leave_date(run, roster, db, tmp_path):
    listed(run)
    gone = write_csv(tmp_path / "r3.csv", HEADER, *ROWS[1:])  # 001 missing: marked as left
    assert run("import", gone, "--as-of", "2026-10-01").exit_code == 0
    assert "001" not in listed(run)
    assert "001" in listed(run, "--as-of", "2026-09-30")  # still here the day before


def test_purge_removes_the_kept_answers_too(run, roster, db, tmp_path):
    listed(run)
    assert run("import", write_csv(tmp_path / "r4.csv", HEADER, *ROWS[1:]),
               "--as-of", "2020-01-01").exit_code == 0
    assert run("purge", "--left-before", "2021-01-01", "--yes").exit_code == 0
    assert "001" not in cached(db)


def test_an_edited_rule_file_is_never_answered_from_the_old_rules(run, roster, db, tmp_path):
    rules = tmp_path / "local.toml"
    text = ('name = "local"\ntitle = "Local"\nfirst_offer_age = {age}\n'
            'sources = ["test"]\n')
    rules.write_text(text.format(age=55))
    assert set(listed(run, "--rules-file", rules, "--rules", "local")) == {"001", "002"}
    rules.write_text(text.format(age=60))
    assert set(listed(run, "--rules-file", rules, "--rules", "local")) == {"002"}


def test_the_list_does_not_wait_for_another_writer_and_keeps_nothing(run, roster, db):
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing (e.g. a long import)
    try:
        started = time.monotonic()
        rows = listed(run)
        assert time.monotonic() - started < 5
        assert set(rows) == {"001", "002"}
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert cached(db) == {}
    assert set(listed(run)) == {"001", "002"} and len(cached(db)) == 2


def test_an_answer_decided_before_another_write_is_not_kept(db, run, roster, monkeypatch):
    """A conversation logged by another process between deciding and keeping: the decision
    was made without it, so it must not be kept (the next run decides again)."""
    decide = due_service._decide_uncached

    def decide_then_someone_logs(conn, *args):
        decide(conn, *args)
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("INSERT INTO conversation (employee_id, outcome, date, recorded_at) "
                      "VALUES ('001', 'held', '2026-10-01', 'x')")
        other.close()

    monkeypatch.setattr(due_service, "_decide_uncached", decide_then_someone_logs)
    conn = connect(db)
    rules = next(r for r in BUILT_IN if r.name == "norddjurs")
    first = {r["employee_id"] for r in due_list(conn, rules, date(2026, 11, 1))}
    assert first == {"001", "002"}  # the list of its own snapshot
    assert cached(db) == {}
    monkeypatch.undo()
    assert {r["employee_id"] for r in due_list(conn, rules, date(2026, 11, 1))} == {"002"}


# --- kept answers give exactly what deciding afresh gives -----------------------------------

RULE_SETS = [*BUILT_IN, load_rule_file(FIXTURES / "silkeborg.toml")]


@pytest.fixture(scope="module")
def random_conn(tmp_path_factory):
    """1,500 random employees (some born on 29 February, some leaving) with up to five
    outcomes each, some on the same day, some a year apart to the day."""
    rng = random.Random(20261101)
    conn = connect(tmp_path_factory.mktemp("cache") / "c.db")
    people, talks = [], []
    for i in range(1500):
        birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 40))
        if i % 97 == 0:
            birth = date(rng.choice([1964, 1968, 1972]), 2, 29)
        hire = birth + timedelta(days=365 * rng.randint(18, 60))
        leave = hire + timedelta(days=rng.randint(100, 9000)) if rng.random() < 0.15 else None
        people.append((f"P{i:05d}", f"N{i}", rng.choice(["A", "B", None]), birth.isoformat(),
                       hire.isoformat(), leave.isoformat() if leave else None))
        day = date(2022, 1, 1) + timedelta(days=rng.randint(0, 400))
        for _ in range(rng.randint(0, 5)):
            outcome = rng.choice(["held", "declined", "invited", "postponed", "requested"])
            talks.append((f"P{i:05d}", outcome, day.isoformat()))
            day += timedelta(days=rng.choice([0, 1, 30, 200, 365, 366, 400]))
    with conn:
        conn.executemany("INSERT INTO employee (employee_id, name, department, birth_date, "
                         "hire_date, leave_date, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'x')",
                         people)
        conn.executemany("INSERT OR IGNORE INTO conversation (employee_id, outcome, date, "
                         "recorded_at) VALUES (?, ?, ?, 'x')", talks)
    return conn


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.name)
def test_lists_from_kept_answers_equal_deciding_afresh_at_any_date(random_conn, rules):
    """The due list (which decides only for employees who could be due and have no kept
    answer) against deciding for every employee: from nothing kept, at dates going forward,
    then back again over the answers kept on the way."""
    conn = random_conn
    conn.execute("DELETE FROM due_cache")
    days = [("2025-06-30", 0), ("2026-02-28", 30), ("2026-11-01", 90), ("2028-02-29", 0),
            ("2030-01-01", 3650)]
    for as_of, within in days + days[::-1]:
        day = date.fromisoformat(as_of)
        got = {r["employee_id"]: (r["due_date"], r["reason"], r["pending"], r["department"])
               for r in due_list(conn, rules, day, within)}
        want = {}
        for eid, dept in conn.execute("SELECT employee_id, department FROM employee"):
            d = rules.decide(facts_for(conn, eid), day, within)
            if d is not None:
                want[eid] = (d.due_date, d.reason, d.pending, dept)
        assert got == want, as_of
        assert len(want) > 50  # the comparison covers real cases


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.name)
def test_coverage_is_the_same_with_and_without_kept_answers(random_conn, rules):
    """still_due and overdue_90 by deciding on the period's last day for every eligible
    employee, against the report with no kept answers, then with them (also for a past
    period, where outcomes after its end must be left out)."""
    conn = random_conn
    for period in (Period(date(2026, 1, 1), date(2026, 11, 1)),
                   Period(date(2024, 1, 1), date(2024, 12, 31))):
        conn.execute("DELETE FROM due_cache")
        cold = coverage(conn, rules, period)
        warm = coverage(conn, rules, period)
        due_list(conn, rules, period.end, 3650)  # answers kept by the due list as well
        assert coverage(conn, rules, period) == warm == cold
        still = overdue = 0
        for eid, hire, leave in conn.execute(
                "SELECT employee_id, hire_date, leave_date FROM employee"):
            f = facts_for(conn, eid)
            if (hire and hire > period.end.isoformat()) or (
                    leave and leave <= period.start.isoformat()):
                continue
            upto = tuple(o for o in f.outcomes if o.date <= period.end)
            first = max(rules.first_due(f.birth_date)[0], f.hire_date or date.min)
            if first > period.end and not any(o.date >= period.start for o in upto):
                continue
            d = rules.decide(Facts(f.birth_date, f.hire_date, f.leave_date, upto), period.end)
            still += d is not None
            overdue += d is not None and (period.end - d.due_date).days > 90
        total = cold[-1]
        assert (total["still_due"], total["overdue_90"]) == (still, overdue)
        assert still > 10


def test_only_the_import_changes_employee_rows():
    """due_cache copies employee fields; the import drops the copies of the rows it changes
    (roster._forget_due), since a trigger on every upserted row costs 0.5 s per 500,000. Any
    other statement that changes employee rows would have to drop them too: this test names
    it."""
    import re
    from pathlib import Path

    import seniorcli

    src = Path(seniorcli.__file__).parent
    writers = {p.relative_to(src).as_posix() for p in src.rglob("*.py")
               if re.search(r"(UPDATE|INSERT\s+INTO|REPLACE\s+INTO)\s+employee\b",
                            p.read_text(encoding="utf-8"), re.IGNORECASE)}
    assert writers == {"services/roster.py"}


def test_rule_sets_that_decide_alike_share_kept_answers_and_others_do_not():
    import dataclasses

    from seniorcli.services.cache import cache_key

    norddjurs = next(r for r in BUILT_IN if r.name == "norddjurs")
    renamed = dataclasses.replace(norddjurs, name="other", title="Other", sources=("x",))
    assert cache_key(renamed) == cache_key(norddjurs)
    for change in ({"first_offer_age": 56}, {"repeat_months": 24}, {"reoffer_age": 55},
                   {"trigger": "calendar_year"}, {"repeat": "calendar_year"}):
        assert cache_key(dataclasses.replace(norddjurs, **change)) != cache_key(norddjurs), change
    assert len({cache_key(r) for r in BUILT_IN}) == len(BUILT_IN)
