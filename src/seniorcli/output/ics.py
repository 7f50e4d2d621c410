"""Calendar invitations: iCalendar files (RFC 5545) written with the ``icalendar`` library,
and the Danish text a senior conversation's invitation carries.

Imported only by ``seniorcli invite`` (``import seniorcli.output`` does not load it, nor
icalendar). Everything in a file comes from what it is given: the same events and the same
stamp give the same bytes (no clock, no random UID), so a run again changes no file.

Times are local time in Europe/Copenhagen, with the zone's VTIMEZONE in the file (Outlook
needs it to place a TZID time). ``method`` is the iTIP method (RFC 5546): ``REQUEST`` (a
meeting request from the organiser to the attendee, who can accept it) needs an organiser and
an attendee; ``PUBLISH`` (events to put in a calendar) must not have an attendee.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

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
    """One event: ``start`` and ``end`` are aware datetimes (Europe/Copenhagen)."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer: Person | None = None
    attendee: Person | None = None


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


#: What to think about beforehand: the themes the policies give the conversation (Køge
#: Kommune, Seniorpolitik, "Seniorsamtalen" and its examples of measures; Norddjurs Kommune,
#: Personalepolitik p. 16: future wishes and competence development up to retirement).
PREPARE = (
    N_("your wishes and needs for your working life in the coming years"),
    N_("working hours: how your working time is planned, more self-planning, reduced hours"),
    N_("tasks: relief from particularly strenuous tasks, special tasks or projects, a change "
       "of job or tasks"),
    N_("competence development"),
    N_("senior agreements (seniorordninger), e.g. a senior position, working from home or a "
       "salary supplement"),
    N_("your plans for retirement and pension"),
)


def description(*, name: str, employee_id: str, email: str | None, due_date: date,
                due_day_off: str | None, reason: str, start: datetime, end: datetime,
                for_organizer: bool) -> str:
    """The invitation's text, in the language of the run (Danish by default): what a senior
    conversation is for and what to think about beforehand, then the due date (and the day
    off it falls on), why it is due, the proposed time and the source. ``for_organizer``: the
    file goes to the manager's calendar (no attendee in it), so it names the employee."""
    lines = []
    if for_organizer:
        contact = email or _("no e-mail in the register")
        lines += [_("Employee: {name} ({employee_id}), {contact}").format(
            name=name, employee_id=employee_id, contact=contact), ""]
    lines += [
        _("You are offered a senior conversation with your manager."),
        "",
        _("The purpose of the senior conversation is that manager and employee, in good time, "
          "focus on the employee's wishes, needs and expectations for the last part of the "
          "working life, so that the employee can stay longer and have a good and motivating "
          "working life up to retirement."),
        "",
        _("Think beforehand about what you would like to talk about, for example:"),
        *(f"• {_(item)}" for item in PREPARE),
        "",
        _("The conversation is only an offer, which you may decline. It may be held together "
          "with your appraisal (MUS) or on its own. Your union representative (TR) may take "
          "part if you wish. A first conversation may be an initial talk; it need not end in "
          "concrete agreements."),
        "",
    ]
    due = day_text(due_date)
    if due_day_off:
        lines.append(_("Due date: {date} ({day_off}, a day off)").format(
            date=due, day_off=due_day_off))
    else:
        lines.append(_("Due date: {date}").format(date=due))
    lines += [
        _("Why now: {reason}").format(reason=reason),
        _("Proposed time: {when}. If it does not suit you, agree another time with your "
          "manager.").format(when=time_text(start, end)),
        "",
        _("Source: Køge Kommune, Seniorpolitik (the section Seniorsamtalen and its examples of "
          "senior measures); the Rammeaftale om seniorpolitik (KL and Forhandlingsfællesskabet)."),
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


def calendar(meetings: Iterable[Meeting], *, method: str, stamp: date) -> bytes:
    """A VCALENDAR with one VEVENT per meeting, in the order given. ``stamp`` (the as-of date)
    is every event's DTSTAMP: derived from the data, never the clock, so a run again gives the
    same bytes. Private events (CLASS:PRIVATE): a shared calendar shows them as busy, without
    the text."""
    meetings = list(meetings)
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
        event.add("categories", [_("Senior conversation")])
        event.add("class", "PRIVATE")
        event.add("transp", "OPAQUE")
        if m.organizer is not None:
            event.add("organizer", _address(m.organizer))
        if m.attendee is not None:
            event.add("attendee", _address(m.attendee, CUTYPE="INDIVIDUAL",
                                           ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION",
                                           RSVP="TRUE"))
        else:
            event.add("status", "TENTATIVE")  # a proposal in the organiser's calendar
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
                   stamp: date) -> None:
    """Write the calendar to ``path`` through ``seniorcli.files`` (whole or not at all, 0600,
    never onto the database)."""
    from seniorcli.files import private_file

    data = calendar(meetings, method=method, stamp=stamp)
    with private_file(path, "wb") as f:
        f.write(data)
