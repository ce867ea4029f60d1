"""A psycopg 3 connection that answers like the ``sqlite3`` connection the store was written for.

What it offers (and nothing more): ``execute``/``executemany`` returning a cursor with
``fetchone``/``fetchall``/iteration/``rowcount``; rows addressable by column name and index
(:class:`Row`, like ``sqlite3.Row``); ``in_transaction``; ``total_changes``; ``close``;
``interrupt``. Errors come out as the ``sqlite3`` exception classes the store and the
commands already handle (a constraint or a trigger's refusal is ``sqlite3.IntegrityError``
with the trigger's own sentence; a lock wait that timed out is ``OperationalError
("database is locked")``).

SQL is written once, in SQLite's dialect, in ``store/``. Each distinct SQL text is mapped
to PostgreSQL once (:func:`translate`, cached): placeholders, ``INSERT OR IGNORE``/``OR
REPLACE`` (to ``ON CONFLICT``, with the table's primary key read from the catalogue),
``group_concat``, ``json_extract``, ``json_each``, ``rowid`` (``ctid``), ``IS [NOT]`` between
values (``IS [NOT] DISTINCT FROM``), ``LIKE`` (case-insensitive like SQLite's: ``ILIKE``).
``PRAGMA``\\ s are answered here (``user_version`` from the schema table,
``defer_foreign_keys`` as ``SET CONSTRAINTS ALL DEFERRED``, ``table_info`` from the
catalogue, the SQLite file checks as "ok"). The schema adds what cannot be mapped
textually (``sum``/``max`` over booleans, a ``sqlite_master`` view of the tables): see
:mod:`.migrations`.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import psycopg
import psycopg.errors
from psycopg import adapt
from psycopg.pq import TransactionStatus

if TYPE_CHECKING:
    from psycopg.abc import Buffer

# pg_advisory_xact_lock key of the office's one writer at a time ("INSPWRIT").
WRITE_LOCK_KEY = 0x494E53505752_4954 & 0x7FFFFFFFFFFFFFFF
# How long a write waits for another write to finish before it reports the database busy.
WRITE_LOCK_TIMEOUT = "120s"


class Row(tuple[Any, ...]):
    """A result row: ``row[0]``, ``row["name"]``, ``row.keys()``, ``dict(row)``."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:  # a column name too, as sqlite3.Row takes
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key.lower()])
            except KeyError:
                raise IndexError(f"No item with key '{key}'") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


def _row_factory(cursor: Any) -> type[tuple[Any, ...]]:
    desc = cursor.description
    if desc is None:
        return tuple
    names = tuple(d.name for d in desc)
    cls = _ROW_CLASSES.get(names)
    if cls is None:
        index: dict[str, int] = {}
        for i, n in enumerate(names):
            index.setdefault(n.lower(), i)
        cls = type("Row", (Row,), {"__slots__": (), "_index": index})
        _ROW_CLASSES[names] = cls
    return cls


class _NumericLoader(adapt.Loader):
    """``numeric`` (what ``sum`` of integers returns) as int when whole, else float,
    the values SQLite gives back for the same queries."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode()
        if "." in text or "e" in text or "N" in text:
            value = float(text)
            return int(value) if value.is_integer() and "." not in text else value
        return int(text)


class _BoolAsIntDumper(adapt.Dumper):
    """Python ``True``/``False`` sent as the integers SQLite stores for them."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: object) -> bytes:
        return b"1" if obj else b"0"


