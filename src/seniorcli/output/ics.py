"""Calendar invitations: iCalendar files (RFC 5545) written with the ``icalendar`` library,
and the Danish text a senior conversation's invitation carries.

Imported only by ``seniorcli invite`` (``import seniorcli.output`` does not load it, nor
icalendar). Everything in a file comes from what it is given: the same events and the same
stamp give the same bytes (no clock, no random UID), so a run again changes no file.

Times are local time in Europe/Copenhagen, with the zone's VTIMEZONE in the file (Outlook
needs it to place a TZID time). ``method`` is the iTIP method (RFC 5546): ``REQUEST`` (a
meeting request from the organiser to the attendee, who can accept it) needs an organiser and
an attendee; ``PUBLISH`` (events to put in a calendar) must not have an attendee. A
cancellation (same UID, higher SEQUENCE, STATUS:CANCELLED) goes the way the event went:
``CANCEL`` for a meeting request (RFC 5546 3.2.5: it names the attendees it is cancelled for),
``PUBLISH`` with STATUS:CANCELLED for a published event (3.2.1 allows that status in a
PUBLISH; a CANCEL without an attendee is not allowed, and Outlook may ignore it).

The text follows the rule set in use: each built-in municipality's own policy (``POLICIES``,
keyed by the rule set's name), and for any other rule set a neutral text from the framework
agreement (``NEUTRAL``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from seniorcli.fmt import date_long
from seniorcli.i18n import N_, _

PRODID = "-//seniorcli//seniorsamtaler//DA"
#: The weekdays as people read them (Monday = 0).
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))


@dataclass(frozen=True)
class Person:
    name: str | None
    email: str


@dataclass(frozen=True)
class Meeting:
    """One event: ``start`` and ``end`` are aware datetimes (Europe/Copenhagen); ``alarm``
    minutes before the start a calendar reminds (None: no reminder of ours)."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer: Person | None = None
    attendee: Person | None = None
    location: str | None = None
    alarm: int | None = None


# --- the text --------------------------------------------------------------------------------

def day_text(d: date) -> str:
    """A date in running text with its weekday: ``mandag 7. december 2026``."""
    return f"{_(WEEKDAYS[d.weekday()])} {date_long(d)}"


