"""``agreement add|list|end|renew|correct|withdraw|types|expiring`` and ``seniordays``: what
payroll needs."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    ExcelOpt,
    ExportFormatOpt,
    OutputOpt,
    RulesFileOpt,
    RulesOpt,
    open_db,
    output_format,
    parse_date_option,
    parse_day_option,
    resolve_rules,
    say,
    today,
)

agreement_app = typer.Typer(help="Senior agreements (seniorordninger).", no_args_is_help=True)

DateOpt = Annotated[date, typer.Option(parser=parse_date_option, metavar="DATE")]


def parse_amount_option(value: str) -> float:
    """--amount in kroner as Danes write it (seniorcli.numbers.parse_amount)."""
    from seniorcli.numbers import NumberError, parse_amount

    if isinstance(value, float):
        return value
    try:
        return parse_amount(value)
    except NumberError as e:
        raise typer.BadParameter(f"'{value}' {e}") from None


def parse_hours_option(value: str) -> float:
    """--hours a week: 37, 37,5 or 37.5 (seniorcli.numbers.parse_hours)."""
    from seniorcli.numbers import NumberError, parse_hours

    if isinstance(value, float):
        return value
    try:
        return parse_hours(value)
    except NumberError as e:
        raise typer.BadParameter(f"'{value}' {e}") from None


def _columns(kind: str):
    from seniorcli.output import Column

    base = [Column("agreement_id", "Id", "number"), Column("employee_id", "Employee"),
            Column("name", "Name"), Column("department", "Department"), Column("type", "Type"),
            Column("start_date", "Start", "date"), Column("end_date", "End", "date")]
    if kind == "expiring":
        return base + [Column("days_left", "Days left", "number"),
                       Column("weekly_hours", "Hours", "number"),
                       Column("amount", "Amount (kr)", "number"),
                       Column("renewed_by", "Renewed by", "number")]
    return base + [Column("status", "Status"), Column("open_ended", "Open-ended", "bool"),
                   Column("ended_early", "Ended early", "bool"),
                   Column("weekly_hours", "Hours", "number"),
                   Column("amount", "Amount (kr)", "number"),
                   Column("renews_id", "Renews", "number"), Column("note", "Note")]


@agreement_app.command("add")
def add(
    employee_id: Annotated[str, typer.Argument(metavar="EMPLOYEE_ID", help="The employee's id.")],
    kind: Annotated[str, typer.Option("--type", "-t", metavar="TYPE",
                                    help="See `seniorcli agreement types`.")],
    start: Annotated[date, typer.Option("--start", parser=parse_date_option, metavar="DATE",
                                        help="First day of the agreement.")],
    end: Annotated[date | None, typer.Option(
        "--end", parser=parse_date_option, metavar="DATE",
        help="Last day (default: the rule set's default term, e.g. Albertslund: 2 years); "
        "9999-12-31 means open-ended.")
    ] = None,
    open_ended: Annotated[bool, typer.Option(
        "--open-ended", help="No end date (not for generationsskifte).")] = False,
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    hours: Annotated[float | None, typer.Option(
        "--hours", parser=parse_hours_option, metavar="HOURS",
        help="Weekly hours under the agreement, 0-80: 30, 37,5 or 37.5.")] = None,
    amount: Annotated[float | None, typer.Option(
        "--amount", parser=parse_amount_option, metavar="KR",
        help="Supplement or bonus in kroner, Danish style: 85.000, 85.000,50 or 85000,50 "
        "(up to 10.000.000).")] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT",
        help="A short note.")] = None,
) -> None:
    """Record a senior agreement, checking the framework agreement's limits.

    A generationsskifte must name its end, may not overlap another generationsskifte of the
    same employee, and all of that employee's generationsskifte agreements together run at
    most 6 years.

    Example: seniorcli agreement add 00123 --type seniorstilling --start 2027-01-01 --hours 30
    """
    from seniorcli.services.agreements import NewAgreement, add_agreement

    if end is not None and open_ended:
        raise typer.BadParameter("give --end or --open-ended, not both", param_hint="--end")
    conn = open_db()
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    new = NewAgreement(employee_id.strip(), kind, start, end, open_ended, hours, amount, note)
    aid = add_agreement(conn, new, rule_set)
    say(f"Recorded agreement {aid}.")
    typer.echo(aid)


@agreement_app.command("list")
def list_(
    active_on: Annotated[date | None, typer.Option(
        "--active-on", parser=parse_day_option, metavar="DATE",
        help="Only agreements running on DATE (start <= DATE <= end).")] = None,
    kind: Annotated[str | None, typer.Option("--type", "-t", metavar="TYPE",
        help="Only this type.")] = None,
    department: DepartmentOpt = None,
    as_of: AsOf = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List senior agreements, open-ended ones last, with their status on the as-of date:
    future (starts later: not running yet), active or ended.

    Example: seniorcli agreement list --active-on 2027-01-01 --format csv --excel -o aftaler.csv
    """
    from seniorcli.output import emit
    from seniorcli.services.agreements import list_agreements

    out_fmt = output_format(fmt, output, excel=excel)
    conn = open_db(must_exist=True)
    from seniorcli.services.filters import resolve_department

    department = resolve_department(conn, department)
    # The status on the day asked about: --as-of, else --active-on, else today.
    rows = list_agreements(conn, as_of or active_on or today(), active_on=active_on, kind=kind,
                           department=department)
    emit(rows, _columns("list"), out_fmt, output, title="Senior agreements", excel=excel,
         footer=lambda n: f"{n} agreements")


