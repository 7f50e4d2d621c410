"""Senior days (seniordage), municipal area: a table a municipality can adjust.

From the calendar year the employee turns 60: 2 days; 61: 3 days; 62 and later: 4 days a year.
Each day may be converted: 0.47 % of annual pay as a bonus or 0.4 % as pension, with notice by
1 October of the year before. Sources: kost.dk "Spørgsmål om seniordage", dlf.org "Seniordage i
kommunen" (domain.md, "Senior days"). Some staff groups differ (FOA areas start at 58), so the
table can be replaced by a TOML file::

    days_from_age = { 58 = 2, 60 = 3, 62 = 4 }
    bonus_pct_per_day = 0.47
    pension_pct_per_day = 0.4
    source = "FOA-område, lokal aftale"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seniorcli.errors import InputFileError
from seniorcli.i18n import _

SOURCE = ("Rammeaftale om seniorpolitik, seniordage (kost.dk 'Spørgsmål om seniordage'; "
          "dlf.org 'Seniordage i kommunen')")


@dataclass(frozen=True)
class SeniorDaysTable:
    days_from_age: tuple[tuple[int, int], ...] = ((60, 2), (61, 3), (62, 4))
    bonus_pct_per_day: float = 0.47
    pension_pct_per_day: float = 0.4
    source: str = SOURCE

    def days(self, age_turned: int) -> int:
        """Days for a calendar year in which the employee turns ``age_turned``."""
        days = 0
        for age, n in sorted(self.days_from_age):
            if age_turned >= age:
                days = n
        return days

    @property
    def first_age(self) -> int:
        return min(age for age, _ in self.days_from_age)


DEFAULT = SeniorDaysTable()


def entitlement(table: SeniorDaysTable, birth: date, year: int) -> dict | None:
    """Days and conversion values for ``year``, or None below the first age."""
    turns = year - birth.year
    days = table.days(turns)
    if not days:
        return None
    return {
        "turns": turns, "days": days,
        "bonus_pct_of_pay": round(days * table.bonus_pct_per_day, 2),
        "pension_pct_of_pay": round(days * table.pension_pct_per_day, 2),
        "conversion_notice_by": date(year - 1, 10, 1),
    }


def load_table(path: Path) -> SeniorDaysTable:
    from seniorcli.tomlfile import read_toml

    where = str(path)
    data = read_toml(path, InputFileError)
    known = {"days_from_age", "bonus_pct_per_day", "pension_pct_per_day", "source"}
    for key in data:
        if key not in known:
            raise InputFileError(_("{where}: unknown key '{key}'")
                .format(where=where, key=key),
                hint=_("keys: {keys}").format(keys=", ".join(sorted(known))))
    raw = data.get("days_from_age")
    if not isinstance(raw, dict) or not raw:
        raise InputFileError(_("{where}: key 'days_from_age' must be a table like "
                             "{{ 60 = 2, 61 = 3, 62 = 4 }}").format(where=where))
    pairs = []
    for age, days in raw.items():
        if not age.isdigit() or isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise InputFileError(_("{where}: key 'days_from_age': '{age} = {days}' is not "
                                 "age = whole number of days")
                                     .format(where=where, age=age, days=days))
        pairs.append((int(age), days))
    rates = {}
    for key in ("bonus_pct_per_day", "pension_pct_per_day"):
        v = data.get(key, getattr(DEFAULT, key))
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 100:
            raise InputFileError(_("{where}: key '{key}' must be a percentage, not {v!r}")
                .format(where=where, key=key, v=v))
        rates[key] = float(v)
    return SeniorDaysTable(tuple(sorted(pairs)), source=str(data.get("source", where)), **rates)
