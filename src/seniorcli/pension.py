"""State pension age (folkepensionsalder) by birth date, kept as data.

Source: Lov om social pension § 1 a (domain.md, "State pension age"). The 2025 act raised the
age to 70 for those born 1971 or later; later cohorts may be raised again, so this is a table:
add a row, change no code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seniorcli.dates import add_months

SOURCE = "Lov om social pension § 1 a (som ændret i 2025)"


@dataclass(frozen=True)
class PensionBand:
    born_from: date  # inclusive
    born_to: date  # inclusive
    age_months: int  # state pension age in months


PENSION_TABLE: tuple[PensionBand, ...] = (
    PensionBand(date(1, 1, 1), date(1953, 12, 31), 65 * 12),
    PensionBand(date(1954, 1, 1), date(1954, 6, 30), 65 * 12 + 6),
    PensionBand(date(1954, 7, 1), date(1954, 12, 31), 66 * 12),
    PensionBand(date(1955, 1, 1), date(1955, 6, 30), 66 * 12 + 6),
    PensionBand(date(1955, 7, 1), date(1962, 12, 31), 67 * 12),
    PensionBand(date(1963, 1, 1), date(1966, 12, 31), 68 * 12),
    PensionBand(date(1967, 1, 1), date(1970, 12, 31), 69 * 12),
    PensionBand(date(1971, 1, 1), date(9999, 12, 31), 70 * 12),
)


def pension_age_months(birth: date, table: tuple[PensionBand, ...] = PENSION_TABLE) -> int:
    for band in table:
        if band.born_from <= birth <= band.born_to:
            return band.age_months
    raise ValueError(f"no state pension age for birth date {birth}")


def pension_date(birth: date, table: tuple[PensionBand, ...] = PENSION_TABLE) -> date:
    """The day someone reaches state pension age (29 February → 1 March, as for birthdays)."""
    return add_months(birth, pension_age_months(birth, table))


#: The age bands of the reports (ages, the council report): 15–19 … 65–69, 70+.
AGE_BANDS = [(lo, lo + 4) for lo in range(15, 70, 5)] + [(70, 200)]


def band_label(lo: int, hi: int) -> str:
    return f"{lo}+" if hi >= 200 else f"{lo}-{hi}"


BAND_LABELS = [band_label(lo, hi) for lo, hi in AGE_BANDS]
