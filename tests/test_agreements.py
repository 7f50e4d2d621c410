"""Senior agreements: the framework agreement's limits (day before / day of each boundary),
default terms, end, renew, list."""

from __future__ import annotations

import json

import pytest

from conftest import AS_OF, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines


@pytest.fixture
def roster(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,department,hire_date,leave_date",
        "A,Anna Ager,1974-06-15,Skole,2000-01-01,",  # 52 on 2026-06-15
        "L,Leif Leder,1972-03-10,Rådhus,2000-01-01,",  # 54 on 2026-03-10
        "Y,Yngve Ung,1990-01-01,Skole,2015-01-01,",
        "X,Xenia Ex,1960-01-01,Vej,2000-01-01,2026-05-31",
    )
    assert run("import", f, "--as-of", AS_OF).exit_code == 0


def add(run, *args):
    return run("agreement", "add", *args)


def agreements(run, *args):
    return run("agreement", "list", "--as-of", AS_OF, "-f", "json", *args).json()


def test_seniorstilling_from_age_52(run, roster):
    r = add(run, "A", "--type", "seniorstilling", "--start", "2026-06-14", "--open-ended")
    assert r.exit_code == 1
    assert "seniorstilling is possible from age 52" in r.stderr
    assert "Rammeaftale om seniorpolitik" in r.stderr
    r = add(run, "A", "--type", "seniorstilling", "--start", "2026-06-15", "--open-ended")
    assert r.exit_code == 0 and r.stdout.strip() == "1"


def test_generationsskifte_from_age_54(run, roster):
    r = add(run, "L", "--type", "generationsskifte", "--start", "2026-03-09", "--end", "2028-12-31")
    assert r.exit_code == 1 and "generationsskifte is possible from age 54" in r.stderr
    r = add(run, "L", "--type", "generationsskifte", "--start", "2026-03-10", "--end", "2028-12-31")
    assert r.exit_code == 0


def test_generationsskifte_at_most_6_years(run, roster):
    r = add(run, "L", "--type", "generationsskifte", "--start", "2026-04-01", "--end", "2032-04-01")
    assert r.exit_code == 1
    assert "runs at most 6 years" in r.stderr and "last possible end is 2032-03-31" in r.stderr
    r = add(run, "L", "--type", "generationsskifte", "--start", "2026-04-01", "--end", "2032-03-31")
    assert r.exit_code == 0


def test_generationsskifte_must_name_its_end(run, roster):
    r = add(run, "L", "--type", "generationsskifte", "--start", "2026-04-01", "--open-ended")
    assert r.exit_code == 1 and "generationsskifte must name its end" in r.stderr


def test_end_not_before_start(run, roster):
    r = add(run, "Y", "--type", "hjemmearbejde", "--start", "2026-04-01", "--end", "2026-03-31")
    assert r.exit_code == 1 and "the end 2026-03-31 is before the start 2026-04-01" in r.stderr
    r = add(run, "Y", "--type", "hjemmearbejde", "--start", "2026-04-01", "--end", "2026-04-01")
    assert r.exit_code == 0


def test_fratraedelse_has_no_age_limit(run, roster):
    r = add(run, "Y", "--type", "fratraedelse", "--start", "2026-04-01", "--end", "2026-09-30",
            "--amount", "180000")
    assert r.exit_code == 0


def test_employee_must_exist_and_not_have_left_before_the_start(run, roster, db):
    before = db_snapshot(db)
    r = add(run, "Q", "--type", "andet", "--start", "2026-04-01", "--open-ended")
    assert r.exit_code == 1 and "no employee with id 'Q'" in r.stderr
    r = add(run, "X", "--type", "andet", "--start", "2026-06-01", "--open-ended")
    assert r.exit_code == 1 and "left on 2026-05-31" in r.stderr
    assert db_snapshot(db) == before
    assert add(run, "X", "--type", "andet", "--start", "2026-05-31", "--open-ended").exit_code == 0


def test_unknown_type_lists_the_types(run, roster):
    r = add(run, "Y", "--type", "sabbatical", "--start", "2026-04-01", "--open-ended")
    assert r.exit_code == 1
    assert "unknown agreement type 'sabbatical'" in r.stderr and "seniorstilling" in r.stderr


def test_end_and_open_ended_together_is_usage_error(run, roster):
    r = add(run, "Y", "--type", "andet", "--start", "2026-04-01", "--end", "2027-01-01",
            "--open-ended")
    assert r.exit_code == 2


