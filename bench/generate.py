"""Deterministic synthetic rosters, outcomes and agreements (invented people, no real data).

    python bench/generate.py roster 50000 > roster.csv
    python bench/generate.py outcomes roster.csv > outcomes.csv

The age profile follows a municipal workforce: about 27 % aged 55 or more (KL: "more than one in
four municipal employees is over 55").
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta

FIRST = ["Anna", "Bente", "Birgitte", "Bo", "Carsten", "Dorthe", "Ebbe", "Else", "Finn",
         "Grethe", "Hanne", "Henrik", "Inge", "Jens", "Jørgen", "Karen", "Kirsten", "Lars",
         "Lene", "Mads", "Mette", "Niels", "Ole", "Pia", "Poul", "Rasmus", "Signe", "Søren",
         "Tove", "Ulla", "Vibeke", "Åse", "Ærtebjørn", "Øjvind", "Løkke", "Mia", "Emil",
         "Freja", "Noah", "Ida", "Asta", "Kåre", "Bjørg", "Gøran", "Helle", "Jytte", "Tage"]
LAST = ["Andersen", "Bæk", "Christensen", "Dahl", "Eriksen", "Frølund", "Gødsbøll", "Hansen",
        "Iversen", "Jensen", "Kjær", "Larsen", "Møller", "Nielsen", "Olsen", "Pedersen",
        "Rasmussen", "Sørensen", "Thomsen", "Ærø", "Østergaard", "Ågård", "Holm", "Lund",
        "Brønd", "Skov", "Mølgaard", "Kristiansen", "Madsen", "Fæster"]
DEPARTMENTS = ["Ældreplejen", "Børn og Unge", "Skole og Dagtilbud", "Teknik og Miljø",
               "Jobcenter", "Økonomi og HR", "Kultur og Fritid", "Sundhed og Omsorg"]
# (lowest age, highest age, weight): about 27 % are 55 or older.
AGE_BANDS = [(18, 24, 6), (25, 34, 18), (35, 44, 23), (45, 54, 26), (55, 59, 14), (60, 64, 10),
             (65, 70, 3)]
HEADER = ["Medarbejdernr", "Navn", "Fødselsdato", "Afdeling", "Leder", "Ansættelsesdato",
          "Fratrædelsesdato", "E-mail", "Ugentlige timer"]


def _birth(rng: random.Random, as_of: date) -> date:
    lo, hi, _ = rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
    age_days = rng.randint(lo * 365 + 1, hi * 365 + 364)
    return as_of - timedelta(days=age_days)


def roster_rows(n: int, seed: int = 2026, as_of: date = date(2026, 11, 1), first_id: int = 1):
    """Yield roster rows (lists of text) in the HEADER's order."""
    rng = random.Random(seed)
    per_dept = max(3, n // 300)  # about one manager per 35 employees
    picks = rng.sample(range(n), min(n, per_dept * len(DEPARTMENTS)))
    managers_per_dept = {d: [f"{first_id + p:05d}" for p in picks[k::len(DEPARTMENTS)]]
                         for k, d in enumerate(DEPARTMENTS)}
    for i in range(n):
        eid = f"{first_id + i:05d}"
        birth = _birth(rng, as_of)
        dept = rng.choice(DEPARTMENTS)
        adult = date(birth.year + 18, 3, 1) if (birth.month, birth.day) == (2, 29) else \
            birth.replace(year=birth.year + 18)
        earliest = max(adult, date(1985, 1, 1))
        span = (as_of - earliest).days
        hire = earliest + timedelta(days=rng.randint(0, max(span, 1)))
        if rng.random() < 0.04:  # recent hires
            hire = as_of - timedelta(days=rng.randint(0, 180))
        leave = ""
        r = rng.random()
        if r < 0.03:
            leave = (as_of - timedelta(days=rng.randint(1, 300))).isoformat()
        elif r < 0.04:
            leave = (as_of + timedelta(days=rng.randint(1, 200))).isoformat()
        if leave and leave < hire.isoformat():
            leave = ""
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        hours = rng.choice(["37", "37", "37", "32", "30", "28,5", "25"])
        yield [eid, name, birth.isoformat(), dept, rng.choice(managers_per_dept[dept]),
               hire.isoformat(), leave, f"{eid}@kommune.example.dk", hours]


def outcome_rows(roster: list[tuple[str, date]], seed: int = 7, as_of: date = date(2026, 11, 1)):
    """Conversation outcomes for employees aged 52 or more: (employee_id, outcome, date)."""
    rng = random.Random(seed)
    for eid, birth in roster:
        age = (as_of - birth).days // 365
        if age < 52:
            continue
        day = as_of - timedelta(days=rng.randint(30, 460))
        for _ in range(rng.choices([0, 1, 2, 3], weights=[10, 50, 30, 10])[0]):
            if day >= as_of or (day - birth).days < 52 * 365:
                break
            outcome = rng.choices(["held", "declined", "invited", "postponed", "requested"],
                                  weights=[55, 15, 15, 8, 7])[0]
            yield [eid, outcome, day.isoformat()]
            day += timedelta(days=rng.randint(60, 400))


def next_month_rows(rows, n: int, seed: int = 12, as_of: date = date(2026, 12, 1)):
    """The next monthly export of a roster of ``n`` rows: about 1 % no longer listed (they
    left), 1 % with a leave date, 2 % moved to another department and manager, and 1 % new
    hires, appended with new ids."""
    rng = random.Random(seed)
    managers = {}
    for row in rows:
        if rng.random() < 0.01:
            continue  # left: not in the export any more
        row = list(row)
        r = rng.random()
        if r < 0.01 and not row[6]:
            row[6] = (as_of + timedelta(days=rng.randint(0, 60))).isoformat()
        elif r < 0.03:
            row[3] = rng.choice(DEPARTMENTS)
            row[4] = managers.setdefault(row[3], row[4])
        managers.setdefault(row[3], row[4])
        yield row
    for row in roster_rows(n // 100, seed + 1, as_of, first_id=10 * n):
        row[5] = as_of.isoformat()
        row[4] = managers.get(row[3], row[4])
        row[6] = ""
        yield row


AGREEMENT_TYPES = ["seniorstilling", "nedsat_tid", "loentillaeg", "hjemmearbejde",
                   "aflastning", "kompetenceudvikling"]


def agreement_rows(roster: list[tuple[str, date]], seed: int = 13,
                   as_of: date = date(2026, 11, 1)):
    """Senior agreements for about one in six employees aged 55 or more:
    (employee_id, type, start, end or None, weekly_hours, amount)."""
    rng = random.Random(seed)
    for eid, birth in roster:
        if (as_of - birth).days < 55 * 365 or rng.random() > 0.17:
            continue
        kind = rng.choice(AGREEMENT_TYPES)
        start = as_of - timedelta(days=rng.randint(0, 900))
        end = None if rng.random() < 0.2 else start + timedelta(days=rng.choice([364, 729, 1095]))
        hours = rng.choice([28.0, 30.0, 32.0]) if kind in ("seniorstilling", "nedsat_tid") else None
        amount = float(rng.choice([1000, 1500, 2500])) if kind == "loentillaeg" else None
        yield (eid, kind, start.isoformat(), end.isoformat() if end else None, hours, amount)


def main(argv: list[str]) -> None:
    out = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
    if argv[:1] == ["roster"]:
        out.writerow(HEADER)
        out.writerows(roster_rows(int(argv[1])))
    elif argv[:1] == ["outcomes"]:
        with open(argv[1], encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=";")
            next(reader)
            rows = [(r[0], date.fromisoformat(r[2])) for r in reader]
        out.writerow(["employee_id", "outcome", "date"])
        out.writerows(outcome_rows(rows))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
