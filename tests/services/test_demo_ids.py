"""The demo's inspections carry ids as the program makes them: version 7 UUIDs of their
start (``domain.models.new_id`` for a record made now)."""

from __future__ import annotations

import datetime as dt
import uuid

from inspector_app.services.demo import generate
from inspector_app.store import open_database


def test_demo_inspections_have_version_7_ids_of_their_start(tmp_path):
    store = open_database(tmp_path / "inspector.db")
    try:
        generate(store, premises=12, inspections=120, seed=3)
        rows = store.conn.execute(
            "SELECT id, record_id, started_at FROM inspections ORDER BY started_at"
        ).fetchall()
        findings = store.conn.execute("SELECT id FROM findings").fetchall()
    finally:
        store.close()
    assert len(rows) >= 100 and findings
    for iid, record_id, started in rows:
        ms = int(dt.datetime.fromisoformat(started).timestamp()) * 1000
        for text in (iid, record_id):
            u = uuid.UUID(text)
            assert str(u) == text and u.version == 7 and u.variant == uuid.RFC_4122
            assert u.int >> 80 == ms
    # a later start, a later id: the year's inspections arrive at the end of the index
    assert [r[0][:13] for r in rows] == sorted(r[0][:13] for r in rows)
    assert all(uuid.UUID(f[0]).version == 7 for f in findings)  # (the goods' too)
