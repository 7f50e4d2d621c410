"""The conversation log: what came of each offer of a senior conversation.

One outcome at a time (``log``) or a month of them from a file (``log --from-file``), with the
same checks, all-or-nothing; a file run again skips the rows already logged. A logged outcome is
corrected (``log correct``) or withdrawn (``log withdraw``) with the same checks, and the audit
log keeps what it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NoReturn

from seniorcli.dates import DateFormatError, parse_date
from seniorcli.db import Db
from seniorcli.db import conversations as log_rows
from seniorcli.db.engine import transaction
from seniorcli.errors import InputFileError, NotFoundError, SeniorError
from seniorcli.i18n import N_, _
from seniorcli.rules.base import OUTCOMES
from seniorcli.services.common import RowErrors, audit, now_stamp, show_value
from seniorcli.tabular import (
    TextError,
    clean_text,
    map_columns,
    open_table,
    stored_option,
    stored_text,
)

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


def _employment(conn: Db, employee_id: str) -> log_rows.Employment | None:
    """(employee_id, hire_date, leave_date) as stored, or None for an unknown id. An id typed
    without the leading zeros Excel drops is the stored one when only one matches
    (services.filters); several raise NotFoundError naming them."""
    from seniorcli.services.filters import resolve_employee_id

    row = log_rows.employment(conn, employee_id.strip())  # as typed: one query, as a rule
    if row is not None:
        return row
    stored = resolve_employee_id(conn, employee_id)
    return log_rows.employment(conn, stored) if stored != employee_id.strip() else None


def _as_stored(conn: Db, entry: Entry) -> tuple[Entry, log_rows.Employment | None]:
    """The entry with the employee id as stored ('104' → '00104'), unchanged if unknown; and
    the employee's employment (None: unknown)."""
    row = _employment(conn, entry.employee_id)
    if row is None or row.employee_id == entry.employee_id:
        return entry, row
    return dataclasses.replace(entry, employee_id=row.employee_id), row


def _date_problem(day: date, outcome: str, hire: str | None, leave: str | None, today: date,
                  *, employment: bool = True, future: bool = True) -> tuple[str, str] | None:
    """(column, message) if the outcome cannot be dated ``day``: before the hire date or after
    the leave date (``employment``), or after ``today``, the real date, for anything but an
    invitation (``future``)."""
    iso = day.isoformat()
    if employment and hire and iso < hire:
        return "date", _("{day} is before the hire date {hire}").format(
            day=iso, hire=hire)
    if employment and leave and iso > leave:
        return "date", _("{day} is after the leave date {leave}").format(day=iso, leave=leave)
    if future and day > today and outcome != "invited":
        return "date", _("{day} is in the future: today is {today} (only 'invited' may be "
                         "dated ahead, whatever --as-of says)").format(
                             day=iso, today=today.isoformat())
    return None


def _logged(conn: Db, employee_id: str, outcome: str, day: date,
            other_than: int | None = None) -> log_rows.Logged | None:
    """(id, note, with_mus, union_rep) of the same outcome on the same day for the employee."""
    return log_rows.logged(conn, employee_id, outcome, day, other_than)


def _already(outcome: str, day: date, logged_id: int) -> str:
    return _("'{outcome}' on {day} is already logged for this employee (id {logged_id})").format(
        outcome=outcome, day=day.isoformat(), logged_id=logged_id)


def _problem(conn: Db, e: Entry, row: log_rows.Employment | None, today: date,
             check_logged: bool = True) -> tuple[str, str] | None:
    """(column, message) for the first thing wrong with an entry of the employment ``row``
    (None: no such employee), or None. ``today`` is the real date (never an as-of date):
    nothing but an invitation can have happened after it."""
    if row is None:
        return "employee_id", _("no employee with id '{employee_id}'").format(
            employee_id=show_value(e.employee_id))
    problem = _date_problem(e.date, e.outcome, row[1], row[2], today)
    if problem is not None or not check_logged:
        return problem
    logged = _logged(conn, e.employee_id, e.outcome, e.date)
    if logged:
        return "outcome", _already(e.outcome, e.date, logged[0])
    return None


_HINTS = {  # marked for the catalog, translated where raised
    "employee_id": N_("seniorcli employees --include-left lists the ids"),
    "date": N_("give the date it happened with --date YYYY-MM-DD"),
    "outcome": N_("seniorcli show EMPLOYEE_ID lists what is logged, with the ids"),
}


def _raise(problem: tuple[str, str], prefix: str = "") -> NoReturn:
    column, message = problem
    error = NotFoundError if column == "employee_id" else SeniorError
    raise error(prefix + message, hint=_(_HINTS[column]))


