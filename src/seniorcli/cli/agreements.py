"""``agreement add|list|end|renew|correct|withdraw|types|expiring`` and ``seniordays``: what
payroll needs."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
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
    """The columns of ``agreement list`` (``kind`` "list") or ``agreement expiring`` in csv,
    json and xlsx: the fields scripts read, the day-off flag last."""
    from seniorcli.output import Column

    base = [Column("agreement_id", _("Id"), "id"),
            Column("employee_id", _("Employee"), "id"),
            Column("name", _("Name")), Column("department", _("Department")),
            Column("type", _("Type")),
            Column("start_date", _("Start"), "date"), Column("end_date", _("End"), "date")]
    if kind == "expiring":
        rest = [Column("days_left", _("Days left"), "number"),
                Column("weekly_hours", _("Hours"), "hours"),
                Column("amount", _("Amount (kr)"), "amount"),
                Column("renewed_by", _("Renewed by"), "id")]
    else:
        rest = [Column("status", _("Status"), words=STATUS_WORDS),
                Column("open_ended", _("Open-ended"), "bool"),
                Column("ended_early", _("Ended early"), "bool"),
                Column("weekly_hours", _("Hours"), "hours"),
                Column("amount", _("Amount (kr)"), "amount"),
                Column("renews_id", _("Renews"), "id"),
                Column("note", _("Note"))]
    # point 6 of issue 16: an end on a weekend or holiday ("lørdag", "Anden juledag"); last,
    # so the fields scripts read keep their places
    return base + rest + [Column("end_date_day_off", _("End is a day off"))]


def _table_columns(kind: str):
    """The table of ``agreement list`` or ``agreement expiring``, for people on a terminal of
    80 columns and more: the payroll number first, the type by its name, the end date with
    its day off in one cell ("26-12-2026 (Anden juledag)"; list: the whole period), and the
    least useful columns left out first (department, note, the ids of renewals, start)."""
    from seniorcli.output import Column

    who = [Column("employee_id", _("Payroll no."), "id"),
           Column("name", _("Name"), drop_order=5),
           Column("department", _("Department"), drop_order=10),
           Column("type_name", _("Type"), drop_order=6)]
    money = [Column("weekly_hours", _("Hours"), "hours", drop_order=1),
             Column("amount", _("Amount (kr)"), "amount", drop_order=1),
             Column("agreement_id", _("Id"), "id", drop_order=3)]
    if kind == "expiring":
        return [*who, Column("start_date", _("Start"), "date", drop_order=7),
                Column("end_shown", _("End")),
                Column("days_left", _("Days left"), "number", drop_order=4),
                *money, Column("renewed_by", _("Renewed by"), "id", drop_order=8)]
    return [*who, Column("period", _("Period")),
            Column("status", _("Status"), words=STATUS_WORDS, drop_order=4),
            *money, Column("renews_id", _("Renews"), "id", drop_order=8),
            Column("note", _("Note"), drop_order=9)]


def end_text(end: date | None, day_off: str | None, *, ended_early: bool = False) -> str:
    """An agreement's end as people read it in a table or ``show``: "26-12-2026 (Anden
    juledag)", "31-12-2026 (Nytårsaftensdag, afsluttet før tid)", or "uden slutdato"."""
    if end is None:
        return _("open-ended")
    notes = [day_off] if day_off else []
    if ended_early:
        notes.append(_("ended early"))
    return date_short(end) + (f" ({', '.join(notes)})" if notes else "")


def period_text(start: date, end: str) -> str:
    """"01-01-2026 – 26-12-2026 (Anden juledag)": a first day and an ``end_text``."""
    return _("{first} – {last}").format(first=date_short(start), last=end)


