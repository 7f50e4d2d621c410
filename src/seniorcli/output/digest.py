"""A manager's digest (``seniorcli digest``) as one self-contained HTML page or as plain text.

One digest is one file for one manager (or for HR: the staff without a manager), meant to be
mailed by the monthly cron job and read or printed by the manager: who must be offered a senior
conversation now, who within the next days, and which senior agreements of their staff end
soon.

- HTML: the works council report's house style (``output.html``: its CSS and table builder),
  no script, no external resource; prints on A4 portrait. Every value from the register is
  escaped.
- Text: at most 80 characters a line, one block per employee instead of a table, so it prints
  and reads in any mail program. A line is never broken inside an id ("(A 1)") or a date with
  the name of its day off ("26-12-2026 (Anden juledag)"); only a word longer than a whole line
  is cut.

Both formats state the same facts (the HTML's cells are the text's values): a fact shown in
one and not the other is a bug (tests/test_digest.py compares them).

Every date a person reads that is no working day (a weekend, a public holiday or an agreed day
off: ``seniorcli.workdays.day_off``) carries that day's name. The same data give the same bytes:
nothing here reads the clock.

The introduction's wording follows the policies in seeds/: Køge Kommune, Seniorpolitik ("Der er
alene tale om et tilbud, som den enkelte medarbejder kan vælge at takke nej til"; "Samtalen kan
finde sted i forlængelse af MUS men kan også holdes adskilt fra MUS"; "Tillidsrepræsentanten
kan deltage i seniorsamtalen, hvis medarbejderen ønsker det"), and Albertslund Kommune,
Retningslinje for Seniorindsatser ("Initiativet til indkaldelse ... ligger hos lederen").
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from html import escape
from typing import Any

from seniorcli import __version__
from seniorcli.errors import printable
from seniorcli.i18n import N_, _, language, ngettext

#: The text format's width: it prints on A4 and fits any mail program.
TEXT_WIDTH = 80

#: The file of the staff without a manager (for HR), the index (see cli/digest.py), and the
#: hidden manifest: which selection the folder's files belong to, and which files they are.
HR_FILE = "uden-leder"
INDEX_FILE = "oversigt.csv"
MANIFEST_FILE = ".seniorcli-digest.json"
EXTENSIONS = {"html": ".html", "text": ".txt"}

#: Pending statuses as people read them (the same words as the due list's table).
PENDING_WORDS = {"invited": N_("invited (pending)"), "postponed": N_("postponed (pending)"),
                 "requested": N_("requested (pending)")}

#: What the digest adds to the works council report's CSS: the name of a day off, and room.
EXTRA_CSS = """
.off { color: #a0421c; font-size: 7.5pt; font-weight: 600; white-space: nowrap; }
.intro { margin: 2mm 0 3mm; }
.none { color: #56606b; font-style: italic; }
.about { margin-top: 6mm; border-top: 1px solid #c8d0d8; padding-top: 1mm; }
td { hyphens: auto; }
"""


# File names ------------------------------------------------------------------------------------

def file_names(manager_ids: Iterable[str | None], fmt: str) -> dict[str | None, str]:
    """The file of each digest: ``leder-<manager id>.html`` (``.txt``), ``uden-leder.html`` for
    the staff without a manager (``None``). Ids only, never names. An id that is not a plain
    file name (a slash, a space, a dot, a letter outside A–Z), or that differs from another
    only in case (one file on Windows and macOS disks), gets a stable fingerprint of itself
    instead: ``leder-M_1-3f2a9c1b.html`` (``seniorcli.files.safe_names``, as ``invite``)."""
    from seniorcli.files import safe_names

    ext = EXTENSIONS[fmt]
    names: dict[str | None, str] = {None: HR_FILE + ext}
    names.update(safe_names((m for m in manager_ids if m is not None), "leder-", ext))
    return names


#: A file name this command writes (and may remove again when a later run no longer has it).
OWN_FILE = re.compile(r"(leder-[A-Za-z0-9_-]+|uden-leder)\.(html|txt)")


# Words and dates --------------------------------------------------------------------------------

def _plain(v: object) -> str:
    return "" if v is None else printable(str(v))


def _day(d: date) -> str:
    from seniorcli import fmt

    return fmt.date_short(d)


def _long(d: date) -> str:
    from seniorcli import fmt

    return fmt.date_long(d)


def _off(d: date | None) -> str | None:
    from seniorcli.workdays import day_off

    return day_off(d)


#: Joins the words of one value (an id, a date with its day off) in the text format, so
#: the wrapper never breaks a line inside it; it is a plain space again in the file.
#: (textwrap breaks at ASCII white space only, and counts this as one character.)
GLUE = "\u00a0"


def _glued(text: str) -> str:
    return text.replace(" ", GLUE)


def _dated(d: date) -> str:
    """07-12-2026, or 24-12-2026 (Juleaftensdag) for a day off (text), as one unbreakable
    value."""
    name = _off(d)
    return _glued(f"{_day(d)} ({name})" if name else _day(d))


def _pending(value: str | None) -> str:
    if not value:
        return ""
    word = PENDING_WORDS.get(value)
    return _(word) if word and language() != "en" else value


def _type_name(key: str) -> str:
    """An agreement type as people read it: 'Seniorstilling' (its short name)."""
    from seniorcli.agreements import BY_KEY

    t = BY_KEY.get(key)
    if t is None:
        return key
    return t.name()


def _n(days: int) -> str:
    """A count of days as people read it: 5.488 in Danish."""
    from seniorcli.fmt import number

    return number(days, 0)


def _overdue(days: int) -> str:
    if days <= 0:
        return _("due today")
    return ngettext("{n} day overdue", "{n} days overdue", days).format(n=_n(days))


def _until(days: int) -> str:
    return ngettext("in {n} day", "in {n} days", days).format(n=_n(days))


def _left(days: int) -> str:
    if days <= 0:
        return _("ends today")
    return ngettext("{n} day left", "{n} days left", days).format(n=_n(days))


def _days(days: int) -> str:
    """A table cell under "Overdue", "In" or "Days left": '17 days', or 'today'."""
    if days <= 0:
        return _("today")
    return ngettext("{n} day", "{n} days", days).format(n=_n(days))


def manager_note(row: dict, glue: bool = False) -> str:
    """For HR: why this employee is not in a manager's digest ("M9 (not in the register)",
    "Lise Gået (M4), left 31-10-2026"); ``glue``: the id and the date unbreakable (text)."""
    keep = _glued if glue else str
    problem, mid, name = row.get("manager_problem"), row.get("manager_id"), row.get("manager_name")
    day = row.get("manager_date")
    if problem == "left":
        return _("{manager} ({id}), left {date}").format(
            manager=_plain(name), id=keep(_plain(mid)), date=_day(day) if day else "?")
    if problem == "not_hired":
        return _("{manager} ({id}), starts {date}").format(
            manager=_plain(name), id=keep(_plain(mid)), date=_day(day) if day else "?")
    if problem == "unknown":
        return keep(_("{id} (not in the register)").format(id=_plain(mid)))
    return _("(no manager)")


# What every digest says -------------------------------------------------------------------------

def _title() -> str:
    return _("Senior conversations and senior agreements")


def _recipient(d: Any, keep: Any = str) -> str:
    if d.manager_id is None:
        return _("To: HR — staff without a manager in the register")
    return _("To: {name} ({id})").format(name=_plain(d.manager_name),
                                         id=keep(_plain(d.manager_id)))


def _status_line(run: Any, keep: Any = str) -> str:
    day = _long(run.as_of)
    name = _off(run.as_of)
    if name:
        day = f"{day} ({name})"
    return _("Status as of {date}").format(date=keep(day))


def _rules_line(run: Any) -> str:
    return _("Rule set: {title}").format(title=_plain(run.rules_title))


def _intro(d: Any, run: Any) -> list[str]:
    if d.manager_id is None:
        return [_(
            "The employees below have no manager in the register, or their manager is not an "
            "employee of it or is not employed on the day (left, or not started yet), so they "
            "are in no manager's overview. Pass each of them on to the right manager, and "
            "correct the manager column of the roster so that they are in their manager's "
            "overview next time.")]
    return [
        _("You receive this overview because you are the manager of the employees below. "
          "Offer each employee under \"Offer a senior conversation now\" a senior conversation "
          "(seniorsamtale), and tell HR the outcome (invited, held or declined) so that it can "
          "be recorded. The ones due within the coming days can be planned now, for example "
          "together with the next appraisal (MUS)."),
        # Albertslund's guideline makes the senior conversation part of MUS, offered to all
        # and declined actively (seeds/albertslund-retningslinje-seniorindsatser.txt); Køge's
        # policy lets it be held with MUS or apart (seeds/koege-seniorpolitik.txt).
        _("The senior conversation is part of MUS; it is offered to every employee, who may "
          "decline it actively, and the union representative (TR) may take part if the "
          "employee wishes.") if run.rules_name == "albertslund" else
        _("The senior conversation is only an offer, which the employee may decline. It may be "
          "held together with MUS, but also apart from it, and the union representative (TR) "
          "may take part if the employee wishes."),
        _("A senior agreement (seniorordning) that ends soon needs a decision: renew it, "
          "change it or let it end — and payroll must know in good time."),
    ]


def _sections(d: Any, run: Any) -> list[tuple[str, str, list[dict]]]:
    """(key, heading, rows) of the digest's sections; due soon and the agreements only when
    asked for (--within 0 and --agreements-within 0 leave them out)."""
    out = [("due_now", _("Offer a senior conversation now ({n})").format(n=len(d.due_now)),
            d.due_now)]
    if run.within > 0:
        out.append(("due_soon", _("Due within {days} days ({n})").format(
            days=run.within, n=len(d.due_soon)), d.due_soon))
    if run.agreements_within > 0:
        out.append(("agreements", _("Senior agreements ending within {days} days ({n})")
                    .format(days=run.agreements_within, n=len(d.agreements_ending)),
                    d.agreements_ending))
    return out


def _about(run: Any) -> list[str]:
    return [
        _("Due dates under the rule set {title} (seniorcli rules show {name} gives its "
          "definition and sources). A date followed by the name of a holiday or a weekday is "
          "not a working day.").format(title=_plain(run.rules_title), name=_plain(run.rules_name)),
        _("Made by seniorcli {version}.").format(version=__version__),
    ]


# HTML ------------------------------------------------------------------------------------------

def _h(v: object) -> str:
    return escape(_plain(v))


def _html_date(d: date) -> str:
    name = _off(d)
    cell = escape(_day(d))
    return f'{cell}<br><span class="off">{escape(name)}</span>' if name else cell


def _who(r: dict) -> str:
    return f'<td>{_h(r["name"])} <span class="id">{_h(r["employee_id"])}</span></td>'


def _html_section(key: str, rows: list[dict], hr: bool) -> str:
    from seniorcli.output.html import _cell, _grid

    heads = [_("Employee"), _("Department")] + ([_("Manager")] if hr else [])
    if key == "due_now":
        heads += [_("Due"), _("Overdue"), _("Status"), _("Why")]
    elif key == "due_soon":  # an invitation may be sent before the due date: its status too
        heads += [_("Due"), _("In"), _("Status"), _("Why")]
    else:
        heads += [_("Senior agreement"), _("Last day"), _("Days left")]
    body = []
    for r in rows:
        cells = [_who(r), _cell(_h(r["department"]), "text")]
        if hr:
            cells.append(_cell(escape(manager_note(r)), "text"))
        if key == "due_now":
            cells += [_cell(_html_date(r["due_date"])), _cell(escape(_days(r["days_overdue"]))),
                      _cell(escape(_pending(r["pending"])), "text"),
                      _cell(_h(r["reason"]), "text")]
        elif key == "due_soon":
            cells += [_cell(_html_date(r["due_date"])), _cell(escape(_days(r["days_until"]))),
                      _cell(escape(_pending(r["pending"])), "text"),
                      _cell(_h(r["reason"]), "text")]
        else:
            cells += [_cell(escape(_type_name(r["type"])), "text"),
                      _cell(_html_date(r["end_date"])), _cell(escape(_days(r["days_left"])))]
        body.append(cells)
    widths = ({"due_now": [18, 11, 15, 11, 11, 10, 24], "due_soon": [18, 11, 15, 11, 9, 10, 26],
               "agreements": [22, 14, 18, 20, 12, 14]} if hr else
              {"due_now": [22, 14, 11, 11, 10, 32], "due_soon": [22, 14, 11, 9, 10, 34],
               "agreements": [28, 18, 28, 12, 14]})[key]
    return _grid([escape(h) for h in heads], body, widths=widths)


def render_html(d: Any, run: Any) -> str:
    """One digest (``services.digest.Digest``) of a run (``Digests``) as an HTML page."""
    from seniorcli.output.html import CSS, _para, _tag

    title = _title()
    meta = [_recipient(d), _status_line(run), _rules_line(run)]
    body = [_tag("h1", title),
            '<p class="meta">' + " · ".join(escape(m) for m in meta) + "</p>",
            *(f'<p class="intro">{escape(p)}</p>' for p in _intro(d, run))]
    for key, heading, rows in _sections(d, run):
        body.append(_tag("h2", heading))
        body.append(_html_section(key, rows, d.manager_id is None) if rows
                    else f'<p class="none">{escape(_("None."))}</p>')
    body += ['<div class="about">', *(_para(line) for line in _about(run)), "</div>"]
    page_title = " — ".join([title, _recipient(d), _long(run.as_of)])
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(page_title)}</title>", f"<style>{CSS}{EXTRA_CSS}</style></head><body>",
        *body, "</body></html>"]) + "\n"


# Text ------------------------------------------------------------------------------------------

def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return list(_wrapped(text, first, rest))


@lru_cache(maxsize=256)
def _wrapped(text: str, first: str, rest: str) -> tuple[str, ...]:
    """Lines of at most TEXT_WIDTH, broken at spaces but never inside a glued value (GLUE);
    a word longer than a line is cut. (Cached: the introduction and the notes are the same in
    each of a run's digests.)"""
    lines = textwrap.wrap(text, TEXT_WIDTH, initial_indent=first, subsequent_indent=rest,
                          break_long_words=True, break_on_hyphens=False) or [first.rstrip()]
    return tuple(line.replace(GLUE, " ") for line in lines)


def _text_item(key: str, r: dict, hr: bool) -> list[str]:
    who = f"{_plain(r['name'])} ({_glued(_plain(r['employee_id']))})"
    if r.get("department"):
        who += f", {_plain(r['department'])}"
    lines = _wrap(who, "* ", "  ")
    if hr:
        lines += _wrap(_("Manager: {manager}").format(manager=manager_note(r, glue=True)),
                       "  ", "    ")
    if key == "agreements":
        detail = _("{type}: last day {date}, {left}").format(
            type=_type_name(r["type"]), date=_dated(r["end_date"]), left=_left(r["days_left"]))
        return lines + _wrap(detail, "  ", "    ")
    when = (_overdue(r["days_overdue"]) if key == "due_now" else _until(r["days_until"]))
    detail = _("Due {date}, {when}").format(date=_dated(r["due_date"]), when=when)
    if r.get("pending"):
        detail += " · " + _pending(r["pending"])
    lines += _wrap(detail, "  ", "    ")
    lines += _wrap(_("Why: {reason}").format(reason=_plain(r["reason"])), "  ", "    ")
    return lines


def render_text(d: Any, run: Any) -> str:
    """One digest as plain text of at most 80 characters a line."""
    title = _title()
    lines = _wrap(title)
    lines.append("=" * min(TEXT_WIDTH, max(len(line) for line in lines)))
    for m in (_recipient(d, _glued), _status_line(run, _glued), _rules_line(run)):
        lines += _wrap(m)
    for p in _intro(d, run):
        lines.append("")
        lines += _wrap(p)
    for key, heading, rows in _sections(d, run):
        lines += ["", ""]
        head = _wrap(heading)
        lines += head + ["-" * min(TEXT_WIDTH, max(len(h) for h in head))]
        if not rows:
            lines.append(_("None."))
        for i, r in enumerate(rows):
            if i:
                lines.append("")
            lines += _text_item(key, r, d.manager_id is None)
    lines += ["", "-" * TEXT_WIDTH]
    for p in _about(run):
        lines += _wrap(p)
    return "\n".join(lines) + "\n"


def render(d: Any, run: Any, fmt: str) -> str:
    """``fmt``: html or text."""
    return render_html(d, run) if fmt == "html" else render_text(d, run)
