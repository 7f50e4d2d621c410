"""Importing the payroll roster: reading, checking and deciding here; every statement is in
db/roster.py.

Data flow: one write transaction from the first row to the last. The file is streamed; each
valid row is upserted by employee_id in batches (each engine's fast path behind
db.roster.roster_writer), stamped with the import's audit id (employee.last_import): a full
import marks those without it as left (and notes in employee.left_by_import that it did), an
employee it marked who is listed again without a leave date is current again, and an id met
twice is caught by the writer. Memory stays flat at 500,000 rows: no list of rows, no set of
ids in Python. A row with an error is not written, and the checking goes on to the end, so
every error is reported; then the transaction is rolled back. A refused file, a dry run or a
killed process therefore leaves the database exactly as it was.

The file is read by what it is: a CSV roster (_CsvSource, tabular.py), or the employee file of
KMD OPUS (services/opus.OpusSource). Both go through the same _load: the same upsert, counts,
guard against a truncated roster and audit row.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from seniorcli import fmt
from seniorcli.cpr import CprError, birth_date_from_cpr, looks_like_cpr, mask
from seniorcli.dates import OPEN_END, DateFormatError, age_on, parse_date
from seniorcli.db import Db
from seniorcli.db import roster as roster_db
from seniorcli.errors import InputFileError, SeniorError
from seniorcli.i18n import N_, _
from seniorcli.numbers import NumberError, parse_hours
from seniorcli.services.common import RowErrors, audit, now_stamp, show_value
from seniorcli.tabular import TableFile, clean_text, cpr_problem, map_columns, open_table

OPEN_END_ISO = OPEN_END.isoformat()
fromiso = date.fromisoformat

FIELDS = (
    "employee_id", "name", "birth_date", "cpr", "department", "manager_id",
    "hire_date", "leave_date", "email", "weekly_hours",
)

#: Danish and common header names (compared ignoring case, spaces, '-', '_' and '.').
ALIASES = {
    "Medarbejdernr": "employee_id", "Medarbejdernummer": "employee_id",
    "Lønnr": "employee_id", "Loennr": "employee_id", "Lonnr": "employee_id",
    "Lønnummer": "employee_id", "Tjenestenummer": "employee_id", "Tjenestenr": "employee_id",
    "Medarbejder-id": "employee_id", "Employee": "employee_id", "Id": "employee_id",
    "Navn": "name", "Fulde navn": "name", "Full name": "name",
    "Fødselsdato": "birth_date", "Foedselsdato": "birth_date", "Fodselsdato": "birth_date",
    "Birthdate": "birth_date", "Date of birth": "birth_date",
    "CPR": "cpr", "CPR-nummer": "cpr", "CPRnr": "cpr", "CPR-nr": "cpr", "Personnummer": "cpr",
    "Afdeling": "department", "Forvaltning": "department", "Dept": "department",
    "Leder": "manager_id", "Ledernr": "manager_id", "Leder-id": "manager_id",
    "Manager": "manager_id", "Nærmeste leder": "manager_id",
    "Ansættelsesdato": "hire_date", "Ansaettelsesdato": "hire_date", "Ansat": "hire_date",
    "Ansat dato": "hire_date", "Start date": "hire_date", "Hired": "hire_date",
    "Fratrædelsesdato": "leave_date", "Fratraedelsesdato": "leave_date",
    "Fratrådt": "leave_date", "End date": "leave_date", "Left": "leave_date",
    "E-mail": "email", "Mail": "email", "Email": "email", "E-mailadresse": "email",
    "Timer": "weekly_hours", "Ugentlige timer": "weekly_hours", "Timetal": "weekly_hours",
    "Hours": "weekly_hours",
}

MIN_AGE, MAX_AGE = 15, 100
_BATCH = 5000

#: A full import that would mark more than LEFT_GUARD_COUNT employees *and* more than
#: LEFT_GUARD_SHARE of the current ones (no leave date) as left is refused unless confirmed
#: with --expect-left N: a truncated or filtered export (10 of 200 lines) looks exactly like
#: 190 people leaving at once. A normal month (1–2 % gone) passes; so does a small register.
LEFT_GUARD_COUNT = 5
LEFT_GUARD_SHARE = 0.10
#: Employees named in the refusal (ids and names; never CPR numbers, which are not stored).
LEFT_GUARD_SHOWN = 10


@dataclass
class ImportOptions:
    as_of: date
    partial: bool = False
    dry_run: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    #: --expect-left N: the number of employees the user expects a full import to mark as left
    expect_left: int | None = None


@dataclass
class ImportSummary:
    file: str
    rows: int
    added: int
    updated: int
    unchanged: int
    marked_left: int
    #: listed again without a leave date after a full roster marked them as left for being
    #: missing from it: current again (that leave date removed)
    back_again: int
    ignored_columns: list[str]
    partial: bool
    dry_run: bool
    encoding: str
    delimiter: str
    #: a dry run that a real import would refuse (too many marked as left): why, else None
    refused: str | None = None
    #: "csv", or "opus" for a KMD OPUS employee file (services/opus.py)
    format: str = "csv"
    #: KMD OPUS: action="leave" records, how many of them ended an employment, and how many
    #: named no one in the register; a person's other engagements (not imported); employees
    #: of units the file does not describe, and those units (the first few)
    leave_records: int = 0
    left_by_record: int = 0
    leave_records_unknown: int = 0
    other_engagements: int = 0
    unknown_unit_employees: int = 0
    unknown_units: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _is_iso(raw: str) -> bool:
    """A real date written YYYY-MM-DD: the fast path, kept as text (most payroll exports)."""
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            fromiso(raw)
            return True
        except ValueError:
            return False
    return False


class _Rows:
    """Validates rows into upsert tuples, collecting line-numbered errors (see RowErrors).

    A column the file does not have reads as the empty cell after the row's last field, so
    the common case (ISO dates, no CPR column) runs without bounds checks: this is the part of
    a 500,000-row import that runs in Python for every row.
    """

    def __init__(self, cols: dict[str, int], width: int, as_of: date):
        self.problems = RowErrors()
        self.width = width
        self.as_of = as_of
        self.idx = tuple(cols.get(f, width) for f in FIELDS)
        self.pad = [""] * (width + 1)
        self.hours: dict[str, float] = {}  # weekly_hours cell → hours (numbers.parse_hours)
        # ISO birth dates strictly between these give an age from 15 to 100 on as_of.
        self.young = date(as_of.year - MIN_AGE - 1, 1, 1).isoformat()
        self.old = date(as_of.year - MAX_AGE, 12, 31).isoformat()

    def error(self, line: int, column: str, message: str) -> None:
        self.problems.add(line, column, message)

    @property
    def count(self) -> int:
        return self.problems.count

    def _date(self, line: int, name: str, raw: str) -> date | None:
        try:
            return parse_date(raw)
        except DateFormatError as e:
            self.error(line, name, _("'{raw}' {e}; use YYYY-MM-DD or DD-MM-YYYY")
                .format(raw=show_value(raw), e=e))
            return None

    def _iso(self, line: int, name: str, raw: str) -> str | None:
        """The date as ISO text; ISO input that is a real date is kept as it is (fast path)."""
        if _is_iso(raw):
            return raw
        d = self._date(line, name, raw)
        return d.isoformat() if d else None

    def _birth(self, line: int, raw_birth: str, cpr_raw: str) -> str | None:
        """The birth date (ISO) from the birth date and/or CPR cells, checked; None if bad."""
        birth = self._date(line, "birth_date", raw_birth) if raw_birth else None
        if cpr_raw:
            try:
                from_cpr = birth_date_from_cpr(cpr_raw)
            except CprError as e:
                self.error(line, "cpr", _("'{cpr_raw}' {e}").format(cpr_raw=mask(cpr_raw), e=e))
                return None
            if birth is not None and birth != from_cpr:
                self.error(line, "cpr", _("'{cpr_raw}' gives birth date {from_cpr}, "
                                        "but birth_date says {birth}")
                                            .format(cpr_raw=mask(cpr_raw), from_cpr=from_cpr,
                                                    birth=birth))
                return None
            birth = from_cpr
        elif not raw_birth:
            self.error(line, "birth_date", _("is missing (give a birth date or a CPR number)"))
            return None
        if birth is None:
            return None
        age = age_on(birth, self.as_of)
        if not MIN_AGE <= age <= MAX_AGE:
            self.error(line, "cpr" if cpr_raw else "birth_date",
                       _("gives age {age} on {as_of}: employees must be {MIN_AGE} to "
                       "{MAX_AGE} years old")
                           .format(age=age, as_of=self.as_of, MIN_AGE=MIN_AGE, MAX_AGE=MAX_AGE))
            return None
        return birth.isoformat()

    def check(self, line: int, fields: list[str]) -> tuple | None:
        """The row to write for a valid row (a plain tuple in db.roster.RosterRow's order:
        FIELDS without cpr, which is never stored), or None (after recording its errors)."""
        n, width = len(fields), self.width
        if n <= width:
            fields.extend(self.pad[n:])
        elif any(f.strip() for f in fields[width:]):
            self.error(line, "row", _("{n} fields, but the header has {width}")
                .format(n=n, width=width))
            return None
        i_id, i_name, i_birth, i_cpr, i_dept, i_mgr, i_hire, i_leave, i_mail, i_hours = self.idx
        problems = self.problems
        before = problems.count
        eid = fields[i_id].strip()
        name = fields[i_name].strip()
        dept = fields[i_dept].strip()
        mgr = fields[i_mgr].strip()
        mail = fields[i_mail].strip()
        if not (name.isprintable() and dept.isprintable() and eid.isprintable()
                and mgr.isprintable() and mail.isprintable()):
            # Control characters and terminal escape codes never reach the database (they
            # would reach terminals and break .xlsx exports).
            eid, name, dept, mgr, mail = map(clean_text, (eid, name, dept, mgr, mail))
        if not eid:
            self.error(line, "employee_id", _("is missing"))
        elif len(eid) > 8 and looks_like_cpr(eid):
            self.error(line, "employee_id", _("'{eid}' is a CPR number, which is never "
                       "stored: give the payroll number as the id (a CPR column gives the "
                       "birth date)").format(eid=mask(eid)))
        if mgr and len(mgr) > 8 and looks_like_cpr(mgr):
            self.error(line, "manager_id", _("'{mgr}' is a CPR number, which is never "
                       "stored: give the manager's payroll number").format(mgr=mask(mgr)))
        if not name:
            self.error(line, "name", _("is missing"))
        for column, text in (("name", name), ("department", dept)):
            cpr_text = cpr_problem(text)  # a CPR number is never stored (tabular)
            if cpr_text is not None:
                self.error(line, column, cpr_text)
        raw = fields[i_birth].strip()
        cpr_raw = fields[i_cpr].strip()
        if not cpr_raw and self.old < raw < self.young and _is_iso(raw):
            birth: str | None = raw  # certainly an age from 15 to 100: nothing more to check
        else:
            birth = self._birth(line, raw, cpr_raw)
        raw = fields[i_hire].strip()
        hire = self._iso(line, "hire_date", raw) if raw else None
        raw = fields[i_leave].strip()
        leave = self._iso(line, "leave_date", raw) if raw else None
        if leave == OPEN_END_ISO:
            leave = None
        if hire and leave and leave < hire:  # ISO text compares as dates do
            self.error(line, "leave_date", _("{leave} is before the hire date {hire}")
                .format(leave=leave, hire=hire))
        hours = None
        raw = fields[i_hours].strip()
        if raw:
            hours = self.hours.get(raw)  # a roster has a few dozen distinct values
            if hours is None:
                try:
                    hours = parse_hours(raw)
                    if len(self.hours) < 1000:
                        self.hours[raw] = hours
                except NumberError as e:
                    self.error(line, "weekly_hours", _("'{raw}' {e}")
                        .format(raw=show_value(raw), e=e))
        if problems.count != before:
            return None
        return (eid, name, birth, dept or None, mgr or None, hire, leave, mail or None, hours)


def import_roster(
    conn: Db,
    path: Path,
    options: ImportOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Validate the whole roster and upsert it by employee_id, all in one transaction.

    A full import marks employees missing from the file as left (leave date = the import date,
    unless they already have one); ``partial`` touches only the rows in the file. Either kind
    brings back those a full import marked as left if the file lists them without a leave date
    (see db.roster.bring_back); a leave date that came from a file is never cleared by a file
    without a leave-date column.

    The file is read by what it is, whatever its name: XML is a KMD OPUS employee file
    (services/opus.py), anything else a CSV file.
    """
    if path.is_file():
        from seniorcli.services.opus import empty_xml, looks_like_xml

        if looks_like_xml(path):
            from seniorcli.services.opus import opus_source

            source = opus_source(path, options, progress)
            with roster_db.import_transaction(conn, dry_run=options.dry_run):
                return _load(conn, source, progress, path, options)
        empty = empty_xml(path)
        if empty is not None:
            raise empty
    with open_table(path, options.encoding, options.delimiter) as tf:
        cols, ignored = map_columns(tf, ALIASES, FIELDS, options.mapping)
        _require_columns(tf, cols)
        checker = _Rows(cols, len(tf.header), options.as_of)
        with roster_db.import_transaction(conn, dry_run=options.dry_run):
            summary = _load(conn, _CsvSource(tf, checker, cols, ignored), progress, path,
                            options)
    return summary


