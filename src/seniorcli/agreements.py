"""Senior agreement types (seniorordninger) and the framework agreement's limits, as data.

Sources: Rammeaftale om seniorpolitik (KL/Forhandlingsfællesskabet), as summarised by the unions
(bupl.dk, dsr.dk, jordemoderforeningen.dk); Køge Kommune, Seniorpolitik, for the individual
measures (seeds/koege-seniorpolitik.txt). See domain.md, "Senior agreements".

Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from seniorcli.dates import OPEN_END, add_months, age_on, day_before
from seniorcli.i18n import N_, _, ngettext

FRAMEWORK = "Rammeaftale om seniorpolitik (KL/Forhandlingsfællesskabet)"
KOEGE = "Køge Kommune, Seniorpolitik (seeds/koege-seniorpolitik.txt)"


@dataclass(frozen=True)
class AgreementType:
    key: str
    danish: str
    english: str
    source: str
    min_age: int | None = None  # age at the start
    max_years: int | None = None  # for one person: all agreements of the type together
    requires_end: bool = False
    one_at_a_time: bool = False  # one person's agreements of the type may not overlap
    limits: str = N_("no limits of age or length")  # translate where shown
    #: The type's short name where people read it (tables, ``show``, workbooks), in Danish
    #: and in English; ``danish``/``english`` are the full descriptions. csv and json keep
    #: ``key``. ``--type`` takes either name too.
    name_da: str = ""
    name_en: str = ""

    def name(self) -> str:
        """The short name in the reader's language: "Løntillæg" / "Salary supplement"."""
        from seniorcli.i18n import language

        return self.name_en if language() == "en" else self.name_da


TYPES: tuple[AgreementType, ...] = (
    AgreementType(
        "seniorstilling", "Seniorstilling: nedsat tid og/eller ændrede opgaver, pension kan "
        "bevares på hidtidigt niveau", "Senior position: reduced hours and/or changed tasks; "
        "pension may be kept at the former level", FRAMEWORK, min_age=52,
        limits=N_("from age 52 (recommended from 60); may be time-limited or open-ended"),
        name_da="Seniorstilling", name_en="Senior position"),
    AgreementType(
        "generationsskifte", "Generationsskifteordning: særlige vilkår for ledere i en periode, "
        "derefter fratræden", "Generation change: special terms for a leader for a period, "
        "then the post is left", FRAMEWORK, min_age=54, max_years=6, requires_end=True,
        one_at_a_time=True,
        limits=N_("leaders from age 54; one at a time; at most 6 years in all for one person "
        "(separate agreements and renewals together); must name its end (the date the leader "
        "leaves)"), name_da="Generationsskifteordning", name_en="Generation change"),
    AgreementType(
        "fratraedelse", "Fratrædelsesordning: fratrædelsesgodtgørelse", "Severance: pay when "
        "leaving", FRAMEWORK, limits=N_("up to 6 months' pay (not checked: the tool does not know "
        "pay); no age limit"), name_da="Fratrædelsesordning", name_en="Severance"),
    AgreementType(
        "fastholdelse", "Fastholdelsesbonus", "Retention bonus, e.g. paid on leaving after age "
        "62", FRAMEWORK, name_da="Fastholdelsesbonus", name_en="Retention bonus"),
    AgreementType("nedsat_tid", "Midlertidig eller permanent nedsat tid",
                  "Temporary or permanent reduced hours", KOEGE,
                  name_da="Nedsat tid", name_en="Reduced hours"),
    AgreementType("aflastning", "Hel eller delvis aflastning fra særligt belastende opgaver",
                  "Relief from strenuous tasks", KOEGE,
                  name_da="Aflastning", name_en="Relief"),
    AgreementType("arbejdstid", "Tilpasning af arbejdstidstilrettelæggelsen",
                  "Adjusted working time", KOEGE, name_da="Arbejdstid", name_en="Working time"),
    AgreementType("egenplanlaegning", "Større egen-planlægning", "More self-planning", KOEGE,
                  name_da="Egenplanlægning", name_en="Self-planning"),
    AgreementType("saerlige_opgaver", "Involvering i særlige arbejdsopgaver og projekter",
                  "Special tasks or projects", KOEGE,
                  name_da="Særlige opgaver", name_en="Special tasks"),
    AgreementType("hjemmearbejde", "Mulighed for hjemmearbejde", "Working from home", KOEGE,
                  name_da="Hjemmearbejde", name_en="Working from home"),
    AgreementType("kompetenceudvikling", "Kompetenceudviklingsforløb",
                  "Competence development", KOEGE,
                  name_da="Kompetenceudvikling", name_en="Competence development"),
    AgreementType("jobskifte", "Job- og opgaveskifte", "Change of job or tasks", KOEGE,
                  name_da="Jobskifte", name_en="Job change"),
    AgreementType("loentillaeg", "Løntillæg", "Salary supplement", KOEGE,
                  name_da="Løntillæg", name_en="Salary supplement"),
    AgreementType("andet", "Andet", "Other individual measure", KOEGE,
                  name_da="Andet", name_en="Other"),
)
BY_KEY = {t.key: t for t in TYPES}

