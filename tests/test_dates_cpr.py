"""Pure helpers: date formats, ages and 29 February, CPR century rule and masking."""

from datetime import date

import pytest

from seniorcli.cpr import CprError, birth_date_from_cpr, mask, redact
from seniorcli.dates import DateFormatError, add_months, age_on, birthday, parse_date
from seniorcli.pension import pension_date


@pytest.mark.parametrize("text", ["1971-05-03", "03-05-1971", "03.05.1971", "03/05/1971",
                                  "03051971", "1971-05-03 00:00:00", " 3.5.1971 "])
def test_accepted_date_formats(text):
    assert parse_date(text) == date(1971, 5, 3)


@pytest.mark.parametrize("text", ["1971-13-45", "31-02-1971", "05/31/1971", "710503", "", "x"])
def test_rejected_dates(text):
    with pytest.raises(DateFormatError):
        parse_date(text)


def test_born_29_february_turns_older_on_1_march_in_a_common_year():
    born = date(1964, 2, 29)
    assert age_on(born, date(2019, 2, 28)) == 54
    assert age_on(born, date(2019, 3, 1)) == 55
    assert birthday(born, 55) == date(2019, 3, 1)
    assert birthday(born, 56) == date(2020, 2, 29)


def test_twelve_months_after_29_february_is_1_march():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 3, 1)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 3, 1)
    assert add_months(date(2024, 5, 15), -12) == date(2023, 5, 15)


@pytest.mark.parametrize("cpr,born", [
    ("010171-0001", date(1971, 1, 1)), ("010136-4001", date(2036, 1, 1)),
    ("010137-4001", date(1937, 1, 1)), ("010136-9001", date(2036, 1, 1)),
    ("010137-9001", date(1937, 1, 1)), ("010157-5001", date(2057, 1, 1)),
    ("010158-5001", date(1858, 1, 1)), ("010158-8001", date(1858, 1, 1)),
    ("101573917", date(1957, 1, 1)),
])
def test_cpr_century_rule(cpr, born):
    assert birth_date_from_cpr(cpr) == born


def test_cpr_without_modulus_11_is_accepted():
    assert birth_date_from_cpr("0101711235") == date(1971, 1, 1)


@pytest.mark.parametrize("bad", ["3213711234", "abc", "12345678901"])
def test_bad_cpr(bad):
    with pytest.raises(CprError):
        birth_date_from_cpr(bad)


def test_mask_never_shows_the_last_four_digits():
    assert mask("0101711234") == "010171-XXXX"
    assert mask("101711234") == "010171-XXXX"
    assert "1234" not in mask("12345")
    assert redact("see 010171-1234 and 0101711234") == "see 010171-XXXX and 010171-XXXX"


@pytest.mark.parametrize("born,reaches", [
    (date(1953, 12, 31), date(2018, 12, 31)),  # 65
    (date(1954, 1, 1), date(2019, 7, 1)),  # 65½
    (date(1954, 7, 1), date(2020, 7, 1)),  # 66
    (date(1955, 6, 30), date(2021, 12, 30)),  # 66½
    (date(1962, 12, 31), date(2029, 12, 31)),  # 67
    (date(1963, 1, 1), date(2031, 1, 1)),  # 68
    (date(1970, 12, 31), date(2039, 12, 31)),  # 69
    (date(1971, 1, 1), date(2041, 1, 1)),  # 70
])
def test_state_pension_date(born, reaches):
    assert pension_date(born) == reaches