def _for_people(rows, fmt: str):
    """The rows of ``agreement list``/``expiring`` as a table or a workbook shows them: the
    type by its name in the reader's language (csv and json keep the key), and for the table
    the end date with its day off in one cell."""
    from seniorcli.agreements import type_name

    for r in rows:
        if fmt == "xlsx":
            r = {**r, "type": type_name(r["type"])}
        elif fmt == "table":
            end = end_text(r["end_date"], r["end_date_day_off"],
                           ended_early=bool(r.get("ended_early")))
            r = {**r, "type_name": type_name(r["type"]), "end_shown": end,
                 "period": period_text(r["start_date"], end)}
        yield r


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
    emit(_for_people(rows, out_fmt), _columns("list"), out_fmt, output,
         title=_("Senior agreements"), excel=excel, table_columns=_table_columns("list"),
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
        from seniorcli.cli.common import changes_text

        say(printable(redact(_("Corrected agreement {agreement_id}: {changes}.").format(
            agreement_id=agreement_id, changes=changes_text(changes)))))
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


#: ``--wage-types FILE.toml``: the lønart codes of the agreement types (services/payroll.py).
WageTypesOpt = Annotated[
    Path | None,
    typer.Option("--wage-types", metavar="FILE.toml",
                 help=_("The wage type (lønart) of each agreement type, as [loenart] "
                 "seniorstilling = \"0610\" (default: loenarter.toml in <config>/seniorcli, "
                 "beside seniordays.toml)."))]


def _wage_types_file() -> Path:
    """Where the lønart codes are looked for: beside seniordays.toml, in the config folder."""
    from seniorcli.cli.common import rules_dir
    from seniorcli.services.payroll import WAGE_TYPES_FILE

    return rules_dir().parent / WAGE_TYPES_FILE


def _wage_types(given: Path | None):
    from seniorcli.services.payroll import wage_types_for

    return wage_types_for(given, _wage_types_file())


@agreement_app.command("types")
def types(fmt: ExportFormatOpt = None, output: OutputOpt = None,
          wage_types: WageTypesOpt = None) -> None:
    """The agreement types, in Danish and English, with their limits and sources, and the
    wage type (lønart) payroll keys each under, where one is configured.

    Example: seniorcli agreement types --wage-types loenarter.toml
    """
    from seniorcli.agreements import INTERPRETATIONS, TYPES
    from seniorcli.output import Column, emit

    out_fmt = output_format(fmt, output)
    codes = _wage_types(wage_types)
    rows = [{"type": t.key, "danish": t.danish, "english": t.english, "limits": _(t.limits),
             "source": t.source, "wage_type": codes.code(t.key)} for t in TYPES]
    cols = [Column("type", _("Type")), Column("danish", _("Danish")),
            Column("english", _("English")),
            Column("limits", _("Limits")), Column("source", _("Source")),
            Column("wage_type", _("Wage type"), "id")]
    if out_fmt != "table" or output is not None:
        emit(rows, cols, out_fmt, output, title=_("Senior agreement types"),
             table_columns=_types_table_columns(rows, None))
        return
    from seniorcli.output.table import table_width

    width = table_width()
    left_out: list[str] = []
    emit(rows, cols, "table", None, title=_("Senior agreement types"),
         table_columns=_types_table_columns(rows, width, left_out))
    if left_out:
        typer.echo("\n".join(_wrapped(
            [_("Left out to fit {width} columns: {names}. To see them: --format csv, or a "
               "wider terminal.").format(width=width, names=", ".join(left_out))], width)))
    from seniorcli.dates import OPEN_END

    typer.echo("\n".join(_wrapped([_("Interpretations:")] + [
        f"  - {_(i).format(open_end=OPEN_END)}" for i in INTERPRETATIONS], width)))
    typer.echo("\n".join(_wrapped([  # between words: a file's path stays whole
        _("Wage types (lønarter) from {file}").format(file=codes.source) if codes.source else
        _("No wage types (lønarter) are configured: write them in {file} (see "
          "docs/payroll.md), or give --wage-types FILE.toml").format(file=_wage_types_file())],
        width)))


def _wrapped(lines: list[str], width: int | None) -> list[str]:
    """Lines wrapped between words to ``width`` (at most 100 columns, also in a file), an
    item's further lines indented under its text."""
    import textwrap

    width = min(width or 100, 100)
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" -")))
        out.extend(textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False) or [""])
    return out


