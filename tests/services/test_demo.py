"""The demo data generator: reproducible, the same in worker processes, cancellable."""

import sqlite3

from inspector_app.services import demo
from inspector_app.store import open_database


def rows(path):
    return (
        sqlite3.connect(path)
        .execute(
            "SELECT i.id, i.content_hash, i.started_at, count(r.seq) FROM inspections i"
            " LEFT JOIN readings r ON r.inspection_id = i.id GROUP BY i.id ORDER BY i.id"
        )
        .fetchall()
    )


def test_worker_processes_make_the_same_data(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK", 40)
    for name, workers in (("serial.db", 1), ("parallel.db", 2)):
        store = open_database(tmp_path / name)
        counts = demo.generate(store, premises=15, inspections=130, seed=4, workers=workers)
        store.close()
        assert counts["inspections"] == 130
    serial, parallel = rows(tmp_path / "serial.db"), rows(tmp_path / "parallel.db")
    assert serial == parallel and len(serial) == 130
    assert all(n > 0 for *_, n in serial), "every inspection has its readings rows"


def test_progress_can_cancel_between_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK", 25)
    seen = []
    store = open_database(tmp_path / "c.db")
    counts = demo.generate(
        store,
        premises=5,
        inspections=100,
        seed=2,
        workers=1,
        progress=lambda done, total: seen.append((done, total)) or done < 50,
    )
    assert seen == [(25, 100), (50, 100)]
    assert counts["inspections"] == 50 == store.inspections.count()
    store.close()


def test_every_sealed_record_checks(tmp_path):
    from inspector_app.store.integrity import check

    store = open_database(tmp_path / "k.db")
    demo.generate(store, premises=20, inspections=150, seed=8, photos=1)
    assert check(store) == []
    assert store.conn.execute("SELECT count(*) FROM inspection_attachments").fetchone()[0] == 150
    store.close()
