"""``report``, ``report coverage``, ``report ages``, ``report retirements``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    ExcelOpt,
    ExportFormatOpt,
    OutputOpt,
    RulesFileOpt,
    RulesOpt,
    manager_label,
    open_db,
    output_format,
    parse_day_option,
    resolve_rules,
    say,
    today,
    warn,
)
from seniorcli.fmt import date_short
from seniorcli.i18n import N_, _

report_app = typer.Typer(
    help=_("Figures for HR and the works council: coverage, age profile, retirement outlook."),
    invoke_without_command=True,
)


class By(StrEnum):
    department = "department"
    manager = "manager"


class ByDepartment(StrEnum):
    department = "department"


#: The total row's group, as people read it (csv/json keep "Total").
GROUP_WORDS = {"Total": N_("Total"), "(none)": N_("(none)")}

#: What each coverage figure means, printed under the table (services/reports.py defines them).
COVERAGE_MEANINGS = (
    ("eligible", N_("due for an offer on some day of the period, whatever their age (a request "
                    "counts), or with an outcome logged in it, in their current employment")),
    ("offered", N_("eligible and invited, held or declined in the period")),
    ("still_due", N_("on the due list on the period's last day, with a due date inside the "
                     "period")),
    ("due_before", N_("on that list with a due date before the period")),
    ("overdue_90", N_("on that list, due more than 90 days before the last day")),
    ("never_offered", N_("staff on the last day, eligible, and never invited, held or declined "
                         "in their current employment")),
    ("held_rate", N_("held ÷ eligible; declined ÷ offered likewise")),
)


def _coverage_meanings() -> str:
    headers = {c.key: c.header for c in _coverage_columns()}
    import shutil
    import textwrap

    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    lines = [f"{headers[key]}: {_(meaning)}." for key, meaning in COVERAGE_MEANINGS]
    lines.append(_("Only what was logged up to the period's last day counts."))
    return "\n".join(textwrap.fill(line, width, subsequent_indent="  ") for line in lines)


def _coverage_columns():
    from seniorcli.output import Column

    return [Column("group", _("Group"), words=GROUP_WORDS),
            Column("eligible", _("Eligible"), "number"),
            Column("invited", _("Invited"), "number", drop_order=4),
            Column("held", _("Held"), "number"),
            Column("declined", _("Declined"), "number"),
            Column("requested", _("Requested"), "number", drop_order=5),
            Column("offered", _("Offered"), "number"),
            Column("still_due", _("Still due"), "number"),
            Column("due_before", _("Due earlier"), "number", drop_order=4),
            Column("overdue_90", _("Overdue >90 d"), "number", drop_order=1),
            Column("never_offered", _("Never offered"), "number", drop_order=3),
            Column("held_rate", _("Held ÷ eligible"), "share"),
            Column("declined_rate", _("Declined ÷ offered"), "share", drop_order=2)]


def _ages_columns():
    from seniorcli.output import Column
    from seniorcli.services.reports import BAND_LABELS

    return [Column("group", _("Group"), words=GROUP_WORDS),
            Column("employees", _("Employees"), "number"),
            Column("median_age", _("Median age"), "number"),
            Column("share_55_plus", "55+", "share"), Column("share_60_plus", "60+", "share"),
            # a narrow terminal leaves out the youngest bands first
            *[Column(b, b, "number", drop_order=len(BAND_LABELS) - i)
              for i, b in enumerate(BAND_LABELS)]]


def _retirement_columns():
    from seniorcli.output import Column

    return [Column("group", _("Group"), words=GROUP_WORDS),
            Column("year", _("Year"), "id", words={"already": N_("already")}),
            Column("reaching", _("Reach pension age"), "number"),
            Column("cumulative", _("Cumulative"), "number"),
            Column("cumulative_share", _("Share of today's staff"), "share"),
            Column("staff", _("Staff today"), "number")]


PCT = {"held_rate", "declined_rate", "share_55_plus", "share_60_plus", "cumulative_share"}


def _period(year: int | None, start: date | None, end: date | None, as_of: date):
    from seniorcli.services.reports import Period

    if year is not None and (start or end):
        raise typer.BadParameter(_("give --year or --from/--to, not both"), param_hint="--year")
    if year is not None:
        return Period(date(year, 1, 1), date(year, 12, 31))
    if start or end:
        if not (start and end):
            raise typer.BadParameter(_("give both --from and --to"), param_hint="--from")
        if end < start:
            raise typer.BadParameter(_("--to {end} is before --from {start}")
                .format(end=end, start=start), param_hint="--to")
        return Period(start, end)
    return Period(date(as_of.year, 1, 1), as_of)


def _emit(rows, columns, fmt, output, title, excel=False, footer=None):
    from seniorcli.output import emit

    # Shares are fractions in every format; a table shows them as percentages (Column kind
    # "share": 37,1 %).
    emit(rows, columns, fmt, output, title=title, excel=excel, footer=footer)


def _html(output: Path, sections: dict, as_of: date, rules_title=None, period=None) -> None:
    from seniorcli.files import private_file
    from seniorcli.output.html import render

    with private_file(output, "w", encoding="utf-8") as f:
        f.write(render(sections, as_of.isoformat(), rules_title, str(period) if period else None))
    say(_("Wrote {output}").format(output=output))


@report_app.callback()
def overview(
    ctx: typer.Context,
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    year: Annotated[int | None, typer.Option(
        "--year", min=1900, max=2200, help=_("Coverage for this calendar year."))] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE.html|FILE.pdf",
        help=_("Write the works council's report: one self-contained HTML file, or a PDF "
               "(printed by Chromium, when installed)."))] = None,
    previous: Annotated[int, typer.Option(
        "--previous", min=1, max=20, metavar="YEARS",
        help=_("The report sets each figure beside the same period this many years earlier "
               "(default 2: the works council discusses senior policy every second year)."))
    ] = 2,
) -> None:
    """A one-screen overview of coverage, age profile and retirement outlook; with --output,
    the works council's report: per department and per manager, beside the previous period,
    with the senior agreements running.

    Without a rule set (--rules or `config set rules`) coverage is left out.

    Example: seniorcli report --rules albertslund --output report.html
    """
    if ctx.invoked_subcommand is not None:
        return
    from seniorcli.services import reports

    chromium = None
    if output is not None:
        ending = output.suffix.lower()
        if ending not in (".html", ".htm", ".pdf"):
            raise typer.BadParameter(_("the report is written as HTML or PDF: use --output "
                                       "FILE.html or FILE.pdf"), param_hint="--output")
        from seniorcli.files import check_target

        check_target(output)  # the database, a folder, …: refused before any work
        if ending == ".pdf":
            from seniorcli.output.html import find_chromium, no_pdf_printer

            chromium = find_chromium()
            if chromium is None:
                raise no_pdf_printer()
    conn = open_db(must_exist=True)
    day = as_of or today()
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    if rule_set is None and output is not None:
        warn(_("no rule set chosen, so {name} leaves out coverage; give --rules NAME or "
             "store a default with `seniorcli config set rules NAME`").format(name=output.name))
    period = _period(year, None, None, day) if rule_set is not None else None
    if output is not None:
        _council(output, reports.council_report(conn, rule_set, day, period, previous),
                 rule_set.title if rule_set else None, chromium)
        return
    sections = {}
    if rule_set is not None and period is not None:
        sections["coverage"] = (reports.coverage(conn, rule_set, period), _coverage_columns(),
                                PCT)
    sections["ages"] = (reports.ages(conn, day), _ages_columns(), PCT)
    sections["retirements"] = (reports.retirements(conn, day), _retirement_columns(), PCT)
    _print_overview(sections, day, rule_set, period)


def _council(output: Path, report, rules_title: str | None, chromium: str | None) -> None:
    """Write the works council's report as HTML, or as a PDF printed by ``chromium``."""
    from seniorcli.files import private_file
    from seniorcli.output.html import html_to_pdf, render_council

    html = render_council(report, rules_title)
    if chromium is not None:
        data = html_to_pdf(html, chromium)
        with private_file(output, "wb") as f:
            f.write(data)
    else:
        with private_file(output, "w", encoding="utf-8") as f:
            f.write(html)
    say(_("Wrote {output}").format(output=output))


