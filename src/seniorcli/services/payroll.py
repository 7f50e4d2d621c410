"""The payroll change file: the senior agreements that start, change, end or are cancelled in
a period, one row per change, each with the wage type (lønart) payroll keys it under.

What counts, for a period FROM–TO (both included; docs/payroll.md, "What is a change"): what
payroll must be told by the end of TO that it was not told by the end of the day before FROM,
judged only by what was recorded (the Danish day) by then. Each change belongs to the period
holding the later of its own day and the day it was recorded:

- **start**: the agreement's first day, or the day it was recorded if that is later (then
  ``recorded_late`` when the first day lies before the period);
- **end**: its last day (the day it was ended, if ``agreement end`` ended it early; when, is
  in table agreement_change) or the day that was recorded, if later; an open-ended one
  (9999-12-31 included) never ends;
- **change**, of two kinds: a *renewal* recorded by the end of the period that continues an
  agreement (its first day is the day after the other's last day) is one change row on its
  first day, instead of an end and a start — but a renewal recorded after payroll was told of
  the end is a ``start`` (cause renewal): the supplement starts again, with no day between;
  a *correction* (``agreement correct`` of the first or last day, the hours or the amount —
  not of the note alone) of an agreement whose start payroll was told of before the period,
  recorded in it: one change row with the terms as they are at the end of the period, and
  ``corrected`` names what differs from the end of the day before;
- **cancel**: an agreement withdrawn in the period whose start an earlier period's file had;
  one withdrawn before payroll was told of it gives nothing.

A start row carries the terms as known at the end of its period, so a correction made in the
same period gives no row of its own; nor does a correction of the last day alone when the
end row is in the file. A row of an earlier period shows the terms as they were then: what
they were before each correction or early end is read from the head of the audit entry it
wrote (the agreement before it, as ``describe_agreement`` puts it, before any note).

The wage types are data: ``loenarter.toml`` (``[loenart]``, agreement type = code as text)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from seniorcli.db import Db
from seniorcli.db import agreements as agreement_rows
from seniorcli.db.agreements import ChangedAgreement
from seniorcli.errors import InputFileError, SeniorError
from seniorcli.i18n import _, ngettext
from seniorcli.workdays import day_off

if TYPE_CHECKING:
    from seniorcli.tomlfile import TomlMistake

#: The file looked for beside seniordays.toml in the configuration folder.
WAGE_TYPES_FILE = "loenarter.toml"

#: A wage-type code as payroll systems name them (KMD OPUS and SD Løn: digits, "0610"):
#: letters and digits, and - _ . / inside; text, so that leading zeros stay.
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,19}")

#: The order of a row's kind among one employee's rows of one day.
KIND_ORDER = {"cancel": 0, "start": 1, "change": 2, "end": 3}

#: What a correction may change that payroll keys (the note is not keyed).
PAYROLL_FIELDS = ("start", "end", "hours", "amount")


@dataclass(frozen=True)
class WageTypes:
    """Agreement type key → wage-type code, and the file they came from (None: none given)."""

    codes: dict[str, str] = field(default_factory=dict)
    source: Path | None = None

    def code(self, kind: str) -> str | None:
        return self.codes.get(kind)


def _example(keys: Iterable[str]) -> str:
    return "[loenart]\n" + "\n".join(f'{k} = "0610"' for k in keys)


def load_wage_types(path: Path) -> WageTypes:
    """Read a wage-type file::

        [loenart]
        seniorstilling = "0610"
        loentillaeg = "0620"

    Keys are agreement types as ``agreement add --type`` takes them (any case, Danish letters
    or not: a key with æ, ø, å or a space in quotes, ``"løntillæg" = "0620"``); codes are text
    in quotes, so that a leading zero stays. Anything else is refused (InputFileError, exit 1)
    naming the file, the line and the key, with the line as it should be written."""
    from seniorcli.agreements import close_types, find_type
    from seniorcli.tomlfile import read_toml

    where = str(path)
    data = read_toml(path, InputFileError, explain=lambda m: _explain(path, m))
    for key in data:
        if key != "loenart":
            raise InputFileError(_("{where}: unknown key '{key}'").format(where=where, key=key),
                                 hint=_("the file holds one table, [loenart], e.g.:\n{example}")
                                 .format(example=_example(["seniorstilling"])))
    table = data.get("loenart")
    if not isinstance(table, dict):
        raise InputFileError(_("{where}: there is no table [loenart]").format(where=where),
                             hint=_("the file holds one table, [loenart], e.g.:\n{example}")
                             .format(example=_example(["seniorstilling"])))
    codes: dict[str, str] = {}
    named: dict[str, str] = {}
    for key, code in table.items():
        kind = find_type(key)
        if kind is None:
            close = close_types(key)
            message = _("{where}: [loenart]: unknown agreement type '{key}'").format(
                where=where, key=key)
            if close:
                message = _("{where}: [loenart]: unknown agreement type '{key}'; did you mean "
                            "{types}?").format(where=where, key=key,
                                               types=_(" or ").join(f"'{c}'" for c in close))
            raise InputFileError(message, hint=_("seniorcli agreement types lists the types"))
        if kind.key in named:
            raise InputFileError(_("{where}: [loenart]: '{first}' and '{second}' are the same "
                                   "agreement type ({type})")
                                 .format(where=where, first=named[kind.key], second=key,
                                         type=kind.key),
                                 hint=_("keep one of them"))
        if not isinstance(code, str):
            _refuse_value(path, key, code)
        if not _CODE.fullmatch(code.strip()):
            raise InputFileError(_("{where}: [loenart]: {key} = \"{code}\": a wage type code "
                                   "is 1-20 letters and digits (and - _ . / after the first)")
                                 .format(where=_at(path, key), key=_toml_key(key), code=code),
                                 hint=_("write it as the payroll system names it, e.g. "
                                        "{key} = \"0610\"").format(key=_toml_key(key)))
        named[kind.key] = key
        codes[kind.key] = code.strip()
    return WageTypes(codes, path)


#: A name TOML takes without quotes ("bare key"): ASCII letters, digits, - and _.
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: ``key = value  # comment`` as people write it in the file, before TOML reads it.
_ASSIGNMENT = re.compile(r"""\s*(?P<key>"[^"]*"|'[^']*'|[^=#"']*?)\s*=\s*"""
                         r"""(?P<value>[^#]*?)\s*(?:#.*)?$""")
