"""A large import on SQLite lays aside the insert guards of the inspections' children
(``store/sync/child_guard.py``) and seals the visits it creates as it writes them while
the sweep rows' guard is aside; the imported records are the same as without, the guards
are back afterwards, an inspection already here stops the import before anything is
dropped, and the outcomes of the records are kept in the ledger as before."""

from __future__ import annotations

import sqlite3

import pytest

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import StoreError, bulk, sweep_guard
from inspector_app.store.integrity import schema_problems
from inspector_app.store.sync import child_guard, sync_repo

GUARDS = sorted(bulk.CHILD_GUARDS)
TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
VISITS = (
    "SELECT id, status, content_hash, finalized_at, started_at, premises_id, market"
    " FROM visits WHERE status = 'finalized' ORDER BY id"
)
CHILDREN = {
    "readings": "SELECT * FROM readings ORDER BY inspection_id, test_seq, seq",
    "inspection_tests": "SELECT * FROM inspection_tests ORDER BY inspection_id, seq",
    "findings": "SELECT * FROM findings ORDER BY inspection_id, seq",
    "inspection_attachments": "SELECT * FROM inspection_attachments ORDER BY inspection_id, seq",
    "sweep_rows": "SELECT * FROM sweep_rows ORDER BY visit_id, seq",
}


def _rows(store, sql):
    return [tuple(r) for r in store.conn.execute(sql)]


@pytest.fixture
def small_aside(monkeypatch):
    """Both guards laid aside from the first row (the bundles here are small); every time
    the children's guards are dropped the names still there during the block are noted."""
    monkeypatch.setattr(child_guard, "ASIDE_FROM", 1)
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 1)
    seen: list[list[str]] = []
    real = child_guard.children_guard_aside

    def spy(conn, engine, ids, rows):
        with real(conn, engine, ids, rows):
            if engine == "sqlite":
                seen.append([r[0] for r in conn.execute(TRIGGERS) if r[0] in GUARDS])
            yield

    from contextlib import contextmanager

    monkeypatch.setattr(
        "inspector_app.store.sync.inspections.children_guard_aside", contextmanager(spy)
    )
    return seen


def test_an_import_with_the_guards_aside_brings_the_same_records(world, small_aside):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=5, inspections=40, seed=3)
    path = world["dir"] / "one.bundle"
    export_bundle(lap.store, lap.identity, path, all=True)
    triggers = _rows(office.store, TRIGGERS)
    report = import_bundle(office.store, path)
    assert report.status == "imported", report.message()
    sqlite = office.store.engine == "sqlite"
    assert small_aside == ([[]] if sqlite else [])  # dropped during the block, on SQLite only
    assert _rows(office.store, TRIGGERS) == triggers  # every guard is back
    if sqlite:
        assert schema_problems(office.store.conn) == []
    # the visits sealed as written hold what the laptop's hold, rows and all
    assert _rows(office.store, VISITS) == _rows(lap.store, VISITS)
    assert _rows(office.store, VISITS)
    for table, sql in CHILDREN.items():
        assert _rows(office.store, sql) == _rows(lap.store, sql), table
    assert _rows(office.store, CHILDREN["readings"])
    # and the guards work again: a finalized inspection takes no more readings
    iid = office.store.conn.execute("SELECT id FROM inspections LIMIT 1").fetchone()[0]
    with pytest.raises(Exception, match="a finalized inspection cannot be changed"):
        with office.store.write("t", "test"):
            office.store.conn.execute(
                "INSERT INTO readings (inspection_id, test_seq, seq, kind, label, unit, rule)"
                " VALUES (?, 99, 99, 'x', 'x', '', '')",
                (iid,),
            )
    # each record's outcome is in the ledger, once
    received = _rows(
        office.store, "SELECT entity, entity_id, outcome FROM sync_received ORDER BY 1, 2"
    )
    noted = {t: sum(c.values()) for t, c in report.tables.items() if t != "campaigns"}
    assert len(received) == sum(noted.values())  # (campaigns are counted, not listed)
    n = office.store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0]
    assert sum(e == "inspection" for e, _i, _o in received) == n == noted["inspections"]
    assert ("inspection", iid, "new") in received


