"""Reading numbers the way Danish users and payroll files write them: amounts in kroner and
weekly hours. Pure functions: used by the options of ``agreement add`` and by the roster's
weekly_hours column, so that an option and a file cell mean the same.

The rules (README, "Amounts and hours the Danish way"):

- **Amounts (kroner)**: ``,`` is the decimal comma and ``.`` groups thousands, as in Danish:
  ``85.000`` = 85000, ``85.000,50`` = ``85000,50`` = 85000.5. A dot followed by one or two
  digits is a decimal point (``85000.50`` = 85000.5: øre have two digits, so it cannot be a
  thousands dot); with both marks the last one is the decimal mark (``85,000.50`` = 85000.5).
  Thousands may also be grouped with spaces (``85 000``), and ``kr``/``kr.``/``DKK`` may follow.
  Refused as ambiguous: a single comma followed by three digits (``1,234``: English for 1234 or
  Danish for 1.234 kr?) and more than two decimals. A dot followed by three digits is always a
  thousands dot (``1.234`` = 1234), which is how Danish writes kroner.
- **Hours**: a weekly number of hours is never 1,000 or more, so ``.`` and ``,`` are both the
  decimal mark (``37,5`` = ``37.5`` = 37.5) and there is no thousands grouping.
- **Everywhere**: digits only (no ``1e3``, ``inf``, ``nan``, no sign), one decimal mark, and a
  sane size: an amount at most 10,000,000 kr, hours at most 80 a week.
"""

from __future__ import annotations

import math
import re

from seniorcli.i18n import _

MAX_AMOUNT = 10_000_000
MAX_HOURS = 80

_AMOUNT_SUFFIX = re.compile(r"\s*(kr\.?|dkk)\s*$", re.IGNORECASE)
# Spaces people and spreadsheets put between groups of thousands (also no-break and thin).
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_GROUPED = re.compile(r"^\d{1,3}(?:[.]\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_GROUPED_SPACE = re.compile(r"^\d{1,3}(?: \d{3})+$")


class NumberError(ValueError):
    """Not a number this field accepts; the message says why and gives an example."""


def _plain(text: str, example: str) -> str:
    s = text.strip()
    if not s:
        raise NumberError(_("is empty; write a number, e.g. {example}").format(example=example))
    if s[0] in "+-":
        raise NumberError(_("must not have a sign; write e.g. {example}").format(example=example))
    if not all(c.isdigit() and c.isascii() or c in ".," or _SPACES.match(c) for c in s):
        raise NumberError(_("is not a number; write e.g. {example}").format(example=example))
    return s


def _too_much(kind: str) -> NumberError:
    """"is more than 10.000.000 kr; write e.g. …" (``kind`` "amount") or "… 80 hours a
    week …" (hours), in the reader's language."""
    if kind == "amount":
        return NumberError(_("is more than 10.000.000 kr; write e.g. {example}")
                           .format(example=_amount_example()))
    return NumberError(_("is more than {MAX_HOURS} hours a week; write e.g. {example}")
                       .format(MAX_HOURS=MAX_HOURS, example=_hours_example()))


def _checked(value: float, maximum: float, kind: str) -> float:
    if not math.isfinite(value) or value > maximum:
        raise _too_much(kind)
    return value


def _amount_example() -> str:
    return _("85.000 or 85000,50")


def _hours_example() -> str:
    return _("37 or 37,5")


def parse_amount(text: str) -> float:
    """An amount in kroner, Danish style: '85.000' → 85000.0, '85.000,50' → 85000.5,
    '85000,50' → 85000.5, '85000.50' → 85000.5. Raises NumberError."""
    example = _amount_example()
    s = _plain(_AMOUNT_SUFFIX.sub("", text), example)
    s = " ".join(_SPACES.split(s)).strip()
    if " " in s:  # digits grouped with spaces: '85 000' or '85 000,50'
        whole, mark, frac = s.partition(",") if "," in s else s.partition(".")
        if not _GROUPED_SPACE.match(whole) or (mark and " " in frac):
            raise NumberError(_("is not a number (spaces only between groups of three digits); "
                              "write e.g. {example}").format(example=example))
        if mark and len(frac) == 3 and mark == ".":
            raise NumberError(_("mixes spaces and '.' as thousands marks; write e.g. {example}")
                .format(example=example))
        s = whole.replace(" ", "") + (("," + frac) if mark else "")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        # Both marks: the last one is the decimal mark, the other groups thousands.
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _sep, frac = s.rpartition(decimal)
        pattern = _GROUPED if group == "." else _GROUPED_COMMA
        if not pattern.match(whole) or not frac:
            raise NumberError(_("is not a number (thousands in groups of three, then one "
                              "decimal mark); write e.g. {example}").format(example=example))
        whole = whole.replace(group, "")
    elif commas:
        if commas > 1:
            if not _GROUPED_COMMA.match(s):
                raise NumberError(_("is not a number; write e.g. {example}")
                    .format(example=example))
            whole, frac = s.replace(",", ""), ""
        else:
            whole, _sep, frac = s.partition(",")
            if len(frac) == 3:
                raise NumberError(
                    _("is ambiguous: {whole}{frac} kr written the English way, or {whole},{frac} "
                    "kr? Write {whole}.{frac} or {whole}{frac} for {whole}{frac} kr; øre take "
                    "two decimals, e.g. {whole},{frac2}")
                        .format(whole=whole, frac=frac, frac2=frac[:2]))
    elif dots:
        if dots > 1 or len(s.rpartition(".")[2]) == 3:
            if not _GROUPED.match(s):
                raise NumberError(_("is not a number (a '.' groups thousands in groups of three); "
                                  "write e.g. {example}").format(example=example))
            whole, frac = s.replace(".", ""), ""
        else:
            whole, _sep, frac = s.partition(".")  # 1 or 2 digits after a dot: decimal point
    else:
        whole, frac = s, ""
    if not whole or (frac and not frac.isdigit()) or not whole.isdigit():
        raise NumberError(_("is not a number; write e.g. {example}").format(example=example))
    if len(frac) > 2:
        raise NumberError(_("has more than two decimals (kroner have øre: two); "
                          "write e.g. {example}").format(example=example))
    if len(whole) > 12:
        raise _too_much("amount")
    value = float(f"{whole}.{frac or 0}")
    return _checked(value, MAX_AMOUNT, "amount")


def parse_hours(text: str) -> float:
    """Weekly hours: '37' → 37.0, '37,5' and '37.5' → 37.5; 0 to 80. Raises NumberError."""
    s = text.strip()
    if s.isdigit() and s.isascii() and len(s) <= 3:  # the common case: whole hours
        return _checked(float(int(s)), MAX_HOURS, "hours")
    example = _hours_example()
    s = _plain(s, example)
    if s.count(".") + s.count(",") > 1 or _SPACES.search(s):
        raise NumberError(_("is not a number of hours (one decimal mark, no thousands); "
                          "write e.g. {example}").format(example=example))
    whole, _sep, frac = s.replace(",", ".").partition(".")
    if not whole.isdigit() and not (whole == "" and frac):
        raise NumberError(_("is not a number; write e.g. {example}").format(example=example))
    if (frac and not frac.isdigit()) or (not frac and s[-1:] in ".,"):
        raise NumberError(_("is not a number; write e.g. {example}").format(example=example))
    if len(whole) > 3:
        raise _too_much("hours")
    return _checked(float(f"{whole or 0}.{frac or 0}"), MAX_HOURS, "hours")

