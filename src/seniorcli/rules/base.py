"""A rule set is data; the common logic of domain.md is written once, here.

A rule set answers one question: on which date does this employee next need an offer of a
senior conversation? The answer depends on the birth date, hire and leave dates and the logged
outcomes. Rules see plain immutable tuples, never ORM rows, and never read the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from seniorcli.dates import add_months, age_on, birthday, jan1

Trigger = Literal["birthday", "calendar_year"]
Repeat = Literal["months", "calendar_year"]

OUTCOMES = ("invited", "held", "declined", "postponed", "requested")
COMPLETING = frozenset({"held", "declined"})
PENDING = frozenset({"invited", "postponed", "requested"})

# Choices the product makes where domain.md's common rules leave room; shown by `rules show`.
COMMON_INTERPRETATIONS = (
    "A conversation held or declined on the same day as a request answers that request.",
    "Outcomes logged on one day: a held or declined conversation closes the cycle; other "
    "outcomes of that day belong to the closed cycle.",
    "A day that does not exist in the target month (29 February) rolls to 1 March: someone born "
    "on 29 February turns a year older on 1 March in a common year, and 12 months after "
    "2024-02-29 is 2025-03-01.",
    "An employee whose leave date is on or before the as-of date is never due; no one is listed "
    "as upcoming for a due date on or after their leave date.",
)


def ordinal(n: int) -> str:
    """52 → '52nd', 61 → '61st', 55 → '55th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Outcome(NamedTuple):
    date: date
    outcome: str  # one of OUTCOMES


class Facts(NamedTuple):
    """What a rule set may know of an employee."""

    birth_date: date
    hire_date: date | None = None
    leave_date: date | None = None
    outcomes: Sequence[Outcome] = ()  # any order


class Decision:
    """When the next offer is due, why, and what is pending (the latest invited, postponed or
    requested of the open cycle). The reason sentence is written only when it is read."""

    __slots__ = ("due_date", "pending", "_why")

    def __init__(self, due_date: date, why: tuple, pending: str | None = None):
        self.due_date, self._why, self.pending = due_date, why, pending

    @property
    def reason(self) -> str:
        return explain(self._why)

    def __repr__(self) -> str:
        return f"Decision({self.due_date}, {self.reason!r}, pending={self.pending!r})"


def explain(why: tuple) -> str:
    """One sentence a person understands, from a decision's compact 'why'."""
    kind = why[0]
    if kind == "first":
        _, age, day, calendar_year = why
        if calendar_year:
            return f"turns {age} in {day.year}: first offer from 1 January"
        return f"turns {age} on {day.isoformat()}: first offer"
    if kind == "first_despite":
        _, first, last = why
        return f"{explain(first)} ({last.outcome} earlier, on {last.date.isoformat()})"
    if kind == "hired":
        _, hired, was_due = why
        return (f"hired on {hired.isoformat()}, after the offer fell due ({was_due.isoformat()}):"
                " due from the hire date")
    if kind == "requested":
        return f"asked for a conversation on {why[1].isoformat()}"
    _, last, age, detail = why
    when = f"{last.outcome} at {age} on {last.date.isoformat()}"
    if kind == "reoffer":
        return f"{when}: offered again at {detail}"
    if kind == "calendar_year":
        return f"{when}: next offer from 1 January {detail}"
    return f"{when}: next offer {detail} months later"


