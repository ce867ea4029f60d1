"""`check` compares the file's schema with the one the migrations make (through sqlite-utils'
introspection): a dropped trigger, index or table is named, a whole schema passes."""

from __future__ import annotations

from inspector_app.store.integrity import check, schema_problems


def _schema(store):
    return [p for p in check(store) if p.kind == "schema"]


def test_a_migrated_database_has_the_whole_schema(store):
    assert schema_problems(store.conn) == []
    assert _schema(store) == []


def test_a_dropped_trigger_index_and_table_are_named(store):
    conn = store.conn
    trigger = conn.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name LIMIT 1"
    ).fetchone()
    index = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " ORDER BY name LIMIT 1"
    ).fetchone()
    assert trigger is not None and index is not None
    conn.execute(f"DROP TRIGGER {trigger[0]}")
    conn.execute(f"DROP INDEX {index[0]}")
    conn.execute("DROP TABLE sync_exports")  # nothing refers to it in an empty database
    found = {p.ref: p.message for p in _schema(store)}
    assert f"the trigger {trigger[0]} on {trigger[1]} is missing" in found[trigger[0]]
    assert "is missing" in found[index[0]]
    assert found["sync_exports"] == "the table sync_exports is missing"