def _print_overview(sections, day, rule_set, period) -> None:
    from rich.console import Console

    console = Console()
    console.print(_("[bold]Senior policy overview[/bold] — as of {day}").format(day=day))
    ages = sections["ages"][0][-1]
    console.print(
        _("Employees: {employees}; aged 55+: {share_55_plus}; aged 60+: "
        "{share_60_plus}; median age {median_age}.")
            .format(employees=ages['employees'], share_55_plus=_p(ages['share_55_plus']),
                    share_60_plus=_p(ages['share_60_plus']), median_age=ages['median_age']),
                    highlight=False)
    _age_chart(console, ages)
    retire = [r for r in sections["retirements"][0] if r["group"] == "Total"]
    last = retire[-1]
    console.print(
        _("Retirement outlook: {reaching} already at state pension age; "
        "{cumulative} ({cumulative_share}) of today's staff reach it by the "
        "end of {year}.")
            .format(reaching=retire[0]['reaching'], cumulative=last['cumulative'],
                    cumulative_share=_p(last['cumulative_share']), year=last['year']),
                    highlight=False)
    if "coverage" in sections:
        c = sections["coverage"][0][-1]
        console.print(
            _("Coverage {period} under {name}: {eligible} eligible, {held} held"
            " ({held_rate}), {declined} declined, {still_due} still due "
            "(and {due_before} due since before the period), {overdue_90} overdue "
            "by more than 90 days, {never_offered} never offered.")
                .format(period=period, name=rule_set.name, eligible=c['eligible'], held=c['held'],
                        held_rate=_p(c['held_rate']), declined=c['declined'],
                        still_due=c['still_due'],
                        due_before=c['due_before'], overdue_90=c['overdue_90'],
                        never_offered=c['never_offered']),
                        highlight=False)
    else:
        console.print(_("Coverage: choose a rule set (--rules NAME) to include it."))