def time_text(start: datetime, end: datetime) -> str:
    """``mandag 7. december 2026 kl. 09:00–10:00``."""
    return _("{day} at {start}–{end}").format(day=day_text(start.date()),
                                              start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def summary(name: str) -> str:
    """The event's title: ``Seniorsamtale – <navn>``."""
    return _("Senior conversation – {name}").format(name=name)


def cancelled_summary(name: str) -> str:
    """A cancellation's title: ``Aflyst: Seniorsamtale – <navn>``."""
    return _("Cancelled: {summary}").format(summary=summary(name))


def due_text(due_date: date, day_off: str | None) -> str:
    """The due date as the employee reads it, the day off it falls on said once:
    ``10. januar 2015 (en lørdag)``, ``fredag 1. januar 2027 (Nytårsdag, en helligdag)``,
    ``torsdag 24. december 2026 (Juleaftensdag, en fridag)``."""
    if not day_off:
        return day_text(due_date)
    if day_off in (_("Saturday"), _("Sunday")):
        return _("{date} (a {weekday})").format(date=date_long(due_date), weekday=day_off)
    from seniorcli.workdays import is_public_holiday

    if not is_public_holiday(due_date):  # 1 May, Grundlovsdag, 24 and 31 December
        return _("{date} ({day_off}, a day off)").format(date=day_text(due_date),
                                                          day_off=day_off)
    return _("{date} ({day_off}, a public holiday)").format(date=day_text(due_date),
                                                             day_off=day_off)


@dataclass(frozen=True)
class Policy:
    """What one municipality's policy says to the employee: an opening line, the purpose,
    what to think about beforehand, what kind of offer it is, and the source."""

    opening: str
    purpose: str
    prepare: tuple[str, ...]
    offer: str
    source: str


_YOU_ARE_OFFERED = N_("You are offered a senior conversation with your manager.")
_AN_OFFER = N_("The conversation is an offer, which you may decline.")
_THINK = N_("Think beforehand about what you would like to talk about, for example:")

#: The themes of the framework agreement and the policies, for the rule sets that do not
#: give their own examples of measures (Norddjurs: "afklaring om fremtidige ønsker og
#: udvikling af kompetencer"; the agreement types of the Rammeaftale om seniorpolitik, as
#: Albertslund lists them).
_GENERAL_PREPARE = (
    N_("your wishes for the future and for your working life in the coming years"),
    N_("working hours and tasks: what suits you now, and what you would like to change"),
    N_("the development of your competences"),
    N_("senior agreements (seniorordninger) under the framework agreement: a senior position, "
       "a generation-change scheme (managers), retention and severance schemes"),
    N_("your plans for retirement and pension"),
)

POLICIES: dict[str, Policy] = {
    # Køge Kommune, Seniorpolitik: "Seniorsamtalen" and "Giv processen tid".
    "koege": Policy(
        opening=_YOU_ARE_OFFERED,
        purpose=N_("The purpose of the senior conversation is that you and your manager, in "
                   "good time, focus on your wishes, needs and expectations, so that you can "
                   "have a long and good working life as a senior."),
        prepare=(
            N_("your wishes and needs for your working life in the coming years"),
            N_("working hours: how your working time is planned, more self-planning, "
               "temporary or permanent reduced hours"),
            N_("tasks: relief from particularly strenuous tasks, special tasks or projects, a "
               "change of job or tasks"),
            N_("competence development"),
            N_("senior measures such as working from home or a salary supplement"),
            N_("your plans for retirement and pension"),
        ),
        offer=N_("It is only an offer, which you may decline. The conversation may take place "
                 "in continuation of your appraisal (MUS), but may also be held apart from "
                 "it. Your union representative (TR) may take part if you wish. A first "
                 "conversation may simply be an initial talk; it need not end in concrete "
                 "agreements."),
        source=N_("Source: Køge Kommune, Seniorpolitik (the sections Seniorsamtalen and Giv "
                  "processen tid)."),
    ),
    # Norddjurs Kommune, Personalepolitik p. 16 (Generationspolitik), quoted in the notat
    # "Retningslinjer for generations- og seniorordninger i Norddjurs kommune".
    "norddjurs": Policy(
        opening=_YOU_ARE_OFFERED,
        purpose=N_("In Norddjurs Kommune every employee aged 55 or older is offered a yearly "
                   "senior conversation. Its purpose is to set relevant measures going, "
                   "including clarity about your wishes for the future and the development of "
                   "your competences, so that you have a motivating working life up to "
                   "retirement."),
        prepare=_GENERAL_PREPARE,
        offer=_AN_OFFER,
        source=N_("Source: Norddjurs Kommune, Personalepolitik p. 16 (Generationspolitik), "
                  "quoted in Retningslinjer for generations- og seniorordninger i Norddjurs "
                  "Kommune."),
    ),
    # Albertslund Kommune, Retningslinje for Seniorindsatser (KommuneMED, 30 April 2025):
    # offered at 52 (again at 55 if declined), opt-out, the manager initiates but the employee
    # can always ask, part of MUS.
    "albertslund": Policy(
        opening=N_("Your manager invites you to a senior conversation."),
        purpose=N_("In Albertslund Kommune every employee is offered a senior conversation "
                   "from the age of 52. It is a dialogue about senior measures and your "
                   "individual possibilities, so that your knowledge, experience and "
                   "competences can be used for as long as possible, and your working life can "
                   "end in a good way."),
        prepare=(*_GENERAL_PREPARE[:4],
                 N_("how your knowledge and experience can be passed on, e.g. to younger or "
                    "new colleagues"),
                 _GENERAL_PREPARE[4]),
        offer=N_("The senior conversation is part of your appraisal (MUS). It is an offer that "
                 "you actively decline if you do not want it: tell your manager. Your manager "
                 "takes the initiative, but you can always ask for a senior conversation "
                 "yourself."),
        source=N_("Source: Albertslund Kommune, Retningslinje for Seniorindsatser, agreed in "
                  "KommuneMED on 30 April 2025 (the section Seniorsamtaler i Albertslund)."),
    ),
}

#: Any other rule set (a TOML file): the framework agreement, as Albertslund's guideline
#: quotes it, and KL's Seniorpartnerskabet; the source names the rule set for the timing.
NEUTRAL = Policy(
    opening=_YOU_ARE_OFFERED,
    purpose=N_("Under the framework agreement on senior policy (Rammeaftale om seniorpolitik), "
               "senior employees are offered a senior conversation in connection with their "
               "appraisal (MUS). It is about your wishes and possibilities for a long and good "
               "working life as a senior."),
    prepare=_GENERAL_PREPARE,
    offer=_AN_OFFER,
    source=N_("Source: Rammeaftale om seniorpolitik (KL and Forhandlingsfællesskabet) and KL's "
              "Seniorpartnerskabet; the time of the offer follows the rule set {title}."),
)


def policy_for(rules_name: str | None) -> Policy:
    """The text of a built-in rule set by its name; the neutral text for any other (None)."""
    return POLICIES.get(rules_name or "", NEUTRAL)


def description(*, name: str, employee_id: str, email: str | None, due_date: date,
                due_day_off: str | None, reason: str, start: datetime, end: datetime,
                for_organizer: bool, policy: Policy = NEUTRAL, rules_title: str = "",
                due_long_past: bool = False, location: str | None = None) -> str:
    """The invitation's text, in the language of the run (Danish by default): what a senior
    conversation is for under ``policy`` and what to think about beforehand, then the due
    date (and the day off it falls on) and why it is due — or, for a due date long past, that
    it should have been offered earlier — the proposed time, the place and the source.
    ``for_organizer``: the file goes to the manager's calendar (no attendee in it), so it
    names the employee."""
    lines = []
    if for_organizer:
        contact = email or _("no e-mail in the register")
        lines += [_("Employee: {name} ({employee_id}), {contact}").format(
            name=name, employee_id=employee_id, contact=contact), ""]
    lines += [
        _(policy.opening), "",
        _(policy.purpose), "",
        _(_THINK),
        *(f"• {_(item)}" for item in policy.prepare),
        "",
        _(policy.offer), "",
    ]
    if due_long_past:
        lines.append(_("The conversation should have been offered to you earlier."))
    else:
        lines += [_("Due date: {date}").format(date=due_text(due_date, due_day_off)),
                  _("Why now: {reason}").format(reason=reason)]
    lines.append(_("Proposed time: {when}. If it does not suit you, agree another time with "
                   "your manager.").format(when=time_text(start, end)))
    if location:
        lines.append(_("Place: {location}").format(location=location))
    lines += ["", _(policy.source).format(title=rules_title)]
    return "\n".join(lines)


def cancel_description(*, name: str, employee_id: str, start: datetime, end: datetime,
                       for_organizer: bool) -> str:
    """A cancellation's text: the invitation is no longer current (a conversation was held or
    declined, the employee left, or the due list changed)."""
    lines = []
    if for_organizer:
        lines += [_("Employee: {name} ({employee_id})").format(
            name=name, employee_id=employee_id), ""]
    lines += [
        _("The invitation to a senior conversation on {when} is cancelled: it is no longer "
          "current.").format(when=time_text(start, end)),
        _("If you have questions, talk to your manager."),
    ]
    return "\n".join(lines)


# --- the file --------------------------------------------------------------------------------

@cache
def _timezone(zone: str, first_year: int, last_year: int) -> bytes:
    """The zone's VTIMEZONE for the years the events fall in (its changes of offset in those
    years only: the same years give the same bytes), serialised once: a run writes thousands
    of files with the same one, and icalendar folds its lines anew each time."""
    tz = Timezone.from_tzid(zone, first_date=date(first_year, 1, 1),
                            last_date=date(last_year + 1, 12, 31))
    tz.pop("COMMENT", None)  # "This timezone only works from …": English, and obvious
    return tz.to_ical()


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = vText(person.name)
    for key, value in params.items():
        address.params[key] = value
    return address


def calendar(meetings: Iterable[Meeting], *, method: str, stamp: date,
             cancelled: bool = False) -> bytes:
    """A VCALENDAR with one VEVENT per meeting, in the order given. ``stamp`` (the as-of date)
    is every event's DTSTAMP: derived from the data, never the clock, so a run again gives the
    same bytes. Private events (CLASS:PRIVATE): a shared calendar shows them as busy, without
    the text. ``cancelled`` (implied by ``method`` CANCEL): the events are withdrawn
    (STATUS:CANCELLED, no reminder) — with CANCEL to the attendee of a meeting request, with
    PUBLISH in the calendar a published event went to."""
    meetings = list(meetings)
    cancel = cancelled or method == "CANCEL"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    dtstamp = datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC)
    for m in meetings:
        event = Event()
        event.add("uid", m.uid)
        event.add("dtstamp", dtstamp)
        event.add("sequence", m.sequence)
        event.add("dtstart", m.start)
        event.add("dtend", m.end)
        event.add("summary", m.summary)
        event.add("description", m.description)
        if m.location:
            event.add("location", m.location)
        event.add("categories", [_("Senior conversation")])
        event.add("class", "PRIVATE")
        event.add("transp", "OPAQUE")
        if m.organizer is not None:
            event.add("organizer", _address(m.organizer))
        if m.attendee is not None:
            if cancel:
                event.add("attendee", _address(m.attendee, CUTYPE="INDIVIDUAL",
                                               ROLE="REQ-PARTICIPANT"))
            else:
                event.add("attendee", _address(m.attendee, CUTYPE="INDIVIDUAL",
                                               ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION",
                                               RSVP="TRUE"))
        if cancel:
            event.add("status", "CANCELLED")
        elif m.attendee is None:
            event.add("status", "TENTATIVE")  # a proposal in the organiser's calendar
        if m.alarm is not None and not cancel:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", m.summary)
            alarm.add("trigger", timedelta(minutes=-m.alarm))
            event.add_component(alarm)
        cal.add_component(event)
    data = cal.to_ical()
    if not meetings:
        return data
    # The VTIMEZONE goes before the events that name it (RFC 5545 3.6.5: it must be in the
    # calendar; Outlook wants it first).
    zone = str(meetings[0].start.tzinfo)
    years = [m.start.year for m in meetings]
    return data.replace(b"BEGIN:VEVENT\r\n", _timezone(zone, min(years), max(years))
                        + b"BEGIN:VEVENT\r\n", 1)


def write_calendar(path: Path, meetings: Iterable[Meeting], *, method: str,
                   stamp: date, cancelled: bool = False) -> None:
    """Write the calendar to ``path`` through ``seniorcli.files`` (whole or not at all, 0600,
    never onto the database)."""
    from seniorcli.files import private_file

    data = calendar(meetings, method=method, stamp=stamp, cancelled=cancelled)
    with private_file(path, "wb") as f:
        f.write(data)
