"""Filters matched the way people type them: the one resolver behind every --department,
--manager and employee id that a person types.

- A department matches whatever its case and surrounding spaces (``jobcenter`` → ``Jobcenter``,
  ``" Ældreplejen "`` → ``Ældreplejen``; spaces inside count as one).
- A manager or employee id matches without the leading zeros a spreadsheet drops (``104`` →
  ``00104``), and ignoring the case of letters, when exactly one stored id matches that way.
- A name (``employees --search``) matches part of it whatever the case and accents, with the
  Danish letters and their two-letter spellings alike both ways (``Soeren`` finds ``Søren`` and
  ``Søren`` finds ``Soeren``; ``aase`` finds ``Åse``); ``Soren`` finds ``Søren`` too.
- A filter that matches nothing is refused (NotFoundError: exit 1) naming the close values
  (difflib) or, when there are few, the known ones: an empty list because of a typing error
  would look like "nobody is due".

The exact value is tried first with one lookup, so a filter typed as stored costs nothing more.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable

from seniorcli.db import Db
from seniorcli.db import employees as db
from seniorcli.errors import NotFoundError
from seniorcli.i18n import _

#: Known values listed in a refusal when there is no close one (more: a hint where to look).
LIST_KNOWN_MAX = 15


def _words(text: str) -> str:
    """A department as compared: case-insensitive, runs of spaces as one, trimmed."""
    return " ".join(text.split()).casefold()


def _id_key(text: str) -> str:
    """An id as compared: trimmed, case-insensitive, without leading zeros ('00104' → '104')."""
    s = text.strip().casefold()
    return s.lstrip("0") or ("0" if s else "")


# Names as compared. Danish (and Swedish, German) letters are written two ways: Søren or
# Soeren, Åse or Aase, Ærø or Aeroe. Both sides are folded to the two-letter spelling ("long"),
# so either spelling finds the other; and to the bare letter ("short"), so that Soren, typed on
# a keyboard without ø, finds Søren too. Other accents go (é → e, ü → u); a hyphen is a space.
_LONG = str.maketrans({"å": "aa", "ø": "oe", "æ": "ae", "ö": "oe", "ä": "ae", "-": " "})
_SHORT = str.maketrans({"å": "a", "ø": "o", "æ": "ae", "ö": "o", "ä": "a", "-": " "})


def _fold(text: str, table: dict[int, str]) -> str:
    s = text.casefold().translate(table)
    if not s.isascii():  # é → e, ü → u: the letter without its accent
        s = "".join(c for c in unicodedata.normalize("NFKD", s)
                    if not unicodedata.combining(c))
    return " ".join(s.split())


def name_keys(text: str) -> tuple[str, str]:
    """A name as compared (long, short): ``'Søren Ågård'`` → ``('soeren aagaard', 'soren
    agard')``."""
    return _fold(text, _LONG), _fold(text, _SHORT)


def name_matcher(typed: str) -> Callable[[str | None], bool]:
    """A test of whether a name contains ``typed`` (see name_keys). Fast on the names that are
    plain ASCII: at 500,000 employees it is called once per name."""
    long, short = name_keys(typed)

    def matches(name: str | None) -> bool:
        if not name:
            return False
        if name.isascii():
            plain = " ".join(name.casefold().replace("-", " ").split())
            return long in plain or short in plain
        return long in _fold(name, _LONG) or short in _fold(name, _SHORT)

    return matches


def _refuse(what: str, typed: str, known: list[str], hint: str) -> NotFoundError:
    """``what``: "department" or "manager" (each has its own sentences in the catalog)."""
    close = difflib.get_close_matches(typed.strip(), known, n=5, cutoff=0.6)
    if not close:  # case differences make difflib's ratio low: compare folded too
        folded = {k.casefold(): k for k in known}
        close = [folded[c] for c in difflib.get_close_matches(
            typed.strip().casefold(), list(folded), n=5, cutoff=0.6)]
    department = what == "department"
    if close:
        message = (_("no department '{typed}'; did you mean {choices}?") if department
                   else _("no manager '{typed}'; did you mean {choices}?"))
        choices = _(" or ").join(f"'{c}'" for c in close)
    elif not known:
        message = (_("no department '{typed}': no employee has one") if department
                   else _("no manager '{typed}': no employee has one"))
        choices = ""
    elif len(known) <= LIST_KNOWN_MAX:
        message = (_("no department '{typed}'; known: {choices}") if department
                   else _("no manager '{typed}'; known: {choices}"))
        choices = ", ".join(sorted(known))
    else:
        message = (_("no department '{typed}', and none close to it") if department
                   else _("no manager '{typed}', and none close to it"))
        choices = ""
    return NotFoundError(message.format(typed=typed.strip(), choices=choices), hint=hint)


def _resolve(conn: Db, column: str, typed: str | None, key: Callable[[str], str],
             ambiguous: str, ambiguous_hint: str, what: str, shows: str) -> str | None:
    """The stored value of ``column`` that ``typed`` means (None stays None): the exact value,
    else the one value alike under ``key``; several alike or none is a NotFoundError."""
    if typed is None:
        return None
    if db.has_value(conn, column, typed):
        return typed
    known = db.values(conn, column)
    wanted = key(typed)
    matches = [v for v in known if key(v) == wanted]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFoundError(ambiguous.format(
            typed=typed.strip(), choices=", ".join(f"'{m}'" for m in sorted(matches))),
            hint=ambiguous_hint)
    raise _refuse(what, typed, known, shows)


def resolve_department(conn: Db, typed: str | None) -> str | None:
    """The stored department that ``typed`` means (case and spaces aside), or NotFoundError."""
    return _resolve(conn, "department", typed, _words,
                    _("department '{typed}' could be any of {choices}"),
                    _("type it exactly as one of them"), "department",
                    _("seniorcli employees --include-left --format csv shows every department"))


def resolve_manager(conn: Db, typed: str | None) -> str | None:
    """The stored manager id that ``typed`` means (lost leading zeros aside), or
    NotFoundError."""
    return _resolve(conn, "manager_id", typed, _id_key,
                    _("manager '{typed}' could be any of {choices}"),
                    _("type the id with its leading zeros"), "manager",
                    _("seniorcli employees --format csv shows each employee's manager_id"))


def resolve_filters(conn: Db, department: str | None = None,
                    manager: str | None = None) -> tuple[str | None, str | None]:
    """(department, manager) as stored, for a command's --department and --manager. Both
    given: some employee must have both, or the pair is refused (NotFoundError) naming the
    departments the manager's staff are in, since each filter alone matches and an empty
    list would look like "nobody is due"."""
    department, manager = resolve_department(conn, department), resolve_manager(conn, manager)
    if department is not None and manager is not None and \
            not db.has_department_and_manager(conn, department, manager):
        theirs = db.departments_of_manager(conn, manager)
        where = (_("their staff are in: {departments}").format(departments=", ".join(theirs))
                 if theirs else _("their staff have no department"))
        raise NotFoundError(
            _("manager {manager} has no staff in {department}; {where}").format(
                manager=manager, department=department, where=where),
            hint=_("leave out --department or --manager, or give another"))
    return department, manager


def resolve_employee_id(conn: Db, typed: str) -> str:
    """The stored employee id that ``typed`` means: as typed (trimmed) if it exists, else the
    one id that matches without leading zeros and case ('104' → '00104'). When none does, the
    trimmed text is returned (the caller says 'no employee with id …'); when several do, it is
    refused naming them."""
    eid = typed.strip()
    if not eid or db.exists(conn, eid):
        return eid
    key = _id_key(eid)
    # A scan, but only for an id that is not there as typed.
    matches = [m for m in db.ids_like(conn, key if key != "0" else "") if _id_key(m) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFoundError(
            _("employee id '{typed}' could be any of {choices}").format(
                typed=eid, choices=", ".join(f"'{m}'" for m in matches)),
            hint=_("type the id with its leading zeros"))
    return eid


def of_department_and_manager(conn: Db, rows: Iterable[dict],
                              department: str | None, manager: str | None) -> Iterable[dict]:
    """The rows (each with an ``employee_id``) of the employees in ``department`` and under
    ``manager`` — both already resolved by resolve_filters, None meaning any — as the roster
    has them now: for listings whose own query knows no department or manager (agreements,
    senior days). The few ids of one department or manager are looked up once."""
    if department is None and manager is None:
        return rows
    ids = db.ids_in(conn, department=department, manager=manager)
    return (r for r in rows if r["employee_id"] in ids)
