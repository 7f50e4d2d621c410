"""The common rules of domain.md, which every registered rule set must pass — the built-ins and
one defined in a TOML file."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniorcli.rules import BUILT_IN, load_registry
from seniorcli.rules.base import RuleSet
from seniorcli.rules.loader import load_rule_file

from rulekit import D, due_on, facts, first_due_day

FIXTURES = Path(__file__).parent / "fixtures"
ALL: list[RuleSet] = [*BUILT_IN, load_rule_file(FIXTURES / "silkeborg.toml")]
ids = [rs.name for rs in ALL]
OLD = "1950-06-15"  # old enough to be due under every rule set


@pytest.fixture(params=ALL, ids=ids)
def rs(request) -> RuleSet:
    return request.param


def test_left_is_never_due(rs):
    f = facts(OLD, ("requested", "2026-10-01"), left="2026-10-31")
    assert due_on(rs, f, "2026-10-30") is not None
    assert due_on(rs, f, "2026-10-31") is None
    assert due_on(rs, f, "2026-10-31", within=3650) is None


def test_requested_makes_due_from_that_date(rs):
    young = facts("1990-01-01", ("requested", "2026-09-01"))
    assert due_on(rs, young, "2026-08-31") is None
    d = due_on(rs, young, "2026-09-01")
    assert d.due_date == D("2026-09-01") and d.pending == "requested"
    assert d.reason == "asked for a conversation on 2026-09-01"


def test_request_is_answered_by_a_conversation_held_the_same_day_or_later(rs):
    young = facts("1990-01-01", ("requested", "2026-09-01"), ("held", "2026-09-01"))
    assert due_on(rs, young, "2026-11-01") is None


def test_request_before_the_rule_date_makes_due_earlier_even_after_a_cycle(rs):
    f = facts(OLD, ("held", "2026-06-01"), ("requested", "2026-08-01"))
    assert due_on(rs, f, "2026-07-31") is None
    assert due_on(rs, f, "2026-08-01").due_date == D("2026-08-01")


@pytest.mark.parametrize("outcome", ["invited", "postponed"])
def test_invited_and_postponed_keep_the_employee_due_with_pending(rs, outcome):
    plain = facts(OLD)
    f = facts(OLD, (outcome, "2026-10-01"))
    d = due_on(rs, f, "2026-11-01")
    assert d is not None and d.pending == outcome
    assert d.due_date == first_due_day(rs, plain)


def test_held_closes_the_cycle_and_clears_pending(rs):
    f = facts(OLD, ("invited", "2026-10-01"), ("held", "2026-10-15"))
    assert due_on(rs, f, "2026-11-01") is None
    assert rs.next_due(f).pending is None


def test_hired_after_the_due_date_is_due_from_the_hire_date(rs):
    f = facts(OLD, hired="2026-10-01")
    assert due_on(rs, f, "2026-09-30") is None
    assert due_on(rs, f, "2026-10-01").due_date == D("2026-10-01")


def test_every_decision_has_a_reason(rs):
    for f in (facts(OLD), facts(OLD, ("held", "2025-01-01")), facts(OLD, hired="2026-01-01"),
              facts("1990-01-01", ("requested", "2026-01-01"))):
        assert rs.next_due(f).reason.strip()


def test_cites_a_source_and_describes_itself(rs):
    assert rs.sources and all(s.strip() for s in rs.sources)
    assert rs.describe()


def test_toml_rule_set_is_picked_up_from_the_rules_folder(tmp_path):
    (tmp_path / "silkeborg.toml").write_text((FIXTURES / "silkeborg.toml").read_text())
    reg = load_registry(tmp_path)
    assert reg.get("silkeborg").first_offer_age == 60
    assert reg.get("norddjurs").first_offer_age == 55
    assert reg.get("Køge").name == "koege"
