"""Danish working days: which dates are no working day, and why, in the reader's language.

One place decides it, for every command that shows or proposes a date (due dates,
invitations, agreement ends). The public holidays come from the maintained ``holidays``
package (Denmark, its Danish names): they move every year (Easter) and change by law (Store
Bededag was abolished from 2024), so we do not keep our own list.

**Interpretation** (named in docs/invitations.md and ``rules show``): besides the public
holidays (helligdage) and weekends, the days the municipal working-time agreements give off —
1 May (Arbejdernes kampdag), Constitution Day (Grundlovsdag), Christmas Eve and New Year's
Eve, the package's "optional" category for Denmark — count as days off: no invitation is
proposed on them and they are flagged like holidays.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from seniorcli.i18n import N_, _

#: Weekend days as people read them (Monday = 0).
_WEEKEND = {5: N_("Saturday"), 6: N_("Sunday")}


@cache
def _year(year: int, lang: str) -> dict[date, str]:
    """The days off of one year with their names (``da``: the package's Danish names)."""
    from holidays.countries.denmark import Denmark  # ~40 ms: only for commands that ask

    calendar: Any = Denmark(years=year, language="da" if lang == "da" else "en_US",
                            categories=("public", "optional"))
    return dict(calendar.items())


@cache
def _public(year: int) -> frozenset[date]:
    """The public holidays (helligdage) of one year: the package's "public" category."""
    from holidays.countries.denmark import Denmark

    return frozenset(Denmark(years=year, categories=("public",)))


def is_public_holiday(d: date) -> bool:
    """A public holiday (helligdag), as against a weekend or an agreed day off (fridag)."""
    return 1900 <= d.year <= 2199 and d in _public(d.year)


def holiday_name(d: date) -> str | None:
    """The name of the public holiday or agreed day off on ``d``, or None."""
    from seniorcli.i18n import language

    if not 1900 <= d.year <= 2199:
        return None
    return _year(d.year, language()).get(d)


def day_off(d: date | None) -> str | None:
    """Why ``d`` is no working day, as people read it ("Juledag", "lørdag"), or None for a
    working day (and for no date). A holiday on a weekend is named by the holiday."""
    if d is None:
        return None
    name = holiday_name(d)
    if name is not None:
        return name
    weekend = _WEEKEND.get(d.weekday())
    return _(weekend) if weekend else None


def is_working_day(d: date) -> bool:
    return day_off(d) is None


def next_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the first working day after it."""
    while day_off(d) is not None:
        d += timedelta(days=1)
    return d