def _types_table_columns(rows: list[dict], width: int | None, left_out: list[str] | None = None):
    """The table of `agreement types`: the key (what --type takes) and its wage type, the
    description in the reader's language, the limits, the source, the other language last.

    Long compound words ("arbejdstidstilrettelæggelsen") would be split in the middle in a
    narrow column, so the columns are taken in order of use (wage type, limits, description,
    source) while the table fits ``width`` with every word whole; the other language only
    when all the rest fits. The headers of the others are added to ``left_out``, for the line
    under the table."""
    from dataclasses import replace

    from seniorcli.i18n import language
    from seniorcli.output import Column
    from seniorcli.output.table import table_layout

    danish = Column("danish", _("Danish"))
    english = Column("english", _("English"))
    first, other = (english, danish) if language() == "en" else (danish, english)
    cols = [Column("type", _("Type")), Column("wage_type", _("Wage type"), "id"),
            replace(first, drop_order=3), Column("limits", _("Limits"), drop_order=2),
            Column("source", _("Source"), drop_order=4), replace(other, drop_order=5)]
    if width is None:
        return cols

    def fits(trial: list) -> bool:
        cells = [[c.header, *(str(r.get(c.key) or "") for r in rows)] for c in trial]
        dropped, widths = table_layout(trial, cells, width)
        return not dropped and all(
            trial[i].kind != "text" or widths[i] >= max(map(len, " ".join(cells[i]).split()))
            for i in widths)

    shown = cols[:1]
    for col in sorted(cols[1:], key=lambda c: c.drop_order):  # the most useful first
        trial = [c for c in cols if c in shown or c is col]
        if (col is not cols[-1] or len(shown) == len(cols) - 1) and fits(trial):
            shown = trial
    if left_out is not None:
        left_out.extend(c.header for c in cols if c not in shown)
    return shown


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
    off = [0]  # ends on a weekend or holiday, named under the table (a narrow one leaves the
    # column out)

    def counted(rows):
        for r in rows:
            off[0] += bool(r.get("end_date_day_off"))
            yield r

    emit(_for_people(counted(rows), out_fmt), _columns("expiring"), out_fmt, output,
         excel=excel, table_columns=_table_columns("expiring"),
         title=_("Agreements ending {day} – {within} days").format(day=date_short(day),
                                                                    within=within),
         footer=lambda n: ngettext("{n} agreement ends within {within} days of {day}",
                                   "{n} agreements end within {within} days of {day}",
                                   n).format(n=n, within=within, day=date_short(day))
         + _days_off_note(off[0]))


#: A payroll change's kind and cause as people read them (``Column.words``; csv, json and the
#: payroll file keep the machine values).
KIND_WORDS = {"start": N_("start (payroll change)"), "change": N_("change (payroll change)"),
              "end": N_("end (payroll change)"), "cancel": N_("cancel (payroll change)")}
CAUSE_WORDS = {"new": N_("new agreement (cause)"), "renewal": N_("renewal (cause)"),
               "correction": N_("correction (cause)"), "expires": N_("expires (cause)"),
               "ended_early": N_("ended early (cause)")}
#: What a correction changed, as people read it.
CORRECTED_WORDS = {"start": N_("first day (corrected)"), "end": N_("last day (corrected)"),
                   "hours": N_("hours (corrected)"), "amount": N_("amount (corrected)")}