@agreement_app.command("end")
def end_(
    agreement_id: Annotated[int, typer.Argument(metavar="ID", help="The agreement's id.")],
    on: Annotated[date, typer.Option("--date", parser=parse_date_option, metavar="DATE",
                                     help="The agreement's last day (not 9999-12-31).")],
) -> None:
    """End an agreement early; DATE is its last day.

    Example: seniorcli agreement end 12 --date 2027-03-31
    """
    from seniorcli.services.agreements import end_agreement

    end_agreement(open_db(), agreement_id, on)
    say(f"Agreement {agreement_id} ends on {on}.")


@agreement_app.command("renew")
def renew(
    agreement_id: Annotated[int, typer.Argument(metavar="ID", help="The agreement to continue.")],
    until: Annotated[date | None, typer.Option(
        "--until", parser=parse_date_option, metavar="DATE",
        help="Last day of the new period (default: the rule set's term, else the same length "
        "as the old period); 9999-12-31 means open-ended.")] = None,
    open_ended: Annotated[bool, typer.Option(
        "--open-ended", help="Continue without an end (not for generationsskifte).")] = False,
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
) -> None:
    """Continue an agreement with a new period from the day after it ends.

    With --open-ended (or --until 9999-12-31) the new period has no end, for the types that may
    be open-ended.

    Example: seniorcli agreement renew 12 --until 2029-12-31
    """
    from seniorcli.services.agreements import renew_agreement

    if until is not None and open_ended:
        raise typer.BadParameter("give --until or --open-ended, not both", param_hint="--until")
    conn = open_db()
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    new_id = renew_agreement(conn, agreement_id, until, rule_set, open_ended)
    say(f"Agreement {agreement_id} renewed as agreement {new_id}.")
    typer.echo(new_id)


@agreement_app.command("correct")
def correct(
    agreement_id: Annotated[int, typer.Argument(metavar="ID", help="The agreement's id.")],
    start: Annotated[date | None, typer.Option(
        "--start", parser=parse_date_option, metavar="DATE", help="The right first day.")
    ] = None,
    end: Annotated[date | None, typer.Option(
        "--end", parser=parse_date_option, metavar="DATE",
        help="The right last day (of one ended early: the day it ended); 9999-12-31 means "
        "open-ended.")] = None,
    open_ended: Annotated[bool, typer.Option(
        "--open-ended", help="It has no end (not for generationsskifte).")] = False,
    hours: Annotated[float | None, typer.Option(
        "--hours", parser=parse_hours_option, metavar="HOURS",
        help="The right weekly hours, 0-80: 30, 37,5 or 37.5.")] = None,
    amount: Annotated[float | None, typer.Option(
        "--amount", parser=parse_amount_option, metavar="KR",
        help="The right supplement or bonus in kroner, Danish style: 85.000, 85.000,50 or "
        "85000,50.")] = None,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help='The right note ("" removes it).')] = None,
) -> None:
    """Correct an agreement's dates, hours, amount or note.

    New dates are checked as `agreement add` checks them (age, must name its end, one at a
    time and 6 years in all for generationsskifte). The audit log and `show` keep the old
    values (who, when, old → new). To stop an agreement that ran, use `agreement end`; to take
    back one recorded by mistake, `agreement withdraw`.

    Example: seniorcli agreement correct 12 --end 2028-06-30 --hours 30
    """
    from seniorcli.cpr import redact
    from seniorcli.errors import printable
    from seniorcli.services.agreements import AgreementChange, correct_agreement

    if end is not None and open_ended:
        raise typer.BadParameter("give --end or --open-ended, not both", param_hint="--end")
    change = AgreementChange(start, end, open_ended, hours, amount, note)
    if change == AgreementChange():
        raise typer.BadParameter(
            "say what to correct: --start, --end, --open-ended, --hours, --amount or --note")
    changes = correct_agreement(open_db(must_exist=True), agreement_id, change)
    if changes:
        say(printable(redact(f"Corrected agreement {agreement_id}: {'; '.join(changes)}.")))
    else:
        say(f"Agreement {agreement_id} already is so: nothing was changed.")


