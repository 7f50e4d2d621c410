"""Albertslund: offered at 52, opt-out; declined at 52 → offered again at 55; part of MUS;
agreements run 2 years. Source: seeds/albertslund-retningslinje-seniorindsatser.txt."""

from seniorcli.rules.albertslund import ALBERTSLUND as R

from rulekit import assert_due_from, due_on, facts


def test_first_offer_is_due_on_the_52nd_birthday():
    d = assert_due_from(R, facts("1974-10-20"), "2026-10-20")
    assert d.reason == "turns 52 on 2026-10-20: first offer"


def test_declined_at_52_is_offered_again_at_55():
    d = assert_due_from(R, facts("1971-06-15", ("declined", "2023-07-01")), "2026-06-15")
    assert d.reason == "declined at 52 on 2023-07-01: offered again at 55"


def test_declined_at_54_is_also_offered_again_at_55():
    assert_due_from(R, facts("1971-06-15", ("declined", "2026-06-14")), "2026-06-15")


def test_declined_at_55_is_offered_again_12_months_later():
    assert_due_from(R, facts("1971-06-15", ("declined", "2026-06-15")), "2027-06-15")


def test_held_at_52_is_offered_again_12_months_later():
    assert_due_from(R, facts("1974-01-10", ("held", "2026-02-01")), "2027-02-01")


def test_held_at_56_repeats_yearly_with_mus():
    assert_due_from(R, facts("1970-01-10", ("held", "2026-06-15")), "2027-06-15")


def test_hired_after_52_is_due_from_the_hire_date():
    assert_due_from(R, facts("1970-01-10", hired="2026-09-01"), "2026-09-01")


def test_born_29_february_has_a_real_52nd_birthday():
    # 52 is a multiple of 4, so the 52nd birthday of a leap-day child is itself a leap day.
    assert_due_from(R, facts("1972-02-29"), "2024-02-29")


def test_born_29_february_is_offered_again_at_55_on_1_march():
    assert_due_from(R, facts("1972-02-29", ("declined", "2024-03-01")), "2027-03-01")


def test_default_agreement_term_is_two_years():
    assert R.agreement_default_term_months == 24


def test_leave_date_ends_the_duty():
    f = facts("1970-01-01", left="2026-11-10")
    assert due_on(R, f, "2026-11-09") is not None
    assert due_on(R, f, "2026-11-10") is None
