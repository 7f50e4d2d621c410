"""Senior agreements: add, list, end, renew, and the payroll export of those expiring."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from seniorcli.agreements import BY_KEY, TYPES, Period, default_end, limit_problems
from seniorcli.dates import OPEN_END, day_before
from seniorcli.db.engine import transaction
from seniorcli.errors import NotFoundError, SeniorError
from seniorcli.rules.base import RuleSet
from seniorcli.services.common import audit, now_stamp
from seniorcli.services.employees import get_employee


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
    kind = BY_KEY.get(key.strip().lower())
    if kind is None:
        raise SeniorError(
            f"unknown agreement type '{key}'",
            hint="seniorcli agreement types lists them: " + ", ".join(t.key for t in TYPES),
        )
    return kind


def _end(value: str | None) -> date | None:
    """A stored end date; None for open-ended, including a stored 9999-12-31 ("no end")."""
    if value is None or value == OPEN_END.isoformat():
        return None
    return date.fromisoformat(value)


def _not_a_start(start: date) -> None:
    if start == OPEN_END:
        raise SeniorError(f"{OPEN_END} means 'no end' in payroll files, not a start date",
                          hint="give the agreement's first day")


def _term_end(start: date, term: int) -> date:
    try:
        return default_end(start, term)
    except (ValueError, OverflowError):
        raise SeniorError(f"a term of {term} months from {start} ends after {day_before(OPEN_END)}",
                          hint="give the last day with --end (or --until)") from None


def _same_type(conn: sqlite3.Connection, employee_id: str, kind: str) -> list[Period]:
    """The employee's agreements of a type as (id, start, end) periods; an agreement ended
    early ends on its last day (end_date is set to it), an open-ended one has no end."""
    return [(aid, date.fromisoformat(start), _end(end)) for aid, start, end in conn.execute(
        "SELECT id, start_date, end_date FROM agreement WHERE employee_id = ? AND type = ? "
        "ORDER BY start_date, id", (employee_id, kind))]


def _refuse(problems: list[str]) -> None:
    if problems:
        raise SeniorError(
            "the agreement breaks the framework agreement's limits: " + "; ".join(problems),
            hint="seniorcli agreement types shows each type's limits",
        )


def add_agreement(conn: sqlite3.Connection, new: NewAgreement, rules: RuleSet | None) -> int:
    """Check the limits and record the agreement; returns its id. An end of 9999-12-31
    (payroll systems' "no end") records an open-ended agreement."""
    kind = agreement_type(new.type)
    _not_a_start(new.start)
    open_ended = new.open_ended or new.end == OPEN_END
    end = None if new.end == OPEN_END else new.end
    if end is None and not open_ended:
        term = rules.agreement_default_term_months if rules else None
        if term is None:
            where = f"the rule set {rules.name} has" if rules else "no rule set is chosen, so"
            raise SeniorError(
                f"no end date: {where} no default term for senior agreements",
                hint="give --end DATE or --open-ended (or --rules albertslund for its 2-year "
                "term)",
            )
        end = _term_end(new.start, term)
    with transaction(conn):
        eid, _name, birth, *_rest, leave, _email, _hours = get_employee(conn, new.employee_id)
        if leave and leave < new.start.isoformat():
            raise SeniorError(
                f"employee '{eid}' left on {leave}, before the agreement's start {new.start}"
            )
        _refuse(limit_problems(kind, date.fromisoformat(birth), new.start, end, open_ended,
                               others=_same_type(conn, eid, kind.key)))
        cur = conn.execute(
            "INSERT INTO agreement (employee_id, type, start_date, end_date, open_ended, "
            "weekly_hours, amount, note, rules, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (eid, kind.key, new.start.isoformat(), end.isoformat() if end else None,
             open_ended, new.weekly_hours, new.amount, new.note,
             rules.name if rules else None, now_stamp()),
        )
        audit(conn, "agreement add", 1)
        return int(cur.lastrowid)