def test_default_term_albertslund_two_years_ends_day_before_second_anniversary(run, roster):
    assert add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01",
               "--rules", "albertslund").exit_code == 0
    assert agreements(run)[0]["end_date"] == "2028-06-30"
    run("config", "set", "rules", "albertslund")
    assert add(run, "L", "--type", "seniorstilling", "--start", "2026-03-01").exit_code == 0
    assert {a["employee_id"]: a["end_date"] for a in agreements(run)}["L"] == "2028-02-29"


def test_rule_set_without_default_term_requires_end_or_open_ended(run, roster):
    r = add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01", "--rules", "norddjurs")
    assert r.exit_code == 1
    assert "no default term" in r.stderr and "--open-ended" in r.stderr
    r = add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01")
    assert r.exit_code == 1 and "no end date" in r.stderr


def test_end_an_agreement_early(run, roster):
    add(run, "Y", "--type", "nedsat_tid", "--start", "2026-01-01", "--end", "2026-12-31")
    assert run("agreement", "end", "1", "--date", "2026-06-30").exit_code == 0
    a = agreements(run)[0]
    assert a["end_date"] == "2026-06-30" and a["ended_early"] is True
    r = run("agreement", "end", "1", "--date", "2026-05-31")
    assert r.exit_code == 1 and "already ended" in r.stderr


def test_end_refusals(run, roster):
    add(run, "Y", "--type", "nedsat_tid", "--start", "2026-01-01", "--end", "2026-12-31")
    r = run("agreement", "end", "1", "--date", "2025-12-31")
    assert r.exit_code == 1 and "before the agreement's start" in r.stderr
    r = run("agreement", "end", "1", "--date", "2027-01-01")
    assert r.exit_code == 1 and "renew" in r.stderr
    r = run("agreement", "end", "99", "--date", "2026-06-01")
    assert r.exit_code == 1 and "no agreement with id 99" in r.stderr


def test_ending_an_open_ended_agreement(run, roster):
    add(run, "Y", "--type", "hjemmearbejde", "--start", "2026-01-01", "--open-ended")
    assert run("agreement", "end", "1", "--date", "2026-09-30").exit_code == 0
    a = agreements(run)[0]
    assert a["end_date"] == "2026-09-30" and a["open_ended"] is False


def test_renew_continues_from_the_day_after_the_end(run, roster):
    add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01", "--rules", "albertslund")
    r = run("agreement", "renew", "1", "--rules", "albertslund")
    assert r.exit_code == 0 and r.stdout.strip() == "2"
    new = {a["agreement_id"]: a for a in agreements(run)}[2]
    assert new["start_date"] == "2028-07-01" and new["end_date"] == "2030-06-30"
    assert new["renews_id"] == 1
    r = run("agreement", "renew", "1")
    assert r.exit_code == 1 and "already renewed by agreement 2" in r.stderr


def test_renew_until_and_same_length_without_a_term(run, roster):
    add(run, "Y", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-06-30",
        "--amount", "1500")
    run("agreement", "renew", "1", "--until", "2027-03-31")
    run("agreement", "renew", "2")
    by_id = {a["agreement_id"]: a for a in agreements(run)}
    assert (by_id[2]["start_date"], by_id[2]["end_date"]) == ("2026-07-01", "2027-03-31")
    assert by_id[2]["amount"] == 1500
    # 2026-07-01 .. 2027-03-31 is 274 days; the next period has the same length
    assert (by_id[3]["start_date"], by_id[3]["end_date"]) == ("2027-04-01", "2027-12-30")


def test_renewals_count_towards_the_6_years_of_generationsskifte(run, roster):
    add(run, "L", "--type", "generationsskifte", "--start", "2026-04-01", "--end", "2030-03-31")
    r = run("agreement", "renew", "1", "--until", "2032-04-01")
    assert r.exit_code == 1 and "last possible end is 2032-03-31" in r.stderr
    assert run("agreement", "renew", "1", "--until", "2032-03-31").exit_code == 0


def test_renew_refusals(run, roster):
    add(run, "Y", "--type", "hjemmearbejde", "--start", "2026-01-01", "--open-ended")
    r = run("agreement", "renew", "1")
    assert r.exit_code == 1 and "open-ended" in r.stderr
    add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-12-31")
    run("agreement", "end", "2", "--date", "2026-06-30")
    r = run("agreement", "renew", "2")
    assert r.exit_code == 1 and "was ended on 2026-06-30" in r.stderr


