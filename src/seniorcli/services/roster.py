"""Importing the payroll roster.

Data flow: one write transaction from the first row to the last. The file is streamed; each
row is validated and upserted by employee_id in batches, and its id and line go into a TEMP
table (duplicates and "missing from a full roster" are found in SQL, so memory stays flat at
500,000 rows: no list of rows, no set of ids in Python). The first error stops the writing but
not the checking, so every error is reported; then the transaction is rolled back. A refused
file, a dry run or a killed process therefore leaves the database exactly as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from seniorcli.cpr import CprError, birth_date_from_cpr, mask
from seniorcli.dates import OPEN_END, DateFormatError, age_on, parse_date
from seniorcli.db.engine import hold_before_commit
from seniorcli.errors import InputFileError
from seniorcli.services.common import RowErrors, audit, now_stamp, show_value
from seniorcli.tabular import TableFile, map_columns, open_table

OPEN_END_ISO = OPEN_END.isoformat()
fromiso = date.fromisoformat

FIELDS = (
    "employee_id", "name", "birth_date", "cpr", "department", "manager_id",
    "hire_date", "leave_date", "email", "weekly_hours",
)
#: Stored fields, in table order (cpr is never stored).
STORED = tuple(f for f in FIELDS if f != "cpr")

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


@dataclass
class ImportOptions:
    as_of: date
    partial: bool = False
    dry_run: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class ImportSummary:
    file: str
    rows: int
    added: int
    updated: int
    unchanged: int
    marked_left: int
    ignored_columns: list[str]
    partial: bool
    dry_run: bool
    encoding: str
    delimiter: str

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _parse_day(raw: str) -> date:
    if len(raw) == 10 and raw[4] == "-":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return parse_date(raw)


class _Rows:
    """Validates rows into upsert tuples, collecting line-numbered errors (at most 200 kept:
    enough to show the first 20 in line order; the count covers them all)."""

    def __init__(self, cols: dict[str, int], width: int, as_of: date, stamp: str):
        self.problems = RowErrors()
        self.width = width
        self.as_of = as_of
        self.stamp = stamp
        self.idx = tuple(cols.get(f, -1) for f in FIELDS)
        # birth dates outside these bounds give an age under 15 or over 100 (checked exactly)
        self.young = date(as_of.year - MIN_AGE - 1, 1, 1)
        self.old = date(as_of.year - MAX_AGE, 12, 31)

    def error(self, line: int, column: str, message: str) -> None:
        self.problems.add(line, column, message)

    @property
    def count(self) -> int:
        return self.problems.count

    def _date(self, line: int, name: str, raw: str) -> date | None:
        try:
            return _parse_day(raw)
        except DateFormatError as e:
            self.error(line, name, f"'{show_value(raw)}' {e}; use YYYY-MM-DD or DD-MM-YYYY")
            return None

    def _iso(self, line: int, name: str, raw: str) -> str | None:
        """The date as ISO text; ISO input that is a real date is kept as it is (fast path)."""
        if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
            try:
                fromiso(raw)
                return raw
            except ValueError:
                pass
        d = self._date(line, name, raw)
        return d.isoformat() if d else None

    def check(self, line: int, fields: list[str]) -> tuple | None:
        """The upsert tuple for a valid row, or None (after recording its errors)."""
        n = len(fields)
        if n > self.width and any(f.strip() for f in fields[self.width:]):
            self.error(line, "row", f"{n} fields, but the header has {self.width}")
            return None
        i_id, i_name, i_birth, i_cpr, i_dept, i_mgr, i_hire, i_leave, i_mail, i_hours = self.idx
        before = self.count
        eid = fields[i_id].strip() if i_id < n else ""
        name = fields[i_name].strip() if i_name < n else ""
        if not eid:
            self.error(line, "employee_id", "is missing")
        if not name:
            self.error(line, "name", "is missing")
        raw_birth = fields[i_birth].strip() if 0 <= i_birth < n else ""
        birth = self._date(line, "birth_date", raw_birth) if raw_birth else None
        cpr_raw = fields[i_cpr].strip() if 0 <= i_cpr < n else ""
        if cpr_raw:
            try:
                from_cpr = birth_date_from_cpr(cpr_raw)
            except CprError as e:
                self.error(line, "cpr", f"'{mask(cpr_raw)}' {e}")
            else:
                if birth is not None and birth != from_cpr:
                    self.error(line, "cpr", f"'{mask(cpr_raw)}' gives birth date {from_cpr}, "
                                            f"but birth_date says {birth}")
                birth = from_cpr
        elif not raw_birth:
            self.error(line, "birth_date", "is missing (give a birth date or a CPR number)")
        if birth is not None and not self.old < birth < self.young:
            age = age_on(birth, self.as_of)
            if not MIN_AGE <= age <= MAX_AGE:
                self.error(line, "cpr" if cpr_raw else "birth_date",
                           f"gives age {age} on {self.as_of}: employees must be {MIN_AGE} to "
                           f"{MAX_AGE} years old")
        raw = fields[i_hire].strip() if 0 <= i_hire < n else ""
        hire = self._iso(line, "hire_date", raw) if raw else None
        raw = fields[i_leave].strip() if 0 <= i_leave < n else ""
        leave = self._iso(line, "leave_date", raw) if raw else None
        if leave == OPEN_END_ISO:
            leave = None
        if hire and leave and leave < hire:  # ISO text compares as dates do
            self.error(line, "leave_date", f"{leave} is before the hire date {hire}")
        hours = None
        raw = fields[i_hours].strip() if 0 <= i_hours < n else ""
        if raw:
            try:
                hours = float(raw.replace(",", "."))
                if not 0 <= hours <= 168:
                    raise ValueError
            except ValueError:
                self.error(line, "weekly_hours",
                           f"'{show_value(raw)}' is not a number of hours (e.g. 37 or 37,5)")
        if self.count != before:
            return None
        return (
            eid, name, birth.isoformat(),  # type: ignore[union-attr]
            (fields[i_dept].strip() or None) if 0 <= i_dept < n else None,
            (fields[i_mgr].strip() or None) if 0 <= i_mgr < n else None,
            hire, leave,
            (fields[i_mail].strip() or None) if 0 <= i_mail < n else None,
            hours, self.stamp,
        )


def import_roster(
    conn: sqlite3.Connection,
    path: Path,
    options: ImportOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Validate the whole roster and upsert it by employee_id, all in one transaction.

    A full import marks employees missing from the file as left (leave date = the import date,
    unless they already have one); ``partial`` touches only the rows in the file.
    """
    with open_table(path, options.encoding, options.delimiter) as tf:
        cols, ignored = map_columns(tf, ALIASES, FIELDS, options.mapping)
        _require_columns(tf, cols)
        checker = _Rows(cols, len(tf.header), options.as_of, now_stamp())
        # Columns the file does not have are left as they are on existing employees.
        present = [f for f in STORED if f != "employee_id" and (f in cols or f == "birth_date")]
        upsert = (
            f"INSERT INTO employee ({', '.join(STORED)}, updated_at) "
            f"VALUES ({', '.join('?' * (len(STORED) + 1))}) ON CONFLICT (employee_id) DO UPDATE "
            f"SET {', '.join(f'{f} = excluded.{f}' for f in present)}, "
            "updated_at = excluded.updated_at "
            f"WHERE {' OR '.join(f'employee.{f} IS NOT excluded.{f}' for f in present)}"
        )
        conn.execute("DROP TABLE IF EXISTS temp.ids")
        conn.execute("CREATE TEMP TABLE ids (employee_id TEXT PRIMARY KEY, line INTEGER) "
                     "WITHOUT ROWID")
        conn.execute("BEGIN IMMEDIATE")
        try:
            summary = _load(conn, tf, checker, upsert, progress, path, ignored, options)
            hold_before_commit()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("ROLLBACK" if options.dry_run else "COMMIT")
    conn.execute("DROP TABLE IF EXISTS temp.ids")
    return summary


