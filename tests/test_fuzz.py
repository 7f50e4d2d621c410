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
    ("log correct", ["", "--employee", "--date", "--outcome", "--note"]),
    ("log withdraw", ["", "--reason"]),
    ("agreement add", ["", "--type", "--start", "--end", "--hours", "--amount", "--rules"]),
    ("agreement list", ["--active-on", "--type", "--department", "--format"]),
    ("agreement end", ["", "--date"]),
    ("agreement renew", ["", "--until", "--rules"]),
    ("agreement correct", ["", "--start", "--end", "--hours", "--amount", "--note"]),
    ("agreement withdraw", ["", "--reason"]),
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


# --- every command, every option ------------------------------------------------------------
# The Typer app is walked, so a command or option added later is fuzzed without being listed
# here. Values come by the option's type: dates in every form and none, numbers from the absurd
# to the malformed, choices and non-choices, paths to files of every kind (the database and
# its -wal included), and text with CPR numbers, escape codes and control characters.

CPR_SERIAL = "4417"
CPR_FORMS = ["0101704417", "010170-4417", "010170 4417", "101704417"]
texts = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789 -.,:/", max_size=12),
    st.sampled_from(["", " ", "-", "E1", "e1", "00E1", "Anna", "held", "koege", "norddjurs",
                     "albertslund", "seniorstilling", "department", "rules", "start-date",
                     "language", "\x1b[2J\x1b]0;x\x07", "Ærø\u202e", "\x00", "a\nb", "1",
                     "--help", *CPR_FORMS]),
)
dates = st.one_of(
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.sampled_from(["2026-02-30", "29.02.2025", "9999-12-31", "0001-01-01", "31-12-9999",
                     "2026-13-01", "today", "", *CPR_FORMS]),
    texts,
)
numbers = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "1", "30", "85.000", "85.000,50", "37,5", "1e400", "nan", "-inf",
                     "0x10", "", *CPR_FORMS]),
    texts,
)
# Inputs exclude endless devices (/dev/zero, /dev/full read forever).
INPUT_PATHS = ["base.csv", "garbage.csv", "rules.toml", "backup.db", "fuzz.db", "fuzz.db-wal",
               "missing.csv", ".", "/dev/null", "sub/missing.csv"]
OUTPUT_PATHS = ["out.csv", "out.json", "out.xlsx", "out.html", "out.txt", "out", "fuzz.db",
                "fuzz.db-wal", "fuzz.db-shm", "base.csv", ".", "/dev/null", "/dev/full",
                "missing/out.csv"]


def _commands():
    """(words to type, command) for every command of the app, hidden ones by the words a user
    types to reach them."""
    import typer.main

    root = typer.main.get_command(app)

    def walk(group, words):
        ctx = group.make_context("seniorcli", [], resilient_parsing=True)
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            said = words if cmd.hidden else [*words, name]
            if hasattr(cmd, "list_commands"):
                yield from walk(cmd, said)
            else:
                yield said, cmd

    return list(walk(root, []))


ALL_COMMANDS = _commands()


def _values_for(param) -> st.SearchStrategy[str]:
    kind = type(param.type).__name__
    if kind in ("TyperPath", "Path"):
        out = param.name in ("output", "target")
        return st.sampled_from(OUTPUT_PATHS if out else INPUT_PATHS) | texts
    if getattr(param.type, "choices", None):
        return st.sampled_from([str(c) for c in param.type.choices]) | texts
    if kind in ("IntRange", "IntParamType", "FloatRange", "FloatParamType"):
        return numbers
    if kind == "FuncParamType":  # the date options (parse_date_option) and other parsers
        return dates
    return texts


@st.composite
def invocations(draw) -> tuple[list[str], bool]:
    words, cmd = draw(st.sampled_from(ALL_COMMANDS), label="command")
    args = [*words]
    used_cpr = False
    for param in cmd.params:
        if param.name == "help" or not draw(st.booleans(), label=f"use {param.name}"):
            continue
        if getattr(param, "is_flag", False):
            args.append(param.opts[0])
            continue
        for _ in range(draw(st.integers(1, 2)) if getattr(param, "multiple", False) else 1):
            value = draw(_values_for(param), label=param.name)
            used_cpr |= any(form in value for form in CPR_FORMS)
            args += [param.opts[0], value] if param.param_type_name == "option" else [value]
    return args, used_cpr


@pytest.fixture
def files(harness, tmp_path):
    (tmp_path / "garbage.csv").write_bytes(b"\xff\xfe;;\x00\n\x1b[2J;0101704417\n")
    (tmp_path / "rules.toml").write_text('name = "fuzz"\nfirst_offer_age = 55\n')
    (tmp_path / "sub").mkdir()
    assert harness.invoke("backup", "backup.db").exit_code == 0
    assert harness.invoke("log", "E1", "held", "--date", "2026-10-01", "--as-of",
                          AS_OF).exit_code == 0
    return harness


FUZZ_ALL = settings(FUZZ, max_examples=int(os.environ.get("SENIORCLI_FUZZ_EXAMPLES", "250")))


@FUZZ_ALL
@given(call=invocations())
def test_every_command_and_option_never_crashes_nor_echoes_a_cpr_number(files, call):
    args, used_cpr = call
    r = files.invoke(*args)
    assert r.exception is None or isinstance(r.exception, SystemExit), (args, repr(r.exception))
    assert r.exit_code in (0, 1, 2), (args, r.exit_code, r.stderr)
    shown = r.stdout + r.stderr
    assert "Traceback" not in shown, args
    assert "internal error" not in shown, (args, r.stderr)
    if r.exit_code != 0 and args[:2] != ["config", "get"]:  # get: exit 1 = not set, as git
        assert r.stderr.strip(), ("a refusal must say why", args)
    if used_cpr:
        assert CPR_SERIAL not in r.stderr, (args, r.stderr)


def test_the_walk_reaches_every_command():
    typed = {" ".join(words) for words, _ in ALL_COMMANDS}
    assert {"import", "due", "restore", "backup", "purge", "agreement add",
            "report coverage", "config set"} <= typed
