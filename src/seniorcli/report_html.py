"""One self-contained HTML file for the works council: inline CSS and SVG charts, no network
access, no external assets, printable on A4. Headings are in English throughout."""

from __future__ import annotations

from collections.abc import Set
from html import escape

from seniorcli import __version__
from seniorcli.output import Column
from seniorcli.pension import SOURCE as PENSION_SOURCE

CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font: 10.5pt/1.4 "Segoe UI", Helvetica, Arial, sans-serif; color: #1d232a; margin: 0 auto;
       max-width: 182mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 8mm 0 2mm;
     border-bottom: 1px solid #c8d0d8; padding-bottom: 1mm; page-break-after: avoid; }
.meta { color: #56606b; margin-bottom: 4mm; } .note { color: #56606b; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 9pt;
        page-break-inside: avoid; }
th, td { border-bottom: 1px solid #e1e6eb; padding: 1.2mm 1.3mm; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f5f8; font-weight: 600; } tr.total td { font-weight: 700;
     border-top: 2px solid #8795a1; }
section { page-break-inside: avoid; } svg { display: block; margin: 2mm 0; }
.kpi { display: inline-block; margin-right: 8mm; } .kpi b { font-size: 15pt; display: block; }
"""


def _pct(v: float | None) -> str:
    return "" if v is None else f"{float(v) * 100:.1f}\u00a0%"


def _cell(v: object) -> str:
    return "" if v is None else escape(str(v))


def _table(rows: list[dict], columns: list[Column], pct: Set[str] = frozenset()) -> str:
    head = "".join(f"<th>{escape(c.header)}</th>" for c in columns)
    body = []
    several_groups = len({r.get("group") for r in rows}) > 1
    for r in rows:
        cls = ' class="total"' if several_groups and r.get("group") == "Total" else ""
        cells = "".join(
            f"<td>{_pct(r.get(c.key)) if c.key in pct else _cell(r.get(c.key))}</td>"
            for c in columns)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _bars(labels: list[str], values: list[int], title: str, highlight_from: int | None = None,
          width: int = 640, bar_h: int = 16) -> str:
    """A horizontal bar chart as inline SVG."""
    top = max(values) if values and max(values) > 0 else 1
    label_w, gap = 70, 4
    height = len(labels) * (bar_h + gap) + 24
    parts = [f'<svg width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>']
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = i * (bar_h + gap) + 4
        w = round((width - label_w - 60) * v / top)
        colour = "#c0392b" if highlight_from is not None and i >= highlight_from else "#2e6da4"
        parts.append(f'<text x="0" y="{y + bar_h - 4}" font-size="11">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + bar_h - 4}" font-size="11">{v}'
                     '</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(sections: dict, as_of: str, rules_title: str | None, period: str | None) -> str:
    """``sections``: any of 'coverage', 'ages', 'retirements' → (rows, columns, pct keys)."""
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Senior policy report</title>", f"<style>{CSS}</style></head><body>",
        "<h1>Senior policy report</h1>",
        f'<p class="meta">As of {escape(as_of)}'
        + (f" · Rule set: {escape(rules_title)}" if rules_title else "")
        + (f" · Coverage period: {escape(period)}" if period else "")
        + f" · seniorcli {escape(__version__)}</p>",
    ]
    if "ages" in sections:
        rows, cols, pct = sections["ages"]
        total = rows[-1]
        band_cols = [c.key for c in cols if c.key[0].isdigit()]
        out += [
            "<section><h2>Age profile</h2>",
            f'<p><span class="kpi"><b>{total["employees"]}</b>employees</span>'
            f'<span class="kpi"><b>{_pct(total["share_55_plus"])}</b>aged 55 or more</span>'
            f'<span class="kpi"><b>{_pct(total["share_60_plus"])}</b>aged 60 or more</span>'
            f'<span class="kpi"><b>{_cell(total["median_age"])}</b>median age</span></p>',
            _bars(band_cols, [int(total[k]) for k in band_cols], "Employees by age band",
                  highlight_from=band_cols.index("55-59")),
            _table(rows, cols, pct), "</section>",
        ]
    if "retirements" in sections:
        rows, cols, pct = sections["retirements"]
        totals = [r for r in rows if r["group"] == "Total" and r["year"] != "already"]
        last = totals[-1] if totals else None
        out += [
            "<section><h2>Retirement outlook (state pension age)</h2>",
            (f'<p><span class="kpi"><b>{_pct(last["cumulative_share"])}</b>of today\'s staff '
             f'reach state pension age by the end of {last["year"]}</span></p>' if last else ""),
            _bars([str(r["year"]) for r in totals], [int(r["reaching"]) for r in totals],
                  "Employees reaching state pension age per year"),
            _table(rows, cols, pct),
            f'<p class="note">State pension age: {escape(PENSION_SOURCE)}; born before 1954: '
            "65 … born 1971 or later: 70. Year 'already': at or past it on the as-of date.</p>",
            "</section>",
        ]
    if "coverage" in sections:
        rows, cols, pct = sections["coverage"]
        out += ["<section><h2>Senior conversations: coverage</h2>", _table(rows, cols, pct),
                '<p class="note">Eligible: due for an offer on some day of the period, '
                "whatever their age (a request counts), or with an outcome logged in it. Held "
                "rate = held ÷ eligible; declined rate = declined ÷ offered (invited, held or "
                "declined). Still due: on the due list on the period's last day, with a due "
                "date inside the period; due from before: on it with an earlier due date. "
                "Overdue: due more than 90 days before the last day. Only what was logged up "
                "to the last day counts.</p></section>"]
    out.append("</body></html>")
    return "\n".join(out)
