"""``invite``: calendar invitations (.ics) and a mail-merge file for the people due."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seniorcli.cli import common
from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    ManagerOpt,
    RulesFileOpt,
    RulesOpt,
    folder_option,
    open_db,
    resolve_rules,
    say,
    warn,
)
from seniorcli.errors import SeniorError
from seniorcli.files import check_folder, make_private_folder
from seniorcli.i18n import _, ngettext

if TYPE_CHECKING:
    from seniorcli.output.ics import Meeting
    from seniorcli.services.invitations import Invitation, Plan, Reconciled, Record

#: Ids listed in a warning; more are counted.
SHOWN_IDS = 20
#: The manifest's format (what each run wrote into the folder, per selection).
MANIFEST_VERSION = 1


class Per(StrEnum):
    employee = "employee"
    manager = "manager"


def parse_time_option(value: str | time) -> time:
    """HH:MM (also H:MM, and HH.MM as Danes write it: kl. 9.00), 00:00–23:59."""
    if isinstance(value, time):
        return value
    text = value.strip().replace(".", ":")
    hours, sep, minutes = text.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2:
        h, m = int(hours), int(minutes)
        if h < 24 and m < 60:
            return time(h, m)
    raise typer.BadParameter(_("'{value}' is not a time of day; use HH:MM, e.g. 09:00")
                             .format(value=value))


def _slot_error(ctx: typer.Context, first: time, duration: int, day_end: time
                ) -> typer.BadParameter:
    """No conversation fits in a day: name the options the user gave that cause it."""
    def given(name: str) -> bool:
        source = ctx.get_parameter_source(name)
        return source is not None and source.name != "DEFAULT"

    options = {"first": "--time", "duration": "--duration", "day_end": "--day-end"}
    blamed: list[str]
    if day_end <= first:
        blamed = [o for o in ("day_end", "first") if given(o)] or ["day_end"]
        text = _("--day-end {day_end} is not after --time {first}: no conversation fits in "
                 "a day").format(day_end=f"{day_end:%H:%M}", first=f"{first:%H:%M}")
    else:
        blamed = [o for o in ("duration", "first", "day_end") if given(o)] or ["duration"]
        text = _("a conversation of {minutes} minutes from {first} does not end by --day-end "
                 "{day_end}").format(minutes=duration, first=f"{first:%H:%M}",
                                     day_end=f"{day_end:%H:%M}")
    return typer.BadParameter(text, param_hint=" / ".join(options[o] for o in blamed))


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    if len(ids) > SHOWN_IDS:
        shown += _(" … and {n} more").format(n=len(ids) - SHOWN_IDS)
    return shown


# --- the manifest: what each run wrote into the folder ------------------------------------------

def _selection_text(selection: dict) -> str:
    """A selection as the options that make it: ``--rules koege --within 31 -d Skole``."""
    parts = [f"--rules {selection.get('rules')}"]
    if selection.get("within"):
        parts.append(f"--within {selection['within']}")
    if selection.get("department") is not None:
        parts.append(f"--department {selection['department']}")
    if selection.get("manager") is not None:
        parts.append(f"--manager {selection['manager']}")
    if selection.get("skip_invited"):
        parts.append("--skip-invited")
    return " ".join(parts)


def _record_json(r: Record) -> dict:
    def person(p: tuple[str | None, str] | None) -> list | None:
        return list(p) if p is not None else None

    return {"employee_id": r.employee_id, "name": r.name, "uid": r.uid,
            "sequence": r.sequence, "start": f"{r.start:%Y-%m-%dT%H:%M}",
            "end": f"{r.end:%Y-%m-%dT%H:%M}", "file": r.file,
            "organizer": person(r.organizer), "attendee": person(r.attendee),
            "location": r.location, "stamp": r.stamp.isoformat(), "cancelled": r.cancelled}


def _record_from(data: dict) -> Record:
    """A record of the manifest; KeyError, TypeError or ValueError if it is not one."""
    from zoneinfo import ZoneInfo

    from seniorcli.services.invitations import OWN_FILE, TIMEZONE, Record

    zone = ZoneInfo(TIMEZONE)

    def person(p: Any) -> tuple[str | None, str] | None:
        if p is None:
            return None
        name, email = p
        if not isinstance(email, str) or not (name is None or isinstance(name, str)):
            raise TypeError(p)
        return (name, email)

    def text(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(value)
        return value

    file = text(data["file"])
    if not OWN_FILE.fullmatch(file):
        raise ValueError(file)  # only names this command writes are ever touched
    sequence = data["sequence"]
    if not isinstance(sequence, int) or isinstance(sequence, bool):
        raise TypeError(sequence)
    location = data.get("location")
    return Record(
        employee_id=text(data["employee_id"]), name=text(data["name"]), uid=text(data["uid"]),
        sequence=sequence,
        start=datetime.fromisoformat(text(data["start"])).replace(tzinfo=zone),
        end=datetime.fromisoformat(text(data["end"])).replace(tzinfo=zone), file=file,
        organizer=person(data.get("organizer")), attendee=person(data.get("attendee")),
        location=text(location) if location is not None else None,
        stamp=date.fromisoformat(text(data["stamp"])), cancelled=bool(data.get("cancelled")))


def _read_manifest(folder: Path) -> list[tuple[dict, list[Record]]]:
    """The runs recorded in the folder's manifest: (selection, records) per selection. None
    there: []. One that cannot be read is warned about and ignored (nothing is removed or
    cancelled on its word)."""
    from seniorcli.services.invitations import MANIFEST_FILE

    path = folder / MANIFEST_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        runs = []
        for run in data["selections"]:
            selection = run["selection"]
            if not isinstance(selection, dict):
                raise TypeError(selection)
            runs.append((selection, [_record_from(r) for r in run["events"]]))
        return runs
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        warn(_("{path} cannot be read, so nothing an earlier run wrote is removed or "
               "cancelled; it is replaced by this run's").format(path=path))
        return []


def _write_manifest(folder: Path, runs: list[tuple[dict, list[Record]]]) -> None:
    """The manifest: JSON, one event a line, sorted — the same runs give the same bytes."""
    from seniorcli.files import private_file
    from seniorcli.services.invitations import MANIFEST_FILE

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    about = ("seniorcli invite: the files each selection's latest run wrote here, so that a run "
             "again removes and cancels what is no longer due. Do not edit.")
    parts = []
    for selection, records in sorted(runs, key=lambda run: dumps(run[0])):
        events = ",\n".join("   " + dumps(_record_json(r)) for r in records)
        parts.append(f'  {{"selection": {dumps(selection)},\n   "events": [\n{events}\n   ]}}'
                     if records else f'  {{"selection": {dumps(selection)}, "events": []}}')
    text = (f'{{"about": {dumps(about)},\n "version": {MANIFEST_VERSION},\n'
            f' "selections": [\n' + ",\n".join(parts) + "\n ]}\n")
    with private_file(folder / MANIFEST_FILE, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --- the calendar files ---------------------------------------------------------------------------

def _record(i: Invitation, per_manager: bool, location: str | None, day: date) -> Record:
    from seniorcli.services.invitations import Record

    organizer = (i.manager_name, i.manager_email) if i.manager_email else None
    attendee = (i.name, i.email) if not per_manager and organizer and i.email else None
    return Record(employee_id=i.employee_id, name=i.name, uid=i.uid, sequence=i.sequence,
                  start=i.start, end=i.end, file=i.file, organizer=organizer,
                  attendee=attendee, location=location, stamp=day)


def _meeting(r: Record, summary: str, description: str, alarm: int | None) -> Meeting:
    from seniorcli.output.ics import Meeting, Person

    return Meeting(
        uid=r.uid, sequence=r.sequence, start=r.start, end=r.end, summary=summary,
        description=description,
        organizer=Person(*r.organizer) if r.organizer else None,
        attendee=Person(*r.attendee) if r.attendee else None, location=r.location,
        alarm=alarm)


def _write_calendars(folder: Path, records: list[Record], plan: list[Invitation],
                     per_manager: bool, stamp: date, rules_name: str | None, rules_title: str,
                     alarm: int | None) -> None:
    from seniorcli.output.ics import description, policy_for, summary, write_calendar

    policy = policy_for(rules_name)
    by_uid = {i.uid: i for i in plan}

    def meeting(r: Record) -> Meeting:
        i = by_uid[r.uid]
        return _meeting(r, summary(i.name), description(
            name=i.name, employee_id=i.employee_id, email=i.email, due_date=i.due_date,
            due_day_off=i.due_day_off, reason=i.reason, start=i.start, end=i.end,
            for_organizer=r.attendee is None, policy=policy, rules_title=rules_title,
            due_long_past=i.due_long_past, location=r.location), alarm)

    files: dict[str, list[Record]] = {}
    for r in records:
        files.setdefault(r.file, []).append(r)
    for name, group in sorted(files.items()):
        group.sort(key=lambda r: (r.start, r.employee_id))
        if per_manager:
            # Many events for the manager's own calendar: PUBLISH (RFC 5546 allows no
            # attendee in it, and Outlook imports only the first event of a REQUEST).
            write_calendar(folder / name, [meeting(r) for r in group], method="PUBLISH",
                           stamp=stamp)
        else:
            m = meeting(group[0])
            write_calendar(folder / name, [m], method="REQUEST" if m.attendee else "PUBLISH",
                           stamp=stamp)


def _write_cancellations(folder: Path, records: list[Record]) -> None:
    """One file per cancellation (same UID, higher SEQUENCE, STATUS:CANCELLED), dated as the
    run that cancelled it: kept cancellations are written again, byte for byte. A meeting
    request (organiser and attendee) is cancelled with METHOD:CANCEL to the attendee; an event
    that was published (a manager's file, or an employee's without both e-mails) is published
    again as cancelled (RFC 5546 allows no CANCEL without an attendee, and Outlook ignores
    one)."""
    from seniorcli.output.ics import cancel_description, cancelled_summary, write_calendar

    for r in records:
        text = cancel_description(name=r.name, employee_id=r.employee_id, start=r.start,
                                  end=r.end, for_organizer=r.attendee is None)
        request = r.organizer is not None and r.attendee is not None
        write_calendar(folder / r.file, [_meeting(r, cancelled_summary(r.name), text, None)],
                       method="CANCEL" if request else "PUBLISH", stamp=r.stamp,
                       cancelled=True)


def _remove(folder: Path, names: Iterable[str]) -> int:
    """Remove files of an earlier run (names this command writes only); → how many went."""
    from seniorcli.services.invitations import OWN_FILE

    gone = 0
    for name in sorted(names):
        if not OWN_FILE.fullmatch(name):
            continue
        path = folder / name
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
                gone += 1
        except OSError as e:
            warn(_("could not remove {path}: {error}").format(path=path,
                                                              error=e.strerror or e))
    return gone


# --- the mail-merge file ----------------------------------------------------------------------

def merge_columns():
    """The mail-merge file's fields (English names, as in every csv the tool writes)."""
    from seniorcli.output import Column

    keys = ("employee_id", "name", "email", "department", "manager_id", "manager_name",
            "manager_email", "due_date", "due_date_text", "due_date_day_off", "proposed_start",
            "proposed_end", "proposed_text", "reason", "ics_file", "location")
    return [Column(k, k) for k in keys]


