"""A rule set is data; the common logic of domain.md is written once, here.

A rule set answers one question: on which date does this employee next need an offer of a
senior conversation? The answer depends on the birth date, hire and leave dates and the logged
outcomes. Rules see plain immutable tuples, never ORM rows, and never read the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal, NamedTuple

from seniorcli.dates import add_months, age_on, birthday, jan1
from seniorcli.fmt import date_short
from seniorcli.i18n import N_, _, language

Trigger = Literal["birthday", "calendar_year"]
Repeat = Literal["months", "calendar_year"]

OUTCOMES = ("invited", "held", "declined", "postponed", "requested")
COMPLETING = frozenset({"held", "declined"})
PENDING = frozenset({"invited", "postponed", "requested"})

# Choices the product makes where domain.md's common rules leave room; shown by `rules show`.
COMMON_INTERPRETATIONS = (
    N_("A conversation held or declined on the same day as a request answers that request."),
    N_("Outcomes logged on one day: a held or declined conversation closes the cycle; other "
       "outcomes of that day belong to the closed cycle."),
    N_("A day that does not exist in the target month (29 February) rolls to 1 March: someone born "
       "on 29 February turns a year older on 1 March in a common year, and 12 months after "
       "2024-02-29 is 2025-03-01."),
    N_("An employee whose leave date is on or before the as-of date is never due; no one is listed "
       "as upcoming for a due date on or after their leave date."),
    N_("A request or conversation dated before the (latest) hire date belongs to an earlier "
       "employment: shown in `show`, but it neither makes anyone due nor completes a cycle; a "
       "returning employee starts afresh at the hire date."),
    N_("A due date is the date the rule gives, also on a weekend or holiday: lists flag such a "
       "date with the day (column Day off, field due_date_day_off). Days off are Saturdays, "
       "Sundays, the public holidays, and the days many municipal agreements give off (1 May and "
       "Constitution Day, often from noon; 24 and 31 December); `invite` never proposes a "
       "conversation on one."),
)

#: What an answer "as of" a date means (domain.md, "Answers on a date"); `rules show` prints it.
AS_OF_RULES = (
    N_("Every answer is as of a date A (today by default, --as-of DATE) and uses only what was "
       "true on A."),
    N_("Staff on A: hired on or before A, and no leave date on or before A (someone who leaves "
       "after A is still staff on A; someone hired after A is not counted in any list or report)."),
    N_("Outcomes count only if dated on or before A: a conversation logged later for a later date "
       "changes nothing about the answer as of A."),
    N_("The answer belongs to the current employment, which starts at the (latest) hire date: "
       "nobody is due before it."),
    N_("Agreements run on A if they start on or before A and end on or after it."),
    N_("The same question about the same date gives the same answer, whatever was logged since "
       "about later dates; a report for a period ending on E agrees with `due --as-of E`."),
)


def is_staff(hire: date | None, leave: date | None, on: date) -> bool:
    """Employed on ``on``: hired on or before it, and no leave date on or before it."""
    return (hire is None or hire <= on) and (leave is None or leave > on)


def in_employment(day: date, hire: date | None, leave: date | None) -> bool:
    """An outcome dated ``day`` belongs to the current employment: from the hire date to the
    leave date (an outcome logged for the leave date itself still belongs to it)."""
    return (hire is None or day >= hire) and (leave is None or day <= leave)


def ordinal(n: int) -> str:
    """52 → '52nd', 61 → '61st', 55 → '55th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Outcome(NamedTuple):
    date: date
    outcome: str  # one of OUTCOMES


class Facts(NamedTuple):
    """What a rule set may know of an employee."""

    birth_date: date
    hire_date: date | None = None
    leave_date: date | None = None
    outcomes: Sequence[Outcome] = ()  # any order


class Decision:
    """When the next offer is due, why, and what is pending (the latest invited, postponed or
    requested of the open cycle). The reason sentence is written only when it is read."""

    __slots__ = ("due_date", "pending", "_why")

    def __init__(self, due_date: date, why: tuple, pending: str | None = None):
        self.due_date, self._why, self.pending = due_date, why, pending

    @property
    def reason(self) -> str:
        return explained(self._why)

    def __repr__(self) -> str:
        return f"Decision({self.due_date}, {self.reason!r}, pending={self.pending!r})"


#: The outcomes as they read in a sentence (Danish: tilbudt, afholdt, afslået, udsat, ønsket).
OUTCOME_WORDS = {"invited": N_("invited"), "held": N_("held"), "declined": N_("declined"),
                 "postponed": N_("postponed"), "requested": N_("requested")}


