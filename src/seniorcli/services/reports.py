"""Figures for HR and the works council (Hovedudvalg): coverage, age profile, retirements.

Definitions (also printed with the reports):

coverage, for a period [start, end] and a rule set:
  population     employed at some time in the period (hired by ``end``; no leave date, or one
                 after ``start``)
  eligible       of those, everyone whose first offer was due by ``end`` under the rule set
                 (first-offer date, or the hire date if later), and anyone with an outcome
                 logged in the period
  invited, held, declined, requested
                 eligible employees with at least one such outcome dated in the period
  offered        eligible employees invited, held or declined in the period
  still_due      due on ``end`` under the rule set, counting only outcomes up to ``end``
                 (leavers are not)
  overdue_90     still due, and due more than 90 days before ``end``
  never_offered  eligible on ``end`` with no invited, held or declined outcome since their
                 first offer fell due
  held_rate      held ÷ eligible; declined_rate = declined ÷ offered
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from seniorcli.dates import age_on
from seniorcli.pension import pension_date
from seniorcli.rules.base import Facts, RuleSet
from seniorcli.services.cache import Fresh, cache_key, snapshot
from seniorcli.services.due import _PACKED, _outcomes

OVERDUE_DAYS = 90
TOTAL = "Total"
COVERAGE_COUNTS = ("eligible", "invited", "held", "declined", "requested", "still_due",
                   "overdue_90", "never_offered")


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _group_sql(by: str | None) -> str:
    return {"department": "e.department", "manager": "e.manager_id"}.get(by or "", "NULL")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


def coverage(conn: sqlite3.Connection, rules: RuleSet, period: Period,
             by: str | None = None) -> list[dict]:
    """One row per group (sorted), then the total row.

    "Still due on the last day" needs the rule set's decision with the outcomes up to that
    day. For an employee with nothing logged after it, that is their next offer as kept in
    due_cache (services/cache.py): read from there when present, otherwise decided here and
    kept for the next report or due list.
    """
    start, end = period.start, period.end
    key = cache_key(rules)
    sql = (
        f"SELECT e.employee_id, {_group_sql(by)}, e.birth_date, e.hire_date, e.leave_date, "
        f"{_PACKED}, k.due_date, e.name, e.department, e.manager_id FROM employee e "
        "LEFT JOIN due_cache k "
        "ON k.employee_id = e.employee_id AND k.rules_key = :key "
        "WHERE (e.hire_date IS NULL OR e.hire_date <= :end) "
        "AND (e.leave_date IS NULL OR e.leave_date > :start) AND (e.birth_date <= :cutoff "
        "OR EXISTS (SELECT 1 FROM conversation c WHERE c.employee_id = e.employee_id "
        "AND c.date BETWEEN :start AND :end))"
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    start_s, end_s = start.isoformat(), end.isoformat()
    args = {"start": start_s, "end": end_s, "key": key,
            "cutoff": rules.latest_birth_due_by(end).isoformat()}
    fromiso, first_due, next_due = date.fromisoformat, rules.first_due, rules.next_due
    offers = ("invited", "held", "declined")
    with snapshot(conn):
        fresh = Fresh(conn, key)
        for eid, group, birth_s, hire_s, leave_s, packed, cached, *shown in conn.execute(
                sql, args):
            birth = fromiso(birth_s)
            hire = fromiso(hire_s) if hire_s else None
            eligible_from = first_due(birth)[0]
            if hire is not None and hire > eligible_from:
                eligible_from = hire
            if packed:
                every = _outcomes(packed)
                outcomes = [o for o in every if o.date <= end]
                in_period = {o.outcome for o in outcomes if o.date >= start}
            else:  # most employees: nothing logged
                every, outcomes, in_period = (), [], set()
            if eligible_from > end and not in_period:
                continue
            c = counts[group or "(none)"]
            c["eligible"] += 1
            if in_period:
                for outcome in ("invited", "held", "declined", "requested"):
                    c[outcome] += outcome in in_period
                c["offered"] += not in_period.isdisjoint(offers)
            nothing_after = len(outcomes) == len(every)  # then this is the next offer
            if cached is not None and nothing_after:
                due_s = cached
            else:
                d = next_due(Facts(birth, hire, None, tuple(outcomes)))
                due_s = d.due_date.isoformat()
                if nothing_after:
                    fresh.add(eid, due_s, d.pending, d.reason, *shown, birth_s, leave_s)
            # The rule set's decide() on the last day, with the next offer known:
            if due_s <= end_s and (leave_s is None or (leave_s > end_s and due_s < leave_s)):
                c["still_due"] += 1
                c["overdue_90"] += (end - fromiso(due_s)).days > OVERDUE_DAYS
            if eligible_from <= end and not any(
                o.outcome in offers and o.date >= eligible_from for o in outcomes
            ):
                c["never_offered"] += 1
        fresh.keep()
    rows = []
    total: Counter = Counter()
    for group in sorted(counts) if by else []:
        rows.append(_coverage_row(group, counts[group]))
    for c in counts.values():
        total.update(c)
    rows.append(_coverage_row(TOTAL, total))
    return rows


def _coverage_row(group: str, c: Counter) -> dict:
    row: dict[str, object] = {"group": group}
    row.update({k: c[k] for k in COVERAGE_COUNTS})
    row["offered"] = c["offered"]
    row["held_rate"] = _rate(c["held"], c["eligible"])
    row["declined_rate"] = _rate(c["declined"], c["offered"])
    return row


AGE_BANDS = [(lo, lo + 4) for lo in range(15, 70, 5)] + [(70, 200)]


def band_label(lo: int, hi: int) -> str:
    return f"{lo}+" if hi >= 200 else f"{lo}-{hi}"


BAND_LABELS = [band_label(lo, hi) for lo, hi in AGE_BANDS]


def _current(conn: sqlite3.Connection, as_of: date, by: str | None):
    sql = (f"SELECT {_group_sql(by)}, e.birth_date FROM employee e "
           "WHERE e.leave_date IS NULL OR e.leave_date > ?")
    for group, birth in conn.execute(sql, (as_of.isoformat(),)):
        yield group or "(none)", date.fromisoformat(birth)


def ages(conn: sqlite3.Connection, as_of: date, by: str | None = None) -> list[dict]:
    """Per group (and the total): employees per 5-year band, share 55+ and 60+, median age."""
    per_group: dict[str, list[int]] = defaultdict(list)
    for group, birth in _current(conn, as_of, by):
        per_group[group].append(age_on(birth, as_of))
    everyone = [a for values in per_group.values() for a in values]
    groups = [(g, per_group[g]) for g in sorted(per_group)] if by else []
    return [_age_row(g, values) for g, values in [*groups, (TOTAL, everyone)]]


def _age_row(group: str, values: list[int]) -> dict:
    n = len(values)
    row: dict[str, object] = {
        "group": group, "employees": n,
        "median_age": statistics.median(values) if values else None,
        "share_55_plus": _rate(sum(a >= 55 for a in values), n),
        "share_60_plus": _rate(sum(a >= 60 for a in values), n),
    }
    bands = Counter()
    for a in values:
        for lo, hi in AGE_BANDS:
            if lo <= a <= hi:
                bands[band_label(lo, hi)] += 1
                break
        else:
            bands["under 15"] += 1
    row.update({label: bands[label] for label in BAND_LABELS})
    return row


def retirements(conn: sqlite3.Connection, as_of: date, years: int = 10,
                by: str | None = None) -> list[dict]:
    """For each calendar year from the as-of year: current employees reaching state pension age
    (from the as-of date on), and the cumulative share of today's staff. Year 0 lists those
    already at or past it."""
    per_group: dict[str, list[date]] = defaultdict(list)
    for group, birth in _current(conn, as_of, by):
        per_group[group].append(pension_date(birth))
    everyone = [d for values in per_group.values() for d in values]
    groups = [(g, per_group[g]) for g in sorted(per_group)] if by else []
    rows = []
    for group, dates in [*groups, (TOTAL, everyone)]:
        staff = len(dates)
        already = sum(d < as_of for d in dates)
        by_year = Counter(d.year for d in dates if d >= as_of)
        rows.append({"group": group, "year": "already", "reaching": already,
                     "cumulative": already, "cumulative_share": _rate(already, staff),
                     "staff": staff})
        cumulative = 0
        for year in range(as_of.year, as_of.year + years):
            cumulative += by_year[year]
            rows.append({"group": group, "year": year, "reaching": by_year[year],
                         "cumulative": cumulative, "cumulative_share": _rate(cumulative, staff),
                         "staff": staff})
    return rows
