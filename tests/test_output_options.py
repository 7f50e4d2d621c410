"""One way to choose an output: every command that prints a list takes the same --as-of,
--format (with excel-csv, CSV for Danish Excel, among the formats) and --output, and
--department and --manager where a list is of people; --excel is an alias of --format
excel-csv. Checked by walking the command tree, so a new listing command cannot forget one."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from conftest import AS_OF, write_csv

pytestmark = pytest.mark.both_engines

#: Every listing command, and whether its rows are people (then --department and --manager
#: filter them). The reports count people instead of listing them: see the README.
LISTINGS = {
    ("due",): True,
    ("employees",): True,
    ("agreement", "list"): True,
    ("agreement", "expiring"): True,
    ("seniordays",): True,
    ("report", "coverage"): False,
    ("report", "ages"): False,
    ("report", "retirements"): False,
    ("audit",): False,
}
SHARED = ("--as-of", "--format", "--output", "--excel")


# Typer carries its own copy of click: commands and options are read by their attributes.
def _command(path: tuple[str, ...]) -> Any:
    from seniorcli.cli import app

    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return cmd


def _options(cmd: Any) -> dict[str, Any]:
    return {opt: p for p in cmd.params if p.param_type_name == "option" for opt in p.opts}


@pytest.mark.parametrize("path", list(LISTINGS), ids=" ".join)
def test_every_listing_takes_the_same_output_options(path):
    options = _options(_command(path))
    wanted = SHARED + (("--department", "--manager") if LISTINGS[path] else ())
    assert [o for o in wanted if o not in options] == []
    reference = _options(_command(("due",)))
    for name in wanted:  # declared once (cli/common.py): the same short name, help and choices
        mine, theirs = options[name], reference[name]
        assert (mine.opts, mine.secondary_opts, mine.help, mine.metavar) == \
            (theirs.opts, theirs.secondary_opts, theirs.help, theirs.metavar), name
        assert getattr(mine.type, "choices", None) == getattr(theirs.type, "choices", None)
    assert {"table", "csv", "json", "xlsx", "excel-csv"} <= set(options["--format"].type.choices)


def test_excel_is_documented_as_the_alias_of_excel_csv():
    help_text = _options(_command(("due",)))["--excel"].help or ""
    assert "--format excel-csv" in help_text


def test_every_command_with_a_format_is_a_known_listing_or_one_object():
    """A command that lists (has --output) is in LISTINGS, so the test above covers it."""
    from seniorcli.cli import app

    root = typer.main.get_command(app)

    def walk(cmd: Any, path: tuple[str, ...]):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, (*path, name))
        else:
            yield path, cmd

    # `agreement types` lists the fixed table of types (no dates, no people): it takes
    # --format and --output only; `report` alone writes the overview or the HTML report;
    # `agreement changes` asks about a period (--from/--to, no --as-of) and its --format adds
    # the payroll systems' dialect (payroll).
    exempt = {("agreement", "types"), ("report",), ("agreement", "changes")}
    unlisted = [p for p, cmd in walk(root, ()) if "--output" in _options(cmd)
                and p not in LISTINGS and p not in exempt]
    assert unlisted == []


# --- --format excel-csv is --excel -----------------------------------------------------------

@pytest.fixture
def payroll(run, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department,manager_id,hire_date",
                  "1,Anna Ærø,1960-01-01,Ældreplejen,3,2000-01-01",
                  "2,Bo Bæk,1963-01-01,Skole,3,2000-01-01",
                  "3,Carl Berg,1970-01-01,Skole,,2000-01-01")
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    assert run("agreement", "add", "1", "--type", "seniorstilling", "--start", "2026-01-01",
               "--end", "2026-12-31", "--hours", "30,5").exit_code == 0
    assert run("agreement", "add", "2", "--type", "seniorstilling", "--start", "2026-02-01",
               "--end", "2026-11-30").exit_code == 0
    return run


COMMANDS = [
    ("due", "--rules", "koege", "--as-of", AS_OF),
    ("employees", "--as-of", AS_OF),
    ("agreement", "list", "--as-of", AS_OF),
    ("agreement", "expiring", "--as-of", AS_OF),
    ("seniordays", "--year", "2026"),
    ("report", "coverage", "--rules", "koege", "--as-of", AS_OF),
    ("report", "ages", "--as-of", AS_OF),
    ("report", "retirements", "--as-of", AS_OF),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_format_excel_csv_writes_what_excel_writes(payroll, tmp_path, command):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c"
    assert payroll(*command, "--format", "excel-csv", "-o", a).exit_code == 0
    assert payroll(*command, "--excel", "-o", b).exit_code == 0
    assert payroll(*command, "--format", "excel-csv", "-o", c).exit_code == 0  # any name
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    data = a.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.split(b"\r\n")[0]
    # and on standard output
    out_a = payroll(*command, "--format", "excel-csv").stdout
    assert out_a == payroll(*command, "--excel").stdout == payroll(*command, "-f", "csv",
                                                                     "--excel").stdout
    assert out_a.startswith("\ufeff")


def test_excel_csv_has_danish_dates_and_decimal_commas(payroll):
    r = payroll("agreement", "expiring", "--as-of", AS_OF, "--format", "excel-csv")
    lines = r.stdout.lstrip("\ufeff").split("\r\n")
    assert lines[0].startswith("agreement_id;employee_id;name;")
    assert "30-11-2026" in r.stdout and "31-12-2026" in r.stdout
    assert ";30,5;" in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "excel-csv", "-o", "x.json"), "does not match the file x.json"),
    (("--format", "excel-csv", "-o", "x.xlsx"), "does not match the file x.xlsx"),
    (("--excel", "-f", "json"), "--excel is the CSV dialect"),
])
def test_excel_csv_contradicted_is_wrong_usage(payroll, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = payroll("due", "--rules", "koege", "--as-of", AS_OF, *args)
    assert r.exit_code == 2 and message in r.stderr


# --- the filters, now on every list of people ------------------------------------------------

def test_agreements_and_senior_days_filter_by_department_and_manager(payroll):
    def ids(*args):
        r = payroll(*args, "-f", "json")
        assert r.exit_code == 0, r.stderr
        return sorted(e["employee_id"] for e in r.json())

    assert ids("agreement", "expiring", "--as-of", AS_OF) == ["1", "2"]
    assert ids("agreement", "expiring", "--as-of", AS_OF, "--department", "skole") == ["2"]
    assert ids("agreement", "list", "--as-of", AS_OF, "--manager", "3") == ["1", "2"]
    assert ids("agreement", "list", "--as-of", AS_OF, "--department", "Ældreplejen",
               "--manager", "3") == ["1"]
    assert ids("seniordays", "--year", "2026", "--department", "Ældreplejen") == ["1"]
    # seniordays without --year: the year of the as-of date
    assert payroll("seniordays", "--as-of", AS_OF, "-f", "json").json() == \
        payroll("seniordays", "--year", "2026", "-f", "json").json()


def test_a_filter_that_matches_nothing_is_refused_on_the_new_lists(payroll):
    r = payroll("agreement", "expiring", "--as-of", AS_OF, "--department", "Jobcentret")
    assert r.exit_code == 1 and "no department 'Jobcentret'" in r.stderr


def test_audit_as_of_leaves_out_later_entries(payroll):
    everything = payroll("audit", "-f", "json").json()
    assert everything
    assert payroll("audit", "--as-of", "2000-01-01", "-f", "json").json() == []
    assert payroll("audit", "--as-of", "2199-12-31", "-f", "json").json() == everything
