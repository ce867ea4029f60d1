"""store.bulk.load_records on SQLite writes an inspection's children first and the inspection
after them already sealed, with the foreign keys checked at the commit: a record whose
instrument is not there still fails the whole load, and a small load (count triggers on)
keeps the counts as the triggers count them."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from inspector_app.services import demo
from inspector_app.store import office_kept, open_database
from inspector_app.store.bulk import load_records
from inspector_app.store.summary import mismatches

TABLES = ("inspections", "inspection_tests", "readings", "findings")


def _records(store, n: int, seed: int = 3):
    """*n* sealed demo inspections of the instruments already in *store*."""
    instruments = [
        store.instruments.get(i)
        for (i,) in store.conn.execute(
            "SELECT id FROM instruments WHERE family IN ('scale', 'fuel_dispenser') ORDER BY id"
        )
    ]
    addresses = dict(store.conn.execute("SELECT id, address FROM premises"))
    records, _ = demo._chunk(seed, 0, 0, n, n, instruments, addresses, ["张三"], 0)
    return records


def _count(store):
    return [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]


def test_sealed_at_insert_with_children_and_counts(tmp_path):
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=12, inspections=40, seed=2)
    before = _count(store)
    records = _records(store, 30)
    load_records(store, [], [], records, actor="t", action="t.load")  # triggers count these
    after = _count(store)
    assert after[0] == before[0] + 30
    assert after[2] > before[2] and after[1] > before[1]
    for x in records:
        got = store.inspections.get(x.id)
        assert got.status == "finalized" and got.content_hash == x.content_hash
        assert got.tests == x.tests and len(got.findings) == len(x.findings)
    assert mismatches(store.conn) == [] and office_kept.mismatches(store.conn) == []
    store.close()


def test_a_record_of_a_missing_instrument_fails_the_whole_load(tmp_path):
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=12, inspections=40, seed=2)
    before = _count(store)
    records = _records(store, 20)
    records[7] = dataclasses.replace(records[7], instrument_id="no-such-instrument")
    with pytest.raises(sqlite3.IntegrityError):
        load_records(store, [], [], records, actor="t", action="t.load")
    assert _count(store) == before
    # the deferral ended with the transaction: the next write checks row by row again
    with pytest.raises(sqlite3.IntegrityError), store.write("t", "t.bad"):
        store.conn.execute(
            "INSERT INTO readings (inspection_id, test_seq, seq, kind) VALUES ('none', 0, 0, 'x')"
        )
        raise AssertionError("the insert itself was refused")
    load_records(store, [], [], records[:7], actor="t", action="t.load")
    assert _count(store)[0] == before[0] + 7
    store.close()
