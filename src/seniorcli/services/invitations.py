"""Invitations to a senior conversation: who gets one, when it is proposed, and logging them.

``plan_invitations`` takes the due list (``services.due.due_list``, the same answer and filters
as ``seniorcli due``) and proposes a time for each person: never on a weekend, a public holiday
or an agreed day off (``seniorcli.workdays``), not before the due date and not at less than the
notice asked for, before the leave date of someone who is leaving, and spread over consecutive
slots so that neither a manager nor an employee has two conversations at once (a manager who
is due has their own conversation too). Each person's calendar is their own: staff without a
manager share none (no organiser connects them), so each is proposed their earliest slot. The
calendar files themselves are rendered by
``seniorcli.output.ics``; this module decides only what goes in them.

Each invitation's calendar identity (UID) names the employee's *cycle*: the last conversation
held or declined in the current employment, else the hire date (``cycle_of``). It does not move
while the cycle lasts — a request, a register start or a changed rule that moves the due date
leaves it as it is — so a calendar updates the event instead of adding a second one.

``reconcile`` compares a run with what the previous run of the same selection wrote into the
folder (its manifest, kept by the command): invitations no longer due are cancelled, a changed
time gets a higher SEQUENCE.

Everything is derived from the as-of date, the register and the folder's manifest, never from
the clock, so the same command on the same as-of date plans the same invitations (the files are
byte-identical). ``log_invited`` records ``invited`` for each one, once, through the checks of
``log --from-file`` (services.conversations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seniorcli.dates import add_months
from seniorcli.db import Db, snapshot
from seniorcli.files import safe_names
from seniorcli.rules.base import COMPLETING, Facts, RuleSet
from seniorcli.workdays import day_off, next_working_day

#: Every proposed time is wall-clock time in Denmark.
TIMEZONE = "Europe/Copenhagen"
#: The calendar file of the staff without a manager, when one file is written per manager.
NO_MANAGER_FILE = "uden-leder.ics"
#: The mail-merge file written beside the calendar files.
MERGE_FILE = "flettefil.csv"
#: What each run wrote into the folder, per selection (hidden: not for the mail merge).
MANIFEST_FILE = ".seniorcli-invite.json"
#: SEQUENCE counts days from this date to the as-of date, so a later run supersedes an earlier
#: one in the calendar (RFC 5545 3.8.7.4: a revision has a higher sequence number).
SEQUENCE_EPOCH = date(2000, 1, 1)
#: A due date more than this many months before the as-of date is not shown to the employee
#: (an offer missed a year or more ago: "it should have been offered earlier").
LONG_PAST_MONTHS = 12
#: A proposal more than this many weeks after the first day it could have had is "crowded":
#: its manager's days are full that far ahead (the command warns, with the count).
CROWDED_WEEKS = 8


@dataclass(frozen=True)
class Schedule:
    """When conversations are proposed: ``first`` is the first slot of a day; slots of
    ``minutes`` follow each other until ``day_end`` (the last one ends by then); at most
    ``per_day`` a day for one person (None: as many as fit); never sooner than ``notice`` days
    after the as-of date (unless someone leaves before that)."""

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
class Cycle:
    """What marks an employee's current cycle of offers, and does not move while it lasts:
    ``after`` the last conversation held or declined in the current employment (dated up to the
    as-of date), else ``hired`` on the current employment's hire date, else ``first`` (no hire
    date in the register, nothing completed)."""

    kind: str  # "after" | "hired" | "first"
    day: date | None = None


def cycle_of(facts: Facts, as_of: date) -> Cycle:
    """The cycle an employee is in on ``as_of``: outcomes of an earlier employment (before the
    hire date) and outcomes dated after ``as_of`` do not count (rules.base.RuleSet.offer_on)."""
    hire = facts.hire_date
    done = [o.date for o in facts.outcomes
            if o.outcome in COMPLETING and o.date <= as_of and (hire is None or o.date >= hire)]
    if done:
        return Cycle("after", max(done))
    if hire is not None:
        return Cycle("hired", hire)
    return Cycle("first")


def uid_for(employee_id: str, cycle: Cycle) -> str:
    """One identity per employee and cycle: ``seniorsamtale-<id>-after-<date of the last
    conversation held or declined>@seniorcli``, ``seniorsamtale-<id>-hired-<hire
    date>@seniorcli`` in the first cycle of an employment, ``seniorsamtale-<id>@seniorcli``
    without a hire date. A run again, or a later run in the same cycle, updates the event
    instead of adding another, whatever moved the due date; a new cycle is a new event."""
    if cycle.day is None:
        return f"seniorsamtale-{employee_id}@seniorcli"
    return f"seniorsamtale-{employee_id}-{cycle.kind}-{cycle.day.isoformat()}@seniorcli"


def sequence_for(as_of: date) -> int:
    return max(0, (as_of - SEQUENCE_EPOCH).days)


@dataclass(frozen=True)
class Invitation:
    """One proposed senior conversation: the employee, their manager (the organiser), the due
    date with the day off it falls on (None: a working day) and whether it lies long past, the
    proposed time and the calendar identity (``uid`` per employee and cycle, ``sequence`` from
    the as-of date: ``reconcile`` raises it where the folder held an earlier version)."""

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
    due_long_past: bool = False
    leave_date: date | None = None


@dataclass(frozen=True)
class Plan:
    """A run's invitations, and who of the due was left out: ``skipped`` by ``skip_invited``
    (an invitation pending from before the as-of date), ``no_slot`` (id, leave date) for
    those leaving before any working day with a free slot. ``due_uids``: the cycles of
    everyone due in the selection, invited now or not — an earlier invitation of one of them
    still stands and is never cancelled. ``crowded``: (calendar, how many) of the invitations
    proposed more than ``CROWDED_WEEKS`` after the first day they could have had — the
    calendar is the manager's id, or the employee's own for someone without a manager — the
    fullest first."""

    invitations: list[Invitation]
    due_uids: frozenset[str] = frozenset()
    skipped: tuple[str, ...] = ()
    no_slot: tuple[tuple[str, date], ...] = ()
    crowded: tuple[tuple[str, int], ...] = ()


def earliest_day(due: date, as_of: date, notice: int) -> date:
    """The first day a conversation may be proposed: the due date if it lies at least
    ``notice`` days after the as-of date, else the day ``notice`` days after it; moved on to the
    next working day (not a weekend, public holiday or agreed day off)."""
    ahead = as_of + timedelta(days=notice)
    return next_working_day(max(due, ahead))


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def usable_email(value: str | None) -> str | None:
    """An e-mail address a calendar can use (name@domain.tld), else None: the roster's column
    is free text ("-", "ukendt", two addresses)."""
    value = (value or "").strip()
    return value if _EMAIL.fullmatch(value) else None


#: The names this command writes, and the only ones it ever removes from a folder.
OWN_FILE = re.compile(r"[A-Za-z0-9_-]{1,80}\.ics")


@dataclass(frozen=True)
class Slot:
    """A proposed time: the ``number``-th slot of ``day``; ``earliest``: the first day the
    employee could have had (their due date, the notice, a leave date), before any calendar
    was full."""

    day: date
    number: int
    earliest: date


def assign_slots(rows: Iterable[dict], as_of: date, schedule: Schedule,
                 leaving: dict[str, date]) -> dict[str, Slot | None]:
    """A slot for each employee id (``rows``: ``employee_id``, ``due_date``, ``manager_id``).

    In order of the earliest possible day, then leave date (the soonest leaving first), due
    date and id, each takes the first slot from their earliest day on in which neither they nor
    their manager is busy (at most ``schedule.slots()`` a day each). Someone leaving gets a day
    before the leave date: if the notice would pass it, from the next working day after the
    as-of date; None if no day before it has a free slot. Someone without a manager has only
    their own calendar (busy only if they are a manager themselves).

    Linear rather than quadratic: the people come in order of their earliest day, and a full
    day stays full, so each calendar keeps a pointer to its first day that may have room (every
    working day from the current earliest day up to it is full) and a search starts there
    instead of at the earliest day. tests/test_invite.py checks it against the plain
    day-by-day search on random registers."""
    per_day = schedule.slots()
    if per_day < 1:
        raise ValueError("no slot fits in a day")  # the CLI refuses such options first
    one = timedelta(days=1)
    soonest = next_working_day(as_of + one)
    never = date.max
    order = []
    for r in rows:
        eid, due = r["employee_id"], r["due_date"]
        day = earliest_day(due, as_of, schedule.notice)
        leave = leaving.get(eid)
        if leave is not None and day >= leave:
            day = next_working_day(max(due, soonest))  # leaving: the notice gives way
        order.append((day, leave or never, due, eid, r["manager_id"] or None))
    order.sort()
    busy: dict[str, dict[date, set[int]]] = {}  # calendar → day → the slot numbers taken
    room: dict[str, date] = {}  # calendar → its first day from the current one that may have room
    found: dict[str, Slot | None] = {}
    for earliest, leave, _due, eid, mgr in order:
        owners = [eid] if mgr is None or mgr == eid else [eid, mgr]
        calendars = [busy.setdefault(o, {}) for o in owners]
        for o, cal in zip(owners, calendars, strict=True):
            day = max(room.get(o, earliest), earliest)
            while len(cal.get(day, ())) >= per_day:
                day = next_working_day(day + one)
            room[o] = day
        day = max(room[o] for o in owners)
        free = None
        while day < leave:
            taken = set().union(*(cal.get(day, ()) for cal in calendars))
            free = next((k for k in range(per_day) if k not in taken), None)
            if free is not None:
                break
            day = next_working_day(day + one)
        if free is None:
            found[eid] = None
            continue
        for cal in calendars:
            cal.setdefault(day, set()).add(free)
        found[eid] = Slot(day, free, earliest)
    return found


def _invited_on(facts: Facts, cycle: Cycle, as_of: date) -> date | None:
    """The date of the latest ``invited`` of the open cycle (up to ``as_of``), or None."""
    hire = facts.hire_date
    days = [o.date for o in facts.outcomes
            if o.outcome == "invited" and o.date <= as_of and (hire is None or o.date >= hire)
            and (cycle.kind != "after" or (cycle.day is not None and o.date > cycle.day))]
    return max(days) if days else None


def _facts(conn: Db, rules: RuleSet, as_of: date, within_days: int, department: str | None,
           manager: str | None, wanted: set[str]) -> dict[str, Facts]:
    """What the rule set knew of each of ``wanted`` (hire and leave date, outcomes up to
    ``as_of``), read in one query: the due list's candidates (``db.due.candidates``, with the
    due list's own bounds), which hold everyone it listed — one query instead of one per
    employee (13,000 round trips to a PostgreSQL server). Anyone missing is read alone
    (``services.due.facts_for``)."""
    from seniorcli.db import due as due_rows
    from seniorcli.services.due import facts_for, outcomes_from

    if not wanted:
        return {}
    horizon = as_of + timedelta(days=within_days)
    found: dict[str, Facts] = {}
    fromiso = date.fromisoformat
    for eid, _name, _dept, _mgr, birth, hire, leave, packed in due_rows.candidates(
            conn, as_of=as_of.isoformat(),
            cutoff=rules.latest_birth_due_by(horizon).isoformat(),
            settled=rules.settled_after(horizon).isoformat(),
            department=department, manager=manager):
        if eid in wanted:
            found[eid] = Facts(fromiso(birth), fromiso(hire) if hire else None,
                               fromiso(leave) if leave else None, outcomes_from(packed))
    for eid in sorted(wanted - found.keys()):
        found[eid] = facts_for(conn, eid)
    return found


def plan_invitations(
    conn: Db, rules: RuleSet, as_of: date, within_days: int = 0, *,
    department: str | None = None, manager: str | None = None,
    schedule: Schedule = Schedule(), per_manager: bool = False, skip_invited: bool = False,
) -> Plan:
    """The invitations for the people due on ``as_of`` (or within ``within_days``), as the due
    list gives them with the same filters. ``skip_invited`` leaves out those with an
    invitation pending that was logged before ``as_of`` (one logged on ``as_of`` itself is
    this day's run again: kept, so that a run again writes the same files). Sorted by manager,
    time and employee id. Each file is ``seniorsamtale-<id>.ics``, or with ``per_manager``
    ``leder-<manager id>.ics`` (``uden-leder.ics`` for staff without a manager): names from
    ids only, never a name."""
    from seniorcli.services.due import due_list
    from seniorcli.services.employees import contacts

    with snapshot(conn):  # the due list and the facts behind it: one state of the register
        due = list(due_list(conn, rules, as_of, within_days, department=department,
                            manager=manager))
        facts = _facts(conn, rules, as_of, within_days, department, manager,
                       {r["employee_id"] for r in due})
    cycles = {eid: cycle_of(f, as_of) for eid, f in facts.items()}
    due_uids = frozenset(uid_for(eid, c) for eid, c in cycles.items())
    skipped = []
    rows = []
    for r in due:
        eid = r["employee_id"]
        if skip_invited and r["pending"] == "invited":
            invited = _invited_on(facts[eid], cycles[eid], as_of)
            if invited is None or invited < as_of:
                skipped.append(eid)
                continue
        rows.append(r)
    if not rows:
        return Plan([], due_uids, tuple(sorted(skipped)))
    leaving: dict[str, date] = {}
    for r in rows:
        leave = facts[r["employee_id"]].leave_date
        if leave is not None:
            leaving[r["employee_id"]] = leave
    slots = assign_slots(rows, as_of, schedule, leaving)
    no_slot = tuple(sorted((eid, leaving[eid]) for eid, s in slots.items() if s is None))
    rows = [r for r in rows if slots[r["employee_id"]] is not None]
    people = contacts(conn, {r["employee_id"] for r in rows} | {r["manager_id"] for r in rows})
    if per_manager:
        files = safe_names((r["manager_id"] for r in rows if r["manager_id"]), "leder-", ".ics")
        file_of = {r["employee_id"]: files[r["manager_id"]] if r["manager_id"]
                   else NO_MANAGER_FILE for r in rows}
    else:
        file_of = safe_names((r["employee_id"] for r in rows), "seniorsamtale-", ".ics")
    zone = ZoneInfo(TIMEZONE)
    length = timedelta(minutes=schedule.minutes)
    sequence = sequence_for(as_of)
    long_past = add_months(as_of, -LONG_PAST_MONTHS)
    planned = []
    crowded: dict[str, int] = {}
    for r in rows:
        eid, mgr = r["employee_id"], r["manager_id"]
        slot = slots[eid]
        assert slot is not None
        if slot.day - slot.earliest > timedelta(weeks=CROWDED_WEEKS):
            crowded[mgr or eid] = crowded.get(mgr or eid, 0) + 1
        start = datetime.combine(slot.day, schedule.first, tzinfo=zone) + slot.number * length
        me, boss = people.get(eid), people.get(mgr) if mgr else None
        planned.append(Invitation(
            employee_id=eid, name=r["name"], email=usable_email(me.email if me else None),
            department=r["department"], manager_id=mgr,
            manager_name=r["manager_name"] or (boss.name if boss else None),
            manager_email=usable_email(boss.email if boss else None),
            due_date=r["due_date"], due_day_off=day_off(r["due_date"]), reason=r["reason"],
            pending=r["pending"], start=start, end=start + length,
            uid=uid_for(eid, cycles[eid]), sequence=sequence, file=file_of[eid],
            due_long_past=r["due_date"] < long_past, leave_date=facts[eid].leave_date))
    planned.sort(key=lambda i: (i.manager_id or "", i.start, i.employee_id))
    return Plan(planned, due_uids, tuple(sorted(skipped)), no_slot,
                tuple(sorted(crowded.items(), key=lambda c: (-c[1], c[0]))))


# --- a run again in the same folder ------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """One event a run wrote into the folder, as its manifest keeps it: enough to tell whether
    a new version changed and to write its cancellation later. ``organizer`` and ``attendee``
    are (name, e-mail); ``stamp`` is the as-of date of the run that wrote this version;
    ``cancelled``: the file is a cancellation (STATUS:CANCELLED; METHOD:CANCEL when it has an
    organiser and an attendee, else METHOD:PUBLISH as the event was)."""

    employee_id: str
    name: str
    uid: str
    sequence: int
    start: datetime
    end: datetime
    file: str
    organizer: tuple[str | None, str] | None = None
    attendee: tuple[str | None, str] | None = None
    location: str | None = None
    stamp: date = SEQUENCE_EPOCH
    cancelled: bool = False


@dataclass(frozen=True)
class Reconciled:
    """``invited``: this run's events with their final SEQUENCE; ``cancellations``: the new
    ones (events of the previous run no longer due, still ahead) and those of earlier runs
    kept (still ahead, the employee not invited again); ``dropped``: events of the previous
    run that are neither invited nor cancelled now (still due but left out, or their time has
    passed)."""

    invited: list[Record]
    cancellations: list[Record]
    new_cancellations: tuple[str, ...]  # their files
    dropped: int


def reconcile(previous: Sequence[Record], planned: Sequence[Record], due_uids: frozenset[str],
              as_of: date) -> Reconciled:
    """This run's events against what the previous run of the same selection wrote.

    - An event planned again keeps its SEQUENCE if its time and place are unchanged, and gets
      a higher one if they changed (RFC 5546: a calendar applies a revision only with a higher
      sequence); a later as-of date always gives a higher one. SEQUENCE never goes down.
    - An event of the previous run whose cycle is no longer due (held, declined, left, moved
      out of the selection) and whose time is still ahead of ``as_of`` is cancelled: same UID,
      a higher SEQUENCE. One whose time has passed is only dropped (the conversation may have
      taken place then: cancelling it would strike it from the calendar).
    - A cancellation of an earlier run is kept while its time is ahead and the employee is not
      invited again."""
    base = sequence_for(as_of)
    before: dict[str, Record] = {}
    for r in previous:
        before[r.uid] = r
    invited = []
    for r in planned:
        old = before.get(r.uid)
        sequence = base
        if old is not None:
            same = (not old.cancelled and (old.start, old.end, old.location)
                    == (r.start, r.end, r.location))
            sequence = max(base, old.sequence if same else old.sequence + 1)
        invited.append(replace(r, sequence=sequence))
    invited_ids = {r.employee_id for r in planned}
    invited_uids = {r.uid for r in planned}
    kept: dict[str, Record] = {}
    new: set[str] = set()
    dropped = 0
    for r in previous:
        if r.uid in invited_uids:
            continue
        ahead = r.start.date() > as_of
        if r.cancelled:
            if ahead and r.employee_id not in invited_ids:
                kept[r.employee_id] = r
            continue
        if r.uid in due_uids or not ahead:
            dropped += 1
            continue
        kept[r.employee_id] = replace(r, sequence=max(base, r.sequence + 1), stamp=as_of,
                                      cancelled=True, file="")
        new.add(r.employee_id)
    names = safe_names(kept, "aflyst-", ".ics")
    cancellations = [r if r.file else replace(r, file=names[eid])
                     for eid, r in sorted(kept.items())]
    return Reconciled(invited, cancellations,
                      tuple(r.file for r in cancellations if r.employee_id in new), dropped)


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

    invitations = list(invitations)
    todo = [i for i in invitations if i.pending != "invited"]
    pending = sum(1 for i in invitations if i.pending == "invited")
    logged, already, withdrawn = log.log_once(
        conn, [log.Entry(i.employee_id, "invited", as_of, note) for i in todo], today,
        "invite --log-invited")
    return LogResult(logged, pending + already, withdrawn)
