"""Norddjurs Kommune.

Source: Norddjurs Kommunes Personalepolitik, s. 16, quoted in "Retningslinjer for generations- og
seniorordninger i Norddjurs kommune" (seeds/norddjurs-retningslinjer-notat.txt): "I Norddjurs
Kommune tilbydes alle medarbejdere der er 55 år eller ældre en årlig seniorsamtale."
"""

from seniorcli.i18n import N_
from seniorcli.rules.base import RuleSet

NORDDJURS = RuleSet(
    name="norddjurs",
    title="Norddjurs Kommune",
    first_offer_age=55,
    trigger="birthday",
    repeat="months",
    repeat_months=12,
    sources=(
        "Norddjurs Kommunes Personalepolitik, s. 16, citeret i 'Retningslinjer for generations- "
        "og seniorordninger i Norddjurs kommune' (notat, Hovedudvalget 2022): \"alle "
        "medarbejdere der er 55 år eller ældre [tilbydes] en årlig seniorsamtale\" "
        "(seeds/norddjurs-retningslinjer-notat.txt).",
    ),
    interpretations=(
        N_("First offer on the 55th birthday: the policy covers employees 'aged 55 or older'."),
        N_("Yearly = 12 months after the last conversation held or declined."),
        N_("The policy sets no default term for senior agreements."),
    ),
)