@dataclass(frozen=True)
class RuleSet:
    """A municipality's rules for offering senior conversations, as data.

    trigger: "birthday" (first offer on the birthday of ``first_offer_age``) or "calendar_year"
    (from 1 January of the year of that birthday).
    repeat: "months" (``repeat_months`` after the last held or declined conversation) or
    "calendar_year" (from 1 January of the year after it).
    reoffer_age: if set, a conversation declined before this age is offered again on this
    birthday (Albertslund: declined at 52 → again at 55).
    """

    name: str
    title: str
    first_offer_age: int
    trigger: Trigger = "birthday"
    repeat: Repeat = "months"
    repeat_months: int = 12
    reoffer_age: int | None = None
    agreement_default_term_months: int | None = None
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    interpretations: tuple[str, ...] = ()
    origin: str = "built-in"

    # --- the two hooks -------------------------------------------------------------------
    def first_due(self, birth: date) -> tuple[date, tuple]:
        """When the rule first makes an offer due, ignoring hire date and history."""
        turns = birthday(birth, self.first_offer_age)
        if self.trigger == "calendar_year":
            return jan1(turns.year), ("first", self.first_offer_age, turns, True)
        return turns, ("first", self.first_offer_age, turns, False)

    def repeat_due(self, birth: date, last: Outcome) -> tuple[date, tuple]:
        """When the next offer is due after a held or declined conversation."""
        age = age_on(birth, last.date)
        if (
            self.reoffer_age is not None
            and last.outcome == "declined"
            and age < self.reoffer_age
        ):
            return birthday(birth, self.reoffer_age), ("reoffer", last, age, self.reoffer_age)
        if self.repeat == "calendar_year":
            year = last.date.year + 1
            return jan1(year), ("calendar_year", last, age, year)
        return add_months(last.date, self.repeat_months), (
            "months", last, age, self.repeat_months)

    def latest_birth_due_by(self, horizon: date) -> date:
        """The latest birth date whose first offer falls on or before ``horizon`` (a filter
        that lets the database skip the young; requests are looked at separately)."""
        if self.trigger == "calendar_year":
            return date(horizon.year - self.first_offer_age, 12, 31)
        # add_months is monotonic, so every birth date up to this one turns the age by horizon.
        return add_months(horizon, -12 * self.first_offer_age)

    def settled_after(self, horizon: date) -> date:
        """A held or declined conversation after this date makes the repeat offer fall after
        ``horizon`` (used to skip, in SQL, employees who cannot be due by then)."""
        if self.repeat == "calendar_year":
            return date(horizon.year - 1, 12, 31)
        return add_months(horizon, -self.repeat_months)

    # --- the common rules, once --------------------------------------------------------------
    def next_due(self, facts: Facts) -> Decision:
        """The date the next offer is due, why, and what is pending (see domain.md)."""
        due, why = self.first_due(facts.birth_date)
        outcomes = facts.outcomes
        last_done = None
        if outcomes:
            ordered = sorted(outcomes) if len(outcomes) > 1 else outcomes
            last_done = next((o for o in reversed(ordered) if o.outcome in COMPLETING), None)
            if last_done is not None:
                # A conversation before the first due date counts: the later of the two dates.
                again, again_why = self.repeat_due(facts.birth_date, last_done)
                if again >= due:
                    due, why = again, again_why
                else:
                    why = ("first_despite", why, last_done)
        hire = facts.hire_date
        if hire is not None and hire > due:
            # Hired after the due date: due from the hire date, never before it.
            due, why = hire, ("hired", hire, due)
        if not outcomes:
            return Decision(due, why)
        open_cycle = [o for o in ordered if last_done is None or o.date > last_done.date]
        request = next((o for o in open_cycle if o.outcome == "requested"), None)
        if request is not None and request.date < due:
            # Asked for a conversation: due no later than the (first open) request.
            due, why = request.date, ("requested", request.date)
        pending = next((o.outcome for o in reversed(open_cycle) if o.outcome in PENDING), None)
        return Decision(due, why, pending)

    def offer_for(self, facts: Facts, as_of: date) -> Decision | None:
        """The next offer of an employee still here on ``as_of`` (however far ahead), or None
        for those who have left and those who leave on or before it falls due."""
        if facts.leave_date is not None and facts.leave_date <= as_of:
            return None
        decision = self.next_due(facts)
        if facts.leave_date is not None and decision.due_date >= facts.leave_date:
            return None
        return decision

    def decide(self, facts: Facts, as_of: date, within_days: int = 0) -> Decision | None:
        """The decision if the employee is due on ``as_of`` or within ``within_days`` after it."""
        decision = self.offer_for(facts, as_of)
        if decision is None or (decision.due_date - as_of).days > within_days:
            return None
        return decision

    # --- plain language, for `rules show` ----------------------------------------------------
    def describe(self) -> list[str]:
        a = self.first_offer_age
        lines = []
        if self.trigger == "calendar_year":
            lines.append(
                f"First offer due from 1 January of the calendar year the employee turns {a} "
                "(or the hire date, if later)."
            )
        else:
            lines.append(
                f"First offer due on the {ordinal(a)} birthday (or the hire date, if later)."
            )
        if self.reoffer_age is not None:
            lines.append(
                f"Declined before age {self.reoffer_age}: offered again on the "
                f"{ordinal(self.reoffer_age)} birthday."
            )
        done = (
            f"Held (at any age), or declined at {self.reoffer_age} or later,"
            if self.reoffer_age is not None else "Held or declined"
        )
        if self.repeat == "calendar_year":
            lines.append(f"{done} in calendar year Y: next offer due from 1 January of Y + 1.")
        else:
            lines.append(
                f"{done} on date d: next offer due {self.repeat_months} months after d."
            )
        if self.agreement_default_term_months:
            lines.append(
                f"Default term of a new senior agreement: {self.agreement_default_term_months} "
                "months."
            )
        else:
            lines.append("No default term for senior agreements: give --end or --open-ended.")
        return lines


#: The TOML keys of a rule set and what each takes (for loading, errors and the README).
TOML_KEYS: dict[str, str] = {
    "name": "text, lower case: the name used with --rules",
    "title": "text",
    "first_offer_age": "whole number, 18-80",
    "trigger": '"birthday" or "calendar_year"',
    "repeat": '"months" or "calendar_year"',
    "repeat_months": 'whole number from 1 to 120 (with repeat = "months"; default 12)',
    "reoffer_age": "whole number, optional",
    "agreement_default_term_months": "whole number, optional",
    "aliases": "list of text, optional",
    "sources": "list of text",
    "interpretations": "list of text, optional",
}