def _merge_rows(plan: Iterable[Invitation], location: str | None) -> Iterable[dict]:
    from seniorcli.output.ics import day_text, time_text

    for i in plan:
        yield {
            "employee_id": i.employee_id, "name": i.name, "email": i.email,
            "department": i.department, "manager_id": i.manager_id,
            "manager_name": i.manager_name, "manager_email": i.manager_email,
            "due_date": i.due_date.isoformat(), "due_date_text": day_text(i.due_date),
            "due_date_day_off": i.due_day_off,
            "proposed_start": f"{i.start:%Y-%m-%dT%H:%M}",
            "proposed_end": f"{i.end:%Y-%m-%dT%H:%M}",
            "proposed_text": time_text(i.start, i.end), "reason": i.reason,
            "ics_file": i.file, "location": location,
        }


def invite(
    ctx: typer.Context,
    to: Annotated[Path, typer.Option(
        "--to", metavar="FOLDER", show_default=False, parser=folder_option,
        help=_("The folder for the calendar files and the mail-merge file (created, private "
               "to you, if it does not exist)."))],
    rules: RulesOpt = None,
    rules_file: RulesFileOpt = None,
    as_of: AsOf = None,
    within: Annotated[int, typer.Option(
        "--within", min=0, max=3660, metavar="DAYS",
        help=_("Also invite those due in the DAYS after the as-of date (as `due --within`)."))
    ] = 0,
    department: DepartmentOpt = None,
    manager: ManagerOpt = None,
    per: Annotated[Per, typer.Option(
        "--per", help=_("One calendar file per employee (a meeting request when both e-mail "
                        "addresses are known), or per manager with all their staff (uden-"
                        "leder.ics for staff without a manager)."))] = Per.employee,
    notice: Annotated[int, typer.Option(
        "--notice", min=1, max=365, metavar="DAYS",
        help=_("Propose no conversation sooner than DAYS after the as-of date."))] = 7,
    first: Annotated[time, typer.Option(
        "--time", metavar="HH:MM", parser=parse_time_option,
        help=_("The first conversation of a day starts at this time (Danish time)."))
    ] = "09:00",  # type: ignore[assignment]  # parsed by parse_time_option
    duration: Annotated[int, typer.Option(
        "--duration", min=15, max=480, metavar="MINUTES",
        help=_("The length of a conversation; a manager's conversations follow each other."))
    ] = 60,
    day_end: Annotated[time, typer.Option(
        "--day-end", metavar="HH:MM", parser=parse_time_option,
        help=_("The last conversation of a day ends by this time; then the next working "
               "day."))] = "15:00",  # type: ignore[assignment]
    per_day: Annotated[int | None, typer.Option(
        "--per-day", min=1, max=48, metavar="N",
        help=_("At most N conversations a day for one person (default: as many as fit)."))
    ] = None,
    location: Annotated[str | None, typer.Option(
        "--location", metavar="TEXT",
        help=_("Where the conversations are held (the event's place), e.g. 'Mødelokale 2' or "
               "'Teams'."))] = None,
    reminder: Annotated[int | None, typer.Option(
        "--reminder", min=0, max=40320, metavar="MINUTES",
        help=_("A reminder MINUTES before each conversation (e.g. 1440: a day before; "
               "default: none, the calendar's own)."))] = None,
    skip_invited: Annotated[bool, typer.Option(
        "--skip-invited", help=_("Leave out those with an invitation pending ('invited' "
                                 "logged since the last conversation, before the as-of "
                                 "date)."))] = False,
    log_invited: Annotated[bool, typer.Option(
        "--log-invited", help=_("Log the outcome 'invited', dated the as-of date, for each "
                                "one invited; once: not again for someone whose invitation "
                                "is pending."))] = False,
) -> None:
    """Write calendar invitations (.ics) to a senior conversation for the people due, and a
    mail-merge file.

    Selects as `due` does. Proposes a time for each, never on a weekend, public holiday or
    agreed day off, no sooner than --notice days ahead and before a leave date; one manager's
    conversations get consecutive times. Writes the .ics files (RFC 5545) and flettefil.csv
    (';', UTF-8 with BOM, for Excel and Word mail merge) into FOLDER. A run again with the
    same selection gives the same files: the folder then holds the latest run, and those no
    longer due get a cancellation (aflyst-<id>.ics).

    Example: seniorcli invite --rules koege --within 31 --to invitationer/2026-12 --log-invited
    """
    from seniorcli.fmt import date_short
    from seniorcli.output import emit
    from seniorcli.services import invitations
    from seniorcli.services.filters import resolve_filters

    schedule = invitations.Schedule(first=first, minutes=duration, day_end=day_end,
                                    notice=notice, per_day=per_day)
    if schedule.slots() < 1:
        raise _slot_error(ctx, first, duration, day_end)
    location = (location or "").strip() or None
    folder = to.expanduser()
    check_folder(folder, _("give a folder for the invitations with --to (it is created if it "
                           "does not exist)"))
    conn = open_db(must_exist=True)
    department, manager = resolve_filters(conn, department, manager)
    rule_set = resolve_rules(conn, rules, rules_file)
    day = as_of or common.today()
    per_manager = per is Per.manager
    result = invitations.plan_invitations(
        conn, rule_set, day, within, department=department, manager=manager,
        schedule=schedule, per_manager=per_manager, skip_invited=skip_invited)
    plan = result.invitations

    # The folder holds the latest run of each selection: compare with the previous one.
    selection = {"rules": rule_set.name, "within": within, "department": department,
                 "manager": manager, "skip_invited": skip_invited}
    runs = _read_manifest(folder)
    previous = next((records for s, records in runs if s == selection), [])
    done = invitations.reconcile(previous, [_record(i, per_manager, location, day)
                                            for i in plan], result.due_uids, day)
    records = [*done.invited, *done.cancellations]
    written = {r.file for r in records}
    # Another selection's run is kept (its files are never removed) while a file of its own
    # is still there: delete its files, and the folder forgets it.
    others = [(s, rs) for s, rs in runs if s != selection and any(
        r.file not in written and (folder / r.file).is_file() for r in rs)]
    make_private_folder(folder)
    built_in = rule_set.name if rule_set.origin == "built-in" else None
    _write_calendars(folder, done.invited, plan, per_manager, day, built_in, rule_set.title,
                     reminder)
    _write_cancellations(folder, done.cancellations)
    emit(_merge_rows(plan, location), merge_columns(), "excel-csv",
         folder / invitations.MERGE_FILE)
    _write_manifest(folder, [*others, (selection, records)])
    theirs = {r.file for _s, rs in others for r in rs}
    removed = _remove(folder, {r.file for r in previous} - written - theirs)

    _summary(plan, result, done, removed, folder, day, rule_set.name)
    if others:
        warn(_("{folder} also holds invitations of another selection ({other}): its files are "
               "left as they are, but {csv} now lists this run's only; use a folder of its "
               "own for each selection").format(
                   folder=folder, other="; ".join(_selection_text(s) for s, _r in others),
                   csv=invitations.MERGE_FILE))
    _warnings(plan, result, per_manager, day, log_invited)
    if not log_invited or not plan:
        return
    try:
        logged = invitations.log_invited(conn, plan, day, common.today(),
                                         note=_("calendar invitation (seniorcli invite)"))
    except SeniorError as e:
        e.message = _("the invitations were written to {folder}, but nothing was logged: "
                      "{message}").format(folder=folder, message=e.message)
        raise
    text = ngettext("Logged 'invited' dated {day} for {n} employee.",
                    "Logged 'invited' dated {day} for {n} employees.", logged.logged).format(
                        day=date_short(day), n=logged.logged)
    if logged.already:
        text += " " + _("{n} had an invitation logged already (not logged again).").format(
            n=logged.already)
    if logged.withdrawn:
        text += " " + _("{n} had that invitation withdrawn (not logged again).").format(
            n=logged.withdrawn)
    say(text)


