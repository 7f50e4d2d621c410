"""seniorcli due and seniorcli log: the contract's fields, filters, refusals."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import AS_OF, FIXTURES, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

# The contract's fields, and manager_name (added: the contract allows adding fields).
CONTRACT_FIELDS = ["employee_id", "name", "department", "manager_id", "manager_name",
                   "birth_date", "age", "due_date", "due_date_day_off", "status", "pending",
                   "reason"]


def setup_roster(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;Ansættelsesdato",
        "001;Anna Ærø;1971-11-15;Skole;M1;2000-01-01",  # 55 on 2026-11-15
        "002;Bent Bæk;1974-10-20;Vej;M2;2000-01-01",  # 52 on 2026-10-20
        "003;Cai Øst;1971-06-15;Skole;M2;2000-01-01",  # 55 on 2026-06-15
        "004;Dora Dahl;1990-01-01;Skole;M1;2015-01-01",  # young
        "005;Eva Eng;1960-03-03;Vej;M1;2026-08-01",  # hired at 66
    )
    assert run("import", f, "--as-of", AS_OF).exit_code == 0


def due(run, *args):
    r = run("due", "--as-of", AS_OF, "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {row["employee_id"]: row for row in r.json()}


def test_due_json_has_exactly_the_contract_fields(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, "-f", "json")
    rows = r.json()
    assert [list(x) for x in rows] == [CONTRACT_FIELDS] * len(rows)
    cai = next(x for x in rows if x["employee_id"] == "003")
    assert cai == {"employee_id": "003", "name": "Cai Øst", "department": "Skole",
                   "manager_id": "M2", "manager_name": None, "birth_date": "1971-06-15",
                   "age": 55,
                   "due_date": "2026-06-15", "due_date_day_off": None, "status": "due",
                   "pending": None, "reason": "turns 55 on 2026-06-15: first offer"}


def test_rule_sets_differ_on_the_same_roster(run, tmp_path):
    setup_roster(run, tmp_path)
    assert set(due(run, "--rules", "norddjurs")) == {"003", "005"}
    assert set(due(run, "--rules", "koege")) == {"001", "003", "005"}  # 55 this year
    assert set(due(run, "--rules", "albertslund")) == {"001", "002", "003", "005"}


def test_within_adds_upcoming(run, tmp_path):
    setup_roster(run, tmp_path)
    assert "001" not in due(run, "--rules", "norddjurs", "--within", "13")  # 2026-11-15 is
    rows = due(run, "--rules", "norddjurs", "--within", "14")  # 14 days after the as-of date
    assert rows["001"]["status"] == "upcoming" and rows["001"]["due_date"] == "2026-11-15"
    assert rows["003"]["status"] == "due"


def test_sorted_by_due_date(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("due", "--rules", "albertslund", "--as-of", AS_OF, "-f", "json").json()
    dates = [x["due_date"] for x in r]
    assert dates == sorted(dates)


def test_department_and_manager_filters(run, tmp_path):
    setup_roster(run, tmp_path)
    assert set(due(run, "--rules", "albertslund", "--department", "Vej")) == {"002", "005"}
    assert set(due(run, "--rules", "albertslund", "--manager", "M2")) == {"002", "003"}


def test_csv_output_and_counts_on_stderr(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, "-f", "csv")
    rows = r.csv()
    assert list(rows[0]) == CONTRACT_FIELDS
    assert {x["employee_id"] for x in rows} == {"003", "005"}
    assert "2 due on 2026-11-01 under norddjurs" in r.stderr


def test_table_shows_counts_and_pending(run, tmp_path):
    setup_roster(run, tmp_path)
    run("log", "003", "invited", "--date", "2026-10-20", "--as-of", AS_OF)
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF)
    assert r.exit_code == 0
    assert "Cai Øst" in r.stdout and "invited" in r.stdout
    assert "2 due on 2026-11-01 under norddjurs" in r.stdout
    assert "1 with an invitation or request pending" in r.stdout


def test_empty_due_list_is_success(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("due", "--rules", "norddjurs", "--as-of", "2000-01-01", "-f", "json")
    assert r.exit_code == 0 and r.json() == []
    r = run("due", "--rules", "norddjurs", "--as-of", "2000-01-01")
    assert r.exit_code == 0 and "0 due" in r.stdout


def test_unknown_rule_set_lists_the_known_ones(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("due", "--rules", "aarhus", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "unknown rule set 'aarhus'" in r.stderr
    assert "albertslund, koege, norddjurs" in r.stderr


def test_without_rules_due_explains_how_to_choose(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("due", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "no rule set chosen" in r.stderr and "config set rules" in r.stderr


def test_configured_default_rule_set(run, tmp_path):
    setup_roster(run, tmp_path)
    assert run("config", "set", "rules", "albertslund").exit_code == 0
    assert run("config", "get", "rules").stdout.strip() == "albertslund"
    assert set(due(run)) == {"001", "002", "003", "005"}
    assert set(due(run, "--rules", "norddjurs")) == {"003", "005"}  # the option wins
    r = run("config", "set", "rules", "nowhere")
    assert r.exit_code == 1 and "unknown rule set" in r.stderr


def test_rules_file_defines_a_municipality_without_code(run, tmp_path):
    setup_roster(run, tmp_path)
    rows = due(run, "--rules-file", FIXTURES / "silkeborg.toml")
    assert set(rows) == {"005"}  # only the 66-year-old is 60 or more
    assert rows["005"]["reason"].startswith("hired on 2026-08-01")


def test_held_removes_from_due_list_and_shows_in_history(run, tmp_path):
    setup_roster(run, tmp_path)
    r = run("log", "003", "held", "--date", "2026-10-01", "--with-mus", "--union-rep",
            "--note", "Ønsker 32 timer", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert "003" not in due(run, "--rules", "norddjurs")
    shown = run("show", "003", "--rules", "norddjurs", "--as-of", AS_OF, "-f", "json").json()
    assert shown["conversations"] == [{"id": 1, "date": "2026-10-01", "outcome": "held",
                                       "note": "Ønsker 32 timer", "with_mus": True,
                                       "union_rep": True, "counts": True,
                                       "earlier_employment": False}]
    assert shown["next_due"]["due_date"] == "2027-10-01"
    assert shown["next_due"]["reason"] == "held at 55 on 2026-10-01: next offer 12 months later"


def test_show_table_mentions_next_offer_and_history(run, tmp_path):
    setup_roster(run, tmp_path)
    run("log", "003", "declined", "--date", "2026-10-01", "--as-of", AS_OF)
    r = run("show", "003", "--rules", "albertslund", "--as-of", AS_OF)
    assert "Next offer (albertslund): 2027-10-01" in r.stdout and "declined" in r.stdout


@pytest.fixture
def real_today(monkeypatch):
    """The real date, as `log` reads it (cli.common.today), pinned to the tests' AS_OF."""
    from seniorcli.cli import common

    monkeypatch.setattr(common, "today", lambda: date.fromisoformat(AS_OF))


