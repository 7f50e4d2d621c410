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
    ManagerOpt,
    OutputOpt,
    RulesFileOpt,
    RulesOpt,
    id_argument,
    open_db,
    output_format,
    parse_date_option,
    parse_day_option,
    resolve_rules,
    say,
    today,
)
from seniorcli.fmt import date_short
from seniorcli.i18n import N_, _, ngettext

#: An agreement's status as people read it in a table (``Column.words``; csv/json keep it).
STATUS_WORDS = {"active": N_("active (agreement)"), "future": N_("future (agreement)"),
                "ended": N_("ended (agreement)")}

agreement_app = typer.Typer(help=_("Senior agreements (seniorordninger)."), no_args_is_help=True)


def _number_option(name: str):
    """A parser for an option read as Danes write numbers (seniorcli.numbers.parse_NAME)."""

    def parse(value: str) -> float:
        from seniorcli import numbers

        if isinstance(value, float):
            return value
        try:
            return getattr(numbers, f"parse_{name}")(value)
        except numbers.NumberError as e:
            raise typer.BadParameter(_("'{value}' {e}").format(value=value, e=e)) from None

    return parse


#: --amount in kroner (85.000, 85.000,50 …) and --hours a week (37, 37,5 or 37.5).
parse_amount_option = _number_option("amount")
parse_hours_option = _number_option("hours")


def _columns(kind: str):
    from seniorcli.output import Column

    base = [Column("agreement_id", _("Id"), "id"),
            Column("employee_id", _("Employee"), "id", drop_order=1),
            Column("name", _("Name")), Column("department", _("Department"), drop_order=3),
            Column("type", _("Type")),
            Column("start_date", _("Start"), "date"), Column("end_date", _("End"), "date")]
    if kind == "expiring":
        return base + [Column("days_left", _("Days left"), "number"),
                       Column("weekly_hours", _("Hours"), "hours", drop_order=2),
                       Column("amount", _("Amount (kr)"), "amount", drop_order=2),
                       Column("renewed_by", _("Renewed by"), "id", drop_order=5)]
    return base + [Column("status", _("Status"), words=STATUS_WORDS),
                   Column("open_ended", _("Open-ended"), "bool", drop_order=5),
                   Column("ended_early", _("Ended early"), "bool", drop_order=5),
                   Column("weekly_hours", _("Hours"), "hours", drop_order=2),
                   Column("amount", _("Amount (kr)"), "amount", drop_order=2),
                   Column("renews_id", _("Renews"), "id", drop_order=5),
                   Column("note", _("Note"), drop_order=4)]


@agreement_app.command("add")
def add(
    employee_id: Annotated[str, typer.Argument(metavar="EMPLOYEE_ID", help=_("The employee's "
        "id."))],
    kind: Annotated[str, typer.Option("--type", "-t", metavar="TYPE",
                                    help=_("See `seniorcli agreement types`."))],
    start: Annotated[date, typer.Option("--start", parser=parse_date_option, metavar="DATE",
                                        help=_("First day of the agreement."))],
    end: Annotated[date | None, typer.Option(
        "--end", parser=parse_date_option, metavar="DATE",
        help=_("Last day (default: the rule set's default term, e.g. Albertslund: 2 years); "
        "9999-12-31 means open-ended."))
    ] = None,
    open_ended: Annotated[bool, typer.Option(
        "--open-ended", help=_("No end date (not for generationsskifte)."))] = False,
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    hours: Annotated[float | None, typer.Option(
        "--hours", parser=parse_hours_option, metavar="HOURS",
        help=_("Weekly hours under the agreement, 0-80: 30, 37,5 or 37.5."))] = None,
    amount: Annotated[float | None, typer.Option(
        "--amount", parser=parse_amount_option, metavar="KR",
        help=_("Supplement or bonus in kroner, Danish style: 85.000, 85.000,50 or 85000,50 "
        "(up to 10.000.000)."))] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT",
        help=_("A short note."))] = None,
) -> None:
    """Record a senior agreement, checking the framework agreement's limits.

    A generationsskifte must name its end, may not overlap another generationsskifte of the
    same employee, and all of that employee's generationsskifte agreements together run at
    most 6 years.

    Example: seniorcli agreement add 00123 --type seniorstilling --start 2027-01-01 --hours 30
    """
    from seniorcli.services.agreements import NewAgreement, add_agreement

    if end is not None and open_ended:
        raise typer.BadParameter(_("give --end or --open-ended, not both"), param_hint="--end")
    conn = open_db()
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    new = NewAgreement(employee_id.strip(), kind, start, end, open_ended, hours, amount, note)
    aid = add_agreement(conn, new, rule_set)
    say(_("Recorded agreement {aid}.").format(aid=aid))
    typer.echo(aid)


