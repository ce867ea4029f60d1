"""A bulk load (demo data) lays the count triggers aside inside its transaction and adds the
new records' counts in one grouped statement: the kept counts still equal a recount, the
triggers are back afterwards, and a load that fails part-way leaves both as they were."""

from __future__ import annotations

import sqlite3

import pytest

from inspector_app.services.demo import generate
from inspector_app.store import bulk, open_database, stat_sql
from inspector_app.store.summary import mismatches

TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    " AND (name LIKE 'stat%' OR name LIKE 'search%') ORDER BY name"
)


def _counts(conn):
    return (
        conn.execute("SELECT * FROM stat_counts ORDER BY 1, 2, 3, 4, 5, 6, 7").fetchall(),
        conn.execute("SELECT * FROM search_pairs ORDER BY 1, 2").fetchall(),
    )


def test_a_bulk_load_keeps_the_counts_and_puts_the_triggers_back(tmp_path, monkeypatch):
    calls = []
    real = bulk.load_records

    def counting(store, premises, instruments, inspections=(), **kw):
        rows = inspections if isinstance(inspections, bulk.Prepared) else None
        calls.append(len(rows.inspections) if rows else 0)
        return real(store, premises, instruments, inspections, **kw)

    store = open_database(tmp_path / "inspector.db")
    triggers = store.conn.execute(TRIGGERS).fetchall()
    assert len(triggers) >= 8
    monkeypatch.setattr("inspector_app.services.demo.load_records", counting)
    generate(store, premises=30, inspections=600, seed=5)
    assert max(calls) >= stat_sql.SET_ASIDE_FROM, "the load took the set-aside path"
    assert store.conn.execute(TRIGGERS).fetchall() == triggers
    assert mismatches(store.conn) == []
    assert store.conn.execute("SELECT sum(n) FROM stat_counts WHERE grain = 'd'").fetchone()[0]
    # a second load on top adds to the rows already kept
    generate(store, premises=10, inspections=400, seed=6)
    assert mismatches(store.conn) == []
    assert store.conn.execute(TRIGGERS).fetchall() == triggers
    store.close()


def test_a_failed_bulk_load_leaves_counts_and_triggers_as_they_were(tmp_path, monkeypatch):
    store = open_database(tmp_path / "inspector.db")
    generate(store, premises=20, inspections=300, seed=7)
    triggers = store.conn.execute(TRIGGERS).fetchall()
    before = _counts(store.conn)

    # fails after the triggers were dropped, the inspections inserted and their day and
    # month counts added: only the pairs' statement goes wrong
    monkeypatch.setattr(stat_sql, "ADD_PAIRS", "INSERT INTO no_such_table VALUES (?)")
    with pytest.raises(sqlite3.OperationalError):
        generate(store, premises=20, inspections=300, seed=8)
    assert store.conn.execute(TRIGGERS).fetchall() == triggers
    assert _counts(store.conn) == before
    assert mismatches(store.conn) == []
    store.close()