def _new(e: Entry) -> log_rows.NewOutcome:
    return log_rows.NewOutcome(e.employee_id, e.outcome, e.date, e.note, e.with_mus,
                               e.union_rep)


def log_outcome(conn: Db, entry: Entry, today: date) -> int:
    """Record one outcome; refuse unknown employees, impossible dates (before the hire date,
    after the leave date, after ``today``, the real date) and repeats. Returns its id."""
    entry = dataclasses.replace(entry, note=stored_option(entry.note, "--note") or None)
    with transaction(conn):
        entry, row = _as_stored(conn, entry)
        problem = _problem(conn, entry, row, today)
        if problem is not None:
            _raise(problem)
        outcome_id = log_rows.add(conn, _new(entry), now_stamp())
        # Logged again by a person (who means it): a file run again may skip it as logged.
        log_rows.unretract(conn, entry.employee_id, entry.outcome, entry.date)
        audit(conn, f"log {entry.outcome}", 1)
        return outcome_id


def _retract(conn: Db, employee_id: str, outcome: str, day: date) -> None:
    """Keep that this outcome was withdrawn or corrected away, so that `log --from-file` does
    not log it again from a file run again (table retracted_outcome)."""
    log_rows.retract(conn, employee_id, outcome, day, now_stamp())


def _flag(raw: str) -> bool | None:
    v = raw.strip().lower()
    return True if v in _YES else False if v in _NO else None


@dataclass(frozen=True)
class FileResult:
    logged: int  # new rows (would be, with --dry-run)
    skipped: int  # rows already logged exactly so: a file run again
    retracted: int = 0  # rows withdrawn or corrected away since: not logged again


def _conflict(logged: log_rows.Logged, entry: Entry,
              given: dict[str, bool]) -> tuple[str, str] | None:
    """(column, message) if a row of a file contradicts the outcome already logged for the same
    employee, outcome and day: a note or a yes/no the file gives that differs. A cell left
    empty says nothing, so it never conflicts."""
    lid, note, with_mus, union_rep = logged
    what = _already(entry.outcome, entry.date, lid)
    fix = _("correct it with: seniorcli log correct {outcome_id}").format(outcome_id=lid)
    if entry.note is not None and entry.note != (note or None):
        was = (_("the note '{note}'").format(note=show_value(note)) if note
               else _("no note"))
        return "note", _("{what} with {was}, not '{note}' ({fix} --note TEXT)").format(
            what=what, was=was, note=show_value(entry.note), fix=fix)
    for name, stored in (("with_mus", with_mus), ("union_rep", union_rep)):
        if given[name] and getattr(entry, name) != bool(stored):
            flag = name.replace("_", "-")
            return name, _("{what} with {name} {value} ({fix} --{option})").format(
                what=what, name=name, value=_("yes") if stored else _("no"), fix=fix,
                option=("" if getattr(entry, name) else "no-") + flag)
    return None


