"""One self-contained HTML file for the works council (Hovedudvalget/MED): inline CSS and SVG
charts, no script, no network access, no external assets; it prints on A4 portrait.

``render_council`` writes the full report (``seniorcli report --output x.html``): coverage, age
profile, retirement outlook and senior agreements, for the whole organisation, per department
and per manager, each beside the previous period. ``render`` writes one of the single reports
(``report coverage|ages|retirements --output x.html``).

Print layout: every table fits the printable width of A4 portrait (186 mm): the wide ones are
split (key figures and age bands apart), transposed (measures as rows) or set in a smaller font,
and ``tests/test_report_html.py`` prints the report with headless Chromium to prove it.

Every text a person reads goes through ``_()``; numbers, shares and dates are written the
Danish way in Danish (1.234; 37,1 %; 1. marts 2026) and the English way in English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from datetime import date
from html import escape

from seniorcli import __version__
from seniorcli.i18n import _, language
from seniorcli.output.columns import Column
from seniorcli.pension import SOURCE as PENSION_SOURCE

#: KL's figure, for comparison (seeds/kl-seniorpartnerskabet-vaerktoejer.txt, 4 September 2023).
KL_SHARE_10_YEARS = 0.2

CSS = """
@page { size: A4 portrait; margin: 14mm 12mm 16mm;
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif;
                  color: #56606b; } }
* { box-sizing: border-box; }
body { font: 10pt/1.4 "Segoe UI", Helvetica, Arial, sans-serif; color: #1d232a; margin: 0 auto;
       max-width: 186mm; padding: 6mm 0; }
@media print { body { max-width: none; padding: 0; } }
h1 { font-size: 18pt; margin: 0 0 1mm; }
h2 { font-size: 13.5pt; margin: 7mm 0 2mm; border-bottom: 1px solid #c8d0d8;
     padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 5mm 0 1mm; break-after: avoid; }
p { margin: 1mm 0 2mm; }
.meta { color: #56606b; margin-bottom: 3mm; }
.note { color: #3d4650; font-size: 8.5pt; break-inside: avoid; }
.legend { font-size: 8.5pt; color: #3d4650; margin: 0 0 2mm; }
.legend i { display: inline-block; width: 3mm; height: 3mm; margin: 0 1mm 0 3mm;
            vertical-align: -0.3mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 8.5pt; }
table.small, .small table { font-size: 7.5pt; }
caption { text-align: left; font-weight: 600; font-size: 9pt; padding: 1mm 0; }
th, td { border-bottom: 1px solid #e1e6eb; padding: 0.9mm 1.1mm; text-align: right;
         vertical-align: top; }
th { background: #f2f5f8; font-weight: 600; vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; }
td.num { white-space: nowrap; }
td.text { text-align: left; color: #3d4650; } th.text { text-align: left; }
th.prev, td.prev { color: #56606b; background: #fafbfc; }
tr { break-inside: avoid; }
tr.total td { font-weight: 700; border-top: 2px solid #8795a1; border-bottom: 2px solid #8795a1; }
.id { color: #7a8591; font-size: 7pt; }
svg { display: block; margin: 1mm 0 2mm; width: 100%; height: auto; break-inside: avoid; }
.kl { border-left: 3px solid #c0392b; padding: 1mm 3mm; background: #fbf3f2;
      break-inside: avoid; }
"""

NOW_COLOUR, PREV_COLOUR, SENIOR_COLOUR = "#2e6da4", "#b8c4cf", "#c0392b"


# Numbers, shares and dates for people ----------------------------------------------------------

def _danish() -> bool:
    return language() == "da"


def _num(v: object) -> str:
    """1.234 (Danish) or 1,234 (English); an age with one decimal (47,5); '–' for none."""
    from seniorcli import fmt

    if v is None:
        return "–"
    if isinstance(v, int | float):
        return fmt.number(v, 1)
    return escape(str(v))


def _share(v: float | None) -> str:
    """37,1 % (Danish) or 37.1% (English); '–' where the share has no divisor."""
    from seniorcli import fmt

    return "–" if v is None else fmt.share(float(v))


def _date(d: date) -> str:
    """1. marts 2026 (Danish) or 1 March 2026 (English)."""
    from seniorcli import fmt

    return fmt.date_long(d)


def _period(p) -> str:
    return f"{_date(p.start)} – {_date(p.end)}"


def _short(d: date) -> str:
    """01-11-2026: a date in a column heading (as in the tables of the other commands)."""
    from seniorcli import fmt

    return fmt.date_short(d)


# Building blocks -------------------------------------------------------------------------------

def _cell(v: object, kind: str = "num", cls: str = "") -> str:
    classes = " ".join(c for c in (kind, cls) if c)
    return f'<td class="{classes}">{v}</td>'


def _grid(headers: list[str], rows: list[list[str]], *, total: list[str] | None = None,
          prev_from: int | None = None, small: bool = False, caption: str = "",
          widths: list[int] | None = None) -> str:
    """A table of already formatted cells (HTML). ``total``: the one total row, marked.
    Columns from ``prev_from`` on hold the previous period's figures (set apart in grey)."""

    texts = {i for i, c in enumerate(rows[0] if rows else []) if c.startswith('<td class="text')}

    def cls(i: int) -> str:
        return ' class="prev"' if prev_from is not None and i >= prev_from else ""

    def head_cls(i: int) -> str:  # a column of text is headed on the left, like its text
        return ' class="text"' if i in texts else cls(i)

    out = [f'<table{" class=small" if small else ""}>']
    if caption:
        out.append(f"<caption>{caption}</caption>")
    if widths:
        out.append("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths)
                   + "</colgroup>")
    out.append("<thead><tr>" + "".join(f"<th{head_cls(i)}>{h}</th>" for i, h in enumerate(headers))
               + "</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(_mark(c, cls(i)) for i, c in enumerate(r)) + "</tr>")
    if total is not None:
        out.append('<tr class="total">' + "".join(_mark(c, cls(i)) for i, c in enumerate(total))
                   + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _mark(cell: str, cls: str) -> str:
    if cls and cell.startswith('<td class="'):
        return cell.replace('<td class="', '<td class="prev ', 1)
    return cell


def _bars(title: str, rows: list[tuple[str, float, float | None]], fmt: Callable[[float], str],
          *, highlight: Callable[[str], bool] = lambda _label: False, label_w: int = 190,
          legend: tuple[str, str] | None = None) -> str:
    """A horizontal bar chart (inline SVG): per row a bar for now and, if given, a thin grey
    bar for the previous period under it."""
    width, bar_h, gap = 720, 13, 7
    with_prev = any(p is not None for _l, _n, p in rows)
    row_h = bar_h + (7 if with_prev else 0) + gap
    top = max([v for _l, n, p in rows for v in (n, p or 0)] + [0]) or 1
    span = width - label_w - 70
    height = len(rows) * row_h + 4
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'font-family="Helvetica, Arial, sans-serif" '
             f'font-size="11"><title>{escape(title)}</title>']
    for i, (label, now, prev) in enumerate(rows):
        y = i * row_h + 2
        w = round(span * now / top)
        colour = SENIOR_COLOUR if highlight(label) else NOW_COLOUR
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end">'
                     f'{escape(_clip(label, 32))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + bar_h - 3}">{fmt(now)}</text>')
        if prev is not None:
            pw = round(span * prev / top)
            parts.append(f'<rect x="{label_w}" y="{y + bar_h + 1}" width="{pw}" height="5" '
                         f'fill="{PREV_COLOUR}"/>')
    parts.append("</svg>")
    key = ""
    if legend is not None and with_prev:
        key = (f'<p class="legend"><i style="background:{NOW_COLOUR}"></i>{legend[0]}'
               f'<i style="background:{PREV_COLOUR}"></i>{legend[1]}</p>')
    return "".join(parts) + key


def _tag(tag: str, text: str) -> str:
    """<tag>text</tag>, the text escaped. (A _() call inside an f-string is not extracted for
    the catalog by Babel on Python 3.11, so texts are translated outside them.)"""
    return f"<{tag}>{escape(text)}</{tag}>"


def _para(text: str, cls: str = "note") -> str:
    """A paragraph of plain text (escaped)."""
    return f'<p class="{cls}">{escape(text)}</p>'


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{CSS}</style></head><body>",
        *body, "</body></html>"])


# The works council's report --------------------------------------------------------------------

class _Groups:
    """Names of groups for people: departments as they are, managers by name (with the id)."""

    def __init__(self, manager_names: dict[str, str]):
        self.names = manager_names

    def label(self, by: str, group: str) -> str:
        if group == "(none)":
            return escape(_("(no department)") if by == "department" else _("(no manager)"))
        if by == "department":
            return escape(group)
        name = self.names.get(group)
        if name is None:
            note = escape(_("(not in the register)"))
            return f'{escape(group)} <span class="id">{note}</span>'
        return f'{escape(name)} <span class="id">{escape(group)}</span>'

    def plain(self, by: str, group: str) -> str:
        """The label as text (for a chart)."""
        if group == "(none)":
            return _("(no department)") if by == "department" else _("(no manager)")
        return group if by == "department" else self.names.get(group, group)

    def order(self, by: str, groups: Iterable[str]) -> list[str]:
        """Departments alphabetically, managers by name; the group without one last."""
        def key(g: str) -> tuple:
            return (g == "(none)", (self.names.get(g, g) if by == "manager" else g).casefold(), g)
        return sorted(groups, key=key)


def _split(rows: list[dict]) -> tuple[dict[str, dict], dict]:
    """Rows by group, and the total row (always the last one)."""
    return {r["group"]: r for r in rows[:-1]}, rows[-1]


def render_council(report, rules_title: str | None) -> str:
    """The works council's report from ``services.reports.council_report``."""
    now, prev = report.now, report.previous
    groups = _Groups(report.manager_names)
    title = _("Senior policy: figures for the works council")
    meta = [_("As of {date}").format(date=_date(now.as_of))]
    if rules_title:
        meta.append(_("Rule set: {title}").format(title=escape(rules_title)))
    if now.period is not None:
        meta.append(_("Coverage period: {period}").format(period=_period(now.period)))
    meta.append(_("Previous period: {period}").format(
        period=_period(prev.period) if prev.period is not None else _date(prev.as_of)))
    body = [f"<h1>{escape(title)}</h1>", f'<p class="meta">{" · ".join(meta)}</p>',
            _previous_note(report)]
    body += _summary(report)
    if now.coverage is not None:
        body += _coverage_section(report, groups)
    else:
        body += [_tag("h2", _("Senior conversations")),
                 _para(_("Coverage is left out: no rule set was chosen (give --rules NAME, "
                         "or store a default with: seniorcli config set rules NAME)."), "")]
    body += _ages_section(report, groups)
    body += _outlook_section(report, groups)
    body += _agreements_section(report, groups)
    body += _about(report, rules_title)
    return _page(title, body)


def _previous_note(report) -> str:
    n = report.years_between
    text = (_("The previous period is the same period two years earlier: the works council "
              "discusses senior policy every second year, so these are the figures of its "
              "previous discussion.") if n == 2 else
            _("The previous period is the same period {n} year(s) earlier.").format(n=n))
    return f'<p class="note">{escape(text)}</p>'


def _pair_row(label: str, now: str, prev: str, meaning: str = "") -> list[str]:
    cells = [f"<td>{label}</td>", _cell(now), _cell(prev, cls="prev")]
    if meaning is not None and meaning != "":
        cells.append(_cell(escape(meaning), "text"))
    return cells


def _summary(report) -> list[str]:
    now, prev = report.now, report.previous
    a_now, a_prev = now.ages["department"][-1], prev.ages["department"][-1]
    o_now, o_prev = now.outlook["department"][-1], prev.outlook["department"][-1]
    g_now, g_prev = now.agreements["type"][-1], prev.agreements["type"][-1]
    rows = [
        _pair_row(escape(_("Employees")), _num(a_now["employees"]), _num(a_prev["employees"])),
        _pair_row(escape(_("Aged 55 or more")), _share(a_now["share_55_plus"]),
                  _share(a_prev["share_55_plus"])),
        _pair_row(escape(_("Reach state pension age within 10 years")),
                  _share(o_now["share_10"]), _share(o_prev["share_10"])),
    ]
    if now.coverage is not None:
        c_now, c_prev = now.coverage["department"][-1], prev.coverage["department"][-1]
        rows += [
            _pair_row(escape(_("Senior conversations held ÷ eligible")),
                      _share(c_now["held_rate"]), _share(c_prev["held_rate"])),
            _pair_row(escape(_("Overdue by more than 90 days on the last day")),
                      _num(c_now["overdue_90"]), _num(c_prev["overdue_90"])),
        ]
    rows.append(_pair_row(escape(_("Senior agreements running")), _num(g_now["running"]),
                          _num(g_prev["running"])))
    heads = [escape(_("Key figures")), _column_date(now), _column_date(prev)]
    return [_tag("h2", _("Summary")),
            _grid(heads, rows, prev_from=2, widths=[56, 22, 22])]


def _column_date(snap) -> str:
    """A column heading for a period's figures: its coverage period, or its date."""
    if snap.period is not None:
        return f"{_short(snap.period.start)} – {_short(snap.period.end)}"
    return _short(snap.as_of)


#: Coverage's measures: (key, heading, what it means). The meanings are coverage()'s
#: definitions (services/reports.py), in words for the reader.
def _coverage_measures() -> list[tuple[str, str, str]]:
    return [
        ("eligible", _("Eligible"),
         _("Should be offered a senior conversation on some day of the period under the rule "
           "set (also those who asked for one), or had a conversation logged in the period.")),
        ("offered", _("Offered"),
         _("Eligible employees invited, or who held or declined a conversation, in the "
           "period.")),
        ("invited", _("Invited"), _("Eligible employees with an invitation logged in the "
                                    "period.")),
        ("held", _("Held"), _("Eligible employees who held a senior conversation in the "
                              "period.")),
        ("declined", _("Declined"), _("Eligible employees who declined the offer in the "
                                      "period.")),
        ("requested", _("Asked for one"), _("Eligible employees who asked for a senior "
                                            "conversation in the period.")),
        ("still_due", _("Still due"),
         _("On the due list on the period's last day, with a due date inside the period.")),
        ("due_before", _("Due from before the period"),
         _("On the due list on the last day, due since before the period began.")),
        ("overdue_90", _("Overdue more than 90 days"),
         _("On the due list on the last day, due more than 90 days before it.")),
        ("never_offered", _("Never offered"),
         _("Employed on the last day, eligible, and never invited, held or declined in their "
           "current employment.")),
        ("held_rate", _("Held ÷ eligible"), _("The share of the eligible who held a senior "
                                              "conversation.")),
        ("declined_rate", _("Declined ÷ offered"), _("The share of those offered who "
                                                     "declined.")),
    ]


_RATES = {"held_rate", "declined_rate"}
#: The coverage columns of the per-department and per-manager tables.
_COVERAGE_GROUP_KEYS = ("eligible", "offered", "held", "declined", "still_due", "due_before",
                        "overdue_90", "held_rate")


def _coverage_section(report, groups: _Groups) -> list[str]:
    now, prev = report.now, report.previous
    measures = _coverage_measures()
    tot_now, tot_prev = now.coverage["department"][-1], prev.coverage["department"][-1]

    def fmt(key: str, row: dict | None) -> str:
        if row is None:
            return "–"
        return _share(row[key]) if key in _RATES else _num(row[key])

    rows = [_pair_row(escape(head), fmt(k, tot_now), fmt(k, tot_prev), meaning)
            for k, head, meaning in measures]
    heads = [escape(_("Senior conversations")), _column_date(now), _column_date(prev),
             escape(_("What the figure means"))]
    out = [_tag("h2", _("Senior conversations: were they offered?")),
           _para(_("Each figure counts employees, once each, in their current employment. "
                   "Only what was logged up to the last day of the period counts, so a "
                   "period's figures do not change when more is logged later.")),
           _grid(heads, rows, prev_from=2, widths=[21, 11, 11, 57])]
    if not (tot_prev["offered"] or tot_prev["requested"]):
        out.append('<p class="note">' + escape(_(
            "No senior conversation was logged in the previous period (the register may not "
            "have been in use then): its figures show who should have been offered one, not "
            "what was done.")) + "</p>")
    heading = {k: h for k, h, _m in measures}
    by_dept, total_dept = _split(now.coverage["department"])
    prev_dept, _t = _split(prev.coverage["department"])
    chart_rows = [(groups.plain("department", g),
                   by_dept[g]["held_rate"] or 0.0,
                   (prev_dept[g]["held_rate"] or 0.0) if g in prev_dept else None)
                  for g in groups.order("department", by_dept)]
    chart_rows.append((_("All"), total_dept["held_rate"] or 0.0, tot_prev["held_rate"] or 0.0))
    out += [_tag("h3", _("Held ÷ eligible, per department")),
            _bars(_("Held ÷ eligible, per department"), chart_rows, _share,
                  legend=(escape(_("this period")), escape(_("previous period"))))]
    for by, title in (("department", _("Per department")), ("manager", _("Per manager"))):
        out.append(f"<h3>{escape(title)}</h3>")
        out.append(_coverage_group_table(by, now.coverage[by], prev.coverage[by], heading,
                                         groups))
    return out


def _coverage_group_table(by: str, rows: list[dict], prev_rows: list[dict],
                          heading: dict[str, str], groups: _Groups) -> str:
    per, total = _split(rows)
    prev_per, prev_total = _split(prev_rows)
    first = _("Department") if by == "department" else _("Manager")
    heads = [escape(first), *(escape(heading[k]) for k in _COVERAGE_GROUP_KEYS),
             escape(_("Held ÷ eligible, previous period"))]

    def line(label: str, r: dict, p: dict | None) -> list[str]:
        cells = [f"<td>{label}</td>"]
        cells += [_cell(_share(r[k]) if k in _RATES else _num(r[k])) for k in _COVERAGE_GROUP_KEYS]
        cells.append(_cell(_share(p["held_rate"]) if p else "–"))
        return cells

    body = [line(groups.label(by, g), per[g], prev_per.get(g)) for g in groups.order(by, per)]
    return _grid(heads, body, total=line(escape(_("Total")), total, prev_total),
                 prev_from=len(heads) - 1, widths=[28, 8, 8, 8, 8, 8, 8, 8, 8, 8])


def _ages_section(report, groups: _Groups) -> list[str]:
    from seniorcli.pension import BAND_LABELS

    now, prev = report.now, report.previous
    t_now, t_prev = now.ages["department"][-1], prev.ages["department"][-1]
    out = [_tag("h2", _("Age profile")),
           "<p>" + escape(_(
               "{employees} employees on {date}; {share_55} are 55 or older and {share_60} are "
               "60 or older; the median age is {median} (half are younger, half older).")
               .format(employees=_num(t_now["employees"]), date=_date(now.as_of),
                       share_55=_share(t_now["share_55_plus"]),
                       share_60=_share(t_now["share_60_plus"]), median=_num(t_now["median_age"]))
           ) + " " + escape(_("On {date}: {share_55} were 55 or older.").format(
               date=_date(prev.as_of), share_55=_share(t_prev["share_55_plus"]))) + "</p>",
           _bars(_("Employees per age band"),
                 [(b, t_now[b], t_prev[b]) for b in BAND_LABELS], _num,
                 highlight=lambda b: b[:2].isdigit() and int(b[:2]) >= 55, label_w=70,
                 legend=(escape(_("on {date}").format(date=_date(now.as_of))),
                         escape(_("on {date}").format(date=_date(prev.as_of))))),
           _para(_("Age in completed years on the day. Red bars: aged 55 or more, the age "
                   "at which most municipalities offer senior conversations. Grey: the "
                   "previous period."), "legend")]
    # The whole organisation per band, transposed: one band a row.
    rows = [[f"<td>{escape(b)}</td>", _cell(_num(t_now[b])),
             _cell(_share(t_now[b] / t_now["employees"] if t_now["employees"] else None)),
             _cell(_num(t_prev[b])),
             _cell(_share(t_prev[b] / t_prev["employees"] if t_prev["employees"] else None))]
            for b in BAND_LABELS]
    heads = [escape(_("Age")), escape(_("Employees")), escape(_("Share")),
             escape(_("Employees")) + "<br>" + _short(prev.as_of),
             escape(_("Share")) + "<br>" + _short(prev.as_of)]
    out.append(_grid(heads, rows, prev_from=3,
                     total=[_tag("td", _("Total")), _cell(_num(t_now["employees"])),
                            _cell(_share(1.0 if t_now["employees"] else None)),
                            _cell(_num(t_prev["employees"])),
                            _cell(_share(1.0 if t_prev["employees"] else None))],
                     widths=[20, 20, 20, 20, 20]))
    for by, title in (("department", _("Per department")), ("manager", _("Per manager"))):
        out += [f"<h3>{escape(title)}</h3>", _ages_key_table(by, now, prev, groups)]
        if by == "department":
            out += [_tag("h3", _("Employees per age band, per department")),
                    _bands_table(now.ages[by], groups)]
    return out


def _ages_key_table(by: str, now, prev, groups: _Groups) -> str:
    per, total = _split(now.ages[by])
    prev_per, prev_total = _split(prev.ages[by])
    first = _("Department") if by == "department" else _("Manager")
    heads = [escape(first), escape(_("Employees")), escape(_("Median age")),
             escape(_("Aged 55+")), escape(_("Aged 60+")),
             escape(_("Aged 55+")) + "<br>" + _short(prev.as_of)]

    def line(label: str, r: dict, p: dict | None) -> list[str]:
        return [f"<td>{label}</td>", _cell(_num(r["employees"])), _cell(_num(r["median_age"])),
                _cell(_share(r["share_55_plus"])), _cell(_share(r["share_60_plus"])),
                _cell(_share(p["share_55_plus"]) if p else "–")]

    body = [line(groups.label(by, g), per[g], prev_per.get(g)) for g in groups.order(by, per)]
    return _grid(heads, body, total=line(escape(_("Total")), total, prev_total), prev_from=5,
                 widths=[40, 12, 12, 12, 12, 12])


def _bands_table(rows: list[dict], groups: _Groups) -> str:
    from seniorcli.pension import BAND_LABELS

    per, total = _split(rows)
    heads = [escape(_("Department")), *(escape(b) for b in BAND_LABELS)]

    def line(label: str, r: dict) -> list[str]:
        return [f"<td>{label}</td>", *(_cell(_num(r[b])) for b in BAND_LABELS)]

    body = [line(groups.label("department", g), per[g]) for g in groups.order("department", per)]
    return _grid(heads, body, total=line(escape(_("Total")), total), small=True,
                 widths=[28] + [6] * len(BAND_LABELS))


def _outlook_section(report, groups: _Groups) -> list[str]:
    from seniorcli.dates import add_months, day_before

    now, prev = report.now, report.previous
    t_now, t_prev = now.outlook["department"][-1], prev.outlook["department"][-1]
    until5 = day_before(add_months(now.as_of, 60))
    until10 = day_before(add_months(now.as_of, 120))
    out = [_tag("h2", _("Retirement outlook: state pension age")),
           "<p>" + escape(_(
               "Of the {staff} employees on {date}, {n5} ({share5}) reach state pension age "
               "within 5 years (by {until5}) and {n10} ({share10}) within 10 years (by "
               "{until10}). {already} ({share_already}) have already reached it.").format(
               staff=_num(t_now["staff"]), date=_date(now.as_of), n5=_num(t_now["within_5"]),
               share5=_share(t_now["share_5"]), until5=_date(until5),
               n10=_num(t_now["within_10"]), share10=_share(t_now["share_10"]),
               until10=_date(until10), already=_num(t_now["already"]),
               share_already=_share(t_now["share_already"]))) + "</p>",
           '<p class="kl">' + escape(_(
               "KL: almost one in five municipal employees will retire within the next 10 "
               "years for age alone (Seniorpartnerskabet, 2023). Here: {share10} reach state "
               "pension age within 10 years ({compare}).").format(
               share10=_share(t_now["share_10"]),
               compare=_kl_compare(t_now["share_10"]))) + "</p>"]
    years = [r for r in now.per_year if r["year"] != "already"]
    out += [_tag("h3", _("Employees reaching state pension age, per calendar year")),
            _bars(_("Employees reaching state pension age, per calendar year"),
                  [(str(r["year"]), r["reaching"], None) for r in years], _num, label_w=70),
            _para(_("Today's employees, by the year they reach state pension age; the first "
                    "year counts from {date}.").format(date=_date(now.as_of)), "legend")]
    rows = [_pair_row(escape(label), f"{_num(t_now[n])} ({_share(t_now[s])})",
                      f"{_num(t_prev[n])} ({_share(t_prev[s])})")
            for label, n, s in ((_("Already at or past state pension age"), "already",
                                 "share_already"),
                                (_("Reach it within 5 years"), "within_5", "share_5"),
                                (_("Reach it within 10 years"), "within_10", "share_10"))]
    out.append(_grid([escape(_("Employees")), _short(now.as_of), _short(prev.as_of)], rows,
                     prev_from=2, total=_pair_row(escape(_("Employees in all")),
                                                  _num(t_now["staff"]), _num(t_prev["staff"])),
                     widths=[50, 25, 25]))
    for by, title in (("department", _("Per department")), ("manager", _("Per manager"))):
        out += [f"<h3>{escape(title)}</h3>", _outlook_table(by, now, prev, groups)]
    return out


def _kl_compare(share: float | None) -> str:
    if share is None:
        return _("no employees")
    if share >= KL_SHARE_10_YEARS * 1.1:
        return _("above KL's national figure")
    if share <= KL_SHARE_10_YEARS * 0.9:
        return _("below KL's national figure")
    return _("close to KL's national figure")


def _outlook_table(by: str, now, prev, groups: _Groups) -> str:
    per, total = _split(now.outlook[by])
    prev_per, prev_total = _split(prev.outlook[by])
    first = _("Department") if by == "department" else _("Manager")
    heads = [escape(first), escape(_("Employees")), escape(_("Already reached")),
             escape(_("Within 5 years")), escape(_("Share")), escape(_("Within 10 years")),
             escape(_("Share")), escape(_("Within 10 years")) + "<br>" + _short(prev.as_of)]

    def line(label: str, r: dict, p: dict | None) -> list[str]:
        return [f"<td>{label}</td>", _cell(_num(r["staff"])), _cell(_num(r["already"])),
                _cell(_num(r["within_5"])), _cell(_share(r["share_5"])),
                _cell(_num(r["within_10"])), _cell(_share(r["share_10"])),
                _cell(_share(p["share_10"]) if p else "–")]

    body = [line(groups.label(by, g), per[g], prev_per.get(g)) for g in groups.order(by, per)]
    return _grid(heads, body, total=line(escape(_("Total")), total, prev_total), prev_from=7,
                 widths=[30, 10, 10, 10, 10, 10, 10, 10])


def _agreements_section(report, groups: _Groups) -> list[str]:
    from seniorcli.agreements import BY_KEY

    now, prev = report.now, report.previous
    per, total = _split(now.agreements["type"])
    prev_per, prev_total = _split(prev.agreements["type"])
    out = [_tag("h2", _("Senior agreements running")),
           _para(_("Senior agreements (seniorordninger) running on the day: started on or "
                   "before it and not ended before it (open-ended ones included, withdrawn "
                   "ones left out), as seniorcli agreement list --active-on shows them. An "
                   "employee with two agreements counts twice."))]
    if not (total["running"] or prev_total["running"]):
        out.append("<p>" + escape(_("No senior agreement was running on {date} or on {prev}.")
                                  .format(date=_date(now.as_of), prev=_date(prev.as_of)))
                   + "</p>")
        return out
    kinds = [k for k in per if per[k]["running"] or prev_per[k]["running"]]

    def type_name(key: str) -> str:
        t = BY_KEY.get(key)
        return t.name() if t is not None else key

    out.append(_bars(_("Senior agreements running, per type"),
                     [(type_name(k), per[k]["running"], prev_per[k]["running"]) for k in kinds],
                     _num, legend=(escape(_("on {date}").format(date=_date(now.as_of))),
                                   escape(_("on {date}").format(date=_date(prev.as_of))))))
    rows = [_pair_row(f'{escape(type_name(k))} <span class="id">{escape(k)}</span>',
                      _num(per[k]["running"]), _num(prev_per[k]["running"])) for k in kinds]
    out.append(_grid([escape(_("Type")), _short(now.as_of), _short(prev.as_of)], rows,
                     prev_from=2, total=_pair_row(escape(_("Total")), _num(total["running"]),
                                                  _num(prev_total["running"])),
                     widths=[60, 20, 20]))
    for by, title in (("department", _("Per department")), ("manager", _("Per manager"))):
        g_now, g_total = _split(now.agreements[by])
        g_prev, g_prev_total = _split(prev.agreements[by])
        names = groups.order(by, set(g_now) | set(g_prev))
        first = _("Department") if by == "department" else _("Manager")
        rows = [_pair_row(groups.label(by, g), _num(g_now[g]["running"] if g in g_now else 0),
                          _num(g_prev[g]["running"] if g in g_prev else 0)) for g in names]
        out += [f"<h3>{escape(title)}</h3>",
                _grid([escape(first), _short(now.as_of), _short(prev.as_of)], rows, prev_from=2,
                      total=_pair_row(escape(_("Total")), _num(g_total["running"]),
                                      _num(g_prev_total["running"])), widths=[60, 20, 20])]
    return out


def _about(report, rules_title: str | None) -> list[str]:
    lines = [
        _("Staff on a day: hired on or before it and not left before it. The previous period's "
          "figures are worked out from today's register in the same way, so employees deleted "
          "since (seniorcli purge) are not in them, and everyone is counted under today's "
          "department and manager."),
        _("Managers are named by the roster: a manager id is an employee id."),
        _("State pension age by birth date: {source}; 65 for those born before 1954, rising to "
          "70 for those born in 1971 or later.").format(source=PENSION_SOURCE),
        _("KL's figure: KL and Forhandlingsfællesskabet, Seniorpartnerskabet, 4 September 2023: "
          "more than one in four municipal employees is over 55, and almost one in five will "
          "retire within the next 10 years for age alone."),
    ]
    if rules_title:
        lines.insert(0, _("Senior conversations are counted under the rule set {title}: "
                          "seniorcli rules show gives its definition and sources.")
                     .format(title=rules_title))
    lines.append(_("Made by seniorcli {version}.").format(version=__version__))
    return [_tag("h2", _("About the figures")),
            *(f'<p class="note">{escape(line)}</p>' for line in lines)]


# One report (report coverage|ages|retirements --output x.html) ---------------------------------

def _table(rows: list[dict], columns: list[Column], pct: Set[str] = frozenset(), *,
           caption: str = "", with_total: bool = True) -> str:
    """The rows of a single report; when there are groups, the last row is the one total,
    marked."""
    heads = [escape(c.header) for c in columns]

    def line(r: dict) -> list[str]:
        cells = []
        for i, c in enumerate(columns):
            v = r.get(c.key)
            if c.key in pct:
                cells.append(_cell(_share(v)))
            elif c.kind == "number":
                cells.append(_cell(_num(v)))
            else:
                text = {"Total": _("Total"), "already": _("already")}.get(str(v), str(v))
                cells.append(f"<td>{escape(text)}</td>" if i == 0 else _cell(escape(text)))
        return cells

    if with_total and len(rows) > 1 and rows[-1].get("group") == "Total":
        return _grid(heads, [line(r) for r in rows[:-1]], total=line(rows[-1]), caption=caption)
    return _grid(heads, [line(r) for r in rows], caption=caption)


def render(sections: dict, as_of: str, rules_title: str | None, period: str | None) -> str:
    """``sections``: any of 'coverage', 'ages', 'retirements' → (rows, columns, pct keys)."""
    title = _("Senior policy report")
    meta = [_("As of {date}").format(date=_date(date.fromisoformat(as_of)))]
    if rules_title:
        meta.append(_("Rule set: {title}").format(title=escape(rules_title)))
    if period:
        meta.append(_("Coverage period: {period}").format(period=escape(period)))
    body = [f"<h1>{escape(title)}</h1>", f'<p class="meta">{" · ".join(meta)}</p>']
    if "ages" in sections:
        rows, cols, pct = sections["ages"]
        # One row a group: the 5-year bands as rows would not fit A4 side by side.
        keys = [c for c in cols if not c.key[:1].isdigit()]
        bands = [c for c in cols if c.key[:1].isdigit()]
        body += [_tag("h2", _("Age profile")), _table(rows, keys, pct),
                 _bars(_("Employees per age band"),
                       [(c.key, rows[-1][c.key], None) for c in bands], _num, label_w=70,
                       highlight=lambda b: b[:2].isdigit() and int(b[:2]) >= 55),
                 '<div class="small">', _table(rows, [cols[0], *bands]), "</div>"]
    if "retirements" in sections:
        rows, cols, pct = sections["retirements"]
        body.append(_tag("h2", _("Retirement outlook: state pension age")))
        # One table a group (the years as rows), so that no total is repeated in a table.
        names = list(dict.fromkeys(r["group"] for r in rows))
        for name in names:
            mine = [r for r in rows if r["group"] == name]
            caption = "" if len(names) == 1 else escape(
                _("Total") if name == "Total" else str(name))
            body.append(_table(mine, [c for c in cols if c.key != "group"], pct,
                               caption=caption, with_total=False))
        body.append('<p class="note">' + escape(_(
            "State pension age: {source}. The row {already}: at or past it on the day.")
            .format(source=PENSION_SOURCE, already=_("already"))) + "</p>")
    if "coverage" in sections:
        rows, cols, pct = sections["coverage"]
        body += [_tag("h2", _("Senior conversations: were they offered?")),
                 '<div class="small">', _table(rows, cols, pct), "</div>"]
        body += [f'<p class="note"><b>{escape(h)}</b>: {escape(m)}</p>'
                 for _k, h, m in _coverage_measures()]
    return _page(title, body)


# PDF, printed by headless Chromium -------------------------------------------------------------

CHROMIUM_ENV = "SENIORCLI_CHROMIUM"
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                   "chrome", "msedge")


def find_chromium() -> str | None:
    """The browser that prints the PDF: ``SENIORCLI_CHROMIUM``, else Chromium or Chrome on
    the PATH."""
    import os
    import shutil

    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        return shutil.which(named) or (named if os.path.isfile(named) else None)
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def no_pdf_printer():
    """The refusal when no browser can print the PDF (exit 1)."""
    from seniorcli.errors import SeniorError

    return SeniorError(
        _("cannot write a PDF: no Chromium or Chrome found (looked on the PATH and in "
          "{var})").format(var=CHROMIUM_ENV),
        hint=_("write the report as HTML (--output report.html), open it in a browser and "
               "print it to PDF on A4; or install Chromium, or name it with {var}=/path/to/"
               "chromium").format(var=CHROMIUM_ENV))


def html_to_pdf(html: str, chromium: str, timeout: float = 120) -> bytes:
    """Print ``html`` to an A4 PDF with headless Chromium, in a private temporary folder (the
    page has no script and loads nothing: it is self-contained)."""
    import subprocess
    import tempfile
    from pathlib import Path

    from seniorcli.errors import SeniorError

    with tempfile.TemporaryDirectory(prefix="seniorcli-pdf-") as tmp:
        page, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", f"--user-data-dir={Path(tmp) / 'profile'}",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SeniorError(_("{browser} could not print the PDF: {error}").format(
                browser=chromium, error=e), hint=_("write the report as HTML (--output "
                "report.html) and print it from a browser")) from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            last = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
            raise SeniorError(_("{browser} could not print the PDF (exit code {code}): "
                                "{error}").format(browser=chromium, code=done.returncode,
                                                  error=last),
                              hint=_("write the report as HTML (--output report.html) and "
                                     "print it from a browser"))
        return pdf.read_bytes()
