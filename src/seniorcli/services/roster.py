"""Importing the payroll roster.

Data flow: the file is streamed row by row; every row is validated and written to a TEMP staging
table (bounded memory at 500,000 rows: no list of rows, no set of ids in Python). Duplicates are
found in SQL. Only when the whole file is valid are the changes merged into ``employee`` in one
transaction; a refused file, a dry run or a killed process leaves the database as it was.
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
from seniorcli.services.common import audit, now_stamp, show_value, summarise_errors
from seniorcli.tabular import TableFile, map_columns, open_table

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


class _RowChecker:
    """Validates one row and turns it into the staging tuple, collecting errors."""

    def __init__(self, path: Path, cols: dict[str, int], as_of: date):
        self.path, self.cols, self.as_of = path, cols, as_of
        self.errors: list[tuple[int, str]] = []
        self.count = 0
        self.width = 0

    def error(self, line: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.errors) < 200:  # enough to choose the first 20 from; memory stays flat
            self.errors.append((line, f"line {line}, {column}: {message}"))

    def cell(self, fields: list[str], name: str) -> str:
        i = self.cols.get(name)
        return fields[i].strip() if i is not None and i < len(fields) else ""

    def date_cell(self, line: int, fields: list[str], name: str) -> date | None:
        raw = self.cell(fields, name)
        if not raw:
            return None
        try:
            return _parse_day(raw)
        except DateFormatError as e:
            self.error(line, name, f"'{show_value(raw)}' {e}; use YYYY-MM-DD or DD-MM-YYYY")
            return None

    def check(self, line: int, fields: list[str]) -> tuple | None:
        before = self.count
        if len(fields) > self.width and any(f.strip() for f in fields[self.width:]):
            self.error(line, "row", f"{len(fields)} fields, but the header has {self.width}")
            return None
        eid = self.cell(fields, "employee_id")
        name = self.cell(fields, "name")
        if not eid:
            self.error(line, "employee_id", "is missing")
        if not name:
            self.error(line, "name", "is missing")
        birth = self.date_cell(line, fields, "birth_date")
        cpr_raw = self.cell(fields, "cpr")
        if cpr_raw:
            try:
                from_cpr = birth_date_from_cpr(cpr_raw)
            except CprError as e:
                self.error(line, "cpr", f"'{mask(cpr_raw)}' {e}")
            else:
                if birth is not None and birth != from_cpr:
                    self.error(
                        line, "cpr",
                        f"'{mask(cpr_raw)}' gives birth date {from_cpr}, but birth_date says "
                        f"{birth}",
                    )
                birth = from_cpr
        elif birth is None and not self.cell(fields, "birth_date"):
            self.error(line, "birth_date", "is missing (give a birth date or a CPR number)")
        if birth is not None:
            age = age_on(birth, self.as_of)
            if not MIN_AGE <= age <= MAX_AGE:
                self.error(
                    line, "cpr" if cpr_raw else "birth_date",
                    f"gives age {age} on {self.as_of}: employees must be {MIN_AGE} to "
                    f"{MAX_AGE} years old",
                )
        hire = self.date_cell(line, fields, "hire_date")
        leave = self.date_cell(line, fields, "leave_date")
        if leave == OPEN_END:
            leave = None
        if hire and leave and leave < hire:
            self.error(line, "leave_date", f"{leave} is before the hire date {hire}")
        hours_raw = self.cell(fields, "weekly_hours")
        hours = None
        if hours_raw:
            try:
                hours = float(hours_raw.replace(",", "."))
                if not 0 <= hours <= 168:
                    raise ValueError
            except ValueError:
                self.error(
                    line, "weekly_hours",
                    f"'{show_value(hours_raw)}' is not a number of hours (e.g. 37 or 37,5)",
                )
        if self.count != before:
            return None
        return (
            line, eid, name, birth.isoformat(),  # type: ignore[union-attr]
            self.cell(fields, "department") or None, self.cell(fields, "manager_id") or None,
            hire.isoformat() if hire else None, leave.isoformat() if leave else None,
            self.cell(fields, "email") or None, hours,
        )


def import_roster(
    conn: sqlite3.Connection,
    path: Path,
    options: ImportOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Validate the whole roster, then upsert it by employee_id in one transaction.

    A full import marks employees missing from the file as left (leave date = the import date,
    unless they already have one); ``partial`` touches only the rows in the file.
    """
    with open_table(path, options.encoding, options.delimiter) as tf:
        cols, ignored = map_columns(tf, ALIASES, FIELDS, options.mapping)
        _require_columns(tf, cols)
        checker = _RowChecker(path, cols, options.as_of)
        checker.width = len(tf.header)
        conn.execute("DROP TABLE IF EXISTS temp.staging")
        conn.execute(
            "CREATE TEMP TABLE staging (line INTEGER, employee_id TEXT, name TEXT, "
            "birth_date TEXT, department TEXT, manager_id TEXT, hire_date TEXT, "
            "leave_date TEXT, email TEXT, weekly_hours REAL)"
        )
        insert = "INSERT INTO temp.staging VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        batch: list[tuple] = []
        conn.execute("BEGIN")  # staging only touches the temp database: no lock on the main one
        try:
            for n, (line, fields) in enumerate(tf.rows(), 1):
                row = checker.check(line, fields)
                if row is not None:
                    batch.append(row)
                    if len(batch) >= _BATCH:
                        conn.executemany(insert, batch)
                        batch.clear()
                if progress is not None and n % 10_000 == 0:
                    progress(tf.bytes_read(), tf.size)
            if batch:
                conn.executemany(insert, batch)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    try:
        return _merge(conn, path, tf, cols, ignored, checker, options)
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.staging")


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


