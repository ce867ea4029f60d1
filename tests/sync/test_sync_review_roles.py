"""A laptop under an office (it trusts the office CA) takes in a review from an office
bundle only when the key that signed it holds the supervisor role from that office: the
rule the office applies before a supervisor decides (``crypto.grants``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sync_world import add_inspection_with_photo

from inspector_app import i18n
from inspector_app.crypto import ca, keys
from inspector_app.paths import keys_dir
from inspector_app.services.review import decide, set_role
from inspector_app.services.sync import assign_premises, export_bundle, import_bundle
from inspector_app.store import open_database

PASS = b"correct horse battery"
REFUSED = "only a key with a valid supervisor certificate from the office may review"


def _pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _certified(folder: Path, name: str, ca_dir: Path, role: str):
    """An identity in *folder* whose certificate the office CA issued with *role*."""
    own = keys.init_identity(folder, name, PASS)
    issued = ca.issue(ca_dir, PASS, csr_pem=keys.make_csr(own), registration_no="皖JL-9", role=role)
    keys.import_certificate(folder, _pem(issued.certificate).encode())
    return keys.load_identity(folder, PASS)


@pytest.fixture
def office_world(tmp_path):
    """An office database and a laptop that trusts the office CA, the office's supervisor
    key (which signs the office bundles) and a clerk's key the CA issued as inspector only.
    The office database itself trusts no CA, so it lets any key decide: what is checked
    here is the laptop alone. The laptop's one inspection is already at the office."""
    (tmp_path / "office").mkdir()
    (tmp_path / "lap").mkdir()
    office_db, lap_db = tmp_path / "office" / "office.db", tmp_path / "lap" / "lap.db"
    office, lap = open_database(office_db), open_database(lap_db)
    set_role(office, "supervisor")
    ca_dir = tmp_path / "office" / "ca"
    ca_cert = ca.init_ca(ca_dir, "合肥市市场监督管理局", PASS)
    boss = _certified(keys_dir(office_db), "李主任", ca_dir, "supervisor")
    clerk = _certified(tmp_path / "office" / "clerk-keys", "张科员", ca_dir, "inspector")
    lap_id = keys.init_identity(keys_dir(lap_db), "王检", PASS)
    office.trust.add(lap_id.fingerprint, "王检", "certificate", _pem(lap_id.certificate))
    lap.trust.add(ca.fingerprint(ca_cert), "office CA", "ca", _pem(ca_cert))
    lap.trust.add(boss.fingerprint, "李主任", "office", _pem(boss.certificate))
    lap.trust.add(clerk.fingerprint, "张科员", "certificate", _pem(clerk.certificate))
    insp = add_inspection_with_photo(lap)
    field = export_bundle(lap, lap_id, tmp_path / "field.zip")
    assert import_bundle(office, field.path, backup=False).status == "imported"
    yield {
        "office": office,
        "lap": lap,
        "boss": boss,
        "clerk": clerk,
        "inspection": insp,
        "ca_cert": ca_cert,
        "dir": tmp_path,
    }
    office.close()
    lap.close()


def _office_bundle(w, name: str) -> Path:
    return export_bundle(w["office"], w["boss"], w["dir"] / name, direction="office").path


def test_a_review_by_a_supervisor_of_the_office_is_taken_in(office_world):
    w = office_world
    review = decide(w["office"], w["inspection"].id, "approved", w["boss"], "")
    report = import_bundle(w["lap"], _office_bundle(w, "o.zip"), backup=False)
    assert report.status == "imported", report.message()
    assert report.tables["reviews"] == {"new": 1}
    row = w["lap"].conn.execute("SELECT signature FROM reviews").fetchone()
    assert row[0] == review.signature


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_review_by_an_inspector_only_key_refuses_the_whole_bundle(office_world, lang):
    w = office_world
    office, lap = w["office"], w["lap"]
    # the bundle also carries an assignment: nothing of it may arrive
    assign_premises(office, w["inspection"].premises_id, "王检", "复查")
    decide(office, w["inspection"].id, "returned", w["clerk"], "照片不清楚")
    path = _office_bundle(w, "o.zip")
    before = lap.fingerprint()
    was = i18n.current_language()
    i18n.set_language(lang)
    try:
        report = import_bundle(lap, path, backup=False)
    finally:
        i18n.set_language(was)
    assert report.status == "rejected"
    assert report.rejection["stage"] == 4
    assert report.rejection["entry"] == "records/reviews.jsonl line 1"
    reason = report.rejection["reason"]
    if lang == "en":
        assert reason == (
            "review.signature: The review by 张科员 is refused: " + REFUSED + ", and this one "
            "holds none."
        )
    else:
        assert (
            reason.startswith("review.signature: 张科员 的审核被拒绝：") and "审核员证书" in reason
        )
    assert lap.fingerprint() == before
    assert lap.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    assert lap.conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_a_supervisor_whose_certificate_was_revoked_may_not_review(office_world):
    w = office_world
    deputy = _certified(
        w["dir"] / "deputy-keys", "赵副主任", w["dir"] / "office" / "ca", "supervisor"
    )
    w["lap"].trust.add(deputy.fingerprint, "赵副主任", "certificate", _pem(deputy.certificate))
    decide(w["office"], w["inspection"].id, "approved", deputy, "")
    # the laptop already knows the deputy's certificate was revoked before the review
    ca_fp = ca.fingerprint(w["ca_cert"])
    w["lap"].trust.revocations.add(
        ca_fp, str(deputy.certificate.serial_number), "2000-01-01T00:00:00+00:00", "superseded"
    )
    report = import_bundle(w["lap"], _office_bundle(w, "o.zip"), backup=False)
    assert report.status == "rejected"
    assert REFUSED in report.rejection["reason"]


def test_an_office_bundle_without_reviews_is_not_affected(office_world):
    w = office_world
    assign_premises(w["office"], w["inspection"].premises_id, "王检", "复查")
    report = import_bundle(w["lap"], _office_bundle(w, "o.zip"), backup=False)
    assert report.status == "imported", report.message()
    assert w["lap"].conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 1


def test_a_laptop_that_trusts_no_office_ca_checks_the_signature_only(office_world):
    """Keys trusted one by one: the office allows any key to decide, and so does the laptop."""
    w = office_world
    lap = w["lap"]
    lap.trust.remove(ca.fingerprint(w["ca_cert"]))
    decide(w["office"], w["inspection"].id, "approved", w["clerk"], "")
    report = import_bundle(lap, _office_bundle(w, "o.zip"), backup=False)
    assert report.status == "imported", report.message()
    assert report.tables["reviews"] == {"new": 1}