class _CsvSource:
    """A CSV roster as _load reads it (services/opus.OpusSource is the other kind): the
    columns it gives, its valid rows in batches, its errors."""

    format = "csv"
    hint = N_("correct the file and import it again (--dry-run checks without writing)")

    def __init__(self, tf: TableFile, checker: _Rows, cols: dict[str, int],
                 ignored: list[str]):
        self.tf, self.checker, self.columns, self.ignored = tf, checker, cols, ignored
        self.problems = checker.problems
        self.size, self.encoding, self.delimiter = tf.size, tf.encoding, tf.delimiter

    def batches(self, conn: Db) -> Iterator[tuple[list[tuple], int]]:
        tf, checker = self.tf, self.checker
        return _batches_from_worker(tf, checker, self.columns) if _use_worker(tf) else \
            valid_batches(tf, checker)

    def prepare(self, conn: Db) -> None:
        """Nothing to read from the register first (an OPUS delta file does)."""

    def again(self) -> Iterator[list[tuple]]:
        return _batches_again(self.tf, self.columns, self.checker)

    def report_repeats(self, repeated: set[str]) -> None:
        _report_repeats(self.tf, self.checker, self.columns, repeated)

    def no_rows(self, path: Path) -> InputFileError:
        return InputFileError(
            _("{path} has a header but no employees; a full import would mark everyone as "
              "left. Nothing was imported").format(path=path),
            hint=_("check the export; use --partial to import a file of only some employees"),
        )

    def after_rows(self, conn: Db, seq: int, stamp: str, summary: ImportSummary) -> None:
        """Nothing more to write (an OPUS file's leave records are written here)."""