class ChangesFormat(StrEnum):
    """``agreement changes --format``: the listing formats and the payroll systems' dialect."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    excel_csv = "excel-csv"
    payroll = "payroll"


class PayrollEncoding(StrEnum):
    cp1252 = "cp1252"
    utf_8_sig = "utf-8-sig"


def parse_month_option(value: str) -> date:
    """``--month``: YYYY-MM (or MM-YYYY, as Danes write it) → its first day."""
    import re

    if isinstance(value, date):
        return value
    text = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    year, month = (m[1], m[2]) if m else (None, None)
    if m is None and (m := re.fullmatch(r"(\d{1,2})[-.](\d{4})", text)):
        year, month = m[2], m[1]
    if year is None or month is None or not 1 <= int(month) <= 12 \
            or not 1900 <= int(year) <= 2199:
        raise typer.BadParameter(_("'{value}' is not a month; use YYYY-MM, e.g. 2026-12")
                                 .format(value=value))
    return date(int(year), int(month), 1)


def _period(first: date | None, last: date | None, month: date | None) -> tuple[date, date]:
    from datetime import timedelta

    if month is not None:
        if first is not None or last is not None:
            raise typer.BadParameter(_("give --month or --from and --to, not both"),
                                     param_hint="--month")
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return month, following - timedelta(days=1)
    if first is None or last is None:
        raise typer.BadParameter(_("give the period: --from DATE --to DATE (both included), "
                                   "or --month YYYY-MM"),
                                 param_hint="--to" if first is not None else "--from")
    if first > last:
        raise typer.BadParameter(_("--from {first} is after --to {last}")
                                 .format(first=first, last=last), param_hint="--from")
    return first, last


def _changes_format(fmt: str | None, output: Path | None) -> str:
    """``output_format``, and ``payroll``: named with --format (a .csv file is plain CSV, as
    for every listing), to standard output or a file of any name but .json, .xlsx, .html."""
    from seniorcli.cli.common import EXTENSIONS

    fmt = getattr(fmt, "value", fmt)
    if fmt != "payroll":
        return output_format(fmt, output)
    if output is not None:
        from seniorcli.files import check_target

        check_target(output)
        if EXTENSIONS.get(output.suffix.lower()) in ("json", "xlsx", "html"):
            raise typer.BadParameter(
                _("--format payroll does not match the file {name}: a payroll file is text "
                  "(e.g. loen.csv or loen.txt); or leave out --format to get {name} in the "
                  "format its ending names").format(name=output.name),
                param_hint="--format")
    return "payroll"


def _changes_columns():
    """The change rows in csv, json and the workbook (the workbook relabels them for people:
    ``output.payroll.for_people``)."""
    from seniorcli.output import Column

    return [Column("employee_id", _("Payroll no."), "id"),
            Column("name", _("Name")),
            Column("department", _("Department")),
            Column("type", _("Agreement type")),
            Column("wage_type", _("Wage type"), "id"),
            Column("kind", _("Change"), words=KIND_WORDS),
            Column("cause", _("Cause"), words=CAUSE_WORDS),
            Column("first_day", _("First day"), "date"),
            Column("last_day", _("Last day"), "date"),
            Column("last_day_day_off", _("Last day is a day off")),
            Column("weekly_hours", _("Hours"), "hours"),
            Column("amount", _("Amount (kr)"), "amount"),
            Column("agreement_id", _("Agreement"), "id"),
            Column("corrected", _("Corrected")),
            Column("recorded_late", _("Recorded late"), "bool")]


def _changes_table_columns():
    """The changes table, for payroll on a terminal of 80 columns and more: payroll number,
    the change (marked when recorded late: "start (for sent)"), the period with the last
    day's day off in one cell, hours and amount stay; the wage type, name and type go next,
    and department, cause, agreement id and corrections first."""
    from seniorcli.output import Column

    return [Column("employee_id", _("Payroll no."), "id"),
            Column("name", _("Name"), drop_order=5),
            Column("department", _("Department"), drop_order=10),
            Column("type_name", _("Agreement type"), drop_order=6),
            Column("wage_type", _("Wage type"), "id", drop_order=4),
            Column("kind_shown", _("Change")),
            Column("cause", _("Cause"), words=CAUSE_WORDS, drop_order=9),
            Column("period", _("Period")),
            Column("weekly_hours", _("Hours"), "hours", drop_order=1),
            Column("amount", _("Amount (kr)"), "amount", drop_order=1),
            Column("agreement_id", _("Agreement"), "id", drop_order=7),
            Column("corrected", _("Corrected"), drop_order=8)]


def _changes_for_table(rows):
    """The change rows with what the table shows in one cell: the type's name, the change
    with "(for sent)" when recorded late, and the period with the last day's day off."""
    from seniorcli.agreements import type_name
    from seniorcli.i18n import language

    english = language() == "en"
    for r in rows:
        kind = r["kind"] if english else _(KIND_WORDS.get(r["kind"], r["kind"]))
        if r.get("recorded_late"):
            kind = _("{change} (late)").format(change=kind)
        end = end_text(r["last_day"], r.get("last_day_day_off"),
                       ended_early=r["kind"] == "end" and r["cause"] == "ended_early")
        yield {**r, "type_name": type_name(r["type"]), "kind_shown": kind,
               "period": period_text(r["first_day"], end)}


