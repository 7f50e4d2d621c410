"""Tables that fit: at exactly 80 and 120 columns no id, date or number is cut, text wraps,
less important columns are left out first, and a line under the table names them.

Each table is read back from the printed text and every id, date and number cell is compared
with the command's ``--format json`` output (the table's own extra columns, like due's "Days
over", with the rows the table was given)."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest

from seniorcli import output
from seniorcli.output import table as table_format

from conftest import AS_OF

DATA = Path(__file__).parent.parent / "data"
LONG_NOTE = ("Nedsat tid fra 37 til 30 timer, pension på fuld tid; aftalt med leder og TR efter "
             "seniorsamtalen, genforhandles inden udløb")


@pytest.fixture
def municipality(run):
    """The sample roster (200 people, Danish names and departments), its outcomes, agreements
    with large amounts and a long note, and a default rule set."""
    assert run("import", DATA / "sample_roster.csv", "--as-of", AS_OF).exit_code == 0
    assert run("log", "--from-file", DATA / "sample_outcomes.csv").exit_code == 0
    for who, kind, start, end, extra in (
        ("90001", "seniorstilling", "2026-01-01", "2026-12-31", ["--hours", "30", "--note",
                                                                 LONG_NOTE]),
        ("90005", "fratraedelse", "2026-02-01", "2026-11-30", ["--amount", "9.999.999,99"]),
        ("90017", "generationsskifte", "2024-01-01", "2026-12-15", ["--amount", "85.000,5"]),
    ):
        assert run("agreement", "add", who, "--type", kind, "--start", start, "--end", end,
                   *extra).exit_code == 0
    assert run("config", "set", "rules", "albertslund").exit_code == 0


COMMANDS = {
    "due": ["due", "--as-of", AS_OF, "--within", "30"],
    "employees": ["employees", "--as-of", AS_OF],
    "agreement list": ["agreement", "list", "--as-of", AS_OF],
    "agreement expiring": ["agreement", "expiring", "--as-of", AS_OF, "--within", "60"],
    "report coverage": ["report", "coverage", "--as-of", AS_OF, "--by", "department"],
    "report ages": ["report", "ages", "--as-of", AS_OF, "--by", "department"],
    "report retirements": ["report", "retirements", "--as-of", AS_OF],
    "seniordays": ["seniordays", "--year", "2026", "--as-of", AS_OF],
    "audit": ["audit"],
}


@pytest.fixture
def captured(monkeypatch):
    """The columns and rows each table was given (the printed text is checked against them)."""
    seen: list[tuple[list[output.Column], list[dict]]] = []
    real = table_format.write_table

    def spy(rows, columns, *args, **kwargs):
        rows = list(rows)
        seen.append((columns, rows))
        return real(rows, columns, *args, **kwargs)

    monkeypatch.setattr(table_format, "write_table", spy)
    return seen


def parse_table(text: str) -> tuple[list[str], list[list[str]], list[str]]:
    """(headers, rows of cells, the lines after the table) from a printed table: a cell that
    wraps over several lines is joined with spaces."""
    lines = text.splitlines()
    head_lines = [line for line in lines if line.startswith("┃")]
    headers: list[list[str]] = []
    for line in head_lines:
        parts = [p.strip() for p in line.strip("┃").split("┃")]
        headers = [h + [p] for h, p in zip(headers, parts, strict=True)] if headers else \
            [[p] for p in parts]
    rows: list[list[list[str]]] = []
    for line in lines:
        if not line.startswith("│"):
            continue
        parts = [p.strip() for p in line.strip("│").split("│")]
        if parts[0] or not rows:  # the first column is never empty: a new row begins
            rows.append([[p] for p in parts])
        else:
            for cell, p in zip(rows[-1], parts, strict=True):
                cell.append(p)
    after = lines[[i for i, line in enumerate(lines) if line.startswith("└")][-1] + 1:]
    return ([" ".join(x for x in h if x) for h in headers],
            [[" ".join(x for x in c if x) for c in r] for r in rows], after)


def expected_cell(kind: str, value) -> str:
    """What an English table must show for a json value (kept apart from seniorcli.fmt)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if kind == "date":
        return value if isinstance(value, str) else value.isoformat()
    if kind == "datetime":
        return value[:10] + " " + value[11:19]
    if kind == "amount":
        return f"DKK {value:,.2f}"
    if kind == "share":
        return f"{value * 100:,.1f}%"
    if kind == "hours":
        return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if kind == "number":
        if isinstance(value, float):
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{value:,}"
    return str(value)