#: Quotes a word processor or Outlook puts instead of "".
_CURLY = "“”„‘’‚«»"


def _toml_key(key: str) -> str:
    """``key`` as a TOML name: as it is when TOML takes it bare, else in quotes."""
    return key if _BARE_KEY.fullmatch(key) else '"' + key.replace('"', '\\"') + '"'


def _explain(path: Path, mistake: TomlMistake) -> tuple[str, str, int] | None:
    """The common mistakes in a wage-type file, read from the line TOML stopped at: a code
    without quotes (``seniorstilling = 0610``, whose leading zero TOML would not keep), a
    type with Danish letters or a space without quotes (``løntillæg = "0620"``), curly quotes
    from a word processor. The message names the file, line and column; the hint is the line
    as it should be written. None: not one of these (tomlfile says it the common way)."""
    m = _ASSIGNMENT.fullmatch(mistake.text)
    if m is None or not m["key"] or m["key"].startswith("["):
        return None
    raw_key, raw_value = m["key"], m["value"]
    key = raw_key[1:-1] if raw_key[:1] in "\"'" else raw_key
    value = raw_value.strip(_CURLY + "\"'")
    key_bad = raw_key[:1] not in "\"'" and not _BARE_KEY.fullmatch(raw_key)
    value_bad = (raw_value[:1] not in "\"'" and bool(_CODE.fullmatch(value))
                 and (raw_value == value or raw_value[:1] in _CURLY))
    if not key_bad and not value_bad:
        return None
    fix = f'{_toml_key(key)} = "{value}"' if value else f'{_toml_key(key)} = "0610"'
    column = mistake.text.index(raw_key if key_bad else raw_value) + 1
    line = _("{path}, line {line}, column {column}").format(path=path, line=mistake.line,
                                                            column=column)
    if key_bad:
        kind = _type_key(key)
        message = _("{where}: the agreement type {key} must be in quotes: a name with other "
                    "letters than a-z, digits, - and _ (such as æ, ø, å or a space) is text "
                    "in TOML").format(where=line, key=key)
        hint = _("write the line as {fix}").format(fix=fix)
        if kind is not None and kind != key:
            hint = _("write the line as {fix} (or with the type's key: {plain})").format(
                fix=fix, plain=f'{kind} = "{value or "0610"}"')
        return message, hint, column
    if raw_value[:1] in _CURLY:
        return (_("{where}: the wage type code {value} has curly quotes, as a word processor "
                  "writes them; TOML takes straight quotes (\")").format(where=line,
                                                                      value=raw_value),
                _("write the line as {fix} (in a plain text editor such as Notepad)")
                .format(fix=fix), column)
    return (_("{where}: the wage type code {value} must be in quotes: a code is text, so that "
              "a leading zero stays").format(where=line, value=raw_value),
            _("write the line as {fix}").format(fix=fix), column)


