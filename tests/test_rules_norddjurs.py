"""Norddjurs: a yearly senior conversation for every employee aged 55 or older.
Source: seeds/norddjurs-retningslinjer-notat.txt (Personalepolitikken s. 16)."""

from seniorcli.rules.norddjurs import NORDDJURS as R

from rulekit import assert_due_from, due_on, facts


def test_first_offer_is_due_on_the_55th_birthday():
    d = assert_due_from(R, facts("1971-11-15"), "2026-11-15")
    assert d.reason == "turns 55 on 2026-11-15: first offer"


def test_hired_after_turning_55_is_due_from_the_hire_date():
    d = assert_due_from(R, facts("1966-03-03", hired="2026-08-01"), "2026-08-01")
    assert "hired on 2026-08-01" in d.reason


def test_held_conversation_makes_the_next_offer_due_12_months_later():
    d = assert_due_from(R, facts("1968-04-02", ("held", "2025-11-20")), "2026-11-20")
    assert d.reason == "held at 57 on 2025-11-20: next offer 12 months later"


def test_declined_conversation_also_repeats_12_months_later():
    assert_due_from(R, facts("1968-04-02", ("declined", "2025-11-20")), "2026-11-20")


def test_conversation_asked_for_at_53_counts_but_first_offer_stays_at_55():
    f = facts("1973-05-05", ("requested", "2026-09-01"), ("held", "2026-09-10"))
    assert_due_from(R, f, "2028-05-05")


def test_conversation_at_54_and_a_half_pushes_past_the_55th_birthday():
    f = facts("1971-01-01", ("held", "2025-07-01"))
    assert_due_from(R, f, "2026-07-01")


def test_born_29_february_is_first_due_on_1_march_in_a_common_year():
    assert_due_from(R, facts("1972-02-29"), "2027-03-01")


def test_held_on_29_february_repeats_on_1_march():
    assert_due_from(R, facts("1960-01-01", ("held", "2024-02-29")), "2025-03-01")


def test_leave_date_ends_the_duty():
    f = facts("1960-01-01", left="2026-11-10")
    assert due_on(R, f, "2026-11-09") is not None
    assert due_on(R, f, "2026-11-10") is None


def test_not_listed_as_upcoming_for_a_due_date_on_the_leave_date():
    f = facts("1971-11-10", left="2026-11-10")
    assert due_on(R, f, "2026-11-01", within=30) is None
    g = facts("1971-11-09", left="2026-11-10")
    assert due_on(R, g, "2026-11-01", within=30).due_date.isoformat() == "2026-11-09"


def test_upcoming_within_window_boundary():
    f = facts("1971-12-01")
    assert due_on(R, f, "2026-11-01", within=29) is None
    assert due_on(R, f, "2026-11-01", within=30) is not None
