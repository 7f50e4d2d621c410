"""Bad input everywhere: random and garbled files and option values never produce a traceback,
always exit 0, 1 or 2, and a refusal never changes the database."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from seniorcli.cli import app

from conftest import AS_OF, db_snapshot, write_csv

FUZZ = settings(max_examples=int(os.environ.get("SENIORCLI_FUZZ_EXAMPLES", "60")),
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

HEADERS = ["employee_id", "name", "birth_date", "cpr", "department", "manager_id", "hire_date",
           "leave_date", "email", "weekly_hours", "Medarbejdernr", "Navn", "Fødselsdato",
           "CPR-nummer", "outcome", "date", "note", "with_mus", "Ukendt", ""]
CELL_ALPHABET = "0123456789-./;,\t\"' \n\r=+@abcæøåÆØÅ\x00\ufeff"
cells = st.one_of(
    st.text(alphabet=CELL_ALPHABET, max_size=14),
    st.sampled_from(["1960-01-01", "31-12-1970", "0101713917", "010171-3917", "101573917",
                     "9999-12-31", "29.02.1972", "held", "invited", "ja", "37,5", "E1", ""]),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=8), max_size=8)


@st.composite
def csv_bytes(draw) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    delim = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8))
    body = draw(rows)
    text = "\n".join(delim.join(line) for line in [header, *body])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


class Harness:
    def __init__(self, tmp_path):
        self.db = tmp_path / "fuzz.db"
        self.file = tmp_path / "input.csv"
        self.runner = CliRunner()
        roster = write_csv(tmp_path / "base.csv", "id,name,birth_date,hire_date",
                           "E1,Anna,1960-01-01,2000-01-01", "E2,Bo,1971-11-15,2000-01-01")
        assert self.invoke("import", str(roster), "--as-of", AS_OF).exit_code == 0

    def invoke(self, *args: str):
        return self.runner.invoke(app, ["--db", str(self.db), *args])

    def check(self, *args: str) -> None:
        before = db_snapshot(self.db)
        r = self.invoke(*args)
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert r.exit_code in (0, 1, 2), (args, r.exit_code, r.stderr)
        assert "Traceback" not in r.stderr + r.stdout
        if r.exit_code != 0:
            assert r.stderr.strip(), "a refusal must say why"
            after = db_snapshot(self.db)
            after.pop("audit"), before.pop("audit")
            assert after == before, args


@pytest.fixture
def harness(tmp_path, monkeypatch):
    monkeypatch.delenv("SENIORCLI_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return Harness(tmp_path)


@FUZZ
@given(data=csv_bytes(), extra=st.sampled_from([[], ["--partial"], ["--dry-run"],
                                                ["--encoding", "cp1252"],
                                                ["--delimiter", ";"]]))
def test_garbled_rosters_never_crash_and_refusals_change_nothing(harness, data, extra):
    harness.file.write_bytes(data)
    harness.check("import", str(harness.file), "--as-of", AS_OF, *extra)


@FUZZ
@given(data=csv_bytes())
def test_garbled_outcome_files_never_crash_and_refusals_change_nothing(harness, data):
    harness.file.write_bytes(data)
    harness.check("log", "--from-file", str(harness.file), "--as-of", AS_OF)


values = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", "-1", "0", "99999999999999999999", "2026-02-30", "31.12.2026",
                     "norddjurs", "koege", "E1", "seniorstilling", "held", "nan", "1e9",
                     "--help", "department", "xlsx"]),
)
COMMANDS = [
    ("due", ["--rules", "--as-of", "--within", "--department", "--manager", "--format"]),
    ("employees", ["--as-of", "--department", "--manager", "--format"]),
    ("show", ["", "--as-of", "--rules", "--format"]),
    ("log", ["", "", "--date", "--note", "--as-of"]),
    ("agreement add", ["", "--type", "--start", "--end", "--hours", "--amount", "--rules"]),
    ("agreement list", ["--active-on", "--type", "--department", "--format"]),
    ("agreement end", ["", "--date"]),
    ("agreement renew", ["", "--until", "--rules"]),
    ("agreement expiring", ["--as-of", "--within", "--format"]),
    ("seniordays", ["--year", "--format"]),
    ("report coverage", ["--rules", "--year", "--from", "--to", "--by", "--format"]),
    ("report ages", ["--as-of", "--by", "--format"]),
    ("report retirements", ["--as-of", "--years", "--by", "--format"]),
    ("rules show", [""]),
    ("config set", ["", ""]),
    ("purge", ["--left-before", "--dry-run"]),
    ("audit", ["--since", "--format"]),
]


@FUZZ
@given(command=st.sampled_from(COMMANDS), data=st.data())
def test_random_option_values_never_crash(harness, command, data):
    name, options = command
    args = name.split()
    for option in options:
        if not data.draw(st.booleans(), label=f"use {option or 'argument'}"):
            continue
        if option == "--dry-run":
            args.append(option)
            continue
        value = data.draw(values, label=option or "argument")
        args += [option, value] if option else [value]
    harness.check(*args)
