"""Senior agreement types (seniorordninger) and the framework agreement's limits, as data.

Sources: Rammeaftale om seniorpolitik (KL/Forhandlingsfællesskabet), as summarised by the unions
(bupl.dk, dsr.dk, jordemoderforeningen.dk); Køge Kommune, Seniorpolitik, for the individual
measures (seeds/koege-seniorpolitik.txt). See domain.md, "Senior agreements".

Pure: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seniorcli.dates import add_months, age_on, day_before

FRAMEWORK = "Rammeaftale om seniorpolitik (KL/Forhandlingsfællesskabet)"
KOEGE = "Køge Kommune, Seniorpolitik (seeds/koege-seniorpolitik.txt)"


@dataclass(frozen=True)
class AgreementType:
    key: str
    danish: str
    english: str
    source: str
    min_age: int | None = None  # age at the start
    max_years: int | None = None  # whole agreement, renewals included
    requires_end: bool = False
    limits: str = "no limits of age or length"


TYPES: tuple[AgreementType, ...] = (
    AgreementType(
        "seniorstilling", "Seniorstilling: nedsat tid og/eller ændrede opgaver, pension kan "
        "bevares på hidtidigt niveau", "Senior position: reduced hours and/or changed tasks; "
        "pension may be kept at the former level", FRAMEWORK, min_age=52,
        limits="from age 52 (recommended from 60); may be time-limited or open-ended"),
    AgreementType(
        "generationsskifte", "Generationsskifteordning: særlige vilkår for ledere i en periode, "
        "derefter fratræden", "Generation change: special terms for a leader for a period, "
        "then the post is left", FRAMEWORK, min_age=54, max_years=6, requires_end=True,
        limits="leaders from age 54; at most 6 years; must name its end (the date the leader "
        "leaves)"),
    AgreementType(
        "fratraedelse", "Fratrædelsesordning: fratrædelsesgodtgørelse", "Severance: pay when "
        "leaving", FRAMEWORK, limits="up to 6 months' pay (not checked: the tool does not know "
        "pay); no age limit"),
    AgreementType(
        "fastholdelse", "Fastholdelsesbonus", "Retention bonus, e.g. paid on leaving after age "
        "62", FRAMEWORK),
    AgreementType("nedsat_tid", "Midlertidig eller permanent nedsat tid",
                  "Temporary or permanent reduced hours", KOEGE),
    AgreementType("aflastning", "Hel eller delvis aflastning fra særligt belastende opgaver",
                  "Relief from strenuous tasks", KOEGE),
    AgreementType("arbejdstid", "Tilpasning af arbejdstidstilrettelæggelsen",
                  "Adjusted working time", KOEGE),
    AgreementType("egenplanlaegning", "Større egen-planlægning", "More self-planning", KOEGE),
    AgreementType("saerlige_opgaver", "Involvering i særlige arbejdsopgaver og projekter",
                  "Special tasks or projects", KOEGE),
    AgreementType("hjemmearbejde", "Mulighed for hjemmearbejde", "Working from home", KOEGE),
    AgreementType("kompetenceudvikling", "Kompetenceudviklingsforløb",
                  "Competence development", KOEGE),
    AgreementType("jobskifte", "Job- og opgaveskifte", "Change of job or tasks", KOEGE),
    AgreementType("loentillaeg", "Løntillæg", "Salary supplement", KOEGE),
    AgreementType("andet", "Andet", "Other individual measure", KOEGE),
)
BY_KEY = {t.key: t for t in TYPES}

#: Interpretations, shown by `agreement types`.
INTERPRETATIONS = (
    "A default term of N months ends the day before the start's N-month anniversary "
    "(2 years from 2026-03-01 ends 2028-02-29).",
    "'At most 6 years' (generationsskifte): the last day may be the day before the 6th "
    "anniversary of the first start; renewals count towards the 6 years.",
    "Ages are checked on the start date, in completed years.",
)


def default_end(start: date, term_months: int) -> date:
    """The end of a term of ``term_months``: the day before that anniversary of the start."""
    return day_before(add_months(start, term_months))


def limit_problems(
    kind: AgreementType, birth: date, start: date, end: date | None, open_ended: bool,
    chain_start: date | None = None,
) -> list[str]:
    """What breaks the framework agreement's limits, each naming the limit and its source."""
    problems = []
    if end is not None and end < start:
        problems.append(f"the end {end} is before the start {start}")
    if kind.min_age is not None and age_on(birth, start) < kind.min_age:
        problems.append(
            f"{kind.key} is possible from age {kind.min_age} ({kind.source}); the employee is "
            f"{age_on(birth, start)} on {start}"
        )
    if kind.requires_end and (end is None or open_ended):
        problems.append(f"{kind.key} must name its end ({kind.source}): give --end DATE")
    if kind.max_years is not None and end is not None:
        first = chain_start or start
        last_allowed = default_end(first, 12 * kind.max_years)
        if end > last_allowed:
            problems.append(
                f"{kind.key} runs at most {kind.max_years} years ({kind.source}): from {first} "
                f"the last possible end is {last_allowed}"
            )
    return problems
