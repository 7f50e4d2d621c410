"""Reports, with every figure worked out by hand on a small roster (see the comments)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import write_csv

pytestmark = pytest.mark.both_engines

END = "2026-06-30"


@pytest.fixture
def council(run, tmp_path):
    # Norddjurs, period 2026-01-01 .. 2026-06-30:
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,department,hire_date,leave_date",
        "A,A,1960-03-01,X,2000-01-01,",  # 66: held 2026-02-01
        "B,B,1965-05-10,X,2000-01-01,",  # 61: declined 2026-03-01
        "C,C,1968-01-15,X,2000-01-01,",  # 58: invited 2026-04-01, due since 2023-01-15
        "D,D,1971-06-30,Y,2000-01-01,",  # turns 55 on the last day of the period
        "E,E,1971-07-01,Y,2000-01-01,",  # turns 55 the day after: not eligible
        "F,F,1990-01-01,Y,2010-01-01,",  # 36: asked for a conversation 2026-05-01
        "G,G,1960-01-01,Y,2000-01-01,2026-03-31",  # left in the period, never offered
        "H,H,1960-01-01,Y,2000-01-01,2025-12-31",  # left before the period
        "I,I,1962-02-02,Y,2026-06-01,",  # hired 2026-06-01 at 64
    )
    assert run("import", f, "--as-of", END).exit_code == 0
    o = write_csv(tmp_path / "o.csv", "employee_id,outcome,date",
                  "A,held,2026-02-01", "B,declined,2026-03-01", "C,invited,2026-04-01",
                  "F,requested,2026-05-01", "A,held,2025-02-01")
    assert run("log", "--from-file", o, "--as-of", END).exit_code == 0


def coverage(run, *args):
    r = run("report", "coverage", "--rules", "norddjurs", "--from", "2026-01-01", "--to", END,
            "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {row["group"]: row for row in r.json()}


def test_coverage_totals_by_hand(run, council):
    total = coverage(run)["Total"]
    assert total == {
        "group": "Total",
        "eligible": 7,  # A B C D F G I (E not yet 55, H left before)
        "invited": 1, "held": 1, "declined": 1, "requested": 1,  # C, A, B, F
        "still_due": 3,  # D (on the last day), F (asked), I (hired)
        "due_before": 1,  # C (due since 2023: before the period)
        "overdue_90": 1,  # C
        "never_offered": 3,  # D, F, I (G left: not counted)
        "offered": 3,  # A B C
        "held_rate": round(1 / 7, 4), "declined_rate": round(1 / 3, 4),
    }


def test_coverage_by_department(run, council):
    rows = coverage(run, "--by", "department")
    assert list(rows) == ["X", "Y", "Total"]
    assert (rows["X"]["eligible"], rows["X"]["held"], rows["X"]["still_due"],
            rows["X"]["due_before"], rows["X"]["never_offered"]) == (3, 1, 0, 1, 0)
    assert (rows["Y"]["eligible"], rows["Y"]["requested"], rows["Y"]["still_due"],
            rows["Y"]["never_offered"], rows["Y"]["held_rate"]) == (4, 1, 3, 3, 0.0)
    assert rows["Y"]["declined_rate"] is None  # nobody offered: no rate, not a zero


def test_coverage_year_option_and_period_errors(run, council):
    r = run("report", "coverage", "--rules", "norddjurs", "--year", "2025", "-f", "json")
    total = r.json()[-1]
    assert total["held"] == 1  # A's 2025 conversation
    r = run("report", "coverage", "--rules", "norddjurs", "--year", "2025", "--from",
            "2025-01-01", "--to", "2025-02-01")
    assert r.exit_code == 2
    r = run("report", "coverage", "--rules", "norddjurs", "--from", "2026-02-01", "--to",
            "2026-01-01")
    assert r.exit_code == 2 and "before --from" in r.stderr


def test_coverage_needs_a_rule_set(run, council):
    r = run("report", "coverage", "--year", "2026")
    assert r.exit_code == 1 and "no rule set chosen" in r.stderr


def test_age_profile_by_hand(run, council):
    r = run("report", "ages", "--as-of", END, "-f", "json")
    total = r.json()[-1]
    # current on 2026-06-30: A 66, B 61, C 58, D 55 (birthday today), E 54, F 36, I 64
    assert total["employees"] == 7
    assert total["median_age"] == 58
    assert total["share_55_plus"] == round(5 / 7, 4)
    assert total["share_60_plus"] == round(3 / 7, 4)
    assert (total["35-39"], total["50-54"], total["55-59"], total["60-64"], total["65-69"]) \
        == (1, 1, 2, 2, 1)
    by = {x["group"]: x for x in run("report", "ages", "--as-of", END, "--by", "department",
                                     "-f", "json").json()}
    assert by["X"]["employees"] == 3 and by["Y"]["employees"] == 4


def test_age_profile_table_has_a_bar_chart(run, council):
    r = run("report", "ages", "--as-of", END)
    assert "█" in r.stdout and "55-59" in r.stdout


@pytest.fixture
def pensioners(run, tmp_path):
    f = write_csv(
        tmp_path / "p.csv", "id,name,birth_date,leave_date",
        "P1,P1,1958-05-05,",  # 67 on 2025-05-05: already
        "P2,P2,1959-06-30,",  # 67 on 2026-06-30, the as-of date: counts in 2026
        "P3,P3,1959-06-29,",  # 67 on 2026-06-29, the day before: already
        "P4,P4,1962-12-31,",  # 67 on 2029-12-31: 2029
        "P5,P5,1963-01-01,",  # 68 on 2031-01-01: 2031
        "P6,P6,1954-01-01,",  # 65½ on 2019-07-01: already
        "P7,P7,1990-01-01,",  # 70 in 2060
        "P8,P8,1970-12-31,",  # 69 on 2039-12-31: beyond ten years
        "P9,P9,1960-01-01,2026-01-31",  # left: not today's staff
    )
    assert run("import", f, "--as-of", END).exit_code == 0


def test_retirements_by_hand(run, pensioners):
    r = run("report", "retirements", "--as-of", END, "-f", "json")
    rows = {str(x["year"]): x for x in r.json()}
    assert rows["already"]["reaching"] == 3 and rows["already"]["staff"] == 8
    assert [rows[str(y)]["reaching"] for y in range(2026, 2036)] == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0]
    assert [rows[str(y)]["cumulative"] for y in (2026, 2029, 2031, 2035)] == [1, 2, 3, 3]
    assert rows["2035"]["cumulative_share"] == 0.375
    assert "2036" not in rows


def test_retirements_years_option(run, pensioners):
    rows = run("report", "retirements", "--as-of", END, "--years", "3", "-f", "json").json()
    assert [x["year"] for x in rows] == ["already", 2026, 2027, 2028]


def test_overview_without_and_with_rules(run, council):
    r = run("report", "--as-of", END)
    assert r.exit_code == 0
    assert "Employees: 7" in r.stdout and "choose a rule set" in r.stdout
    r = run("report", "--as-of", END, "--rules", "norddjurs")
    assert "7 eligible" in r.stdout


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [v or "" for _, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_and_has_the_same_figures(run, council, tmp_path):
    out = tmp_path / "report.html"
    r = run("report", "--rules", "norddjurs", "--as-of", END, "--output", out)
    assert r.exit_code == 0
    html = out.read_text(encoding="utf-8")
    p = _Collector()
    p.feed(html)
    text = " ".join(p.text)
    assert {"html", "svg", "table", "style"} <= set(p.tags)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not any(re.match(r"(https?:)?//", a) for a in p.attrs if a)
    assert "url(" not in html and "@import" not in html
    assert "size: A4" in html
    assert "As of 30 June 2026" in text and "Norddjurs Kommune" in text
    assert "Lov om social pension" in text
    # the same figures as the other formats
    total = coverage(run, "--to", END)["Total"]
    assert f'<tr class="total"><td>Total</td><td class="num">{total["eligible"]}</td>' in html
    assert "71.4%" in text  # share aged 55+, as in report ages
    assert "14.3%" in text  # held ÷ eligible, 1/7


def test_html_of_one_report(run, council, tmp_path):
    out = tmp_path / "ages.html"
    run("report", "ages", "--as-of", END, "-o", out)
    html = out.read_text()
    assert "Age profile" in html and "coverage" not in html.lower()


def test_overview_refuses_non_html_output(run, council, tmp_path):
    r = run("report", "--output", tmp_path / "x.csv")
    assert r.exit_code == 2


# --- the same answers on both engines ----------------------------------------------------------

def _random_register(rng, folder):
    """A roster of 400 and an outcome file: leading zeros, Danish letters and lower case in the
    departments (byte order: 'IT' < 'bibliotek' < 'Ældreplejen'), managers who are employees
    and one who is not, people who left or are not hired yet, 29 February, all five outcomes."""
    from datetime import date, timedelta

    departments = ["Ældreplejen", "Økonomi", "IT", "bibliotek", "Åben Skole", "Vej og Park", ""]
    ids = [f"{n:05d}" for n in rng.sample(range(1, 99999), 400)]
    managers = ids[:15] + ["M999"]
    roster, employed = [], {}
    for i, eid in enumerate(ids):
        birth = date(1954, 1, 1) + timedelta(days=rng.randrange(0, 46 * 365))
        if i % 97 == 0:
            birth = date(1960 + 4 * rng.randrange(0, 8), 2, 29)
        hire = None if rng.random() < 0.2 else date(1990, 1, 1) + timedelta(
            days=rng.randrange(0, 37 * 365))
        leave = None
        if rng.random() < 0.15:
            leave = (hire or date(2000, 1, 1)) + timedelta(days=rng.randrange(30, 30 * 365))
        roster.append(";".join([
            eid, f"Person {i} {rng.choice(['Søren', 'Åse', 'Bo'])}", birth.isoformat(),
            rng.choice(departments), "" if i < 3 else rng.choice(managers),
            hire.isoformat() if hire else "", leave.isoformat() if leave else "",
            rng.choice(["37", "30.5", "", "18,25"]), rng.choice(["", f"p{i}@example.dk"])]))
        employed[eid] = (hire, leave)
    outcomes, seen = [], set()
    last_day = date(2026, 10, 31)
    for eid, (hire, leave) in employed.items():
        first = max(hire or date(2018, 1, 1), date(2018, 1, 1))
        last = min(leave or last_day, last_day)
        if first > last or rng.random() < 0.4:
            continue
        for _ in range(rng.randrange(1, 5)):
            day = first + timedelta(days=rng.randrange(0, (last - first).days + 1))
            kind = rng.choice(["invited", "held", "declined", "postponed", "requested"])
            if (eid, kind, day) not in seen:
                seen.add((eid, kind, day))
                outcomes.append(f"{eid},{kind},{day.isoformat()}")
    r = write_csv(folder / "random.csv",
                  "id;name;birth_date;department;manager_id;hire_date;leave_date;"
                  "weekly_hours;email", *roster)
    o = write_csv(folder / "outcomes.csv", "employee_id,outcome,date", *outcomes)
    agreements = [(eid, rng.choice(["seniorstilling", "fratraedelse", "seniordage"]),
                   date(2020, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365)))
                  for eid in rng.sample(ids, 40)]
    return r, o, agreements


@pytest.mark.parametrize("seed", [15, 2026])
def test_every_report_gives_the_same_answers_on_both_engines(tmp_path, pg_database, seed):
    """One random register imported into an SQLite file and into PostgreSQL (import, log
    --from-file and agreements): coverage in total, per department and per manager, for every
    rule set and several periods, the age profile, the retirement outlook, the works council's
    report and the employee lists with --department/--manager are the same on both."""
    import json
    import random
    from datetime import date, timedelta

    from typer.testing import CliRunner

    from seniorcli.cli import app
    from seniorcli.db import connect
    from seniorcli.rules import BUILT_IN
    from seniorcli.services import reports

    roster, outcomes, agreements = _random_register(random.Random(seed), tmp_path)
    targets = {"sqlite": tmp_path / "r.db", "postgresql": pg_database}

    def cli(engine, *args):
        r = CliRunner().invoke(app, ["--db", str(targets[engine]), *args],
                               env={"SENIORCLI_LANG": "en", "COLUMNS": "200"})
        assert r.exit_code == 0, (engine, args, r.stderr)
        return r.stdout

    conns = {}
    for engine in targets:
        cli(engine, "import", str(roster), "--as-of", "2026-11-01")
        cli(engine, "log", "--from-file", str(outcomes), "--as-of", "2026-11-01")
        conn = connect(targets[engine])
        for n, (eid, kind, start) in enumerate(agreements):
            end = None if n % 4 == 0 else start + timedelta(days=365 * (1 + n % 3))
            conn.execute(
                "INSERT INTO agreement (employee_id, type, start_date, end_date, open_ended, "
                "recorded_at, withdrawn_at) VALUES (?, ?, ?, ?, ?, 'test', ?)",
                (eid, kind, start.isoformat(), end and end.isoformat(), end is None,
                 "2026-01-01T00:00:00Z" if n % 9 == 0 else None))
        conns[engine] = conn
    assert json.loads(cli("sqlite", "employees", "--include-left", "-f", "json")) == \
        json.loads(cli("postgresql", "employees", "--include-left", "-f", "json"))

    def both(compute):
        answers = {engine: compute(conn) for engine, conn in conns.items()}
        assert answers["sqlite"] == answers["postgresql"]
        return answers["sqlite"]

    periods = [reports.Period(date(2025, 1, 1), date(2025, 12, 31)),
               reports.Period(date(2026, 1, 1), date(2026, 10, 31)),
               reports.Period(date(2019, 7, 1), date(2020, 6, 30))]
    eligible = 0
    for rules in BUILT_IN:
        for period in periods:
            for by in (None, "department", "manager"):
                rows = both(lambda c, rules=rules, period=period, by=by:
                            reports.coverage(c, rules, period, by))
                eligible += rows[-1]["eligible"]
        council = both(lambda c, rules=rules: reports.council_report(
            c, rules, date(2026, 10, 31), periods[1]))
        assert council.now.agreements["type"][-1]["running"] > 0
    assert eligible > 0
    for day in (date(2026, 11, 1), date(2024, 2, 29)):
        for by in (None, "department"):
            both(lambda c, day=day, by=by: reports.ages(c, day, by))
            both(lambda c, day=day, by=by: reports.retirements(c, day, 10, by))
    # the CLI's answers, through the filters as people type them
    for args in (["report", "coverage", "--rules", "koege", "--year", "2026", "--by",
                  "manager"],
                 ["report", "coverage", "--rules", "norddjurs", "--year", "2025", "--by",
                  "department"],
                 ["report", "ages", "--as-of", "2026-11-01", "--by", "department"],
                 ["employees", "--as-of", "2026-11-01", "--department", " ældreplejen "],
                 ["employees", "--as-of", "2026-11-01", "--department", "BIBLIOTEK",
                  "--search", "soren"],
                 ["due", "--rules", "albertslund", "--as-of", "2026-11-01", "--within", "90"]):
        answer = json.loads(cli("sqlite", *args, "-f", "json"))
        assert answer and answer == json.loads(cli("postgresql", *args, "-f", "json")), args
    for conn in conns.values():
        conn.close()
