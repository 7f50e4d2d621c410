"""The registry of rule sets: the built-ins, plus TOML files a municipality defines itself.

Built-ins are listed explicitly (no name magic). User rule sets come from ``--rules-file`` and
from ``*.toml`` in the ``rules`` folder of the user's configuration directory. Every name and
alias names one rule set only: a file that reuses a built-in's (or another file's) name or alias
is refused, never silently preferred, so `--rules koege` always means the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from seniorcli.errors import NotFoundError, RuleError
from seniorcli.i18n import _
from seniorcli.rules.albertslund import ALBERTSLUND
from seniorcli.rules.base import RuleSet
from seniorcli.rules.koege import KOEGE
from seniorcli.rules.loader import load_rule_file
from seniorcli.rules.norddjurs import NORDDJURS

BUILT_IN: tuple[RuleSet, ...] = (NORDDJURS, KOEGE, ALBERTSLUND)


def _key(text: str) -> str:
    return text.strip().lower()


def _described(rs: RuleSet) -> str:
    """'the built-in rule set Køge Kommune' / 'the rule set Silkeborg Kommune in FILE'."""
    if rs.origin == "built-in":
        return f"the built-in rule set {rs.title}"
    return f"the rule set {rs.title} in {rs.origin}"


class Registry:
    def __init__(self, rule_sets: Iterable[RuleSet]):
        self._all: list[RuleSet] = []
        self._by_key: dict[str, RuleSet] = {}  # every name and alias
        for rs in rule_sets:
            self._add(rs)

    def _add(self, rs: RuleSet) -> None:
        keys = [("name", _key(rs.name))] + [("alias", _key(a)) for a in rs.aliases]
        for kind, key in keys:
            other = self._by_key.get(key)
            if other is None or other is rs:
                continue
            theirs = "" if key == _key(other.name) else "an alias of "
            raise RuleError(
                _("{origin}: the {kind} '{key}' is already {theirs}{other}; "
                "choose another {kind}")
                    .format(origin=rs.origin, kind=kind, key=key, theirs=theirs,
                            other=_described(other)),
                hint=_("rename it in {origin} (key '{aliases}'"
                "); a rule set file cannot replace another rule set")
                    .format(origin=rs.origin, aliases='name' if kind == 'name' else 'aliases'),
            )
        for _kind, key in keys:
            self._by_key[key] = rs
        self._all.append(rs)

    def all(self) -> list[RuleSet]:
        return list(self._all)

    def get(self, name: str) -> RuleSet:
        rs = self._by_key.get(_key(name))
        if rs is not None:
            return rs
        known = ", ".join(sorted(r.name for r in self._all))
        raise NotFoundError(
            _("unknown rule set '{name}'. Known rule sets: {known}").format(name=name, known=known),
            hint=_("seniorcli rules list, or define your own with --rules-file FILE.toml"),
        )


def load_registry(rules_dir: Path | None = None, extra_files: Iterable[Path] = ()) -> Registry:
    """Built-ins, then every ``*.toml`` in ``rules_dir``, then ``extra_files`` (a file named
    twice, e.g. a --rules-file from the rules folder, is read once). A name or alias used twice
    is refused (RuleError naming both sources)."""
    paths: list[Path] = []
    if rules_dir is not None and rules_dir.is_dir():
        paths += sorted(rules_dir.glob("*.toml"))
    paths += [Path(p) for p in extra_files]
    seen: set[Path] = set()
    found: list[RuleSet] = list(BUILT_IN)
    for path in paths:
        try:
            same = path.resolve()
        except OSError:
            same = path
        if same in seen:
            continue
        seen.add(same)
        found.append(load_rule_file(path))
    return Registry(found)
