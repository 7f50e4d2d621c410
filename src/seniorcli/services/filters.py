"""Filters matched the way people type them: the one resolver behind every --department,
--manager and employee id that a person types.

- A department matches whatever its case and surrounding spaces (``jobcenter`` → ``Jobcenter``,
  ``" Ældreplejen "`` → ``Ældreplejen``; spaces inside count as one).
- A manager or employee id matches without the leading zeros a spreadsheet drops (``104`` →
  ``00104``), and ignoring the case of letters, when exactly one stored id matches that way.
- A filter that matches nothing is refused (NotFoundError: exit 1) naming the close values
  (difflib) or, when there are few, the known ones: an empty list because of a typing error
  would look like "nobody is due".

The exact value is tried first with one lookup, so a filter typed as stored costs nothing more.
"""

from __future__ import annotations

import difflib
import sqlite3

from seniorcli.errors import NotFoundError

#: Known values listed in a refusal when there is no close one (more: a hint where to look).
LIST_KNOWN_MAX = 15


def _words(text: str) -> str:
    """A department as compared: case-insensitive, runs of spaces as one, trimmed."""
    return " ".join(text.split()).casefold()


def _id_key(text: str) -> str:
    """An id as compared: trimmed, case-insensitive, without leading zeros ('00104' → '104')."""
    s = text.strip().casefold()
    return s.lstrip("0") or ("0" if s else "")


def _refuse(what: str, typed: str, known: list[str], hint: str) -> NotFoundError:
    close = difflib.get_close_matches(typed.strip(), known, n=5, cutoff=0.6)
    if not close:  # case differences make difflib's ratio low: compare folded too
        folded = {k.casefold(): k for k in known}
        close = [folded[c] for c in difflib.get_close_matches(
            typed.strip().casefold(), list(folded), n=5, cutoff=0.6)]
    if close:
        message = f"no {what} '{typed.strip()}'; did you mean " + \
            " or ".join(f"'{c}'" for c in close) + "?"
    elif not known:
        message = f"no {what} '{typed.strip()}': no employee has one"
    elif len(known) <= LIST_KNOWN_MAX:
        message = f"no {what} '{typed.strip()}'; known: " + ", ".join(sorted(known))
    else:
        message = f"no {what} '{typed.strip()}', and none close to it"
    return NotFoundError(message, hint=hint)


def resolve_department(conn: sqlite3.Connection, typed: str | None) -> str | None:
    """The stored department that ``typed`` means (None stays None), or NotFoundError."""
    if typed is None:
        return None
    if conn.execute("SELECT 1 FROM employee WHERE department = ? LIMIT 1",
                    (typed,)).fetchone():
        return typed
    known = [d for (d,) in conn.execute(
        "SELECT DISTINCT department FROM employee WHERE department IS NOT NULL")]
    key = _words(typed)
    matches = [d for d in known if _words(d) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFoundError(
            f"department '{typed.strip()}' could be any of "
            + ", ".join(f"'{m}'" for m in sorted(matches)),
            hint="type it exactly as one of them")
    raise _refuse("department", typed, known,
                  "seniorcli employees --include-left --format csv shows every department")


def resolve_manager(conn: sqlite3.Connection, typed: str | None) -> str | None:
    """The stored manager id that ``typed`` means (None stays None), or NotFoundError."""
    if typed is None:
        return None
    if conn.execute("SELECT 1 FROM employee WHERE manager_id = ? LIMIT 1",
                    (typed,)).fetchone():
        return typed
    known = [m for (m,) in conn.execute(
        "SELECT DISTINCT manager_id FROM employee WHERE manager_id IS NOT NULL")]
    key = _id_key(typed)
    matches = [m for m in known if _id_key(m) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFoundError(
            f"manager '{typed.strip()}' could be any of "
            + ", ".join(f"'{m}'" for m in sorted(matches)),
            hint="type the id with its leading zeros")
    raise _refuse("manager", typed, known,
                  "seniorcli employees --format csv shows each employee's manager_id")


def resolve_filters(conn: sqlite3.Connection, department: str | None = None,
                    manager: str | None = None) -> tuple[str | None, str | None]:
    """(department, manager) as stored, for a command's --department and --manager."""
    return resolve_department(conn, department), resolve_manager(conn, manager)


def resolve_employee_id(conn: sqlite3.Connection, typed: str) -> str:
    """The stored employee id that ``typed`` means: as typed (trimmed) if it exists, else the
    one id that matches without leading zeros and case ('104' → '00104'). When none does, the
    trimmed text is returned (the caller says 'no employee with id …'); when several do, it is
    refused naming them."""
    eid = typed.strip()
    if not eid or conn.execute("SELECT 1 FROM employee WHERE employee_id = ?",
                               (eid,)).fetchone():
        return eid
    key = _id_key(eid)
    # A scan, but only for an id that is not there as typed.
    matches = [m for (m,) in conn.execute(
        "SELECT employee_id FROM employee WHERE lower(ltrim(employee_id, '0')) = ? LIMIT 10",
        (key if key != "0" else "",))
        if _id_key(m) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFoundError(
            f"employee id '{eid}' could be any of " + ", ".join(f"'{m}'" for m in matches),
            hint="type the id with its leading zeros")
    return eid
