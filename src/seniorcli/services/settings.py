"""Settings stored in the database (e.g. the default rule set)."""

from __future__ import annotations

from seniorcli.db import Db
from seniorcli.db import settings as rows
from seniorcli.db.engine import transaction
from seniorcli.errors import SeniorError
from seniorcli.i18n import N_, _
from seniorcli.services.common import audit

#: The settings and what each is for (marked for the catalog, translated where shown).
KNOWN = {
    "rules": N_("the default rule set, used when --rules is not given"),
    "start-date": N_("the day the register started: due dates before it are reported from it"),
    "language": N_("da or en: the language of messages, tables and reports (help texts follow "
                   "SENIORCLI_LANG and the locale)"),
}


def get_setting(conn: Db, key: str) -> str | None:
    return rows.get(conn, key)


def set_setting(conn: Db, key: str, value: str | None) -> None:
    if key not in KNOWN:
        raise SeniorError(_("unknown setting '{key}'")
            .format(key=key), hint=_("settings: {keys}").format(
                keys="; ".join(f"{k} ({_(what)})" for k, what in KNOWN.items())))
    with transaction(conn):
        if value is None:
            if not rows.delete(conn, key):
                return  # it was not set: nothing changed, nothing to audit
        else:
            rows.put(conn, key, value)
        # the audit log records the command, as typed (not translated)
        audit(conn, f"config {'set' if value else 'unset'} {key}", 1)


def all_settings(conn: Db) -> dict[str, str]:
    return rows.all_of(conn)