def _get(conn: sqlite3.Connection, agreement_id: int) -> sqlite3.Row:
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM agreement WHERE id = ?", (agreement_id,)).fetchone()
    finally:
        conn.row_factory = None
    if row is None:
        raise NotFoundError(f"no agreement with id {agreement_id}",
                            hint="seniorcli agreement list shows the ids")
    return row


def end_agreement(conn: sqlite3.Connection, agreement_id: int, on: date) -> None:
    """End an agreement early on ``on`` (its last day)."""
    if on == OPEN_END:
        raise SeniorError(f"{OPEN_END} means 'no end' in payroll files, not a last day",
                          hint="give the agreement's last day with --date DATE")
    with transaction(conn):
        a = _get(conn, agreement_id)
        if a["ended_on"]:
            raise SeniorError(f"agreement {agreement_id} was already ended on {a['ended_on']}")
        if on.isoformat() < a["start_date"]:
            raise SeniorError(f"{on} is before the agreement's start {a['start_date']}")
        planned = _end(a["end_date"])
        if planned is not None and on > planned:
            raise SeniorError(
                f"agreement {agreement_id} already ends on {planned}, before {on}",
                hint=f"to extend it, use: seniorcli agreement renew {agreement_id} --until DATE",
            )
        conn.execute(
            "UPDATE agreement SET end_date = ?, ended_on = ?, open_ended = 0 WHERE id = ?",
            (on.isoformat(), on.isoformat(), agreement_id),
        )
        audit(conn, "agreement end", 1)


def renew_agreement(conn: sqlite3.Connection, agreement_id: int, until: date | None,
                    rules: RuleSet | None, open_ended: bool = False) -> int:
    """A new period that continues the old one from the day after its end.

    ``until`` 9999-12-31 (payroll systems' "no end"), like ``open_ended``, continues it without
    an end: allowed for types that may be open-ended, refused for those that must name their
    end (generationsskifte)."""
    if until == OPEN_END:
        until, open_ended = None, True
    with transaction(conn):
        a = _get(conn, agreement_id)
        old_end = _end(a["end_date"])
        if old_end is None:
            raise SeniorError(f"agreement {agreement_id} is open-ended: there is nothing to renew")
        if a["ended_on"]:
            raise SeniorError(f"agreement {agreement_id} was ended on {a['ended_on']}",
                              hint="record a new agreement with seniorcli agreement add")
        successor = conn.execute("SELECT id FROM agreement WHERE renews_id = ?",
                                 (agreement_id,)).fetchone()
        if successor:
            raise SeniorError(f"agreement {agreement_id} was already renewed by agreement "
                              f"{successor[0]}", hint=f"renew {successor[0]} instead")
        old_start = date.fromisoformat(a["start_date"])
        if old_end >= day_before(OPEN_END):
            raise SeniorError(f"agreement {agreement_id} ends on {old_end}: there is no day "
                              "left to renew it into")
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
                    f"a period as long as agreement {agreement_id}'s from {start} ends after "
                    f"{day_before(OPEN_END)}", hint="give the last day with --until DATE",
                ) from None
        eid, _n, birth, *_rest, leave, _e, _h = get_employee(conn, a["employee_id"])
        if leave and leave < start.isoformat():
            raise SeniorError(f"employee '{eid}' left on {leave}, before the renewal's start "
                              f"{start}")
        kind = agreement_type(a["type"])
        _refuse(limit_problems(kind, date.fromisoformat(birth), start, end, open_ended,
                               others=_same_type(conn, eid, kind.key)))
        cur = conn.execute(
            "INSERT INTO agreement (employee_id, type, start_date, end_date, open_ended, "
            "weekly_hours, amount, note, renews_id, rules, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a["employee_id"], a["type"], start.isoformat(), end.isoformat() if end else None,
             open_ended, a["weekly_hours"], a["amount"], a["note"], agreement_id,
             rules.name if rules else a["rules"], now_stamp()),
        )
        audit(conn, "agreement renew", 1)
        return int(cur.lastrowid)


