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

from seniorcli.i18n import _

_SEPARATORS = re.compile(r"[\s-]")
# What people type between the date and the serial number: nothing, a dash or spaces.
_GAP = r"(?:[ \t\u00a0]*-[ \t\u00a0]*|[ \t\u00a0]+)?"
# Ten digits (DDMMYY-SSSS, DDMMYYSSSS, DDMMYY SSSS): anything that looks like a full CPR number,
# masked whatever its date part. Nine digits (the leading zero a spreadsheet dropped: DMMYYSSSS)
# only when they read as a day 1-9 and a month 01-12, so that most nine-digit ids stay readable.
_CPR_LIKE = re.compile(
    rf"(?<!\d)(\d{{6}}){_GAP}(\d{{4}})(?!\d)"
    rf"|(?<!\d)([1-9](?:0[1-9]|1[0-2])\d\d){_GAP}(\d{{4}})(?!\d)"
)


# A whole cell written as a CPR number (for looks_like_cpr): DDMMYY-SSSS, DDMMYYSSSS,
# DDMMYY SSSS, or with the leading zero a spreadsheet dropped (9 digits).
_CPR_CELL = re.compile(r"^\d{5,6}[ \t\u00a0]*-?[ \t\u00a0]*\d{4}$")


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
        raise CprError(_("is not a CPR number (10 digits, DDMMYY-SSSS)"))
    try:
        return get_birth_date(number)
    except ValidationError:
        raise CprError(_("is not a CPR number (no such birth date)")) from None


def looks_like_cpr(text: str) -> bool:
    """Whether a cell that should be something else (an employee id, a note) is a CPR number:
    written in one of its forms, and its first six digits a real birth date. Payroll numbers
    of up to 8 digits never are; a 9- or 10-digit number that is not a date is not either."""
    s = text.strip()
    if len(s) < 9 or len(s) > 16 or not _CPR_CELL.match(s):
        return False
    try:
        birth_date_from_cpr(s)
    except CprError:
        return False
    return True


def contains_cpr(text: str) -> bool:
    """Whether free text (a note) holds something written like a full CPR number."""
    return any(looks_like_cpr(m[0]) for m in _CPR_LIKE.finditer(text))


def mask(text: str) -> str:
    """Show at most the date part: '0102031234' → '010203-XXXX'. Never the last four digits."""
    number = normalise(text)
    if number.isdigit() and len(number) >= 10:
        return f"{number[:6]}-XXXX"
    raw = text.strip()
    keep = raw[: max(0, min(6, len(raw) - 4))]  # the last four characters are never shown
    return keep + "X" * (len(raw[:11]) - len(keep))


def redact(text: str) -> str:
    """Mask anything in free text that looks like a full CPR number, in any of the forms people
    write one: '010170-1234', '0101701234', '010170 1234' and '101701234' (the leading zero
    lost) all become '010170-XXXX'."""
    return _CPR_LIKE.sub(lambda m: f"{m[1]}-XXXX" if m[1] else f"0{m[3]}-XXXX", text)