def _type_key(text: str) -> str | None:
    """The key of the agreement type ``text`` names, or None."""
    from seniorcli.agreements import find_type

    kind = find_type(text)
    return kind.key if kind is not None else None


def _located(path: Path, key: str) -> tuple[int, int, str] | None:
    """Where ``key = …`` is written in the file: (line, column of the value, the value as
    written), for a message about a value TOML read but we cannot use."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, text in enumerate(lines, 1):
        m = _ASSIGNMENT.fullmatch(text)
        if m is None or not m["key"]:
            continue
        written = m["key"]
        if (written[1:-1] if written[:1] in "\"'" else written) == key and m["value"]:
            return number, text.index(m["value"]) + 1, m["value"]
    return None


def _at(path: Path, key: str) -> str:
    """"FILE, line N, column C" of ``key``'s value, or the file alone."""
    found = _located(path, key)
    if found is None:
        return str(path)
    return _("{path}, line {line}, column {column}").format(path=path, line=found[0],
                                                            column=found[1])


def _refuse_value(path: Path, key: str, value: object) -> None:
    """A code TOML read as something else than text: a number (``610``: its leading zeros
    would be lost), a list, true/false or a date. Raises InputFileError."""
    found = _located(path, key)
    written = found[2] if found is not None else _toml_value(value)
    where = _at(path, key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise InputFileError(_("{where}: [loenart]: {key} = {value}: a wage type code must be "
                               "text in quotes (a number loses its leading zeros)")
                             .format(where=where, key=_toml_key(key), value=written),
                             hint=_("write the line as {fix}").format(
                                 fix=f'{_toml_key(key)} = "{written}"'))
    example = next((v for v in value if isinstance(v, str)), "0610") \
        if isinstance(value, list) else "0610"
    what = (_("a list") if isinstance(value, list) else _("a table") if isinstance(value, dict)
            else _("true or false") if isinstance(value, bool) else _("a date"))
    raise InputFileError(_("{where}: [loenart]: {key} = {value}: a wage type code is one text "
                           "in quotes, not {what}; one agreement type has one wage type")
                         .format(where=where, key=_toml_key(key), value=written, what=what),
                         hint=_("write the line as {fix}").format(
                             fix=f'{_toml_key(key)} = "{example}"'))


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def wage_types_for(given: Path | None, default: Path) -> WageTypes:
    """``--wage-types FILE``, else ``default`` (beside seniordays.toml) if it is there, else
    none configured (every change row will then be refused for want of a code)."""
    if given is not None:
        return load_wage_types(given)
    if default.exists():
        return load_wage_types(default)
    return WageTypes({}, None)


# -- the changes -------------------------------------------------------------------------------
#
# Which period a change belongs to (docs/payroll.md, "What is a change"): the file of a period
# FROM–TO is what payroll must be told at the end of TO that it was not told at the end of
# the day before FROM, judged by what was recorded (Danish day) by then. So every change is in
# exactly one period's file, and a period's file is the same whenever it is run after TO.
#
# The register keeps an agreement's terms as they are now; what they were before a correction
# or an early end is read from the head of the audit entry `agreement correct` and `agreement
# end` write ("agreement 12 (seniorstilling 2026-01-01 to 2027-12-31, 30 hours, …): …",
# describe_agreement), and when it was corrected or ended early from table agreement_change
# (schema 4).

_COPENHAGEN = None


def _danish_day(stamp: str | None) -> date | None:
    """The day in Denmark of a UTC stamp ("2026-11-10T23:30:00+00:00" → 2026-11-11)."""
    global _COPENHAGEN
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if _COPENHAGEN is None:
        from zoneinfo import ZoneInfo

        _COPENHAGEN = ZoneInfo("Europe/Copenhagen")
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_COPENHAGEN).date()


