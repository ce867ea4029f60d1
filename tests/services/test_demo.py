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


def test_demo_answers_are_the_forms_own_questions(tmp_path):
    """Every checklist answer of a demo record is a question of its family's form, every
    question is answered, and a cheating finding is backed by the question it was found by."""
    from inspector_app.domain.forms import load_form

    store = open_database(tmp_path / "f.db")
    demo.generate(store, premises=30, inspections=600, seed=5)
    rows = store.conn.execute("SELECT id, family FROM inspections").fetchall()
    forms, families, cheats = {}, set(), 0
    for iid, family in rows:
        insp = store.inspections.get(iid)
        form = forms.setdefault(family, load_form(family))
        keys = {q.key: q for q in form.checklist}
        assert set(insp.checklist) <= set(keys), (family, set(insp.checklist) - set(keys))
        assert set(keys) <= set(insp.checklist), (family, set(keys) - set(insp.checklist))
        assert all(v in ("yes", "no", "na") for v in insp.checklist.values())
        failed = [k for k, v in insp.checklist.items() if v == keys[k].finding_if]
        if any(f.cheating for f in insp.findings):
            cheats += 1
            assert failed and insp.verdict == "fail"
        else:
            assert failed == []
        families.add(family)
    assert {"scale", "fuel_dispenser", "prepackaged", "retail_goods"} <= families
    assert cheats > 0, "some records carry a cheating finding"
    store.close()


def test_demo_times_carry_their_offset(tmp_path):
    import datetime as dt

    store = open_database(tmp_path / "t.db")
    demo.generate(store, premises=10, inspections=80, seed=6)
    times = store.conn.execute("SELECT started_at, finalized_at FROM inspections").fetchall()
    assert len(times) == 80
    for started, finalized in times:
        for text in (started, finalized):
            when = dt.datetime.fromisoformat(text)
            assert when.utcoffset() == dt.timedelta(hours=8), text
    store.close()