def log_from_file(
    conn: Db, path: Path, today: date, *, encoding: str | None = None,
    delimiter: str | None = None, dry_run: bool = False,
) -> FileResult:
    """Validate every row (with log_outcome's checks; ``today`` is the real date), then log them
    all in one transaction. A row already logged (same employee, outcome and date, nothing in
    it contradicting what was logged) is skipped, so a file may be run again; one that
    contradicts it is an error."""
    with open_table(path, encoding, delimiter) as tf:
        cols, _ignored = map_columns(tf, FILE_ALIASES, FILE_FIELDS, {})
        missing = [f for f in ("employee_id", "outcome", "date") if f not in cols]
        if missing:
            raise InputFileError(
                _("{path}: line 1: no column for {missing} "
                "(the file's columns are: {header})")
                    .format(path=path, missing=', '.join(missing), header=', '.join(tf.header)),
                hint=_("the columns are employee_id, outcome, date, and optionally note, with_mus"),
            )
        errors = RowErrors()
        entries: list[Entry] = []
        skipped = retracted = 0
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
                    errors.add(line, "employee_id", _("is missing"))
                if outcome is None:
                    errors.add(line, "outcome", _("'{raw_outcome}' is not an "
                                                "outcome ({OUTCOMES})")
                                                    .format(raw_outcome=show_value(raw_outcome),
                                                            OUTCOMES=', '.join(OUTCOMES)))
                raw_date = cell(fields, "date")
                try:
                    day = parse_date(raw_date)
                except DateFormatError as e:
                    errors.add(line, "date", _("'{raw_date}' {e}")
                        .format(raw_date=show_value(raw_date), e=e))
                    day = None
                flags = {}
                for name in ("with_mus", "union_rep"):
                    flags[name] = _flag(cell(fields, name))
                    if flags[name] is None:
                        errors.add(line, name,
                                   _("'{fields}' is not yes/no")
                                       .format(fields=show_value(cell(fields, name))))
                if errors.count > before or day is None or outcome is None:
                    continue
                try:
                    note = stored_text(cell(fields, "note")) or None
                except TextError as e:
                    errors.add(line, "note", str(e))
                    continue
                entry = Entry(eid, outcome, day, note,
                              bool(flags["with_mus"]), bool(flags["union_rep"]))
                try:
                    entry, row = _as_stored(conn, entry)
                except NotFoundError as e:  # an id that could be several
                    errors.add(line, "employee_id", e.message)
                    continue
                eid = entry.employee_id
                key = (eid, outcome, day.isoformat())
                if key in seen:
                    errors.add(line, "outcome", _("'{outcome}' on {day} for '{eid}' "
                                                "appears again (first on line {key})")
                                                    .format(outcome=outcome, day=day,
                                                            eid=show_value(eid), key=seen[key]))
                    continue
                seen[key] = line
                # Already logged: skipped, whatever has changed since (a later hire date, say),
                # unless the row says something else than what was logged.
                logged = _logged(conn, eid, outcome, day)
                if logged is not None:
                    given = {n: cell(fields, n) != "" for n in ("with_mus", "union_rep")}
                    problem = _conflict(logged, entry, given)
                    if problem is not None:
                        errors.add(line, *problem)
                    else:
                        skipped += 1
                    continue
                # Withdrawn or corrected away since the file was first run: not logged again
                # (a person may log it again with `log EMPLOYEE_ID OUTCOME --date`).
                if log_rows.is_retracted(conn, eid, outcome, day):
                    retracted += 1
                    continue
                problem = _problem(conn, entry, row, today, check_logged=False)
                if problem is not None:
                    errors.add(line, *problem)
                    continue
                entries.append(entry)
            if errors.count:
                raise errors.refuse(path, _("nothing was logged"),
                                    _("correct the file and run the command again"))
            if not dry_run and entries:
                log_rows.add_many(conn, map(_new, entries), now_stamp())
                audit(conn, "log --from-file", len(entries))
    return FileResult(len(entries), skipped, retracted)


def log_once(conn: Db, entries: Iterable[Entry], today: date, command: str,
             ) -> tuple[int, int, int]:
    """Log ``entries`` in one transaction, each once: an entry logged already (same employee,
    outcome and date) is skipped, and so is one withdrawn or corrected away since (as
    ``log --from-file`` does for a file run again). Every other entry passes ``log``'s checks
    (a known employee, not before the hire date, not after the leave date) or nothing is
    logged: the first problem is raised, prefixed with the employee id. ``today`` is the real
    date; ``command`` is what the audit log records. → (logged, already, withdrawn)."""
    todo: list[Entry] = []
    already = withdrawn = 0
    with transaction(conn):
        for given in entries:
            entry, row = _as_stored(conn, given)
            if row is not None and _logged(conn, entry.employee_id, entry.outcome, entry.date):
                already += 1
                continue
            if row is not None and log_rows.is_retracted(conn, entry.employee_id, entry.outcome,
                                                         entry.date):
                withdrawn += 1
                continue
            problem = _problem(conn, entry, row, today, check_logged=False)
            if problem is not None:
                _raise(problem, prefix=f"{given.employee_id}: ")
            todo.append(entry)
        if todo:
            log_rows.add_many(conn, map(_new, todo), now_stamp())
            audit(conn, command, len(todo))
    return len(todo), already, withdrawn


# --- corrections ------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeChange:
    """What ``log correct`` changes; None leaves a field as it is (a note of "" removes it)."""

    employee_id: str | None = None
    outcome: str | None = None
    date: date | None = None
    note: str | None = None
    with_mus: bool | None = None
    union_rep: bool | None = None


def _get_outcome(conn: Db, outcome_id: int) -> dict:
    row = log_rows.get(conn, outcome_id)
    if row is None:
        raise NotFoundError(
            _("no logged outcome with id {outcome_id}").format(outcome_id=outcome_id),
            hint=_("seniorcli show EMPLOYEE_ID lists the employee's outcomes with their ids "
                 "(a withdrawn one is gone from the log, see Corrections there)"))
    return row._asdict()