def _day_recorded(stamp: str | None) -> date:
    """The Danish day of a stamp; one that cannot be read counts as long ago."""
    return _danish_day(stamp) or date.min


@dataclass(frozen=True)
class Terms:
    """What payroll keys of an agreement at one time: first and last day (None: open-ended;
    a last day set by `agreement end`: ``ended_early``), weekly hours and amount.
    ``end_known`` is False for the last day an agreement had before an `agreement end` when
    nothing recorded tells it (``end`` then holds the one it has now, for the row)."""

    start: date
    end: date | None
    ended_early: bool
    hours: float | None
    amount: float | None
    end_known: bool = True


def _keyed(t: Terms) -> dict[str, object]:
    """The terms as payroll keys them (the amount in øre, the hours as the audit log writes
    them), to compare two versions."""
    return {"start": t.start, "end": (t.end, t.end_known),
            "hours": None if t.hours is None else f"{t.hours:g}",
            "amount": None if t.amount is None else round(t.amount, 2)}


def _corrected(before: Terms, after: Terms) -> set[str]:
    old, new = _keyed(before), _keyed(after)
    return {f for f in PAYROLL_FIELDS if old[f] != new[f]}


#: The head of an `agreement correct` or `agreement end` audit entry: the agreement before it
#: (services.agreements.describe_agreement). The note comes after all this, so nothing a user
#: writes can imitate it.
_BEFORE = re.compile(
    r"agreement (?P<id>\d+) \((?P<type>[a-z0-9_]+) "
    r"(?:(?P<start>\d{4}-\d{2}-\d{2}) to (?P<end>\d{4}-\d{2}-\d{2})"
    r"|from (?P<open>\d{4}-\d{2}-\d{2}), open-ended)"
    r"(?P<early> \(ended early\))?"
    r"(?:, (?P<hours>[-+0-9.e]+) hours)?"
    r"(?:, (?P<amount>-?[0-9,]+(?:\.[0-9]+)?) kr)?"
    r"(?:, note '|\): )")
_AGREEMENT_ID = re.compile(r"agreement (\d+) \(")


def terms_before(detail: str) -> tuple[int, Terms | None] | None:
    """(agreement id, its terms before the correction) from an `agreement correct` audit
    detail; the terms are None when the detail cannot be read (the id alone could); None
    when it names no agreement."""
    named = _AGREEMENT_ID.match(detail)
    if named is None:
        return None
    m = _BEFORE.match(detail)
    if m is None:
        return int(named[1]), None
    try:
        terms = Terms(date.fromisoformat(m["start"] or m["open"]),
                      date.fromisoformat(m["end"]) if m["end"] else None, bool(m["early"]),
                      float(m["hours"]) if m["hours"] else None,
                      float(m["amount"].replace(",", "")) if m["amount"] else None)
    except ValueError:
        return int(named[1]), None
    return int(named[1]), terms


def _end(a: ChangedAgreement) -> date | None:
    from seniorcli.dates import OPEN_END

    return None if a.end_date is None or a.end_date >= OPEN_END else a.end_date


