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

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from seniorcli.dates import add_months, age_on
from seniorcli.db import Db
from seniorcli.db import reports as db
from seniorcli.pension import AGE_BANDS, BAND_LABELS, band_label, pension_date
from seniorcli.rules.base import Facts, RuleSet, in_employment, is_staff
from seniorcli.services.due import outcomes_from

OVERDUE_DAYS = 90
TOTAL = "Total"
COVERAGE_COUNTS = ("eligible", "invited", "held", "declined", "requested", "still_due",
                   "due_before", "overdue_90", "never_offered")


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


def coverage(conn: Db, rules: RuleSet, period: Period,
             by: str | None = None) -> list[dict]:
    """One row per group (sorted), then the total row."""
    return _coverage_counts(conn, rules, period, (by,))[by]


def _coverage_counts(conn: Db, rules: RuleSet, period: Period,
                     bys: tuple[str | None, ...]) -> dict[str | None, list[dict]]:
    """coverage() for several groupings (None: the total only) in one pass over the staff."""
    start, end = period.start, period.end
    # Per grouping: how many employees of each group share one combination of figures (one
    # dict update per employee and grouping; a Counter per employee cost 0.5 s at 500,000).
    tallies: dict[str | None, dict[tuple, int]] = {by: defaultdict(int) for by in bys}
    fromiso, decide, due_during = date.fromisoformat, rules.decide, rules.due_during
    offers = ("invited", "held", "declined")
    # Employed at some time in the period, and old enough to be due by its end or with an
    # outcome up to its end (a request, or an outcome that makes them eligible).
    candidates = db.coverage_candidates(conn, start, end, rules.latest_birth_due_by(end))
    for _eid, department, manager, birth_s, hire_s, leave_s, packed in candidates:
        hire = fromiso(hire_s) if hire_s else None
        facts = Facts(fromiso(birth_s), hire, fromiso(leave_s) if leave_s else None,
                      outcomes_from(packed))
        # Outcomes of the current employment, up to the end of the period.
        mine = [o for o in facts.outcomes if in_employment(o.date, hire, facts.leave_date)]
        in_period = {o.outcome for o in mine if o.date >= start}
        on_end = decide(facts, end)  # due on the last day: then due during the period
        if not in_period and on_end is None and not due_during(facts, start, end):
            continue
        flags = (
            "invited" in in_period, "held" in in_period, "declined" in in_period,
            "requested" in in_period, not in_period.isdisjoint(offers),
            on_end is not None and on_end.due_date >= start,
            on_end is not None and on_end.due_date < start,
            on_end is not None and (end - on_end.due_date).days > OVERDUE_DAYS,
            is_staff(hire, facts.leave_date, end) and not any(o.outcome in offers
                                                               for o in mine),
        )
        for by, tally in tallies.items():
            group = department if by == "department" else manager if by == "manager" else None
            tally[(group or "(none)", flags)] += 1
    counts: dict[str | None, dict[str, Counter]] = {by: defaultdict(Counter) for by in bys}
    for by, tally in tallies.items():
        for (group, flags), n in tally.items():
            c = counts[by][group]
            c["eligible"] += n
            for name, flag in zip(_FLAGS, flags, strict=True):
                if flag:
                    c[name] += n
    result = {}
    for by, groups in counts.items():
        rows = [_coverage_row(group, groups[group]) for group in sorted(groups)] if by else []
        total: Counter = Counter()
        for c in groups.values():
            total.update(c)
        rows.append(_coverage_row(TOTAL, total))
        result[by] = rows
    return result


#: The figures counted per employee after "eligible", in the order of coverage's flags.
_FLAGS = ("invited", "held", "declined", "requested", "offered", "still_due", "due_before",
          "overdue_90", "never_offered")


def _coverage_row(group: str, c: Counter) -> dict:
    row: dict[str, object] = {"group": group}
    row.update({k: c[k] for k in COVERAGE_COUNTS})
    row["offered"] = c["offered"]
    row["held_rate"] = _rate(c["held"], c["eligible"])
    row["declined_rate"] = _rate(c["declined"], c["offered"])
    return row




def _current(conn: Db, as_of: date, by: str | None):
    for group, birth in db.staff_births(conn, as_of, by):
        yield group or "(none)", date.fromisoformat(birth)


def ages(conn: Db, as_of: date, by: str | None = None) -> list[dict]:
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


