"""What the managers' digests (``seniorcli digest``) need to know of an employee beyond the due
list and the agreement lists: whose staff they are and whether they are still employed.

The due list already carries each employee's manager; an agreement row does not, and a manager
is an employee whose own employment decides whether a digest may go to them. Dates come out
as ISO text, as stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from seniorcli.db import Db, rows_in


class Placement(NamedTuple):
    """Where an employee belongs (dates as ISO text)."""

    employee_id: str
    manager_id: str | None
    department: str | None
    hire_date: str | None
    leave_date: str | None


def placements(conn: Db, employee_ids: Iterable[str]) -> dict[str, Placement]:
    """The manager, department, hire and leave date of the employees with these ids; an id not
    in the roster is left out. One primary-key lookup per id, in chunks."""
    return {row[0]: Placement(*row) for row in rows_in(
        conn, "SELECT employee_id, manager_id, department, hire_date, leave_date "
        "FROM employee WHERE employee_id IN ({in})", employee_ids)}
