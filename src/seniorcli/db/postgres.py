"""PostgreSQL: one register shared by several consultants, or by a payroll centre serving several
municipalities, on a server they already run (``--db postgresql://user@host/database``).

The connection speaks the same small interface as the SQLite one (``execute`` with ``?``
placeholders, ``executemany``, ``begin_write``, ``in_transaction``, ``dialect``) and gives the
same rows: dates as ISO text, booleans as 0/1, sums as floats. So the queries in the db package
are written once, in the SQL both engines understand, and differ only where the engines do
(``dialect``): the bulk paths (COPY) and a handful of functions.

Concurrency, the PostgreSQL way: readers never wait (each reading command sees one snapshot,
``begin_read``), and writers queue on one advisory lock per register — database and schema —
(``begin_write``), which is what SQLite's ``BEGIN IMMEDIATE`` gives on a file: a correction's
checks and its write can never interleave with another consultant's. Every write is one
transaction.

psycopg is imported here only: commands on an SQLite file never load it.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from seniorcli.errors import DatabaseError
from seniorcli.i18n import _

#: The register's write lock (pg_advisory_xact_lock): "SEN1", as SQLite's application_id, and
#: the register's schema, so registers in different schemas of one database (a payroll centre's
#: municipalities) do not wait for each other's writes.
WRITE_LOCK = 0x53454E31
LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))"
LOCK_TIMEOUT = "60s"  # as SQLite's busy timeout: cron jobs wait for each other rather than fail
VERSION_TABLE = "seniorcli_schema"

_SPLIT = re.compile(r"('(?:[^']|'')*')")


_last_url: str | None = None  # the register connected to last, for messages about it
#: (connection, commit count) when this process created the register's tables: see
#: discard_if_unused
_created: tuple[PgConnection, int] | None = None


def note_created(conn: PgConnection) -> None:
    from seniorcli.db.engine import commit_count

    global _created
    _created = (conn, commit_count())


def discard_if_unused() -> None:
    """At the end of a command: the tables this process created in a PostgreSQL database are
    dropped again when nothing was committed to them (a dry run, a refused import) and they are
    still empty — as an SQLite file created for nothing is removed — so a later reading command
    refuses the database instead of answering "0 due" from an empty register."""
    global _created
    created, _created = _created, None
    if created is None:
        return
    from seniorcli.db.engine import commit_count
    from seniorcli.db.schema_pg import drop_if_empty

    conn, commits = created
    if commit_count() != commits:
        return
    with contextlib.suppress(Exception):  # closed, gone: leave it
        drop_if_empty(conn)


#: Query parameters of a connection URL that hold a secret (libpq accepts a password there).
SECRET_PARAMETERS = ("password", "passfile", "sslpassword")


def redact_url(url: str) -> str:
    """The URL as shown in messages: never a password (``user:pw@`` or ``?password=``)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a malformed port raises here)
    except ValueError:
        return "postgresql://…"
    base, mark, query = url.partition("?")
    if parts.password is not None:
        scheme, rest = base.split("://", 1)
        netloc, slash, path = rest.partition("/")
        base = f"{scheme}://{parts.username or ''}:***@{netloc.rsplit('@', 1)[-1]}{slash}{path}"
    if query:
        query = "&".join(
            f"{p.split('=', 1)[0]}=***" if p.split("=", 1)[0].lower() in SECRET_PARAMETERS
            else p for p in query.split("&"))
    return base + mark + query


