"""Inspection forms are versioned and shipped by the office: a published form is signed,
audited and never changed; it travels in office bundles and a laptop keeps it only when a
trusted office key signed it. New drafts use the newest form and record its id, version
and hash; a draft started before keeps its own form."""

from __future__ import annotations

import base64
import sqlite3

import pytest
from sync_world import add_inspection_with_photo, lines, read_entries, resign, set_lines, write_zip

from inspector_app.domain import forms
from inspector_app.domain.errors import InputError
from inspector_app.services import forms as form_service
from inspector_app.services.drafts import new_draft
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store.forms import list_versions, load_installed

NEW_ITEM = """
[[checklist]]
key = "price_sign"
group = "legal"
label = { zh = "明码标价与计量单位一致", en = "Price sign matches the unit of measurement" }
finding_text = { zh = "明码标价与计量单位不一致", en = "Price sign does not match the unit" }
"""


def revised_scale() -> bytes:
    """The shipped scale form with one more checklist item (what an office would publish)."""
    return forms.builtin_form("scale").path.read_bytes() + NEW_ITEM.encode("utf-8")


@pytest.fixture(autouse=True)
def builtin_forms_after():
    yield
    forms.install_published([])  # another test starts from the shipped form files


def _publish(world, version="2027-1"):
    office = world["office"]
    row = form_service.publish(
        office.store, "scale", revised_scale(), "new checklist item", office.identity, version
    )
    forms.install_published([])  # the laptop is another computer: it starts from the files
    return row


def test_publish_is_signed_audited_and_append_only(world):
    office = world["office"]
    builtin = forms.load_form("scale")
    assert builtin.version == "builtin-1" and len(builtin.hash) == 64
    row = form_service.publish(
        office.store, "scale", revised_scale(), "new checklist item", office.identity
    )
    assert row.version == "office-1" and row.hash == forms.form_hash(revised_scale())
    now = forms.load_form("scale")  # the office's own new drafts use it at once
    assert now.version == "office-1" and "price_sign" in {q.key for q in now.checklist}
    entry = office.store.conn.execute(
        "SELECT action, entity_id FROM audit WHERE action = 'form.publish'"
    ).fetchone()
    assert tuple(entry) == ("form.publish", "scale:office-1")
    with pytest.raises(sqlite3.DatabaseError, match="never changed"):
        office.store.conn.execute("UPDATE form_versions SET reason = 'x'")
    with pytest.raises(InputError, match="exists already"):
        form_service.publish(
            office.store, "scale", revised_scale() + b"\n", "again", office.identity, "office-1"
        )
    with pytest.raises(InputError, match="in use"):  # the same text twice is no new version
        form_service.publish(office.store, "scale", revised_scale(), "again", office.identity)
    with pytest.raises(InputError, match=r"form\.checklist\[0\]\.group"):
        bad = revised_scale().replace(b'group = "legal"', b'group = "other"', 1)
        form_service.publish(office.store, "scale", bad, "broken", office.identity)
    with pytest.raises(InputError, match="reason"):
        form_service.publish(office.store, "scale", revised_scale() + b"#", "", office.identity)


def test_a_published_form_reaches_the_laptop_and_new_drafts_only(world):
    lap, office = world["laptop"], world["office"]
    insp = add_inspection_with_photo(lap.store)
    old_draft = new_draft(lap.store, insp.instrument_id, "Inspector One")
    assert old_draft.environment["form"] == forms.builtin_form("scale").ref
    _publish(world)
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    assert o.counts["forms"] == 1
    report = import_bundle(lap.store, o.path)
    assert report.status == "imported", report.message()
    (row,) = list_versions(lap.store.conn)
    assert (row.family, row.version, row.source) == ("scale", "2027-1", "bundle")
    draft = new_draft(lap.store, insp.instrument_id, "Inspector One")
    ref = draft.environment["form"]
    assert ref == {"id": "scale", "version": "2027-1", "hash": forms.form_hash(revised_scale())}
    assert "price_sign" in {q.key for q in forms.form_for("scale", ref).checklist}
    # the draft started before keeps the form it was started on
    kept = lap.store.inspections.get(old_draft.id)
    old_form = forms.form_for("scale", kept.environment["form"])
    assert old_form.version == "builtin-1" and "price_sign" not in {
        q.key for q in old_form.checklist
    }
    # reopening the database installs the stored versions again
    forms.install_published([])
    assert load_installed(lap.store) == {"scale": "2027-1"}
    assert import_bundle(lap.store, o.path).status == "already_imported"


