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
    open_db,
    output_format,
    parse_day_option,
    resolve_rules,
    say,
    today,
    warn,
)

report_app = typer.Typer(
    help="Figures for HR and the works council: coverage, age profile, retirement outlook.",
    invoke_without_command=True,
)


class By(StrEnum):
    department = "department"
    manager = "manager"


class ByDepartment(StrEnum):
    department = "department"


def _coverage_columns():
    from seniorcli.output import Column

    return [Column("group", "Group"), Column("eligible", "Eligible", "number"),
            Column("invited", "Invited", "number"), Column("held", "Held", "number"),
            Column("declined", "Declined", "number"), Column("requested", "Requested", "number"),
            Column("offered", "Offered", "number"), Column("still_due", "Still due", "number"),
            Column("due_before", "Due earlier", "number"),
            Column("overdue_90", "Overdue >90 d", "number"),
            Column("never_offered", "Never offered", "number"),
            Column("held_rate", "Held ÷ eligible", "number"),
            Column("declined_rate", "Declined ÷ offered", "number")]


def _ages_columns():
    from seniorcli.output import Column
    from seniorcli.services.reports import BAND_LABELS

    return [Column("group", "Group"), Column("employees", "Employees", "number"),
            Column("median_age", "Median age", "number"),
            Column("share_55_plus", "55+", "number"), Column("share_60_plus", "60+", "number"),
            *[Column(b, b, "number") for b in BAND_LABELS]]


def _retirement_columns():
    from seniorcli.output import Column

    return [Column("group", "Group"), Column("year", "Year"),
            Column("reaching", "Reach pension age", "number"),
            Column("cumulative", "Cumulative", "number"),
            Column("cumulative_share", "Share of today's staff", "number"),
            Column("staff", "Staff today", "number")]


PCT = {"held_rate", "declined_rate", "share_55_plus", "share_60_plus", "cumulative_share"}


def _period(year: int | None, start: date | None, end: date | None, as_of: date):
    from seniorcli.services.reports import Period

    if year is not None and (start or end):
        raise typer.BadParameter("give --year or --from/--to, not both", param_hint="--year")
    if year is not None:
        return Period(date(year, 1, 1), date(year, 12, 31))
    if start or end:
        if not (start and end):
            raise typer.BadParameter("give both --from and --to", param_hint="--from")
        if end < start:
            raise typer.BadParameter(f"--to {end} is before --from {start}", param_hint="--to")
        return Period(start, end)
    return Period(date(as_of.year, 1, 1), as_of)


def _emit(rows, columns, fmt, output, title, excel=False, footer=None, pct_table=True):
    from seniorcli.output import emit

    if fmt == "table" and output is None and pct_table:
        rows = [{k: (f"{v * 100:.1f} %" if k in PCT and v is not None else v)
                 for k, v in r.items()} for r in rows]
    emit(rows, columns, fmt, output, title=title, excel=excel, footer=footer)


def _html(output: Path, sections: dict, as_of: date, rules_title=None, period=None) -> None:
    from seniorcli.files import private_file
    from seniorcli.report_html import render

    with private_file(output, "w", encoding="utf-8") as f:
        f.write(render(sections, as_of.isoformat(), rules_title, str(period) if period else None))
    say(f"Wrote {output}")


@report_app.callback()
def overview(
    ctx: typer.Context,
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    year: Annotated[int | None, typer.Option(
        "--year", min=1900, max=2200, help="Coverage for this calendar year.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE.html",
        help="Write all three reports as one self-contained HTML file.")] = None,
) -> None:
    """A one-screen overview of coverage, age profile and retirement outlook.

    Without a rule set (--rules or `config set rules`) coverage is left out.

    Example: seniorcli report --rules albertslund --output report.html
    """
    if ctx.invoked_subcommand is not None:
        return
    from seniorcli.services import reports

    if output is not None:
        if output.suffix.lower() not in (".html", ".htm"):
            raise typer.BadParameter("the overview is written as HTML: use --output FILE.html",
                                     param_hint="--output")
        output_format(None, output, html=True)  # checks the target before any work
    conn = open_db(must_exist=True)
    day = as_of or today()
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    if rule_set is None and output is not None:
        warn(f"no rule set chosen, so {output.name} leaves out coverage; give --rules NAME or "
             "store a default with `seniorcli config set rules NAME`")
    sections = {}
    period = None
    if rule_set is not None:
        period = _period(year, None, None, day)
        sections["coverage"] = (reports.coverage(conn, rule_set, period), _coverage_columns(),
                                PCT)
    sections["ages"] = (reports.ages(conn, day), _ages_columns(), PCT)
    sections["retirements"] = (reports.retirements(conn, day), _retirement_columns(), PCT)
    if output is not None:
        _html(output, sections, day, rule_set.title if rule_set else None, period)
        return
    _print_overview(sections, day, rule_set, period)