def _load(conn: Db, source, progress: Callable[[int, int], None] | None, path: Path,
          options: ImportOptions) -> ImportSummary:
    employees_before = roster_db.count_employees(conn)
    # the base of the guard against a truncated roster: those current before the file's rows
    # (new ones among them) are written
    current_before = roster_db.count_current(conn) if employees_before and \
        not options.partial else 0
    # Taken under the write lock, to the microsecond: no other import has this stamp, so the
    # rows it changed can be counted by it.
    stamp = now_stamp("microseconds")
    command = "import --partial" if options.partial else "import"
    seq = audit(conn, command, 0)
    # Every listed row gets last_import = seq (that is how a full import finds who is missing,
    # and how a repeated id is caught: the second time, the row already has this import's
    # seq); updated_at moves only when a value changed.
    rows = 0
    cols = source.columns
    source.prepare(conn)
    with roster_db.roster_writer(conn, columns=cols, stamp=stamp, seq=seq,
                                 again=source.again) as writer:
        for batch, done in source.batches(conn):
            writer.write(batch)
            rows += len(batch)
            if progress is not None:
                progress(done, source.size)
        repeated = writer.finish()
    if repeated:
        source.report_repeats(repeated)
    if source.problems.count:
        raise source.problems.refuse(path, _("nothing was imported"), _(source.hint))
    if rows == 0 and not options.partial:
        raise source.no_rows(path)
    # Into an empty register every row is new: no one to bring back or to mark as left, and
    # nothing else to count (the first import of 500,000 rows: 0.1–0.2 s less).
    first = employees_before == 0
    # Employees that a full import marked as left and that this file lists without a leave
    # date are current again (a leave date the file gives them stays, and is the file's).
    back_again = 0 if first else roster_db.bring_back(conn, seq=seq, stamp=stamp,
                                                      leave_column="leave_date" in cols)
    added = roster_db.count_employees(conn) - employees_before
    written = added if first else roster_db.count_stamped(conn, stamp)
    summary = ImportSummary(
        file=str(path), rows=rows, added=added, updated=written - added,
        unchanged=rows - written, marked_left=0, back_again=back_again,
        ignored_columns=source.ignored,
        partial=options.partial, dry_run=options.dry_run, encoding=source.encoding,
        delimiter=source.delimiter, format=source.format,
    )
    source.after_rows(conn, seq, stamp, summary)
    if not options.partial and not first:
        summary.marked_left = marked_left = roster_db.mark_left(
            conn, seq=seq, stamp=stamp, as_of=options.as_of.isoformat())
        guard = _left_guard(conn, seq, marked_left, current_before, path, options)
        if guard is not None:
            problem, refusal = guard
            if not options.dry_run:
                raise refusal
            # a dry run says what a real import would refuse, and how to confirm it
            summary.refused = _("{problem} (confirm with --expect-left {marked_left})").format(
                problem=problem, marked_left=marked_left)
    if back_again:
        command += (f": {back_again} back again (marked as left when missing from an earlier "
                    "full roster)")
    roster_db.record_result(conn, seq, command,
                            summary.added + summary.updated + summary.marked_left
                            + summary.left_by_record)
    return summary