def _p(v) -> str:
    return "–" if v is None else f"{v * 100:.1f} %"


def _age_chart(console, row: dict) -> None:
    from rich.table import Table

    from seniorcli.services.reports import BAND_LABELS

    top = max([row[b] for b in BAND_LABELS] + [1])
    t = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    t.add_column("Age")
    t.add_column("Employees", justify="right")
    t.add_column("")
    for b in BAND_LABELS:
        n = row[b]
        colour = "red" if b[0].isdigit() and int(b[:2]) >= 55 else "blue"
        t.add_row(b, str(n), f"[{colour}]" + "█" * round(40 * n / top) + f"[/{colour}]")
    console.print(t)


@report_app.command("coverage")
def coverage(
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    year: Annotated[int | None, typer.Option("--year", min=1900, max=2200,
                                             help=_("A calendar year."))] = None,
    start: Annotated[date | None, typer.Option(
        "--from", parser=parse_day_option, metavar="DATE", help=_("First day of the period."))
    ] = None,
    end: Annotated[date | None, typer.Option(
        "--to", parser=parse_day_option, metavar="DATE", help=_("Last day of the period."))
    ] = None,
    by: Annotated[By | None, typer.Option("--by", help=_("One row per department or manager."))
                  ] = None,
    as_of: AsOf = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Were seniors offered their conversations? Eligible, invited, held, declined, requested,
    still due, overdue, never offered, and the rates — per group, with a total row.

    Default period: 1 January of the as-of year to the as-of date.

    Example: seniorcli report coverage --rules koege --year 2026 --by department
    """
    from seniorcli.services.reports import coverage as compute

    out_fmt = output_format(fmt, output, excel=excel, html=True)
    conn = open_db(must_exist=True)
    rule_set = resolve_rules(conn, rules, rules_file)
    period = _period(year, start, end, as_of or today())
    rows = compute(conn, rule_set, period, by.value if by else None)
    if by is not None and by.value == "manager" and out_fmt in ("table", "xlsx"):
        # For people, a manager is "Name (id)" (csv/json keep the id in "group").
        from seniorcli.services.employees import manager_names

        names = manager_names(conn, (r["group"] for r in rows))
        rows = [{**r, "group": manager_label(r["group"], names.get(r["group"]))}
                if r["group"] in names else r for r in rows]
    if out_fmt == "html":
        assert output is not None  # html comes only from the ending of --output
        _html(output, {"coverage": (rows, _coverage_columns(), PCT)}, period.end,
              rule_set.title, period)
        return
    _emit(rows, _coverage_columns(), out_fmt, output,
          _("Coverage {start} – {end} — {rules}").format(
              start=date_short(period.start), end=date_short(period.end), rules=rule_set.title),
          excel)
    if out_fmt == "table" and output is None:
        typer.echo(_coverage_meanings())


@report_app.command("ages")
def ages(
    as_of: AsOf = None,
    by: Annotated[ByDepartment | None, typer.Option("--by", help=_("One row per department."))
                  ] = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """The age profile: employees per 5-year band, share aged 55+ and 60+, median age.

    Example: seniorcli report ages --by department
    """
    from seniorcli.services.reports import ages as compute

    out_fmt = output_format(fmt, output, excel=excel, html=True)
    day = as_of or today()
    rows = compute(open_db(must_exist=True), day, by.value if by else None)
    if out_fmt == "html":
        assert output is not None  # html comes only from the ending of --output
        _html(output, {"ages": (rows, _ages_columns(), PCT)}, day)
        return
    if out_fmt == "table" and output is None:
        from rich.console import Console

        console = Console()
        console.print(_("[bold]Age profile[/bold] on {day}").format(day=date_short(day)))
        _age_chart(console, rows[-1])
    _emit(rows, _ages_columns(), out_fmt, output,
          _("Age profile on {day}").format(day=date_short(day)), excel)


@report_app.command("retirements")
def retirements(
    as_of: AsOf = None,
    years: Annotated[int, typer.Option("--years", min=1, max=50, help=_("How many years."))] = 10,
    by: Annotated[ByDepartment | None, typer.Option("--by", help=_("Per department."))] = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """How many of today's employees reach state pension age in each of the next years, and the
    cumulative share of today's staff (the pension-age table is kept as data).

    Example: seniorcli report retirements --years 10
    """
    from seniorcli.pension import SOURCE
    from seniorcli.services.reports import retirements as compute

    out_fmt = output_format(fmt, output, excel=excel, html=True)
    day = as_of or today()
    rows = compute(open_db(must_exist=True), day, years, by.value if by else None)
    if out_fmt == "html":
        assert output is not None  # html comes only from the ending of --output
        _html(output, {"retirements": (rows, _retirement_columns(), PCT)}, day)
        return
    _emit(rows, _retirement_columns(), out_fmt, output,
          _("Reaching state pension age, from {day}").format(day=date_short(day)), excel,
          footer=lambda n: _("Year 'already': at or past state pension age on {day}; the "
                             "first year counts from {day}. Source: {source}.").format(
                                 day=date_short(day), source=SOURCE))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
