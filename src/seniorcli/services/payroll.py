"""The payroll change file: the senior agreements that start, change or end in a period, one
row per change, each with the wage type (lønart) payroll keys it under.

What counts, for a period FROM–TO (both included; docs/payroll.md, "The change file"):

- **start**: an agreement whose first day is in the period;
- **end**: an agreement whose last day is in the period (the day it was ended, if it was ended
  early); an open-ended one (9999-12-31 included) never ends;
- **change**, of two kinds: a *renewal* that continues an agreement (its first day is the day
  after the other's last day) is one change row on its first day, instead of an end and a
  start; a *correction* (``agreement correct`` of the first or last day, the hours or the
  amount — not of the note alone) recorded in the period, of an agreement that began before
  it, is one change row with the agreement's terms as they are now.
- **Late registrations**: an agreement recorded in the period whose first day (or last day)
  lies before the period is reported in this period, since the file of its own period was
  made without it (``recorded_late``).

A withdrawn agreement never appears. An agreement's start row already carries its corrected
terms, so a correction of an agreement that starts in the period gives no change row of its
own; nor does a correction of the last day alone when the end row is in the file.

The wage types are data: ``loenarter.toml`` (``[loenart]``, agreement type = code as text)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
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
KIND_ORDER = {"start": 0, "change": 1, "end": 2}

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


def _stamp_bounds(first: date, last: date) -> tuple[str, str]:
    """UTC stamps (as text) that surely hold every moment of the Danish days ``first`` to
    ``last``: a day either side (Denmark is UTC+1 or +2); the exact day is checked after."""
    return (first - timedelta(days=1)).isoformat(), (last + timedelta(days=2)).isoformat()


def _corrections(conn: Db, first: date, last: date) -> dict[int, set[str]]:
    """The agreements whose start, end, hours or amount were changed after they were recorded
    (corrected, or ended early) on a day (in Denmark) from ``first`` to ``last``, with what
    changed (db table agreement_change)."""
    found: dict[int, set[str]] = {}
    for at, agreement_id, fields in agreement_rows.changes_made(
            conn, *_stamp_bounds(first, last)):
        day = _danish_day(at)
        changed = set(fields.split(",")) & set(PAYROLL_FIELDS)
        if day is None or not first <= day <= last or not changed:
            continue
        found.setdefault(agreement_id, set()).update(changed)
    return found


def _end(a: ChangedAgreement) -> date | None:
    from seniorcli.dates import OPEN_END

    return None if a.end_date is None or a.end_date >= OPEN_END else a.end_date


def _row(a: ChangedAgreement, kind: str, cause: str, wage_types: WageTypes, *,
         late: bool = False, corrected: set[str] | None = None) -> dict:
    last_day = _end(a)
    return {
        "employee_id": a.employee_id, "name": a.name, "department": a.department,
        "type": a.type, "wage_type": wage_types.code(a.type), "kind": kind, "cause": cause,
        "first_day": a.start_date, "last_day": last_day,
        "weekly_hours": a.weekly_hours, "amount": a.amount, "agreement_id": a.id,
        "corrected": ",".join(f for f in PAYROLL_FIELDS if f in corrected) if corrected
        else None,
        "recorded_late": late, "last_day_day_off": day_off(last_day),
    }


def changes(conn: Db, first: date, last: date, wage_types: WageTypes) -> list[dict]:
    """The change rows of the period ``first``–``last`` (both included), by employee, then
    day (the first day of a start or change, the last day of an end), kind and agreement.
    See the module's docstring for what counts."""
    corrected = _corrections(conn, first, last)
    since, before = _stamp_bounds(first, last)
    rows: list[tuple[tuple, dict]] = []
    for a in agreement_rows.changing(conn, first=first, last=last, recorded_from=since,
                                     recorded_before=before, ids=sorted(corrected)):
        recorded = _danish_day(a.recorded_at)
        recorded_in = recorded is not None and first <= recorded <= last
        end = _end(a)
        continues = (a.renews_end is not None and a.renews_end < date.max
                     and a.renews_end + timedelta(days=1) == a.start_date)
        continued = (end is not None and a.renewal_start is not None
                     and end + timedelta(days=1) == a.renewal_start)
        started = first <= a.start_date <= last
        late_start = a.start_date < first and recorded_in
        if started or late_start:
            kind, cause = ("change", "renewal") if continues else ("start", "new")
            rows.append(((a.employee_id, a.start_date, KIND_ORDER[kind], a.id),
                         _row(a, kind, cause, wage_types, late=late_start)))
        fields = corrected.get(a.id)
        ends = end is not None and not continued and (
            first <= end <= last or (end < first and recorded_in))
        if (fields and a.start_date < first and not late_start
                and not (ends and fields <= {"end"})):
            rows.append(((a.employee_id, a.start_date, KIND_ORDER["change"], a.id),
                         _row(a, "change", "correction", wage_types, corrected=fields)))
        if ends and end is not None:
            rows.append(((a.employee_id, end, KIND_ORDER["end"], a.id),
                         _row(a, "end", "ended_early" if a.ended_on else "expires",
                              wage_types, late=end < first)))
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
