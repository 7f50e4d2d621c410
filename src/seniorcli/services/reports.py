"""Figures for HR and the works council (Hovedudvalg): coverage, age profile, retirements.

Definitions (also printed with the reports). Every figure is decided by the rule set's one
definition of "due on date D" (rules/base.py), from what was logged up to the day asked about.

coverage, for a period [start, end] and a rule set:
  eligible       due on some day of the period (whatever their age: requests included), or
                 with an outcome logged in the period, in their current employment
  invited, held, declined, requested
                 eligible employees with at least one such outcome dated in the period
  offered        eligible employees invited, held or declined in the period
  still_due      listed as due by `due --as-of END` with a due date inside the period
  due_before     listed as due by `due --as-of END` with a due date before the period
                 (still_due + due_before = the due list as of END)
  overdue_90     listed as due by `due --as-of END`, due more than 90 days before ``end``
  never_offered  staff on ``end``, eligible, and never invited, held or declined in their
                 current employment up to ``end``
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
from seniorcli.rules.base import Facts, RuleSet, in_employment, is_staff
from seniorcli.services.due import STAFF_ON_AS_OF, outcomes_from, packed_outcomes

OVERDUE_DAYS = 90
TOTAL = "Total"
COVERAGE_COUNTS = ("eligible", "invited", "held", "declined", "requested", "still_due",
                   "due_before", "overdue_90", "never_offered")


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
    """One row per group (sorted), then the total row."""
    start, end = period.start, period.end
    # Employed at some time in the period, and old enough to be due by its end or with an
    # outcome up to its end (a request, or an outcome that makes them eligible).
    columns = (f"SELECT e.employee_id, {_group_sql(by)}, e.birth_date, e.hire_date, "
               f"e.leave_date, {packed_outcomes('end')} FROM employee e WHERE "
               "(e.hire_date IS NULL OR e.hire_date <= :end) "
               "AND (e.leave_date IS NULL OR e.leave_date > :start)")
    sql = (f"{columns} AND e.birth_date <= :cutoff UNION ALL {columns} "
           "AND e.birth_date > :cutoff AND e.employee_id IN (SELECT employee_id "
           "FROM conversation WHERE date <= :end)")
    counts: dict[str, Counter] = defaultdict(Counter)
    args = {"start": start.isoformat(), "end": end.isoformat(),
            "cutoff": rules.latest_birth_due_by(end).isoformat()}
    fromiso, decide, due_during = date.fromisoformat, rules.decide, rules.due_during
    offers = ("invited", "held", "declined")
    for _eid, group, birth_s, hire_s, leave_s, packed in conn.execute(sql, args):
        hire = fromiso(hire_s) if hire_s else None
        facts = Facts(fromiso(birth_s), hire, fromiso(leave_s) if leave_s else None,
                      outcomes_from(packed))
        # Outcomes of the current employment, up to the end of the period.
        mine = [o for o in facts.outcomes if in_employment(o.date, hire, facts.leave_date)]
        in_period = {o.outcome for o in mine if o.date >= start}
        on_end = decide(facts, end)  # due on the last day: then due during the period
        if not in_period and on_end is None and not due_during(facts, start, end):
            continue
        c = counts[group or "(none)"]
        c["eligible"] += 1
        for outcome in ("invited", "held", "declined", "requested"):
            c[outcome] += outcome in in_period
        c["offered"] += not in_period.isdisjoint(offers)
        if on_end is not None:
            c["still_due" if on_end.due_date >= start else "due_before"] += 1
            c["overdue_90"] += (end - on_end.due_date).days > OVERDUE_DAYS
        if is_staff(hire, facts.leave_date, end) and not any(
                o.outcome in offers for o in mine):
            c["never_offered"] += 1
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
    sql = f"SELECT {_group_sql(by)}, e.birth_date FROM employee e WHERE {STAFF_ON_AS_OF}"
    for group, birth in conn.execute(sql, {"as_of": as_of.isoformat()}):
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
        "median_age": float(statistics.median(values)) if values else None,
        "share_55_plus": _rate(sum(a >= 55 for a in values), n),
        "share_60_plus": _rate(sum(a >= 60 for a in values), n),
    }
    bands: Counter[str] = Counter()
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