def retirements(conn: Db, as_of: date, years: int = 10,
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
        rows += _retirement_rows(group, dates, as_of, years)
    return rows


def _retirement_rows(group: str, dates: list[date], as_of: date, years: int) -> list[dict]:
    staff = len(dates)
    already = sum(d < as_of for d in dates)
    by_year = Counter(d.year for d in dates if d >= as_of)
    rows: list[dict] = [{"group": group, "year": "already", "reaching": already,
                         "cumulative": already, "cumulative_share": _rate(already, staff),
                         "staff": staff}]
    cumulative = 0
    for year in range(as_of.year, as_of.year + years):
        cumulative += by_year[year]
        rows.append({"group": group, "year": year, "reaching": by_year[year],
                     "cumulative": cumulative, "cumulative_share": _rate(cumulative, staff),
                     "staff": staff})
    return rows


# The works council's report (Hovedudvalget): the figures above per department and per manager,
# for the as-of date and for the same date some years earlier, plus the senior agreements.

#: The works council (Hovedudvalg) discusses senior policy every second year (foa.dk; domain.md,
#: "Ages used elsewhere"), so by default the report sets its figures beside those of the same
#: period two years earlier: what the council saw at its previous discussion.
PREVIOUS_YEARS = 2
#: "Reach state pension age within N years": from the as-of date to the day before its N-th
#: anniversary. 10 is KL's "almost one in five within 10 years"
#: (seeds/kl-seniorpartnerskabet-vaerktoejer.txt).
OUTLOOK_YEARS = (5, 10)
GROUPINGS = ("department", "manager")


def years_before(d: date, years: int) -> date:
    """The same day ``years`` earlier (29 February → 1 March, as ages are counted)."""
    return add_months(d, -12 * years)


@dataclass(frozen=True)
class Snapshot:
    """The report's figures on one day. Each dict maps a grouping (department, manager) to rows
    sorted by group, the total row last."""

    as_of: date
    period: Period | None  # the coverage period; None without a rule set
    coverage: dict[str, list[dict]] | None  # coverage() rows
    ages: dict[str, list[dict]]  # ages() rows
    outlook: dict[str, list[dict]]  # staff, already, within_5/10 and their shares
    per_year: list[dict]  # retirements() rows of the whole organisation
    agreements: dict[str, list[dict]]  # also "type": running agreements per type


@dataclass(frozen=True)
class CouncilReport:
    now: Snapshot
    previous: Snapshot
    years_between: int
    manager_names: dict[str, str]  # manager id → the name the roster gives that employee


def council_report(conn: Db, rules: RuleSet | None, as_of: date,
                   period: Period | None, years_between: int = PREVIOUS_YEARS) -> CouncilReport:
    """Everything ``report --output x.html`` shows, now and ``years_between`` years earlier
    (the same coverage period shifted by as many years)."""
    before = None if period is None else Period(years_before(period.start, years_between),
                                                years_before(period.end, years_between))
    with db.one_snapshot(conn):
        return CouncilReport(
            _snapshot(conn, rules, as_of, period),
            _snapshot(conn, rules, years_before(as_of, years_between), before),
            years_between, manager_names(conn))


def _snapshot(conn: Db, rules: RuleSet | None, as_of: date,
              period: Period | None) -> Snapshot:
    cover = None
    if rules is not None and period is not None:
        counts = _coverage_counts(conn, rules, period, GROUPINGS)
        cover = {by: counts[by] for by in GROUPINGS}
    ages_by, outlook_by, per_year = _staff_figures(conn, as_of)
    return Snapshot(as_of, period, cover, ages_by, outlook_by, per_year,
                    agreements_running(conn, as_of))


def _staff_figures(conn: Db, as_of: date):
    """ages() and the retirement outlook per department and per manager, in one pass."""
    ages_of: dict[str, dict[str, list[int]]] = {by: defaultdict(list) for by in GROUPINGS}
    pension_of: dict[str, dict[str, list[date]]] = {by: defaultdict(list) for by in GROUPINGS}
    for department, manager, birth_s in db.staff_births_by_both(conn, as_of):
        birth = date.fromisoformat(birth_s)
        age, reaches = age_on(birth, as_of), pension_date(birth)
        for by, group in (("department", department), ("manager", manager)):
            ages_of[by][group or "(none)"].append(age)
            pension_of[by][group or "(none)"].append(reaches)
    everyone_ages = [a for values in ages_of["department"].values() for a in values]
    everyone_dates = [d for values in pension_of["department"].values() for d in values]
    ages_by = {by: [*(_age_row(g, ages_of[by][g]) for g in sorted(ages_of[by])),
                    _age_row(TOTAL, everyone_ages)] for by in GROUPINGS}
    outlook_by = {by: [*(_outlook_row(g, pension_of[by][g], as_of) for g in sorted(pension_of[by])),
                       _outlook_row(TOTAL, everyone_dates, as_of)] for by in GROUPINGS}
    return ages_by, outlook_by, _retirement_rows(TOTAL, everyone_dates, as_of, 10)


def _outlook_row(group: str, dates: list[date], as_of: date) -> dict:
    staff, already = len(dates), sum(d < as_of for d in dates)
    row: dict[str, object] = {"group": group, "staff": staff, "already": already,
                              "share_already": _rate(already, staff)}
    for years in OUTLOOK_YEARS:
        until = add_months(as_of, 12 * years)
        n = sum(as_of <= d < until for d in dates)
        row[f"within_{years}"], row[f"share_{years}"] = n, _rate(n, staff)
    return row


def agreements_running(conn: Db, on: date) -> dict[str, list[dict]]:
    """Senior agreements running on ``on`` (started on or before it, ending on or after it or
    open-ended; withdrawn ones left out) — those `agreement list --active-on` lists — per type
    (every known type, in the catalogue's order, then any other) and per department and
    manager of the employee."""
    from seniorcli.agreements import TYPES

    per: dict[str, Counter[str]] = {"type": Counter(), **{by: Counter() for by in GROUPINGS}}
    for kind, department, manager, n in db.agreements_running(conn, on):
        per["type"][kind] += n
        per["department"][department or "(none)"] += n
        per["manager"][manager or "(none)"] += n
    known = [t.key for t in TYPES]
    order = {"type": known + sorted(set(per["type"]) - set(known)),
             **{by: sorted(per[by]) for by in GROUPINGS}}
    total = sum(per["type"].values())
    return {key: [*({"group": g, "running": per[key][g]} for g in order[key]),
                  {"group": TOTAL, "running": total}] for key in per}


def manager_names(conn: Db) -> dict[str, str]:
    """Manager id → name: a manager id is an employee id in the roster."""
    return db.manager_names(conn)