# A type as people type it: any case, the Danish letters or their two-letter spellings
# (fratrædelse = fratraedelse), with or without spaces, hyphens and underscores
# (nedsat tid = nedsat-tid = nedsat_tid).
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue",
                       " ": "", "-": "", "_": "", "\t": ""})


def _fold_type(text: str) -> str:
    return text.strip().casefold().translate(_FOLD)


# the short names too ("Nedsat tid", "Fastholdelsesbonus", "Salary supplement"), as tables
# show them
_BY_FOLDED = {_fold_type(name): t for t in TYPES for name in (t.name_en, t.name_da, t.key)}


def type_name(key: str | None) -> str:
    """The short name of the type ``key`` in the reader's language ("loentillaeg" →
    "Løntillæg" / "Salary supplement"); an unknown key (an older register) as it is."""
    if key is None:
        return ""
    kind = BY_KEY.get(key)
    return kind.name() if kind is not None else key


def find_type(text: str) -> AgreementType | None:
    """The agreement type ``text`` means, typed the way people type it, or None."""
    return BY_KEY.get(text) or _BY_FOLDED.get(_fold_type(text))


def close_types(text: str) -> list[str]:
    """The keys of the types closest to ``text`` (for "did you mean"), best first."""
    import difflib

    folded = difflib.get_close_matches(_fold_type(text), list(_BY_FOLDED), n=6, cutoff=0.6)
    return list(dict.fromkeys(_BY_FOLDED[f].key for f in folded))[:3]

#: Interpretations, shown by `agreement types`.
#: (translate with _() and .format(open_end=OPEN_END) where shown)
INTERPRETATIONS = (
    N_("A default term of N months ends the day before the start's N-month anniversary "
       "(2 years from 2026-03-01 ends 2028-02-29)."),
    N_("'At most 6 years in all' (generationsskifte): every generationsskifte agreement of the "
       "person counts, separate ones and renewals alike. Their days (first and last day "
       "included) may add up to the days from the earliest start to its 6th anniversary, so one "
       "agreement, or an unbroken chain of renewals, may last until the day before the 6th "
       "anniversary of its start (from 2026-04-01: until 2032-03-31)."),
    N_("'One at a time' (generationsskifte): no two generationsskifte agreements of the person "
       "may share a day; an agreement ended early runs until the day it was ended."),
    N_("An end date of {open_end} (payroll systems' 'no end') means open-ended: `agreement add "
       "--end {open_end}` records an open-ended agreement, `agreement renew --until {open_end}` "
       "continues one without an end (as --open-ended does), neither for a type that must name "
       "its end; `agreement end` needs a real last day, not {open_end}."),
    N_("Agreements starting after the as-of date are not running: `agreement list` shows them as "
       "'future', and `agreement expiring` lists only agreements started on or before it."),
    N_("Ages are checked on the start date, in completed years."),
)

#: One of the person's other agreements of a type: (agreement id, start, end or None).
Period = tuple[int, date, date | None]


def default_end(start: date, term_months: int) -> date:
    """The end of a term of ``term_months``: the day before that anniversary of the start."""
    return day_before(add_months(start, term_months))


def _after_months(d: date, months: int) -> date:
    """``add_months`` that stops at the calendar's last day instead of overflowing."""
    try:
        return add_months(d, months)
    except (ValueError, OverflowError):
        return date.max