def _print_overview(sections, day, rule_set, period) -> None:
    from rich.console import Console

    console = Console()
    console.print(f"[bold]Senior policy overview[/bold] — as of {day}")
    ages = sections["ages"][0][-1]
    console.print(
        f"Employees: {ages['employees']}; aged 55+: {_p(ages['share_55_plus'])}; aged 60+: "
        f"{_p(ages['share_60_plus'])}; median age {ages['median_age']}.", highlight=False)
    _age_chart(console, ages)
    retire = [r for r in sections["retirements"][0] if r["group"] == "Total"]
    last = retire[-1]
    console.print(
        f"Retirement outlook: {retire[0]['reaching']} already at state pension age; "
        f"{last['cumulative']} ({_p(last['cumulative_share'])}) of today's staff reach it by the "
        f"end of {last['year']}.", highlight=False)
    if "coverage" in sections:
        c = sections["coverage"][0][-1]
        console.print(
            f"Coverage {period} under {rule_set.name}: {c['eligible']} eligible, {c['held']} held"
            f" ({_p(c['held_rate'])}), {c['declined']} declined, {c['still_due']} still due "
            f"(and {c['due_before']} due since before the period), {c['overdue_90']} overdue "
            f"by more than 90 days, {c['never_offered']} never offered.", highlight=False)
    else:
        console.print("Coverage: choose a rule set (--rules NAME) to include it.")


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
                                             help="A calendar year.")] = None,
    start: Annotated[date | None, typer.Option(
        "--from", parser=parse_day_option, metavar="DATE", help="First day of the period.")
    ] = None,
    end: Annotated[date | None, typer.Option(
        "--to", parser=parse_day_option, metavar="DATE", help="Last day of the period.")
    ] = None,
    by: Annotated[By | None, typer.Option("--by", help="One row per department or manager.")
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
    from seniorcli.services.reports import __doc__ as definitions
    from seniorcli.services.reports import coverage as compute

    out_fmt = output_format(fmt, output, excel=excel, html=True)
    conn = open_db(must_exist=True)
    rule_set = resolve_rules(conn, rules, rules_file)
    period = _period(year, start, end, as_of or today())
    rows = compute(conn, rule_set, period, by.value if by else None)
    if out_fmt == "html":
        assert output is not None  # html comes only from the ending of --output
        _html(output, {"coverage": (rows, _coverage_columns(), PCT)}, period.end,
              rule_set.title, period)
        return
    _emit(rows, _coverage_columns(), out_fmt, output,
          f"Coverage {period} — {rule_set.title}", excel)
    if out_fmt == "table" and output is None:
        typer.echo(definitions.split("coverage, for a period")[1].split("\n", 1)[1].rstrip())


@report_app.command("ages")
def ages(
    as_of: AsOf = None,
    by: Annotated[ByDepartment | None, typer.Option("--by", help="One row per department.")
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
        console.print(f"[bold]Age profile[/bold] on {day}")
        _age_chart(console, rows[-1])
    _emit(rows, _ages_columns(), out_fmt, output, f"Age profile on {day}", excel)


@report_app.command("retirements")
def retirements(
    as_of: AsOf = None,
    years: Annotated[int, typer.Option("--years", min=1, max=50, help="How many years.")] = 10,
    by: Annotated[ByDepartment | None, typer.Option("--by", help="Per department.")] = None,
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
          f"Reaching state pension age, from {day}", excel,
          footer=lambda n: f"Year 'already': at or past state pension age on {day}; the "
          f"first year counts from {day}. Source: {SOURCE}.")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
