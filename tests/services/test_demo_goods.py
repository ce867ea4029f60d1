"""The demo data set includes prepackaged batches and retail rechecks, sealed and counted."""

from __future__ import annotations

from inspector_app.services import demo, demo_goods
from inspector_app.services.goods_stats import goods_statistics
from inspector_app.store import open_database
from inspector_app.store.integrity import check


def families(store):
    return dict(
        store.conn.execute("SELECT family, count(*) FROM inspections GROUP BY family").fetchall()
    )


def test_demo_has_batches_and_rechecks(tmp_path):
    store = open_database(tmp_path / "d.db")
    counts = demo.generate(store, premises=30, inspections=400, seed=11, workers=1)
    assert counts["inspections"] == 400 == store.inspections.count()
    fam = families(store)
    assert (fam["prepackaged"], fam["retail_goods"]) == demo_goods.counts(400, 30)[:2] == (8, 5)
    # producers and supermarkets among the 30; the organisers of the markets come on top
    kinds = dict(store.conn.execute("SELECT kind = 'market', count(*) FROM premises GROUP BY 1"))
    assert kinds[0] == 30 and kinds[1] > 0
    kinds = {p.kind for p in store.premises.list(limit=100)}
    assert {"producer", "supermarket"} <= kinds
    assert check(store) == []
    g = goods_statistics(store)
    assert g["prepackaged"]["batches"] == 8
    assert 0 < g["prepackaged"]["passed"] <= 8
    assert g["prepackaged"]["by_producer"] and g["prepackaged"]["by_campaign"]
    assert g["retail_rechecks"]["rechecks"] == 5
    # every batch took the sample its plan asks for and was judged under the batch check
    for tests_json, check_kind in store.conn.execute(
        "SELECT tests_json, check_kind FROM inspections WHERE family = 'prepackaged'"
    ):
        assert check_kind == "batch" and '"units"' in tests_json
    store.close()


def test_small_demo_stays_instrument_inspections(tmp_path):
    store = open_database(tmp_path / "s.db")
    demo.generate(store, premises=4, inspections=20, seed=3, workers=1)
    assert "prepackaged" not in families(store)
    store.close()


def test_goods_are_reproducible(tmp_path):
    ids = []
    for name in ("a.db", "b.db"):
        store = open_database(tmp_path / name)
        demo.generate(store, premises=10, inspections=120, seed=5, workers=1)
        ids.append(
            store.conn.execute(
                "SELECT id, content_hash FROM inspections WHERE family IN"
                " ('prepackaged', 'retail_goods') ORDER BY id"
            ).fetchall()
        )
        store.close()
    assert ids[0] == ids[1] and len(ids[0]) == sum(demo_goods.counts(120, 10)[:2]) == 3


def test_goods_made_in_a_worker_are_the_same(tmp_path, monkeypatch):
    """With worker processes the batches and rechecks are made by a worker (their generator
    handed over with its state): the same records, photos and order as made here."""
    monkeypatch.setattr(demo, "CHUNK", 60)
    got = []
    for name, workers in (("serial.db", 1), ("parallel.db", 2)):
        store = open_database(tmp_path / name)
        demo.generate(store, premises=10, inspections=200, seed=5, workers=workers, photos=1)
        got.append(
            store.conn.execute(
                "SELECT i.id, i.content_hash, i.started_at, i.status, a.sha256 FROM inspections i"
                " LEFT JOIN inspection_attachments a ON a.inspection_id = i.id"
                " WHERE i.family IN ('prepackaged', 'retail_goods') ORDER BY i.rowid"
            ).fetchall()
        )
        store.close()
    assert got[0] == got[1] and len(got[0]) == sum(demo_goods.counts(200, 10)[:2]) > 0
    assert all(r[3] == "finalized" and r[4] for r in got[0])