def test_list_active_on_boundaries_type_and_department(run, roster):
    add(run, "Y", "--type", "andet", "--start", "2026-02-01", "--end", "2026-02-28")
    add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01", "--open-ended")

    def ids(*args):
        return [a["agreement_id"] for a in agreements(run, *args)]

    assert ids("--active-on", "2026-01-31") == []
    assert ids("--active-on", "2026-02-01") == [1]
    assert ids("--active-on", "2026-02-28") == [1]
    assert ids("--active-on", "2026-03-01") == []
    assert ids("--active-on", "2030-01-01") == [2]
    assert ids() == [1, 2]  # open-ended last
    assert ids("--type", "seniorstilling") == [2]
    assert ids("--department", "Skole") == [1, 2]
    assert ids("--department", "Vej") == []
    status = {a["agreement_id"]: a["status"] for a in agreements(run)}
    assert status == {1: "ended", 2: "active"}  # on 2026-11-01
    early = run("agreement", "list", "--as-of", "2026-02-15", "-f", "json").json()
    assert {a["agreement_id"]: a["status"] for a in early} == {1: "active", 2: "future"}


def test_show_lists_the_agreements(run, roster):
    add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01", "--open-ended",
        "--hours", "30", "--note", "30 timer")
    shown = run("show", "A", "--as-of", AS_OF, "-f", "json").json()
    assert shown["agreements"][0]["type"] == "seniorstilling"
    assert shown["agreements"][0]["weekly_hours"] == 30
    # the type by its name (in English here: "Senior position"); json keeps the key
    assert "Senior position" in run("show", "A", "--as-of", AS_OF).stdout
    assert "Seniorstilling" in run("show", "A", "--as-of", AS_OF, lang="da").stdout


def test_agreement_types_lists_danish_english_and_limits(run):
    r = run("agreement", "types", "-f", "json")
    types = {t["type"]: t for t in r.json()}
    assert {"seniorstilling", "generationsskifte", "fratraedelse", "fastholdelse",
            "nedsat_tid", "aflastning", "arbejdstid", "hjemmearbejde", "kompetenceudvikling",
            "jobskifte", "loentillaeg", "andet"} <= set(types)
    assert "54" in types["generationsskifte"]["limits"]
    assert types["seniorstilling"]["danish"].startswith("Seniorstilling")


# --- generationsskifte: one at a time, at most 6 years in all (separate agreements too) -------

def gs(run, start, end, employee="L"):
    return add(run, employee, "--type", "generationsskifte", "--start", start, "--end", end)


def test_generationsskifte_one_at_a_time_across_separate_agreements(run, roster, db):
    assert gs(run, "2026-04-01", "2027-03-31").exit_code == 0
    before = db_snapshot(db)
    r = gs(run, "2027-03-31", "2028-03-31")  # shares 2027-03-31 with agreement 1
    assert r.exit_code == 1
    assert "generationsskifte is one at a time for one person" in r.stderr
    assert "overlaps agreement 1 (2026-04-01 to 2027-03-31)" in r.stderr
    r = gs(run, "2026-03-10", "2026-04-01")  # ends on agreement 1's first day
    assert r.exit_code == 1 and "agreement 1 (2026-04-01 to 2027-03-31)" in r.stderr
    assert db_snapshot(db) == before
    assert gs(run, "2027-04-01", "2028-03-31").stdout.strip() == "2"  # the day after: fine
    r = gs(run, "2027-01-01", "2027-06-30")
    assert r.exit_code == 1 and ("overlaps agreements 1 (2026-04-01 to 2027-03-31) and "
                                 "2 (2027-04-01 to 2028-03-31)") in r.stderr
    # other types and other employees are not held to it
    assert add(run, "L", "--type", "seniorstilling", "--start", "2026-06-01",
               "--end", "2026-12-31").exit_code == 0
    assert [a["agreement_id"] for a in agreements(run, "--type", "generationsskifte")] == [1, 2]


def test_an_agreement_ended_early_frees_the_days_after_its_last_day(run, roster):
    gs(run, "2026-04-01", "2028-03-31")
    assert run("agreement", "end", "1", "--date", "2026-12-31").exit_code == 0
    r = gs(run, "2026-12-31", "2027-12-31")
    assert r.exit_code == 1 and "overlaps agreement 1 (2026-04-01 to 2026-12-31)" in r.stderr
    assert gs(run, "2027-01-01", "2027-12-31").exit_code == 0


