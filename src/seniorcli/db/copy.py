"""A whole register copied from one engine to another: SQLite → PostgreSQL, PostgreSQL → SQLite
(and SQLite → SQLite). Used by ``copy-db``, by ``backup`` of a PostgreSQL register (the backup
is an SQLite file) and by ``restore`` into one.

Every table of the declaration (``models.py``) is copied with its ids, in one transaction on the
target, from one snapshot of the source. Before that transaction commits, the copy is checked
row for row: the counts, every row (both sides read in the same order: the primary key, text in
byte order — ``COLLATE "C"`` on PostgreSQL, SQLite's own order) and each table's id high-water
mark, so that a later insert on the copy gets a new id (a withdrawn outcome's id is never handed
out again: SQLite's ``sqlite_sequence``, PostgreSQL's sequences set with ``setval``). Any
difference is an error and the transaction is rolled back: nothing is kept.

The bulk paths: PostgreSQL is written with ``COPY … FROM STDIN`` and read with a server-side
cursor (batches, flat memory); SQLite with ``executemany`` and a plain cursor.

This module imports SQLModel (for the declaration): only the commands that copy load it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from seniorcli.db import Db

BATCH = 5_000  # rows per fetch from a PostgreSQL server-side cursor


@dataclass(frozen=True)
class Table:
    """One table of the register as the copy sees it."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key: the order rows are read and compared in
    text_key: tuple[bool, ...]  # which key columns are text (byte order on PostgreSQL)
    serial: str | None  # the integer id the engine hands out (a sequence on PostgreSQL)
    autoincrement: bool  # SQLite never hands an id out again (sqlite_sequence)


class CopyError(Exception):
    """The copy could not be made or was not identical; the target's transaction was rolled
    back. ``table``: where; ``detail``: what (never a row's content, only its key)."""

    def __init__(self, kind: str, table: str, detail: str = ""):
        super().__init__(f"{kind}: {table}: {detail}")
        self.kind, self.table, self.detail = kind, table, detail


class TargetNotEmpty(Exception):
    """The target already holds a register (rows per table); nothing was copied."""

    def __init__(self, rows: dict[str, int]):
        super().__init__(", ".join(f"{t}: {n}" for t, n in rows.items()))
        self.rows = rows


@cache
def tables() -> tuple[Table, ...]:
    """The register's tables from the SQLModel declaration, parents before children."""
    from sqlalchemy import Integer, String
    from sqlmodel import SQLModel

    import seniorcli.db.models  # noqa: F401  (registers the tables)

    out = []
    for t in SQLModel.metadata.sorted_tables:
        key = tuple(c.name for c in t.primary_key.columns)
        text_key = tuple(isinstance(c.type, String) for c in t.primary_key.columns)
        pk = list(t.primary_key.columns)
        serial = (pk[0].name if len(pk) == 1 and isinstance(pk[0].type, Integer) else None)
        out.append(Table(t.name, tuple(c.name for c in t.columns), key, text_key, serial,
                         bool(t.dialect_options["sqlite"]["autoincrement"])))
    return tuple(out)


def _q(name: str) -> str:
    return f'"{name}"'


def _select(conn: Db, table: Table) -> str:
    """All rows of ``table`` in the order both engines agree on: the primary key, text in byte
    order (SQLite compares text as bytes; PostgreSQL's collation may be Danish)."""
    cols = ", ".join(map(_q, table.columns))
    order = ", ".join(
        _q(k) + (' COLLATE "C"' if text and conn.dialect == "postgresql" else "")
        for k, text in zip(table.key, table.text_key, strict=True))
    return f"SELECT {cols} FROM {_q(table.name)} ORDER BY {order}"


def rows(conn: Db, table: Table) -> Iterator[tuple]:
    """Every row of ``table`` as a tuple in ``table.columns`` order, in key order; values as the
    Db interface gives them on both engines (dates as ISO text, booleans 0/1)."""
    sql = _select(conn, table)
    if conn.dialect != "postgresql":
        yield from conn.execute(sql)
        return
    # A server-side cursor (it needs the open transaction the copy reads in): flat memory.
    raw = conn.raw  # type: ignore[attr-defined]
    with raw.cursor(name=f"seniorcli_copy_{table.name}") as cur:
        cur.execute(sql)
        while batch := cur.fetchmany(BATCH):
            yield from batch


def counts(conn: Db) -> dict[str, int]:
    """Rows per table of the register."""
    return {t.name: int(conn.execute(f"SELECT count(*) FROM {_q(t.name)}").fetchone()[0])
            for t in tables()}


def holds_rows(conn: Db) -> bool:
    """Whether any table of the register has a row (an empty register holds nothing to lose:
    a PostgreSQL database gets its tables on first use, an SQLite file when it is opened)."""
    return any(conn.execute(f"SELECT 1 FROM {_q(t.name)} LIMIT 1").fetchone() for t in tables())


def high_water(conn: Db, table: Table) -> int:
    """The highest id ``table`` has handed out: its largest id, or more where the engine
    remembers more (SQLite's sqlite_sequence for an AUTOINCREMENT table, a PostgreSQL
    sequence, which also counts ids taken by rolled-back inserts). 0 for a table without
    one."""
    if table.serial is None:
        return 0
    top = conn.execute(f"SELECT max({_q(table.serial)}) FROM {_q(table.name)}").fetchone()[0]
    top = int(top or 0)
    if conn.dialect == "postgresql":
        seq = conn.execute("SELECT pg_get_serial_sequence(?, ?)",
                           (table.name, table.serial)).fetchone()[0]
        if seq:
            last, called = conn.execute(f"SELECT last_value, is_called FROM {seq}").fetchone()
            top = max(top, int(last) if called else int(last) - 1)
    elif table.autoincrement:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?",
                           (table.name,)).fetchone()
        top = max(top, int(row[0]) if row else 0)
    return top


