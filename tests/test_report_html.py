"""The works council's report (report --output x.html|x.pdf): the figures per department and per
manager beside the previous period, self-contained, and printable on A4 without clipped
columns (checked by printing with headless Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from seniorcli.output.html import find_chromium, html_to_pdf, render_council
from seniorcli.services.reports import (
    BAND_LABELS,
    TOTAL,
    CouncilReport,
    Period,
    Snapshot,
)

from conftest import write_csv

pytestmark = pytest.mark.both_engines

AS_OF = "2026-06-30"
needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="chromium is not installed: cannot print to PDF")
needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None
                                   or shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdfinfo, pdftotext) not installed")


@pytest.fixture
def office(run, tmp_path):
    # Two departments; managers M1 (Hanne Ågård) and M2 (Bo Holm) are employees themselves.
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,department,manager_id,hire_date",
        "M1,Hanne Ågård,1970-01-01,Ældreplejen,,2000-01-01",  # 56: due since 2026-01-01
        "M2,Bo Holm,1980-01-01,Teknik og Miljø,,2000-01-01",  # 46
        "A,Anna,1960-03-01,Ældreplejen,M1,2000-01-01",  # 66: held 2026-02-01; 67 in 2027
        "B,Bent,1965-05-10,Ældreplejen,M1,2000-01-01",  # 61: declined 2026-03-01
        "C,Carl,1968-01-15,Teknik og Miljø,M2,2000-01-01",  # 58: never offered
        "D,Dorte,1990-01-01,Teknik og Miljø,M2,2025-01-01",  # 36, hired 2025: not staff 2024
    )
    assert run("import", f, "--as-of", AS_OF).exit_code == 0
    o = write_csv(tmp_path / "o.csv", "employee_id,outcome,date",
                  "A,held,2026-02-01", "B,declined,2026-03-01", "A,held,2024-03-01")
    assert run("log", "--from-file", o, "--as-of", AS_OF).exit_code == 0
    for args in (("A", "--type", "seniorstilling", "--start", "2024-01-01", "--end",
                  "2027-12-31"),
                 ("B", "--type", "fratraedelse", "--start", "2026-01-01", "--end", "2026-12-31")):
        r = run("agreement", "add", *args)
        assert r.exit_code == 0, r.stderr


def write_report(run, tmp_path, *args, name="report.html", lang="en") -> str:
    out = tmp_path / name
    r = run("report", "--rules", "norddjurs", "--as-of", AS_OF, "--output", out, *args,
            lang=lang)
    assert r.exit_code == 0, r.stderr
    return out.read_text(encoding="utf-8")


class _Page(HTMLParser):
    """Tags, attributes, text, and the rows of each table as text cells."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []
        self.tables: list[list[tuple[str, list[str]]]] = []
        self._cell: list[str] | None = None
        self._row: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [v or "" for _, v in attrs]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = (dict(attrs).get("class") or "", [])
            self.tables[-1].append(self._row)
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row[1].append(norm("".join(self._cell)))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def norm(text: str) -> str:
    """White space as a reader sees it (a no-break space stays one)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def words(page: _Page) -> str:
    return norm(" ".join(page.text))


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def table_with(page: _Page, first_heading: str, containing: str) -> dict[str, list[str]]:
    """The rows (by first cell) of the first table whose heading row starts with
    ``first_heading`` and that has a row starting with ``containing``."""
    for t in page.tables:
        rows = {cells[0]: cells for _cls, cells in t if cells}
        if t and t[0][1][:1] == [first_heading] and any(k.startswith(containing) for k in rows):
            return rows
    raise AssertionError(f"no table {first_heading!r} with a row {containing!r}")


def test_figures_per_department_and_per_manager_by_name(run, office, tmp_path):
    page = parse(write_report(run, tmp_path))
    # Coverage 2026-01-01 .. 2026-06-30, as report coverage --by department gives it.
    by_dept = {r["group"]: r for r in run(
        "report", "coverage", "--rules", "norddjurs", "--from", "2026-01-01", "--to", AS_OF,
        "--by", "department", "-f", "json").json()}
    rows = table_with(page, "Department", "Ældreplejen")
    # Department | Eligible | Offered | Held | Declined | Still due | Due before | >90 | rate | prev
    assert rows["Ældreplejen"][1:5] == [str(by_dept["Ældreplejen"]["eligible"]), "2", "1", "1"]
    assert rows["Teknik og Miljø"][1] == str(by_dept["Teknik og Miljø"]["eligible"])
    assert rows["Total"][1] == str(by_dept["Total"]["eligible"])
    # Managers by the name the roster gives them, with their id beside it.
    managers = table_with(page, "Manager", "Hanne Ågård")
    assert "Hanne Ågård M1" in managers and "Bo Holm M2" in managers
    assert not any(k in ("M1", "M2") for k in managers)


def test_the_previous_period_is_two_years_earlier_and_the_report_says_so(run, office, tmp_path):
    page = parse(write_report(run, tmp_path))
    text = words(page)
    assert "Previous period: 1 January 2024 – 30 June 2024" in text
    assert "every second year" in text
    summary = table_with(page, "Key figures", "Employees")
    # Staff on 2026-06-30: 6; on 2024-06-30: 5 (D was hired in 2025).
    assert summary["Employees"][1:] == ["6", "5"]
    # Held ÷ eligible in 2026: A of 4 eligible (M1, A, B, C); in 2024: A of 3 (A, B, C).
    assert summary["Senior conversations held ÷ eligible"][1:] == ["25.0%",
                                                                    "33.3%"]
    one = parse(write_report(run, tmp_path, "--previous", "1", name="one.html"))
    assert "Previous period: 1 January 2025 – 30 June 2025" in words(one)


def test_retirement_outlook_within_5_and_10_years_and_kl(run, office, tmp_path):
    page = parse(write_report(run, tmp_path))
    text = words(page)
    # A (1960-03-01) reaches 67 on 2027-03-01; B (1965) 67 on 2032-05-10; C (1968) 68 in 2036;
    # M1 (1970) 69 in 2039. Within 5 years (to 2031-06-29): A; within 10 (to 2036-06-29): A, B.
    outlook = table_with(page, "Employees", "Reach it within 5 years")
    assert outlook["Reach it within 5 years"][1] == "1 (16.7%)"
    assert outlook["Reach it within 10 years"][1] == "2 (33.3%)"
    assert "almost one in five" in text and "above KL's national figure" in text


def test_agreements_running_by_type_beside_the_previous_period(run, office, tmp_path):
    page = parse(write_report(run, tmp_path))
    kinds = table_with(page, "Type", "Senior position")
    assert kinds["Senior position seniorstilling"][1:] == ["1", "1"]  # running since 2024
    assert kinds["Severance fratraedelse"][1:] == ["1", "0"]
    assert kinds["Total"][1:] == ["2", "1"]


def test_danish_dates_and_numbers(run, office, tmp_path):
    html = write_report(run, tmp_path, name="da.html", lang="da")
    text = words(parse(html))
    assert '<html lang="da">' in html
    assert "30. juni 2026" in text and "1. januar 2024 – 30. juni 2024" in text
    assert "25,0 %" in text  # held ÷ eligible, with a decimal comma
    assert "2026-06-30" not in text
    # The agreement types by the framework agreement's Danish names.
    kinds = table_with(parse(html), _first_heading_of(parse(html), "Seniorstilling"), "Senior")
    assert kinds["Seniorstilling seniorstilling"][1:] == ["1", "1"]
    assert kinds["Fratrædelsesordning fratraedelse"][1:] == ["1", "0"]


def _first_heading_of(page: _Page, row_start: str) -> str:
    for t in page.tables:
        if any(cells and cells[0].startswith(row_start) for _c, cells in t):
            return t[0][1][0]
    raise AssertionError(f"no table with a row {row_start!r}")


def test_self_contained_one_total_per_table_no_rst_quotes(run, office, tmp_path):
    html = write_report(run, tmp_path)
    page = parse(html)
    assert {"svg", "table", "style"} <= set(page.tags)
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert not any(re.match(r"(https?:)?//", a) for a in page.attrs)
    assert "url(" not in html and "@import" not in html
    assert "``" not in html
    for table in page.tables:
        totals = [cells for cls, cells in table if "total" in cls]
        assert len(totals) <= 1, totals
        body = [cells for cls, cells in table[1:] if "total" not in cls]
        assert not any(cells[:1] == ["Total"] for cells in body), "an unmarked total row"


def test_without_a_rule_set_coverage_is_left_out_and_said_so(run, office, tmp_path):
    out = tmp_path / "r.html"
    r = run("report", "--as-of", AS_OF, "--output", out)
    assert r.exit_code == 0 and "leaves out coverage" in r.stderr
    text = words(parse(out.read_text()))
    assert "Coverage is left out" in text and "Age profile" in text


def test_pdf_refused_without_a_browser(run, office, tmp_path, monkeypatch):
    monkeypatch.setenv("SENIORCLI_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "r.pdf"
    r = run("report", "--rules", "norddjurs", "--as-of", AS_OF, "--output", out)
    assert r.exit_code == 1
    assert "cannot write a PDF" in r.stderr and "--output report.html" in r.stderr
    assert not out.exists()


def test_other_endings_refused(run, office, tmp_path):
    r = run("report", "--as-of", AS_OF, "--output", tmp_path / "r.docx")
    assert r.exit_code == 2 and "HTML or PDF" in r.stderr


@needs_chromium
def test_pdf_written_through_chromium(run, office, tmp_path):
    out = tmp_path / "r.pdf"
    r = run("report", "--rules", "norddjurs", "--as-of", AS_OF, "--output", out)
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF") and (out.stat().st_mode & 0o777) == 0o600


# A4 print ---------------------------------------------------------------------------------------

def _wide_report() -> CouncilReport:
    """The widest figures a large municipality gives: 6-digit numbers, long department and
    manager names, every agreement type, many rows."""
    from seniorcli.agreements import TYPES

    depts = ["Sundheds- og Omsorgsforvaltningen, Hjemmeplejen Nord-Øst og Aftenvagten",
             *(f"Afdeling {i:02d}" for i in range(12))]
    managers = {f"{i:05d}": f"Marie-Louise Østergaard-Bækgaard {i}" for i in range(40)}

    def coverage(groups):
        row = {"eligible": 123456, "invited": 12345, "held": 98765, "declined": 12345,
               "requested": 1234, "offered": 111111, "still_due": 12345, "due_before": 23456,
               "overdue_90": 34567, "never_offered": 45678, "held_rate": 0.8, "declined_rate":
               0.1111}
        return [*({"group": g, **row} for g in groups), {"group": TOTAL, **row}]

    def ages(groups):
        row = {"employees": 512345, "median_age": 47.5, "share_55_plus": 0.271,
               "share_60_plus": 0.1234, **{b: 123456 for b in BAND_LABELS}}
        return [*({"group": g, **row} for g in groups), {"group": TOTAL, **row}]

    def outlook(groups):
        row = {"staff": 512345, "already": 12345, "share_already": 0.02, "within_5": 123456,
               "share_5": 0.241, "within_10": 234567, "share_10": 0.458}
        return [*({"group": g, **row} for g in groups), {"group": TOTAL, **row}]

    def snapshot(day: date, period: Period) -> Snapshot:
        per_year = [{"group": TOTAL, "year": "already", "reaching": 12345},
                    *({"group": TOTAL, "year": y, "reaching": 23456} for y in range(day.year,
                                                                                  day.year + 10))]
        running = {"type": [*({"group": t.key, "running": 123456} for t in TYPES),
                            {"group": TOTAL, "running": 999999}],
                   "department": [*({"group": d, "running": 123456} for d in depts),
                                  {"group": TOTAL, "running": 999999}],
                   "manager": [*({"group": m, "running": 123456} for m in managers),
                               {"group": TOTAL, "running": 999999}]}
        return Snapshot(day, period, {"department": coverage(depts), "manager":
                                      coverage(managers)},
                        {"department": ages(depts), "manager": ages(managers)},
                        {"department": outlook(depts), "manager": outlook(managers)},
                        per_year, running)

    return CouncilReport(
        snapshot(date(2026, 11, 1), Period(date(2026, 1, 1), date(2026, 11, 1))),
        snapshot(date(2024, 11, 1), Period(date(2024, 1, 1), date(2024, 11, 1))), 2, managers)


# Marks every table (and cell) wider than the body — the printable width of A4 portrait, as the
# stylesheet sets it — so that --dump-dom shows them.
_MARK_OVERFLOW = """<script>
const limit = document.body.getBoundingClientRect().right + 0.5;
const wide = [];
for (const t of document.querySelectorAll('table, svg, td, th')) {
  if (t.getBoundingClientRect().right > limit || t.scrollWidth > t.clientWidth + 1)
    wide.push(t.tagName + ':' + (t.textContent || '').slice(0, 40));
}
document.body.setAttribute('data-overflow', JSON.stringify(wide));
</script></body>"""


def _overflowing(html: str, tmp_path: Path, chromium: str) -> list[str]:
    page = tmp_path / "marked.html"
    page.write_text(html.replace("</body>", _MARK_OVERFLOW), encoding="utf-8")
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,900",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'data-overflow="([^"]*)"', done.stdout)
    assert found, done.stdout[-500:]
    import html as html_lib
    import json

    return json.loads(html_lib.unescape(found.group(1)))


@needs_chromium
@needs_poppler
@pytest.mark.parametrize("lang", ["da", "en"])
def test_prints_on_a4_portrait_without_clipped_columns(tmp_path, monkeypatch, lang):
    monkeypatch.setenv("SENIORCLI_LANG", lang)
    from seniorcli import i18n

    i18n.refresh()
    html = render_council(_wide_report(), "Norddjurs Kommune")
    chromium = find_chromium()
    assert chromium is not None
    assert _overflowing(html, tmp_path, chromium) == []
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(html_to_pdf(html, chromium))
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) > 3
    # A4 portrait: 210 × 297 mm = 595.3 × 841.9 pt, every page.
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in sizes)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    # The last column of each wide table is on the page, with its figures.
    assert "70+" in text and "15-19" in text
    assert text.count("123.456" if lang == "da" else "123,456") > 100