def test_renewal_may_not_run_into_a_separate_generationsskifte(run, roster, db):
    gs(run, "2026-04-01", "2026-12-31")
    gs(run, "2027-06-01", "2027-12-31")
    before = db_snapshot(db)
    r = run("agreement", "renew", "1", "--until", "2027-06-01")
    assert r.exit_code == 1
    assert "2027-01-01 to 2027-06-01 overlaps agreement 2 (2027-06-01 to 2027-12-31)" in r.stderr
    assert db_snapshot(db) == before
    assert run("agreement", "renew", "1", "--until", "2027-05-31").stdout.strip() == "3"


def test_separate_generationsskifte_agreements_share_the_6_years(run, roster, db):
    # 2026-04-01 .. 2032-03-31 is 2192 days; the first agreement takes 1096 of them
    assert gs(run, "2026-04-01", "2029-03-31").exit_code == 0
    before = db_snapshot(db)
    r = gs(run, "2030-01-01", "2033-01-01")
    assert r.exit_code == 1
    assert "generationsskifte runs at most 6 years in all for one person" in r.stderr
    assert "agreement 1 (2026-04-01 to 2029-03-31) already takes 1096 of the 2192 days" in r.stderr
    assert "from 2030-01-01 the last possible end is 2032-12-31" in r.stderr
    assert db_snapshot(db) == before
    assert gs(run, "2030-01-01", "2032-12-31").exit_code == 0
    r = gs(run, "2034-01-01", "2034-01-01")
    assert r.exit_code == 1 and "which leaves none" in r.stderr
    assert "agreements 1 (2026-04-01 to 2029-03-31) and 2 (2030-01-01 to 2032-12-31)" in r.stderr


def test_renewals_and_separate_agreements_count_together(run, roster):
    gs(run, "2026-04-01", "2028-03-31")  # 731 days
    assert run("agreement", "renew", "1", "--until", "2030-03-31").exit_code == 0  # 730 days
    r = gs(run, "2031-01-01", "2033-01-01")
    assert r.exit_code == 1 and "the last possible end is 2032-12-31" in r.stderr
    assert "agreements 1 (2026-04-01 to 2028-03-31) and 2 (2028-04-01 to 2030-03-31)" in r.stderr
    assert gs(run, "2031-01-01", "2032-12-31").exit_code == 0
    # and a renewal of the separate agreement finds the 6 years used up
    r = run("agreement", "renew", "3", "--until", "2033-01-31")
    assert r.exit_code == 1 and "which leaves none" in r.stderr


def test_the_6_years_count_from_the_earliest_start_even_if_added_later(run, roster):
    gs(run, "2030-01-01", "2032-12-31")  # 1096 days
    # a new, earlier agreement from 2026-04-01: 2192 days in all, 1096 left
    r = gs(run, "2026-04-01", "2029-04-01")
    assert r.exit_code == 1 and "from 2026-04-01 the last possible end is 2029-03-31" in r.stderr
    assert gs(run, "2026-04-01", "2029-03-31").exit_code == 0


# --- 9999-12-31 means "no end" ----------------------------------------------------------------

def test_end_9999_12_31_records_an_open_ended_agreement(run, roster):
    r = add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01", "--end", "9999-12-31")
    assert r.exit_code == 0
    a = agreements(run)[0]
    assert a["open_ended"] is True and a["end_date"] is None and a["status"] == "active"
    rows = run("agreement", "expiring", "--as-of", "2199-12-31", "--within", "3660",
               "-f", "json").json()
    assert rows == []
    r = run("agreement", "renew", "1")
    assert r.exit_code == 1 and "open-ended: there is nothing to renew" in r.stderr


def test_generationsskifte_ending_9999_12_31_is_refused(run, roster, db):
    before = db_snapshot(db)
    r = gs(run, "2026-04-01", "9999-12-31")
    assert r.exit_code == 1
    assert "generationsskifte must name its end" in r.stderr and "9999-12-31" in r.stderr
    assert "runs at most 6 years" not in r.stderr
    assert db_snapshot(db) == before


