"""The schema, declared with SQLModel. The migrations in ``schema.py`` must produce exactly this
(tests/test_schema.py checks it). Dates are stored as ISO text (YYYY-MM-DD), which sorts and
compares correctly in SQL.

No CPR number is ever stored: the roster import derives the birth date and drops the number.
"""

from __future__ import annotations

import datetime
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel


class Employee(SQLModel, table=True):
    __tablename__ = "employee"
    __table_args__ = (
        Index("ix_employee_left_by_import", "left_by_import",
              sqlite_where=text("left_by_import IS NOT NULL"),
              postgresql_where=text("left_by_import IS NOT NULL")),
        {"sqlite_with_rowid": False},
    )
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
    __table_args__ = (
        UniqueConstraint("employee_id", "outcome", "date"),
        CheckConstraint("outcome IN ('invited', 'held', 'declined', 'postponed', 'requested')"),
        Index("ix_conversation_employee_id", "employee_id", "date"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    employee_id: str = Field(sa_column=Column(
        String, ForeignKey("employee.employee_id", ondelete="CASCADE"), nullable=False))
    outcome: str
    date: date
    note: str | None = None
    with_mus: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    union_rep: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    recorded_at: str


class Agreement(SQLModel, table=True):
    """A senior agreement (seniorordning)."""

    __tablename__ = "agreement"
    id: int | None = Field(default=None, primary_key=True)
    employee_id: str = Field(sa_column=Column(
        String, ForeignKey("employee.employee_id", ondelete="CASCADE"), nullable=False,
        index=True))
    type: str
    start_date: date
    end_date: date | None = Field(default=None, index=True)
    open_ended: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    ended_on: date | None = None  # set by `agreement end`: ended before its planned end
    weekly_hours: float | None = None
    amount: float | None = None
    note: str | None = None
    renews_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("agreement.id", ondelete="SET NULL"), index=True))
    rules: str | None = None
    recorded_at: str
    # set by `agreement withdraw` (recorded by mistake): counts nowhere, shown by `show`;
    # schema version 3
    withdrawn_at: str | None = None


class AgreementChange(SQLModel, table=True):
    """A change made to an agreement after it was recorded — corrected (`agreement correct`) or
    ended early (`agreement end`) — and when: the payroll change file reports changes by the
    day they were made. Schema version 4; deleted with its agreement. Never a CPR number, no
    free text: ``fields`` names what changed (start, end, hours, amount, note)."""

    __tablename__ = "agreement_change"
    __table_args__ = (Index("ix_agreement_change_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=Column(
        Integer, ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True))
    at: str  # UTC stamp, as the audit log's
    fields: str  # comma-separated, in this order: start,end,hours,amount,note


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class Audit(SQLModel, table=True):
    """Who changed what: the command, the user and row counts; a correction also keeps its
    employee and what it changed (``detail``), until `purge` deletes them."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_employee_id", "employee_id",
              sqlite_where=text("employee_id IS NOT NULL"),
              postgresql_where=text("employee_id IS NOT NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: str
    os_user: str
    command: str
    rows_changed: int
    # schema version 3: a correction's employee and what it changed (old → new); NULL for
    # every other command. Deleted by `purge` with the employee. Never a CPR number.
    employee_id: str | None = None
    detail: str | None = None


class RetractedOutcome(SQLModel, table=True):
    """An outcome withdrawn (`log withdraw`) or corrected away (`log correct` to another
    employee, date or outcome): `log --from-file` does not log it again. Schema version 3;
    deleted by `purge` with the employee."""

    __tablename__ = "retracted_outcome"
    __table_args__ = {"sqlite_with_rowid": False}
    employee_id: str = Field(primary_key=True)
    outcome: str = Field(primary_key=True)
    date: datetime.date = Field(primary_key=True)  # the module: `date` is the field
    at: str  # UTC stamp of the withdrawal or correction