def _left_guard(conn: Db, seq: int, marked_left: int, current: int, path: Path,
                options: ImportOptions) -> tuple[str, InputFileError] | None:
    """The refusal of a full import that marks more as left than expected, or None: (the
    problem in one sentence, without a closing full stop; the refusal, which adds that nothing
    was imported). A dry run shows the problem alone, so no text is cut out of another.

    With --expect-left N the import goes ahead exactly when N employees are marked as left
    (any other number is refused, also a small one: the user expected something else);
    without it, when no more than LEFT_GUARD_COUNT, or no more than LEFT_GUARD_SHARE of the
    ``current`` employees, are: those without a leave date in the register before the import
    (the file's new employees are not among them: 150 new ids must not hide that 9 of 19
    are missing). Everyone marked as left is one of them."""
    expected = options.expect_left
    if expected is not None and marked_left == expected:
        return None
    if marked_left <= LEFT_GUARD_COUNT and expected is None:
        return None
    if expected is None and marked_left <= LEFT_GUARD_SHARE * current:
        return None
    how_many = (_("{n} of {current} current employees ({share})").format(
        n=marked_left, current=current, share=fmt.share(marked_left / current))
        if current else str(marked_left))
    if expected is None:
        problem = _("{path}: a full import would mark {how_many} as left, because the file "
                    "does not list them — more than {count} and more than {share}. Is the file "
                    "complete?").format(path=path, how_many=how_many, count=LEFT_GUARD_COUNT,
                                        share=fmt.share(LEFT_GUARD_SHARE, 0))
    else:
        problem = _("{path}: a full import would mark {how_many} as left, not {expected} as "
                    "--expect-left says").format(path=path, how_many=how_many,
                                                 expected=expected)
    stop = "" if problem.endswith("?") else "."
    message = problem + stop + " " + _("Nothing was imported")
    names = roster_db.marked_left_by(conn, seq, LEFT_GUARD_SHOWN)
    details = [f"{clean_text(e.employee_id)} {clean_text(e.name)}" for e in names]
    if marked_left > len(details):
        more = marked_left - len(details)
        details.append(_("… and {n} more").format(n=more))
    return problem, InputFileError(
        message,
        hint=(_("check that the export lists everyone employed (a full roster does); if they "
              "really left, confirm with --expect-left {marked_left}; a file of only some "
              "employees is imported with --partial").format(marked_left=marked_left)),
        details=details)


