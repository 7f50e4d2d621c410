"""Answers on a date (domain.md, "Answers on a date"): every answer as of a date D is the answer
on D, whatever was logged since, and every shortcut gives what deciding from scratch gives.

Two independent checks on random registers (rehires with history from an earlier employment,
requests before the hire date, 29 February births, outcomes before and after D, people hired
after D, leavers), at dates forward and back:
- the database as it was on D (outcomes after D and people hired after D removed) gives the
  same answers as the whole database asked about D;
- the due list and the coverage report (which skip, in SQL, people who cannot be due) give
  what the rule set decides for every employee one by one, and coverage's "due at some time
  in the period" what asking on every single day of it gives.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest

from seniorcli.db import Db, connect
from seniorcli.db.engine import transaction
from seniorcli.rules import BUILT_IN
from seniorcli.rules.loader import load_rule_file
from seniorcli.services.due import due_list, facts_for
from seniorcli.services.employees import employee_detail, list_employees
from seniorcli.services.reports import Period, ages, coverage, retirements

from conftest import FIXTURES, pg_database_url, write_csv
from rulekit import D, facts

pytestmark = pytest.mark.both_engines

RULE_SETS = [*BUILT_IN, load_rule_file(FIXTURES / "silkeborg.toml")]
DAYS = [("2025-03-01", 0), ("2026-11-30", 30), ("2024-02-29", 0), ("2027-06-30", 90),
        ("2023-01-01", 365), ("2026-02-28", 0)]
SEED = 20261130


def _random_register(target, seed: int = SEED, n: int = 1200, on: date | None = None) -> None:
    """A random register, the same on either engine for the same seed, written through the
    db interface. With ``on``: as it stood that day (nothing dated after it, nobody hired
    after it)."""
    rng = random.Random(seed)
    people, talks = [], []
    for i in range(n):
        eid = f"P{i:05d}"
        birth = date(1952, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
        if i % 41 == 0:
            birth = date(rng.choice([1960, 1964, 1968, 1972, 1976]), 2, 29)
        hire = birth + timedelta(days=rng.randint(18 * 365, 62 * 365))
        leave = hire + timedelta(days=rng.randint(30, 4000)) if rng.random() < 0.15 else None
        # Outcomes from about 2021 to 2028, some before the hire date (an earlier employment,
        # or a request before a rehire), some on the same day, some a year apart to the day.
        day = date(2021, 1, 1) + timedelta(days=rng.randint(0, 900))
        mine = []
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
            outcome = rng.choice(["held", "held", "declined", "invited", "postponed",
                                  "requested"])
            mine.append((eid, outcome, day.isoformat()))
            day += timedelta(days=rng.choice([0, 1, 30, 200, 365, 366, 400, 700]))
        person = (eid, f"N{i}", rng.choice(["A", "B", None]), rng.choice(["M1", "M2"]),
                  birth.isoformat(), hire.isoformat(), leave.isoformat() if leave else None)
        if on is None or hire <= on:
            people.append(person)
            talks += [t for t in mine if on is None or t[2] <= on.isoformat()]
    conn = connect(target)
    try:
        with transaction(conn):
            conn.executemany(
                "INSERT INTO employee (employee_id, name, department, manager_id, birth_date, "
                "hire_date, leave_date, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'x')", people)
            conn.executemany(  # the same outcome twice on one day: once
                "INSERT INTO conversation (employee_id, outcome, date, recorded_at) "
                "VALUES (?, ?, ?, 'x')", list(dict.fromkeys(talks)))
    finally:
        conn.close()


class Registers:
    """Random registers on either engine: SQLite files, or databases on the test session's
    PostgreSQL server (dropped at the end of the module)."""

    def __init__(self, folder):
        self.folder = folder
        self.databases: list[tuple[str, str]] = []
        self.shared: dict[object, object] = {}

    def new(self, engine: str, server: str | None = None, *, on: date | None = None):
        """A new random register (the module's seed), as it stood ``on`` if given."""
        name = f"r_{uuid.uuid4().hex[:12]}"
        if engine == "sqlite":
            target: object = self.folder / f"{name}.db"
        else:
            import psycopg

            assert server is not None
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            self.databases.append((server, name))
            target = pg_database_url(server, name)
        _random_register(target, on=on)
        return target

    def whole(self, engine: str, server: str | None = None, *, on: date | None = None):
        """The module's register on ``engine`` (as it stood ``on``, if given), built once."""
        if (engine, on) not in self.shared:
            self.shared[engine, on] = self.new(engine, server, on=on)
        return self.shared[engine, on]

    def drop(self) -> None:
        import psycopg

        for server, name in self.databases:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    made = Registers(tmp_path_factory.mktemp("asof"))
    yield made
    made.drop()


@pytest.fixture
def server(engine: str, request: pytest.FixtureRequest) -> str | None:
    """The PostgreSQL server for the engine postgresql, else None."""
    return request.getfixturevalue("pg_server") if engine == "postgresql" else None


@pytest.fixture
def register(registers: Registers, engine: str, server: str | None):
    return registers.whole(engine, server)


@pytest.fixture
def conn(register):
    """A connection to the module's register on the test's engine."""
    c = connect(register)
    yield c
    c.close()


def answers(conn: Db, rules, day: date, within: int, people: list[str]
            ) -> dict:
    """What every command answers about ``day``."""
    return {
        "due": [(r["employee_id"], r["due_date"], r["reason"], r["pending"], r["status"])
                for r in due_list(conn, rules, day, within)],
        "employees": [r["employee_id"] for r in list_employees(conn, day)],
        "show": {e: employee_detail(conn, e, day, rules)["next_due"] for e in people},
        "coverage": coverage(conn, rules, Period(day - timedelta(days=364), day), "department"),
        "ages": ages(conn, day, "department"),
        "retirements": retirements(conn, day, 10),
    }


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.name)
def test_every_answer_about_a_day_is_what_the_register_said_that_day(register, rules,
                                                                      registers, engine, server):
    whole = connect(register)
    for as_of, within in DAYS:
        day = D(as_of)
        then = connect(registers.whole(engine, server, on=day))  # the register as it was
        people = [r["employee_id"] for r in list_employees(then, day, include_left=True)]
        # `show` one by one costs a server's round trips: every sixth on PostgreSQL (the same
        # facts for everyone on both engines: test_the_due_list_on_postgresql_is_the_one_…)
        people = people[::1 if engine == "sqlite" else 6]
        got = answers(whole, rules, day, within, people)
        want = answers(then, rules, day, within, people)
        for command in want:
            assert got[command] == want[command], (command, as_of)
        assert len(want["due"]) > 20 and len(want["employees"]) > 100  # real cases
        then.close()
    whole.close()


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.name)
def test_the_due_list_is_deciding_for_everyone_one_by_one(conn, rules):
    """The due list skips, in SQL, the young and the recently settled: it must list exactly
    whom the rule set lists when asked about every employee, with the same reasons."""
    everyone = {r[0]: facts_for(conn, r[0]) for r in conn.execute(
        "SELECT employee_id FROM employee")}
    for as_of, within in DAYS + DAYS[::-1]:
        day = D(as_of)
        got = {r["employee_id"]: (r["due_date"], r["reason"], r["pending"])
               for r in due_list(conn, rules, day, within)}
        want = {}
        for eid, f in everyone.items():
            d = rules.decide(f, day, within)
            if d is not None:
                want[eid] = (d.due_date, d.reason, d.pending)
        assert got == want, as_of
        assert len(want) > 20


