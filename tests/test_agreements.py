"""Senior agreements: the framework agreement's limits (day before / day of each boundary),
default terms, end, renew, list."""

from __future__ import annotations

import pytest

from conftest import AS_OF, db_snapshot, write_csv


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
    assert "seniorstilling" in run("show", "A", "--as-of", AS_OF).stdout


def test_agreement_types_lists_danish_english_and_limits(run):
    r = run("agreement", "types", "-f", "json")
    types = {t["type"]: t for t in r.json()}
    assert {"seniorstilling", "generationsskifte", "fratraedelse", "fastholdelse",
            "nedsat_tid", "aflastning", "arbejdstid", "hjemmearbejde", "kompetenceudvikling",
            "jobskifte", "loentillaeg", "andet"} <= set(types)
    assert "54" in types["generationsskifte"]["limits"]
    assert types["seniorstilling"]["danish"].startswith("Seniorstilling")