def _quoted(value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"'{value}'" if isinstance(value, str) else str(value)


def describe_outcome(o: dict) -> str:
    """"held on 2026-10-01, with MUS, note '…'": an outcome as the audit log keeps it."""
    parts = [f"{o['outcome']} on {o['date']}"]
    parts += [w for w, on in (("with MUS", o["with_mus"]), ("union rep", o["union_rep"])) if on]
    if o["note"]:
        parts.append(f"note '{o['note']}'")
    return ", ".join(parts)


def correct_outcome(conn: Db, outcome_id: int, change: OutcomeChange,
                    today: date) -> list[str]:
    """Correct a logged outcome: its employee, outcome, date, note or flags. Checked as
    ``log`` checks a new one, for what changes: a new employee or date must fall within the
    employment, a new date or outcome may not be after ``today`` (the real date) unless it is
    an invitation, and the same outcome may not be logged twice on one day. Returns the
    changes made ("date 2026-10-01 → 2026-10-02"), none when everything already was so; the
    audit log keeps them, for the old and (if it moves) the new employee."""
    with transaction(conn):
        old = _get_outcome(conn, outcome_id)
        new = dict(old)
        hire = leave = None
        if change.employee_id is not None:
            row = _employment(conn, change.employee_id)
            if row is None:
                _raise(("employee_id", _("no employee with id '{employee_id}'").format(
                    employee_id=show_value(change.employee_id))))
            new["employee_id"], hire, leave = row
        if change.outcome is not None:
            new["outcome"] = change.outcome
        if change.date is not None:
            new["date"] = change.date
        if change.note is not None:
            new["note"] = stored_option(change.note, "--note") or None
        for flag in ("with_mus", "union_rep"):
            if getattr(change, flag) is not None:
                new[flag] = getattr(change, flag)
        changed = [k for k in ("employee_id", "outcome", "date", "note", "with_mus", "union_rep")
                   if new[k] != old[k]]
        if not changed:
            return []
        moved = "employee_id" in changed
        if not moved and "date" in changed:
            row = _employment(conn, old["employee_id"])
            assert row is not None  # the outcome's employee exists
            _eid, hire, leave = row
        problem = _date_problem(
            new["date"], new["outcome"], hire, leave, today,
            employment=moved or "date" in changed,
            future="date" in changed or "outcome" in changed)
        if problem is None and {"employee_id", "outcome", "date"} & set(changed):
            logged = _logged(conn, new["employee_id"], new["outcome"], new["date"], outcome_id)
            if logged:
                problem = ("outcome", _already(new["outcome"], new["date"], logged[0]))
        if problem is not None:
            _raise(problem, _("outcome {outcome_id} cannot be corrected: ").format(
                outcome_id=outcome_id))
        log_rows.update(conn, outcome_id, log_rows.NewOutcome(
            new["employee_id"], new["outcome"], new["date"], new["note"], new["with_mus"],
            new["union_rep"]))
        if {"employee_id", "outcome", "date"} & set(changed):
            _retract(conn, old["employee_id"], old["outcome"], old["date"])
            log_rows.unretract(conn, new["employee_id"], new["outcome"], new["date"])
        labels = {"employee_id": "employee", "with_mus": "with MUS", "union_rep": "union rep"}
        changes = [
            f"{labels.get(k, k)} {_quoted(old[k])} → {_quoted(new[k])}"
            if k != "employee_id" else
            f"employee '{old[k]}' → employee '{new[k]}'"
            for k in changed]
        detail = f"outcome {outcome_id} ({describe_outcome(old)}): " + "; ".join(changes)
        audit(conn, "log correct", 1, employee_id=old["employee_id"], detail=detail)
        if moved:  # the new employee's `show` tells where it came from too (no row counted twice)
            audit(conn, "log correct", 0, employee_id=new["employee_id"], detail=detail)
        return changes


def withdraw_outcome(conn: Db, outcome_id: int, reason: str) -> dict:
    """Take a logged outcome out of the log (logged by mistake): it counts nowhere from now
    on, and the audit log keeps what it was and why it was withdrawn. Returns it."""
    reason = clean_text(reason).strip()  # a CPR number in it is masked by audit()
    if not reason:
        raise SeniorError(_("a withdrawal needs a reason"), hint=_('--reason "logged for the wrong '
                          'employee"'))
    with transaction(conn):
        old = _get_outcome(conn, outcome_id)
        log_rows.delete(conn, outcome_id)
        _retract(conn, old["employee_id"], old["outcome"], old["date"])
        audit(conn, "log withdraw", 1, employee_id=old["employee_id"],
              detail=f"outcome {outcome_id} ({describe_outcome(old)}) withdrawn; reason: "
                     f"{reason}")
        return old