@dataclass
class _History:
    """One agreement through time: the Danish days it was recorded and withdrawn, and its
    terms as they became known (``versions``: day, terms; oldest first). ``exact`` is False
    when its corrections could not be read back from the audit log: then each counts with
    the fields it changed, in the period it was made (``changed``)."""

    row: ChangedAgreement
    recorded: date
    withdrawn: date | None
    versions: list[tuple[date, Terms]]
    changed: list[tuple[date, set[str]]]
    exact: bool
    renews: _History | None = None
    renewals: list[_History] = field(default_factory=list)

    def known(self, day: date) -> list[tuple[date, Terms]]:
        return [v for v in self.versions if v[0] <= day]

    def at(self, day: date) -> Terms:
        """The terms as known at the end of ``day`` (the first ones before it was recorded)."""
        known = self.known(day)
        return known[-1][1] if known else self.versions[0][1]

    def live(self, day: date) -> bool:
        """Recorded, and not withdrawn, by the end of ``day``."""
        return self.recorded <= day and (self.withdrawn is None or self.withdrawn > day)

    def started(self, last: date) -> date:
        """The day payroll was to be told of the start, as known at the end of ``last``: the
        first day on which the terms then known had begun (may lie after ``last``)."""
        known = self.known(last) or self.versions[:1]
        for i, (since, terms) in enumerate(known):
            day = max(terms.start, since)
            if i + 1 == len(known) or day < known[i + 1][0]:
                return day
        raise AssertionError("unreachable")

    def _withdrawn_by(self, last: date) -> date | None:
        return self.withdrawn if self.withdrawn is not None and self.withdrawn <= last else None

    def _continuing(self, end: date, day: date, last: date) -> list[_History]:
        """The renewals that continue the agreement from the day after ``end`` on ``day``,
        as known at the end of ``last``."""
        return [n for n in self.renewals
                if n.recorded <= min(day, last)
                and ((w := n._withdrawn_by(last)) is None or w > day)
                and n.at(min(day, last)).start == end + timedelta(days=1)]

    def continued(self, end: date, last: date) -> bool:
        """Whether a renewal recorded by the end of ``last`` (and not withdrawn by then)
        continues the agreement from the day after ``end``."""
        return bool(self._continuing(end, last, last))

    def ended(self, last: date) -> date | None:
        """The day payroll was to be told of the end, as known at the end of ``last``: the
        first day on which the last day then known had passed and no renewal recorded by
        then continued it. None: it never ends (open-ended, or continued)."""
        known = self.known(last) or self.versions[:1]
        started = self.started(last)
        for i, (since, terms) in enumerate(known):
            if terms.end is None or not terms.end_known:
                continue
            day: date | None = max(terms.end, since, started)
            while day is not None and (going := self._continuing(terms.end, day, last)):
                # continued until the last of those renewals was withdrawn (or for good)
                stops = [n._withdrawn_by(last) for n in going]
                day = None if any(w is None for w in stops) else max(
                    w for w in stops if w is not None)
            if day is not None and (i + 1 == len(known) or day < known[i + 1][0]):
                return day
        return None

    def continues(self, day: date) -> bool:
        """Whether it continues the agreement it renews, as known at the end of ``day``."""
        old = self.renews
        if old is None or not old.live(day):
            return False
        end = old.at(day)
        return (end.end is not None and end.end_known
                and self.at(day).start == end.end + timedelta(days=1))