def test_log_refusals_change_nothing(run, db, tmp_path, real_today):
    setup_roster(run, tmp_path)
    run("log", "003", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    before = db_snapshot(db)
    cases = [
        (("log", "999", "held", "--date", "2026-10-01"), "no employee with id '999'"),
        (("log", "003", "chatted", "--date", "2026-10-01"), "'chatted' is not an outcome"),
        (("log", "005", "held", "--date", "2026-07-31"), "before the hire date 2026-08-01"),
        (("log", "003", "held", "--date", "2026-11-02"), "is in the future"),
        (("log", "003", "held", "--date", "2026-10-01"), "already logged"),
    ]
    for args, message in cases:
        r = run(*args, "--as-of", AS_OF)
        assert r.exit_code == 1, args
        assert message in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert db_snapshot(db) == before


def test_invited_may_be_dated_ahead(run, tmp_path, real_today):
    setup_roster(run, tmp_path)
    assert run("log", "001", "invited", "--date", "2026-11-20", "--as-of", AS_OF).exit_code == 0
    # also when --as-of is later still: an invitation for a planned meeting
    r = run("log", "003", "invited", "--as-of", "2027-01-10")
    assert r.exit_code == 0 and "Logged: 003 invited on 2027-01-10" in r.stderr


def test_log_refuses_a_date_after_today_whatever_as_of_says(run, db, tmp_path, real_today):
    setup_roster(run, tmp_path)
    before = db_snapshot(db)
    for args in (("003", "held", "--date", "2026-11-10", "--as-of", "2026-12-01"),
                 ("003", "declined", "--as-of", "2026-11-02"),  # the date defaults to --as-of
                 ("003", "requested", "--date", "2026-11-02", "--as-of", "2027-06-01")):
        r = run("log", *args)
        assert r.exit_code == 1, args
        assert "is in the future: today is 2026-11-01" in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert db_snapshot(db) == before
    # what happened by today may be logged, also when --as-of is earlier
    r = run("log", "003", "held", "--date", "2026-11-01", "--as-of", "2026-10-01")
    assert r.exit_code == 0, r.stderr
    shown = run("show", "003", "--as-of", AS_OF, "-f", "json").json()
    assert [c["outcome"] for c in shown["conversations"]] == ["held"]


def test_log_from_file_refuses_dates_after_today_whatever_as_of_says(run, db, tmp_path,
                                                                     real_today):
    setup_roster(run, tmp_path)
    before = db_snapshot(db)
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date",
                  "001,invited,2026-12-15", "003,held,2026-11-01", "002,held,2026-11-02",
                  "004,postponed,2027-01-05")
    r = run("log", "--from-file", f, "--as-of", "2027-02-01")
    assert r.exit_code == 1
    assert "line 4, date: 2026-11-02 is in the future: today is 2026-11-01" in r.stderr
    assert "line 5, date: 2027-01-05 is in the future" in r.stderr
    assert "line 2" not in r.stderr and "line 3" not in r.stderr
    assert "nothing was logged" in r.stderr
    assert db_snapshot(db) == before
    write_csv(f, "employee_id,outcome,date", "001,invited,2026-12-15", "003,held,2026-11-01")
    r = run("log", "--from-file", f, "--as-of", "2026-10-01")
    assert r.exit_code == 0 and "Logged 2 outcomes" in r.stderr


