"""Køge: first senior conversation in the calendar year of the 55th birthday, then once a year.
Source: seeds/koege-seniorpolitik.txt ('Seniorsamtalen')."""

from seniorcli.rules.koege import KOEGE as R

from rulekit import assert_due_from, due_on, facts


def test_first_offer_is_due_from_1_january_of_the_year_of_the_55th_birthday():
    d = assert_due_from(R, facts("1971-12-10"), "2026-01-01")
    assert d.reason == "turns 55 in 2026: first offer from 1 January"


def test_birthday_on_1_january():
    assert_due_from(R, facts("1971-01-01"), "2026-01-01")


def test_born_31_december():
    assert_due_from(R, facts("1971-12-31"), "2026-01-01")


def test_hired_later_in_that_year_is_due_from_the_hire_date():
    assert_due_from(R, facts("1971-06-01", hired="2026-05-01"), "2026-05-01")


def test_held_in_a_year_makes_the_next_offer_due_1_january_next_year():
    d = assert_due_from(R, facts("1966-09-09", ("held", "2026-03-01")), "2027-01-01")
    assert d.reason == "held at 59 on 2026-03-01: next offer from 1 January 2027"


def test_held_on_31_december_is_due_again_the_next_day():
    assert_due_from(R, facts("1966-09-09", ("held", "2025-12-31")), "2026-01-01")


def test_declined_in_a_year_counts_for_that_year():
    assert_due_from(R, facts("1966-09-09", ("declined", "2026-01-01")), "2027-01-01")


def test_conversation_before_the_first_year_counts_but_first_offer_stays():
    f = facts("1973-05-05", ("requested", "2026-09-01"), ("held", "2026-09-10"))
    assert_due_from(R, f, "2028-01-01")


def test_born_29_february():
    assert_due_from(R, facts("1972-02-29"), "2027-01-01")


def test_leave_date_ends_the_duty():
    f = facts("1960-01-01", left="2026-03-01")
    assert due_on(R, f, "2026-02-28") is not None
    assert due_on(R, f, "2026-03-01") is None
