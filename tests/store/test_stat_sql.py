"""The SQL of the kept counts lives in store/stat_sql.py, shared by migration 15, the bulk
loads and imports that lay the count triggers aside, and `check`'s recount. A released
migration never changes: what migration 15 creates (on SQLite and its PostgreSQL form) is
pinned here by digest, so a change to the shared SQL that would alter it fails. Migration 17
(the failures and days kept by triggers, whose fragments the bulk loads reuse) likewise."""

from __future__ import annotations

import hashlib
import sqlite3

from inspector_app.store.db import transaction
from inspector_app.store.migrations import MIGRATION_NAMES, MIGRATIONS

# sha256 of the statements migration 15 runs on SQLite (its tables, indexes and triggers and
# the first count) and of its PostgreSQL statements, as released
M015_SQLITE = "9a257de4ee075c767ca0b01d1c997c5df404d81b418a0f7f42fc40d4f504a0d7"
M015_PG = "76d1a61213f044ac41d57b26f202b88dc5d9f0bf842233f282437cde47cc8552"
M017_SQLITE = "e3b8dde81178137d0adaff74c26ed324daa4f2a8e8e448d1f04b1ead4c9a8745"
M017_PG = "a3151772f3e3539b710ecda3870c2a04e2f58513ee31bdcb5cb2d4952e3ac543"


def _sqlite_digest(name: str) -> str:
    number = MIGRATION_NAMES.index(name) + 1
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for migration in MIGRATIONS[: number - 1]:
        with transaction(conn):
            migration.up(conn)
    ran: list[str] = []
    with transaction(conn):
        conn.set_trace_callback(ran.append)
        MIGRATIONS[number - 1].up(conn)
        conn.set_trace_callback(None)
    conn.close()
    return hashlib.sha256("\n;\n".join(ran).encode()).hexdigest()


def test_migration_15_makes_the_schema_it_was_released_with():
    assert _sqlite_digest("m015_stat_counts") == M015_SQLITE


def test_migration_15_on_postgresql_is_the_same_as_released():
    from inspector_app.store.migrations import m015_stat_counts

    text = "\n;\n".join(m015_stat_counts.pg_statements())
    assert hashlib.sha256(text.encode()).hexdigest() == M015_PG


def test_migration_17_makes_the_schema_it_was_released_with():
    assert _sqlite_digest("m017_office_stats") == M017_SQLITE


def test_migration_17_on_postgresql_is_the_same_as_released():
    from inspector_app.store.migrations import m017_office_stats

    text = "\n;\n".join(m017_office_stats.pg_statements())
    assert hashlib.sha256(text.encode()).hexdigest() == M017_PG