def _summary(plan: list[Invitation], result: Plan, done: Reconciled, removed: int,
             folder: Path, day: date, rules_name: str) -> None:
    """What the run wrote, on a terminal (cron: silent)."""
    from seniorcli.fmt import date_short
    from seniorcli.services.invitations import MERGE_FILE

    skipped = ""
    if result.skipped:
        skipped = " " + ngettext("({n} left out: an invitation is pending)",
                                 "({n} left out: they have an invitation pending)",
                                 len(result.skipped)).format(n=len(result.skipped))
    if plan:
        files = len({i.file for i in plan})
        starts = sorted(i.start for i in plan)
        text = (ngettext("Wrote {n} invitation", "Wrote {n} invitations", len(plan))
                .format(n=len(plan))
                + ngettext(" in {files} calendar file", " in {files} calendar files", files)
                .format(files=files)
                + _(" and the mail-merge file {csv} to {folder}; proposed from {first} to "
                    "{last}.").format(csv=MERGE_FILE, folder=folder,
                                      first=f"{date_short(starts[0].date())} {starts[0]:%H:%M}",
                                      last=f"{date_short(starts[-1].date())} "
                                           f"{starts[-1]:%H:%M}")
                + skipped)
    else:
        text = _("Nobody to invite on {day} under {rules}{skipped}: the mail-merge file {csv} "
                 "in {folder} is empty.").format(day=date_short(day), rules=rules_name,
                                                 skipped=skipped, csv=MERGE_FILE,
                                                 folder=folder)
    if done.new_cancellations:
        names = list(done.new_cancellations)
        text += "\n" + ngettext(
            "Cancelled {n} invitation no longer due (send the cancellation): {files}",
            "Cancelled {n} invitations no longer due (send the cancellations): {files}",
            len(names)).format(n=len(names), files=_ids(names))
    if removed:
        text += "\n" + ngettext("Removed {n} file of the previous run that is no longer "
                                "current.",
                                "Removed {n} files of the previous run that are no longer "
                                "current.", removed).format(n=removed)
    say(text)


