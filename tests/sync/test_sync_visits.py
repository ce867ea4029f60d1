"""Sealed visits travel from the laptop to the office in field bundles, with their sweep
rows and the visit of each inspection: checked field by field (the content hash is
recomputed, references resolve, times are real), stored once, and never changed by a
later bundle."""

from __future__ import annotations

from conftest import add_inspection_with_photo, lines, read_entries, resign, set_lines, write_zip
from inspector_app.domain.visits import Officer
from inspector_app.services import visits as vs
from inspector_app.services.sync import export_bundle, import_bundle

NAME = "records/visits.jsonl"


def _sealed_visit(store):
    """A visit to the premises of a finalized inspection: its sweep (the scale, with the
    full inspection opened from it), one duty answered, sealed."""
    insp = add_inspection_with_photo(store)
    v = vs.new_visit(
        store,
        inspector="王检",
        premises_id=insp.premises_id,
        officers=[Officer("王检", "皖A001"), Officer("李娜", "皖A002")],
        notes="抽查 2 台",
    )
    r = vs.repo(store)
    r.attach_inspection(insp.id, v.id, "王检")
    rows = r.rows(v.id)
    assert rows, "the register pre-fills the sweep with the scale"
    rows[0].inspection_id = insp.id
    rows[0].seal = "no"
    vs.save_rows(store, v.id, rows)
    vs.mark_rest_ok(store, v.id)
    return vs.finalize(store, v.id, "王检"), insp


def _field_bundle(world, name="f.zip"):
    lap = world["laptop"]
    return export_bundle(lap.store, lap.identity, world["dir"] / name, direction="field")


def test_sealed_visit_reaches_the_office_as_it_was(world):
    lap, office = world["laptop"], world["office"]
    visit, insp = _sealed_visit(lap.store)
    vs.new_visit(lap.store, inspector="王检", premises_id=insp.premises_id)  # a draft stays
    b = _field_bundle(world)
    assert b.counts["visits"] == 1, "only sealed visits travel"
    report = import_bundle(office.store, b.path)
    assert report.status == "imported", report.message()
    assert report.tables["visits"] == {"new": 1}
    here = vs.visit_detail(lap.store, visit.id)
    there = vs.visit_detail(office.store, visit.id)
    assert there == here
    assert there["status"] == "finalized" and there["inspections"] == [insp.id]
    assert there["rows"][0]["inspection_id"] == insp.id and there["rows"][0]["seal"] == "no"
    assert vs.repo(office.store).visit_of(insp.id) == visit.id
    # the same bundle again is already imported; a new bundle with the same visit is a no-op
    assert import_bundle(office.store, b.path).status == "already_imported"
    again = import_bundle(office.store, _field_bundle(world, "f2.zip").path)
    assert again.status == "imported", again.message()
    assert again.tables["visits"] == {"unchanged": 1}
    assert office.store.conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 1


def test_an_altered_visit_is_refused_naming_the_field(world):
    lap, office = world["laptop"], world["office"]
    _sealed_visit(lap.store)
    items = read_entries(_field_bundle(world).path)
    (line,) = lines(items, NAME)
    line["rows"][0]["seal"] = "yes"  # hash no longer matches
    bad = write_zip(world["dir"] / "bad.zip", resign(set_lines(items, NAME, [line]), lap.identity))
    report = import_bundle(office.store, bad)
    assert report.status == "rejected"
    assert "visit.content_hash" in report.message() and "altered" in report.message()
    assert office.store.conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    for field, value, words in (
        ("status", "draft", "visit.status"),
        ("kind", "party", "visit.kind"),
        ("started_at", "2026-02-30T09:00+08:00", "visit.started_at"),
        ("extra", 1, "extra"),
    ):
        changed = dict(lines(items, NAME)[0], **{field: value})
        path = world["dir"] / f"bad-{field}.zip"
        write_zip(path, resign(set_lines(items, NAME, [changed]), lap.identity))
        report = import_bundle(office.store, path)
        assert report.status == "rejected" and words in report.message(), report.message()


def test_references_must_resolve_and_a_sealed_visit_is_never_changed(world):
    lap, office = world["laptop"], world["office"]
    _sealed_visit(lap.store)
    items = read_entries(_field_bundle(world).path)
    (line,) = lines(items, NAME)
    unknown = dict(line, inspections=["no-such-inspection"])
    path = world["dir"] / "ref.zip"
    write_zip(path, resign(set_lines(items, NAME, [unknown]), lap.identity))
    report = import_bundle(office.store, path)
    assert report.status == "rejected"
    assert "no-such-inspection" in report.message()
    # the office holds the visit; the same id sealed with other content is refused by name
    assert import_bundle(office.store, _field_bundle(world, "ok.zip").path).status == "imported"
    from inspector_app.domain.visits import visit_hash
    from inspector_app.store.visits import _row, _visit

    other = _visit(
        lap.store.conn.execute("SELECT * FROM visits WHERE id = ?", (line["id"],)).fetchone()
    )
    rows = [
        _row(r)
        for r in lap.store.conn.execute("SELECT * FROM sweep_rows WHERE visit_id = ?", (other.id,))
    ]
    other.notes = "另一份记录"
    changed = dict(line, notes=other.notes, content_hash=visit_hash(other, rows))
    path = world["dir"] / "changed.zip"
    write_zip(path, resign(set_lines(items, NAME, [changed]), lap.identity))
    report = import_bundle(office.store, path)
    assert report.status == "rejected"
    assert line["id"] in report.message() and "sealed with other content" in report.message()
    notes = office.store.conn.execute(
        "SELECT notes FROM visits WHERE id = ?", (line["id"],)
    ).fetchone()[0]
    assert notes == "抽查 2 台"