def _payroll_columns(name: bool):
    """The payroll file: the numbers payroll keys, the name last (``--no-name``: without)."""
    from seniorcli.output import Column

    cols = [Column("employee_id", "", "id"), Column("wage_type", "", "id"),
            Column("kind", ""), Column("first_day", "", "date"),
            Column("last_day", "", "date"), Column("weekly_hours", "", "hours"),
            Column("amount", "", "amount"), Column("agreement_id", "", "id")]
    return cols + [Column("name", "")] if name else cols


def _days_off_note(off: int) -> str:
    """"; 2 have their last day on a weekend or holiday", for the line under a table (a
    narrow terminal leaves the day-off column out); nothing when none has."""
    if not off:
        return ""
    return "; " + ngettext("{off} has its last day on a weekend or holiday",
                           "{off} have their last day on a weekend or holiday",
                           off).format(off=off)


def _footer(n: int, period: str, rows: list[dict]) -> str:
    """The line under the changes table."""
    late = sum(1 for r in rows if r.get("recorded_late"))
    return (ngettext("{n} change {period}", "{n} changes {period}", n).format(n=n, period=period)
            + _days_off_note(sum(1 for r in rows if r.get("last_day_day_off")))
            + ("; " + ngettext("{late} recorded late (after the payroll file of its own period: "
                               "reported now)",
                               "{late} recorded late (after the payroll file of their own "
                               "period: reported now)", late).format(late=late)
               if late else ""))


def _corrected_in_words(rows):
    """``corrected`` ("end,hours") as people read it ("sidste dag, timer"), for the table and
    the workbook."""
    from seniorcli.i18n import language

    for r in rows:
        if r.get("corrected") and language() != "en":
            r = {**r, "corrected": ", ".join(_(CORRECTED_WORDS.get(f, f))
                                              for f in r["corrected"].split(","))}
        elif r.get("corrected"):
            r = {**r, "corrected": r["corrected"].replace(",", ", ")}
        yield r