#: Before the first outcome (2021), among them, and after the last (2028).
BOTH_DAYS = [("2019-12-31", 0), ("2020-12-31", 400), *DAYS, ("2028-12-31", 30),
             ("2031-06-30", 0)]


def test_the_due_list_on_postgresql_is_the_one_on_sqlite(registers, pg_server):
    """The same register on both engines: the same due list, row for row and field for field,
    on days before, among and after the logged outcomes, with and without the filters; and the
    same facts for every employee (the packed outcomes read alike)."""
    lite = connect(registers.whole("sqlite"))
    pg = connect(registers.whole("postgresql", pg_server))
    try:
        ids = [r[0] for r in lite.execute("SELECT employee_id FROM employee ORDER BY 1")]
        assert ids == [r[0] for r in pg.execute("SELECT employee_id FROM employee ORDER BY 1")]
        for eid in ids:
            a, b = facts_for(lite, eid), facts_for(pg, eid)
            assert a._replace(outcomes=sorted(a.outcomes)) == \
                b._replace(outcomes=sorted(b.outcomes)), eid
        listed = 0
        for rules in RULE_SETS:
            for as_of, within in BOTH_DAYS:
                for department, manager in [(None, None), ("A", None), (None, "M2"),
                                            ("B", "M1")]:
                    args = (rules, D(as_of), within)
                    kw = {"department": department, "manager": manager}
                    want = list(due_list(lite, *args, **kw))
                    assert list(due_list(pg, *args, **kw)) == want, (rules.name, as_of, kw)
                    listed += len(want)
        assert listed > 10_000
    finally:
        lite.close()
        pg.close()


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.name)
def test_coverage_counts_by_asking_on_every_day_of_the_period(conn, rules):
    """eligible = due on some day of the period (asked day by day) or with an outcome in it;
    still_due + due_before = the due list on the last day, split at the period's start."""
    for start, end in [("2025-10-01", "2025-12-31"), ("2026-01-01", "2026-03-31")]:
        period = Period(D(start), D(end))
        total = coverage(conn, rules, period)[-1]
        eligible = 0
        for (eid,) in conn.execute("SELECT employee_id FROM employee"):
            f = facts_for(conn, eid)
            hire = f.hire_date
            leave = f.leave_date
            in_period = any(start <= o.date.isoformat() <= end and (hire is None or
                            o.date >= hire) and (leave is None or o.date <= leave)
                            for o in f.outcomes)
            day, due_some_day = period.start, False
            while day <= period.end and not due_some_day:
                due_some_day = rules.decide(f, day) is not None
                day += timedelta(days=1)
            eligible += (in_period and (hire is None or hire <= period.end) and (
                f.leave_date is None or f.leave_date > period.start)) or due_some_day
        listed = list(due_list(conn, rules, period.end))
        assert total["eligible"] == eligible
        assert total["still_due"] == sum(r["due_date"] >= period.start for r in listed)
        assert total["still_due"] + total["due_before"] == len(listed)
        assert total["overdue_90"] == sum(r["days_overdue"] > 90 for r in listed)
        assert eligible > 50