def outcome_word(outcome: str) -> str:
    """An outcome key in the current language ("held" → "afholdt")."""
    word = OUTCOME_WORDS.get(outcome)
    return _(word) if word else outcome


#: Sentences already written, by language and 'why': a large due list repeats them (people born
#: on the same day, conversations on the same day), and writing one costs ~6 µs.
_sentences: dict[tuple[str, tuple], str] = {}


def explained(why: tuple) -> str:
    """``explain(why)``, remembered (in the language of the call)."""
    key = (language(), why)
    sentence = _sentences.get(key)
    if sentence is None:
        if len(_sentences) > 200_000:  # a long-lived process: stay bounded
            _sentences.clear()
        sentence = _sentences[key] = explain(why)
    return sentence


def explain(why: tuple) -> str:
    """One sentence a person understands, from a decision's compact 'why' (in the current
    language: the JSON "reason" is this sentence too, Danish by default). Dates as people
    write them (``fmt.date_short``: 01-07-2023 in Danish, ISO in English); ``fmt`` reads no
    clock and no database, so the rules stay pure."""
    kind = why[0]
    if kind == "first":
        _kind, age, day, calendar_year = why
        if calendar_year:
            return _("turns {age} in {year}: first offer from 1 January").format(
                age=age, year=day.year)
        return _("turns {age} on {date}: first offer").format(age=age, date=date_short(day))
    if kind == "first_despite":
        _kind, first, last = why
        return _("{reason} ({outcome} earlier, on {date})").format(
            reason=explain(first), outcome=outcome_word(last.outcome), date=date_short(last.date))
    if kind == "hired":
        _kind, hired, was_due = why
        return _("hired on {hired}, after the offer fell due ({due}): due from the hire "
                 "date").format(hired=date_short(hired), due=date_short(was_due))
    if kind == "requested":
        return _("asked for a conversation on {date}").format(date=date_short(why[1]))
    if kind == "in_force":
        _kind, since, earlier = why
        return _("{reason}; the rule set is in force from {since}: due from then").format(
            reason=explain(earlier), since=date_short(since))
    if kind == "register_start":
        _kind, since, was_due, earlier = why
        return _("{reason} (due {due}, before the register started on {since}): due from the "
                 "register's start").format(reason=explain(earlier), due=date_short(was_due),
                                           since=date_short(since))
    _kind, last, age, detail = why
    when = _("{outcome} at {age} on {date}").format(
        outcome=outcome_word(last.outcome), age=age, date=date_short(last.date))
    if kind == "reoffer":
        return _("{when}: offered again at {age}").format(when=when, age=detail)
    if kind == "calendar_year":
        return _("{when}: next offer from 1 January {year}").format(when=when, year=detail)
    return _("{when}: next offer {months} months later").format(when=when, months=detail)