@agreement_app.command("withdraw")
def withdraw(
    agreement_id: Annotated[int, typer.Argument(metavar="ID", help="The agreement's id.")],
    reason: Annotated[str, typer.Option(
        "--reason", metavar="TEXT", help="Why (kept in the audit log and shown by `show`).")],
) -> None:
    """Withdraw an agreement recorded by mistake: it no longer counts anywhere.

    Unlike `agreement end` (an agreement that ran and stopped early), a withdrawn agreement is
    left out of `agreement list`, `agreement expiring` and the limits of new agreements; `show`
    still lists it, marked as withdrawn, and the audit log keeps who withdrew it, when and why.

    Example: seniorcli agreement withdraw 12 --reason "recorded for the wrong employee"
    """
    from seniorcli.services.agreements import withdraw_agreement

    withdraw_agreement(open_db(must_exist=True), agreement_id, reason)
    say(f"Withdrew agreement {agreement_id}: it no longer counts anywhere.")


@agreement_app.command("types")
def types(fmt: ExportFormatOpt = None, output: OutputOpt = None) -> None:
    """The agreement types, in Danish and English, with their limits and sources.

    Example: seniorcli agreement types
    """
    from seniorcli.agreements import INTERPRETATIONS, TYPES
    from seniorcli.output import Column, emit

    out_fmt = output_format(fmt, output)
    rows = [{"type": t.key, "danish": t.danish, "english": t.english, "limits": t.limits,
             "source": t.source} for t in TYPES]
    cols = [Column("type", "Type"), Column("danish", "Dansk"), Column("english", "English"),
            Column("limits", "Limits"), Column("source", "Source")]
    emit(rows, cols, out_fmt, output, title="Senior agreement types")
    if out_fmt == "table" and output is None:
        typer.echo("Interpretations:\n" + "\n".join(f"  - {i}" for i in INTERPRETATIONS))


@agreement_app.command("expiring")
def expiring(
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS", help="The window after the as-of date.")
    ] = 90,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Agreements whose end date falls in the window: the payroll export.

    Only agreements started on or before the as-of date (running) are listed. Open-ended
    agreements never expire (see `agreement list`). Agreements already renewed show the id of
    their renewal.

    Example: seniorcli agreement expiring --within 90 --output udloeb.xlsx
    """
    from seniorcli.output import emit
    from seniorcli.services.agreements import expiring as find

    out_fmt = output_format(fmt, output, excel=excel)
    day = as_of or today()
    rows = find(open_db(must_exist=True), day, within)
    emit(rows, _columns("expiring"), out_fmt, output, excel=excel,
         title=f"Agreements ending {day} – {within} days",
         footer=lambda n: f"{n} agreements end within {within} days of {day}")


def seniordays(
    year: Annotated[int, typer.Option("--year", min=1900, max=2200, help="The calendar year.")],
    table: Annotated[Path | None, typer.Option(
        "--table", metavar="FILE.toml",
        help="Your own table of days and percentages (default: the municipal framework; "
        "also read from <config>/seniorcli/seniordays.toml).")] = None,
    fmt: ExportFormatOpt = None,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Each employee's senior-day entitlement (seniordage) for a year, with conversion values.

    From the calendar year one turns 60: 2 days; 61: 3; 62 and later: 4. A day converts to
    0.47 % of annual pay as bonus or 0.4 % as pension, with notice by 1 October the year before.

    Example: seniorcli seniordays --year 2027 --format xlsx --output seniordage-2027.xlsx
    """
    from seniorcli.cli.common import rules_dir
    from seniorcli.output import Column, emit
    from seniorcli.seniordays import DEFAULT, load_table
    from seniorcli.services.agreements import seniordays as find

    out_fmt = output_format(fmt, output, excel=excel)
    user_table = rules_dir().parent / "seniordays.toml"
    if table is not None:
        days_table = load_table(table)
    elif user_table.exists():
        days_table = load_table(user_table)
    else:
        days_table = DEFAULT
    cols = [Column("employee_id", "Employee"), Column("name", "Name"),
            Column("department", "Department"), Column("birth_date", "Born", "date"),
            Column("year", "Year", "number"), Column("turns", "Turns", "number"),
            Column("days", "Senior days", "number"),
            Column("bonus_pct_of_pay", "Bonus % of pay", "number"),
            Column("pension_pct_of_pay", "Pension % of pay", "number"),
            Column("conversion_notice_by", "Notice by", "date")]
    totals = {"days": 0}

    def counted(rows):
        for r in rows:
            totals["days"] += r["days"]
            yield r

    emit(counted(find(open_db(must_exist=True), year, days_table)), cols, out_fmt, output,
         excel=excel, title=f"Senior days {year}",
         footer=lambda n: f"{n} employees, {totals['days']} senior days in {year} "
         f"({days_table.source})")


def register(app: typer.Typer) -> None:
    app.add_typer(agreement_app, name="agreement")
    app.command("seniordays")(seniordays)
