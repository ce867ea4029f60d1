"""Office review service: role, queue, signed reviews, the return travelling back to the
laptop in an office bundle, review PDFs with their verify verdict, conflicts by field."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from inspector_app.crypto import keys
from inspector_app.domain.errors import InputError
from inspector_app.paths import keys_dir
from inspector_app.services import conflicts as cf
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle, list_conflicts
from inspector_app.store import open_database
from inspector_app.store.review import ReviewFilter

PASS = b"correct horse battery"


class Side:
    def __init__(self, folder: Path, name: str, path=None) -> None:
        (folder / name).mkdir()
        # each side with its own keys folder beside it; *path* may be an office database on
        # PostgreSQL (its keys folder is a local one)
        self.path = path or folder / name / f"{name}.db"
        self.store = open_database(self.path)
        self.identity = keys.init_identity(keys_dir(self.path), name, PASS)
        _ = self.store.device_id

    def trust(self, other: Side, kind: str) -> None:
        i = other.identity
        self.store.trust.add(i.fingerprint, i.name, kind, i.certificate_pem().decode(), "test")


@pytest.fixture
def office_world(tmp_path, office_db_path):
    """Two laptops with demo inspections, an office (on SQLite, then on PostgreSQL) that
    imported both field bundles."""
    folder = tmp_path / "w"
    folder.mkdir()
    lap1, lap2 = Side(folder, "lap1"), Side(folder, "lap2")
    office = Side(folder, "office", office_db_path)
    for lap in (lap1, lap2):
        office.trust(lap, "inspector")
        lap.trust(office, "office")
    generate(lap1.store, premises=5, inspections=8, seed=11)
    generate(lap2.store, premises=5, inspections=6, seed=12)
    rv.set_role(office.store, "supervisor", "boss")
    for n, lap in enumerate((lap1, lap2)):
        bundle = folder / f"field{n}.zip"
        export_bundle(lap.store, lap.identity, bundle, direction="field")
        report = import_bundle(office.store, bundle, backup=False)
        assert report.status == "imported", report.message()
    yield {"lap1": lap1, "lap2": lap2, "office": office, "dir": folder}
    for s in (lap1, lap2, office):
        s.store.close()


def test_role_defaults_to_inspector_and_is_audited(store):
    assert rv.get_role(store) == "inspector"
    assert not rv.role_is_set(store)
    with pytest.raises(rv.RoleError, match="inspector's database"):
        rv.require_supervisor(store)
    rv.set_role(store, "supervisor", "boss")
    assert rv.get_role(store) == "supervisor"
    assert store.audit_entries(1)[0]["action"] == "role.set"
    with pytest.raises(InputError, match="inspector or supervisor"):
        rv.set_role(store, "admin")
    assert rv.get_role(store) == "supervisor"


def test_queue_holds_imported_inspections_and_filters(office_world):
    office = office_world["office"].store
    total = office.conn.execute(
        "SELECT count(*) FROM inspections WHERE origin != 'local'"
    ).fetchone()[0]
    assert total == 14
    assert rv.queue_count(office) == 14
    choices = rv.queue_choices(office)
    assert choices["inspectors"] and choices["markets"] is not None
    who = choices["inspectors"][0]
    rows = rv.queue(office, ReviewFilter(inspector=who))
    assert rows and all(r.inspector == who for r in rows)
    expected = office.conn.execute(
        "SELECT count(*) FROM inspections WHERE inspector = ? AND origin != 'local'", (who,)
    ).fetchone()[0]
    assert len(rows) == expected
    fails = rv.queue(office, ReviewFilter(verdict="fail"))
    assert all(r.verdict == "fail" for r in fails)
    fam = rows[0].family
    assert all(r.family == fam for r in rv.queue(office, ReviewFilter(family=fam)))
    day = rows[0].started_at[:10]
    dated = rv.queue(office, ReviewFilter(date_from=day, date_to=day))
    assert dated and all(r.started_at[:10] == day for r in dated)
    with pytest.raises(InputError, match="not a date"):
        rv.queue(office, ReviewFilter(date_from="yesterday"))
    # the laptops' own inspections are not in their own queue
    assert rv.queue_count(office_world["lap1"].store) == 0


def test_approve_and_return_are_signed_audited_and_final(office_world):
    o = office_world["office"]
    office = o.store
    first, second = [r.id for r in rv.queue(office, limit=2)]
    before = office.audit_head()[0]
    ok = rv.approve(office, first, o.identity, actor="boss")
    assert (
        ok.decision == "approved"
        and ok.reviewer == "office"
        and ok.signer_fingerprint == o.identity.fingerprint
    )
    with pytest.raises(InputError, match="say why"):
        rv.return_inspection(office, second, o.identity, "   ")
    back = rv.return_inspection(
        office, second[:8], o.identity, "读数表缺少第三个称量点，请补充。", actor="boss"
    )
    assert back.inspection_id == second
    rows = office.conn.execute(
        "SELECT inspection_id, decision, comment FROM reviews ORDER BY change_seq"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        (first, "approved", ""),
        (second, "returned", "读数表缺少第三个称量点，请补充。"),
    ]
    actions = [r["action"] for r in office.audit_entries(5)]
    assert (
        actions[:2] == ["review.return", "review.approve"] and office.audit_head()[0] == before + 2
    )
    assert rv.verify_review(office, ok, o.path).status == "VALID"
    with pytest.raises(InputError, match="Already approved by office at "):
        rv.return_inspection(office, first, o.identity, "changed my mind")
    assert rv.queue_count(office) == 12
    assert {r.id for r in rv.queue(office, ReviewFilter(state="returned"))} == {second}
    # immutable in the database itself
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
        office.conn.execute("UPDATE reviews SET comment = 'x'")


def test_tampered_or_foreign_review_does_not_verify(office_world):
    o = office_world["office"]
    insp = rv.queue(o.store, limit=1)[0].id
    r = rv.approve(o.store, insp, o.identity)
    forged = dataclasses.replace(r, decision="returned")
    assert rv.verify_review(o.store, r, o.path).status == "VALID"
    assert rv.verify_review(o.store, forged, o.path).status == "INVALID"
    assert (
        rv.verify_review(o.store, dataclasses.replace(r, comment="ok"), o.path).status == "INVALID"
    )
    assert (
        rv.verify_review(o.store, dataclasses.replace(r, signature="v1:abc:%%%"), o.path).status
        == "INVALID"
    )
    assert (
        rv.verify_review(o.store, r).status == "UNTRUSTED"
    )  # without db_path, own cert is not known
    assert rv.verify_review(o.store, dataclasses.replace(r, signature=None)).status == "UNSIGNED"


def test_inspector_database_refuses_review(office_world):
    lap = office_world["lap1"]
    insp = lap.store.conn.execute("SELECT id FROM inspections LIMIT 1").fetchone()[0]
    with pytest.raises(rv.RoleError):
        rv.approve(lap.store, insp, lap.identity)
    assert lap.store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_return_travels_back_to_the_laptop(office_world):
    lap1, o, folder = office_world["lap1"], office_world["office"], office_world["dir"]
    mine = {r[0] for r in lap1.store.conn.execute("SELECT id FROM inspections")}
    target = next(r.id for r in rv.queue(o.store) if r.id in mine)
    other = next(r.id for r in rv.queue(o.store) if r.id not in mine)
    rv.return_inspection(o.store, target, o.identity, "请补拍铭牌照片。")
    rv.approve(o.store, other, o.identity)
    bundle = folder / "office.zip"
    export_bundle(o.store, o.identity, bundle, direction="office")
    report = import_bundle(lap1.store, bundle, backup=False)
    assert report.status == "imported", report.message()
    seen = rv.reviews_for(lap1.store, target)
    assert [(x.decision, x.comment, x.reviewer) for x in seen] == [
        ("returned", "请补拍铭牌照片。", "office")
    ]
    assert rv.review_states(lap1.store, [target])[target].returned
    assert (
        rv.verify_review(lap1.store, seen[0]).status == "VALID"
    )  # the laptop trusts the office key
    # another laptop's inspection is not brought to this one
    assert (
        lap1.store.conn.execute(
            "SELECT count(*) FROM reviews WHERE inspection_id = ?", (other,)
        ).fetchone()[0]
        == 0
    )
    # the inspector corrects the returned inspection: the new draft still shows the comment
    draft = lap1.store.inspections.correct(target, "photo added after review", "insp")
    inherited = rv.reviews_for(lap1.store, draft.id)
    assert inherited and inherited[0].inherited and inherited[0].comment == "请补拍铭牌照片。"
    assert rv.reviews_for(lap1.store, draft.id, with_earlier_revisions=False) == []


def test_review_pdf_unsigned_then_signed_and_verified(office_world):
    o = office_world["office"]
    insp = rv.queue(o.store, limit=1)[0].id
    check = rv.review_pdf(o.store, o.path, insp)
    assert check.status == "UNSIGNED" and check.pdf.startswith(b"%PDF") and check.path is None
    signed = rv.review_pdf(o.store, o.path, insp, identity=o.identity)
    assert signed.status == "VALID", signed.reason
    assert signed.record_check == "matches" and signed.signer == "office"
    assert Path(signed.path).is_file()
    again = rv.review_pdf(o.store, o.path, insp)  # stored: verified as it is
    assert again.status == "VALID" and again.path == signed.path
    # a tampered stored file shows as such
    Path(signed.path).write_bytes(Path(signed.path).read_bytes() + b"\n%junk\n")
    assert rv.review_pdf(o.store, o.path, insp).status == "MODIFIED-AFTER-SIGNING"


def test_attach_inspectors_signed_pdf(office_world):
    from inspector_app.services.reports import make_report

    lap1, o = office_world["lap1"], office_world["office"]
    insp = lap1.store.conn.execute("SELECT id FROM inspections ORDER BY id LIMIT 2").fetchall()
    # the report is signed by the inspector who made the inspection, trusted at the office
    name = lap1.store.inspections.get(insp[0][0]).inspector
    inspector = keys.init_identity(office_world["dir"] / "inspector-keys", name, PASS)
    o.store.trust.add(
        inspector.fingerprint, name, "inspector", inspector.certificate_pem().decode(), "test"
    )
    pdf = make_report(lap1.store, insp[0][0], identity=inspector)
    check = rv.attach_pdf(o.store, o.path, insp[0][0], pdf)
    assert check.status == "VALID" and check.signer == name and check.record_check == "matches"
    with pytest.raises(InputError, match="another inspection"):
        rv.attach_pdf(o.store, o.path, insp[1][0], pdf)
    with pytest.raises(InputError, match="not a PDF"):
        rv.attach_pdf(o.store, o.path, insp[1][0], b"hello")


def test_inspection_check_reports_intact_record(office_world):
    o = office_world["office"]
    insp = rv.queue(o.store, limit=1)[0].id
    result = rv.inspection_check(o.store, insp)
    assert result.ok and "intact" in result.message


def test_conflict_fields_side_by_side(office_world):
    """The same premises edited on a laptop and at the office: a conflict, shown by field."""
    lap1, o, folder = office_world["lap1"], office_world["office"], office_world["dir"]
    pid = lap1.store.conn.execute("SELECT id FROM premises ORDER BY id LIMIT 1").fetchone()[0]
    mine = lap1.store.premises.get(pid)
    lap1.store.premises.save(dataclasses.replace(mine, phone="13900000001"), "insp")
    theirs = o.store.premises.get(pid)
    o.store.premises.save(dataclasses.replace(theirs, phone="13900000002"), "boss")
    bundle = folder / "field-again.zip"
    export_bundle(lap1.store, lap1.identity, bundle, direction="field")
    report = import_bundle(o.store, bundle, backup=False)
    assert report.conflicts == 1, report.message()
    conflict = list_conflicts(o.store)[0]
    rows = cf.conflict_fields(conflict, only_differences=True)
    assert [(r.field, r.local, r.incoming) for r in rows] == [
        ("phone", "13900000002", "13900000001")
    ]
    assert any(r.field == "name" and not r.differs for r in cf.conflict_fields(conflict))
    kept = cf.resolve(o.store, conflict.id, "incoming", actor="boss")
    assert kept == "incoming" and o.store.premises.get(pid).phone == "13900000001"
    assert o.store.audit_entries(1)[0]["action"] == "conflict.resolve"
    assert cf.open_conflicts(o.store) == []
