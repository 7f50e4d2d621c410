"""Agreement tables for people (issue 16, review): at 80 columns `agreement list`,
`agreement expiring` and `agreement changes` keep what payroll reads — the payroll number,
hours, amount, the end's day off (in the end-date cell) and a late registration (in the
change cell); `show` names the day off of an agreement end and fits 80 columns; types are
shown by their names ("Løntillæg"), while csv and json keep the keys; `agreement types` fits
80 columns without splitting a word.

Every stamp of the real clock is set to a fixed one after the set-up (as in
test_payroll_changes.py), so that no answer depends on today's date."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from conftest import db_execute as sql
from conftest import write_csv

pytestmark = pytest.mark.both_engines

OLD = "2026-01-02T08:00:00+00:00"
WAGE_TYPES = ('[loenart]\nseniorstilling = "0610"\n"løntillæg" = "0620"\nnedsat_tid = "0630"\n'
              'generationsskifte = "0640"\n')
NOTE = "Aftalt med leder og TR efter seniorsamtalen, genforhandles inden udløb"


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    folder = tmp_path / "cfg" / "seniorcli"
    folder.mkdir(parents=True)
    (folder / "loenarter.toml").write_text(WAGE_TYPES, encoding="utf-8")
    return folder


def add(run, *args) -> int:
    r = run("agreement", "add", *args)
    assert r.exit_code == 0, r.stderr
    return int(r.stdout)


@pytest.fixture
def register(run, db, tmp_path, config):
    """Four agreements around November–December 2026: ends on Anden juledag (26-12), on
    Nytårsaften (31-12, ended early) and on a Saturday (28-11); one recorded late."""
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "00026,Kirsten Margrethe Møller-Andersen,1960-01-01,"
                  "Ældreplejen Syd og Hjemmeplejen",
                  "00200,Bo Bæk,1961-01-01,Skole og Dagtilbud",
                  "00300,Carsten Madsen,1962-03-04,Sundhed og Omsorg")
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    ids = {
        "holiday": add(run, "00026", "--type", "loentillaeg", "--start", "2026-01-01",
                       "--end", "2026-12-26", "--amount", "85.000,50", "--hours", "37",
                       "--note", NOTE),
        "early": add(run, "00026", "--type", "seniorstilling", "--start", "2026-11-01",
                     "--end", "2027-12-31", "--hours", "30"),
        "late": add(run, "00200", "--type", "nedsat_tid", "--start", "2026-01-01",
                    "--end", "2026-11-28", "--hours", "30"),
        "leader": add(run, "00300", "--type", "generationsskifte", "--start", "2026-11-03",
                      "--end", "2028-12-31", "--amount", "1.500"),
    }
    assert run("agreement", "end", ids["early"], "--date", "2026-12-31").exit_code == 0
    for table in ("agreement", "audit", "agreement_change"):
        column = "recorded_at" if table == "agreement" else "at"
        sql(db, f"UPDATE {table} SET {column} = ?", (OLD,))
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-05T10:00:00+00:00", ids["late"]))
    return ids


def table(text: str, title: str | None = None) -> tuple[list[str], list[list[str]], list[str]]:
    """(headers, rows of cells, the lines after it) of the first table in ``text`` (after the
    line holding ``title``); a cell over several lines is joined with spaces."""
    lines = text.splitlines()
    if title is not None:
        lines = lines[[i for i, line in enumerate(lines) if title in line][0]:]
    end = [i for i, line in enumerate(lines) if line.startswith("└")][0]
    headers: list[list[str]] = []
    rows: list[list[list[str]]] = []
    for line in lines[:end]:
        if line.startswith(("┃", "│")):
            parts = [p.strip() for p in line[1:].rstrip().rstrip("┃│").split(line[0])]
            if line[0] == "┃":
                headers = [h + [p] for h, p in zip(headers, parts, strict=True)] if headers \
                    else [[p] for p in parts]
            elif parts[0] or not rows:
                rows.append([[p] for p in parts])
            else:
                for cell, p in zip(rows[-1], parts, strict=True):
                    cell.append(p)
    joined = [[" ".join(x for x in c if x) for c in r] for r in rows]
    return [" ".join(x for x in h if x) for h in headers], joined, lines[end + 1:]


def at_80(run, monkeypatch, *args, lang="da"):
    monkeypatch.setenv("COLUMNS", "80")
    r = run(*args, lang=lang)
    assert r.exit_code == 0, r.stderr
    for line in r.stdout.splitlines():
        assert len(line) <= 80, line
    return r.stdout


def column(headers: list[str], rows: list[list[str]], header: str) -> list[str]:
    return [r[headers.index(header)] for r in rows]


LIST = ("agreement", "list", "--as-of", "2026-11-01")
EXPIRING = ("agreement", "expiring", "--as-of", "2026-11-01", "--within", "90")
CHANGES = ("agreement", "changes", "--from", "2026-11-01", "--to", "2026-12-31")


# --- point 1: what payroll reads stays at 80 columns --------------------------------------------

def test_list_at_80_columns_keeps_payroll_number_hours_amount_and_the_day_off(
        run, register, monkeypatch):
    headers, rows, after = table(at_80(run, monkeypatch, *LIST))
    assert column(headers, rows, "Lønnr.") == ["00200", "00026", "00026", "00300"]
    assert column(headers, rows, "Timer") == ["30", "37", "30", ""]
    assert column(headers, rows, "Beløb (kr.)") == ["", "85.000,50 kr.", "", "1.500,00 kr."]
    assert column(headers, rows, "Periode") == [
        "01-01-2026 – 28-11-2026 (lørdag)", "01-01-2026 – 26-12-2026 (Anden juledag)",
        "01-11-2026 – 31-12-2026 (Nytårsaften, afsluttet før tid)",
        "03-11-2026 – 31-12-2028 (Nytårsaften)"]
    # the least useful are left out first, and named under the table
    assert "Afdeling" not in headers and "Note" not in headers
    assert "Afdeling" in " ".join(after) and "Note" in " ".join(after)


def test_list_at_80_columns_in_english(run, register, monkeypatch):
    headers, rows, _after = table(at_80(run, monkeypatch, *LIST, lang="en"))
    assert column(headers, rows, "Payroll no.") == ["00200", "00026", "00026", "00300"]
    assert column(headers, rows, "Amount (kr)")[1] == "DKK 85,000.50"
    assert column(headers, rows, "Hours")[1] == "37"
    assert column(headers, rows, "Period")[1] == "2026-01-01 – 2026-12-26 (Second Day of " \
        "Christmas)"


def test_expiring_at_80_columns_keeps_payroll_number_hours_amount_and_the_day_off(
        run, register, monkeypatch):
    for lang, number, hours, amount, end in (
            ("da", "Lønnr.", "Timer", "Beløb (kr.)", "Slut"),
            ("en", "Payroll no.", "Hours", "Amount (kr)", "End")):
        headers, rows, _after = table(at_80(run, monkeypatch, *EXPIRING, lang=lang))
        assert column(headers, rows, number) == ["00200", "00026", "00026"]
        assert column(headers, rows, hours) == ["30", "37", "30"]
        assert column(headers, rows, amount)[1] in ("85.000,50 kr.", "DKK 85,000.50")
        ends = column(headers, rows, end)
        assert ends[0] in ("28-11-2026 (lørdag)", "2026-11-28 (Saturday)")
        assert ends[1] in ("26-12-2026 (Anden juledag)",
                           "2026-12-26 (Second Day of Christmas)")


def test_changes_at_80_columns_keep_hours_amount_the_day_off_and_the_late_mark(
        run, register, monkeypatch):
    headers, rows, after = table(at_80(run, monkeypatch, *CHANGES))
    got = list(zip(column(headers, rows, "Lønnr."), column(headers, rows, "Ændring"),
                   column(headers, rows, "Periode"), column(headers, rows, "Timer"),
                   column(headers, rows, "Beløb (kr.)"), strict=True))
    assert got == [
        ("00026", "start", "01-11-2026 – 31-12-2026 (Nytårsaften)", "30", ""),
        ("00026", "ophør", "01-01-2026 – 26-12-2026 (Anden juledag)", "37", "85.000,50 kr."),
        ("00026", "ophør", "01-11-2026 – 31-12-2026 (Nytårsaften, afsluttet før tid)", "30",
         ""),
        ("00200", "start (for sent)", "01-01-2026 – 28-11-2026 (lørdag)", "30", ""),
        ("00200", "ophør", "01-01-2026 – 28-11-2026 (lørdag)", "30", ""),
        ("00300", "start", "03-11-2026 – 31-12-2028 (Nytårsaften)", "", "1.500,00 kr."),
    ]
    footer = " ".join(after)
    assert "1 registreret for sent" in footer
    assert "Afdeling" in footer and "Årsag" in footer  # left out first
    english = table(at_80(run, monkeypatch, *CHANGES, lang="en"))
    assert column(english[0], english[1], "Change")[3] == "start (late)"
    # csv and json keep their fields
    rows = run(*CHANGES, "-f", "json").json()
    assert [(r["kind"], r["recorded_late"]) for r in rows][3] == ("start", True)


# --- point 4: types by their names where people read --------------------------------------------

def test_tables_and_workbooks_name_the_type_and_csv_and_json_keep_the_key(run, register,
                                                                          tmp_path):
    for args in (LIST, EXPIRING, CHANGES):
        out = run(*args, lang="da").stdout
        assert "Løntillæg" in out and "loentillaeg" not in out
        assert "Nedsat tid" in out or args == EXPIRING  # (its end is before the window)
        assert "nedsat_tid" not in out
        assert "Salary supplement" in run(*args).stdout
        assert "loentillaeg" in run(*args, "-f", "csv").stdout
        assert "loentillaeg" in {r["type"] for r in run(*args, "-f", "json").json()}
    shown = run("show", "00026", "--as-of", "2026-11-01", lang="da").stdout
    assert "Løntillæg" in shown and "Seniorstilling" in shown and "loentillaeg" not in shown
    out = tmp_path / "c.xlsx"
    assert run(*CHANGES, "-o", out, lang="da").exit_code == 0
    ws = load_workbook(out).active
    kinds = [c.value for c in ws[1]].index("Aftaletype")
    assert {r[kinds].value for r in ws.iter_rows(min_row=2)} == {
        "Seniorstilling", "Løntillæg", "Nedsat tid", "Generationsskifteordning"}
    out = tmp_path / "l.xlsx"
    assert run(*LIST, "-o", out, lang="da").exit_code == 0
    ws = load_workbook(out).active
    kinds = [c.value for c in ws[1]].index("type")
    assert [r[kinds].value for r in ws.iter_rows(min_row=2)] == [
        "Nedsat tid", "Løntillæg", "Seniorstilling", "Generationsskifteordning"]


def test_a_type_is_taken_by_its_name_too(run, register):
    aid = add(run, "00300", "--type", "Salary supplement", "--start", "2027-01-01", "--end",
              "2027-12-31")
    aid2 = add(run, "00300", "--type", "Fastholdelsesbonus", "--start", "2027-01-01",
               "--end", "2027-12-31")
    rows = {r["agreement_id"]: r["type"] for r in run(*LIST, "-f", "json").json()}
    assert (rows[aid], rows[aid2]) == ("loentillaeg", "fastholdelse")


# --- point 2: show ------------------------------------------------------------------------------

def test_show_names_the_day_off_of_an_agreement_end(run, register):
    out = run("show", "00026", "--as-of", "2026-11-01", lang="da").stdout
    _headers, rows, _after = table(out, "Seniorordninger")
    assert [r[2] for r in rows] == ["01-01-2026 – 26-12-2026 (Anden juledag)",
                                    "01-11-2026 – 31-12-2026 (Nytårsaften, afsluttet før tid)"]
    detail = run("show", "00026", "--as-of", "2026-11-01", "-f", "json", lang="da").json()
    assert [a["end_date_day_off"] for a in detail["agreements"]] == ["Anden juledag",
                                                                     "Nytårsaften"]
    english = run("show", "00026", "--as-of", "2026-11-01", "-f", "json").json()
    assert english["agreements"][0]["end_date_day_off"] == "Second Day of Christmas"


def test_show_at_80_columns_wraps_and_cuts_nothing(run, register, monkeypatch):
    out = at_80(run, monkeypatch, "show", "00026", "--as-of", "2026-11-01")
    headers, rows, after = table(out, "Seniorordninger")
    assert headers == ["Id", "Type", "Periode", "Timer", "Beløb"]
    assert rows == [
        [str(register["holiday"]), "Løntillæg", "01-01-2026 – 26-12-2026 (Anden juledag)",
         "37", "85.000,50 kr."],
        [str(register["early"]), "Seniorstilling",
         "01-11-2026 – 31-12-2026 (Nytårsaften, afsluttet før tid)", "30", ""]]
    # the note under the table, whole (wrapped between words)
    notes = " ".join(line.strip() for line in after[:after.index("Samtaler: ingen registreret.")
                                                    if "Samtaler" in after else None])
    assert f"Aftale {register['holiday']}: {NOTE}" in notes


def test_show_marks_a_withdrawn_agreement_in_its_row(run, register):
    assert run("agreement", "withdraw", register["leader"], "--reason", "forkert").exit_code == 0
    out = run("show", "00300", "--as-of", "2026-11-01", lang="da").stdout
    _headers, rows, after = table(out, "Seniorordninger")
    assert rows[0][1] == "Generationsskifteordning (trukket tilbage)"
    assert "tæller ingen steder" in " ".join(after)


# --- point 5: agreement types -------------------------------------------------------------------

def test_agreement_types_at_80_columns_split_no_word_and_keep_the_limits(run, tmp_path,
                                                                         monkeypatch):
    from seniorcli.agreements import TYPES

    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.toml").write_text(WAGE_TYPES, encoding="utf-8")
    for lang, limits, own, other in (("da", "Grænser", "Dansk", "Engelsk"),
                                     ("en", "Limits", "English", "Danish")):
        out = at_80(run, monkeypatch, "agreement", "types", "--wage-types", "w.toml",
                    lang=lang)
        headers, rows, after = table(out)
        assert headers[:2] == ["Type", "Lønart" if lang == "da" else "Wage type"]
        assert limits in headers and other not in headers
        if own not in headers:
            assert own in " ".join(after[:3])  # named under the table
        words = {w for t in TYPES for text in (t.key, t.danish, t.english, t.source)
                 for w in text.split()}
        words |= {w for r in run("agreement", "types", "-f", "json", lang=lang).json()
                  for w in r["limits"].split()}
        for r in rows:
            for cell in r[2:]:
                assert set(cell.split()) <= words, cell  # no word broken in two
        # the interpretations too are wrapped between words
        assert "Interpretations:" in out or "Fortolkninger:" in out
        assert not re.search(r"\S{31,}", out.replace("━", "").replace("─", ""))


def test_agreement_types_on_a_wide_terminal_show_every_column(run, config, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    headers, _rows, after = table(run("agreement", "types", lang="da").stdout)
    assert headers == ["Type", "Lønart", "Dansk", "Grænser", "Kilde", "Engelsk"]
    assert not any("Udeladt" in line for line in after)
