"""Merging at the office and back: two laptops, replay, idempotency, conflicts, tombstones,
acknowledgements, assignments and reviews, audit-chain forks."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from sync_world import (
    Side,
    add_inspection_with_photo,
    lines,
    read_entries,
    resign,
    set_lines,
    write_zip,
)

from inspector_app.domain.errors import InputError
from inspector_app.services.demo import generate
from inspector_app.services.review import decide
from inspector_app.services.sync import (
    assign_premises,
    export_bundle,
    import_bundle,
    inspection_sync_state,
    list_conflicts,
    resolve_conflict,
    sync_status,
)
from inspector_app.store.integrity import check
from inspector_app.store.sync import sync_repo
from inspector_app.sync.format import record_hash


def _count(store, table: str) -> int:
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _ok(report):
    assert report.status == "imported", report.message()
    return report


def test_two_laptops_merge_at_one_office(world):
    lap1, lap2, office = world["laptop"], world["laptop2"], world["office"]
    generate(lap1.store, premises=5, inspections=40, seed=1)
    generate(lap2.store, premises=6, inspections=30, seed=2)
    add_inspection_with_photo(lap2.store)
    b1 = export_bundle(lap1.store, lap1.identity, world["dir"] / "b1.zip")
    b2 = export_bundle(lap2.store, lap2.identity, world["dir"] / "b2.zip")
    r1 = _ok(import_bundle(office.store, b1.path))
    r2 = _ok(import_bundle(office.store, b2.path))
    assert r1.tables["inspections"] == {"new": 40} and r2.tables["inspections"] == {"new": 31}
    assert _count(office.store, "inspections") == 71
    assert _count(office.store, "premises") == _count(lap1.store, "premises") + _count(
        lap2.store, "premises"
    )
    assert r1.conflicts == r2.conflicts == 0
    assert _count(office.store, "attachments") == 1
    assert check(office.store) == []
    ids1 = {r[0] for r in lap1.store.conn.execute("SELECT id FROM inspections")}
    ids_office = {r[0] for r in office.store.conn.execute("SELECT id FROM inspections")}
    assert ids1 < ids_office
    origins = {r[0] for r in office.store.conn.execute("SELECT DISTINCT origin FROM inspections")}
    assert origins == {lap1.store.device_id, lap2.store.device_id}
    # each device's audit head is kept
    heads = {d["device_id"]: d["head_seq"] for d in sync_repo(office.store).devices()}
    assert heads == {
        lap1.store.device_id: lap1.store.audit_head()[0] - 1,
        lap2.store.device_id: lap2.store.audit_head()[0] - 1,
    }


def test_same_bundle_twice_says_already_imported(world):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=3, inspections=10, seed=3)
    b = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    _ok(import_bundle(office.store, b.path))
    fp = office.store.fingerprint()
    again = import_bundle(office.store, b.path)
    assert again.status == "already_imported"
    assert "already imported" in again.message()
    assert office.store.fingerprint() == fp


def test_backup_is_taken_before_the_import(world):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=2, inspections=5, seed=4)
    before = office.store.fingerprint()
    b = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    report = _ok(import_bundle(office.store, b.path))
    if office.store.engine == "postgresql":  # the server's own backups (pg_dump), no file
        assert report.backup is None
        return
    restored = Side.__new__(Side)
    from inspector_app.store import open_database

    copy = open_database(report.backup)
    try:
        assert copy.fingerprint() == before
    finally:
        copy.close()
    del restored


def test_a_correction_moves_forward_and_an_old_bundle_changes_nothing(world):
    lap, office = world["laptop"], world["office"]
    first = add_inspection_with_photo(lap.store)
    old = export_bundle(lap.store, lap.identity, world["dir"] / "old.zip", all=True)
    # the laptop edits the premises and corrects the inspection
    p = lap.store.premises.get(first.premises_id)
    lap.store.premises.save(dataclasses.replace(p, phone="13900000000"), "t")
    draft = lap.store.inspections.correct(first.id, "wrong load written down", "t")
    lap.store.inspections.finalize(draft.id, "t")
    new = export_bundle(lap.store, lap.identity, world["dir"] / "new.zip", all=True)
    r = _ok(import_bundle(office.store, new.path))
    assert r.tables["inspections"] == {"new": 1, "updated": 1}
    assert office.store.inspections.superseded_by(first.id) == draft.id
    assert office.store.premises.get(p.id).phone == "13900000000"
    rows_before = office.store.conn.execute("SELECT * FROM inspections ORDER BY id").fetchall()
    premises_before = office.store.conn.execute("SELECT * FROM premises ORDER BY id").fetchall()
    replay = _ok(import_bundle(office.store, old.path))  # older, never imported here
    assert replay.new == replay.updated == replay.conflicts == 0
    assert replay.tables["premises"] == {"stale": 1}
    assert [
        tuple(r) for r in office.store.conn.execute("SELECT * FROM inspections ORDER BY id")
    ] == [tuple(r) for r in rows_before]
    assert [tuple(r) for r in office.store.conn.execute("SELECT * FROM premises ORDER BY id")] == [
        tuple(r) for r in premises_before
    ]


def test_in_order_updates_move_forward(world):
    lap, office = world["laptop"], world["office"]
    first = add_inspection_with_photo(lap.store)
    b1 = export_bundle(lap.store, lap.identity, world["dir"] / "1.zip")
    _ok(import_bundle(office.store, b1.path))
    draft = lap.store.inspections.correct(first.id, "typo", "t")
    lap.store.inspections.finalize(draft.id, "t")
    p = lap.store.premises.get(first.premises_id)
    lap.store.premises.save(dataclasses.replace(p, contact="李四"), "t")
    b2 = export_bundle(lap.store, lap.identity, world["dir"] / "2.zip")
    r = _ok(import_bundle(office.store, b2.path))
    assert r.tables["premises"] == {"updated": 1}
    assert r.tables["inspections"]["updated"] == 1
    assert office.store.premises.get(p.id).contact == "李四"


def test_a_record_changed_on_both_sides_is_a_conflict(world):
    lap, office = world["laptop"], world["office"]
    first = add_inspection_with_photo(lap.store)
    b1 = export_bundle(lap.store, lap.identity, world["dir"] / "1.zip")
    _ok(import_bundle(office.store, b1.path))
    p = office.store.premises.get(first.premises_id)
    office.store.premises.save(dataclasses.replace(p, phone="13911111111"), "office")
    lp = lap.store.premises.get(first.premises_id)
    lap.store.premises.save(dataclasses.replace(lp, phone="13922222222"), "t")
    b2 = export_bundle(lap.store, lap.identity, world["dir"] / "2.zip")
    r = _ok(import_bundle(office.store, b2.path))
    assert r.conflicts == 1 and r.tables["premises"] == {"conflict": 1}
    assert office.store.premises.get(p.id).phone == "13911111111"  # never silently overwritten
    [c] = list_conflicts(office.store)
    assert c.entity == "premises" and c.entity_id == p.id
    d = c.as_dict()
    assert d["local"]["phone"] == "13911111111" and d["incoming"]["data"]["phone"] == "13922222222"
    # the same incoming version again does not add a second conflict
    b3 = export_bundle(lap.store, lap.identity, world["dir"] / "3.zip", all=True)
    _ok(import_bundle(office.store, b3.path))
    assert len(list_conflicts(office.store)) == 1
    assert resolve_conflict(office.store, c.id[:8], "incoming", "supervisor") == "incoming"
    assert office.store.premises.get(p.id).phone == "13922222222"
    assert list_conflicts(office.store) == []
    with pytest.raises(InputError, match="resolved already"):
        resolve_conflict(office.store, c.id, "local")
    # after the decision the laptop's version is known: a later copy is unchanged
    b4 = export_bundle(lap.store, lap.identity, world["dir"] / "4.zip", all=True)
    r4 = _ok(import_bundle(office.store, b4.path))
    assert r4.conflicts == 0 and r4.tables["premises"]["unchanged"] >= 1


def test_keeping_local_dismisses_the_incoming_version_for_good(world):
    lap, office = world["laptop"], world["office"]
    first = add_inspection_with_photo(lap.store)
    _ok(
        import_bundle(
            office.store, export_bundle(lap.store, lap.identity, world["dir"] / "1.zip").path
        )
    )
    p = office.store.premises.get(first.premises_id)
    office.store.premises.save(dataclasses.replace(p, city="芜湖市"), "office")
    lap.store.premises.save(dataclasses.replace(lap.store.premises.get(p.id), city="蚌埠市"), "t")
    r = _ok(
        import_bundle(
            office.store, export_bundle(lap.store, lap.identity, world["dir"] / "2.zip").path
        )
    )
    [c] = list_conflicts(office.store)
    assert r.conflict_ids == [c.id]
    resolve_conflict(office.store, c.id, "local", "supervisor")
    assert office.store.premises.get(p.id).city == "芜湖市"
    r3 = _ok(
        import_bundle(
            office.store,
            export_bundle(lap.store, lap.identity, world["dir"] / "3.zip", all=True).path,
        )
    )
    assert r3.conflicts == 0
    assert office.store.premises.get(p.id).city == "芜湖市"


def test_two_different_corrections_of_one_record_conflict(world):
    """Laptop 2 received laptop 1's record (it imported laptop 1's bundle) and corrected it
    differently: the office keeps the first correction and shows the second as a conflict."""
    lap1, lap2, office = world["laptop"], world["laptop2"], world["office"]
    lap2.trust(lap1)
    first = add_inspection_with_photo(lap1.store)
    b1 = export_bundle(lap1.store, lap1.identity, world["dir"] / "1.zip")
    _ok(import_bundle(office.store, b1.path))
    _ok(import_bundle(lap2.store, b1.path))
    a = lap1.store.inspections.correct(first.id, "correction A", "one")
    lap1.store.inspections.finalize(a.id, "one")
    b = lap2.store.inspections.correct(first.id, "correction B", "two")
    lap2.store.inspections.finalize(b.id, "two")
    _ok(
        import_bundle(
            office.store, export_bundle(lap1.store, lap1.identity, world["dir"] / "a.zip").path
        )
    )
    r = _ok(
        import_bundle(
            office.store, export_bundle(lap2.store, lap2.identity, world["dir"] / "b.zip").path
        )
    )
    assert r.conflicts == 1
    [c] = list_conflicts(office.store)
    assert c.entity == "inspection" and c.entity_id == b.id
    assert "corrected differently" in c.reason or "revision 2" in c.reason
    assert office.store.inspections.superseded_by(first.id) == a.id
    assert office.store.inspections.get(b.id) is None
    with pytest.raises(InputError, match="finalized"):
        resolve_conflict(office.store, c.id, b.id)  # keep the incoming revision: not possible
    assert resolve_conflict(office.store, c.id, a.id) == "local"


def test_deletions_travel_as_tombstones_and_old_bundles_cannot_revive(world):
    from inspector_app.domain.models import Premises, new_id

    lap, office = world["laptop"], world["office"]
    p = lap.store.premises.save(Premises(new_id(), "shop", "临时摊位"), "t")
    old = export_bundle(lap.store, lap.identity, world["dir"] / "old.zip")
    old2 = export_bundle(lap.store, lap.identity, world["dir"] / "old2.zip", all=True)
    _ok(import_bundle(office.store, old.path))
    assert office.store.premises.get(p.id) is not None
    lap.store.premises.delete(p.id, "t")
    gone = export_bundle(lap.store, lap.identity, world["dir"] / "gone.zip")
    r = _ok(import_bundle(office.store, gone.path))
    assert r.tables["tombstones"] == {"updated": 1}
    assert office.store.premises.get(p.id) is None
    r2 = _ok(import_bundle(office.store, old2.path))
    assert r2.tables["premises"] == {"deleted": 1}
    assert office.store.premises.get(p.id) is None


def test_office_bundle_acknowledges_and_the_laptop_shows_at_office(world):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=3, inspections=8, seed=5)
    ids = [r[0] for r in lap.store.conn.execute("SELECT id FROM inspections")]
    assert set(inspection_sync_state(lap.store, ids).values()) == {"local"}
    b = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    assert set(inspection_sync_state(lap.store, ids).values()) == {"exported"}
    _ok(import_bundle(office.store, b.path))
    prem = office.store.premises.list(limit=1)[0]
    assign_premises(office.store, prem.id, "王检", "每月一次", "supervisor")
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    assert o.direction == "office->field"
    r = _ok(import_bundle(lap.store, o.path))
    assert r.acknowledged == 8
    assert set(inspection_sync_state(lap.store, ids).values()) == {"at_office"}
    assert sync_status(lap.store)["not_at_office"] == 0
    assert sync_repo(lap.store).assignments_for("王检")[0]["premises_id"] == prem.id
    with pytest.raises(InputError, match="nothing to export"):
        export_bundle(lap.store, lap.identity, world["dir"] / "empty.zip")
    # a new inspection after the acknowledgement: only it travels, with the audit tail
    add_inspection_with_photo(lap.store)
    b2 = export_bundle(lap.store, lap.identity, world["dir"] / "b2.zip")
    assert b2.counts["inspections"] == 1
    r2 = _ok(import_bundle(office.store, b2.path))
    assert r2.tables["inspections"] == {"new": 1}
    # replaying the office bundle changes nothing
    assert import_bundle(lap.store, o.path).status == "already_imported"


def test_reviews_reach_the_laptop(world):
    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    _ok(
        import_bundle(
            office.store, export_bundle(lap.store, lap.identity, world["dir"] / "b.zip").path
        )
    )
    review = decide(office.store, insp.id, "returned", office.identity, "照片不清楚")
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    r = _ok(import_bundle(lap.store, o.path))
    assert r.tables["reviews"] == {"new": 1}
    row = lap.store.conn.execute(
        "SELECT decision, comment, signature FROM reviews WHERE id = ?", (review.id,)
    ).fetchone()
    assert tuple(row) == ("returned", "照片不清楚", review.signature)
    # the same office bundle again, and a later one holding the same review: nothing to check or add
    o2 = export_bundle(office.store, office.identity, world["dir"] / "o2.zip", direction="office")
    assert _ok(import_bundle(lap.store, o2.path)).tables["reviews"] == {"unchanged": 1}


def _office_bundle_with_review(world, edit_review):
    """An office bundle whose one review (of the laptop's inspection) is changed by
    *edit_review* after signing, then the bundle is signed again by the (trusted) office."""
    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    _ok(
        import_bundle(
            office.store, export_bundle(lap.store, lap.identity, world["dir"] / "b.zip").path
        )
    )
    decide(office.store, insp.id, "approved", office.identity, "")
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    items = read_entries(o.path)
    objs = [edit_review(x) for x in lines(items, "records/reviews.jsonl")]
    items = set_lines(items, "records/reviews.jsonl", objs)

    def fix_records(m):
        m["records"]["reviews"] = [[x["id"], record_hash(x)] for x in objs]

    return write_zip(world["dir"] / "edited.zip", resign(items, office.identity, edit=fix_records))


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda r: {**r, "signature": None}, "the review carries no signature"),
        (lambda r: {**r, "decision": "returned", "comment": "改了"}, "does not match the review"),
        (
            lambda r: {**r, "signature": "v1:" + "0" * 64 + ":" + r["signature"].split(":")[2]},
            "not in the trust list",
        ),
        (lambda r: {**r, "signature": "v1:abc"}, "not in a known format"),
        (lambda r: {**r, "signature": r["signature"][:-4] + "!!!!"}, "not valid base64"),
    ],
)
def test_a_review_without_a_valid_trusted_signature_is_refused(world, edit, reason):
    lap = world["laptop"]
    path = _office_bundle_with_review(world, edit)
    before = lap.store.fingerprint()
    report = import_bundle(lap.store, path)
    assert report.status == "rejected"
    assert report.rejection["stage"] == 4
    assert report.rejection["entry"] == "records/reviews.jsonl line 1"
    assert (
        report.rejection["reason"].startswith("review.signature: ")
        and reason in report.rejection["reason"]
    )
    assert lap.store.fingerprint() == before


def test_reviews_of_other_inspectors_records_are_not_checked_or_kept(world):
    """The office sends every review; a laptop keeps (and so checks) only its own."""
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    insp = add_inspection_with_photo(lap2.store)
    _ok(
        import_bundle(
            office.store, export_bundle(lap2.store, lap2.identity, world["dir"] / "b.zip").path
        )
    )
    decide(office.store, insp.id, "approved", office.identity, "")
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    items = read_entries(o.path)
    objs = [{**x, "signature": None} for x in lines(items, "records/reviews.jsonl")]
    items = set_lines(items, "records/reviews.jsonl", objs)
    path = write_zip(
        world["dir"] / "o2.zip",
        resign(
            items,
            office.identity,
            edit=lambda m: m["records"].update(reviews=[[x["id"], record_hash(x)] for x in objs]),
        ),
    )
    r = _ok(import_bundle(lap.store, path))
    assert r.tables["reviews"] == {"skipped": 1}
    assert lap.store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_export_direction_must_suit_the_role(world):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=1, inspections=1, seed=3)
    with pytest.raises(InputError, match="an office bundle is a supervisor's action"):
        export_bundle(lap.store, lap.identity, world["dir"] / "o.zip", direction="office")
    with pytest.raises(InputError, match="a field bundle is an inspector's action"):
        export_bundle(office.store, office.identity, world["dir"] / "f.zip", direction="field")
    assert not (world["dir"] / "o.zip").exists() and not (world["dir"] / "f.zip").exists()


def test_an_audit_chain_fork_is_refused(world, tmp_path):
    """A laptop restored from an old copy continues with a different history: refused."""
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=2, inspections=4, seed=6)
    fork_path = tmp_path / "fork.db"
    shutil.copy(lap.path, fork_path)
    for suffix in ("-wal", "-shm"):
        src = lap.path.with_name(lap.path.name + suffix)
        if src.exists():
            shutil.copy(src, fork_path.with_name(fork_path.name + suffix))
    add_inspection_with_photo(lap.store, actor="original")
    _ok(
        import_bundle(
            office.store, export_bundle(lap.store, lap.identity, world["dir"] / "a.zip").path
        )
    )
    from inspector_app.store import open_database

    forked = open_database(fork_path)
    try:
        assert forked.device_id == lap.store.device_id
        add_inspection_with_photo(forked, actor="restored copy")
        b = export_bundle(forked, lap.identity, world["dir"] / "fork.zip")
    finally:
        forked.close()
    fp = office.store.fingerprint()
    r = import_bundle(office.store, b.path)
    assert r.status == "rejected" and r.rejection["stage"] == 4
    assert "forks" in r.rejection["reason"]
    assert office.store.fingerprint() == fp
