"""``invite``: calendar invitations (.ics) and a mail-merge file for the people due."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seniorcli.cli.common import (
    AsOf,
    DepartmentOpt,
    ManagerOpt,
    RulesFileOpt,
    RulesOpt,
    open_db,
    resolve_rules,
    say,
    today,
    warn,
)
from seniorcli.errors import SeniorError
from seniorcli.i18n import _, ngettext

if TYPE_CHECKING:
    from seniorcli.services.invitations import Invitation

#: Ids listed in a warning; more are counted.
SHOWN_IDS = 20


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


def _check_folder(folder: Path) -> None:
    """Refuse (exit 1, nothing written) a --to that is not a folder we may write in: a file
    (the database above all), or a folder without write permission. A missing folder is
    created later, once there is something to write."""
    from seniorcli.files import check_target

    if folder.is_dir():
        if not os.access(folder, os.W_OK | os.X_OK):
            raise SeniorError(_("no permission to write in the folder {folder}; nothing was "
                                "written").format(folder=folder),
                              hint=_("choose a folder you may write in"))
        return
    if folder.exists() or folder.is_symlink():
        check_target(folder)  # the database (or its -wal) is named as such
        raise SeniorError(_("{folder} is a file, not a folder; nothing was written")
                          .format(folder=folder),
                          hint=_("give a folder for the invitations with --to (it is created "
                                 "if it does not exist)"))
    parent = next((p for p in folder.absolute().parents if p.exists()), None)
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise SeniorError(_("cannot create the folder {folder}: no permission to write in "
                            "{parent}; nothing was written").format(folder=folder,
                                                                     parent=parent),
                          hint=_("choose a folder you may write in"))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise SeniorError(_("cannot create the folder {folder}: {error}; nothing was written")
                          .format(folder=folder, error=e.strerror or e),
                          hint=_("choose a folder you may write in")) from None


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    if len(ids) > SHOWN_IDS:
        shown += _(" … and {n} more").format(n=len(ids) - SHOWN_IDS)
    return shown


def _write_calendars(folder: Path, plan: list[Invitation], per_manager: bool,
                     stamp: date) -> None:
    from seniorcli.output.ics import Meeting, Person, description, summary, write_calendar

    def meeting(i: Invitation, attendee: bool) -> Meeting:
        organizer = Person(i.manager_name, i.manager_email) if i.manager_email else None
        invited = (Person(i.name, i.email) if attendee and organizer and i.email else None)
        return Meeting(
            uid=i.uid, sequence=i.sequence, start=i.start, end=i.end, summary=summary(i.name),
            description=description(
                name=i.name, employee_id=i.employee_id, email=i.email, due_date=i.due_date,
                due_day_off=i.due_day_off, reason=i.reason, start=i.start, end=i.end,
                for_organizer=invited is None),
            organizer=organizer, attendee=invited)

    files: dict[str, list[Invitation]] = {}
    for i in plan:
        files.setdefault(i.file, []).append(i)
    for name, group in sorted(files.items()):
        group.sort(key=lambda i: (i.start, i.employee_id))
        if per_manager:
            # Many events for the manager's own calendar: PUBLISH (RFC 5546 allows no
            # attendee in it, and Outlook imports only the first event of a REQUEST).
            write_calendar(folder / name, [meeting(i, False) for i in group],
                           method="PUBLISH", stamp=stamp)
        else:
            m = meeting(group[0], True)
            write_calendar(folder / name, [m], method="REQUEST" if m.attendee else "PUBLISH",
                           stamp=stamp)


def merge_columns():
    """The mail-merge file's fields (English names, as in every csv the tool writes)."""
    from seniorcli.output import Column

    keys = ("employee_id", "name", "email", "department", "manager_id", "manager_name",
            "manager_email", "due_date", "due_date_text", "due_date_day_off", "proposed_start",
            "proposed_end", "proposed_text", "reason", "ics_file")
    return [Column(k, k) for k in keys]


def _merge_rows(plan: Iterable[Invitation]) -> Iterable[dict]:
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
            "ics_file": i.file,
        }


