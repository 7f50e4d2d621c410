"""The schema, declared with SQLModel. The migrations in ``schema.py`` must produce exactly this
(tests/test_schema.py checks it). Dates are stored as ISO text (YYYY-MM-DD), which sorts and
compares correctly in SQL.

No CPR number is ever stored: the roster import derives the birth date and drops the number.
"""

from __future__ import annotations

import datetime
from datetime import date

from sqlmodel import Field, SQLModel


class Employee(SQLModel, table=True):
    __tablename__ = "employee"
    employee_id: str = Field(primary_key=True)  # text: payroll numbers keep leading zeros
    name: str
    birth_date: date
    department: str | None = None
    manager_id: str | None = None
    hire_date: date | None = None
    leave_date: date | None = None
    email: str | None = None
    weekly_hours: float | None = None
    updated_at: str  # ISO timestamp of the last change by an import
    last_import: int | None = None  # audit id of the import that last listed the employee
    # audit id of the full import that marked the employee as left for being missing from it
    # (NULL: the leave date, if any, came from a file); schema version 3, with a partial index
    left_by_import: int | None = None
    back_by_import: int | None = None


class Conversation(SQLModel, table=True):
    """One logged outcome: invited, held, declined, postponed or requested. Ids are never
    handed out again (AUTOINCREMENT, schema version 3): a withdrawn outcome is deleted."""

    __tablename__ = "conversation"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    employee_id: str = Field(foreign_key="employee.employee_id", index=True)
    outcome: str
    date: date
    note: str | None = None
    with_mus: bool = False
    union_rep: bool = False
    recorded_at: str


class Agreement(SQLModel, table=True):
    """A senior agreement (seniorordning)."""

    __tablename__ = "agreement"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: str = Field(foreign_key="employee.employee_id", index=True)
    type: str
    start_date: date
    end_date: date | None = Field(default=None, index=True)
    open_ended: bool = False
    ended_on: date | None = None  # set by `agreement end`: ended before its planned end
    weekly_hours: float | None = None
    amount: float | None = None
    note: str | None = None
    renews_id: int | None = Field(default=None, foreign_key="agreement.id", index=True)
    rules: str | None = None
    recorded_at: str
    # set by `agreement withdraw` (recorded by mistake): counts nowhere, shown by `show`;
    # schema version 3
    withdrawn_at: str | None = None


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class Audit(SQLModel, table=True):
    """Who changed what: the command, the user and row counts; a correction also keeps its
    employee and what it changed (``detail``), until `purge` deletes them."""

    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: str
    os_user: str
    command: str
    rows_changed: int
    # schema version 3: a correction's employee and what it changed (old → new); NULL for
    # every other command. Deleted by `purge` with the employee. Never a CPR number.
    employee_id: str | None = Field(default=None, index=True)
    detail: str | None = None


class RetractedOutcome(SQLModel, table=True):
    """An outcome withdrawn (`log withdraw`) or corrected away (`log correct` to another
    employee, date or outcome): `log --from-file` does not log it again. Schema version 3;
    deleted by `purge` with the employee."""

    __tablename__ = "retracted_outcome"
    employee_id: str = Field(primary_key=True)
    outcome: str = Field(primary_key=True)
    date: datetime.date = Field(primary_key=True)  # the module: `date` is the field
    at: str  # UTC stamp of the withdrawal or correction