# -- SQL translation ----------------------------------------------------------------------
_LITERAL = re.compile(r"'(?:[^']|'')*'")
_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_JSON_EXTRACT = re.compile(r"\bjson_extract\(\s*([^,()]+?)\s*,\s*\x00(\d+)\x00\s*\)", re.I)
_JSON_EACH = re.compile(r"\bjson_each\(\s*%s\s*\)", re.I)
_GROUP_CONCAT_1 = re.compile(r"\bgroup_concat\(\s*(DISTINCT\s+)?([^,()]+?)\s*\)", re.I)
_GROUP_CONCAT_2 = re.compile(r"\bgroup_concat\(", re.I)
_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I)
_IS = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I)
_LIKE = re.compile(r"(?<![\w])LIKE\b", re.I)
_ROWID = re.compile(r"\browid\b", re.I)
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_INDEXED = re.compile(r"\s+(?:INDEXED\s+BY\s+\w+|NOT\s+INDEXED)\b", re.I)
_REAL = re.compile(r"\bAS\s+REAL\b", re.I)


def _json_path(path: str) -> str:
    """``'$.a[0].b'`` (a SQLite JSON path) as a PostgreSQL text-array path ``'{a,0,b}'``."""
    inner = path[1:-1]
    if not inner.startswith("$"):
        raise sqlite3.OperationalError(f"unsupported JSON path {path}")
    parts = re.findall(r"\.([A-Za-z_]\w*)|\[(\d+)\]", inner[1:])
    return "'{" + ",".join(a or b for a, b in parts) + "}'"


def translate(sql: str, primary_keys: dict[str, list[str]]) -> str:
    """*sql* in SQLite's dialect as PostgreSQL (psycopg's ``%s`` placeholders)."""
    literals: list[str] = []

    def keep(m: re.Match[str]) -> str:
        literals.append(m.group(0))
        return f"\x00{len(literals) - 1}\x00"

    body = _LITERAL.sub(keep, sql)
    body = body.replace("%", "%%").replace("?", "%s")
    body = _NAMED.sub(r"%(\1)s", body)
    m = _INSERT_OR.match(body)
    if m:
        kind, table, cols = m.group(1).upper(), m.group(2), m.group(3)
        body = f"INSERT INTO {table} ({cols})" + body[m.end() :]
        body = body.rstrip().rstrip(";")
        if kind == "IGNORE":
            body += " ON CONFLICT DO NOTHING"
        else:
            key = primary_keys.get(table.lower())
            if not key:
                raise sqlite3.OperationalError(f"INSERT OR REPLACE into {table}: no primary key")
            names = [c.strip() for c in cols.split(",")]
            rest = [c for c in names if c.lower() not in key]
            action = (
                "DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)
                if rest
                else "DO NOTHING"
            )
            body += f" ON CONFLICT ({', '.join(key)}) {action}"
    body = _JSON_EXTRACT.sub(
        lambda m: f"(({m.group(1)})::jsonb #>> {_json_path(literals[int(m.group(2))])})", body
    )
    body = _JSON_EACH.sub("json_array_elements_text(%s::json) AS json_each(value)", body)
    body = _GROUP_CONCAT_1.sub(lambda m: f"string_agg({m.group(1) or ''}{m.group(2)}, ',')", body)
    body = _GROUP_CONCAT_2.sub("string_agg(", body)
    body = _IS_NOT.sub("IS DISTINCT FROM ", body)
    body = _IS.sub("IS NOT DISTINCT FROM ", body)
    body = _LIKE.sub("ILIKE", body)
    body = _ROWID.sub("ctid", body)
    body = _REAL.sub("AS double precision", body)
    body = _INDEXED.sub("", body)  # SQLite's planner hints; PostgreSQL plans for itself
    return re.sub("\x00(\\d+)\x00", lambda m: literals[int(m.group(1))].replace("%", "%%"), body)


# -- errors ---------------------------------------------------------------------------------
def _as_sqlite_error(exc: psycopg.Error) -> sqlite3.Error:
    diag = getattr(exc, "diag", None)
    message = (diag.message_primary if diag is not None else None) or " ".join(
        line.strip() for line in str(exc).strip().splitlines()
    )
    if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.DeadlockDetected):
        return sqlite3.OperationalError("database is locked")
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return sqlite3.OperationalError("interrupted")
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(message)
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(message)
    if isinstance(exc, psycopg.InterfaceError):
        return sqlite3.ProgrammingError(message)
    return sqlite3.OperationalError(message)


