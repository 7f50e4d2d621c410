"""Dates and numbers as people read them (seniorcli.fmt): Danish forms by default, English
forms in English, machine formats untouched, Danish Excel CSV and .xlsx as Excel reads them."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from seniorcli import fmt, i18n

from conftest import AS_OF, FIXTURES, write_csv

pytestmark = pytest.mark.both_engines


@pytest.fixture
def danish(monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "da")
    i18n.refresh()


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "en")
    i18n.refresh()


def test_danish_dates_in_tables_and_in_text(danish):
    assert fmt.date_short(date(2026, 3, 1)) == "01-03-2026"
    assert fmt.date_long(date(2026, 3, 1)) == "1. marts 2026"
    assert fmt.date_long(date(2026, 12, 24)) == "24. december 2026"
    assert fmt.date_short(None) == fmt.date_long(None) == ""


def test_english_dates_in_tables_and_in_text(english):
    assert fmt.date_short(date(2026, 3, 1)) == "2026-03-01"
    assert fmt.date_long(date(2026, 3, 1)) == "1 March 2026"


def test_danish_numbers_amounts_shares_and_hours(danish):
    assert fmt.number(1234.5) == "1.234,5"
    assert fmt.number(1234) == "1.234"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(47.25) == "47,25"
    assert fmt.amount(85000) == "85.000,00 kr."
    assert fmt.amount(85000.5) == "85.000,50 kr."
    assert fmt.share(0.371) == "37,1 %"
    assert fmt.share(1 / 3) == "33,3 %"
    assert fmt.share(0) == "0,0 %"
    assert fmt.hours(37.5) == "37,5" and fmt.hours(30.0) == "30"
    assert fmt.hours(1250) == "1250"  # hours are never grouped


def test_english_numbers_amounts_shares_and_hours(english):
    assert fmt.number(1234.5) == "1,234.5"
    assert fmt.amount(85000) == "DKK 85,000.00"
    assert fmt.share(0.371) == "37.1%"
    assert fmt.hours(37.5) == "37.5"


def test_the_language_follows_each_command_and_the_stored_setting(monkeypatch):
    monkeypatch.setenv("SENIORCLI_LANG", "da")
    i18n.refresh()  # what every command does first
    assert fmt.amount(1000) == "1.000,00 kr."
    monkeypatch.setenv("SENIORCLI_LANG", "en")
    i18n.refresh()
    assert fmt.amount(1000) == "DKK 1,000.00"
    monkeypatch.delenv("SENIORCLI_LANG")
    i18n.refresh()
    i18n.set_config_language("en")  # config set language, applied once the database is open
    try:
        assert fmt.amount(1000) == "DKK 1,000.00"
        i18n.set_config_language("da")
        assert fmt.amount(1000) == "1.000,00 kr."
    finally:
        i18n.set_config_language(None)


@pytest.mark.parametrize("value", [0, 1, 999, 1000, 1234.5, 85000.5, 9_999_999.99, 0.125, 52.25,
                                   -3, -1234.5])
def test_fast_forms_are_babels_own(value, monkeypatch):
    """The table path puts numbers together itself (speed); the result is Babel's, with
    ordinary spaces instead of no-break ones."""
    from babel.numbers import format_currency, format_decimal, format_percent

    for lang, locale in (("da", "da_DK"), ("en", "en_GB")):
        monkeypatch.setenv("SENIORCLI_LANG", lang)
        i18n.refresh()
        assert fmt.number(value) == format_decimal(value, "#,##0.##", locale=locale)
        babel_amount = format_currency(value, "DKK", locale=locale).replace("\xa0", " ")
        assert fmt.amount(value).replace(" ", "") == babel_amount.replace(" ", "")
        babel_share = format_percent(value, "#,##0.0" + ("\xa0%" if lang == "da" else "%"),
                                     locale=locale).replace("\xa0", " ")
        assert fmt.share(value) == babel_share


def test_babel_is_not_imported_at_start_up():
    import subprocess
    import sys

    code = ("import sys; from seniorcli.cli import app; import seniorcli.output, seniorcli.fmt; "
            "print(any(m == 'babel' or m.startswith('babel.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# ---- what people see, and what scripts get -------------------------------------------------

@pytest.fixture
def agreements(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department,weekly_hours",
                  "1,Anna Ærø,1960-01-01,Ældreplejen,37", "2,Bo Bæk,1961-01-01,Skole,30")
    run("import", f, "--as-of", AS_OF)
    assert run("agreement", "add", "1", "--type", "seniorstilling", "--start", "01-03-2026",
               "--end", "2027-02-28", "--hours", "32,5", "--amount", "1.250.000,50").exit_code == 0
    assert run("agreement", "add", "2", "--type", "seniorstilling", "--start", "2026-01-01",
               "--open-ended", "--hours", "30").exit_code == 0


def test_danish_table_has_danish_dates_amounts_and_hours(run, agreements):
    out = run("agreement", "list", "--as-of", AS_OF, lang="da").stdout
    assert "01-03-2026" in out and "28-02-2027" in out
    assert "1.250.000,50 kr." in out
    assert "32,5" in out
    assert "2026-03-01" not in out and "1250000.5" not in out


def test_english_table_has_english_forms(run, agreements):
    out = run("agreement", "list", "--as-of", AS_OF).stdout
    assert "2026-03-01" in out and "DKK 1,250,000.50" in out and "32.5" in out


@pytest.mark.parametrize("lang", ["da", "en"])
def test_machine_formats_keep_iso_dates_and_plain_numbers(run, agreements, lang):
    rows = run("agreement", "list", "--as-of", AS_OF, "-f", "json", lang=lang).json()
    assert rows[0]["start_date"] == "2026-03-01" and rows[0]["amount"] == 1250000.5
    assert rows[0]["weekly_hours"] == 32.5
    csv_rows = run("agreement", "list", "--as-of", AS_OF, "-f", "csv", lang=lang).csv()
    assert csv_rows[0]["start_date"] == "2026-03-01"
    assert csv_rows[0]["amount"] == "1250000.5"  # every digit (it was once written 1.25e+06)
    assert csv_rows[0]["weekly_hours"] == "32.5"


def test_danish_excel_csv_has_day_first_dates_and_decimal_commas(run, agreements, tmp_path):
    out = tmp_path / "aftaler.csv"
    assert run("agreement", "list", "--as-of", AS_OF, "--excel", "-o", out,
               lang="da").exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    first = text.splitlines()[1].split(";")
    assert "01-03-2026" in first and "28-02-2027" in first
    assert "1250000,5" in first  # a number Excel sums: decimal comma, no thousands dots
    assert "32,5" in first


def test_xlsx_cells_stay_numbers_with_danish_looking_formats(run, agreements, tmp_path):
    out = tmp_path / "aftaler.xlsx"
    assert run("agreement", "list", "--as-of", AS_OF, "-o", out).exit_code == 0
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    amount = ws.cell(row=2, column=header.index("amount") + 1)
    start = ws.cell(row=2, column=header.index("start_date") + 1)
    assert amount.value == 1250000.5 and amount.number_format == '#,##0.00 "kr."'
    assert start.number_format == "dd-mm-yyyy"
    ident = ws.cell(row=2, column=header.index("agreement_id") + 1)
    assert ident.number_format == "General"  # an id is never 1.234


def test_report_shares_are_percentages_in_the_table_and_fractions_for_scripts(run, tmp_path):
    run("import", FIXTURES / "utf8_bom.csv", "--as-of", AS_OF)
    table = run("report", "ages", "--as-of", AS_OF, lang="da").stdout
    rows = run("report", "ages", "--as-of", AS_OF, "-f", "json").json()
    share = rows[-1]["share_55_plus"]
    assert 0 <= share <= 1  # a fraction for scripts
    assert f"{share * 100:.1f} %".replace(".", ",") in table


def test_a_year_is_never_grouped_like_a_number(run, agreements):
    out = run("seniordays", "--year", "2026", "--as-of", AS_OF, lang="da").stdout
    assert "2026" in out and "2.026" not in out


def test_show_writes_dates_and_amounts_the_danish_way(run, agreements):
    out = run("show", "1", "--as-of", AS_OF, "--rules", "norddjurs", lang="da").stdout
    assert "01-01-1960" in out  # born, in the list at the top
    assert "1.250.000,50 kr." in out and "32,5" in out
    assert "01-01-2015" in out  # the next offer (the 55th birthday, under norddjurs)


def test_show_writes_the_dates_of_its_sentences_the_danish_way(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department,leave_date",
                  "7,Tove Lund,1960-05-05,Skole,2026-03-01")
    run("import", f, "--as-of", "2026-01-15")
    out = run("show", "7", "--as-of", AS_OF, "--rules", "norddjurs", lang="da").stdout
    assert "01-03-2026" in out and "2026-03-01" not in out  # left on that day
    english = run("show", "7", "--as-of", AS_OF, "--rules", "norddjurs").stdout
    assert "2026-03-01" in english