def test_log_after_leave_date_is_refused(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,leave_date",
                  "1,Anna,1960-01-01,2026-06-30")
    run("import", f, "--as-of", AS_OF)
    r = run("log", "1", "held", "--date", "2026-07-01", "--as-of", AS_OF)
    assert r.exit_code == 1 and "after the leave date 2026-06-30" in r.stderr


def test_log_from_file_logs_all_with_danish_words(run, tmp_path):
    setup_roster(run, tmp_path)
    f = tmp_path / "o.csv"
    f.write_bytes("Medarbejdernr;Udfald;Dato;Bemærkning;MUS\n001;inviteret;20-10-2026;;nej\n"
                  "003;afholdt;01.10.2026;Godt møde;ja\n".encode("cp1252"))
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert "Logged 2 outcomes" in r.stderr
    shown = run("show", "003", "--as-of", AS_OF, "-f", "json").json()
    assert shown["conversations"][0] == {"id": 2, "date": "2026-10-01", "outcome": "held",
                                              "note": "Godt møde", "with_mus": True,
                                              "union_rep": False, "counts": True,
                                              "earlier_employment": False}


def test_log_from_file_is_all_or_nothing_with_line_numbers(run, db, tmp_path):
    setup_roster(run, tmp_path)
    before = db_snapshot(db)
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date,with_mus",
                  "001,invited,2026-10-20,no", "999,held,2026-10-01,no",
                  "003,gossip,2026-10-01,no", "003,held,2026-13-01,no",
                  "003,held,2026-10-01,maybe", "004,held,2026-10-01,yes",
                  "004,held,2026-10-01,yes")
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    for expected in ("line 3, employee_id: no employee with id '999'",
                     "line 4, outcome: 'gossip' is not an outcome",
                     "line 5, date: '2026-13-01' is not a date",
                     "line 6, with_mus: 'maybe' is not yes/no",
                     "line 8, outcome: 'held' on 2026-10-01 for '004' appears again (first on "
                     "line 7)"):
        assert expected in r.stderr
    assert "nothing was logged" in r.stderr
    assert db_snapshot(db) == before


def test_log_from_file_thousands_of_rows(run, tmp_path):
    rows = [f"{i:05d},P {i},1960-01-01,2000-01-01" for i in range(3000)]
    write_csv(tmp_path / "r.csv", "id,name,birth_date,hire_date", *rows)
    run("import", tmp_path / "r.csv", "--as-of", AS_OF)
    out = [f"{i:05d},held,2026-10-01" for i in range(3000)]
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date", *out)
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 0 and "Logged 3000 outcomes" in r.stderr
    assert due(run, "--rules", "norddjurs") == {}


def test_log_from_file_reports_the_first_20_errors_then_a_count(run, tmp_path):
    setup_roster(run, tmp_path)
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date",
                  *[f"001,chatted,2026-10-{1 + i % 28:02d}" for i in range(300)])
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "300 errors; nothing was logged" in r.stderr
    assert sum(x.strip().startswith("line ") for x in r.stderr.splitlines()) == 20
    assert "line 2, outcome: 'chatted' is not an outcome" in r.stderr
    assert "… and 280 more errors" in r.stderr


# --- the same answers on both engines --------------------------------------------------------

def _runner(db, monkeypatch):
    """Like the ``run`` fixture, for a register of one's choice (a file or a URL)."""
    from typer.testing import CliRunner

    from seniorcli.cli import app, common

    monkeypatch.delenv("SENIORCLI_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("SENIORCLI_LANG", "en")
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)

    def _run(*args):
        r = CliRunner().invoke(app, ["--db", str(db), *map(str, args)])
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return r.exit_code, r.stdout, r.stderr

    return _run


def _workbook_values(path) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book]


