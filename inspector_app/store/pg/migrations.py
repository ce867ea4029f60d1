"""The schema on PostgreSQL: the same numbered migrations as the SQLite file, one version.

Each SQLite migration (``store/migrations/mNNN_*.py``) is run against :class:`_DDLConnection`,
which turns its DDL into PostgreSQL's and lets its data statements through the ordinary
translation, so both engines always have the same tables, columns, indexes and schema
version, and a new migration needs nothing here unless it does something only SQLite can.
The DDL mapping:

- ``INTEGER`` → ``BIGINT``, ``BLOB`` → ``BYTEA``, ``WITHOUT ROWID`` dropped; foreign keys are
  ``DEFERRABLE`` (an import defers them, as ``PRAGMA defer_foreign_keys`` does on SQLite);
- ``INTEGER PRIMARY KEY [AUTOINCREMENT]`` → ``BIGINT PRIMARY KEY`` filled, when not given, by
  a trigger with the next number (max + 1) — inside the write lock, so never a gap (an
  identity sequence would leave a gap at every rolled-back write, which ``check`` would then
  report as missing audit entries);
- each trigger ``BEFORE … [WHEN cond] BEGIN SELECT RAISE(ABORT, 'sentence'); END`` →
  a PL/pgSQL trigger function that raises the same sentence as an integrity violation
  (the immutability of finalized inspections and visits, sealed cases, append-only audit
  and reviews hold in the database itself, as on SQLite).

The PostgreSQL-only base (:data:`BASE`, before migration 1): the schema-version table, a
``sqlite_master`` view listing the tables (the few existence checks read it), and ``sum``
and ``max`` over booleans (SQLite's comparisons are integers).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..migrations import MIGRATION_NAMES, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from .connection import Cursor, PgConnection

BASE = [
    "CREATE TABLE IF NOT EXISTS inspector_schema (id INT PRIMARY KEY CHECK (id = 1),"
    " version INT NOT NULL)",
    "INSERT INTO inspector_schema (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING",
    """CREATE OR REPLACE VIEW sqlite_master AS
       SELECT 'table'::text AS type, c.relname::text AS name, c.relname::text AS tbl_name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r'
       AND c.relname <> 'inspector_schema'
       UNION ALL
       SELECT 'trigger'::text, t.tgname::text, c.relname::text
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND NOT t.tgisinternal""",
    """CREATE OR REPLACE FUNCTION inspector_bool_sum(acc bigint, value boolean)
       RETURNS bigint LANGUAGE sql IMMUTABLE AS
       'SELECT acc + CASE WHEN value THEN 1 WHEN value IS NULL THEN 0 ELSE 0 END'""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE p.proname = 'sum' AND n.nspname = current_schema()) THEN
           CREATE AGGREGATE sum(boolean) (SFUNC = inspector_bool_sum, STYPE = bigint, INITCOND = '0');
           CREATE AGGREGATE max(boolean) (SFUNC = boolor_statefunc, STYPE = boolean);
           CREATE AGGREGATE min(boolean) (SFUNC = booland_statefunc, STYPE = boolean);
         END IF;
       END $$""",
]

_TRIGGER = re.compile(
    r"^\s*CREATE\s+TRIGGER\s+(\w+)\s+BEFORE\s+(INSERT|UPDATE|DELETE)(?:\s+OF\s+(.+?))?\s+ON\s+(\w+)"
    r"(?:\s+WHEN\s+(.+?))?\s+BEGIN\s+SELECT\s+RAISE\s*\(\s*ABORT\s*,\s*'((?:[^']|'')*)'\s*\)\s*;\s*END\s*;?\s*$",
    re.I | re.S,
)
_AUTO_KEY = re.compile(r"\b(\w+)\s+INTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?", re.I)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(\w+)", re.I)
_COND_TRANSLATIONS = (
    (re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b)", re.I), "IS DISTINCT FROM "),
)


def _condition(cond: str) -> str:
    for pattern, repl in _COND_TRANSLATIONS:
        cond = pattern.sub(repl, cond)
    return cond


def translate_ddl(sql: str) -> list[str]:
    """One SQLite DDL statement as the PostgreSQL statements that do the same."""
    m = _TRIGGER.match(sql)
    if m:
        name, op, cols, table, cond, message = m.groups()
        ret = "OLD" if op.upper() == "DELETE" else "NEW"
        test = f"IF {_condition(cond)} THEN" if cond else "IF TRUE THEN"
        func = f"inspector_trg_{name}"
        of = f" OF {cols}" if cols else ""
        return [
            f"""CREATE OR REPLACE FUNCTION {func}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  {test}
    RAISE EXCEPTION USING MESSAGE = '{message}', ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN {ret};
END $fn$""",
            f"CREATE TRIGGER {name} BEFORE {op.upper()}{of} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {func}()",
        ]
    if re.match(r"^\s*CREATE\s+TRIGGER\b", sql, re.I):
        raise sqlite3.OperationalError(f"no PostgreSQL form for this trigger: {sql[:80]}")
    out = re.sub(r"\)\s*WITHOUT\s+ROWID\s*$", ")", sql.strip().rstrip(";"), flags=re.I)
    extra: list[str] = []
    table = _CREATE_TABLE.match(out)
    auto = _AUTO_KEY.search(out)
    if table and auto:
        column = auto.group(1)
        out = out[: auto.start()] + f"{column} BIGINT PRIMARY KEY" + out[auto.end() :]
        name = table.group(1)
        func = f"inspector_next_{name}_{column}"
        extra = [
            f"""CREATE OR REPLACE FUNCTION {func}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.{column} IS NULL THEN
    SELECT coalesce(max({column}), 0) + 1 INTO NEW.{column} FROM {name};
  END IF;
  RETURN NEW;