def _histories(conn: Db, first: date, last: date) -> dict[int, _History]:
    since = (first - timedelta(days=1)).isoformat()  # before every moment of FROM in Denmark
    agreements = agreement_rows.changing(conn, first=first, last=last, since=since)
    changed: dict[int, list[tuple[date, set[str]]]] = {a.id: [] for a in agreements}
    for at, agreement_id, fields in agreement_rows.changes_of(conn, first=first, last=last,
                                                              since=since):
        if agreement_id in changed:
            changed[agreement_id].append((_day_recorded(at), set(fields.split(",")) - {""}))
    before: dict[int, list[Terms | None]] = {a.id: [] for a in agreements}
    for detail in agreement_rows.correction_details(conn):
        found = terms_before(detail)
        if found is not None and found[0] in before:
            before[found[0]].append(found[1])
    # an agreement renewed ended the day before the renewal's first day when it was renewed
    # (`agreement renew` refuses one that was ended early), and while the renewal is not
    # withdrawn (`agreement correct` refuses to move its end)
    renewed_to: dict[int, tuple[date, bool]] = {}
    for a in sorted(agreements, key=lambda a: a.id):  # the latest renewal wins
        if a.renews_id is not None:
            renewed_to[a.renews_id] = (a.start_date - timedelta(days=1), a.withdrawn_at is None)
    out: dict[int, _History] = {}
    for a in agreements:
        recorded = _day_recorded(a.recorded_at)
        withdrawn = _danish_day(a.withdrawn_at) if a.withdrawn_at else None
        if withdrawn is not None:
            withdrawn = max(withdrawn, recorded)
        changes: list[tuple[date, set[str]]] = []
        known_by = recorded
        for day, what in changed[a.id]:  # a change is known no earlier than the one before
            known_by = max(known_by, day)
            changes.append((known_by, what))
        now = Terms(a.start_date, _end(a), a.ended_on is not None, a.weekly_hours, a.amount)
        versions = _versions(recorded, now, changes, before[a.id], renewed_to.get(a.id))
        exact = versions is not None
        if versions is None:
            versions = _approximate(recorded, now, changes)
        out[a.id] = _History(a, recorded, withdrawn, versions, changes, exact)
    for h in out.values():
        if h.row.renews_id is not None and h.row.renews_id in out:
            h.renews = out[h.row.renews_id]
            h.renews.renewals.append(h)
    return out


def _versions(recorded: date, now: Terms, changes: list[tuple[date, set[str]]],
              before: list[Terms | None], renewed_to: tuple[date, bool] | None
              ) -> list[tuple[date, Terms]] | None:
    """The terms after each change (``changes``: agreement_change, in order), walking back
    from ``now`` through the terms before each correction or early end (``before``: the
    audit log, in order). An early end made before `agreement end` wrote its detail is one
    change of "end" with no audit detail, between the corrections made before it and those
    made after (whose terms before say "(ended early)"); its last day before that is known
    from a renewal
    (``renewed_to``: the day before its first day, and whether it is live) or from a
    correction before it that left the last day alone. None when the two do not fit
    together."""
    if any(b is None for b in before):
        return None
    known = [b for b in before if b is not None]
    ended_at: int | None = None
    if now.ended_early and len(changes) == len(known) + 1:
        ended_at = sum(1 for b in known if not b.ended_early)
        if (changes[ended_at][1] != {"end"}
                or any(b.ended_early for b in known[:ended_at])
                or not all(b.ended_early for b in known[ended_at:])):
            return None
    elif len(changes) != len(known):
        return None
    befores: list[Terms | None] = list(known)
    if ended_at is not None:
        befores.insert(ended_at, None)
    after = now
    out: list[tuple[date, Terms]] = []
    for i in reversed(range(len(changes))):
        out.append((changes[i][0], after))
        b = befores[i]
        if b is None:  # an `agreement end` without detail: its last day before, if known
            prev = befores[i - 1] if i > 0 else None
            moved = any("end" in what for j, (_day, what) in enumerate(changes) if j != i)
            if renewed_to is not None and (renewed_to[1] or not moved):
                b = replace(after, end=renewed_to[0], ended_early=False)
            elif prev is not None and "end" not in changes[i - 1][1]:
                b = replace(after, end=prev.end, ended_early=False)
            else:
                b = replace(after, ended_early=False, end_known=False)
        after = b
    out.append((recorded, after))
    return out[::-1]


def _approximate(recorded: date, now: Terms, changes: list[tuple[date, set[str]]]
                 ) -> list[tuple[date, Terms]]:
    """The terms through time when the corrections cannot be read back: as they are now since
    the agreement was recorded, except an early end, known from the last change of the end
    (a register from before schema 4 has none: the early end counts by its date)."""
    ends = [day for day, fields in changes if "end" in fields]
    if now.ended_early and ends:
        return [(recorded, replace(now, ended_early=False, end_known=False)), (ends[-1], now)]
    return [(recorded, now)]