def test_log_and_due_answer_alike_on_sqlite_and_postgresql(tmp_path, pg_database, monkeypatch,
                                                           real_today):
    """The same roster and the same outcomes logged, corrected and withdrawn through the
    command line: every message and every due list (each rule set, day, filter and format)
    is the same on an SQLite file and on PostgreSQL."""
    rows = ["M1;Mona Leder;1965-04-01;Skole;;1995-01-01",
            "M2;Mads Leder;1958-09-09;Vej;;1990-01-01"]
    for i in range(120):
        born = f"{1955 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        hired = f"{1990 + i % 30}-01-01"
        left = "2026-06-30" if i % 17 == 0 else ""
        rows.append(f"{i:04d};P{i} Ærø;{born};{'Skole' if i % 3 else 'Vej'};M{1 + i % 2};"
                    f"{hired};{left}")
    roster = write_csv(tmp_path / "r.csv", "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;"
                       "Ansættelsesdato;Fratrædelsesdato", *rows)
    outcomes = write_csv(tmp_path / "o.csv", "employee_id;outcome;date;note;with_mus;union_rep",
                         *[f"{i:04d};{o};2026-{1 + i % 10:02d}-{1 + i % 27:02d};"
                           f"{'Godt møde' if i % 4 == 0 else ''};{'ja' if i % 2 else ''};"
                           f"{'x' if i % 5 == 0 else 'nej'}"
                           for i, o in zip(range(1, 120, 3), ["held", "declined", "invited",
                                                               "postponed", "requested"] * 9,
                                           strict=False)])
    steps = [
        ("import", roster, "--as-of", AS_OF),
        ("log", "--from-file", outcomes, "--as-of", AS_OF),
        ("log", "0002", "held", "--date", "2026-09-01", "--with-mus", "--note", "Ønsker 30 t"),
        ("log", "0005", "requested", "--date", "2026-10-15", "--union-rep"),
        ("log", "2", "invited", "--date", "2026-12-01"),
        ("log", "correct", "3", "--date", "2026-03-05", "--note", ""),
        ("log", "correct", "4", "--employee", "0008", "--no-with-mus"),
        ("log", "correct", "5", "--outcome", "held", "--union-rep"),
        ("log", "withdraw", "6", "--reason", "forkert medarbejder"),
        ("log", "--from-file", outcomes, "--as-of", AS_OF),  # again: skipped and withdrawn
        ("log", "0002", "held", "--date", "2026-09-01"),  # refused: already logged
        ("log", "correct", "7", "--date", "2026-11-30"),  # refused: in the future
    ]
    for day, within in (("2026-11-01", 0), ("2026-06-30", 30), ("2027-03-01", 90),
                        ("2025-12-31", 0)):
        for rules in ("norddjurs", "koege", "albertslund"):
            steps.append(("due", "--rules", rules, "--as-of", day, "--within", within,
                          "-f", "json"))
    for filters in (("--department", "Skole"), ("--manager", "M2"),
                    ("--department", "Vej", "--manager", "M1")):
        steps.append(("due", "--rules", "albertslund", "--as-of", AS_OF, "--within", 60,
                      *filters, "-f", "csv"))
    for fmt in ("table", "csv", "excel-csv"):
        steps.append(("due", "--rules", "koege", "--as-of", AS_OF, "--within", 30, "-f", fmt))
    steps.append(("due", "--rules-file", FIXTURES / "silkeborg.toml", "--as-of", AS_OF))
    steps.append(("show", "0008", "--rules", "koege", "--as-of", AS_OF, "-f", "json"))
    answers = {}
    for engine, db in (("sqlite", tmp_path / "r.db"), ("postgresql", pg_database)):
        run = _runner(db, monkeypatch)
        said = []
        for step in steps:
            said.append(run(*step))
        book = tmp_path / f"due-{engine}.xlsx"
        said.append(run("due", "--rules", "albertslund", "--as-of", AS_OF, "--within", "60",
                        "-o", book)[:2])
        said.append(_workbook_values(book))
        answers[engine] = said
    for step, lite, pg in zip(steps, answers["sqlite"], answers["postgresql"], strict=False):
        if step[0] == "show":  # the corrections' times differ: the runs were apart
            lite, pg = (json.loads(out) for _c, out, _e in (lite, pg))
            for shown in (lite, pg):
                assert len(shown["corrections"]) == 1
                del shown["corrections"][0]["at"]
            # who: PostgreSQL's audit also names the role the server let in
            assert pg["corrections"][0]["os_user"] == (
                f"{lite['corrections'][0]['os_user']} (PostgreSQL: seniorcli)")
            pg["corrections"][0]["os_user"] = lite["corrections"][0]["os_user"]
        assert pg == lite, step
    assert answers["postgresql"][-2:] == answers["sqlite"][-2:]
    codes = [code for code, *_ in answers["sqlite"][:len(steps)]]
    assert codes[:10] == [0] * 10 and codes[10:12] == [1, 1] and set(codes[12:]) == {0}
    assert sum(len(json.loads(out)) for (_c, out, _e), step in zip(
        answers["sqlite"], steps, strict=False) if step[-1] == "json") > 150
