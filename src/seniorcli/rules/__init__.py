"""The registry of rule sets: the built-ins, plus TOML files a municipality defines itself.

Built-ins are listed explicitly (no name magic). User rule sets come from ``--rules-file`` and
from ``*.toml`` in the ``rules`` folder of the user's configuration directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from seniorcli.errors import NotFoundError
from seniorcli.rules.albertslund import ALBERTSLUND
from seniorcli.rules.base import RuleSet
from seniorcli.rules.koege import KOEGE
from seniorcli.rules.loader import load_rule_file
from seniorcli.rules.norddjurs import NORDDJURS

BUILT_IN: tuple[RuleSet, ...] = (NORDDJURS, KOEGE, ALBERTSLUND)


class Registry:
    def __init__(self, rule_sets: Iterable[RuleSet]):
        self._by_name: dict[str, RuleSet] = {}
        for rs in rule_sets:
            # A user file with a built-in's name replaces the built-in (later wins).
            self._by_name[rs.name] = rs

    def all(self) -> list[RuleSet]:
        return list(self._by_name.values())

    def get(self, name: str) -> RuleSet:
        key = name.strip().lower()
        for rs in self._by_name.values():
            if key == rs.name or key in rs.aliases:
                return rs
        known = ", ".join(sorted(self._by_name))
        raise NotFoundError(
            f"unknown rule set '{name}'. Known rule sets: {known}",
            hint="seniorcli rules list, or define your own with --rules-file FILE.toml",
        )


def load_registry(rules_dir: Path | None = None, extra_files: Iterable[Path] = ()) -> Registry:
    """Built-ins, then every ``*.toml`` in ``rules_dir``, then ``extra_files``."""
    found: list[RuleSet] = list(BUILT_IN)
    if rules_dir is not None and rules_dir.is_dir():
        found += [load_rule_file(p) for p in sorted(rules_dir.glob("*.toml"))]
    found += [load_rule_file(Path(p)) for p in extra_files]
    return Registry(found)
