"""The tool's one error hierarchy.

Library code raises these; the CLI prints them as ``Error: <message>`` (plus a ``Try …`` hint)
on standard error and exits with code 1. Messages never contain a full CPR number.
"""

from __future__ import annotations


class SeniorError(Exception):
    """Something the user can fix: bad input, unknown employee, unknown rule set."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or []


class InputFileError(SeniorError):
    """A file (roster, outcomes, rule set) was refused; ``details`` lists row errors."""


class NotFoundError(SeniorError):
    """An employee, agreement or rule set that does not exist."""


class RuleError(SeniorError):
    """A rule set definition (TOML) is invalid."""


class DatabaseError(SeniorError):
    """The database cannot be used (newer schema, not a seniorcli database, locked)."""
