"""Sealed visits travel from the laptop to the office in field bundles, with their sweep
rows and the visit of each inspection: checked field by field (the content hash is
recomputed, references resolve, times are real), stored once, and never changed by a
later bundle."""

from __future__ import annotations

import dataclasses

import pytest
from sync_world import add_inspection_with_photo, lines, read_entries, resign, set_lines, write_zip

from inspector_app.domain.visits import Officer
from inspector_app.services import visits as vs
from inspector_app.services.sync import export_bundle, import_bundle

NAME = "records/visits.jsonl"


def _sealed_visit(store):
    """A visit to the premises of a finalized inspection: its sweep (the scale, with the
    full inspection opened from it), one duty answered, sealed."""
    insp = add_inspection_with_photo(store)
    r = vs.repo(store)
    v = r.require(r.visit_of(insp.id))  # the visit it joined when it was first stored
    v = r.save(
        dataclasses.replace(
            v, officers=[Officer("王检", "皖A001"), Officer("李娜", "皖A002")], notes="抽查 2 台"
        ),
        "王检",
    )
    r.replace_rows(v.id, vs.register_rows(store, v), "王检")
    rows = r.rows(v.id)
    assert rows, "the register pre-fills the sweep with the scale"
    rows[0].inspection_id = insp.id
    rows[0].seal = "no"
    vs.save_rows(store, v.id, rows)
    vs.mark_rest_ok(store, v.id)
    return vs.finalize(store, v.id, "王检"), insp


