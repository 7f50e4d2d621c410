"""Builds data/sample_roster.csv and data/sample_outcomes.csv (invented people).

    python data/build_sample.py

180 generated employees plus showcase employees (ids 90001–90020) chosen so that every rule in
domain.md shows up on 2026-11-01; the README says which is which.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from datetime import date  # noqa: E402

from bench.generate import HEADER, outcome_rows, roster_rows  # noqa: E402

# id, name, birth, department, manager, hire, leave
SHOWCASE = [
    ("90001", "Ulla Ærø", "1971-11-15", "Ældreplejen", "90020", "1995-03-01", ""),
    ("90002", "Bent Bæk", "1974-10-20", "Teknik og Miljø", "90020", "2001-05-01", ""),
    ("90003", "Åse Ågård", "1971-06-15", "Børn og Unge", "90019", "1999-08-01", ""),
    ("90004", "Jørgen Østergaard", "1971-12-10", "Jobcenter", "90019", "2005-01-01", ""),
    ("90005", "Kirsten Møller", "1968-04-02", "Ældreplejen", "90020", "1990-02-01", ""),
    ("90006", "Poul Sørensen", "1966-09-09", "Skole og Dagtilbud", "90018", "1988-08-01", ""),
    ("90007", "Signe Frølund", "1973-05-05", "Kultur og Fritid", "90018", "2010-01-01", ""),
    ("90008", "Lars Kjær", "1968-01-20", "Sundhed og Omsorg", "90017", "1997-04-01", ""),
    ("90009", "Mette Dahl", "1969-07-07", "Økonomi og HR", "90017", "2003-09-01", ""),
    ("90010", "Finn Gødsbøll", "1966-03-03", "Teknik og Miljø", "90020", "2026-08-01", ""),
    ("90011", "Else Holm", "1963-02-11", "Ældreplejen", "90020", "1985-01-01", "2026-10-31"),
    ("90012", "Tove Lund", "1970-11-20", "Børn og Unge", "90019", "1998-01-01", "2026-11-10"),
    ("90013", "Øjvind Brønd", "1972-02-29", "Jobcenter", "90019", "2000-01-01", ""),
    ("90014", "Hanne Skov", "1970-08-01", "Sundhed og Omsorg", "90017", "2002-01-01", ""),
    ("90015", "Niels Mølgaard", "1965-01-15", "Skole og Dagtilbud", "90018", "1993-01-01", ""),
    ("90016", "Vibeke Fæster", "1969-03-10", "Kultur og Fritid", "90018", "2004-01-01", ""),
    ("90017", "Carsten Madsen", "1964-06-06", "Sundhed og Omsorg", "90020", "1990-01-01", ""),
    ("90018", "Grethe Kristiansen", "1967-10-10", "Skole og Dagtilbud", "90020", "1991-01-01", ""),
    ("90019", "Henrik Iversen", "1962-12-12", "Børn og Unge", "90020", "1989-01-01", ""),
    ("90020", "Inge Thomsen", "1961-05-25", "Økonomi og HR", "", "1987-01-01", ""),
]

# employee_id, outcome, date, note, with_mus
OUTCOMES = [
    ("90003", "declined", "2023-07-01", "Ikke aktuelt endnu", "yes"),
    ("90005", "held", "2025-11-20", "Ønsker nedsat tid fra 2027", "yes"),
    ("90006", "held", "2026-03-01", "", "no"),
    ("90007", "requested", "2026-09-01", "Vil gerne tale om opgaver", "no"),
    ("90008", "invited", "2026-10-15", "", "no"),
    ("90009", "postponed", "2026-10-05", "Sygdom; ny dato aftales", "no"),
    ("90014", "declined", "2026-01-10", "Takker nej i år", "yes"),
    ("90016", "held", "2026-06-15", "Holdt sammen med MUS", "yes"),
    ("90017", "declined", "2025-09-01", "", "no"),
]


def main() -> None:
    rows = list(roster_rows(180, seed=55))
    rows += [[i, n, b, d, m, h, lv, f"{i}@kommune.example.dk", "37"]
             for i, n, b, d, m, h, lv in SHOWCASE]
    with (HERE / "sample_roster.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    # A history for the generated employees too, inside each one's employment.
    employed = {r[0]: (r[5], r[6] or "9999-12-31") for r in rows}
    generated = [
        (eid, outcome, day, "", "yes" if outcome == "held" else "no")
        for eid, outcome, day in outcome_rows(
            [(r[0], date.fromisoformat(r[2])) for r in rows if not r[0].startswith("9")], seed=11)
        if employed[eid][0] <= day <= employed[eid][1]
    ]
    with (HERE / "sample_outcomes.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["employee_id", "outcome", "date", "note", "with_mus"])
        w.writerows(sorted(generated + OUTCOMES, key=lambda o: (o[2], o[0])))


if __name__ == "__main__":
    main()