def test_an_inspection_already_here_stops_before_anything_is_dropped(tmp_path):
    from inspector_app.store import open_database

    store = open_database(tmp_path / "inspector.db")
    generate(store, premises=2, inspections=4, seed=5)
    conn = store.conn
    here = conn.execute("SELECT id FROM inspections LIMIT 1").fetchone()[0]
    triggers = _rows(store, TRIGGERS)
    with pytest.raises(StoreError, match="1 of the inspections to insert are here already"):
        with store.write("t", "test"):
            with child_guard.children_guard_aside(conn, "sqlite", ["new-one", here], 10_000):
                raise AssertionError("the block must not run")
    assert _rows(store, TRIGGERS) == triggers
    # a failure inside the block puts the guards back as well
    with pytest.raises(sqlite3.OperationalError):
        with store.write("t", "test"):
            with child_guard.children_guard_aside(conn, "sqlite", ["new-one"], 10_000):
                assert not [r for r in _rows(store, TRIGGERS) if r[0] in GUARDS]
                conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert _rows(store, TRIGGERS) == triggers
    # few rows, or PostgreSQL: nothing is looked up or dropped
    with store.write("t", "test"):
        with child_guard.children_guard_aside(conn, "sqlite", [here], 10):
            assert _rows(store, TRIGGERS) == triggers
    assert schema_problems(conn) == []
    store.close()


def test_a_record_named_twice_keeps_its_last_outcome(tmp_path):
    from inspector_app.store import open_database

    store = open_database(tmp_path / "inspector.db")
    repo = sync_repo(store)
    with store.write("t", "test") as seq:
        repo.insert_ledger("b1", "field->office", "dev", "fp", "sha", seq, "2026-01-01", {})
        repo.insert_received(
            "b1",
            [
                ("visit", "v2", "new"),
                ("inspection", "i9", "new"),
                ("inspection", "i1", "conflict"),
                ("inspection", "i9", "unchanged"),
            ],
        )
    assert _rows(store, "SELECT entity, entity_id, outcome FROM sync_received ORDER BY 1, 2") == [
        ("inspection", "i1", "conflict"),
        ("inspection", "i9", "unchanged"),
        ("visit", "v2", "new"),
    ]
    store.close()


def test_visits_with_and_without_photos_are_sealed_alike_with_the_guard_aside(world, monkeypatch):
    """While the sweep rows' guard is aside the visits without photos are written sealed;
    one with photos is written as a draft, given its photos and sealed after them (the
    photos' own guard stays): both arrive as the laptop sealed them."""
    import random

    from sync_world import add_inspection_with_photo

    from inspector_app.services import visits as vs
    from inspector_app.services.demo import tiny_png

    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 1)
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=3, inspections=12, seed=8)
    insp = add_inspection_with_photo(lap.store)
    r = vs.repo(lap.store)
    v = r.require(r.visit_of(insp.id))
    shas = [lap.store.attachments.add(tiny_png(random.Random(n), 16), "王检") for n in (1, 2)]
    r.set_photos(v.id, shas, "王检")
    vs.mark_rest_ok(lap.store, v.id)
    vs.finalize(lap.store, v.id, "王检")
    path = world["dir"] / "photos.bundle"
    export_bundle(lap.store, lap.identity, path, all=True)
    report = import_bundle(office.store, path)
    assert report.status == "imported", report.message()
    assert _rows(office.store, VISITS) == _rows(lap.store, VISITS)
    assert len(_rows(office.store, VISITS)) > 2
    photos = "SELECT visit_id, seq, sha256 FROM visit_photos ORDER BY 1, 2"
    assert (
        _rows(office.store, photos)
        == _rows(lap.store, photos)
        == [
            (v.id, 0, shas[0]),
            (v.id, 1, shas[1]),
        ]
    )
    assert vs.repo(office.store).photos(v.id) == shas
    assert _rows(office.store, CHILDREN["sweep_rows"]) == _rows(lap.store, CHILDREN["sweep_rows"])
    if office.store.engine == "sqlite":
        assert schema_problems(office.store.conn) == []
