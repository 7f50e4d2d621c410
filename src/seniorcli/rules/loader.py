"""Rule sets from TOML files, for municipalities that are not built in.

Example (Silkeborg offers the senior conversation from 60, yearly)::

    name = "silkeborg"
    title = "Silkeborg Kommune"
    first_offer_age = 60
    trigger = "birthday"
    repeat = "months"
    repeat_months = 12
    sources = ["Silkeborg Kommune, personalepolitik: seniorsamtale fra 60 år"]
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from seniorcli.dates import DateFormatError, parse_date
from seniorcli.errors import RuleError
from seniorcli.i18n import _
from seniorcli.rules.base import TOML_KEYS, RuleSet
from seniorcli.tomlfile import read_toml

_REQUIRED = ("name", "title", "first_offer_age", "sources")
_CHOICES = {"trigger": ("birthday", "calendar_year"), "repeat": ("months", "calendar_year")}
_INT_RANGES = {
    "first_offer_age": (18, 80),
    "repeat_months": (1, 120),
    "reoffer_age": (18, 80),
    "agreement_default_term_months": (1, 240),
}


def load_rule_file(path: Path) -> RuleSet:
    """Read and check one rule set file; a mistake names the file and the key."""
    return rule_set_from_mapping(read_toml(path, RuleError), str(path))


def rule_set_from_mapping(data: dict[str, Any], where: str) -> RuleSet:
    def bad(key: str, why: str) -> RuleError:
        return RuleError(_("{where}: key '{key}' {why}")
            .format(where=where, key=key, why=why),
            hint=_("'{key}' takes {kind}").format(key=key, kind=_(TOML_KEYS[key])))

    unknown = sorted(set(data) - set(TOML_KEYS))
    if unknown:
        raise RuleError(
            _("{where}: unknown key '{unknown}'").format(where=where, unknown=unknown[0]),
            hint=_("known keys: {keys}").format(keys=", ".join(TOML_KEYS)),
        )
    for key in _REQUIRED:
        if key not in data:
            raise bad(key, _("is missing"))
    for key in ("name", "title"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise bad(key, _("must be non-empty text"))
    for key, (lo, hi) in _INT_RANGES.items():
        if key in data:
            v = data[key]
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise bad(key, _("must be a whole number from {low} to {high}, not {value}").format(
                    low=lo, high=hi, value=repr(v)))
    for key, choices in _CHOICES.items():
        if key in data and data[key] not in choices:
            raise bad(key, _("must be one of {choices}, not {value}").format(
                choices=", ".join(choices), value=repr(data[key])))
    for key in ("aliases", "sources", "interpretations"):
        if key in data and (
            not isinstance(data[key], list) or not all(isinstance(x, str) for x in data[key])
        ):
            raise bad(key, _("must be a list of text"))
    if not data["sources"]:
        raise bad("sources", _("must name at least one source document"))
    in_force = data.get("in_force_from")
    if in_force is not None:
        in_force = _date_value(in_force)
        if in_force is None:
            raise bad("in_force_from", _("must be a date, not {value}").format(
                value=repr(data["in_force_from"])))
    reoffer = data.get("reoffer_age")
    if reoffer is not None and reoffer <= data["first_offer_age"]:
        raise bad("reoffer_age", _("must be above first_offer_age"))
    return RuleSet(
        name=data["name"].strip().lower(),
        title=data["title"].strip(),
        first_offer_age=data["first_offer_age"],
        trigger=data.get("trigger", "birthday"),
        repeat=data.get("repeat", "months"),
        repeat_months=data.get("repeat_months", 12),
        reoffer_age=reoffer,
        agreement_default_term_months=data.get("agreement_default_term_months"),
        aliases=tuple(a.lower() for a in data.get("aliases", [])),
        sources=tuple(data["sources"]),
        interpretations=tuple(data.get("interpretations", [])),
        origin=where,
        in_force_from=in_force,
    )


def _date_value(value: object) -> date | None:
    """A TOML date (``2026-01-01``) or text in one of the accepted date formats."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except DateFormatError:
            return None
    return None