class Cursor(Protocol):
    """What :meth:`PgConnection.execute` returns: a psycopg cursor or an :class:`_EmptyCursor`,
    both read the way the store reads a ``sqlite3.Cursor``."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class _EmptyCursor:
    """What a statement answered here (a PRAGMA) returns."""

    def __init__(self, rows: list[tuple[Any, ...]] | None = None) -> None:
        self._rows = list(rows or [])
        self.rowcount = -1
        self.description = None

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())


_DROP_TRIGGER = re.compile(r"^\s*DROP\s+TRIGGER\s+(IF\s+EXISTS\s+)?(\w+)\s*;?\s*$", re.I)
_PRAGMA = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(?:=\s*(\w+)|\((\w+)\))?\s*;?\s*$", re.I)


class PgConnection:
    """The sqlite3-shaped connection over one psycopg connection (autocommit; explicit
    ``BEGIN``/``COMMIT``/``SAVEPOINT`` as the store issues them)."""

    engine = "postgresql"
    _guard = None  # no file locks: the server does the locking

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        try:
            self._pg = psycopg.connect(
                url, autocommit=True, connect_timeout=connect_timeout, row_factory=_row_factory
            )
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        self._pg.adapters.register_loader("numeric", _NumericLoader)
        self._pg.adapters.register_dumper(bool, _BoolAsIntDumper)
        self.url = url
        self.total_changes = 0
        self._cache: dict[str, str] = {}
        self._pks: dict[str, list[str]] | None = None
        self._lock = threading.RLock()
        self.row_factory = None  # accepted and ignored: rows are always Row

    # -- the sqlite3 surface --------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._pg.info.transaction_status != TransactionStatus.IDLE

    @property
    def closed(self) -> bool:
        return self._pg.closed

    def _sql(self, sql: str) -> str:
        out = self._cache.get(sql)
        if out is None:
            out = translate(sql, self.primary_keys())
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[sql] = out
        return out

    def primary_keys(self) -> dict[str, list[str]]:
        """Each table's primary key columns (read once; reset by a migration)."""
        if self._pks is None:
            rows = self._pg.execute(
                "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc"
                " JOIN information_schema.key_column_usage kcu"
                " ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema"
                " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()"
                " ORDER BY tc.table_name, kcu.ordinal_position"
            ).fetchall()
            pks: dict[str, list[str]] = {}
            for table, column in rows:
                pks.setdefault(table, []).append(column)
            self._pks = pks
        return self._pks

    def forget_schema(self) -> None:
        self._pks = None
        self._cache.clear()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = ()) -> Cursor:
        special = self._special(sql)
        if special is not None:
            return special
        with self._lock:
            try:
                cur = self._pg.execute(self._sql(sql), params if params is not None else ())
            except psycopg.Error as exc:
                raise _as_sqlite_error(exc) from None
            if cur.description is None and cur.rowcount > 0:
                self.total_changes += cur.rowcount
            return cur

    def executemany(self, sql: str, seq_of_params: Iterable[Sequence[Any]]) -> Cursor:
        with self._lock:
            cur = self._pg.cursor()
            try:
                cur.executemany(self._sql(sql), list(seq_of_params))
            except psycopg.Error as exc:
                raise _as_sqlite_error(exc) from None
            if cur.rowcount > 0:
                self.total_changes += cur.rowcount
            return cur

    def executescript(self, script: str) -> None:
        raise sqlite3.NotSupportedError("executescript is SQLite-only")

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def interrupt(self) -> None:
        """Cancel the running statement (from another thread), like sqlite3's."""
        try:
            self._pg.cancel_safe(timeout=5) if hasattr(
                self._pg, "cancel_safe"
            ) else self._pg.cancel()
        except psycopg.Error:
            pass

    def set_progress_handler(self, handler: Callable[[], int | None] | None, n: int) -> None:
        """Accepted for the file checks, which do not run on this engine."""

    def close(self) -> None:
        if not self._pg.closed:
            if self.in_transaction:
                try:
                    self._pg.execute("ROLLBACK")
                except psycopg.Error:
                    pass
            self._pg.close()

    # -- statements answered here -------------------------------------------------------
    def _special(self, sql: str) -> Cursor | None:
        head = sql.lstrip()[:6].upper()
        if head == "BEGIN ":
            if sql.split()[1:2] and sql.split()[1].upper() in ("IMMEDIATE", "EXCLUSIVE"):
                self._begin_write()
                return _EmptyCursor()
            return None
        if head.startswith("PRAGMA"):
            return self._pragma(sql)
        m = _DROP_TRIGGER.match(sql)
        if m:  # SQLite names a trigger alone; PostgreSQL needs its table
            row = self._pg.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                (m.group(2),),
            ).fetchone()
            if row is not None:
                self.execute(f"DROP TRIGGER {m.group(2)} ON {row[0]}")
            elif not m.group(1):
                raise sqlite3.OperationalError(f"no such trigger: {m.group(2)}")
            return _EmptyCursor()
        return None

    def _begin_write(self) -> None:
        with self._lock:
            try:
                self._pg.execute("BEGIN")
                self._pg.execute(f"SET LOCAL lock_timeout = '{WRITE_LOCK_TIMEOUT}'")
                self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                self._pg.execute("SET LOCAL lock_timeout = 0")
            except psycopg.Error as exc:
                if self.in_transaction:
                    self._pg.execute("ROLLBACK")
                raise _as_sqlite_error(exc) from None

    def _pragma(self, sql: str) -> Cursor:
        m = _PRAGMA.match(sql)
        if not m:
            raise sqlite3.OperationalError(f"unsupported on PostgreSQL: {sql.strip()}")
        name, value, arg = m.group(1).lower(), m.group(2), m.group(3)
        if name == "user_version":
            from .migrations import current_version, set_version

            if value is not None:
                set_version(self, int(value))
                return _EmptyCursor()
            return _EmptyCursor([(current_version(self),)])
        if name == "defer_foreign_keys":
            if value and value.upper() in ("ON", "1", "TRUE"):
                self.execute("SET CONSTRAINTS ALL DEFERRED")
            return _EmptyCursor()
        if name == "foreign_keys":
            return _EmptyCursor([(1,)])
        if name in ("integrity_check", "quick_check"):
            return _EmptyCursor([("ok",)])
        if name == "foreign_key_check":
            return _EmptyCursor([])
        if name == "data_version":
            # SQLite's answer changes when another connection has committed. Here: the
            # server's current snapshot (xmin:xmax:in-progress ids) changes exactly when a
            # transaction anywhere on the server got an id (it writes) or ended, and a
            # read-only query gets none; the same snapshot means nothing new can be seen,
            # so a cache keyed on it (the window's search) hits between keystrokes.
            snap = self._pg.execute("SELECT pg_current_snapshot()::text").fetchall()[0][0]
            digest = hashlib.blake2b(str(snap).encode(), digest_size=8).digest()
            return _EmptyCursor([(int.from_bytes(digest, "big") >> 1,)])
        if name == "table_info" and arg:
            rows = self._pg.execute(
                "SELECT ordinal_position - 1, column_name, data_type,"
                " (is_nullable = 'NO')::int, column_default, 0"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s ORDER BY ordinal_position",
                (arg.lower(),),
            ).fetchall()
            return _EmptyCursor([tuple(r) for r in rows])
        if name in ("busy_timeout", "synchronous", "journal_mode", "trusted_schema"):
            return _EmptyCursor([("ok",)])
        raise sqlite3.OperationalError(f"PRAGMA {name} is not supported on PostgreSQL")
