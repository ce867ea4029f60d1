"""The inspections an import inserts already in their sealed visit (``MergeResult.placed``)
are not looked up again when the visits are stored (``visit_bundles.insert_sealed``); the
other inspections a visit lists still get it, and every inspection ends in its visit."""

from __future__ import annotations

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import open_database, visit_bundles

VISITS = "SELECT id, visit_id FROM inspections WHERE visit_id IS NOT NULL ORDER BY id"


def test_an_import_puts_every_inspection_in_its_visit(world, monkeypatch):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=5, inspections=40, seed=7)
    path = world["dir"] / "one.bundle"
    export_bundle(lap.store, lap.identity, path, all=True)
    calls = []
    real = visit_bundles.insert_sealed

    def spy(conn, lines, seq, origin, placed=()):
        calls.append((sum(len(v["inspections"]) for v in lines), set(placed)))
        return real(conn, lines, seq, origin, placed)

    monkeypatch.setattr(visit_bundles, "insert_sealed", spy)
    report = import_bundle(office.store, path)
    assert report.status == "imported", report.message()
    placed = [tuple(r) for r in lap.store.conn.execute(VISITS)]
    assert placed and [tuple(r) for r in office.store.conn.execute(VISITS)] == placed
    # every inspection the visits list was inserted by this import, in its visit
    assert calls == [(len(placed), {i for i, _ in placed})]


def test_insert_sealed_looks_up_only_the_others(tmp_path):
    """Of the inspections a visit lists, those of *placed* are not updated (the statements
    SQLite runs show it); the others are."""
    store = open_database(tmp_path / "inspector.db")
    generate(store, premises=3, inspections=12, seed=5)
    conn = store.conn
    line = visit_bundles.sealed_for_bundle(conn)[0]
    a, b = [r[0] for r in conn.execute("SELECT id FROM inspections ORDER BY id LIMIT 2")]
    # the same visit stored again under a new id, listing two inspections of the file
    line = {**line, "id": "visit-again", "inspections": [a, b]}
    line["rows"] = [
        {**r, "id": f"{r['id']}-again", "visit_id": "visit-again"} for r in line["rows"]
    ]
    ran: list[str] = []
    with store.write("t", "test") as seq:
        conn.set_trace_callback(ran.append)
        visit_bundles.insert_sealed(conn, [line], seq, "test", placed={a})
        conn.set_trace_callback(None)
    updates = [s for s in ran if s.startswith("UPDATE inspections SET visit_id")]
    assert len(updates) == 1 and b in updates[0] and a not in updates[0]
    assert conn.execute("SELECT status FROM visits WHERE id = 'visit-again'").fetchone()[0] == (
        "finalized"
    )
    store.close()
