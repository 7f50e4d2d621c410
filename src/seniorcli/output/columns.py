"""What every output format shares: the column a command declares, and the one defence
against formula injection. Imports nothing (no other part of ``seniorcli.output`` either), so
every format module may import it without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    #: text | date | datetime (an ISO time) | bool | id (ids and years: as they are, never
    #: wrapped) | number (1.234,5) |
    #: amount (85.000,00 kr.) | share (a fraction: 0.371 → 37,1 %) | hours (37,5). Text wraps in
    #: a table; every other kind is never cut nor wrapped, and numbers are right-aligned.
    kind: str = "text"
    style: str | None = None
    #: A table too wide for the terminal leaves out the columns with the highest drop_order
    #: first (then from the right); the first column is never left out.
    drop_order: int = 0
    #: Machine values shown to people as words in a table: value → a message id marked with
    #: ``N_`` ("due" → N_("due (status)") → "forfalden"), translated when the table is drawn.
    #: The values are English words already, so an English table shows the value itself (the
    #: message id only tells the same English word apart in another role: "invited" as a
    #: pending invitation is "inviteret", as an outcome "tilbudt"). csv and json keep the value.
    words: Mapping[str, str] | None = None


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV/formula injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value
