"""Schema 16: the sweep rows that name an inspection are indexed, so that a check of that
foreign key from the inspections' side (an inspection deleted, or inserted by an import while
its children wait for it) looks the rows up instead of reading every sweep row."""

from __future__ import annotations

from inspector_app.store import open_database
from inspector_app.store.migrations import MIGRATION_NAMES, MIGRATIONS

# what SQLite's foreign key check runs for the child table sweep_rows
FK_LOOKUP = "SELECT 1 FROM sweep_rows WHERE inspection_id = ?"


def _plan(conn, sql):
    return " ".join(r[-1] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("x",)))


def test_the_foreign_key_lookup_uses_the_index(store):
    plan = _plan(store.conn, FK_LOOKUP)
    assert "USING COVERING INDEX sweep_rows_inspection" in plan, plan


def test_a_database_before_schema_16_reads_every_sweep_row_and_one_after_it_does_not(tmp_path):
    """The same look-up on a file migrated up to 15 scans the table: the index is what
    changes the plan."""
    import sqlite3

    from inspector_app.store.db import transaction

    number = MIGRATION_NAMES.index("m016_sweep_inspection_index") + 1
    path = tmp_path / "old.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    for migration in MIGRATIONS[: number - 1]:
        with transaction(conn):
            migration.up(conn)
        conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(migration) + 1}")
    assert "SCAN sweep_rows" in _plan(conn, FK_LOOKUP)
    conn.close()
    store = open_database(path)
    assert "sweep_rows_inspection" in _plan(store.conn, FK_LOOKUP)
    store.close()