def _period(p: Period) -> str:
    aid, start, end = p
    return (_("{id} ({start} to {end})").format(id=aid, start=start, end=end) if end
            else _("{id} (from {start}, open-ended)").format(id=aid, start=start))


def _ids(periods: Sequence[Period]) -> str:
    named = [_period(p) for p in periods]
    if len(named) == 1:
        return _("agreement {agreement}").format(agreement=named[0])
    return _("agreements {agreements} and {last}").format(agreements=", ".join(named[:-1]),
                                                          last=named[-1])


def limit_problems(
    kind: AgreementType, birth: date, start: date, end: date | None, open_ended: bool,
    others: Sequence[Period] = (),
) -> list[str]:
    """What breaks the framework agreement's limits, each naming the limit and its source.

    ``others`` are the person's other agreements of the same type (renewals of this one and
    separate ones), for the limits that count them all: one at a time, and ``max_years`` in
    all. An agreement ended early has its last day as its end.
    """
    problems = []
    if end is not None and end < start:
        problems.append(_("the end {end} is before the start {start}").format(end=end, start=start))
    if kind.min_age is not None and age_on(birth, start) < kind.min_age:
        problems.append(
            _("{key} is possible from age {min_age} ({source}); the employee is "
            "{age} on {start}")
                .format(key=kind.key, min_age=kind.min_age, source=kind.source,
                        age=age_on(birth, start), start=start)
        )
    if kind.requires_end and (end is None or open_ended):
        problems.append(_("{key} must name its end ({source}): the date the leader "
                        "leaves, not open-ended or {OPEN_END}")
                            .format(key=kind.key, source=kind.source, OPEN_END=OPEN_END))
    overlapping: list[Period] = []
    if kind.one_at_a_time and end is not None and end >= start:
        overlapping = [p for p in others
                       if p[1] <= end and (p[2] is None or p[2] >= start)]
        if overlapping:
            problems.append(
                _("{key} is one at a time for one person ({source}): {start} to {end} "
                "overlaps {agreements}")
                    .format(key=kind.key, source=kind.source, start=start, end=end,
                            agreements=_ids(overlapping))
            )
    # the days in all are counted once the periods are apart
    if kind.max_years is not None and end is not None and end >= start and not overlapping:
        problems += _total_problems(kind, start, end, others)
    return problems


def _total_problems(kind: AgreementType, start: date, end: date,
                    others: Sequence[Period]) -> list[str]:
    """At most ``kind.max_years`` in all: the days of all the person's agreements of the type
    together may not exceed the days from the earliest start to its max_years anniversary."""
    assert kind.max_years is not None  # the caller checks it
    first = min([start, *(p[1] for p in others)])
    allowed = (_after_months(first, 12 * kind.max_years) - first).days
    limit = _("{type} runs at most {years} years").format(type=kind.key, years=kind.max_years)
    open_ones = [p for p in others if p[2] is None]
    if open_ones:
        return [_("{limit} in all for one person ({source}): {agreements} has no end, so "
                  "nothing more fits").format(limit=limit, source=kind.source,
                                              agreements=_ids(open_ones))]
    used = sum((e - s).days + 1 for _, s, e in others if e is not None)  # none open here
    room = allowed - used
    if (end - start).days + 1 <= room:
        return []
    if not others:
        return [_("{limit} ({source}): from {first} the last possible end is {last}").format(
            limit=limit, source=kind.source, first=first,
            last=day_before(_after_months(first, 12 * kind.max_years)))]
    counted = sorted(others, key=lambda p: (p[1], p[0]))
    taken = ngettext("{agreements} already takes {used} of the {allowed} days from {first}",
                     "{agreements} already take {used} of the {allowed} days from {first}",
                     len(counted)).format(agreements=_ids(counted), used=used, allowed=allowed,
                                          first=first)
    if room <= 0:
        return [_("{limit} in all for one person, separate agreements and renewals together "
                  "({source}): {taken}, which leaves none").format(limit=limit,
                                                                   source=kind.source, taken=taken)]
    last = start + timedelta(days=room - 1)  # before ``end``, so within the calendar
    return [_("{limit} in all for one person, separate agreements and renewals together "
              "({source}): {taken}, so from {start} the last possible end is {last}").format(
                  limit=limit, source=kind.source, taken=taken, start=start, last=last)]