# --- the answers a user asks for, through the command line ---------------------------------

HEADER = "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;Ansættelsesdato;Fratrædelsesdato"


@pytest.fixture
def office(run, tmp_path):
    # Bent worked here from 2015 and asked for a conversation in January 2024; he left, and
    # the roster now shows his new employment from 2024-06-01.
    first = write_csv(tmp_path / "r0.csv", HEADER, "002;Bent Bæk;1990-01-01;Skole;M1;2015-01-01;")
    assert run("import", first, "--as-of", "2024-01-31").exit_code == 0
    o = write_csv(tmp_path / "o0.csv", "employee_id;outcome;date", "002;requested;2024-01-10")
    assert run("log", "--from-file", o, "--as-of", "2024-01-31").exit_code == 0
    f = write_csv(
        tmp_path / "r.csv", HEADER,
        "001;Anna Ærø;1960-03-01;Skole;M1;2000-01-01;",  # 66
        "002;Bent Bæk;1990-01-01;Skole;M1;2024-06-01;",  # 36: asked before hire (rehired)
        "003;Cai Øst;1962-02-02;Vej;M2;2026-12-01;",  # hired 2026-12-01
        "004;Dora Dahl;1960-05-05;Vej;M2;2000-01-01;2026-12-31",  # leaves at the year's end
        "005;Eva Lund;1970-02-28;Vej;M2;2000-01-01;",  # 55 on 2025-02-28
    )
    assert run("import", f, "--as-of", "2026-11-30").exit_code == 0
    o = write_csv(tmp_path / "o.csv", "employee_id;outcome;date",
                  "001;held;2026-11-16", "005;held;2025-03-10")
    r = run("log", "--from-file", o, "--as-of", "2026-11-30")
    assert r.exit_code == 0, r.stderr
    return f


