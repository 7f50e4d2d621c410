"""People by name: managers shown with their names (from the roster: a manager id is an
employee id), and `employees --search` finding people by part of their name the way people
type it — case, accents and the Danish letters' two-letter spellings (å/aa, ø/oe, æ/ae) do not
matter."""

from __future__ import annotations

import pytest

from conftest import AS_OF, write_csv

pytestmark = pytest.mark.both_engines

ROSTER = (
    "employee_id,name,birth_date,department,manager_id",
    "001,Søren Ågård,1960-03-01,Ældreplejen,100",
    "002,Soeren Aagaard,1965-06-01,Ældreplejen,100",
    "003,Åse Ærø,1970-01-01,Skole,101",
    "004,Aase Aeroe,1971-02-01,Skole,101",
    "005,José Müller-Hansen,1980-05-05,Skole,999",
    "006,Bo Berg,1990-01-01,Skole,",
    "100,Mette Leder,1975-01-01,Ældreplejen,",
    "101,Jens Skoleleder,1972-01-01,Skole,",
)


@pytest.fixture
def people(run, tmp_path):
    f = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    return run


def _names(run, *args: str) -> list[str]:
    r = run("employees", "--as-of", AS_OF, "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return [e["name"] for e in r.json()]


# --- managers by name ------------------------------------------------------------------------

def test_due_json_and_csv_name_each_manager(people):
    rows = people("due", "--rules", "koege", "--as-of", AS_OF, "-f", "json").json()
    by_id = {r["employee_id"]: r for r in rows}
    assert by_id["001"]["manager_id"] == "100"
    assert by_id["001"]["manager_name"] == "Mette Leder"
    assert by_id["003"]["manager_name"] == "Jens Skoleleder"
    csv_rows = people("due", "--rules", "koege", "--as-of", AS_OF, "-f", "csv").csv()
    assert {r["employee_id"]: r["manager_name"] for r in csv_rows}["002"] == "Mette Leder"


def test_a_manager_not_in_the_roster_keeps_the_id_without_a_name(people):
    rows = people("employees", "--as-of", AS_OF, "-f", "json").json()
    jose = next(r for r in rows if r["employee_id"] == "005")
    assert jose["manager_id"] == "999" and jose["manager_name"] is None
    bo = next(r for r in rows if r["employee_id"] == "006")
    assert bo["manager_id"] is None and bo["manager_name"] is None


def test_tables_show_the_manager_as_name_and_id(people):
    table = people("due", "--rules", "koege", "--as-of", AS_OF).stdout
    assert "Mette Leder (100)" in table
    employees = people("employees", "--as-of", AS_OF).stdout
    assert "Jens Skoleleder (101)" in employees
    assert "999" in employees  # a manager from elsewhere: the id alone


def test_show_names_the_manager(people):
    assert "Mette Leder (100)" in people("show", "001", "--as-of", AS_OF).stdout
    detail = people("show", "001", "--as-of", AS_OF, "-f", "json").json()
    assert detail["manager_id"] == "100" and detail["manager_name"] == "Mette Leder"


def test_the_manager_name_does_not_change_who_is_due(people):
    rows = people("due", "--rules", "koege", "--as-of", AS_OF, "-f", "json").json()
    # Køge: from 1 January of the year one turns 55. Born 1960–1971: due; the managers
    # (born 1972 and 1975) are not, although their names are looked up for the others.
    assert sorted(r["employee_id"] for r in rows) == ["001", "002", "003", "004"]


# --- finding people by name ------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "found"), [
    ("Soeren", ["Søren Ågård", "Soeren Aagaard"]),
    ("Søren", ["Søren Ågård", "Soeren Aagaard"]),
    ("søREN", ["Søren Ågård", "Soeren Aagaard"]),
    ("aagaard", ["Søren Ågård", "Soeren Aagaard"]),
    ("ågård", ["Søren Ågård", "Soeren Aagaard"]),
    ("aase", ["Åse Ærø", "Aase Aeroe"]),
    ("Åse", ["Åse Ærø", "Aase Aeroe"]),
    ("aeroe", ["Åse Ærø", "Aase Aeroe"]),
    ("ÆRØ", ["Åse Ærø", "Aase Aeroe"]),
    ("jose", ["José Müller-Hansen"]),
    ("muller hansen", ["José Müller-Hansen"]),
    ("Soren", ["Søren Ågård"]),  # typed without ø: finds the ø spelling
], ids=lambda v: v if isinstance(v, str) else "")
def test_search_finds_part_of_a_name_however_it_is_spelled(people, typed, found):
    assert _names(people, "--search", typed) == found


def test_search_combines_with_the_other_filters(people):
    assert _names(people, "--search", "aase", "--department", "skole") == \
        ["Åse Ærø", "Aase Aeroe"]
    assert _names(people, "--search", "søren", "--manager", "100") == \
        ["Søren Ågård", "Soeren Aagaard"]


def test_a_search_that_finds_no_one_is_refused_like_any_filter(people):
    r = people("employees", "--as-of", AS_OF, "--search", "Kirsten")
    assert r.exit_code == 1 and r.stdout == ""
    assert "no employee whose name contains 'Kirsten'" in r.stderr


def test_an_empty_search_is_wrong_usage(people):
    r = people("employees", "--as-of", AS_OF, "--search", "  ")
    assert r.exit_code == 2 and "--search" in r.stderr


def test_search_is_fast_on_500000_names():
    """The matcher is called once per name: 500,000 names well under a second."""
    import time

    from seniorcli.services.filters import name_matcher

    names = ["Søren Ågård", "Mette Olsen", "Åse Ærø", "Bente Gødsbøll", "Mads Iversen"] * 100_000
    matches = name_matcher("aagaard")
    start = time.perf_counter()
    found = sum(map(matches, names))
    assert found == 100_000
    assert time.perf_counter() - start < 1.0