def _load(conn, tf: TableFile, checker: _Rows, upsert: str, progress, path: Path,
          ignored: list[str], options: ImportOptions) -> ImportSummary:
    employees_before = conn.execute("SELECT count(*) FROM employee").fetchone()[0]
    changes_before = conn.total_changes
    batch: list[tuple] = []
    lines: list[tuple[str, int]] = []
    rows = 0
    duplicates = 0

    def flush() -> None:
        nonlocal duplicates
        before = conn.total_changes
        conn.executemany("INSERT OR IGNORE INTO temp.ids VALUES (?, ?)", lines)
        if conn.total_changes - before < len(lines):  # a repeated id: name both lines
            for eid, line in lines:
                first = conn.execute("SELECT line FROM temp.ids WHERE employee_id = ?",
                                     (eid,)).fetchone()[0]
                if first != line:
                    duplicates += 1
                    checker.error(line, "employee_id",
                                  f"'{show_value(eid)}' appears again (first on line {first})")
        if not checker.count:
            conn.executemany(upsert, batch)
        batch.clear()
        lines.clear()

    check = checker.check
    for line, fields in tf.rows():
        row = check(line, fields)
        if row is not None:
            rows += 1
            lines.append((row[0], line))
            batch.append(row)
            if len(batch) >= _BATCH:
                flush()
                if progress is not None:
                    progress(tf.bytes_read(), tf.size)
    flush()
    if checker.count:
        raise checker.problems.refuse(
            path, "nothing was imported",
            "correct the file and import it again (--dry-run checks without writing)")
    if rows == 0 and not options.partial:
        raise InputFileError(
            f"{path} has a header but no employees; a full import would mark everyone as left. "
            "Nothing was imported",
            hint="check the export; use --partial to import a file of only some employees",
        )
    written = conn.total_changes - changes_before - rows  # minus the temp.ids rows
    added = conn.execute("SELECT count(*) FROM employee").fetchone()[0] - employees_before
    marked_left = 0
    if not options.partial:
        marked_left = conn.execute(
            "UPDATE employee SET leave_date = ?, updated_at = ? WHERE leave_date IS NULL "
            "AND employee_id NOT IN (SELECT employee_id FROM temp.ids)",
            (options.as_of.isoformat(), checker.stamp),
        ).rowcount
    summary = ImportSummary(
        file=str(path), rows=rows, added=added, updated=written - added,
        unchanged=rows - written, marked_left=marked_left, ignored_columns=ignored,
        partial=options.partial, dry_run=options.dry_run, encoding=tf.encoding,
        delimiter=tf.delimiter,
    )
    audit(conn, "import --partial" if options.partial else "import",
          summary.added + summary.updated + summary.marked_left)
    return summary


def _require_columns(tf: TableFile, cols: dict[str, int]) -> None:
    missing = [f for f in ("employee_id", "name") if f not in cols]
    if "birth_date" not in cols and "cpr" not in cols:
        missing.append("birth_date or cpr")
    if missing:
        raise InputFileError(
            f"{tf.path}: line 1: no column for {', '.join(missing)} "
            f"(the file's columns are: {', '.join(tf.header) or 'none'})",
            hint="name the column with --map, e.g. --map 'Medarb.nr=employee_id'",
        )
