"""Invitations to a senior conversation: who gets one, when it is proposed, and logging them.

``plan_invitations`` takes the due list (``services.due.due_list``, the same answer and filters
as ``seniorcli due``) and proposes a time for each person: never on a weekend, a public holiday
or an agreed day off (``seniorcli.workdays``), not before the due date and not at less than the
notice asked for, and spread over consecutive slots so that neither a manager nor an employee
has two conversations at once (a manager who is due has their own conversation too). The
calendar files themselves are rendered by ``seniorcli.output.ics``; this module decides only
what goes in them.

Everything is derived from the as-of date and the register, never from the clock, so the same
command on the same as-of date plans the same invitations (the files are byte-identical).
``log_invited`` records ``invited`` for each one, once, through the checks of
``log --from-file`` (services.conversations).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seniorcli.db import Db
from seniorcli.rules.base import RuleSet
from seniorcli.workdays import day_off, next_working_day

#: Every proposed time is wall-clock time in Denmark.
TIMEZONE = "Europe/Copenhagen"
#: The calendar file of the staff without a manager, when one file is written per manager.
NO_MANAGER_FILE = "uden-leder.ics"
#: The mail-merge file written beside the calendar files.
MERGE_FILE = "flettefil.csv"
#: SEQUENCE counts days from this date to the as-of date, so a later run supersedes an earlier
#: one in the calendar (RFC 5545 3.8.7.4: a revision has a higher sequence number).
SEQUENCE_EPOCH = date(2000, 1, 1)


@dataclass(frozen=True)
class Schedule:
    """When conversations are proposed: ``first`` is the first slot of a day; slots of
    ``minutes`` follow each other until ``day_end`` (the last one ends by then); at most
    ``per_day`` a day for one person (None: as many as fit); never sooner than ``notice`` days
    after the as-of date."""

    first: time = time(9, 0)
    minutes: int = 60
    day_end: time = time(15, 0)
    notice: int = 7
    per_day: int | None = None

    def slots(self) -> int:
        """How many conversations fit in a day (0: not even one)."""
        span = (self.day_end.hour * 60 + self.day_end.minute) - (
            self.first.hour * 60 + self.first.minute)
        fit = max(0, span // self.minutes)
        return min(fit, self.per_day) if self.per_day else fit


@dataclass(frozen=True)
class Invitation:
    """One proposed senior conversation: the employee, their manager (the organiser), the due
    date with the day off it falls on (None: a working day), the proposed time and the
    calendar identity (``uid`` per employee and cycle, ``sequence`` from the as-of date)."""

    employee_id: str
    name: str
    email: str | None
    department: str | None
    manager_id: str | None
    manager_name: str | None
    manager_email: str | None
    due_date: date
    due_day_off: str | None
    reason: str
    pending: str | None
    start: datetime
    end: datetime
    uid: str
    sequence: int
    file: str


def earliest_day(due: date, as_of: date, notice: int) -> date:
    """The first day a conversation may be proposed: the due date if it lies at least
    ``notice`` days after the as-of date, else the day ``notice`` days after it; moved on to the
    next working day (not a weekend, public holiday or agreed day off)."""
    ahead = as_of + timedelta(days=notice)
    return next_working_day(max(due, ahead))


def uid_for(employee_id: str, due: date) -> str:
    """One identity per employee and cycle (the due date marks the cycle): a run again, or a
    later run while the same offer is due, updates the event instead of adding another."""
    return f"seniorsamtale-{employee_id}-{due.isoformat()}@seniorcli"


def sequence_for(as_of: date) -> int:
    return max(0, (as_of - SEQUENCE_EPOCH).days)


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def usable_email(value: str | None) -> str | None:
    """An e-mail address a calendar can use (name@domain.tld), else None: the roster's column
    is free text ("-", "ukendt", two addresses)."""
    value = (value or "").strip()
    return value if _EMAIL.fullmatch(value) else None


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _token(identifier: str, hashed: bool = False) -> str:
    """An id as part of a file name: letters, digits, '-' and '_' only. An id with any other
    character (or one that would clash with another's name) gets a short hash of the id, so
    that two ids never share a file."""
    safe = _UNSAFE.sub("_", identifier)[:40]
    if hashed or safe != identifier or not safe:
        safe += "-" + hashlib.sha256(identifier.encode()).hexdigest()[:8]
    return safe


def file_names(ids: Iterable[str], prefix: str) -> dict[str, str]:
    """``prefix-<id>.ics`` for each id, safe on every file system: names that differ only in
    case (one file on Windows and macOS) are told apart by a hash of the id."""
    unique = sorted(set(ids))
    folded: dict[str, int] = {}
    for i in unique:
        key = _token(i).casefold()
        folded[key] = folded.get(key, 0) + 1
    return {i: f"{prefix}-{_token(i, folded[_token(i).casefold()] > 1)}.ics" for i in unique}


def _assign(rows: list[dict], as_of: date, schedule: Schedule) -> dict[str, tuple[date, int]]:
    """(day, slot number) for each employee id: in order of the earliest possible day, then due
    date and id, each takes the first slot from its earliest day on in which neither the
    employee nor the manager is busy, and in which neither has ``per_day`` conversations yet.
    Staff without a manager are spread as one group (one person, HR say, holds them)."""
    per_day = schedule.slots()
    if per_day < 1:
        raise ValueError("no slot fits in a day")  # the CLI refuses such options first
    busy: dict[str, dict[date, set[int]]] = {}
    order = sorted((earliest_day(r["due_date"], as_of, schedule.notice), r["due_date"],
                    r["employee_id"], r["manager_id"]) for r in rows)
    found: dict[str, tuple[date, int]] = {}
    for day, _due, eid, mgr in order:
        people = [busy.setdefault(eid, {}), busy.setdefault(mgr if mgr else "\0", {})]
        while True:
            taken = set().union(*(p.get(day, ()) for p in people))
            free = next((k for k in range(per_day) if k not in taken), None)
            if free is not None and all(len(p.get(day, ())) < per_day for p in people):
                break
            day = next_working_day(day + timedelta(days=1))
        for p in people:
            p.setdefault(day, set()).add(free)
        found[eid] = (day, free)
    return found


def plan_invitations(
    conn: Db, rules: RuleSet, as_of: date, within_days: int = 0, *,
    department: str | None = None, manager: str | None = None,
    schedule: Schedule = Schedule(), per_manager: bool = False, skip_invited: bool = False,
) -> list[Invitation]:
    """The invitations for the people due on ``as_of`` (or within ``within_days``), as the due
    list gives them with the same filters; ``skip_invited`` leaves out those with an invitation
    pending (``invited`` logged in the open cycle). Sorted by manager, time and employee id.
    Each file is ``seniorsamtale-<id>.ics``, or with ``per_manager`` ``leder-<manager id>.ics``
    (``uden-leder.ics`` for staff without a manager): names from ids only, never a name."""
    from seniorcli.services.due import due_list
    from seniorcli.services.employees import contacts

    rows = [r for r in due_list(conn, rules, as_of, within_days, department=department,
                                manager=manager)
            if not (skip_invited and r["pending"] == "invited")]
    if not rows:
        return []
    people = contacts(conn, {r["employee_id"] for r in rows} | {r["manager_id"] for r in rows})
    slots = _assign(rows, as_of, schedule)
    if per_manager:
        files = file_names((r["manager_id"] for r in rows if r["manager_id"]), "leder")
        file_of = {r["employee_id"]: files[r["manager_id"]] if r["manager_id"]
                   else NO_MANAGER_FILE for r in rows}
    else:
        file_of = file_names((r["employee_id"] for r in rows), "seniorsamtale")
    zone = ZoneInfo(TIMEZONE)
    length = timedelta(minutes=schedule.minutes)
    sequence = sequence_for(as_of)
    planned = []
    for r in rows:
        eid, mgr = r["employee_id"], r["manager_id"]
        day, slot = slots[eid]
        start = datetime.combine(day, schedule.first, tzinfo=zone) + slot * length
        me, boss = people.get(eid), people.get(mgr) if mgr else None
        planned.append(Invitation(
            employee_id=eid, name=r["name"], email=usable_email(me.email if me else None),
            department=r["department"], manager_id=mgr,
            manager_name=r["manager_name"] or (boss.name if boss else None),
            manager_email=usable_email(boss.email if boss else None),
            due_date=r["due_date"], due_day_off=day_off(r["due_date"]), reason=r["reason"],
            pending=r["pending"], start=start, end=start + length,
            uid=uid_for(eid, r["due_date"]), sequence=sequence, file=file_of[eid]))
    planned.sort(key=lambda i: (i.manager_id or "", i.start, i.employee_id))
    return planned


@dataclass(frozen=True)
class LogResult:
    logged: int  # outcomes ``invited`` added
    already: int  # an invitation was pending already (or logged on that day): not logged again
    withdrawn: int = 0  # logged on that day and withdrawn since: not logged again


def log_invited(conn: Db, invitations: Iterable[Invitation], as_of: date, today: date,
                note: str | None = None) -> LogResult:
    """Log ``invited``, dated ``as_of``, for each invitation, in one transaction and once: not
    for someone whose invitation is pending already (``pending == "invited"``, a run again),
    nor when ``invited`` is logged for that day already or was withdrawn since (as
    ``log --from-file`` does for a file run again). Every entry passes the checks of ``log``
    (a known employee, not before the hire date, not after the leave date), or nothing is
    logged. ``today`` is the real date."""
    from seniorcli.services import conversations as log

    todo = [i for i in invitations if i.pending != "invited"]
    pending = sum(1 for i in invitations if i.pending == "invited")
    logged, already, withdrawn = log.log_once(
        conn, [log.Entry(i.employee_id, "invited", as_of, note) for i in todo], today,
        "invite --log-invited")
    return LogResult(logged, pending + already, withdrawn)

