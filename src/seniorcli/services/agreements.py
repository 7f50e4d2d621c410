"""Senior agreements: add, list, end, renew, correct, withdraw, and the payroll export of those
expiring.

A withdrawn agreement (recorded by mistake) stays in the table with ``withdrawn_at`` set: it
counts nowhere — lists, the expiry export, the limits, renewals — and `show` marks it. Every
query of db.agreements but ``get`` leaves such agreements out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from seniorcli.agreements import (
    TYPES,
    Period,
    close_types,
    default_end,
    find_type,
    limit_problems,
)
from seniorcli.dates import OPEN_END, day_before
from seniorcli.db import Db
from seniorcli.db import agreements as agreement_rows
from seniorcli.db.agreements import AgreementRow, ListedAgreement
from seniorcli.db.engine import transaction
from seniorcli.errors import NotFoundError, SeniorError
from seniorcli.i18n import _
from seniorcli.rules.base import RuleSet
from seniorcli.seniordays import SeniorDaysTable, entitlement
from seniorcli.services.common import audit, now_stamp
from seniorcli.services.employees import get_employee
from seniorcli.tabular import clean_text, stored_option
from seniorcli.workdays import day_off


@dataclass(frozen=True)
class NewAgreement:
    employee_id: str
    type: str
    start: date
    end: date | None = None
    open_ended: bool = False
    weekly_hours: float | None = None
    amount: float | None = None
    note: str | None = None


def agreement_type(key: str):
    kind = find_type(key)  # fratrædelse, Fratraedelse, nedsat tid …
    if kind is None:
        close = close_types(key)
        message = _("unknown agreement type '{key}'").format(key=key)
        if close:
            message = _("unknown agreement type '{key}'; did you mean {types}?").format(
                key=key, types=_(" or ").join(f"'{c}'" for c in close))
        raise SeniorError(
            message,
            hint=_("seniorcli agreement types lists them: {types}").format(
                types=", ".join(t.key for t in TYPES)),
        )
    return kind


def _end(value: date | None) -> date | None:
    """A stored end date; None for open-ended, including a stored 9999-12-31 ("no end")."""
    return None if value is None or value == OPEN_END else value


def _not_a_start(start: date) -> None:
    if start == OPEN_END:
        raise SeniorError(_("{OPEN_END} means 'no end' in payroll files, not a start date")
            .format(OPEN_END=OPEN_END),
                          hint=_("give the agreement's first day"))


def _term_end(start: date, term: int) -> date:
    try:
        return default_end(start, term)
    except (ValueError, OverflowError):
        raise SeniorError(_("a term of {term} months from {start} ends after {OPEN_END}")
            .format(term=term, start=start, OPEN_END=day_before(OPEN_END)),
                          hint=_("give the last day with --end (or --until)")) from None


def _same_type(conn: Db, employee_id: str, kind: str,
               other_than: int | None = None) -> list[Period]:
    """The employee's agreements of a type as (id, start, end) periods, withdrawn ones left out
    (and ``other_than``, the one being corrected); an agreement ended early ends on its last
    day (end_date is set to it), an open-ended one has no end."""
    return [(aid, start, _end(end))
            for aid, start, end in agreement_rows.same_type(conn, employee_id, kind,
                                                            other_than)]


def _refuse(problems: list[str]) -> None:
    if problems:
        raise SeniorError(
            _("the agreement breaks the framework agreement's limits: {problems}").format(
                problems="; ".join(problems)),
            hint=_("seniorcli agreement types shows each type's limits"),
        )


def add_agreement(conn: Db, new: NewAgreement, rules: RuleSet | None) -> int:
    """Check the limits and record the agreement; returns its id. An end of 9999-12-31
    (payroll systems' "no end") records an open-ended agreement."""
    kind = agreement_type(new.type)
    _not_a_start(new.start)
    note = stored_option(new.note, "--note") or None  # cleaned; never a CPR number
    open_ended = new.open_ended or new.end == OPEN_END
    end = None if new.end == OPEN_END else new.end
    if end is None and not open_ended:
        term = rules.agreement_default_term_months if rules else None
        if term is None:
            message = (
                _("no end date: the rule set {title} has no default term for senior agreements")
                .format(title=rules.title) if rules else
                _("no end date: no rule set is chosen, so there is no default term for senior "
                  "agreements"))
            raise SeniorError(
                message,
                hint=_("give --end DATE or --open-ended (or --rules albertslund for its 2-year "
                "term)"),
            )
        end = _term_end(new.start, term)
    with transaction(conn):
        emp = get_employee(conn, new.employee_id)
        eid, birth, leave = emp.employee_id, emp.birth_date, emp.leave_date
        if leave and leave < new.start.isoformat():
            raise SeniorError(
                _("employee '{eid}' left on {leave}, before the agreement's start {start}")
                    .format(eid=eid, leave=leave, start=new.start)
            )
        _refuse(limit_problems(kind, date.fromisoformat(birth), new.start, end, open_ended,
                               others=_same_type(conn, eid, kind.key)))
        new_id = agreement_rows.insert(
            conn, employee_id=eid, type=kind.key, start_date=new.start, end_date=end,
            open_ended=open_ended, weekly_hours=new.weekly_hours, amount=new.amount, note=note,
            renews_id=None, rules=rules.name if rules else None, recorded_at=now_stamp())
        audit(conn, "agreement add", 1)
        return new_id


def _get(conn: Db, agreement_id: int) -> AgreementRow:
    row = agreement_rows.get(conn, agreement_id)
    if row is None:
        raise NotFoundError(_("no agreement with id {agreement_id}")
            .format(agreement_id=agreement_id),
                            hint=_("seniorcli agreement list shows the ids"))
    return row


def _live(conn: Db, agreement_id: int) -> AgreementRow:
    """The agreement, refused if it was withdrawn: it counts nowhere, so it cannot be ended,
    renewed or corrected."""
    a = _get(conn, agreement_id)
    if a.withdrawn_at:
        raise SeniorError(_("agreement {agreement_id} was withdrawn on {withdrawn_at}: "
                          "it no longer counts")
                              .format(agreement_id=agreement_id,
                                      withdrawn_at=a.withdrawn_at[:10]),
                          hint=_("record the right one with seniorcli agreement add"))
    return a


def _successor(conn: Db, agreement_id: int) -> int | None:
    """The (not withdrawn) agreement that renews this one."""
    return agreement_rows.successor(conn, agreement_id)


def end_agreement(conn: Db, agreement_id: int, on: date) -> None:
    """End an agreement early on ``on`` (its last day)."""
    if on == OPEN_END:
        raise SeniorError(_("{OPEN_END} means 'no end' in payroll files, not a last day")
            .format(OPEN_END=OPEN_END),
                          hint=_("give the agreement's last day with --date DATE"))
    with transaction(conn):
        a = _live(conn, agreement_id)
        if a.ended_on:
            raise SeniorError(_("agreement {agreement_id} was already ended on {ended_on}")
                .format(agreement_id=agreement_id, ended_on=a.ended_on))
        if on < a.start_date:
            raise SeniorError(_("{on} is before the agreement's start {start_date}")
                .format(on=on, start_date=a.start_date))
        planned = _end(a.end_date)
        if planned is not None and on > planned:
            raise SeniorError(
                _("agreement {agreement_id} already ends on {planned}, before {on}")
                    .format(agreement_id=agreement_id, planned=planned, on=on),
                hint=_("to extend it, use: seniorcli agreement renew {agreement_id} --until DATE")
                    .format(agreement_id=agreement_id),
            )
        agreement_rows.end_early(conn, agreement_id, on)
        agreement_rows.record_change(conn, agreement_id, now_stamp(), ["end"])
        # the last day it had before, as a correction keeps it: the payroll change file
        # reads it back to show an earlier month's file as it was
        audit(conn, "agreement end", 1, employee_id=a.employee_id,
              detail=f"agreement {agreement_id} ({describe_agreement(a)}): end "
                     f"{planned or 'open-ended'} → {on}")


def renew_agreement(conn: Db, agreement_id: int, until: date | None,
                    rules: RuleSet | None, open_ended: bool = False) -> int:
    """A new period that continues the old one from the day after its end.

    ``until`` 9999-12-31 (payroll systems' "no end"), like ``open_ended``, continues it without
    an end: allowed for types that may be open-ended, refused for those that must name their
    end (generationsskifte)."""
    if until == OPEN_END:
        until, open_ended = None, True
    with transaction(conn):
        a = _live(conn, agreement_id)
        old_end = _end(a.end_date)
        if old_end is None:
            raise SeniorError(_("agreement {agreement_id} is open-ended: there is nothing to renew")
                .format(agreement_id=agreement_id))
        if a.ended_on:
            raise SeniorError(_("agreement {agreement_id} was ended on {ended_on}")
                .format(agreement_id=agreement_id, ended_on=a.ended_on),
                              hint=_("record a new agreement with seniorcli agreement add"))
        successor = _successor(conn, agreement_id)
        if successor:
            raise SeniorError(_("agreement {agreement_id} was already renewed by agreement "
                              "{successor}")
                                  .format(agreement_id=agreement_id, successor=successor),
                                          hint=_("renew {successor} instead")
                                              .format(successor=successor))
        old_start = a.start_date
        if old_end >= day_before(OPEN_END):
            raise SeniorError(_("agreement {agreement_id} ends on {old_end}: there is no day "
                              "left to renew it into")
                                  .format(agreement_id=agreement_id, old_end=old_end))
        start = old_end + timedelta(days=1)
        term = rules.agreement_default_term_months if rules else None
        end: date | None
        if open_ended:
            end = None
        elif until is not None:
            end = until
        elif term is not None:
            end = _term_end(start, term)
        else:  # the same length as the period it continues
            try:
                end = day_before(start + (old_end + timedelta(days=1) - old_start))
            except OverflowError:
                raise SeniorError(
                    _("a period as long as agreement {agreement_id}'s from {start} ends after "
                    "{OPEN_END}")
                        .format(agreement_id=agreement_id, start=start,
                                OPEN_END=day_before(OPEN_END)),
                                hint=_("give the last day with --until DATE"),
                ) from None
        emp = get_employee(conn, a.employee_id)
        eid, birth, leave = emp.employee_id, emp.birth_date, emp.leave_date
        if leave and leave < start.isoformat():
            raise SeniorError(_("employee '{eid}' left on {leave}, before the renewal's start "
                              "{start}").format(eid=eid, leave=leave, start=start))
        kind = agreement_type(a.type)
        _refuse(limit_problems(kind, date.fromisoformat(birth), start, end, open_ended,
                               others=_same_type(conn, eid, kind.key)))
        new_id = agreement_rows.insert(
            conn, employee_id=a.employee_id, type=a.type, start_date=start, end_date=end,
            open_ended=open_ended, weekly_hours=a.weekly_hours, amount=a.amount, note=a.note,
            renews_id=agreement_id, rules=rules.name if rules else a.rules,
            recorded_at=now_stamp())
        audit(conn, "agreement renew", 1)
        return new_id


@dataclass(frozen=True)
class AgreementChange:
    """What ``agreement correct`` changes; None leaves a field as it is (a note of "" removes
    it). ``end`` 9999-12-31, like ``open_ended``, makes it open-ended."""

    start: date | None = None
    end: date | None = None
    open_ended: bool = False
    weekly_hours: float | None = None
    amount: float | None = None
    note: str | None = None


def _kr(value: float | None) -> str:
    return "none" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".") + " kr"


