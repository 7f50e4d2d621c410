"""The conversation log: what came of each offer of a senior conversation.

One outcome at a time (``log``) or a month of them from a file (``log --from-file``), with the
same checks, all-or-nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seniorcli.dates import DateFormatError, parse_date
from seniorcli.db.engine import transaction
from seniorcli.errors import InputFileError, NotFoundError, SeniorError
from seniorcli.rules.base import OUTCOMES
from seniorcli.services.common import RowErrors, audit, now_stamp, show_value
from seniorcli.tabular import map_columns, open_table

#: Danish words for the outcomes, as HR writes them in spreadsheets.
OUTCOME_WORDS = {
    **{o: o for o in OUTCOMES},
    "inviteret": "invited", "indkaldt": "invited", "tilbudt": "invited",
    "holdt": "held", "afholdt": "held", "gennemført": "held",
    "afslået": "declined", "afslaaet": "declined", "takket nej": "declined",
    "fravalgt": "declined",
    "udsat": "postponed", "udskudt": "postponed",
    "ønsket": "requested", "anmodet": "requested", "ønsker samtale": "requested",
}
_YES = {"1", "yes", "ja", "true", "sand", "x", "y", "j"}
_NO = {"", "0", "no", "nej", "false", "falsk", "n"}

FILE_FIELDS = ("employee_id", "outcome", "date", "note", "with_mus", "union_rep")
FILE_ALIASES = {
    "Medarbejdernr": "employee_id", "Medarbejdernummer": "employee_id", "Lønnr": "employee_id",
    "Tjenestenummer": "employee_id", "Udfald": "outcome", "Resultat": "outcome",
    "Status": "outcome", "Dato": "date", "Samtaledato": "date", "Bemærkning": "note",
    "Notat": "note", "Note": "note", "MUS": "with_mus", "Med MUS": "with_mus",
    "TR": "union_rep", "Tillidsrepræsentant": "union_rep",
}


@dataclass(frozen=True)
class Entry:
    employee_id: str
    outcome: str
    date: date
    note: str | None = None
    with_mus: bool = False
    union_rep: bool = False


def normalise_outcome(text: str) -> str | None:
    return OUTCOME_WORDS.get(text.strip().lower())


def _problem(conn: sqlite3.Connection, e: Entry, today: date) -> tuple[str, str] | None:
    """(column, message) for the first thing wrong with an entry, or None. ``today`` is the
    real date (never an as-of date): nothing but an invitation can have happened after it."""
    row = conn.execute(
        "SELECT hire_date, leave_date FROM employee WHERE employee_id = ?", (e.employee_id,)
    ).fetchone()
    if row is None:
        return "employee_id", f"no employee with id '{show_value(e.employee_id)}'"
    hire, leave = row
    day = e.date.isoformat()
    if hire and day < hire:
        return "date", f"{day} is before the hire date {hire}"
    if leave and day > leave:
        return "date", f"{day} is after the leave date {leave}"
    if e.date > today and e.outcome != "invited":
        return "date", (f"{day} is in the future: today is {today.isoformat()} (only 'invited' "
                        "may be dated ahead, whatever --as-of says)")
    if conn.execute(
        "SELECT 1 FROM conversation WHERE employee_id = ? AND outcome = ? AND date = ?",
        (e.employee_id, e.outcome, day),
    ).fetchone():
        return "outcome", f"'{e.outcome}' on {day} is already logged for this employee"
    return None


def _insert(conn: sqlite3.Connection, entries: list[Entry]) -> None:
    stamp = now_stamp()
    conn.executemany(
        "INSERT INTO conversation (employee_id, outcome, date, note, with_mus, union_rep, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(e.employee_id, e.outcome, e.date.isoformat(), e.note, e.with_mus, e.union_rep, stamp)
         for e in entries],
    )


def log_outcome(conn: sqlite3.Connection, entry: Entry, today: date) -> None:
    """Record one outcome; refuse unknown employees, impossible dates (before the hire date,
    after the leave date, after ``today``, the real date) and repeats."""
    with transaction(conn):
        problem = _problem(conn, entry, today)
        if problem is not None:
            column, message = problem
            error = NotFoundError if column == "employee_id" else SeniorError
            hint = {
                "employee_id": "seniorcli employees --include-left lists the ids",
                "date": "give the date it happened with --date YYYY-MM-DD",
                "outcome": "seniorcli show EMPLOYEE_ID lists what is logged",
            }[column]
            raise error(message, hint=hint)
        _insert(conn, [entry])
        audit(conn, f"log {entry.outcome}", 1)


def _flag(raw: str) -> bool | None:
    v = raw.strip().lower()
    return True if v in _YES else False if v in _NO else None


def log_from_file(
    conn: sqlite3.Connection, path: Path, today: date, *, encoding: str | None = None,
    delimiter: str | None = None, dry_run: bool = False,
) -> int:
    """Validate every row (with log_outcome's checks; ``today`` is the real date), then log them
    all in one transaction. Returns the number logged."""
    with open_table(path, encoding, delimiter) as tf:
        cols, _ignored = map_columns(tf, FILE_ALIASES, FILE_FIELDS, {})
        missing = [f for f in ("employee_id", "outcome", "date") if f not in cols]
        if missing:
            raise InputFileError(
                f"{path}: line 1: no column for {', '.join(missing)} "
                f"(the file's columns are: {', '.join(tf.header)})",
                hint="the columns are employee_id, outcome, date, and optionally note, with_mus",
            )
        errors = RowErrors()
        entries: list[Entry] = []
        seen: dict[tuple[str, str, str], int] = {}

        def cell(fields: list[str], name: str) -> str:
            i = cols.get(name)
            return fields[i].strip() if i is not None and i < len(fields) else ""

        with transaction(conn):
            for line, fields in tf.rows():
                before = errors.count
                eid = cell(fields, "employee_id")
                raw_outcome = cell(fields, "outcome")
                outcome = normalise_outcome(raw_outcome)
                if not eid:
                    errors.add(line, "employee_id", "is missing")
                if outcome is None:
                    errors.add(line, "outcome", f"'{show_value(raw_outcome)}' is not an "
                                                f"outcome ({', '.join(OUTCOMES)})")
                raw_date = cell(fields, "date")
                try:
                    day = parse_date(raw_date)
                except DateFormatError as e:
                    errors.add(line, "date", f"'{show_value(raw_date)}' {e}")
                    day = None
                flags = {}
                for name in ("with_mus", "union_rep"):
                    flags[name] = _flag(cell(fields, name))
                    if flags[name] is None:
                        errors.add(line, name,
                                   f"'{show_value(cell(fields, name))}' is not yes/no")
                if errors.count > before or day is None or outcome is None:
                    continue
                entry = Entry(eid, outcome, day, cell(fields, "note") or None,
                              bool(flags["with_mus"]), bool(flags["union_rep"]))
                key = (eid, outcome, day.isoformat())
                if key in seen:
                    errors.add(line, "outcome", f"'{outcome}' on {day} for '{show_value(eid)}' "
                                                f"appears again (first on line {seen[key]})")
                    continue
                seen[key] = line
                problem = _problem(conn, entry, today)
                if problem is not None:
                    errors.add(line, *problem)
                    continue
                entries.append(entry)
            if errors.count:
                raise errors.refuse(path, "nothing was logged",
                                    "correct the file and run the command again")
            if not dry_run:
                _insert(conn, entries)
                audit(conn, "log --from-file", len(entries))
    return len(entries)
