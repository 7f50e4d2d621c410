"""CPR numbers (CPR-nummer): birth date from the number, and masking for messages.

domain.md, "CPR numbers": DDMMYY-SSSS, dash optional; the 7th digit gives the century; the
modulus-11 check is not valid for all numbers issued since 2007 and is not required;
spreadsheets drop the leading zero (9 digits: pad to 10). A CPR number is never stored and never
printed in full: messages show DDMMYY-XXXX.

The century rule is python-stdnum's ``stdnum.dk.cpr.get_birth_date``, which implements exactly
the table in domain.md (0–3 → 19YY; 4, 9 → 20YY if YY ≤ 36 else 19YY; 5–8 → 20YY if YY ≤ 57
else 18YY). We do not call its ``validate``: that reads today's date.
"""

from __future__ import annotations

import re
from datetime import date

_SEPARATORS = re.compile(r"[\s-]")
# Ten digits with an optional dash after the sixth: anything that looks like a full CPR number.
_CPR_LIKE = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")


class CprError(ValueError):
    """Not a usable CPR number."""


def normalise(text: str) -> str:
    """Digits only, 9-digit numbers padded with the leading zero Excel dropped."""
    digits = _SEPARATORS.sub("", text.strip())
    if len(digits) == 9 and digits.isdigit():
        digits = "0" + digits
    return digits


def birth_date_from_cpr(text: str) -> date:
    """The birth date encoded in a CPR number (DDMMYY-SSSS, dash optional, 9 or 10 digits)."""
    # Imported here: python-stdnum costs ~25 ms and several MB, and most rosters have no CPR.
    from stdnum.dk.cpr import get_birth_date
    from stdnum.exceptions import ValidationError

    number = normalise(text)
    if len(number) != 10 or not number.isdigit():
        raise CprError("is not a CPR number (10 digits, DDMMYY-SSSS)")
    try:
        return get_birth_date(number)
    except ValidationError:
        raise CprError("is not a CPR number (no such birth date)") from None


def mask(text: str) -> str:
    """Show at most the date part: '0102031234' → '010203-XXXX'. Never the last four digits."""
    number = normalise(text)
    if number.isdigit() and len(number) >= 10:
        return f"{number[:6]}-XXXX"
    raw = text.strip()
    keep = raw[: max(0, min(6, len(raw) - 4))]  # the last four characters are never shown
    return keep + "X" * (len(raw[:11]) - len(keep))


def redact(text: str) -> str:
    """Mask anything in free text that looks like a full CPR number."""
    return _CPR_LIKE.sub(lambda m: f"{m[1]}-XXXX", text)
