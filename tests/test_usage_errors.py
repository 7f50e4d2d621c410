"""Wrong usage (exit 2) is said in the reader's language, frame and reason (Typer's vendored
click has fixed English words)."""

from __future__ import annotations

import pytest

from seniorcli.cli.usage import translate


@pytest.mark.parametrize(("args", "danish"), [
    (("due", "--within", "x"), "Fejl: Ugyldig værdi for '--within': 'x' er ikke et helt tal."),
    (("due", "--within", "-5"),
     "Fejl: Ugyldig værdi for '--within': -5 ligger ikke i intervallet 0<=x<=3660."),
    (("due", "--format", "foo"), "Fejl: Ugyldig værdi for '--format' / '-f': 'foo' er ikke en "
                                 "af 'table', 'csv', 'json', 'xlsx', 'excel-csv'."),
    (("due", "--rule", "koege"),
     "Fejl: Ukendt tilvalg: --rule (mente du: --quiet, --rules, --rules-file)"),
    (("due", "extra"), "Fejl: Uventet ekstra argument (extra)"),
    (("agreement", "add", "1", "--type", "seniorstilling"), "Fejl: Tilvalget '--start' mangler."),
])
def test_usage_errors_are_danish(run, args, danish):
    r = run(*args, lang="da")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert lines[-1] == danish
    assert lines[0].startswith("Brug: seniorcli ")
    assert "[TILVALG]" in lines[0]
    assert "for at få hjælp." in lines[1]
    assert "Usage" not in r.stderr and "Error" not in r.stderr


def test_a_missing_value_is_danish(run):
    r = run("due", "--as-of", lang="da")
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines()[-1] == "Fejl: Tilvalget '--as-of' kræver en værdi."


def test_english_reads_as_click_wrote_it(run):
    r = run("due", "--rule", "koege", lang="en")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == "Usage: seniorcli due [OPTIONS]"
    assert "Try 'seniorcli due --help' for help." in r.stderr
    assert r.stderr.strip().endswith(
        "Error: No such option: --rule (Possible options: --quiet, --rules, --rules-file)")


def test_our_own_reasons_inside_click_frames_stay_as_they_are(run):
    r = run("due", "--as-of", "2026-13-01", lang="da")
    assert r.exit_code == 2
    assert "Fejl: Ugyldig værdi for '--as-of': '2026-13-01' er ikke en dato" in r.stderr


def test_an_unknown_text_is_kept():
    assert translate("something click never said") == "something click never said"


def test_help_pages_say_brug_in_danish(run):
    r = run("due", "--help", lang="da")
    assert r.exit_code == 0
    assert "Brug: seniorcli due [TILVALG]" in r.stdout


def test_a_mistyped_command_gets_a_danish_suggestion(run):
    r = run("agrement", lang="da")
    assert r.exit_code == 2
    assert r.stderr.strip().endswith("Mente du 'agreement'?")
    assert "Did you mean" not in r.stderr


def test_rules_list_says_its_values_in_danish_and_json_keeps_them(run):
    table = run("rules", "list", lang="da").stdout
    assert "fødselsdagen" in table and "kalenderåret" in table
    assert "efter 12 måneder" in table and "hvert kalenderår" in table and "indbygget" in table
    assert "birthday" not in table and "built-in" not in table
    rows = {r["name"]: r for r in run("rules", "list", "--format", "json").json()}
    assert rows["koege"]["trigger"] == "calendar_year"
    assert rows["norddjurs"]["repeat"] == "12 months"


def test_a_correction_is_confirmed_in_danish(run, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("employee_id,name,birth_date,hire_date\n1,A B,1960-01-01,2000-01-01\n",
                      encoding="utf-8")
    assert run("import", roster).exit_code == 0
    assert run("log", "1", "held", "--date", "2025-11-22").exit_code == 0
    r = run("log", "correct", "1", "--date", "2025-11-24", "--outcome", "declined", lang="da")
    assert r.exit_code == 0, r.stderr
    assert "Rettede udfald 1:" in r.stderr
    assert "dato 22-11-2025 → 24-11-2025" in r.stderr
    assert "udfald 'afholdt' → 'afslået'" in r.stderr
    r = run("agreement", "add", "1", "--type", "seniorstilling", "--start", "2026-01-01",
            "--end", "2027-12-31", "--hours", "30", "--amount", "1500")
    assert r.exit_code == 0, r.stderr
    r = run("agreement", "correct", "1", "--hours", "28,5", "--amount", "1.750",
            "--open-ended", lang="da")
    assert "Rettede seniorordning 1:" in r.stderr
    assert "slut 31-12-2027 → tidsubegrænset" in r.stderr
    assert "timer 30 → 28,5" in r.stderr and "beløb 1.500,00 kr. → 1.750,00 kr." in r.stderr
    r = run("log", "withdraw", "1", "--reason", "fejl", lang="da")
    assert "Trak udfald 1 for 1 tilbage: afslået den 24-11-2025." in r.stderr
    r = run("agreement", "correct", "1", "--hours", "30", lang="en")
    assert "Corrected agreement 1: hours 28.5 → 30." in r.stderr