def due_ids(run, as_of: str, *args: str) -> dict[str, dict]:
    r = run("due", "--rules", "norddjurs", "--as-of", as_of, "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {row["employee_id"]: row for row in r.json()}


def test_a_list_for_a_past_date_ignores_a_later_conversation(run, office):
    then = due_ids(run, "2025-03-01")
    assert "001" in then and then["001"]["due_date"] == "2015-03-01"
    assert "001" not in due_ids(run, "2026-11-30")  # held on 2026-11-16


def test_a_request_from_before_the_hire_date_does_not_carry_over(run, office):
    assert "002" not in due_ids(run, "2024-06-01")
    assert "002" not in due_ids(run, "2026-11-30")
    show = run("show", "002", "--rules", "norddjurs", "--as-of", "2026-11-30", "-f", "json")
    history = show.json()["conversations"]
    assert [c["outcome"] for c in history] == ["requested"]  # shown, as history


def test_someone_not_hired_yet_is_not_staff(run, office):
    assert "003" not in due_ids(run, "2026-11-30", "--within", "60")
    assert due_ids(run, "2026-12-01")["003"]["reason"].startswith("hired on 2026-12-01")
    r = run("employees", "--as-of", "2026-11-30", "-f", "json")
    assert {e["employee_id"] for e in r.json()} == {"001", "002", "004", "005"}
    r = run("report", "ages", "--as-of", "2026-11-30", "-f", "json")
    assert r.json()[-1]["employees"] == 4
    r = run("report", "retirements", "--as-of", "2026-11-30", "-f", "json")
    assert r.json()[0]["staff"] == 4
    r = run("employees", "--as-of", "2026-12-01", "-f", "json")
    assert "003" in {e["employee_id"] for e in r.json()}


def test_someone_who_leaves_later_is_still_staff_and_due(run, office):
    assert "004" in due_ids(run, "2026-11-30")
    assert "004" not in due_ids(run, "2026-12-31")


def test_coverage_for_a_past_year_does_not_count_later_conversations(run, office):
    r = run("report", "coverage", "--rules", "norddjurs", "--year", "2025", "-f", "json")
    total = r.json()[-1]
    assert total["held"] == 1  # Eva in 2025; Anna's 2026 conversation is not in 2025
    # On 2025-12-31 Anna was still due (since 2015) and Eva settled until 2026-03-10.
    assert (total["still_due"], total["due_before"]) == (0, 2)  # Anna and Dora, since 2015
    listed = due_ids(run, "2025-12-31")
    assert set(listed) == {"001", "004"}


def test_a_young_requester_still_waiting_is_eligible_and_still_due(run, office, tmp_path):
    o = write_csv(tmp_path / "o2.csv", "employee_id;outcome;date", "002;requested;2026-09-01")
    assert run("log", "--from-file", o, "--as-of", "2026-11-30").exit_code == 0
    r = run("report", "coverage", "--rules", "norddjurs", "--from", "2026-07-01", "--to",
            "2026-11-30", "-f", "json")
    total = r.json()[-1]
    assert "002" in due_ids(run, "2026-11-30")
    assert total["requested"] == 1 and total["still_due"] >= 1
    assert total["eligible"] == 4  # Anna (held in it), Bent (asked), Dora, Eva


def test_register_start_reports_old_due_dates_from_it(run, office):
    before = due_ids(run, "2026-11-30")["004"]
    assert before["due_date"] == "2015-05-05"
    assert run("config", "set", "start-date", "01-01-2026").exit_code == 0
    after = due_ids(run, "2026-11-30")["004"]
    assert after["due_date"] == "2026-01-01"
    assert "2015-05-05" in after["reason"] and "register started" in after["reason"]
    shown = run("rules", "show", "norddjurs")
    assert "Register started on 2026-01-01" in shown.stdout
    assert run("config", "unset", "start-date").exit_code == 0
    assert due_ids(run, "2026-11-30")["004"]["due_date"] == "2015-05-05"


def test_a_rule_set_in_force_from_a_date_makes_nobody_due_before_it(run, office, tmp_path):
    toml = tmp_path / "ny.toml"
    toml.write_text((FIXTURES / "silkeborg.toml").read_text(encoding="utf-8")
                    + "in_force_from = 2026-12-01\n", encoding="utf-8")
    r = run("due", "--rules-file", toml, "--as-of", "2026-11-30", "-f", "json")
    assert r.exit_code == 0 and r.json() == []  # Dora, 66, is not due under it yet
    r = run("due", "--rules-file", toml, "--as-of", "2026-12-01", "-f", "json")
    rows = {x["employee_id"]: x for x in r.json()}
    assert rows["004"]["due_date"] == "2026-12-01" and "in force from" in rows["004"]["reason"]
    shown = run("rules", "show", "--rules-file", toml, "silkeborg")
    assert "In force from 2026-12-01" in shown.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text((FIXTURES / "silkeborg.toml").read_text(encoding="utf-8")
                   + 'in_force_from = "soon"\n', encoding="utf-8")
    r = run("due", "--rules-file", bad, "--as-of", "2026-11-30")
    assert r.exit_code == 1 and "in_force_from" in r.stderr


def test_rules_show_says_what_an_answer_on_a_date_means(run):
    r = run("rules", "show", "koege")
    assert r.exit_code == 0
    assert "Answers on a date" in r.stdout
    assert "Outcomes count only if dated on or before A" in r.stdout
    assert "Register start: not set" in r.stdout


# --- the one definition, clause by clause ---------------------------------------------------

def test_outcomes_after_the_day_asked_about_do_not_count():
    from seniorcli.rules.norddjurs import NORDDJURS

    f = facts("1960-03-01", ("held", "2026-11-16"), hired="2000-01-01")
    assert NORDDJURS.decide(f, D("2026-11-15")).due_date == D("2015-03-01")
    assert NORDDJURS.decide(f, D("2026-11-16")) is None


def test_nobody_is_due_before_the_hire_date_and_old_history_is_history():
    from seniorcli.rules.norddjurs import NORDDJURS

    f = facts("1960-03-01", ("held", "2020-05-01"), ("requested", "2021-01-01"),
              hired="2022-06-01")
    assert NORDDJURS.decide(f, D("2022-05-31")) is None  # not staff yet
    d = NORDDJURS.decide(f, D("2022-06-01"))
    assert d.due_date == D("2022-06-01") and d.pending is None  # afresh at the hire date


def test_due_during_matches_asking_every_day_at_the_boundaries():
    from seniorcli.rules.albertslund import ALBERTSLUND

    f = facts("1972-02-29", ("declined", "2024-03-05"), ("requested", "2026-01-10"),
              hired="2000-01-01", left="2026-01-10")
    assert ALBERTSLUND.due_during(f, D("2025-12-01"), D("2026-01-09")) is False
    g = facts("1972-02-29", ("declined", "2024-03-05"), hired="2000-01-01")
    assert ALBERTSLUND.due_during(g, D("2027-02-28"), D("2027-02-28")) is False
    assert ALBERTSLUND.due_during(g, D("2027-02-28"), D("2027-03-01")) is True


def test_show_marks_history_that_does_not_count_on_the_day(run, office, tmp_path):
    r = run("show", "002", "--rules", "norddjurs", "--as-of", "2026-11-30")
    assert "earlier employment: does not count" in r.stdout
    r = run("show", "001", "--rules", "norddjurs", "--as-of", "2026-11-01")
    assert "after 2026-11-01: does not count yet" in r.stdout  # held on 2026-11-16
    assert "Next offer (norddjurs): 2015-03-01" in r.stdout
    r = run("show", "003", "--rules", "norddjurs", "--as-of", "2026-11-30")
    assert "not employed yet on 2026-11-30 (hired 2026-12-01)" in r.stdout


def test_show_says_who_a_full_roster_left_out_and_who_is_back(run, tmp_path):
    both = write_csv(tmp_path / "a.csv", "id;name;birth_date", "1;Anna;1960-01-01",
                     "2;Bent;1961-01-01")
    one = write_csv(tmp_path / "b.csv", "id;name;birth_date", "1;Anna;1960-01-01")
    assert run("import", both, "--as-of", "2026-10-01").exit_code == 0
    assert run("import", one, "--as-of", "2026-11-01").exit_code == 0
    r = run("show", "2", "--as-of", "2026-11-15")
    assert "Marked as left by the import of" in r.stdout and "left them out" in r.stdout
    assert run("import", both, "--as-of", "2026-12-01").exit_code == 0
    r = run("show", "2", "--as-of", "2026-12-15")
    assert "Back again since the import of" in r.stdout
    r = run("show", "2", "--as-of", "2026-12-15", "-f", "json")
    assert r.json()["leave_date"] is None and r.json()["roster"]["back_again_by_import_at"]


def test_outcomes_after_a_backdated_leave_date_do_not_count(run, tmp_path):
    header = "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;Ansættelsesdato;Fratrædelsesdato"
    here = write_csv(tmp_path / "a.csv", header, "60;Lis;1980-05-05;A;;2010-01-01;")
    assert run("import", here, "--as-of", "2026-09-01").exit_code == 0
    o = write_csv(tmp_path / "o.csv", "employee_id;outcome;date", "60;requested;2026-09-01",
                  "60;declined;2026-09-03")
    assert run("log", "--from-file", o, "--as-of", "2026-11-30").exit_code == 0
    gone = write_csv(tmp_path / "b.csv", header, "60;Lis;1980-05-05;A;;2010-01-01;2026-01-07")
    assert run("import", gone, "--as-of", "2026-11-30").exit_code == 0  # payroll backdates it
    r = run("report", "coverage", "--rules", "norddjurs", "--from", "2026-01-01", "--to",
            "2026-11-30", "-f", "json")
    total = r.json()[-1]
    assert (total["eligible"], total["requested"], total["declined"]) == (0, 0, 0)


@pytest.mark.parametrize("args", [
    ("due", "--rules", "norddjurs", "--as-of", "9990-01-01", "--within", "3660"),
    ("due", "--rules", "koege", "--as-of", "9999-12-31"),
    ("due", "--rules", "norddjurs", "--as-of", "0001-01-01"),
    ("report", "coverage", "--rules", "norddjurs", "--from", "0001-01-01", "--to",
     "0001-12-31"),
    ("config", "set", "start-date", "9999-12-31"),
])
def test_a_day_outside_the_years_people_mean_is_refused_plainly(run, office, args):
    r = run(*args)
    assert r.exit_code == 2 and r.stdout == ""
    assert "check the year" in r.stderr or "no end" in r.stderr


def test_a_rules_file_that_is_a_folder_is_refused_plainly(run, office, tmp_path):
    r = run("due", "--rules-file", tmp_path, "--as-of", "2026-11-30")
    assert r.exit_code == 1 and "is a folder" in r.stderr


def test_a_future_hire_left_out_of_a_full_roster_never_started(run, tmp_path):
    header = "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;Ansættelsesdato;Fratrædelsesdato"
    both = write_csv(tmp_path / "a.csv", header, "1;A;1960-01-01;A;;2000-01-01;",
                     "2;F;1960-01-01;A;;2027-01-15;")
    one = write_csv(tmp_path / "b.csv", header, "1;A;1960-01-01;A;;2000-01-01;")
    assert run("import", both, "--as-of", "2026-11-30").exit_code == 0
    assert run("import", one, "--as-of", "2026-11-30").exit_code == 0
    f = run("show", "2", "--as-of", "2027-02-01", "-f", "json").json()
    assert (f["hire_date"], f["leave_date"], f["staff"]) == ("2027-01-15", "2027-01-15", "left")
    r = run("employees", "--as-of", "2027-02-01", "-f", "json")
    assert [e["employee_id"] for e in r.json()] == ["1"]


def test_agreements_active_on_a_day_have_their_status_on_that_day(run, office):
    assert run("agreement", "add", "001", "--type", "seniorstilling", "--start", "2027-01-01",
               "--end", "2027-12-31").exit_code == 0
    r = run("agreement", "list", "--active-on", "2027-06-01", "-f", "json")
    assert [a["status"] for a in r.json()] == ["active"]
    r = run("agreement", "list", "--as-of", "2026-11-30", "-f", "json")
    assert [a["status"] for a in r.json()] == ["future"]


def test_log_finds_an_id_typed_without_its_leading_zeros(run, office, monkeypatch):
    monkeypatch.setattr("seniorcli.cli.common.today", lambda: D("2026-11-30"))
    r = run("log", "4", "held", "--date", "2026-11-20")
    assert r.exit_code == 0, r.stderr
    shown = run("show", "004", "--as-of", "2026-11-30", "-f", "json").json()
    assert [c["outcome"] for c in shown["conversations"]] == ["held"]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_remembered_reasons_are_the_sentences_written_afresh(conn, monkeypatch, lang):
    """Decision.reason is remembered per 'why' and language (a shortcut): it must equal
    writing the sentence anew, in each language, also after switching language."""
    from seniorcli import i18n
    from seniorcli.rules.base import explain

    ids = [r[0] for r in conn.execute("SELECT employee_id FROM employee")]
    for current in (lang, "en" if lang == "da" else "da", lang):
        monkeypatch.setenv("SENIORCLI_LANG", current)
        i18n.refresh()
        checked = 0
        for rules in RULE_SETS:
            for eid in ids[:300]:
                d = rules.offer_on(facts_for(conn, eid), D("2026-11-30"))
                if d is not None:
                    assert d.reason == explain(d._why)
                    checked += 1
        assert checked > 100