def _warnings(plan: list[Invitation], result: Plan, per_manager: bool, day: date,
              log_invited: bool) -> None:
    from seniorcli.fmt import date_short
    from seniorcli.services.invitations import CROWDED_WEEKS

    no_email = [i.employee_id for i in plan if not i.email]
    if no_email and per_manager:
        warn(ngettext("{n} employee has no usable e-mail in the register (the mail-merge file "
                      "has no address for them): {ids}",
                      "{n} employees have no usable e-mail in the register (the mail-merge "
                      "file has no address for them): {ids}", len(no_email))
             .format(n=len(no_email), ids=_ids(no_email)))
    elif no_email:
        warn(ngettext("{n} employee has no usable e-mail in the register, so the invitation is "
                      "a calendar entry for the manager, not a meeting request: {ids}",
                      "{n} employees have no usable e-mail in the register, so their "
                      "invitations are calendar entries for the manager, not meeting "
                      "requests: {ids}", len(no_email))
             .format(n=len(no_email), ids=_ids(no_email)))
    # No manager at all (the director) is how the organisation is, not a mistake to fix: said
    # on a terminal, not mailed by cron every month.
    unmanaged = [i.employee_id for i in plan if not i.manager_id]
    if unmanaged:
        say(ngettext("{n} employee has no manager, so the invitation has no organiser: {ids}",
                     "{n} employees have no manager, so their invitations have no organiser: "
                     "{ids}", len(unmanaged)).format(n=len(unmanaged), ids=_ids(unmanaged)))
    no_manager = [i.employee_id for i in plan if i.manager_id and not i.manager_email]
    if no_manager:
        warn(ngettext("{n} employee's manager has no usable e-mail in the register, so the "
                      "invitation has no organiser: {ids}",
                      "{n} employees' managers have no usable e-mail in the register, so their "
                      "invitations have no organiser: {ids}", len(no_manager))
             .format(n=len(no_manager), ids=_ids(no_manager)))
    if result.crowded:
        # One warning for the run (cron mails it): the selection is too large for the times.
        crowded = sum(n for _m, n in result.crowded)
        shown = [f"{m} ({n})" for m, n in result.crowded]
        warn(ngettext("{n} invitation is proposed more than {weeks} weeks after the first day "
                      "it could have had, because its manager's days are full that far ahead "
                      "(per manager: {managers}); fit more conversations into a day "
                      "(--duration, --time, --day-end, --per-day) or invite fewer at a time "
                      "(--within, --department, --manager)",
                      "{n} invitations are proposed more than {weeks} weeks after the first "
                      "day they could have had, because their manager's days are full that far "
                      "ahead (per manager: {managers}); fit more conversations into a day "
                      "(--duration, --time, --day-end, --per-day) or invite fewer at a time "
                      "(--within, --department, --manager)", crowded)
             .format(n=crowded, weeks=CROWDED_WEEKS, managers=_ids(shown)))
    if result.no_slot:
        shown = [_("{id} (leaves {date})").format(id=eid, date=date_short(leave))
                 for eid, leave in result.no_slot]
        warn(ngettext("{n} employee leaves before any working day with a free time, so no "
                      "invitation was written: {ids}",
                      "{n} employees leave before any working day with a free time, so no "
                      "invitations were written for them: {ids}", len(shown))
             .format(n=len(shown), ids=_ids(shown)))
    now = common.today()
    if day < now:
        past = sum(1 for i in plan if i.start.date() < now)
        if past:
            warn(ngettext("{n} proposed time lies in the past: --as-of {day} is before today "
                          "({today})",
                          "{n} proposed times lie in the past: --as-of {day} is before today "
                          "({today})", past)
                 .format(n=past, day=date_short(day), today=date_short(now)))
        if log_invited and plan:
            warn(_("--log-invited logs the invitations dated {day} (the as-of date), not "
                   "today").format(day=date_short(day)))


def register(app: typer.Typer) -> None:
    app.command("invite")(invite)