_SELECT = (
    "SELECT a.id, a.employee_id, e.name, e.department, a.type, a.start_date, a.end_date, "
    "a.open_ended, a.ended_on, a.weekly_hours, a.amount, a.note, a.renews_id, "
    "(SELECT s.id FROM agreement s WHERE s.renews_id = a.id) AS renewed_by "
    "FROM agreement a JOIN employee e ON e.employee_id = a.employee_id"
)


def _as_dict(r: tuple, as_of: date | None = None) -> dict:
    (aid, eid, name, dept, kind, start, end, open_ended, ended_on, hours, amount, note,
     renews, renewed_by) = r
    start_d, end_d = date.fromisoformat(start), _end(end)
    row = {
        "agreement_id": aid, "employee_id": eid, "name": name, "department": dept,
        "type": kind, "start_date": start_d, "end_date": end_d,
        "open_ended": bool(open_ended) or end_d is None,
        "ended_early": ended_on is not None, "weekly_hours": hours, "amount": amount,
        "note": note, "renews_id": renews, "renewed_by": renewed_by,
    }
    if as_of is not None:
        row["days_left"] = (end_d - as_of).days if end_d else None
    return row


#: Open-ended: no end date, or the payroll systems' 9999-12-31 stored by an older version.
_OPEN = f"(a.end_date IS NULL OR a.end_date >= '{OPEN_END.isoformat()}')"


def list_agreements(
    conn: sqlite3.Connection, as_of: date, *, active_on: date | None = None,
    kind: str | None = None, department: str | None = None,
) -> Iterator[dict]:
    """Agreements (open-ended last), with their status on ``as_of``: future (starting after
    it: not running yet), active or ended. ``active_on`` keeps those running on that day."""
    where, args = ["1 = 1"], []
    if active_on is not None:
        where.append("a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?)")
        args += [active_on.isoformat()] * 2
    if kind is not None:
        where.append("a.type = ?")
        args.append(agreement_type(kind).key)
    if department is not None:
        where.append("e.department = ?")
        args.append(department)
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY {_OPEN}, a.end_date, a.id"
    for r in conn.execute(sql, args):
        row = _as_dict(r)
        row["status"] = (
            "future" if row["start_date"] > as_of
            else "ended" if row["end_date"] is not None and row["end_date"] < as_of
            else "active"
        )
        yield row


def expiring(conn: sqlite3.Connection, as_of: date, within_days: int = 90) -> Iterator[dict]:
    """Agreements running by ``as_of`` (started on or before it) whose end date falls from
    ``as_of`` to ``within_days`` after it: payroll must stop or renew supplements and reduced
    hours. Open-ended agreements (9999-12-31 included) never expire; one that has not started
    is not running, so it does not expire either."""
    sql = (f"{_SELECT} WHERE NOT {_OPEN} AND a.start_date <= ? AND a.end_date BETWEEN ? AND ? "
           "ORDER BY a.end_date, e.department, a.employee_id")
    try:
        horizon = as_of + timedelta(days=within_days)
    except OverflowError:
        horizon = date.max
    for r in conn.execute(sql, (as_of.isoformat(), as_of.isoformat(), horizon.isoformat())):
        yield _as_dict(r, as_of)


def seniordays(conn: sqlite3.Connection, year: int, table) -> Iterator[dict]:
    """Each employee who is staff on some day of ``year`` (rules.base.is_staff: hired by 31
    December, no leave date on or before 1 January), with a senior-day entitlement for it."""
    from seniorcli.seniordays import entitlement

    latest_birth = date(year - table.first_age, 12, 31).isoformat()
    sql = (
        "SELECT employee_id, name, department, birth_date FROM employee "
        "WHERE birth_date <= ? AND (leave_date IS NULL OR leave_date > ?) "
        "AND (hire_date IS NULL OR hire_date <= ?) ORDER BY department, employee_id"
    )
    for eid, name, dept, birth in conn.execute(
        sql, (latest_birth, f"{year}-01-01", f"{year}-12-31")
    ):
        e = entitlement(table, date.fromisoformat(birth), year)
        if e is not None:
            yield {"employee_id": eid, "name": name, "department": dept,
                   "birth_date": date.fromisoformat(birth), "year": year, **e}