def _set_high_water(conn: Db, table: Table, value: int) -> None:
    """Make the target hand out ids above ``value`` where the engine keeps such a mark."""
    if table.serial is None:
        return
    if conn.dialect == "postgresql":
        conn.execute("SELECT setval(pg_get_serial_sequence(?, ?), ?, ?)",
                     (table.name, table.serial, max(value, 1), value > 0))
    elif table.autoincrement:
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table.name,))
        if value > 0:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                         (table.name, value))


def _comparable_high_water(conn: Db, table: Table) -> bool:
    """Whether the engine of ``conn`` keeps ``table``'s mark above its largest id (otherwise
    only the largest id itself carries over: SQLite's plain INTEGER PRIMARY KEY)."""
    return table.serial is not None and (conn.dialect == "postgresql" or table.autoincrement)


def _empty(conn: Db) -> None:
    """Delete every row of the register (``--replace``), inside the open transaction."""
    if conn.dialect == "postgresql":
        conn.execute("TRUNCATE " + ", ".join(_q(t.name) for t in tables()))
        return
    for t in reversed(tables()):
        conn.execute(f"DELETE FROM {_q(t.name)}")
    conn.execute("DELETE FROM sqlite_sequence")


def _write(target: Db, table: Table, source_rows: Iterator[tuple]) -> int:
    """Insert the rows into ``table`` on the target: COPY on PostgreSQL, executemany on SQLite.
    Returns how many."""
    cols = ", ".join(map(_q, table.columns))
    n = 0
    if target.dialect == "postgresql":
        import psycopg

        try:
            with target.copy(  # type: ignore[attr-defined]
                    f"COPY {_q(table.name)} ({cols}) FROM STDIN") as cp:
                for n, row in enumerate(source_rows, 1):  # noqa: B007
                    cp.write_row(row)
        except (psycopg.DataError, psycopg.IntegrityError) as e:
            raise CopyError("refused", table.name, _first_line(e)) from None
        if n:
            # COPY bypasses the connection's row counting: the transaction did change rows
            # (a commit of it is the command's change; see PgConnection._note).
            target._changed = True  # type: ignore[attr-defined]
        return n
    import sqlite3

    marks = ", ".join("?" * len(table.columns))

    def counted() -> Iterator[tuple]:
        nonlocal n
        for row in source_rows:
            n += 1
            yield row

    try:
        target.executemany(f"INSERT INTO {_q(table.name)} ({cols}) VALUES ({marks})", counted())
    except sqlite3.IntegrityError as e:
        raise CopyError("refused", table.name, str(e)) from None
    return n


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _key_of(table: Table, row: tuple | None) -> str:
    if row is None:
        return "-"
    where = [table.columns.index(k) for k in table.key]
    return ", ".join(f"{table.key[i]}={row[p]!r}" for i, p in enumerate(where))


def check(source: Db, target: Db) -> None:
    """The target equals the source: for every table the same count, the same rows (every
    column) and the same id high-water mark. Raises CopyError("differs", …) naming the
    table and the first row (by its key) that differs."""
    for table in tables():
        a = source.execute(f"SELECT count(*) FROM {_q(table.name)}").fetchone()[0]
        b = target.execute(f"SELECT count(*) FROM {_q(table.name)}").fetchone()[0]
        if a != b:
            raise CopyError("differs", table.name, f"{a} rows, copied {b}")
        missing = object()
        for x, y in itertools.zip_longest(rows(source, table), rows(target, table),
                                          fillvalue=missing):
            if x != y:
                raise CopyError("differs", table.name, _key_of(
                    table, x if x is not missing else y))  # type: ignore[arg-type]
        if _comparable_high_water(source, table) and _comparable_high_water(target, table):
            hw_a, hw_b = high_water(source, table), high_water(target, table)
            if hw_a != hw_b:
                raise CopyError("differs", table.name, f"next id after {hw_a}, copied {hw_b}")


def copy_into(source: Db, target: Db, *, replace: bool = False) -> dict[str, int]:
    """Copy the register ``source`` into ``target`` and check it (see the module's docstring).

    The caller has opened a read snapshot on ``source`` and a write transaction on
    ``target``; it commits only when this returns. ``replace``: a target that holds rows is
    emptied first, else it is refused (TargetNotEmpty). Returns rows per table."""
    if target.dialect == "sqlite":
        # a renewal may name an agreement with a higher id: foreign keys at the commit
        target.execute("PRAGMA defer_foreign_keys = ON")
    if holds_rows(target):
        if not replace:
            raise TargetNotEmpty({k: v for k, v in counts(target).items() if v})
        _empty(target)
    copied: dict[str, int] = {}
    for table in tables():
        copied[table.name] = _write(target, table, rows(source, table))
        _set_high_water(target, table, high_water(source, table))
    if target.dialect == "sqlite":
        broken = target.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            raise CopyError("refused", broken[0], f"rowid {broken[1]}: no {broken[2]} row")
    check(source, target)
    return copied


def copy_register(source: Db, target: Db, *, replace: bool = False) -> dict[str, int]:
    """``copy_into`` in a read snapshot of ``source`` and one write transaction on
    ``target``: the copy is committed whole and checked, or nothing is kept."""
    from seniorcli.db.engine import transaction

    source.begin_read()
    try:
        with transaction(target):
            return copy_into(source, target, replace=replace)
    finally:
        if source.in_transaction:
            source.execute("ROLLBACK")
