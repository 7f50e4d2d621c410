"""Small helpers shared by the services."""

from __future__ import annotations

import getpass
import heapq
from datetime import UTC, datetime

from seniorcli.cpr import redact
from seniorcli.db import Db
from seniorcli.db import audit as audit_rows
from seniorcli.i18n import _, ngettext

MAX_SHOWN_ERRORS = 20


def now_stamp(timespec: str = "seconds") -> str:
    """The current UTC time as ISO text (an import's stamp takes microseconds: see roster)."""
    return datetime.now(UTC).isoformat(timespec=timespec)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers and services
        return "unknown"


def audit(conn: Db, command: str, rows_changed: int, *,
          employee_id: str | None = None, detail: str | None = None) -> int:
    """Record a write: when, who, which command (never its personal arguments), how many rows.
    A correction also names its employee and what it changed (``detail``, old → new), which
    `show` prints and `purge` deletes with the employee; anything in it that looks like a CPR
    number is masked. Returns the audit id."""
    return audit_rows.add(conn, at=now_stamp(), os_user=os_user(), command=command,
                          rows_changed=rows_changed, employee_id=employee_id,
                          detail=None if detail is None else redact(detail))


def show_value(value: str, limit: int = 40) -> str:
    """A cell value as shown in a message: CPR-like digits masked, long text shortened."""
    v = redact(value)
    return v if len(v) <= limit else v[: limit - 1] + "…"


class RowErrors:
    """Line-numbered errors of a file: all are counted, the 200 with the lowest line numbers
    are kept (enough to show the first 20 in line order, also when some are found late), so
    memory stays flat on a file of garbage."""

    KEEP = 200

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[tuple[int, int, str]] = []  # a heap of (-line, -order, message)

    def add(self, line: int, column: str, message: str) -> None:
        self.count += 1
        self._keep((-line, -self.count, _("line {line}, {column}: {message}").format(
            line=line, column=column, message=message)))

    def _keep(self, item: tuple[int, int, str]) -> None:
        if len(self.kept) < self.KEEP:
            heapq.heappush(self.kept, item)
        elif item > self.kept[0]:
            heapq.heapreplace(self.kept, item)

    def merge(self, count: int, kept: list) -> None:
        """Add the errors another process found (its ``count`` and ``kept``)."""
        self.count += count
        for line, order, message in kept:
            self._keep((line, order, message))

    def refuse(self, path: object, nothing: str, hint: str):
        """The InputFileError to raise: the count, then the first errors by line."""
        from seniorcli.errors import InputFileError

        shown = [msg for *_, msg in sorted(self.kept, reverse=True)[:MAX_SHOWN_ERRORS]]
        if self.count > len(shown):
            shown.append(_("… and {n} more errors").format(n=self.count - len(shown)))
        return InputFileError(
            ngettext("{path}: {count} error; {nothing}", "{path}: {count} errors; {nothing}",
                     self.count).format(path=path, count=self.count, nothing=nothing),
            hint=hint, details=shown)
