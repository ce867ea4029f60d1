"""Drafts, finalization, immutability in the database itself, corrections, check()."""

import dataclasses
import sqlite3

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.models import AttachmentRef, Finding, Inspection, new_id
from inspector_app.services.inspections import save_and_evaluate
from inspector_app.store.inspections import InspectionFilter, RecordStateError
from inspector_app.store.integrity import check

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def draft(stall, **kw):
    p, i = stall
    insp = Inspection(
        new_id(),
        new_id(),
        i.id,
        p.id,
        "scale",
        "in_service",
        "JJG 539-2016",
        "赵敏",
        started_at="2026-11-20T09:30",
        tests=[
            {
                "kind": "weighing",
                "points": [
                    {"load": "1000", "indication": "1005"},
                    {"load": "15000", "indication": "15010"},
                ],
            }
        ],
        findings=[Finding(new_id(), "seal_ok", "铅封完好", severity="minor")],
    )
    return dataclasses.replace(insp, **kw)


def test_finalize_seals_the_record(store, stall):
    x = save_and_evaluate(store, draft(stall))
    assert x.verdict == "pass"
    sealed = store.inspections.finalize(x.id, "赵敏")
    assert sealed.status == "finalized" and len(sealed.content_hash) == 64
    again = store.inspections.require(x.id)
    assert again.content_hash == sealed.content_hash
    assert [
        r[0]
        for r in store.conn.execute("SELECT verdict FROM readings WHERE inspection_id = ?", (x.id,))
    ] == ["pass", "pass"]
    assert check(store) == []


