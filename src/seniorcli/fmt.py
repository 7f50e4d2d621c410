"""Dates and numbers as people read them, in the language of the call (``seniorcli.i18n``).

The one formatting module (style.md, "Text people read"). Danish (locale ``da_DK``):

================  ======================  =====================
what              Danish                  English (``en_GB``)
================  ======================  =====================
date in a table   ``01-03-2026``          ``2026-03-01`` (ISO)
date in text      ``1. marts 2026``       ``1 March 2026``
number            ``1.234,5``             ``1,234.5``
amount            ``85.000,00 kr.``       ``DKK 85,000.00``
share (0.371)     ``37,1 %``              ``37.1%``
hours             ``37,5``                ``37.5``
================  ======================  =====================

Machine formats (csv and json for scripts) never come here: they keep ISO dates and plain
numbers. The Danish-Excel CSV writes its own plain forms (DD-MM-YYYY, a decimal comma, no
thousands dots: what Excel reads as a number).

Babel supplies the locale data (decimal and group symbols, where the currency and percent
signs go, month names) and is imported on first use, never at start-up. Numbers are then put
together here with Python's own formatting: a terminal table of 50,000 rows formats several
hundred thousand cells, and Babel's ``format_decimal`` costs about 15 µs a call. The tests
check that the results are Babel's. Spaces are ordinary spaces, not Babel's no-break ones, so
that "37,1 %" is the text a person types and searches for.

Every function also accepts None (and returns ""), so a missing value is an empty cell.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

#: The Babel locale of each language of ``seniorcli.i18n``.
LOCALES = {"da": "da_DK", "en": "en_GB"}
#: What a number column holds (``output.Column.kind``): how it is written and aligned.
NUMBER_KINDS = ("number", "amount", "share", "hours")
CURRENCY = "DKK"


def language() -> str:
    """The language of this call: ``da`` or ``en`` (``seniorcli.i18n`` decides)."""
    from seniorcli.i18n import language as current

    lang = current()
    return lang if lang in LOCALES else "da"


class _Symbols(NamedTuple):
    decimal: str
    group: str
    minus: str
    currency: str  # "kr." / "DKK"
    currency_after: bool  # "85.000,00 kr." / "DKK 85,000.00"
    percent: str  # " %" / "%"


@lru_cache(maxsize=4)
def _symbols(lang: str) -> _Symbols:
    from babel import Locale
    from babel.numbers import (
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
        get_minus_sign_symbol,
    )

    loc = Locale.parse(LOCALES[lang])
    money = loc.currency_formats["standard"].pattern.split(";")[0]
    percent = loc.percent_formats[None].pattern.split(";")[0]
    space = " " if percent.rstrip("%")[-1:].isspace() else ""
    return _Symbols(get_decimal_symbol(loc), get_group_symbol(loc), get_minus_sign_symbol(loc),
                    get_currency_symbol(CURRENCY, loc), money.rstrip().endswith("¤"),
                    space + "%")


def _locale_digits(text: str, s: _Symbols) -> str:
    """Python's "1,234.5" (and "-") in the locale's symbols."""
    if s.group == "," and s.decimal == "." and s.minus == "-":
        return text
    return text.translate({ord(","): s.group, ord("."): s.decimal, ord("-"): s.minus})


def _number(value: float | int, decimals: int, exact: bool, group: bool, s: _Symbols) -> str:
    sep = "," if group else ""
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:{sep}d}" if not exact or not decimals else f"{value:{sep}.{decimals}f}"
    else:
        text = f"{value:{sep}.{decimals}f}"
        if not exact and decimals:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", "-0.0", "-0.00"):
            text = text[1:]
    return _locale_digits(text, s)


# ---- the public forms ---------------------------------------------------------------------

def date_short(d: date | None) -> str:
    """A date in a table: ``01-03-2026`` (Danish) or ``2026-03-01`` (English)."""
    if d is None:
        return ""
    return d.strftime("%d-%m-%Y") if language() == "da" else d.isoformat()


def date_long(d: date | None) -> str:
    """A date in running text and reports: ``1. marts 2026`` / ``1 March 2026``."""
    if d is None:
        return ""
    from babel.dates import format_date

    return format_date(d, "long", locale=LOCALES[language()])


def number(value: float | int | None, decimals: int = 2) -> str:
    """``1.234,5``: grouped thousands, at most ``decimals`` decimals (trailing zeros left
    out; a whole number has none)."""
    if value is None:
        return ""
    return _number(value, decimals, False, True, _symbols(language()))


def amount(value: float | int | None) -> str:
    """Kroner with øre: ``85.000,00 kr.`` / ``DKK 85,000.00``."""
    if value is None:
        return ""
    return _amount(value, _symbols(language()))


def _amount(value: float | int, s: _Symbols) -> str:
    digits = _number(value, 2, True, True, s)
    if s.currency_after:
        return f"{digits} {s.currency}"
    if digits.startswith(s.minus):  # -DKK 3.00, as Babel writes it
        return f"{s.minus}{s.currency} {digits[len(s.minus):]}"
    return f"{s.currency} {digits}"


def share(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.371 → ``37,1 %`` / ``37.1%``."""
    if value is None:
        return ""
    s = _symbols(language())
    return _number(value * 100, decimals, True, True, s) + s.percent


def hours(value: float | int | None) -> str:
    """Weekly hours: ``37,5``, ``30`` (no grouping: never 1,000 or more)."""
    if value is None:
        return ""
    return _number(value, 2, False, False, _symbols(language()))


def formatter(kind: str) -> Callable[[Any], str]:
    """How a column of ``kind`` shows a number (``number``, ``amount``, ``share``, ``hours``;
    ``id`` and any other kind: as it is, so a year in a text column stays ``2026``). Ask once
    per column, not per cell: the language is read when this is called."""
    if kind not in NUMBER_KINDS:
        return str
    s = _symbols(language())
    if kind == "amount":
        return lambda v: _amount(v, s)
    if kind == "share":
        return lambda v: _number(v * 100, 1, True, True, s) + s.percent
    if kind == "hours":
        return lambda v: _number(v, 2, False, False, s)
    return lambda v: _number(v, 2, False, True, s)


def datetime_short(value: str | datetime | None) -> str:
    """A moment (an audit entry's ISO time) in a table: ``30-11-2026 04:14:42`` /
    ``2026-11-30 04:14:42``, in the time zone it was written in (the header says which)."""
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    day = date_formatter()(moment.date())
    return f"{day} {moment:%H:%M:%S}"


def date_formatter() -> Callable[[date], str]:
    """``date_short`` with the language read once (for a whole table)."""
    if language() == "da":
        return _dmy
    return date.isoformat


def _dmy(d: date) -> str:
    # strftime costs three times this on a big table
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
