"""Køge Kommune.

Source: Køge Kommune, Seniorpolitik (seeds/koege-seniorpolitik.txt), "Seniorsamtalen": "tilbydes
alle medarbejdere den første seniorsamtale i det år, de fylder 55 år og herefter en gang årligt";
an offer that may be declined; may be held with MUS; the union representative may take part.
"""

from seniorcli.i18n import N_
from seniorcli.rules.base import RuleSet

KOEGE = RuleSet(
    name="koege",
    title="Køge Kommune",
    aliases=("køge", "koge"),
    first_offer_age=55,
    trigger="calendar_year",
    repeat="calendar_year",
    sources=(
        "Køge Kommune, Seniorpolitik, 'Seniorsamtalen': \"tilbydes alle medarbejdere den første "
        "seniorsamtale i det år, de fylder 55 år og herefter en gang årligt\"; \"Der er alene "
        "tale om et tilbud\"; \"Tillidsrepræsentanten kan deltage\" "
        "(seeds/koege-seniorpolitik.txt).",
    ),
    interpretations=(
        N_("'In the year they turn 55': due from 1 January of that calendar year."),
        N_("Once a year = once per calendar year: after a conversation held or declined in year Y, "
           "the next offer is due from 1 January of Y + 1."),
        N_("The policy sets no default term for senior agreements."),
    ),
)