def _libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s``; a literal ``%`` doubled (outside and inside
    quoted strings alike, since psycopg reads the whole text)."""
    parts = _SPLIT.split(sql)
    out = []
    for i, part in enumerate(parts):
        part = part.replace("%", "%%")
        if i % 2 == 0:
            part = part.replace("?", "%s")
        out.append(part)
    return "".join(out)


class PgConnection:
    """A psycopg connection in autocommit mode (transactions are explicit, as on SQLite),
    speaking the interface the db package uses on both engines."""

    dialect = "postgresql"

    def __init__(self, raw: Any, url: str):
        self.raw = raw
        self.url = url
        self._changed = False

    # -- the shared interface ---------------------------------------------------------------
    def execute(self, sql: str, parameters: Any = ()) -> Any:
        head = sql.lstrip()[:8].upper()
        if head.startswith(("COMMIT", "END")):
            self.commit()
            return self.raw.cursor()
        if head.startswith("ROLLBACK"):
            self.rollback()
            return self.raw.cursor()
        if head.startswith("BEGIN"):
            self.raw.execute("BEGIN")
            self._changed = False
            return self.raw.cursor()
        cur = self.raw.execute(translate(sql), tuple(parameters))
        self._note(cur)
        return cur

    def executemany(self, sql: str, seq: Any) -> Any:
        cur = self.raw.cursor()
        cur.executemany(translate(sql), seq)
        self._note(cur)
        return cur

    def _note(self, cur: Any) -> None:
        if cur.rowcount and cur.rowcount > 0 and cur.statusmessage and \
                cur.statusmessage.split()[0] in ("INSERT", "UPDATE", "DELETE", "COPY", "MERGE"):
            if self.in_transaction:
                self._changed = True
            else:
                from seniorcli.db.engine import note_commit

                note_commit()

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def begin_write(self) -> None:
        """A write transaction: the register's write lock, waited for up to LOCK_TIMEOUT."""
        self.raw.execute("BEGIN")
        self._changed = False
        self.raw.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        self.raw.execute(LOCK_SQL, (WRITE_LOCK,))

    def begin_read(self) -> None:
        """One snapshot for a reading command: what it reads belongs together even while an
        import or a purge commits meanwhile."""
        self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def commit(self) -> None:
        if not self.in_transaction:
            return
        self.raw.execute("COMMIT")
        if self._changed:
            from seniorcli.db.engine import note_commit

            note_commit()
        self._changed = False

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")
        self._changed = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- PostgreSQL only ---------------------------------------------------------------------
    def stream(self, sql: str, parameters: Any = ()) -> Any:
        """The rows as the server finds them, in chunks, so the caller works on the first while
        the server looks for the rest: 0.36 s instead of 0.6 s for the due list's query and
        decisions at 500,000 employees. Chunks need libpq 17 or later (psycopg[binary] brings
        it); before it, all rows at once (fetchall is 0.1 s faster than row-by-row)."""
        import psycopg

        if psycopg.pq.version() >= 170000:
            return self.raw.cursor().stream(translate(sql), tuple(parameters), size=500)
        return iter(self.raw.execute(translate(sql), tuple(parameters)).fetchall())

    def copy(self, statement: str) -> Any:
        """COPY … FROM STDIN (the bulk paths). Rows copied inside a transaction count as a
        change when it commits."""
        if self.in_transaction:
            self._changed = True
        return self.raw.cursor().copy(statement)


def _configure(raw: Any) -> None:
    """Rows as on SQLite: dates as ISO text, booleans as 0/1, numeric sums as floats."""
    from psycopg.adapt import Loader
    from psycopg.types.numeric import FloatLoader

    class DateAsText(Loader):
        def load(self, data: Any) -> str:
            return bytes(data).decode()

    class BoolAsInt(Loader):
        def load(self, data: Any) -> int:
            return 1 if bytes(data) == b"t" else 0

    raw.adapters.register_loader("date", DateAsText)
    raw.adapters.register_loader("bool", BoolAsInt)
    raw.adapters.register_loader("numeric", FloatLoader)
    raw.execute("SET DateStyle = ISO")
    # The register's queries are short scans: JIT compiling them cost 0.7 s of the due list's
    # 0.33 s query at 500,000 employees and 0.3 s of a coverage report (measured).
    raw.execute("SET jit = off")
    raw.execute("SET TIME ZONE 'UTC'")