def _merge(
    conn: sqlite3.Connection, path: Path, tf: TableFile, cols: dict[str, int],
    ignored: list[str], checker: _RowChecker, options: ImportOptions,
) -> ImportSummary:
    conn.execute("CREATE INDEX temp.ix_staging_id ON staging (employee_id)")
    errors = list(checker.errors)
    total_errors = checker.count
    for eid, lines in conn.execute(
        "SELECT employee_id, group_concat(line) FROM (SELECT employee_id, line FROM staging "
        "ORDER BY line) GROUP BY employee_id HAVING count(*) > 1"
    ):
        first, *again = lines.split(",")
        for line in again:
            total_errors += 1
            errors.append((int(line), f"line {line}, employee_id: '{show_value(eid)}' appears "
                                       f"again (first on line {first})"))
    if total_errors:
        raise InputFileError(
            f"{path}: {total_errors} error{'s' if total_errors > 1 else ''}; nothing was imported",
            hint="correct the file and import it again (--dry-run checks without writing)",
            details=summarise_errors(errors, total_errors),
        )
    rows = conn.execute("SELECT count(*) FROM staging").fetchone()[0]
    if rows == 0 and not options.partial:
        raise InputFileError(
            f"{path} has a header but no employees; a full import would mark everyone as left. "
            "Nothing was imported",
            hint="check the export; use --partial to import a file of only some employees",
        )
    # Columns the file does not have are left as they are on existing employees.
    present = [f for f in STORED if f != "employee_id" and (f in cols or f == "birth_date")]
    summary = ImportSummary(
        file=str(path), rows=rows, added=0, updated=0, unchanged=0, marked_left=0,
        ignored_columns=ignored, partial=options.partial, dry_run=options.dry_run,
        encoding=tf.encoding, delimiter=tf.delimiter,
    )
    # Counting and writing happen under one write lock, so the counts are what was written.
    conn.execute("BEGIN IMMEDIATE")
    try:
        _count_changes(conn, summary, present)
        if not options.dry_run:
            _write(conn, summary, present, options)
        hold_before_commit()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("ROLLBACK" if options.dry_run else "COMMIT")
    return summary


_MISSING = (
    "FROM employee WHERE leave_date IS NULL AND employee_id NOT IN "
    "(SELECT employee_id FROM staging)"
)


def _count_changes(conn: sqlite3.Connection, summary: ImportSummary, present: list[str]) -> None:
    differs = " OR ".join(f"e.{f} IS NOT s.{f}" for f in present)
    summary.added = conn.execute(
        "SELECT count(*) FROM staging s WHERE NOT EXISTS "
        "(SELECT 1 FROM employee e WHERE e.employee_id = s.employee_id)"
    ).fetchone()[0]
    summary.updated = conn.execute(
        "SELECT count(*) FROM staging s JOIN employee e ON e.employee_id = s.employee_id "
        f"WHERE {differs}"
    ).fetchone()[0]
    summary.unchanged = summary.rows - summary.added - summary.updated
    if not summary.partial:
        summary.marked_left = conn.execute(f"SELECT count(*) {_MISSING}").fetchone()[0]


def _write(
    conn: sqlite3.Connection, summary: ImportSummary, present: list[str], options: ImportOptions
) -> None:
    stamp = now_stamp()
    set_clause = ", ".join(f"{f} = excluded.{f}" for f in present)
    changed = " OR ".join(f"employee.{f} IS NOT excluded.{f}" for f in present)
    conn.execute(
        f"INSERT INTO employee ({', '.join(STORED)}, updated_at) "
        f"SELECT {', '.join(STORED)}, ? FROM staging WHERE true "
        f"ON CONFLICT (employee_id) DO UPDATE SET {set_clause}, "
        f"updated_at = excluded.updated_at WHERE {changed}",
        (stamp,),
    )
    if not options.partial:
        conn.execute(
            f"UPDATE employee SET leave_date = ?, updated_at = ? WHERE employee_id IN "
            f"(SELECT employee_id {_MISSING})",
            (options.as_of.isoformat(), stamp),
        )
    audit(
        conn, "import --partial" if options.partial else "import",
        summary.added + summary.updated + summary.marked_left,
    )