def invite(
    to: Annotated[Path, typer.Option(
        "--to", metavar="FOLDER", show_default=False,
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
    skip_invited: Annotated[bool, typer.Option(
        "--skip-invited", help=_("Leave out those with an invitation pending ('invited' "
                                 "logged since the last conversation)."))] = False,
    log_invited: Annotated[bool, typer.Option(
        "--log-invited", help=_("Log the outcome 'invited', dated the as-of date, for each "
                                "one invited; once: not again for someone whose invitation "
                                "is pending."))] = False,
) -> None:
    """Write calendar invitations (.ics) to a senior conversation for the people due, and a
    mail-merge file.

    Selects as `due` does. Proposes a time for each, never on a weekend, public holiday or
    agreed day off, and no sooner than --notice days ahead; one manager's conversations get
    consecutive times. Writes the .ics files (RFC 5545) and flettefil.csv (';', UTF-8 with BOM,
    for Excel and Word mail merge) into FOLDER. A run again gives the same files, and a
    calendar updates the event instead of adding one.

    Example: seniorcli invite --rules koege --within 31 --to invitationer/2026-12 --log-invited
    """
    from seniorcli.fmt import date_short
    from seniorcli.output import emit
    from seniorcli.services import invitations
    from seniorcli.services.filters import resolve_filters

    schedule = invitations.Schedule(first=first, minutes=duration, day_end=day_end,
                                    notice=notice, per_day=per_day)
    if schedule.slots() < 1:
        raise typer.BadParameter(
            _("a conversation of {minutes} minutes from {first} does not end by --day-end "
              "{day_end}").format(minutes=duration, first=f"{first:%H:%M}",
                                  day_end=f"{day_end:%H:%M}"), param_hint="--time")
    folder = to.expanduser()
    _check_folder(folder)
    conn = open_db(must_exist=True)
    department, manager = resolve_filters(conn, department, manager)
    rule_set = resolve_rules(conn, rules, rules_file)
    day = as_of or today()
    plan = invitations.plan_invitations(
        conn, rule_set, day, within, department=department, manager=manager,
        schedule=schedule, per_manager=per is Per.manager, skip_invited=skip_invited)
    if not plan:
        say(_("Nobody to invite on {day} under {rules}: nothing was written.")
            .format(day=date_short(day), rules=rule_set.name))
        return
    _make_folder(folder)
    _write_calendars(folder, plan, per is Per.manager, day)
    emit(_merge_rows(plan), merge_columns(), "excel-csv", folder / invitations.MERGE_FILE)

    files = len({i.file for i in plan})
    starts = sorted(i.start for i in plan)
    say(ngettext("Wrote {n} invitation", "Wrote {n} invitations", len(plan)).format(n=len(plan))
        + ngettext(" in {files} calendar file", " in {files} calendar files", files)
            .format(files=files)
        + _(" and the mail-merge file {csv} to {folder}; proposed from {first} to {last}.")
            .format(csv=invitations.MERGE_FILE, folder=folder,
                    first=f"{date_short(starts[0].date())} {starts[0]:%H:%M}",
                    last=f"{date_short(starts[-1].date())} {starts[-1]:%H:%M}"))
    no_email = [i.employee_id for i in plan if not i.email]
    if no_email:
        warn(ngettext("{n} employee has no usable e-mail in the register, so the invitation is "
                      "a calendar entry for the manager, not a meeting request: {ids}",
                      "{n} employees have no usable e-mail in the register, so their "
                      "invitations are calendar entries for the manager, not meeting "
                      "requests: {ids}", len(no_email))
             .format(n=len(no_email), ids=_ids(no_email)))
    no_manager = [i.employee_id for i in plan if not i.manager_email]
    if no_manager:
        warn(ngettext("{n} employee has no manager with a usable e-mail (or no manager), so "
                      "the invitation has no organiser: {ids}",
                      "{n} employees have no manager with a usable e-mail (or no manager), so "
                      "their invitations have no organiser: {ids}", len(no_manager))
             .format(n=len(no_manager), ids=_ids(no_manager)))
    if not log_invited:
        return
    try:
        result = invitations.log_invited(conn, plan, day, today(),
                                         note=_("calendar invitation (seniorcli invite)"))
    except SeniorError as e:
        e.message = _("the invitations were written to {folder}, but nothing was logged: "
                      "{message}").format(folder=folder, message=e.message)
        raise
    text = ngettext("Logged 'invited' dated {day} for {n} employee.",
                    "Logged 'invited' dated {day} for {n} employees.", result.logged).format(
                        day=date_short(day), n=result.logged)
    if result.already:
        text += " " + _("{n} had an invitation logged already (not logged again).").format(
            n=result.already)
    if result.withdrawn:
        text += " " + _("{n} had that invitation withdrawn (not logged again).").format(
            n=result.withdrawn)
    say(text)


def register(app: typer.Typer) -> None:
    app.command("invite")(invite)