def _hours(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _note(note: str | None) -> str:
    return f"'{note}'" if note else "none"


def describe_agreement(a: AgreementRow) -> str:
    """'seniorstilling 2027-01-01 to 2028-12-31, 30 hours, 1,500 kr': as the audit keeps it."""
    end = _end(a.end_date)
    parts = [f"{a.type} {a.start_date} to {end}" if end else
             f"{a.type} from {a.start_date}, open-ended"]
    if a.ended_on:
        parts[0] += " (ended early)"
    if a.weekly_hours is not None:
        parts.append(f"{_hours(a.weekly_hours)} hours")
    if a.amount is not None:
        parts.append(_kr(a.amount))
    if a.note:
        parts.append(f"note '{a.note}'")
    return ", ".join(parts)


def correct_agreement(conn: Db, agreement_id: int,
                      change: AgreementChange) -> list[str]:
    """Correct an agreement's dates, hours, amount or note. New dates are checked as `agreement
    add` checks them (the framework agreement's limits, against the employee's other
    agreements of the type; not after the leave date); a renewal keeps starting the day after
    the agreement it renews, and an agreement that was renewed keeps its end. Returns the
    changes made ("end 2028-12-31 → 2028-06-30"), none when everything already was so; the
    audit log keeps them."""
    if change.start is not None:
        _not_a_start(change.start)
    with transaction(conn):
        a = _live(conn, agreement_id)
        old_start, old_end = a.start_date, _end(a.end_date)
        old_open = a.open_ended or old_end is None
        start = change.start or old_start
        end, open_ended = old_end, old_open
        if change.open_ended or change.end == OPEN_END:
            end, open_ended = None, True
        elif change.end is not None:
            end, open_ended = change.end, False
        hours = change.weekly_hours if change.weekly_hours is not None else a.weekly_hours
        amount = change.amount if change.amount is not None else a.amount
        note = (stored_option(change.note, "--note") or None) if change.note is not None \
            else a.note
        changes, fields = [], []
        if start != old_start:
            changes.append(f"start {old_start} → {start}")
            fields.append("start")
        if (end, open_ended) != (old_end, old_open):
            changes.append(f"end {old_end or 'open-ended'} → {end or 'open-ended'}")
            fields.append("end")
        if hours != a.weekly_hours:
            changes.append(f"hours {_hours(a.weekly_hours)} → {_hours(hours)}")
            fields.append("hours")
        if amount != a.amount:
            changes.append(f"amount {_kr(a.amount)} → {_kr(amount)}")
            fields.append("amount")
        if note != a.note:
            changes.append(f"note {_note(a.note)} → {_note(note)}")
            fields.append("note")
        if not changes:
            return []
        what = f"agreement {agreement_id} cannot be corrected"
        if start != old_start or end != old_end:
            if a.ended_on and end is None:
                raise SeniorError(_("{what}: it was ended early on {ended_on}, so it has a "
                                  "last day")
                                      .format(what=what, ended_on=a.ended_on),
                                              hint=_("give the right last day with --end DATE"))
            successor = _successor(conn, agreement_id)
            if successor and end != old_end:
                raise SeniorError(
                    _("{what}: agreement {successor} renews it from the day after its end "
                    "({old_end})")
                        .format(what=what, successor=successor, old_end=old_end),
                                hint=_("withdraw agreement {successor} first (seniorcli "
                    "agreement withdraw {successor} --reason TEXT), then renew this one again")
                        .format(successor=successor))
            renews = a.renews_id
            if (start != old_start and renews is not None
                    and not _get(conn, renews).withdrawn_at):
                raise SeniorError(
                    _("{what}: it renews agreement {renews} and starts the day after its end "
                    "({old_start})")
                        .format(what=what, renews=renews, old_start=old_start),
                                hint=_("to move it, withdraw this renewal, correct the end "
                    "of agreement {renews} and renew it again").format(renews=renews))
            emp = get_employee(conn, a.employee_id)
            eid, birth, leave = emp.employee_id, emp.birth_date, emp.leave_date
            if leave and leave < start.isoformat():
                raise SeniorError(_("{what}: employee '{eid}' left on {leave}, before the start "
                                  "{start}").format(what=what, eid=eid, leave=leave, start=start))
            kind = agreement_type(a.type)
            problems = limit_problems(kind, date.fromisoformat(birth), start, end, open_ended,
                                      others=_same_type(conn, eid, kind.key, agreement_id))
            if problems:
                raise SeniorError(
                    _("{what}: it would break the framework agreement's limits: {problems}")
                    .format(what=what, problems="; ".join(problems)),
                    hint=_("seniorcli agreement types shows each type's limits"))
        ended_on = end if a.ended_on and end is not None else a.ended_on
        agreement_rows.correct(conn, agreement_id, start_date=start, end_date=end,
                               open_ended=open_ended, ended_on=ended_on, weekly_hours=hours,
                               amount=amount, note=note)
        agreement_rows.record_change(conn, agreement_id, now_stamp(), fields)
        audit(conn, "agreement correct", 1, employee_id=a.employee_id,
              detail=f"agreement {agreement_id} ({describe_agreement(a)}): " + "; ".join(changes))
        return changes


def withdraw_agreement(conn: Db, agreement_id: int, reason: str) -> None:
    """Withdraw an agreement recorded by mistake (unlike `agreement end`, which ends one that
    ran): from now on it counts nowhere, while `show` and the audit log keep it, with the
    reason."""
    reason = clean_text(reason).strip()  # a CPR number in it is masked by audit()
    if not reason:
        raise SeniorError(_("a withdrawal needs a reason"),
                          hint=_('--reason "recorded for the wrong employee"'))
    with transaction(conn):
        a = _get(conn, agreement_id)
        if a.withdrawn_at:
            raise SeniorError(_("agreement {agreement_id} was already withdrawn on "
                              "{withdrawn_at}")
                                  .format(agreement_id=agreement_id,
                                          withdrawn_at=a.withdrawn_at[:10]))
        successor = _successor(conn, agreement_id)
        if successor:
            raise SeniorError(
                _("agreement {agreement_id} was renewed by agreement {successor}, which "
                "continues it")
                    .format(agreement_id=agreement_id, successor=successor),
                            hint=_("withdraw agreement {successor} first if it was recorded "
                "by mistake too; to stop an agreement that ran, use seniorcli agreement end")
                    .format(successor=successor))
        agreement_rows.withdraw(conn, agreement_id, now_stamp())
        audit(conn, "agreement withdraw", 1, employee_id=a.employee_id,
              detail=f"agreement {agreement_id} ({describe_agreement(a)}) withdrawn; reason: "
                     f"{reason}")


def _as_dict(r: ListedAgreement, as_of: date | None = None) -> dict:
    end = _end(r.end_date)
    row = {
        "agreement_id": r.id, "employee_id": r.employee_id, "name": r.name,
        "department": r.department, "type": r.type, "start_date": r.start_date,
        "end_date": end, "open_ended": r.open_ended or end is None,
        "ended_early": r.ended_on is not None, "weekly_hours": r.weekly_hours,
        "amount": r.amount, "note": r.note, "renews_id": r.renews_id,
        "renewed_by": r.renewed_by,
        # a Saturday, Sunday, public holiday or agreed day off ("2. juledag"): payroll's
        # last working day under the agreement is then an earlier one
        "end_date_day_off": day_off(end),
    }
    if as_of is not None:
        row["days_left"] = (end - as_of).days if end else None
    return row


def list_agreements(
    conn: Db, as_of: date, *, active_on: date | None = None,
    kind: str | None = None, department: str | None = None,
) -> Iterator[dict]:
    """Agreements (open-ended last), with their status on ``as_of``: future (starting after
    it: not running yet), active or ended. ``active_on`` keeps those running on that day.
    Withdrawn agreements are left out."""
    key = agreement_type(kind).key if kind is not None else None
    for r in agreement_rows.listing(conn, active_on=active_on, kind=key,
                                    department=department):
        row = _as_dict(r)
        row["status"] = (
            "future" if row["start_date"] > as_of
            else "ended" if row["end_date"] is not None and row["end_date"] < as_of
            else "active"
        )
        yield row


def expiring(conn: Db, as_of: date, within_days: int = 90) -> Iterator[dict]:
    """Agreements running by ``as_of`` (started on or before it) whose end date falls from
    ``as_of`` to ``within_days`` after it: payroll must stop or renew supplements and reduced
    hours. Open-ended agreements (9999-12-31 included) never expire; one that has not started
    is not running, so it does not expire either; nor does a withdrawn one."""
    try:
        horizon = as_of + timedelta(days=within_days)
    except OverflowError:
        horizon = date.max
    for r in agreement_rows.ending(conn, started_by=as_of, first=as_of, last=horizon):
        yield _as_dict(r, as_of)


def seniordays(conn: Db, year: int, table: SeniorDaysTable) -> Iterator[dict]:
    """Each employee who is staff on some day of ``year`` (rules.base.is_staff: hired by 31
    December, no leave date on or before 1 January), with a senior-day entitlement for it."""
    for p in agreement_rows.staff_born_by(conn, date(year - table.first_age, 12, 31), year):
        e = entitlement(table, p.birth_date, year)
        if e is not None:
            yield {"employee_id": p.employee_id, "name": p.name, "department": p.department,
                   "birth_date": p.birth_date, "year": year, **e}