END $fn$""",
            f"CREATE TRIGGER {name}_next_{column} BEFORE INSERT ON {name}"
            f" FOR EACH ROW EXECUTE FUNCTION {func}()",
        ]
    out = re.sub(r"\bINTEGER\b", "BIGINT", out, flags=re.I)
    out = re.sub(r"\bBLOB\b", "BYTEA", out, flags=re.I)
    out = re.sub(
        r"(\bREFERENCES\s+\w+\s*\(\s*\w+\s*\))",
        r"\1 DEFERRABLE INITIALLY IMMEDIATE",
        out,
        flags=re.I,
    )
    return [out, *extra]


_DDL_HEAD = re.compile(r"^\s*(CREATE|ALTER|DROP)\b", re.I)


class _DDLConnection:
    """What a SQLite migration's ``up(conn)`` is given on PostgreSQL."""

    def __init__(self, conn: PgConnection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = ()) -> Cursor:
        if _DDL_HEAD.match(sql):
            for stmt in translate_ddl(sql):
                self._conn._pg.execute(stmt)
            self._conn.forget_schema()
            from .connection import _EmptyCursor

            return _EmptyCursor()
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        return self._conn.executemany(sql, rows)


def current_version(conn: PgConnection) -> int:
    row = conn._pg.execute(
        "SELECT version FROM inspector_schema WHERE id = 1"
        if _has_schema_table(conn)
        else "SELECT 0"
    ).fetchone()
    return int(row[0]) if row else 0


def _has_schema_table(conn: PgConnection) -> bool:
    return (
        conn._pg.execute(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relname = 'inspector_schema'"
        ).fetchone()
        is not None
    )


def set_version(conn: PgConnection, number: int) -> None:
    conn._pg.execute("UPDATE inspector_schema SET version = %s WHERE id = 1", (number,))


def _m006_up(ddl: _DDLConnection) -> None:
    """Migration 6 without gathering old inspections into visits: a PostgreSQL office
    database is created at schema 6 or later, so it never holds inspections without one
    (and the gathering query is SQLite's: bare columns beside an aggregate)."""
    from ..migrations import m006_visits

    for stmt in m006_visits.STATEMENTS + m006_visits.ASSIGNMENTS:
        ddl.execute(stmt)


def _m011_up(ddl: _DDLConnection) -> None:
    """Migration 11 without its gathering query (SQLite's bare columns beside an
    aggregate): on PostgreSQL every inspection was saved into a visit, so there is nothing
    to gather; if there ever were, the migration stops with one sentence."""
    from ..db import StoreError
    from ..migrations import m011_visit_required as m011

    m011._inherit(cast("sqlite3.Connection", ddl))  # (it answers execute() as one)
    left = ddl.execute("SELECT count(*) FROM inspections WHERE visit_id IS NULL").fetchone()[0]
    if left:
        raise StoreError(
            f"{left} inspections have no visit; gather them on SQLite before moving to PostgreSQL"
        )
    for stmt in m011.STATEMENTS:
        ddl.execute(stmt)


def _m015_up(ddl: _DDLConnection) -> None:
    """Migration 15 with its count-keeping triggers as PL/pgSQL (they write, not raise)."""
    from ..migrations import m015_stat_counts as m015

    for stmt in m015.pg_statements():
        ddl._conn._pg.execute(stmt)
    ddl._conn.forget_schema()
    m015._fill(ddl)


def _m017_up(ddl: _DDLConnection) -> None:
    """Migration 17 (the kept failure figures) with its triggers as PL/pgSQL."""
    from ..migrations import m017_office_stats as m017

    for stmt in m017.pg_statements():
        ddl._conn._pg.execute(stmt)
    ddl._conn.forget_schema()
    m017.fill(cast("sqlite3.Connection", ddl))


# Migrations whose SQLite body cannot run here as it is (by number).
PG_UP = {6: _m006_up, 11: _m011_up, 15: _m015_up}
PG_UP[MIGRATION_NAMES.index("m017_office_stats") + 1] = _m017_up

MIGRATE_LOCK_KEY = 0x494E53504D4947  # "INSPMIG": one migrating client at a time


def migrate(conn: PgConnection, where: str) -> list[int]:
    """Apply pending migrations (each in one transaction, under the write lock and a
    session lock that keeps two clients from migrating at once); returns the numbers applied."""
    from ..db import DatabaseTooNewError, transaction

    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise DatabaseTooNewError(
            f"{where} was written by a newer version of Inspector (schema {version}, this program "
            f"knows up to {SCHEMA_VERSION}); update the program before opening it"
        )
    if version == SCHEMA_VERSION:
        return []
    applied: list[int] = []
    conn._pg.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK_KEY,))
    try:
        # (the office connection stands in for sqlite3's: BEGIN/COMMIT/SAVEPOINT alike)
        with transaction(cast("sqlite3.Connection", conn)):
            for stmt in BASE:
                conn._pg.execute(stmt)
        ddl = _DDLConnection(conn)
        for number in range(current_version(conn) + 1, SCHEMA_VERSION + 1):
            with transaction(cast("sqlite3.Connection", conn)):
                if current_version(conn) >= number:
                    continue
                PG_UP.get(number, MIGRATIONS[number - 1].up)(ddl)
                set_version(conn, number)
            applied.append(number)
    finally:
        conn._pg.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK_KEY,))
        conn.forget_schema()
    return applied