def _row(a: ChangedAgreement, terms: Terms, kind: str, cause: str, wage_types: WageTypes, *,
         late: bool = False, corrected: set[str] | None = None) -> dict:
    return {
        "employee_id": a.employee_id, "name": a.name, "department": a.department,
        "type": a.type, "wage_type": wage_types.code(a.type), "kind": kind, "cause": cause,
        "first_day": terms.start, "last_day": terms.end,
        "weekly_hours": terms.hours, "amount": terms.amount, "agreement_id": a.id,
        "corrected": ",".join(f for f in PAYROLL_FIELDS if f in corrected) if corrected
        else None,
        "recorded_late": late, "last_day_day_off": day_off(terms.end),
    }


def _rows_of(h: _History, first: date, last: date, wage_types: WageTypes
             ) -> list[tuple[tuple, dict]]:
    """The rows of one agreement in the period (see the module's docstring)."""
    a = h.row
    if h.recorded > last:
        return []
    before = first - timedelta(days=1)
    now = h.at(last)
    started = h.started(last)
    rows: list[tuple[tuple, dict]] = []

    def add(terms: Terms, kind: str, cause: str, *, late: bool = False,
            corrected: set[str] | None = None) -> None:
        day = terms.end if kind == "end" and terms.end is not None else terms.start
        rows.append(((a.employee_id, day, KIND_ORDER[kind], a.id),
                     _row(a, terms, kind, cause, wage_types, late=late, corrected=corrected)))

    if h.withdrawn is not None and h.withdrawn <= last:
        # told of in an earlier period's file, withdrawn in this one: payroll must undo it
        if h.withdrawn >= first and started < first:
            add(h.at(before), "cancel", "renewal" if h.continues(before) else "new")
        return rows
    if first <= started <= last:
        cause = "renewal" if h.continues(last) else "new"
        old = h.renews
        told_end = (old is not None and cause == "renewal"
                    and (end := old.ended(last)) is not None and end < first)
        # a renewal of an agreement whose end payroll was told of starts it again
        kind = "change" if cause == "renewal" and not told_end else "start"
        add(now, kind, cause, late=now.start < first)
    ended = h.ended(last)
    ends = (ended is not None and first <= ended <= last and now.end is not None
            and not h.continued(now.end, last))
    if started < first:
        fields = (_corrected(h.at(before), now) if h.exact else
                  {f for day, changed in h.changed if first <= day <= last
                   for f in changed if f in PAYROLL_FIELDS})
        if fields and not (ends and fields <= {"end"}):
            add(now, "change", "correction", corrected=fields)
    if ends and now.end is not None:
        add(now, "end", "ended_early" if now.ended_early else "expires",
            late=now.end < first)
    return rows


def changes(conn: Db, first: date, last: date, wage_types: WageTypes) -> list[dict]:
    """The change rows of the period ``first``–``last`` (both included), by employee, then
    day (the first day of a start, change or cancel, the last day of an end), kind and
    agreement. See the module's docstring for what counts."""
    rows: list[tuple[tuple, dict]] = []
    for h in _histories(conn, first, last).values():
        if h.row.picked:
            rows.extend(_rows_of(h, first, last, wage_types))
    return [row for _key, row in sorted(rows, key=lambda r: r[0])]


def require_wage_types(rows: list[dict], wage_types: WageTypes, where: Path) -> None:
    """Refuse (exit 1, nothing written) when a change row's agreement type has no wage-type
    code, naming every such type and the lines to add (to ``where``, or the --wage-types
    file)."""
    missing: dict[str, int] = {}
    for r in rows:
        if r["wage_type"] is None:
            missing[r["type"]] = missing.get(r["type"], 0) + 1
    if not missing:
        return
    kinds = sorted(missing)
    counted = ", ".join(ngettext("{type} ({n} change)", "{type} ({n} changes)", missing[k])
                        .format(type=k, n=missing[k]) for k in kinds)
    source = wage_types.source or where
    example = "[loenart]\n" + "\n".join(f'{k} = "…"' for k in kinds)
    raise SeniorError(
        _("no wage type (lønart) is configured for {types}; nothing was written")
        .format(types=counted),
        hint=_("add the payroll system's codes (in quotes) to {file}, or to the file given with "
               "--wage-types:\n{example}\n`seniorcli agreement types` shows the codes configured")
        .format(file=source, example=example))
