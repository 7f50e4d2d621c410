"""Albertslund Kommune.

Source: Albertslund Kommune, Retningslinje for Seniorindsatser, agreed in KommuneMED 30 April
2025 (seeds/albertslund-retningslinje-seniorindsatser.txt): every employee is offered a senior
conversation at 52; opt-out; if declined at 52 the offer is repeated at 55; part of MUS; senior
agreements normally run 2 years at a time.
"""

from seniorcli.i18n import N_
from seniorcli.rules.base import RuleSet

ALBERTSLUND = RuleSet(
    name="albertslund",
    title="Albertslund Kommune",
    first_offer_age=52,
    trigger="birthday",
    repeat="months",
    repeat_months=12,
    reoffer_age=55,
    agreement_default_term_months=24,
    sources=(
        "Albertslund Kommune, Retningslinje for Seniorindsatser, aftalt i KommuneMED 30. april "
        "2025: \"alle medarbejdere skal tilbydes en seniorsamtale, når de når en alder af 52 år. "
        "Hvis medarbejderen vælger ikke at deltage i seniorsamtalen som 52-årig, vil tilbuddet "
        "igen blive givet, når de fylder 55 år\"; \"Senioraftaler indgås som udgangspunkt for "
        "2 år ad gangen\" (seeds/albertslund-retningslinje-seniorindsatser.txt).",
        N_("Rammeaftale om seniorpolitik: seniors are offered a senior conversation with the "
           "yearly MUS."),
    ),
    interpretations=(
        N_("Declined before 55 (at any age from 52): offered again on the 55th birthday."),
        N_("Held at any age, or declined at 55 or later: next offer 12 months later, with the "
           "yearly MUS (the framework agreement gives seniors the offer with each MUS)."),
        N_("Default senior agreement term: 2 years, ending the day before the second anniversary "
           "of the start."),
    ),
)
