"""Helpers for rule set tests: build facts in one line, ask 'listed on this day?'."""

from __future__ import annotations

from datetime import date, timedelta

from seniorcli.rules.base import Decision, Facts, Outcome, RuleSet


def D(text: str) -> date:
    return date.fromisoformat(text)


def facts(born: str, *outcomes: tuple[str, str], hired: str | None = None,
          left: str | None = None) -> Facts:
    return Facts(D(born), D(hired) if hired else None, D(left) if left else None,
                 tuple(Outcome(D(d), o) for o, d in outcomes))


def due_on(rs: RuleSet, f: Facts, day: str, within: int = 0) -> Decision | None:
    return rs.decide(f, D(day), within)


def first_due_day(rs: RuleSet, f: Facts) -> date:
    return rs.next_due(f).due_date


def assert_due_from(rs: RuleSet, f: Facts, day: str) -> Decision:
    """Not due the day before ``day``; due on ``day`` (the boundary, both sides)."""
    before = (D(day) - timedelta(days=1)).isoformat()
    assert due_on(rs, f, before) is None, f"due already on {before}"
    decision = due_on(rs, f, day)
    assert decision is not None, f"not due on {day}"
    assert decision.due_date == D(day)
    return decision