def valid_batches(tf: TableFile, checker: _Rows) -> Iterator[tuple[list[tuple], int]]:
    """The file's valid rows in batches for the upsert, each with the bytes read so far;
    the checker collects the errors of the others."""
    batch: list[tuple] = []
    check = checker.check
    for line, fields in tf.rows():
        row = check(line, fields)
        if row is not None:
            batch.append(row)
            if len(batch) >= _BATCH:
                yield batch, tf.bytes_read()
                batch = []
    yield batch, tf.bytes_read()


def _batches_again(tf: TableFile, cols: dict[str, int], checker: _Rows
                   ) -> Iterator[list[tuple]]:
    """The file's valid rows once more, read and checked again (their errors are known)."""
    with open_table(tf.path, tf.encoding, tf.delimiter) as again:
        for batch, _done in valid_batches(again, _Rows(cols, checker.width, checker.as_of)):
            yield batch


# A big file is read and checked by a second process while this one writes (two cores: a
# 500,000-row import takes ~2.6 s instead of ~3.4 s). SENIORCLI_IMPORT_WORKER=0 turns it off,
# =1 uses it for every file (the tests run both ways).
WORKER_MIN_BYTES = 4 << 20


def _use_worker(tf: TableFile) -> bool:
    setting = os.environ.get("SENIORCLI_IMPORT_WORKER", "")
    if setting in ("0", "1"):
        return setting == "1" and bool(sys.executable)
    return tf.size >= WORKER_MIN_BYTES and bool(sys.executable)