@dataclass(frozen=True)
class RuleSet:
    """A municipality's rules for offering senior conversations, as data.

    trigger: "birthday" (first offer on the birthday of ``first_offer_age``) or "calendar_year"
    (from 1 January of the year of that birthday).
    repeat: "months" (``repeat_months`` after the last held or declined conversation) or
    "calendar_year" (from 1 January of the year after it).
    reoffer_age: if set, a conversation declined before this age is offered again on this
    birthday (Albertslund: declined at 52 → again at 55).
    """

    name: str
    title: str
    first_offer_age: int
    trigger: Trigger = "birthday"
    repeat: Repeat = "months"
    repeat_months: int = 12
    reoffer_age: int | None = None
    agreement_default_term_months: int | None = None
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    interpretations: tuple[str, ...] = ()
    origin: str = "built-in"
    #: Nobody is due under the rule set before this date (optional, from the rule-set file).
    in_force_from: date | None = None
    #: The day the register started (``config set start-date``): a due date before it is
    #: reported from it. Not part of a rule-set file; set by ``with_register_start``.
    register_start: date | None = None
    #: first_due by birth date, worked out once per date (a large register has ~16,000
    #: distinct birth dates among 500,000 employees). Not data: excluded from comparisons.
    _first: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def with_register_start(self, start: date | None) -> RuleSet:
        """This rule set as applied in a register that started on ``start``."""
        return self if start == self.register_start else replace(self, register_start=start)

    # --- the two hooks -------------------------------------------------------------------
    def first_due(self, birth: date) -> tuple[date, tuple]:
        """When the rule first makes an offer due, ignoring hire date and history."""
        turns = birthday(birth, self.first_offer_age)
        if self.trigger == "calendar_year":
            return jan1(turns.year), ("first", self.first_offer_age, turns, True)
        return turns, ("first", self.first_offer_age, turns, False)

    def repeat_due(self, birth: date, last: Outcome) -> tuple[date, tuple]:
        """When the next offer is due after a held or declined conversation."""
        age = age_on(birth, last.date)
        if (
            self.reoffer_age is not None
            and last.outcome == "declined"
            and age < self.reoffer_age
        ):
            return birthday(birth, self.reoffer_age), ("reoffer", last, age, self.reoffer_age)
        if self.repeat == "calendar_year":
            year = last.date.year + 1
            return jan1(year), ("calendar_year", last, age, year)
        return add_months(last.date, self.repeat_months), (
            "months", last, age, self.repeat_months)

    def latest_birth_due_by(self, horizon: date) -> date:
        """The latest birth date whose first offer falls on or before ``horizon`` (a filter
        that lets the database skip the young; requests are looked at separately)."""
        if self.trigger == "calendar_year":
            return date(horizon.year - self.first_offer_age, 12, 31)
        # add_months is monotonic, so every birth date up to this one turns the age by horizon.
        return add_months(horizon, -12 * self.first_offer_age)

    def settled_after(self, horizon: date) -> date:
        """A held or declined conversation after this date makes the repeat offer fall after
        ``horizon`` (used to skip, in SQL, employees who cannot be due by then)."""
        if self.repeat == "calendar_year":
            return date(horizon.year - 1, 12, 31)
        return add_months(horizon, -self.repeat_months)

    # --- the common rules, once --------------------------------------------------------------
    def next_due(self, facts: Facts) -> Decision:
        """The date the next offer is due, why, and what is pending (see domain.md), from all
        the outcomes given (``offer_on`` picks those that count on a date)."""
        return self._next(facts.birth_date, facts.hire_date, facts.outcomes)

    def _next(self, birth: date, hire: date | None, outcomes: Sequence[Outcome]) -> Decision:
        first = self._first.get(birth)
        if first is None:
            first = self._first[birth] = self.first_due(birth)
        due, why = first
        if not outcomes:
            if hire is not None and hire > due:
                # Hired after the due date: due from the hire date, never before it.
                return Decision(hire, ("hired", hire, due))
            return Decision(due, why)
        ordered = sorted(outcomes) if len(outcomes) > 1 else outcomes
        last_done = None
        for o in reversed(ordered):
            if o.outcome in COMPLETING:
                last_done = o
                break
        if last_done is not None:
            # A conversation before the first due date counts: the later of the two dates.
            again, again_why = self.repeat_due(birth, last_done)
            if again >= due:
                due, why = again, again_why
            else:
                why = ("first_despite", why, last_done)
            open_cycle: Sequence[Outcome] = [o for o in ordered if o.date > last_done.date]
        else:
            open_cycle = ordered
        if hire is not None and hire > due:
            due, why = hire, ("hired", hire, due)
        pending = None
        for o in open_cycle:
            if o.outcome == "requested":
                if o.date < due:
                    # Asked for a conversation: due no later than the (first open) request.
                    due, why = o.date, ("requested", o.date)
                break
        for o in reversed(open_cycle):
            if o.outcome in PENDING:
                pending = o.outcome
                break
        return Decision(due, why, pending)

    def offer_on(self, facts: Facts, as_of: date) -> Decision | None:
        """The one definition of the next offer on ``as_of`` (domain.md, "Answers on a date"):
        None unless the employee is staff on ``as_of`` and stays until the offer falls due;
        otherwise the next offer (however far ahead), decided from the outcomes of the current
        employment (dated from the hire date to ``as_of``), no earlier than the date the rule
        set is in force and the register's start."""
        birth, hire, leave, outcomes = facts
        if (hire is not None and hire > as_of) or (leave is not None and leave <= as_of):
            return None  # not staff on as_of (is_staff)
        if outcomes:
            outcomes = [o for o in outcomes
                        if o.date <= as_of and (hire is None or o.date >= hire)]
        decision = self._next(birth, hire, outcomes)
        since = self.in_force_from
        if since is not None and decision.due_date < since:
            decision = Decision(since, ("in_force", since, decision._why), decision.pending)
        start = self.register_start
        if start is not None and decision.due_date < start:
            decision = Decision(start, ("register_start", start, decision.due_date,
                                        decision._why), decision.pending)
        if leave is not None and decision.due_date >= leave:
            return None
        return decision

    def decide(self, facts: Facts, as_of: date, within_days: int = 0) -> Decision | None:
        """The decision if the employee is due on ``as_of`` or within ``within_days`` after it."""
        decision = self.offer_on(facts, as_of)
        if decision is None or (decision.due_date - as_of).days > within_days:
            return None
        return decision

    def due_during(self, facts: Facts, start: date, end: date) -> bool:
        """Whether the employee was due on some day from ``start`` to ``end``.

        The answer on a day changes only on the day of an outcome, the hire date and the leave
        date; between two such days it is the same, and being due is likeliest on the last day
        of each stretch. So it is enough to decide on those last days."""
        days = {end}
        if facts.leave_date is not None and start < facts.leave_date <= end:
            days.add(facts.leave_date - timedelta(days=1))
        for o in facts.outcomes:
            if start < o.date <= end:
                days.add(o.date - timedelta(days=1))
        for day in sorted(days):
            d = self.offer_on(facts, day)
            if d is not None and d.due_date <= day:
                return True
        return False

    # --- plain language, for `rules show` ----------------------------------------------------
    def describe(self) -> list[str]:
        """The definition in plain language, in the current language (``rules show``)."""
        a, again = self.first_offer_age, self.reoffer_age
        lines = []
        if self.trigger == "calendar_year":
            lines.append(_("First offer due from 1 January of the calendar year the employee "
                           "turns {age} (or the hire date, if later).").format(age=a))
        else:
            lines.append(_("First offer due on the {age} birthday (or the hire date, if "
                           "later).").format(age=_ordinal(a)))
        if again is not None:
            lines.append(_("Declined before age {age}: offered again on the {nth} "
                           "birthday.").format(age=again, nth=_ordinal(again)))
        if self.repeat == "calendar_year":
            lines.append(
                _("Held (at any age), or declined at {age} or later, in calendar year Y: next "
                  "offer due from 1 January of Y + 1.").format(age=again) if again is not None
                else _("Held or declined in calendar year Y: next offer due from 1 January of "
                       "Y + 1."))
        else:
            lines.append(
                _("Held (at any age), or declined at {age} or later, on date d: next offer due "
                  "{months} months after d.").format(age=again, months=self.repeat_months)
                if again is not None
                else _("Held or declined on date d: next offer due {months} months after "
                       "d.").format(months=self.repeat_months))
        if self.agreement_default_term_months:
            lines.append(_("Default term of a new senior agreement: {months} months.").format(
                months=self.agreement_default_term_months))
        else:
            lines.append(_("No default term for senior agreements: give --end or "
                           "--open-ended."))
        if self.in_force_from is not None:
            lines.append(_("In force from {date}: nobody is due under this rule set before "
                           "that date.").format(date=date_short(self.in_force_from)))
        else:
            lines.append(_("In force: no start date given (in_force_from): applies to any "
                           "date."))
        if self.register_start is not None:
            lines.append(_("Register started on {date} (config start-date): a due date before "
                           "it is reported from that day, the earlier date kept in the "
                           "reason.").format(date=date_short(self.register_start)))
        else:
            lines.append(_("Register start: not set (config set start-date DATE): due dates "
                           "are reported as the rule gives them, however long ago."))
        return lines


def _ordinal(n: int) -> str:
    """52 → '52nd' in English, '52.' in Danish."""
    from seniorcli.i18n import language

    return ordinal(n) if language() == "en" else f"{n}."


#: The TOML keys of a rule set and what each takes (for loading, errors and the README;
#: marked for the catalog, translated where an error shows them).
TOML_KEYS: dict[str, str] = {
    "name": N_("text, lower case: the name used with --rules"),
    "title": N_("text"),
    "first_offer_age": N_("whole number, 18-80"),
    "trigger": N_('"birthday" or "calendar_year"'),
    "repeat": N_('"months" or "calendar_year"'),
    "repeat_months": N_('whole number from 1 to 120 (with repeat = "months"; default 12)'),
    "reoffer_age": N_("whole number, optional"),
    "agreement_default_term_months": N_("whole number, optional"),
    "aliases": N_("list of text, optional"),
    "sources": N_("list of text"),
    "interpretations": N_("list of text, optional"),
    "in_force_from": N_("a date (YYYY-MM-DD), optional: nobody is due under the rule set "
                        "before it"),
}
