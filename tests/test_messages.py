"""What messages may contain: never a full CPR number, in whatever form it was typed (Typer's
own usage errors included), and never a terminal escape code or control character from a name
or a file, whether it comes from the input or from data already in the database."""

from __future__ import annotations

import pytest

from seniorcli.cpr import redact
from seniorcli.errors import clean_message, printable

from conftest import AS_OF, write_csv

pytestmark = pytest.mark.both_engines

CPR = "0101704417"  # 1 January 1970; the serial 4417 must never be shown


@pytest.mark.parametrize("written", ["010170-4417", "0101704417", "010170 4417",
                                     "010170\u00a04417", "010170 - 4417", "101704417",
                                     "10170-4417"])
def test_every_way_of_writing_a_cpr_number_is_masked(written):
    text = redact(f"no employee with id '{written}'.")
    assert text == "no employee with id '010170-XXXX'."


@pytest.mark.parametrize("text", [
    "Imported 123456789 rows",  # nine digits that are not a day and a month
    "2026-11-01 4417", "85.000,50 kr", "id 00104", "01012026",
])
def test_numbers_that_are_not_cpr_numbers_stay_readable(text):
    assert redact(text) == text


@pytest.fixture
def staff(run, tmp_path):
    run("import", write_csv(tmp_path / "r.csv", "id,name,birth_date", "1,Anna,1960-01-01"),
        "--as-of", AS_OF)


@pytest.mark.parametrize("args, code", [
    (["show", "010170 4417"], 1),  # an unknown id: the space form
    (["show", "101704417"], 1),  # the leading zero lost
    (["show", "010170-4417"], 1),
    (["log", "010170 4417", "held", "--date", "2026-10-01", "--as-of", AS_OF], 1),
    (["due", "--rules", "koege", "--within", CPR], 2),  # Typer: not in the range (as 101704417)
    (["due", "--rules", "koege", "--within", "010170-4417"], 2),  # Typer: not an integer
    (["due", "--rules", "koege", "--as-of", "010170 4417"], 2),  # not a date
    (["show", "1", "010170 4417"], 2),  # an extra argument
    (["due", f"--x{CPR}"], 2),  # an unknown option
    ([CPR], 2),  # an unknown command
    (["agreement", "end", "010170 4417", "--date", "2026-12-31"], 2),  # not an agreement id
    (["agreement", "list", "--format", CPR], 2),  # not a choice
])
def test_a_cpr_number_is_never_echoed_by_any_message(run, staff, args, code):
    r = run(*args)
    assert r.exit_code == code, r.stderr
    shown = r.stdout + r.stderr
    assert "4417" not in shown, shown
    assert "010170-XXXX" in r.stderr


def test_usage_errors_still_name_the_bad_option(run, staff):
    r = run("due", "--rules", "koege", "--within", "ti")
    assert r.exit_code == 2 and "Invalid value for '--within': 'ti'" in r.stderr


def test_escape_codes_are_removed_from_text_shown_to_people():
    assert printable("Anna\x1b[2J\x1b]0;hacked\x07 Berg\x9b31m\u202e") == "Anna Berg"
    assert printable("a\tb\nc") == "a b c"
    assert clean_message("line 1\nline 2 \x1b[31m0101704417") == "line 1\nline 2 010170-XXXX"
    assert printable("Søren Ærø-Åberg") == "Søren Ærø-Åberg"


def test_a_name_with_escape_codes_already_in_the_database_never_reaches_show(run, staff, db):
    """Stored by an older version or another tool: `show` prints it without the codes."""
    from seniorcli.db import connect

    conn = connect(db)  # either engine
    conn.execute("UPDATE employee SET name = ?, department = ? WHERE employee_id = '1'",
                 ("Anna\x1b]0;pwned\x07\x1b[2J Berg", "HR\x1b[31m\u202e"))
    conn.commit()
    conn.close()
    r = run("show", "1", "--as-of", AS_OF)
    assert r.exit_code == 0
    assert "Anna Berg" in r.stdout
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "pwned" not in r.stdout
    for listing in (("employees", "--as-of", AS_OF),
                    ("due", "--rules", "norddjurs", "--as-of", AS_OF)):
        r = run(*listing)  # the tables of every list, too
        assert r.exit_code == 0 and "Anna Berg" in r.stdout, listing
        assert "\x1b" not in r.stdout and "pwned" not in r.stdout, listing


def test_escape_codes_from_a_file_never_reach_an_error_message(run, tmp_path):
    bad = write_csv(tmp_path / "r.csv", "id,name,birth_date",
                    "1,Anna,\x1b]0;pwned\x07\x1b[2J1960-13-45")
    r = run("import", bad, "--as-of", AS_OF)
    assert r.exit_code == 1 and "line 2" in r.stderr
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr


@pytest.mark.parametrize("args", [["report", "coverage", "--rules-file", "a\x00b"],
                                  ["import", "roster\x00.csv"], ["backup", "b\x00.db"]])
def test_a_nul_character_in_a_file_name_is_a_plain_refusal(run, staff, args):
    """Found by the fuzz test: os.stat raised ValueError, reported as an internal error."""
    r = run(*args)
    assert r.exit_code == 1
    assert "contains a NUL character" in r.stderr and "internal error" not in r.stderr