@agreement_app.command("list")
def list_(
    active_on: Annotated[date | None, typer.Option(
        "--active-on", parser=parse_day_option, metavar="DATE",
        help=_("Only agreements running on DATE (start <= DATE <= end)."))] = None,
    kind: Annotated[str | None, typer.Option("--type", "-t", metavar="TYPE",
        help=_("Only this type."))] = None,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
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
    from seniorcli.services.filters import of_department_and_manager, resolve_filters

    department, manager = resolve_filters(conn, department, manager)
    # The status on the day asked about: --as-of, else --active-on, else today.
    rows = of_department_and_manager(conn, list_agreements(
        conn, as_of or active_on or today(), active_on=active_on, kind=kind,
        department=department), None, manager)
    emit(rows, _columns("list"), out_fmt, output, title=_("Senior agreements"), excel=excel,
         footer=lambda n: ngettext("{n} agreement", "{n} agreements", n).format(n=n))


@agreement_app.command("end")
def end_(
    agreement_id: Annotated[int, id_argument(_("The agreement's id."))],
    on: Annotated[date, typer.Option("--date", parser=parse_date_option, metavar="DATE",
                                     help=_("The agreement's last day (not 9999-12-31)."))],
) -> None:
    """End an agreement early; DATE is its last day.

    Example: seniorcli agreement end 12 --date 2027-03-31
    """
    from seniorcli.services.agreements import end_agreement

    end_agreement(open_db(), agreement_id, on)
    say(_("Agreement {agreement_id} ends on {on}.").format(agreement_id=agreement_id, on=on))


@agreement_app.command("renew")
def renew(
    agreement_id: Annotated[int, id_argument(_("The agreement to "
        "continue."))],
    until: Annotated[date | None, typer.Option(
        "--until", parser=parse_date_option, metavar="DATE",
        help=_("Last day of the new period (default: the rule set's term, else the same length "
        "as the old period); 9999-12-31 means open-ended."))] = None,
    open_ended: Annotated[bool, typer.Option(
        "--open-ended", help=_("Continue without an end (not for generationsskifte)."))] = False,
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
        raise typer.BadParameter(_("give --until or --open-ended, not both"), param_hint="--until")
    conn = open_db()
    rule_set = resolve_rules(conn, rules, rules_file, required=False)
    new_id = renew_agreement(conn, agreement_id, until, rule_set, open_ended)
    say(_("Agreement {agreement_id} renewed as agreement {new_id}.")
        .format(agreement_id=agreement_id, new_id=new_id))
    typer.echo(new_id)


@agreement_app.command("correct")
def correct(
    agreement_id: Annotated[int, id_argument(_("The agreement's id."))],
    start: Annotated[date | None, typer.Option(
        "--start", parser=parse_date_option, metavar="DATE", help=_("The right first day."))
    ] = None,
    end: Annotated[date | None, typer.Option(
        "--end", parser=parse_date_option, metavar="DATE",
        help=_("The right last day (of one ended early: the day it ended); 9999-12-31 means "
        "open-ended."))] = None,
    open_ended: Annotated[bool, typer.Option(
        "--open-ended", help=_("It has no end (not for generationsskifte)."))] = False,
    hours: Annotated[float | None, typer.Option(
        "--hours", parser=parse_hours_option, metavar="HOURS",
        help=_("The right weekly hours, 0-80: 30, 37,5 or 37.5."))] = None,
    amount: Annotated[float | None, typer.Option(
        "--amount", parser=parse_amount_option, metavar="KR",
        help=_("The right supplement or bonus in kroner, Danish style: 85.000, 85.000,50 or "
        "85000,50."))] = None,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help=_('The right note ("" removes it).'))] = None,
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
        raise typer.BadParameter(_("give --end or --open-ended, not both"), param_hint="--end")
    change = AgreementChange(start, end, open_ended, hours, amount, note)
    if change == AgreementChange():
        raise typer.BadParameter(
            _("say what to correct: --start, --end, --open-ended, --hours, --amount or --note"))
    changes = correct_agreement(open_db(must_exist=True), agreement_id, change)
    if changes:
        say(printable(redact(f"Corrected agreement {agreement_id}: {'; '.join(changes)}.")))
    else:
        say(_("Agreement {agreement_id} already is so: nothing was changed.")
            .format(agreement_id=agreement_id))


@agreement_app.command("withdraw")
def withdraw(
    agreement_id: Annotated[int, id_argument(_("The agreement's id."))],
    reason: Annotated[str, typer.Option(
        "--reason", metavar="TEXT", help=_("Why (kept in the audit log and shown by `show`)."))],
) -> None:
    """Withdraw an agreement recorded by mistake: it no longer counts anywhere.

    Unlike `agreement end` (an agreement that ran and stopped early), a withdrawn agreement is
    left out of `agreement list`, `agreement expiring` and the limits of new agreements; `show`
    still lists it, marked as withdrawn, and the audit log keeps who withdrew it, when and why.

    Example: seniorcli agreement withdraw 12 --reason "recorded for the wrong employee"
    """
    from seniorcli.services.agreements import withdraw_agreement

    withdraw_agreement(open_db(must_exist=True), agreement_id, reason)
    say(_("Withdrew agreement {agreement_id}: it no longer counts anywhere.")
        .format(agreement_id=agreement_id))


@agreement_app.command("types")
def types(fmt: ExportFormatOpt = None, output: OutputOpt = None) -> None:
    """The agreement types, in Danish and English, with their limits and sources.

    Example: seniorcli agreement types
    """
    from seniorcli.agreements import INTERPRETATIONS, TYPES
    from seniorcli.output import Column, emit

    out_fmt = output_format(fmt, output)
    rows = [{"type": t.key, "danish": t.danish, "english": t.english, "limits": _(t.limits),
             "source": t.source} for t in TYPES]
    cols = [Column("type", _("Type")), Column("danish", _("Danish")),
            Column("english", _("English")),
            Column("limits", _("Limits")), Column("source", _("Source"))]
    emit(rows, cols, out_fmt, output, title=_("Senior agreement types"))
    if out_fmt == "table" and output is None:
        from seniorcli.dates import OPEN_END

        typer.echo(_("Interpretations:") + "\n" + "\n".join(
            f"  - {_(i).format(open_end=OPEN_END)}" for i in INTERPRETATIONS))


@agreement_app.command("expiring")
def expiring(
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS", help=_("The window after the as-of date."))
    ] = 90,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
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
    conn = open_db(must_exist=True)
    from seniorcli.services.filters import of_department_and_manager, resolve_filters

    department, manager = resolve_filters(conn, department, manager)
    rows = of_department_and_manager(conn, find(conn, day, within), department, manager)
    emit(rows, _columns("expiring"), out_fmt, output, excel=excel,
         title=_("Agreements ending {day} – {within} days").format(day=date_short(day),
                                                                    within=within),
         footer=lambda n: ngettext("{n} agreement ends within {within} days of {day}",
                                   "{n} agreements end within {within} days of {day}",
                                   n).format(n=n, within=within, day=date_short(day)))


def seniordays(
    year: Annotated[int | None, typer.Option(
        "--year", min=1900, max=2200,
        help=_("The calendar year (default: the year of the as-of date)."))] = None,
    table: Annotated[Path | None, typer.Option(
        "--table", metavar="FILE.toml",
        help=_("Your own table of days and percentages (default: the municipal framework; "
        "also read from <config>/seniorcli/seniordays.toml)."))] = None,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
    as_of: AsOf = None,
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
    if year is None:
        year = (as_of or today()).year
    user_table = rules_dir().parent / "seniordays.toml"
    if table is not None:
        days_table = load_table(table)
    elif user_table.exists():
        days_table = load_table(user_table)
    else:
        days_table = DEFAULT
    cols = [Column("employee_id", _("Employee"), "id"), Column("name", _("Name")),
            Column("department", _("Department"), drop_order=2),
            Column("birth_date", _("Born"), "date", drop_order=3),
            Column("year", _("Year"), "id", drop_order=5), Column("turns", _("Turns"), "number"),
            Column("days", _("Senior days"), "number"),
            Column("bonus_pct_of_pay", _("Bonus % of pay"), "number", drop_order=4),
            Column("pension_pct_of_pay", _("Pension % of pay"), "number", drop_order=4),
            Column("conversion_notice_by", _("Notice by"), "date", drop_order=1)]
    totals = {"days": 0}

    def counted(rows):
        for r in rows:
            totals["days"] += r["days"]
            yield r

    conn = open_db(must_exist=True)
    from seniorcli.services.filters import of_department_and_manager, resolve_filters

    department, manager = resolve_filters(conn, department, manager)
    rows = of_department_and_manager(conn, find(conn, year, days_table), department, manager)
    emit(counted(rows), cols, out_fmt, output,
         excel=excel, title=_("Senior days {year}").format(year=year),
         footer=lambda n: _("{n} employees, {days} senior days in {year} ({source})").format(
             n=n, days=totals["days"], year=year, source=days_table.source))


def register(app: typer.Typer) -> None:
    app.add_typer(agreement_app, name="agreement")
    app.command("seniordays")(seniordays)