def test_finalized_record_is_read_only_in_python_and_sql(store, stall):
    x = save_and_evaluate(store, draft(stall))
    store.inspections.finalize(x.id)
    with pytest.raises(RecordStateError):
        store.inspections.save_draft(dataclasses.replace(x, notes="changed"))
    with pytest.raises(RecordStateError):
        store.inspections.delete_draft(x.id)
    for sql in (
        "UPDATE inspections SET verdict = 'fail' WHERE id = ?",
        "UPDATE inspections SET status = 'draft' WHERE id = ?",
        "DELETE FROM inspections WHERE id = ?",
        "UPDATE readings SET error = '0' WHERE inspection_id = ?",
        "DELETE FROM findings WHERE inspection_id = ?",
        "INSERT INTO findings (id, inspection_id, seq, code, text) VALUES ('f2', ?, 9, 'x', 'y')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="finalized inspection"):
            store.conn.execute(sql, (x.id,))


def test_check_names_a_record_changed_with_triggers_dropped(store, stall):
    x = save_and_evaluate(store, draft(stall))
    store.inspections.finalize(x.id)
    y = save_and_evaluate(store, draft(stall))
    store.inspections.finalize(y.id)
    # An attacker with raw SQL access drops the guard and edits a sealed reading.
    store.conn.execute("DROP TRIGGER inspections_finalized_no_update")
    store.conn.execute(
        "UPDATE inspections SET tests_json = replace(tests_json, '15010', '15000') WHERE id = ?",
        (x.id,),
    )
    problems = check(store)
    assert [p.ref for p in problems if p.kind == "inspection"] == [x.id]
    assert any(x.id in p.message for p in problems)


def test_check_names_an_edited_finding_and_reading(store, stall):
    x = save_and_evaluate(store, draft(stall))
    store.inspections.finalize(x.id)
    for name in ("findings_finalized_no_update", "readings_finalized_no_update"):
        store.conn.execute(f"DROP TRIGGER {name}")
    store.conn.execute("UPDATE findings SET text = '无问题' WHERE inspection_id = ?", (x.id,))
    store.conn.execute(
        "UPDATE readings SET verdict = 'pass', error = '0' WHERE inspection_id = ?", (x.id,)
    )
    kinds = {p.kind for p in check(store) if p.ref == x.id}
    assert kinds == {"inspection", "readings"}


def test_check_names_a_broken_audit_chain(store, stall):
    save_and_evaluate(store, draft(stall))
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    problems = check(store)
    # the dropped trigger is named (schema), then the entry it let change
    assert [p.ref for p in problems] == ["audit_no_update", "2"]
    assert problems[0].kind == "schema" and "altered" in problems[1].message


def test_check_names_a_deleted_audit_entry(store, stall):
    save_and_evaluate(store, draft(stall))
    save_and_evaluate(store, draft(stall))
    store.conn.execute("DROP TRIGGER audit_no_delete")
    store.conn.execute("DELETE FROM audit WHERE seq = 3")
    messages = [p.message for p in check(store)]
    assert any("missing" in m for m in messages) and any("does not link" in m for m in messages)


def test_audit_is_append_only(store, stall):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit SET actor = 'x'")


def test_correction_is_a_new_revision(store, stall):
    x = save_and_evaluate(store, draft(stall))
    store.inspections.finalize(x.id)
    with pytest.raises(InputError, match="reason"):
        store.inspections.correct(x.id, "  ")
    c = store.inspections.correct(x.id, "第二点示值抄录错误")
    assert (c.revision, c.parent_id, c.record_id, c.status) == (2, x.id, x.record_id, "draft")
    assert store.inspections.superseded_by(x.id) == c.id
    with pytest.raises(RecordStateError):
        store.inspections.correct(x.id, "again")
    c.tests[0]["points"][1]["indication"] = "15005"
    c = save_and_evaluate(store, c)
    store.inspections.finalize(c.id)
    heads = store.inspections.list(InspectionFilter(heads_only=True))
    assert [h.id for h in heads] == [c.id]
    assert [r.revision for r in store.inspections.revisions(x.record_id)] == [1, 2]
    assert check(store) == []


def test_deleting_a_correction_draft_restores_the_head(store, stall):
    x = save_and_evaluate(store, draft(stall))
    store.inspections.finalize(x.id)
    c = store.inspections.correct(x.id, "重新检查")
    store.inspections.delete_draft(c.id)
    assert store.inspections.superseded_by(x.id) is None
    assert store.conn.execute("SELECT 1 FROM tombstones WHERE entity_id = ?", (c.id,)).fetchone()


def test_finalize_needs_evaluated_readings(store, stall):
    x = store.inspections.save_draft(draft(stall, tests=[]))
    with pytest.raises(RecordStateError, match="no evaluated readings"):
        store.inspections.finalize(x.id)


def test_attachments_are_stored_once(store, stall):
    a = store.attachments.add(PNG)
    b = store.attachments.add(PNG)
    assert a == b and store.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 1
    x = save_and_evaluate(store, draft(stall, attachments=[AttachmentRef(a, "photo", "铭牌")]))
    assert store.inspections.require(x.id).attachments[0].sha256 == a
    with pytest.raises(InputError, match="not a PNG"):
        store.attachments.add(b"GIF89a....")
    with pytest.raises(InputError, match="not stored"):
        save_and_evaluate(store, draft(stall, attachments=[AttachmentRef("0" * 64)]))


def test_signature_hook_is_stored(store, stall):
    x = save_and_evaluate(store, draft(stall))
    sealed = store.inspections.finalize(x.id, sign=lambda h: ("sig-of-" + h[:8], "fp123"))
    assert sealed.signature == "sig-of-" + sealed.content_hash[:8]
    assert store.inspections.require(x.id).signer == "fp123"


def test_period_filter_is_inclusive_and_checked(store, stall):
    from inspector_app.store.filters import period

    assert period("2026-11-01", "2026-11-30") == (
        ["i.started_at >= ?", "i.started_at < ?"],
        ["2026-11-01", "2026-12-01"],
    )
    with pytest.raises(InputError, match="starts after it ends"):
        period("2026-12-01", "2026-11-01")
    with pytest.raises(InputError) as info:
        store.inspections.list(InspectionFilter(date_to="30/11/2026"))
    assert info.value.path == "to"
    x = save_and_evaluate(store, draft(stall))  # started 2026-11-20T09:30
    assert [
        s.id
        for s in store.inspections.list(
            InspectionFilter(date_from="2026-11-20", date_to="2026-11-20")
        )
    ] == [x.id]
    assert store.inspections.list(InspectionFilter(date_to="2026-11-19")) == []