def test_renew_until_9999_12_31_continues_without_an_end(run, roster):
    add(run, "Y", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-06-30",
        "--amount", "1500")
    assert run("agreement", "renew", "1", "--until", "9999-12-31").stdout.strip() == "2"
    new = {a["agreement_id"]: a for a in agreements(run)}[2]
    assert (new["start_date"], new["end_date"], new["open_ended"]) == ("2026-07-01", None, True)
    assert new["renews_id"] == 1 and new["amount"] == 1500
    add(run, "Y", "--type", "hjemmearbejde", "--start", "2026-01-01", "--end", "2026-03-31")
    assert run("agreement", "renew", "3", "--open-ended").exit_code == 0
    assert {a["agreement_id"]: a for a in agreements(run)}[4]["open_ended"] is True
    r = run("agreement", "renew", "3", "--until", "2026-12-31", "--open-ended")
    assert r.exit_code == 2 and "not both" in r.stderr


def test_renewing_a_generationsskifte_into_open_ended_is_refused(run, roster, db):
    gs(run, "2026-04-01", "2027-03-31")
    before = db_snapshot(db)
    for extra in (["--until", "9999-12-31"], ["--open-ended"]):
        r = run("agreement", "renew", "1", *extra)
        assert r.exit_code == 1 and "generationsskifte must name its end" in r.stderr
    assert db_snapshot(db) == before


def test_end_date_9999_12_31_is_refused(run, roster, db):
    add(run, "Y", "--type", "hjemmearbejde", "--start", "2026-01-01", "--open-ended")
    add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-12-31")
    before = db_snapshot(db)
    for aid in ("1", "2"):
        r = run("agreement", "end", aid, "--date", "9999-12-31")
        assert r.exit_code == 1 and "9999-12-31 means 'no end'" in r.stderr
    r = add(run, "Y", "--type", "andet", "--start", "9999-12-31", "--open-ended")
    assert r.exit_code == 1 and "not a start date" in r.stderr
    assert db_snapshot(db) == before


def test_9999_12_31_stored_by_an_older_version_reads_as_open_ended(run, roster, db):
    from seniorcli.db import connect

    conn = connect(db)
    try:
        conn.execute("INSERT INTO agreement (employee_id, type, start_date, end_date, "
                     "open_ended, recorded_at) VALUES ('A', 'seniorstilling', '2026-07-01', "
                     "'9999-12-31', ?, '2026-07-01T08:00:00+00:00')", (False,))
    finally:
        conn.close()
    add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2027-06-30")
    rows = agreements(run)
    assert [a["agreement_id"] for a in rows] == [2, 1]  # open-ended last
    assert rows[1]["open_ended"] is True and rows[1]["end_date"] is None
    r = run("agreement", "expiring", "--as-of", "2199-12-01", "--within", "3660", "-f", "json")
    assert r.exit_code == 0 and r.json() == []
    assert "nothing to renew" in run("agreement", "renew", "1").stderr
    assert run("agreement", "end", "1", "--date", "2027-12-31").exit_code == 0
    assert agreements(run)[1]["end_date"] == "2027-12-31"


# --- status on the as-of date -----------------------------------------------------------------

def test_list_status_is_future_for_agreements_starting_after_the_as_of_date(run, roster):
    add(run, "A", "--type", "seniorstilling", "--start", "2026-11-01", "--open-ended")
    add(run, "Y", "--type", "andet", "--start", "2026-11-02", "--end", "2027-06-30")
    status = {a["agreement_id"]: a["status"] for a in agreements(run)}
    assert status == {1: "active", 2: "future"}  # as of 2026-11-01
    # --active-on filters; the status stays the one on the as-of date
    rows = agreements(run, "--active-on", "2027-01-01")
    assert {a["agreement_id"]: a["status"] for a in rows} == {1: "active", 2: "future"}
    assert agreements(run, "--active-on", "2026-11-01")[0]["agreement_id"] == 1
    assert len(agreements(run, "--active-on", "2026-11-01")) == 1


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--amount", "10.000.001", "'10.000.001' er mere end 10.000.000 kr.; skriv fx 85.000 eller "
     "85000,50"),
    ("--amount", "kr 85.000", "'kr 85.000' er ikke et tal; skriv fx 85.000 eller 85000,50"),
    ("--amount", "-5", "'-5' må ikke have fortegn; skriv fx 85.000 eller 85000,50"),
    ("--hours", "81", "'81' er mere end 80 timer om ugen; skriv fx 37 eller 37,5"),
    ("--hours", "37,5,0", "skriv fx 37 eller 37,5"),
])
def test_amount_and_hours_mistakes_are_told_in_danish(run, roster, option, value, message):
    r = run("agreement", "add", "A", "--type", "loentillaeg", "--start", "2026-07-01",
            "--end", "2026-12-31", option, value, lang="da")
    assert r.exit_code == 2
    said = " ".join(r.stderr.replace("│", " ").split())
    assert message in said
    assert " or " not in said and "write e.g." not in said and "is more than" not in said


