"""Dates: parsing the formats Danish payroll files use, ages, anniversaries.

Pure functions: nothing here reads the clock.

Interpretation (domain.md, "Rules common to all rule sets"): someone born on 29 February turns a
year older on 1 March in a common year. The same convention is used for every anniversary
(``add_months``): a day that does not exist in the target month rolls forward to the first day
of the next month, so 12 months after 2024-02-29 is 2025-03-01.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from seniorcli.i18n import _

#: SD Løn and others write open-ended end dates as 9999-12-31, meaning "no end".
OPEN_END = date(9999, 12, 31)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DANISH = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
# Excel exports often append a midnight time: "1971-05-03 00:00:00".
_MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")


class DateFormatError(ValueError):
    """The text is not a date in one of the accepted formats (the message says why)."""


def parse_date(text: str) -> date:
    """Parse a date written as YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY, DD/MM/YYYY or DDMMYYYY.

    Never month-first. Raises DateFormatError with a short reason.
    """
    s = _MIDNIGHT.sub("", text.strip())
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DANISH.match(s) or _COMPACT.match(s)
        if not m:
            raise DateFormatError(_("is not a date"))
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateFormatError(_("is not a date (no such day)")) from None


def birthday(birth: date, age: int) -> date:
    """The date on which someone born on ``birth`` turns ``age`` (29 February → 1 March)."""
    return add_months(birth, 12 * age)


def add_months(d: date, months: int) -> date:
    """``d`` plus a number of months; a day missing in the target month rolls to the 1st of the
    next month (29 February + 12 months = 1 March), matching how ages are counted."""
    total = d.year * 12 + (d.month - 1) + months
    y, m = divmod(total, 12)
    m += 1
    try:
        return date(y, m, d.day)
    except ValueError:
        return date(y + (m == 12), m % 12 + 1, 1)


def age_on(birth: date, on: date) -> int:
    """Completed years on ``on``. Born 29 February: a year older on 1 March in a common year."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def jan1(year: int) -> date:
    return date(year, 1, 1)


def day_before(d: date) -> date:
    return d - timedelta(days=1)


def from_iso(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None
