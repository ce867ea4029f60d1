"""A large import on SQLite lays the count triggers (schema 15) and the sweep rows' insert
guard (schema 6) aside inside its transaction: the counts then equal a recount, the triggers
and the index are back, a failure after the drop leaves counts and triggers as they were,
and a sweep row written into a visit the import did not create fails the import. On
PostgreSQL nothing is laid aside and the counts are kept the same."""

from __future__ import annotations

import sqlite3

import pytest

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import StoreError, office_kept, stat_sql, sweep_guard
from inspector_app.store.integrity import schema_problems
from inspector_app.store.summary import mismatches

KEPT = (
    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    " AND (name LIKE 'stat%' OR name LIKE 'search%' OR name LIKE 'sweep%') ORDER BY name"
)


def _kept(store):
    return [r[0] for r in store.conn.execute(KEPT)]


def _counts(store):
    conn = store.conn
    return (
        [tuple(r) for r in conn.execute("SELECT * FROM stat_counts ORDER BY 1, 2, 3, 4, 5, 6, 7")],
        [tuple(r) for r in conn.execute("SELECT * FROM search_pairs ORDER BY 1, 2")],
        [
            tuple(r)
            for r in conn.execute("SELECT * FROM stat_failures ORDER BY 1, 2, 3, 4, 5, 6, 7")
        ],
        [tuple(r) for r in conn.execute("SELECT * FROM stat_premises_days ORDER BY 1, 2")],
        [tuple(r) for r in conn.execute("SELECT * FROM stat_instrument_days ORDER BY 1, 2, 3, 4")],
    )


@pytest.fixture
def small_bulk(monkeypatch):
    """The set-aside paths taken from the first record (the bundles here are small); each
    call of set_aside is noted with what it dropped."""
    monkeypatch.setattr(stat_sql, "SET_ASIDE_FROM", 1)
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 1)
    dropped: list[int] = []
    real = stat_sql.set_aside

    def spy(conn, engine, inspections):
        aside = real(conn, engine, inspections)
        dropped.append(len(aside))
        return aside

    monkeypatch.setattr(stat_sql, "set_aside", spy)
    return dropped


def _bundle(side, dir, name, seed):
    generate(side.store, premises=5, inspections=40, seed=seed)
    path = dir / name
    export_bundle(side.store, side.identity, path, all=True)
    return path


def test_an_import_keeps_the_counts_and_puts_everything_back(world, small_bulk):
    lap, office = world["laptop"], world["office"]
    kept = _kept(office.store)
    assert "sweep_rows_finalized_no_insert" in kept and "stat_counts_review" in kept
    path = _bundle(lap, world["dir"], "one.bundle", 3)
    small_bulk.clear()  # (the demo's own loads)
    report = import_bundle(office.store, path)
    assert report.status == "imported", report.message()
    sqlite = office.store.engine == "sqlite"
    assert small_bulk == ([19] if sqlite else [0])  # the 10 count triggers, 9 of schema 17
    assert _kept(office.store) == kept
    assert mismatches(office.store.conn) == []
    assert office_kept.mismatches(office.store.conn) == []
    n = office.store.conn.execute("SELECT sum(n) FROM stat_counts WHERE grain = 'm'").fetchone()
    assert n[0] == 40
    assert office.store.conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0] > 0
    if sqlite:
        assert schema_problems(office.store.conn) == []  # the guard and the index are back
    # a second bundle on top adds to the counts already kept
    path2 = _bundle(world["laptop2"], world["dir"], "two.bundle", 4)
    assert import_bundle(office.store, path2).status == "imported"
    assert mismatches(office.store.conn) == []
    assert office_kept.mismatches(office.store.conn) == []
    assert _kept(office.store) == kept


def test_a_failed_import_leaves_counts_and_triggers_as_they_were(world, small_bulk, monkeypatch):
    lap, office = world["laptop"], world["office"]
    assert import_bundle(office.store, _bundle(lap, world["dir"], "one.bundle", 3)).ok
    kept, before = _kept(office.store), _counts(office.store)
    rows = office.store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0]
    path2 = _bundle(world["laptop2"], world["dir"], "two.bundle", 4)
    # fails after the triggers were dropped, the inspections inserted and their day and
    # month counts added: only the pairs' statement goes wrong
    monkeypatch.setattr(stat_sql, "ADD_PAIRS", "INSERT INTO no_such_table VALUES (?)")
    if office.store.engine == "sqlite":
        with pytest.raises(sqlite3.OperationalError):
            import_bundle(office.store, path2)
    else:  # nothing laid aside on PostgreSQL: the statement is never run
        assert import_bundle(office.store, path2).ok
        return
    assert _kept(office.store) == kept
    assert _counts(office.store) == before
    assert office.store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == rows
    assert mismatches(office.store.conn) == []
    assert office_kept.mismatches(office.store.conn) == []


def test_a_sweep_row_into_a_visit_the_import_did_not_create_fails_it(tmp_path):
    from inspector_app.store import open_database

    store = open_database(tmp_path / "inspector.db")
    generate(store, premises=3, inspections=10, seed=5)
    conn = store.conn
    sealed, instrument, premises = conn.execute(
        "SELECT s.visit_id, s.instrument_id, s.premises_id FROM sweep_rows s"
        " JOIN visits v ON v.id = s.visit_id WHERE v.status = 'finalized' LIMIT 1"
    ).fetchone()
    rows = conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0]
    kept = _kept(store)
    insert = (
        "INSERT INTO sweep_rows (id, visit_id, seq, instrument_id, premises_id)"
        " VALUES ('stray', ?, 999, ?, ?)"
    )
    with pytest.raises(StoreError, match="1 sweep rows were written into visits"):
        with store.write("t", "test"):
            with sweep_guard.guard_aside(conn, "sqlite", ["a-new-visit"], 10_000):
                assert "sweep_rows_finalized_no_insert" not in _kept(store)
                conn.execute(insert, (sealed, instrument, premises))
    assert conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0] == rows
    assert _kept(store) == kept
    # and outside, the guard refuses the row as always
    with pytest.raises(sqlite3.IntegrityError, match="a finalized visit cannot be changed"):
        with store.write("t", "test"):
            conn.execute(insert, (sealed, instrument, premises))
    assert schema_problems(conn) == []
    store.close()
