"""``check`` names what SQL did behind the program's back: a finalized inspection deleted with
its child rows (the audit log and the import ledger vouch for it), a ``superseded_by`` that
hides a record from the lists, a signature that no longer verifies, a record re-sealed with
a new hash."""

from __future__ import annotations

import pytest
from sync_world import add_inspection_with_photo, identity_signer

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store.inspections import InspectionFilter
from inspector_app.store.integrity import check

CHILD_TABLES = ("readings", "findings", "inspection_tests", "inspection_attachments")


def _drop_guards(conn):
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%finalized%'"
    ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")


def _delete_by_sql(conn, inspection_id):
    _drop_guards(conn)
    for table in CHILD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,))
    conn.execute("DELETE FROM inspections WHERE id = ?", (inspection_id,))
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []  # no dangling row


@pytest.fixture
def laptop(world):
    lap = world["laptop"]
    lap.trust(lap)  # its keys are not in the folder beside this test database
    generate(lap.store, premises=2, inspections=4, seed=5)
    signed = add_inspection_with_photo(lap.store, sign=identity_signer(lap.identity))
    assert check(lap.store) == []  # the signature verifies with the laptop's own key
    return lap, signed


def test_a_finalized_inspection_deleted_by_sql_is_named(laptop):
    lap, signed = laptop
    _delete_by_sql(lap.store.conn, signed.id)
    problems = [p for p in check(lap.store) if p.ref == signed.id]
    assert [p.kind for p in problems] == ["missing"]
    assert "was finalized (audit entry" in problems[0].message
    assert "no longer in the database" in problems[0].message


def test_an_imported_inspection_deleted_at_the_office_is_named(world, laptop, tmp_path):
    lap, signed = laptop
    office = world["office"]
    bundle = export_bundle(lap.store, lap.identity, tmp_path / "b.zip", all=True)
    assert import_bundle(office.store, bundle.path).status == "imported"
    assert check(office.store) == []  # the office trusts the inspector's key
    _delete_by_sql(office.store.conn, signed.id)
    problems = [p for p in check(office.store) if p.ref == signed.id]
    assert [p.kind for p in problems] == ["missing"]
    assert f"imported from bundle {bundle.bundle_id[:8]}" in problems[0].message


def test_a_superseded_by_edited_by_sql_is_named(laptop):
    lap, signed = laptop
    other = lap.store.conn.execute(
        "SELECT id FROM inspections WHERE id != ? AND status = 'finalized' LIMIT 1", (signed.id,)
    ).fetchone()[0]
    lap.store.conn.execute("DROP TRIGGER IF EXISTS inspections_finalized_no_update")
    lap.store.conn.execute(
        "UPDATE inspections SET superseded_by = ? WHERE id = ?", (other, signed.id)
    )
    listed = [x.id for x in lap.store.inspections.list(InspectionFilter(), limit=1000)]
    assert signed.id not in listed  # what the edit does: the record vanishes from the list
    problems = [p for p in check(lap.store) if p.ref == signed.id]
    assert [p.kind for p in problems] == ["revision"]
    assert "hidden from the lists" in problems[0].message


def test_a_correction_whose_parent_lost_its_link_is_named(laptop):
    lap, signed = laptop
    child = lap.store.inspections.correct(signed.id, "typo in the place")
    lap.store.conn.execute("DROP TRIGGER IF EXISTS inspections_finalized_no_update")
    lap.store.conn.execute("UPDATE inspections SET superseded_by = NULL WHERE id = ?", (signed.id,))
    problems = [p for p in check(lap.store) if p.kind == "revision"]
    assert [p.ref for p in problems] == [signed.id]
    assert child.id in problems[0].message


def test_a_signature_that_no_longer_verifies_is_named(laptop):
    lap, signed = laptop
    _drop_guards(lap.store.conn)
    lap.store.conn.execute(
        "UPDATE inspections SET signature = ? WHERE id = ?",
        ("QUJD" + signed.signature[4:], signed.id),
    )
    problems = [p for p in check(lap.store) if p.ref == signed.id]
    assert [p.kind for p in problems] == ["signature"]
    assert "does not verify" in problems[0].message


def test_a_record_resealed_with_a_new_hash_is_named(laptop):
    from inspector_app.domain.canonical import content_hash

    lap, signed = laptop
    changed = lap.store.inspections.require(signed.id)
    changed.notes = "edited after finalizing"
    new_hash = content_hash(changed)
    _drop_guards(lap.store.conn)
    lap.store.conn.execute(
        "UPDATE inspections SET notes = ?, content_hash = ?, signature = NULL, signer = NULL"
        " WHERE id = ?",
        (changed.notes, new_hash, signed.id),
    )
    problems = [p for p in check(lap.store) if p.ref == signed.id]
    assert [p.kind for p in problems] == ["inspection"]
    assert "was sealed with hash" in problems[0].message