@agreement_app.command("changes")
def changes(
    first: Annotated[date | None, typer.Option(
        "--from", parser=parse_day_option, metavar="DATE",
        help=_("First day of the period (included)."))] = None,
    last: Annotated[date | None, typer.Option(
        "--to", parser=parse_day_option, metavar="DATE",
        help=_("Last day of the period (included)."))] = None,
    month: Annotated[date | None, typer.Option(
        "--month", parser=parse_month_option, metavar="YYYY-MM",
        help=_("A calendar month as the period (instead of --from and --to)."))] = None,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
    fmt: Annotated[ChangesFormat | None, typer.Option(
        "--format", "-f", show_default=False,
        help=_("payroll (the payroll systems' import file: ';', CRLF, cp1252, DDMMYYYY, "
        "decimal comma), table (for people), csv or json (for scripts), xlsx (an Excel "
        "workbook: needs --output) or excel-csv. Default: from the --output file's ending "
        "(.csv is plain CSV: name payroll with --format), else table."))] = None,
    output: OutputOpt = None,
    encoding: Annotated[PayrollEncoding | None, typer.Option(
        "--encoding", show_default=False,
        help=_("The payroll file's character set: cp1252 (Windows-1252, the default) or "
        "utf-8-sig (UTF-8 with a byte-order mark)."))] = None,
    no_header: Annotated[bool, typer.Option(
        "--no-header", help=_("The payroll file without its header line."))] = False,
    no_name: Annotated[bool, typer.Option(
        "--no-name", help=_("The payroll file without the employee's name (the last "
        "field): numbers only."))] = False,
    wage_types: WageTypesOpt = None,
) -> None:
    """The payroll change file: senior agreements that start, change, end or are cancelled
    in a period, one row per change, with the wage type (lønart) of each agreement type.

    A start or an end falls in the period of its date if it was recorded by the period's
    last day, else in the period it was recorded in (recorded late); a renewal that
    continues an agreement is one change on its first day; a correction of the dates, hours
    or amount is a change in the period it was recorded in; a withdrawn agreement that an
    earlier period's file had is cancelled. So every change is in one period's file, and a
    month's file stays the same once the month is over. Every agreement type in the file
    needs its wage type in loenarter.toml (see `agreement types`), or nothing is written.

    Example: seniorcli agreement changes --month 2026-12 --format payroll -o loen-2026-12.csv
    """
    from seniorcli.services.payroll import changes as find
    from seniorcli.services.payroll import require_wage_types

    first, last = _period(first, last, month)
    out_fmt = _changes_format(fmt, output)
    if out_fmt != "payroll":
        for given, name in ((encoding is not None, "--encoding"), (no_header, "--no-header"),
                            (no_name, "--no-name")):
            if given:
                raise typer.BadParameter(
                    _("{option} is for the payroll file: add --format payroll")
                    .format(option=name), param_hint=name)
    codes = _wage_types(wage_types)
    conn = open_db(must_exist=True)
    from seniorcli.services.filters import of_department_and_manager, resolve_filters

    department, manager = resolve_filters(conn, department, manager)
    rows = list(of_department_and_manager(conn, find(conn, first, last, codes), department,
                                          manager))
    require_wage_types(rows, codes, _wage_types_file())
    period = _("{first} – {last}").format(first=date_short(first), last=date_short(last))
    if out_fmt == "payroll":
        from seniorcli.output.payroll import write_payroll

        written = write_payroll(rows, _payroll_columns(not no_name), output,
                                encoding=(encoding or PayrollEncoding.cp1252).value,
                                header=not no_header)
        if written.cleaned:
            from seniorcli.cli.common import warn

            shown = [_("line {line} (employee {employee}), {column}")
                     .format(line=line, employee=who, column=key)
                     for line, who, key in written.cleaned[:5]]
            if len(written.cleaned) > 5:
                shown.append(_("… and {n} more").format(n=len(written.cleaned) - 5))
            warn(ngettext("{n} value held ';', '\"', a line break or a tab, which a payroll "
                          "file cannot hold, and was written with ',' for ';', \"'\" for "
                          "'\"' and spaces: {where}",
                          "{n} values held ';', '\"', a line break or a tab, which a payroll "
                          "file cannot hold, and were written with ',' for ';', \"'\" for "
                          "'\"' and spaces: {where}", len(written.cleaned))
                 .format(n=len(written.cleaned), where="; ".join(shown)))
        n = written.rows
    else:
        from seniorcli.output import emit

        cols = _changes_columns()
        shown_rows = _corrected_in_words(rows) if out_fmt in ("table", "xlsx") else rows
        if out_fmt == "xlsx":
            from seniorcli.agreements import type_name
            from seniorcli.output.payroll import for_people

            people_rows, people_cols = for_people(
                ({**r, "type": type_name(r["type"])} for r in shown_rows), cols)
            n = emit(people_rows, people_cols, "xlsx", output,
                     title=_("Changes {first}–{last}").format(first=date_short(first),
                                                               last=date_short(last)))
        else:
            n = emit(_changes_for_table(shown_rows) if out_fmt == "table" else shown_rows,
                     cols, out_fmt, output, table_columns=_changes_table_columns(),
                     title=_("Payroll changes in senior agreements {period}")
                     .format(period=period),
                     footer=lambda n: _footer(n, period, rows))
    if output is not None:
        say(ngettext("Wrote {n} change ({period}) to {output}.",
                     "Wrote {n} changes ({period}) to {output}.", n)
            .format(n=n, period=period, output=output))
        if fmt is None and out_fmt == "csv":
            say(_("That is plain CSV (',', ISO dates); the payroll systems' import file is "
                  "--format payroll."))


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
