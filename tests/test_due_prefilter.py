"""The due list skips, in SQL, employees who cannot be due (too young, or settled by a recent
conversation). It must list exactly whom deciding for every employee would list."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from seniorcli.db.engine import connect
from seniorcli.rules import BUILT_IN
from seniorcli.rules.loader import load_rule_file
from seniorcli.services.due import due_list, facts_for

from conftest import FIXTURES

RULE_SETS = [*BUILT_IN, load_rule_file(FIXTURES / "silkeborg.toml")]


@pytest.fixture(scope="module")
def random_db(tmp_path_factory):
    rng = random.Random(20261101)
    conn = connect(tmp_path_factory.mktemp("pre") / "p.db")
    people, talks = [], []
    for i in range(1500):
        birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 40))
        if i % 97 == 0:
            birth = date(rng.choice([1964, 1968, 1972]), 2, 29)
        hire = birth + timedelta(days=365 * rng.randint(18, 60))
        leave = hire + timedelta(days=rng.randint(100, 9000)) if rng.random() < 0.15 else None
        people.append((f"P{i:05d}", "x", birth.isoformat(), hire.isoformat(),
                       leave.isoformat() if leave else None))
        day = date(2022, 1, 1) + timedelta(days=rng.randint(0, 400))
        for _ in range(rng.randint(0, 5)):
            outcome = rng.choice(["held", "declined", "invited", "postponed", "requested"])
            talks.append((f"P{i:05d}", outcome, day.isoformat()))
            day += timedelta(days=rng.choice([0, 1, 30, 200, 365, 366, 400]))
    with conn:
        conn.executemany("INSERT INTO employee (employee_id, name, birth_date, hire_date, "
                         "leave_date, updated_at) VALUES (?, ?, ?, ?, ?, 'x')", people)
        conn.executemany("INSERT OR IGNORE INTO conversation (employee_id, outcome, date, "
                         "recorded_at) VALUES (?, ?, ?, 'x')", talks)
    return conn


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: r.name)
@pytest.mark.parametrize("as_of,within", [("2025-06-30", 0), ("2026-02-28", 30),
                                          ("2026-11-01", 90), ("2028-02-29", 0)])
def test_due_list_equals_deciding_for_everyone(random_db, rules, as_of, within):
    day = date.fromisoformat(as_of)
    listed = {r["employee_id"]: (r["due_date"], r["reason"], r["pending"])
              for r in due_list(random_db, rules, day, within)}
    expected = {}
    for (eid,) in random_db.execute("SELECT employee_id FROM employee"):
        d = rules.decide(facts_for(random_db, eid), day, within)
        if d is not None:
            expected[eid] = (d.due_date, d.reason, d.pending)
    assert listed == expected
    assert len(expected) > 50  # the comparison covers real cases
