"""The demo's bulk write: the child rows' guards laid aside for a large load and made
again from their own text, still refusing a child of an inspection outside the load; the
write-ahead log checkpointed once at the end instead of after each chunk; the chunks a
function of the total alone."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from inspector_app.services import demo
from inspector_app.store import bulk, open_database
from inspector_app.store.bulk import Prepared, load_records, prepare
from inspector_app.store.bulk_cache import one_checkpoint

GUARDS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    " AND name LIKE '%finalized_no_insert' ORDER BY name"
)


def _guards(store):
    return [tuple(r) for r in store.conn.execute(GUARDS)]


def _records(store, n: int, seed: int = 5):
    instruments = [
        store.instruments.get(i)
        for (i,) in store.conn.execute(
            "SELECT id FROM instruments WHERE family = 'scale' ORDER BY id"
        )
    ]
    addresses = dict(store.conn.execute("SELECT id, address FROM premises"))
    records, _ = demo._chunk(seed, 0, 0, n, n, instruments, addresses, ["张三"], 0)
    return records


def test_large_load_lays_the_guards_aside_and_makes_them_again(tmp_path, monkeypatch):
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=12, inspections=40, seed=2)
    guards = _guards(store)
    assert len(guards) >= 4
    dropped = []
    real = bulk._guards_aside

    def watching(conn, rows):
        aside = real(conn, rows)
        dropped.extend(name for name, _ in aside)
        return aside

    monkeypatch.setattr(bulk, "_guards_aside", watching)
    records = _records(store, bulk.GUARDS_ASIDE_FROM)
    load_records(store, [], [], records, actor="t", action="t.load")
    assert sorted(dropped) == [
        "findings_finalized_no_insert",
        "inspection_attachments_finalized_no_insert",
        "inspection_tests_finalized_no_insert",
        "readings_finalized_no_insert",
    ]
    assert _guards(store) == guards, "the same triggers again"
    sealed = records[0].id
    assert store.inspections.get(sealed).status == "finalized"
    with pytest.raises(sqlite3.IntegrityError, match="a finalized inspection cannot be changed"):
        with store.write("t", "t.test"):
            store.conn.execute(
                "INSERT INTO inspection_tests (inspection_id, seq, kind, verdict)"
                " VALUES (?, 99, 'x', 'pass')",
                (sealed,),
            )
    store.close()


def test_a_child_of_an_inspection_outside_the_load_is_refused(tmp_path):
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=12, inspections=40, seed=2)
    sealed = store.conn.execute("SELECT id FROM inspections LIMIT 1").fetchone()[0]
    guards = _guards(store)
    before = store.conn.execute("SELECT count(*) FROM readings").fetchone()[0]
    rows = prepare(_records(store, bulk.GUARDS_ASIDE_FROM + 10))
    rows.readings[3] = (sealed, *rows.readings[3][1:])
    with pytest.raises(sqlite3.IntegrityError, match="a finalized inspection cannot be changed"):
        load_records(store, [], [], rows, actor="t", action="t.load")
    assert store.conn.execute("SELECT count(*) FROM readings").fetchone()[0] == before
    assert _guards(store) == guards
    assert store.inspections.count() == 40
    store.close()


def test_the_log_is_checkpointed_once_at_the_end(tmp_path):
    """With automatic checkpoints the log is copied back and started again after each
    large commit; without them it keeps every commit's pages until the one checkpoint at
    the end copies them all back."""
    sizes = []
    for name, deferred in (("auto.db", False), ("once.db", True)):
        store = open_database(tmp_path / name)
        conn = store.conn
        demo.generate(store, premises=12, inspections=40, seed=2)
        with one_checkpoint(conn, "sqlite") if deferred else contextlib.nullcontext():
            assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == (
                0 if deferred else 1000
            )
            for seed in (11, 12, 13):
                records = _records(store, 500, seed)
                load_records(store, [], [], records, actor="t", action="t.load")
            sizes.append((tmp_path / (name + "-wal")).stat().st_size)
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        if deferred:
            # the database file holds every page already: the end copied them all back
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            assert (tmp_path / name).stat().st_size == pages * 4096
        assert store.inspections.count() == 1540
        store.close()
    assert sizes[1] > sizes[0] + 1000 * 4096, sizes


def test_the_demo_checkpoints_after_its_inspections(tmp_path, monkeypatch):
    """The demo writes its inspections without automatic checkpoints and its visits with
    them: the log is copied back before the visits' transaction."""
    seen = []
    real = demo.demo_visits.make_visits

    def visits(store, *args, **kwargs):
        conn = store.conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        seen.append(
            (
                conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
                (tmp_path / "d.db").stat().st_size == pages * 4096,
            )
        )
        return real(store, *args, **kwargs)

    monkeypatch.setattr(demo.demo_visits, "make_visits", visits)
    store = open_database(tmp_path / "d.db")
    demo.generate(store, premises=20, inspections=900, seed=4, workers=1)
    assert seen == [(1000, True)]
    store.close()


def test_the_chunks_are_a_function_of_the_total():
    sizes = demo.chunk_sizes(20_000)
    assert [n for _, n in sizes[:4]] == [*demo.RAMP, demo.CHUNK]
    assert sum(n for _, n in sizes) == 20_000
    assert all(first == sum(n for _, n in sizes[:i]) for i, (first, _) in enumerate(sizes))
    assert demo.chunk_sizes(700) == [(0, 500), (500, 200)]
    assert demo.chunk_sizes(0) == []


def test_prepared_rows_without_inspections_load_nothing(tmp_path):
    store = open_database(tmp_path / "inspector.db")
    counts = load_records(store, [], [], Prepared(), actor="t", action="t.load")
    assert counts["inspections"] == 0 and store.inspections.count() == 0
    store.close()


def test_a_chunk_sealed_with_its_rows_is_the_chunk_sealed_before(tmp_path):
    """_chunk_task leaves the sealing to prepare (codec.sealed_row, each JSON field
    rendered once): the same hashes and rows as sealing each record first."""
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=12, inspections=40, seed=2)
    instruments = [
        store.instruments.get(i)
        for (i,) in store.conn.execute(
            "SELECT id FROM instruments WHERE family IN ('scale', 'fuel_dispenser') ORDER BY id"
        )
    ]
    addresses = dict(store.conn.execute("SELECT id, address FROM premises"))
    task = (9, 1, 40, 80, 200, instruments, addresses, ["张三", "李四"], 1)
    store.close()
    records, blobs = demo._chunk(*task)
    assert all(r.content_hash for r in records)
    made, made_blobs = demo._chunk_task(task)
    assert made_blobs == blobs
    assert made == prepare(records) and len(made.inspections) == 80