def connect(url: str, *, must_exist: bool = False) -> PgConnection:
    """Connect and bring the register's tables to the current schema (created on first use by
    a command that writes; a reading command on a database without them is refused)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a dependency of the package
        raise DatabaseError(_("the PostgreSQL driver (psycopg) is not installed"),
                            hint="pip install 'psycopg[binary]'") from None
    global _last_url
    shown = _last_url = redact_url(url)
    import logging

    # psycopg logs a COPY it could not end when the server went away ("error ignored
    # terminating …") on standard error, in English; the command's own message says it.
    logging.getLogger("psycopg").propagate = False
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    if url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].count("@") > 1:
        raise DatabaseError(
            _("{url}: the address has more than one @; a password that contains @ must be "
              "written %40 in it").format(url=shown),
            hint=_("keep the password out of the address: ~/.pgpass or PGPASSWORD"))
    try:
        raw = psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=10,
                              application_name="seniorcli")
    except psycopg.Error as e:
        raise explain(e, shown) or DatabaseError(
            _("cannot connect to the PostgreSQL database {url}: {e}")
            .format(url=shown, e=_first_line(e))) from None
    except ValueError as e:  # a malformed URL
        raise DatabaseError(_("{url} is not a PostgreSQL address that can be used: {e}")
                            .format(url=shown, e=_first_line(e)),
                            hint="--db postgresql://USER@HOST:5432/DATABASE") from None
    conn = PgConnection(raw, shown)
    try:
        _configure(raw)
        from seniorcli.db.schema_pg import prepare

        prepare(conn, must_exist=must_exist)
    except BaseException:
        conn.close()
        raise
    return conn


#: A password in a URL that the driver quotes back in its error ("…in URI: postgresql://u:pw@…")
_PASSWORD_IN_URL = re.compile(r"(://[^/?#@\s:]*:)[^@\s]*@")
_PASSWORD_PARAMETER = re.compile(r"((?:^|[?&\s])(?:password|passfile|sslpassword)=)[^&\s'\"]*",
                                 re.IGNORECASE)


def _first_line(e: BaseException) -> str:
    """The first line of an error, never with a password from a URL in it."""
    text = (str(e).strip().splitlines() or [type(e).__name__])[0]
    return _PASSWORD_PARAMETER.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***@", text))


def explain(error: BaseException, url: str | None = None, *, saved: bool = False
            ) -> DatabaseError | None:
    """A plain message for a failure of the server or the connection, or None when ``error``
    is not a psycopg error."""
    try:
        import psycopg
        from psycopg import errors as pe
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(error, psycopg.Error):
        return None
    url = url or _last_url or _("the PostgreSQL database")
    outcome = (_("; the command had already saved its change before this (see `seniorcli "
                 "audit`)") if saved else _("; nothing was changed"))
    text = _first_line(error)
    if isinstance(error, pe.LockNotAvailable | pe.DeadlockDetected):
        return DatabaseError(
            _("the register {url} is busy: another seniorcli has been writing to it for more "
              "than {seconds} seconds{outcome}").format(url=url, seconds=LOCK_TIMEOUT[:-1],
                                                         outcome=outcome),
            hint=_("run the command again when the other program has finished"))
    if isinstance(error, pe.InsufficientPrivilege):
        return DatabaseError(
            _("the PostgreSQL user has no right to do this in {url} ({error}){outcome}")
            .format(url=url, error=text, outcome=outcome),
            hint=_("ask the database's administrator for the rights seniorcli needs "
                   "(docs/operations.md, 'PostgreSQL')"))
    if isinstance(error, pe.DiskFull):
        return DatabaseError(
            _("the PostgreSQL server's disk is full ({url}){outcome}")
            .format(url=url, outcome=outcome),
            hint=_("ask the database's administrator to free space, and run the command again"))
    if isinstance(error, psycopg.OperationalError):
        lower = text.lower()
        if "password authentication failed" in lower or "no password supplied" in lower \
                or "authentication" in lower or ("role" in lower and "does not exist" in lower):
            hint = _("check the user name and password (in the URL, ~/.pgpass or PGPASSWORD)")
        elif "does not exist" in lower:
            hint = _("check the database name in --db or SENIORCLI_DB (the administrator "
                     "creates it: createdb NAME)")
        elif "connection refused" in lower or "could not connect" in lower \
                or "no such file" in lower or "timeout" in lower or "translate host" in lower:
            hint = _("check the server's name and port in --db or SENIORCLI_DB, and that the "
                     "server is running")
        else:
            hint = _("check --db or SENIORCLI_DB and the server")
        return DatabaseError(
            _("cannot use the PostgreSQL database {url}: {error}{outcome}")
            .format(url=url, error=text, outcome=outcome), hint=hint)
    return None