def _as_before_visits(store):
    """A database as schema 5 left it: inspections without visits. The schema refuses that
    state now, so its two triggers are set aside while it is made."""
    conn = store.conn
    names = ("inspections_visit_fixed", "inspections_visit_kept")
    kept = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)", names
        )
    ]
    for name in names:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("UPDATE inspections SET visit_id = NULL")
    conn.execute("DELETE FROM sweep_rows")
    conn.execute("DELETE FROM visits")
    for sql in kept:
        conn.execute(sql)
    conn.commit()


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
    # the one true/false column of a sweep row is stored as the integer 0 or 1, as here
    stored = "SELECT seq, rest_ok FROM sweep_rows WHERE visit_id = ? ORDER BY seq"
    rows = [tuple(r) for r in office.store.conn.execute(stored, (visit.id,))]
    assert rows and rows == [tuple(r) for r in lap.store.conn.execute(stored, (visit.id,))]
    assert all(type(ok) is int and ok in (0, 1) for _, ok in rows)
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
        ("duties", {"fair_scale": "no"}, "visit.duty_set"),
        (
            "officers",
            [{"name": "王检", "certificate_no": "皖A001 "}],
            "visit.officers: is not in normal form",
        ),
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
    from inspector_app.store.visit_codec import sweep_row_from_row, visit_from_row

    other = visit_from_row(
        lap.store.conn.execute("SELECT * FROM visits WHERE id = ?", (line["id"],)).fetchone()
    )
    rows = [
        sweep_row_from_row(r)
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


def test_a_sweep_rows_references_must_resolve_each_named(world):
    import hashlib

    from inspector_app.domain.canonical import canonical_bytes

    lap, office = world["laptop"], world["office"]
    _sealed_visit(lap.store)
    items = read_entries(_field_bundle(world).path)
    (line,) = lines(items, NAME)
    row = line["rows"][0]
    row.update(instrument_id="no-such-scale", premises_id="no-such-shop")
    row["inspection_id"] = "no-such-inspection"
    hashed = {k: v for k, v in line.items() if k not in ("status", "content_hash", "inspections")}
    line["content_hash"] = hashlib.sha256(canonical_bytes(hashed)).hexdigest()
    path = world["dir"] / "rows.zip"
    write_zip(path, resign(set_lines(items, NAME, [line]), lap.identity))
    report = import_bundle(office.store, path)
    assert report.status == "rejected", report.message()
    reasons = [p["reason"] for p in report.rejection["problems"]]
    assert reasons[:3] == [
        "visit.rows[0].instrument_id: the instrument no-such-scale does not resolve",
        "visit.rows[0].premises_id: the premises no-such-shop do not resolve",
        "visit.rows[0].inspection_id: the inspection no-such-inspection is neither in the "
        "bundle nor in this database",
    ]


# -- office → field: campaigns and the campaign and due date of each assignment -------------
def _office_with_campaign(world):
    """The office holds the laptop's premises, a campaign, and a campaign assignment of one
    premises to 王检 due on 2026-12-20 besides a routine one for the same premises."""
    from inspector_app.services import campaigns as cs
    from inspector_app.services.sync import assign_premises

    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    b = _field_bundle(world, "first.zip")
    assert import_bundle(office.store, b.path).status == "imported"
    c = cs.new_campaign(
        office.store, "电子计价秤专项", "2026-12-01", "2026-12-31", ["market_stall"], ["合肥市"]
    )
    cs.assign(office.store, c.id, "王检", [insp.premises_id], due="2026-12-20")
    assign_premises(office.store, insp.premises_id, "王检", "每月一次", "supervisor")
    return c, insp


def test_campaigns_and_due_dates_reach_the_laptop_and_its_visits_go_back(world):
    lap, office = world["laptop"], world["office"]
    c, insp = _office_with_campaign(world)
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    assert o.counts["campaigns"] == 1
    report = import_bundle(lap.store, o.path)
    assert report.status == "imported", report.message()
    assert report.tables["campaigns"] == {"new": 1}
    from inspector_app.services import campaigns as cs

    there = cs.repo(lap.store).get(c.id)
    assert there == c
    work = {
        (a["campaign_id"], a["due_date"], a["note"])
        for a in cs.repo(lap.store).assignments(inspector="王检")
    }
    assert work == {(c.id, "2026-12-20", ""), ("", None, "每月一次")}
    # a campaign visit sealed on the laptop ticks its assignment off and reaches the office
    v = vs.new_visit(
        lap.store,
        inspector="王检",
        premises_id=insp.premises_id,
        kind="campaign",
        campaign_id=c.id,
        officers=[Officer("王检", "皖A001"), Officer("李娜", "皖A002")],
    )
    vs.mark_rest_ok(lap.store, v.id)
    vs.finalize(lap.store, v.id, "王检")
    (done,) = [a for a in cs.repo(lap.store).assignments(c.id)]
    assert done["done_visit_id"] == v.id
    report = import_bundle(office.store, _field_bundle(world, "back.zip").path)
    assert report.status == "imported", report.message()
    assert vs.visit_detail(office.store, v.id)["campaign_id"] == c.id
    # the office changes the due date: the laptop follows, keeping what it ticked off
    cs.assign(office.store, c.id, "王检", [insp.premises_id], due="2026-12-24")
    o2 = export_bundle(office.store, office.identity, world["dir"] / "o2.zip", direction="office")
    assert import_bundle(lap.store, o2.path).status == "imported"
    (again,) = cs.repo(lap.store).assignments(c.id)
    assert again["due_date"] == "2026-12-24" and again["done_visit_id"] == v.id


def test_a_bad_campaign_or_due_date_is_refused_by_name(world):
    lap, office = world["laptop"], world["office"]
    _office_with_campaign(world)
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    items = read_entries(o.path)
    name = "records/campaigns.jsonl"
    (camp,) = lines(items, name)
    bad = dict(camp, date_to="2026-11-30")
    path = world["dir"] / "bad-camp.zip"
    write_zip(path, resign(set_lines(items, name, [bad]), office.identity))
    report = import_bundle(lap.store, path)
    assert report.status == "rejected" and "campaign.date_to" in report.message()
    # an assignment naming a campaign nobody has, or an impossible due date
    from inspector_app.sync.format import record_hash

    aname = "records/assignments.jsonl"
    for field, value, words in (
        ("campaign_id", "no-such-campaign", "no-such-campaign"),
        ("due_date", "2026-02-30", "assignment.due_date"),
    ):
        rows = lines(items, aname)
        rows = [dict(a, **{field: value}) if a["campaign_id"] else a for a in rows]
        fixed = set_lines(items, aname, rows)
        path = world["dir"] / f"bad-{field}.zip"

        def edit(m, rows=rows):
            m["records"]["assignments"] = [[a["id"], record_hash(a)] for a in rows]

        write_zip(path, resign(fixed, office.identity, edit=edit))
        report = import_bundle(lap.store, path)
        assert report.status == "rejected" and words in report.message(), report.message()
    assert lap.store.conn.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 0
    assert lap.store.conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_assignments_of_an_earlier_office_without_campaign_still_import(world):
    from inspector_app.sync.format import record_hash

    lap, office = world["laptop"], world["office"]
    _office_with_campaign(world)
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    items = read_entries(o.path)
    aname = "records/assignments.jsonl"
    rows = [
        {k: v for k, v in a.items() if k not in ("campaign_id", "due_date")}
        for a in lines(items, aname)
        if not a["campaign_id"]
    ]
    fixed = set_lines(items, aname, rows)

    def edit(m):
        m["records"]["assignments"] = [[a["id"], record_hash(a)] for a in rows]

    path = world["dir"] / "old.zip"
    write_zip(path, resign(fixed, office.identity, edit=edit))
    report = import_bundle(lap.store, path)
    assert report.status == "imported", report.message()
    got = lap.store.conn.execute("SELECT campaign_id, due_date, note FROM assignments").fetchall()
    assert [tuple(r) for r in got] == [("", None, "每月一次")]


def test_a_campaign_made_on_the_laptop_travels_with_its_visits_and_the_office_keeps_its_own(
    world,
):
    from inspector_app.services import campaigns as cs

    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    c = cs.new_campaign(lap.store, "加油机专项", "2026-12-01", "2026-12-31")
    v = vs.new_visit(
        lap.store,
        inspector="王检",
        premises_id=insp.premises_id,
        kind="campaign",
        campaign_id=c.id,
        officers=[Officer("王检", "皖A001"), Officer("李娜", "皖A002")],
    )
    vs.mark_rest_ok(lap.store, v.id)
    vs.finalize(lap.store, v.id, "王检")
    b = _field_bundle(world)
    assert b.counts["campaigns"] == 1
    report = import_bundle(office.store, b.path)
    assert report.status == "imported", report.message()
    assert report.tables["campaigns"] == {"new": 1}
    assert cs.repo(office.store).get(c.id) == c
    # the office renames it; a later field bundle with the laptop's old name changes nothing
    cs.repo(office.store).save(
        cs.repo(office.store).get(c.id).__class__(c.id, "加油机计量专项", c.date_from, c.date_to)
    )
    again = import_bundle(office.store, _field_bundle(world, "f2.zip").path)
    assert again.status == "imported", again.message()
    assert cs.repo(office.store).get(c.id).name == "加油机计量专项"


# SQLite only: an office on PostgreSQL starts at schema 6 or later, so it is never upgraded
# from the schema before visits (the engine parameter is narrowed, not skipped)
@pytest.mark.parametrize("office_db_path", ["sqlite"], indirect=True)
def test_visits_both_sides_gathered_at_the_upgrade_are_not_doubled(world):
    """Inspections exchanged before visits existed are gathered into a visit on each side
    when the database is upgraded (m006); the laptop's gathered visit travels with an
    inspection the office has not acknowledged, and the office keeps its own."""
    from inspector_app.store.migrations.m006_visits import _gather

    lap, office = world["laptop"], world["office"]
    assert office.store.engine == "sqlite"
    insp = add_inspection_with_photo(lap.store)
    _as_before_visits(lap.store)
    assert import_bundle(office.store, _field_bundle(world, "old.zip").path).status == "imported"
    for side in (lap, office):
        _gather(side.store.conn)
        side.store.conn.commit()
    (mine,) = [r[0] for r in lap.store.conn.execute("SELECT id FROM visits")]
    (theirs,) = [r[0] for r in office.store.conn.execute("SELECT id FROM visits")]
    b = _field_bundle(world, "after.zip")
    assert b.counts["visits"] == 1, "it travels with its unacknowledged inspection"
    report = import_bundle(office.store, b.path)
    assert report.status == "imported", report.message()
    assert any(theirs in w["reason"] and "upgrade" in w["reason"] for w in report.warnings)
    ids = [r[0] for r in office.store.conn.execute("SELECT id FROM visits")]
    assert ids == [theirs] and mine != theirs
    assert vs.repo(office.store).visit_of(insp.id) == theirs


def _png(seed: int) -> bytes:
    import random

    from inspector_app.services.demo import tiny_png

    return tiny_png(random.Random(seed), 16)


def test_a_visits_photos_are_sealed_and_travel_with_it(world):
    from inspector_app.domain.visits import visit_hash
    from inspector_app.store.inspections import RecordStateError

    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    r = vs.repo(lap.store)
    v = r.require(r.visit_of(insp.id))
    shas = [lap.store.attachments.add(_png(n), "王检") for n in (1, 2)]
    assert r.set_photos(v.id, [*shas, shas[0]], "王检") == shas  # a photo once
    vs.mark_rest_ok(lap.store, v.id)
    sealed = vs.finalize(lap.store, v.id, "王检")
    assert sealed.content_hash == visit_hash(sealed, r.rows(v.id), shas)
    assert sealed.content_hash != visit_hash(sealed, r.rows(v.id))  # the photos count
    with pytest.raises(RecordStateError):
        r.set_photos(v.id, shas[:1], "王检")
    with pytest.raises(Exception, match="finalized visit cannot be changed"):
        lap.store.conn.execute("DELETE FROM visit_photos WHERE visit_id = ?", (v.id,))
    b = _field_bundle(world)
    (line,) = [x for x in lines(read_entries(b.path), NAME) if x["id"] == v.id]
    assert line["photos"] == shas
    report = import_bundle(office.store, b.path)
    assert report.status == "imported", report.message()
    there = vs.repo(office.store)
    assert there.photos(v.id) == shas
    assert all(office.store.attachments.get(s) == lap.store.attachments.get(s) for s in shas)
    assert vs.visit_detail(office.store, v.id)["photos"] == shas


def test_a_visit_whose_photos_were_changed_is_refused(world):
    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    r = vs.repo(lap.store)
    v = r.require(r.visit_of(insp.id))
    shas = [lap.store.attachments.add(_png(n), "王检") for n in (3, 4)]
    r.set_photos(v.id, shas, "王检")
    vs.mark_rest_ok(lap.store, v.id)
    vs.finalize(lap.store, v.id, "王检")
    items = read_entries(_field_bundle(world).path)
    changed = [{**x, "photos": shas[:1]} if x["id"] == v.id else x for x in lines(items, NAME)]
    path = world["dir"] / "photos.zip"
    write_zip(path, resign(set_lines(items, NAME, changed), lap.identity))
    report = import_bundle(office.store, path)
    assert report.status != "imported"
    assert "content_hash" in report.message() and "altered" in report.message()
    assert vs.repo(office.store).get(v.id) is None