def check_table(text: str, columns: list[output.Column], table_rows: list[dict],
                json_rows: list[dict], width: int) -> list[str]:
    """Every line fits, nothing is cut, every id/date/number cell is whole; returns the headers
    of the columns left out (as the footer must name them)."""
    headers, rows, after = parse_table(text)
    lines = text.splitlines()
    table = lines[:len(lines) - len(after)]  # the title and the table itself
    starts = [i for i, line in enumerate(after) if line.startswith("Left out")]
    ends = [i for i, line in enumerate(after) if line.endswith("terminal.")]
    note = after[starts[0]:ends[0] + 1] if starts else []
    # (what a command prints after its table, like coverage's definitions, is not the table's)
    for line in table + note:
        assert len(line) <= width, f"wider than {width}: {line!r}"
    assert "…" not in text
    by_header = {" ".join(c.header.split()): c for c in columns}
    shown = [by_header[h] for h in headers]
    assert shown == [c for c in columns if c in shown]  # in order; nothing unknown
    assert shown[0] == columns[0]  # the first column is never left out
    assert len(rows) == len(table_rows) == len(json_rows)
    for cells, given, from_json in zip(rows, table_rows, json_rows, strict=True):
        for c, cell in zip(shown, cells, strict=True):
            if c.kind == "text":
                continue
            value = from_json[c.key] if c.key in from_json else given[c.key]
            if isinstance(value, date):
                value = value.isoformat()
            assert cell == expected_cell(c.kind, value), (c.key, cell, value)
    left_out = [c.header for c in columns if c not in shown]
    footer = " ".join(after)
    if left_out:
        assert f"Left out to fit {width} columns: {', '.join(left_out)}." in footer
        assert "--format csv" in footer and "wider terminal" in footer
    else:
        assert "Left out" not in footer
    return left_out


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_table_fits_and_keeps_every_id_date_and_number_whole(run, municipality, captured,
                                                             monkeypatch, name, width):
    monkeypatch.setenv("COLUMNS", str(width))
    args = COMMANDS[name]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    columns, table_rows = captured[-1]
    json_rows = run(*args, "--format", "json").json()
    check_table(result.stdout, columns, table_rows, json_rows, width)


def test_a_wider_terminal_leaves_out_fewer_columns(run, municipality, captured, monkeypatch):
    left = {}
    for width in (80, 120, 400):
        monkeypatch.setenv("COLUMNS", str(width))
        out = run(*COMMANDS["due"]).stdout
        left[width] = [c.header for c in captured[-1][0]
                       if c.header not in " ".join(parse_table(out)[0])]
    assert len(left[80]) > len(left[120]) >= len(left[400]) == 0
    assert "Manager" in left[80]  # the least important go first
    assert "Due" not in left[80] and "Days over" not in left[80]


def test_due_in_danish_at_80_columns_has_whole_danish_dates(run, municipality, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run(*COMMANDS["due"], lang="da").stdout
    rows = run(*COMMANDS["due"], "-f", "json").json()
    for line in out.splitlines():
        assert len(line) <= 80
    for r in rows:
        d = date.fromisoformat(r["due_date"])
        # whole, under a wider header; a day off beside it or on the next line
        assert re.search(rf"│ {d:%d-%m-%Y}(?: \([^│]*\))? +│", out), d


def test_long_text_wraps_instead_of_being_cut(run, municipality, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = run("agreement", "list", "--as-of", AS_OF).stdout
    headers, rows, _after = parse_table(out)
    if "Note" in headers:
        notes = [r[headers.index("Note")] for r in rows]
        assert LONG_NOTE in notes
    else:  # left out at this width: then named under the table
        assert "Note" in " ".join(_after)


def test_piped_without_columns_is_one_line_per_row_with_every_column(run, municipality,
                                                                      monkeypatch):
    """Piped or redirected (not a terminal) and no COLUMNS: the table is as wide as it needs,
    so grep and sort see each row whole."""
    monkeypatch.delenv("COLUMNS", raising=False)
    out = run(*COMMANDS["due"]).stdout
    rows = run(*COMMANDS["due"], "-f", "json").json()
    body = [line for line in out.splitlines() if line.startswith("│")]
    assert len(body) == len(rows)
    assert "Left out" not in out
    assert any(r["reason"] in line for r in rows for line in body)


def test_a_table_written_to_a_file_has_every_column(run, municipality, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    target = tmp_path / "due.txt"
    assert run(*COMMANDS["due"], "-o", target).exit_code == 0
    text = target.read_text(encoding="utf-8")
    headers = parse_table(text)[0]
    assert "Manager" in headers and "Why" in headers and "Left out" not in text


def test_layout_breaks_a_number_header_before_squeezing_text():
    cols = [output.Column("id", "Employee", "id"), output.Column("name", "Name"),
            output.Column("n", "Share of today's staff", "share")]
    cells = [["Employee", "00001"], ["Name", "Anna Ærø Østergaard Kristiansen"],
             ["Share of today's staff", "37.1%"]]
    dropped, widths = table_format.table_layout(cols, cells, 60)
    assert dropped == [] and widths[1] == len("Anna Ærø Østergaard Kristiansen")
    assert widths[2] < len("Share of today's staff")


def test_fifty_thousand_rows_print_in_seconds(monkeypatch, capsys):
    """The table path stays usable for a big list (Rich's own table took 20-30 s for this)."""
    monkeypatch.setenv("COLUMNS", "120")
    cols = [output.Column("employee_id", "Employee", "id"), output.Column("name", "Name"),
            output.Column("department", "Department"),
            output.Column("birth_date", "Born", "date"), output.Column("age", "Age", "number"),
            output.Column("weekly_hours", "Hours", "hours"),
            output.Column("reason", "Why", drop_order=1)]
    rows = ({"employee_id": f"{i:05d}", "name": "Ærtebjørn Østergaard", "department":
             "Skole og Dagtilbud", "birth_date": date(1970, 1, 1 + i % 28), "age": 56,
             "weekly_hours": 37.5, "reason": "turns 55 on 2025-01-01: first offer"}
            for i in range(50_000))
    start = time.perf_counter()
    assert output.emit(rows, cols, "table") == 50_000
    elapsed = time.perf_counter() - start
    assert capsys.readouterr().out.count("\n") >= 50_000
    assert elapsed < 10, f"{elapsed:.1f} s"