def test_a_form_signed_by_an_inspector_key_or_changed_is_refused(world):
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    _publish(world)
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    items = read_entries(o.path)
    name = "records/forms.jsonl"
    (v,) = lines(items, name)
    forged_text = v["toml"] + "\n# mine\n"
    digest = forms.form_hash(forged_text.encode("utf-8"))
    payload = form_service.signed_payload(
        "scale", "mine", digest, forged_text, "Inspector Two", v["created_at"], "x"
    )
    forged = {
        **v,
        "version": "mine",
        "hash": digest,
        "toml": forged_text,
        "created_by": "Inspector Two",
        "reason": "x",
        "signature": f"v1:{lap2.identity.fingerprint}:"
        + base64.b64encode(lap2.identity.sign(payload)).decode(),
        "signer_cert": lap2.identity.certificate_pem().decode(),
    }
    lap.trust(lap2)  # trusted, but as an inspector
    bad = write_zip(
        world["dir"] / "bad.zip", resign(set_lines(items, name, [forged]), office.identity)
    )
    report = import_bundle(lap.store, bad)
    assert report.status == "rejected"
    assert "forms.signature" in report.message() and "not as an office key" in report.message()
    assert list_versions(lap.store.conn) == []
    # the office's signature does not cover another reason
    bad2 = write_zip(
        world["dir"] / "bad2.zip",
        resign(set_lines(items, name, [{**v, "reason": "other"}]), office.identity),
    )
    report = import_bundle(lap.store, bad2)
    assert report.status == "rejected"
    assert "does not match the form's text and reason" in report.message()
    # a text that is not its hash is refused before any signature is looked at
    bad3 = write_zip(
        world["dir"] / "bad3.zip",
        resign(set_lines(items, name, [{**v, "toml": v["toml"] + "#"}]), office.identity),
    )
    report = import_bundle(lap.store, bad3)
    assert report.status == "rejected" and "forms.hash" in report.message()
    assert list_versions(lap.store.conn) == []


def test_an_office_bundle_without_forms_has_no_forms_entry(world):
    office = world["office"]
    o = export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")
    assert "records/forms.jsonl" not in {n for n, _ in read_entries(o.path)}


def test_a_record_without_a_form_reference_keeps_the_shipped_form(world):
    office = world["office"]
    _publish(world)
    from inspector_app.store.forms import load_installed as install

    install(office.store)
    assert forms.load_form("scale").version == "2027-1"  # new work: the published form
    old = forms.form_for("scale", None)  # a record from before forms had versions
    assert old.version == "builtin-1" and old.hash == forms.builtin_form("scale").hash
    # a reference this program does not hold falls back to the form in use
    assert forms.form_for("scale", {"id": "scale", "version": "x", "hash": "0" * 64}).version == (
        "2027-1"
    )


def test_a_record_keeps_its_form_and_edition_reason_through_a_field_bundle(world):
    import dataclasses

    from sync_world import identity_signer

    from inspector_app.services.inspections import save_and_evaluate

    lap, office = world["laptop"], world["office"]
    first = add_inspection_with_photo(lap.store, sign=identity_signer(lap.identity))
    ref = forms.builtin_form("scale").ref
    change = {"from": "JJG 1204-2025", "to": "JJG 539-2016", "reason": "旧型号过渡期"}
    draft = dataclasses.replace(
        first,
        id=forms.form_hash(b"x")[:32],
        record_id=forms.form_hash(b"y")[:32],
        parent_id=None,
        revision=1,
        status="draft",
        content_hash=None,
        signature=None,
        signer=None,
        finalized_at=None,
        environment={"temperature": "21", "form": ref, "edition_changes": [change]},
    )
    saved = save_and_evaluate(lap.store, draft, "t")
    lap.store.inspections.finalize(saved.id, "t", sign=identity_signer(lap.identity))
    f = export_bundle(lap.store, lap.identity, world["dir"] / "f.zip")
    report = import_bundle(office.store, f.path)
    assert report.status == "imported", report.message()
    kept = office.store.inspections.require(saved.id)
    assert kept.environment["form"] == ref and kept.environment["edition_changes"] == [change]


def test_the_report_labels_a_record_with_its_own_form(world):
    """A draft on the published form, finalized, prints the new checklist item's label; the
    report of a record on the shipped form does not know it."""
    from inspector_app.services.reports import _checklist_labels, _form

    _publish(world)
    from inspector_app.store.forms import load_installed as install

    install(world["office"].store)
    new = forms.load_form("scale").ref
    assert "price_sign" in _checklist_labels(_form("scale", new))
    shipped = forms.builtin_form("scale").ref
    assert "price_sign" not in _checklist_labels(_form("scale", shipped))
    unnamed = _checklist_labels(_form("scale", None))  # the shipped form's labels
    assert unnamed and "price_sign" not in unnamed
