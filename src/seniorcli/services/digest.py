"""The managers' digests (``seniorcli digest``): for each manager, the staff who must be offered a
senior conversation now, those due within N days, and the senior agreements of their staff that
end within M days — one digest per manager, ready to be mailed by the monthly cron job.

Nothing is decided here that the other lists do not decide: the due list is
``services.due.due_list`` (the rule set's one definition of "due") and the agreements are
``services.agreements.expiring`` (the payroll export), both as of the same date and read in one
snapshot. This module only sorts their rows by manager.

Interpretations (docs/digest.md):

- A manager is an employee (a manager id is an employee id). Staff whose manager id is empty,
  is not an employee of the roster, or names someone who is not employed on the as-of date (left,
  or not hired yet) go into one digest for HR (``without_manager``): a digest must not be mailed
  to someone who no longer works there.
- Agreements of employees who are not staff on the as-of date are left out (they are nobody's
  staff); so are agreements already renewed (``renewed_by``): the renewal continues them, so
  there is nothing for the manager to decide.
- A manager's e-mail is the roster's only if it is usable as an address (name@domain.tld, the
  test ``invite`` uses: ``services.invitations.usable_email``); free text such as "ukendt" or
  "-" counts as no e-mail (``without_email``), so the index never hands a mail script a
  non-address.
- A manager with nothing in any section gets no digest. A window of 0 days (``within``,
  ``agreements_within``) leaves its section out: nothing in it counts, as with ``--within 0``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from seniorcli.dates import from_iso
from seniorcli.db import Db, snapshot
from seniorcli.db import digest as digest_rows
from seniorcli.rules.base import RuleSet, is_staff
from seniorcli.services.invitations import usable_email

#: Why a row is in the digest for HR (``manager_problem``).
NO_MANAGER, UNKNOWN_MANAGER, MANAGER_LEFT, MANAGER_NOT_HIRED = (
    "none", "unknown", "left", "not_hired")


@dataclass
class Digest:
    """One manager's digest; ``manager_id`` None: the digest for HR of the staff without a
    manager (each of its rows says why: ``manager_problem``)."""

    manager_id: str | None
    manager_name: str | None = None
    manager_email: str | None = None
    due_now: list[dict] = field(default_factory=list)
    due_soon: list[dict] = field(default_factory=list)
    agreements_ending: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.due_now or self.due_soon or self.agreements_ending)


@dataclass
class Digests:
    """All digests of one run: the managers' (by name, then id) and the one for HR."""

    as_of: date
    within: int
    agreements_within: int
    rules_name: str
    rules_title: str
    managers: list[Digest]
    without_manager: Digest | None

    def all(self) -> list[Digest]:
        return self.managers + ([self.without_manager] if self.without_manager else [])


def manager_digests(
    conn: Db, rules: RuleSet, as_of: date, within: int = 30, agreements_within: int = 90, *,
    department: str | None = None, manager: str | None = None,
) -> Digests:
    """The digests as of ``as_of``: staff due on it ("due now", with the days overdue and any
    pending invitation or request), due in the ``within`` days after it ("due soon", with the
    days until), and agreements that end from ``as_of`` to ``agreements_within`` days after it
    (not open-ended, not withdrawn, not renewed). ``within`` or ``agreements_within`` 0 leaves
    that section out (none of its rows, in any digest). ``department`` and ``manager`` (stored
    values: services.filters resolves what was typed) narrow down whose staff."""
    from seniorcli.services.agreements import expiring
    from seniorcli.services.due import due_list
    from seniorcli.services.employees import contacts

    with snapshot(conn):
        due_rows = list(due_list(conn, rules, as_of, within, department=department,
                                 manager=manager))
        ending = [a for a in expiring(conn, as_of, agreements_within)
                  if a["renewed_by"] is None] if agreements_within > 0 else []
        placed = digest_rows.placements(conn, {a["employee_id"] for a in ending})
        agreements = []
        for a in ending:
            p = placed.get(a["employee_id"])
            if p is None or not is_staff(from_iso(p.hire_date), from_iso(p.leave_date), as_of):
                continue
            if department is not None and p.department != department:
                continue
            if manager is not None and p.manager_id != manager:
                continue
            agreements.append({**a, "manager_id": p.manager_id})
        managers = {r["manager_id"] for r in due_rows} | {a["manager_id"] for a in agreements}
        managers.discard(None)
        managers.discard("")
        people = contacts(conn, managers)
        employed = digest_rows.placements(conn, managers)

    digests: dict[str | None, Digest] = {}
    problems: dict[str, tuple[str, date | None]] = {}
    for m in managers:
        contact, p = people.get(m), employed.get(m)
        if contact is None or p is None:
            problems[m] = (UNKNOWN_MANAGER, None)
            continue
        hire, leave = from_iso(p.hire_date), from_iso(p.leave_date)
        if not is_staff(hire, leave, as_of):
            problems[m] = ((MANAGER_LEFT, leave) if hire is None or hire <= as_of
                           else (MANAGER_NOT_HIRED, hire))
            continue
        digests[m] = Digest(m, contact.name, usable_email(contact.email))

    def digest_of(row: dict) -> Digest:
        m = row.get("manager_id") or None
        if m is not None and m in digests:  # (None is HR's digest: its rows say why)
            return digests[m]
        problem, day = (NO_MANAGER, None) if m is None else problems[m]
        contact = people.get(m) if m is not None else None
        row["manager_problem"] = problem
        row["manager_name"] = contact.name if contact else None
        row["manager_date"] = day  # the manager's leave date, or their future hire date
        return digests.setdefault(None, Digest(None))

    for r in due_rows:
        if r["status"] == "due":
            digest_of(r).due_now.append(r)
        else:
            r["days_until"] = (r["due_date"] - as_of).days
            digest_of(r).due_soon.append(r)
    for a in agreements:
        digest_of(a).agreements_ending.append(a)

    hr = digests.pop(None, None)
    listed = sorted((d for d in digests.values() if not d.empty),
                    key=lambda d: ((d.manager_name or "").casefold(), d.manager_id or ""))
    return Digests(as_of, within, agreements_within, rules.name, rules.title, listed,
                   hr if hr is not None and not hr.empty else None)


def without_email(digests: Iterable[Digest]) -> list[Digest]:
    """The managers' digests that cannot be mailed: the manager has no usable e-mail in the
    roster (none, or free text such as "ukendt")."""
    return [d for d in digests if d.manager_id is not None and not d.manager_email]