def test_agreement_types_shows_the_interpretations(run):
    out = run("agreement", "types").stdout
    assert "Interpretations:" in out
    assert "6 years in all" in out and "separate ones and renewals alike" in out
    assert "One at a time" in out
    assert "9999-12-31" in out and "means open-ended" in out
    assert "'future'" in out


# --- the same answers on both engines ---------------------------------------------------------

def _cli(target, monkeypatch):
    """Run the CLI against ``target`` (a file or a PostgreSQL URL), as conftest's ``run`` does."""
    from typer.testing import CliRunner

    from seniorcli.cli import app, common

    monkeypatch.delenv("SENIORCLI_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)
    runner = CliRunner()

    def _run(*args, lang="en"):
        monkeypatch.setenv("SENIORCLI_LANG", lang)
        r = runner.invoke(app, ["--db", str(target), *map(str, args)])
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return r.exit_code, r.stdout, r.stderr

    return _run


def _register(run, tmp_path):
    """A register with every kind of agreement: renewed (twice, once by a renewal that was
    withdrawn), ended early, withdrawn, open-ended (and 9999-12-31 stored by an older version),
    ending on the same day in different departments (none, lower case, Danish letters), future,
    corrected; and refusals, which must not cost an id on either engine."""
    roster = write_csv(
        tmp_path / "same.csv", "employee_id,name,birth_date,department,manager_id,hire_date,"
        "leave_date",
        "A,Anna Ager,1974-06-15,Skole,L,2000-01-01,", "B,Bent Bro,1962-02-01,,,1990-01-01,",
        "C,Carla Ceder,1958-09-30,Skole,L,1985-01-01,", "D,Dorte Dal,1966-05-05,Rådhus,L,,",
        "E,Erik Eg,1961-12-31,,,2027-03-01,", "F,Frede Fjord,1960-01-01,Vej,,2000-01-01,"
        "2027-01-31", "G,Gitte Gran,1967-01-01,vej,,2001-01-01,",
        "L,Leif Leder,1972-03-10,Rådhus,,1995-01-01,", "Ø,Øjvind Ø,1959-07-07,Ærø,,1980-01-01,")
    steps = [
        ("import", roster, "--as-of", AS_OF),
        ("agreement", "add", "A", "-t", "seniorstilling", "--start", "2026-07-01", "--end",
         "2027-06-30", "--hours", "30", "--amount", "1.500,50", "--note", "første"),  # 1
        ("agreement", "renew", "1"),  # 2: the same length
        ("agreement", "add", "B", "-t", "nedsat tid", "--start", "2026-01-01",
         "--open-ended", "--hours", "32"),  # 3
        ("agreement", "add", "L", "-t", "generationsskifte", "--start", "2026-04-01", "--end",
         "2027-03-31"),  # 4
        ("agreement", "renew", "4", "--until", "2028-03-31"),  # 5
        ("agreement", "withdraw", "5", "--reason", "forkert periode"),
        ("agreement", "renew", "4", "--until", "2027-12-31"),  # 6: renews 4 instead
        ("agreement", "add", "C", "-t", "andet", "--start", "2026-01-01", "--end",
         "2026-12-31"),  # 7
        ("agreement", "end", "7", "--date", "2026-11-15"),
        ("agreement", "add", "D", "-t", "fratrædelse", "--start", "2026-10-01", "--end",
         "2027-03-31", "--amount", "85.000"),  # 8
        ("agreement", "add", "G", "-t", "loentillaeg", "--start", "2026-10-01", "--end",
         "2027-03-31", "--amount", "1000"),  # 9: the same end as 8
        ("agreement", "add", "B", "-t", "andet", "--start", "2026-10-01", "--end",
         "2027-03-31"),  # 10: the same end, no department
        ("agreement", "add", "Ø", "-t", "hjemmearbejde", "--start", "2026-10-01", "--end",
         "2027-03-31"),  # 11: the same end, Ærø
        ("agreement", "add", "F", "-t", "andet", "--start", "2026-12-01", "--end",
         "2027-01-31"),  # 12: starts after the as-of date
        ("agreement", "add", "E", "-t", "andet", "--start", "2026-02-01", "--end",
         "2026-12-01"),  # 13
        ("agreement", "withdraw", "13", "--reason", "forkert medarbejder"),
        ("agreement", "correct", "9", "--end", "2027-02-28", "--hours", "37,5"),
        ("agreement", "correct", "3", "--note", "aftalt med leder"),
        ("agreement", "end", "12", "--date", "2027-01-15"),
        # refused, on both engines alike
        ("agreement", "add", "A", "-t", "seniorstilling", "--start", "2026-06-14",
         "--open-ended"),
        ("agreement", "renew", "3"), ("agreement", "withdraw", "4", "--reason", "x"),
        ("agreement", "correct", "4", "--end", "2027-02-28"),
        ("agreement", "end", "7", "--date", "2026-11-30"),
        ("agreement", "end", 2**63 - 1, "--date", "2026-11-30"),  # the largest id asked for
        ("agreement", "correct", 2**63 - 1, "--hours", "30"),
        ("agreement", "add", "L", "-t", "generationsskifte", "--start", "2027-06-01",
         "--end", "2033-01-01"),
        ("agreement", "add", "D", "-t", "andet", "--start", "2026-01-01", "--end",
         "2026-12-31"),  # 14, after the refusals
    ]
    return [run(*step) for step in steps]


_ASKED = [
    ("agreement", "list", "--as-of", AS_OF, "-f", "json"),
    ("agreement", "list", "--as-of", AS_OF, "-f", "csv"),
    ("agreement", "list", "--as-of", AS_OF),
    ("agreement", "list", "--as-of", "2027-02-01", "--active-on", "2027-01-20", "-f", "csv"),
    ("agreement", "list", "--as-of", AS_OF, "--type", "andet", "-f", "csv"),
    ("agreement", "list", "--as-of", AS_OF, "--department", "Skole", "-f", "csv"),
    ("agreement", "list", "--as-of", AS_OF, "--manager", "L", "-f", "csv"),
    ("agreement", "expiring", "--as-of", AS_OF, "--within", "3660", "-f", "json"),
    ("agreement", "expiring", "--as-of", AS_OF, "--within", "3660"),
    ("agreement", "expiring", "--as-of", "2026-12-31", "--within", "90", "-f", "csv"),
    ("agreement", "expiring", "--as-of", "2027-01-01", "--department", "vej", "-f", "csv"),
    ("seniordays", "--year", "2026", "-f", "csv"),
    ("seniordays", "--year", "2027", "-f", "json"),
    ("seniordays", "--year", "2027"),
    ("seniordays", "--year", "2028", "--department", "Skole", "-f", "csv"),
]


def test_postgresql_gives_the_same_agreement_lists_and_senior_days_as_sqlite(
        tmp_path, pg_database, monkeypatch):
    from seniorcli.db import connect

    answers = {}
    for name, target in (("sqlite", tmp_path / "same.db"), ("postgresql", pg_database)):
        run = _cli(target, monkeypatch)
        steps = _register(run, tmp_path)
        conn = connect(target)  # an open-ended agreement as an older version stored it
        try:
            conn.execute("INSERT INTO agreement (employee_id, type, start_date, end_date, "
                         "open_ended, recorded_at) VALUES ('C', 'arbejdstid', '2026-03-01', "
                         "'9999-12-31', ?, '2026-03-01T08:00:00+00:00')", (False,))
        finally:
            conn.close()
        asked = [run(*args) for args in _ASKED]
        asked += [run(*args, lang="da") for args in _ASKED if "-f" not in args]
        answers[name] = steps, asked  # exit codes, standard output and messages
    steps, asked = answers["sqlite"]
    assert [code for code, _out, _err in steps].count(1) == 8  # the refusals, nothing else
    assert steps[-1][:2] == (0, "14\n")
    assert all(code == 0 for code, _out, _err in asked)
    listed = json.loads(asked[0][1])
    assert [a["agreement_id"] for a in listed][-2:] == [3, 15]  # open-ended last
    assert {5, 13} & {a["agreement_id"] for a in listed} == set()  # withdrawn
    assert answers["postgresql"] == answers["sqlite"]