def _batches_from_worker(tf: TableFile, checker: _Rows,
                         cols: dict[str, int]) -> Iterator[tuple[list[tuple], int]]:
    """valid_batches, computed by `python -m seniorcli.services.roster_worker` and passed back
    through a pipe; its errors are merged into ``checker`` at the end."""
    job = {"path": str(tf.path), "encoding": tf.encoding, "delimiter": tf.delimiter,
           "cols": cols, "width": checker.width, "as_of": checker.as_of.isoformat()}
    debug = bool(os.environ.get("SENIORCLI_DEBUG"))
    from seniorcli.i18n import ENV_VAR, language

    proc = subprocess.Popen(
        [sys.executable, "-m", "seniorcli.services.roster_worker", json.dumps(job)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=None if debug else subprocess.DEVNULL,
        # its row errors in this command's language (which `config set language` may have set)
        env={**os.environ, ENV_VAR: language()},
    )
    try:
        while True:
            try:
                kind, *payload = pickle.load(proc.stdout)  # type: ignore[arg-type]
            except (EOFError, pickle.UnpicklingError):
                code = proc.wait()
                raise SeniorError(
                    _("the process reading {path} stopped unexpectedly (exit code {code}); "
                    "nothing was imported").format(path=tf.path, code=code),
                    hint=_("try again; SENIORCLI_IMPORT_WORKER=0 reads the file in one process"),
                ) from None
            if kind == "rows":
                yield payload[0], payload[1]
            elif kind == "end":
                checker.problems.merge(payload[0], payload[1])
                return
            else:  # "fail": the file could not be read (encoding, CSV quoting)
                raise InputFileError(payload[0], hint=payload[1], details=payload[2])
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]


def _report_repeats(tf: TableFile, checker: _Rows, cols: dict[str, int],
                    repeated: set[str]) -> None:
    """Name every line of an id that appears more than once (a second reading of the file,
    only when there is such an id)."""
    first: dict[str, int] = {}
    i_id = cols["employee_id"]
    with open_table(tf.path, tf.encoding, tf.delimiter) as again:
        for line, fields in again.rows():
            eid = clean_text(fields[i_id].strip()) if i_id < len(fields) else ""
            if eid in repeated:
                if eid in first:
                    checker.error(line, "employee_id",
                                  _("'{eid}' appears again (first on line {first_line})")
                                  .format(eid=show_value(eid), first_line=first[eid]))
                else:
                    first[eid] = line


def _require_columns(tf: TableFile, cols: dict[str, int]) -> None:
    missing = [f for f in ("employee_id", "name") if f not in cols]
    if "birth_date" not in cols and "cpr" not in cols:
        missing.append("birth_date or cpr")
    if missing:
        raise InputFileError(
            _("{path}: line 1: no column for {missing} "
            "(the file's columns are: {none})")
                .format(path=tf.path, missing=', '.join(missing),
                        none=', '.join(tf.header) or 'none'),
            hint=_("name the column with --map, e.g. --map 'Medarb.nr=employee_id'"),
        )
