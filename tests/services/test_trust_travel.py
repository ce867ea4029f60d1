"""Trust across devices: the office CA's revocation travels to a laptop in an office bundle
and verify says REVOKED there; a bundle signed with an expired certificate is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from inspector_app.crypto import ca, keys
from inspector_app.paths import keys_dir
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.services.reports import make_report
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.services.verify import verify_report
from inspector_app.store import open_database

PASS = b"correct horse battery"


def _pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_a_revocation_travels_to_the_laptop_and_verify_says_revoked(tmp_path):
    (tmp_path / "office").mkdir()
    (tmp_path / "lap").mkdir()
    office_db, lap_db = tmp_path / "office" / "office.db", tmp_path / "lap" / "lap.db"
    office, lap = open_database(office_db), open_database(lap_db)
    try:
        rv.set_role(office, "supervisor")
        office_id = keys.init_identity(keys_dir(office_db), "合肥市局 office", PASS, office=True)
        ca_dir = tmp_path / "office" / "ca"
        ca_cert = ca.init_ca(ca_dir, "合肥市市场监督管理局", PASS)
        office.trust.add(ca.fingerprint(ca_cert), "office CA", "ca", _pem(ca_cert))
        # an office that runs a CA signs its bundles with a supervisor certificate it issued
        boss = ca.issue(ca_dir, PASS, csr_pem=keys.make_csr(office_id), role="supervisor")
        keys.import_certificate(keys_dir(office_db), _pem(boss.certificate).encode())
        office_id = keys.load_identity(keys_dir(office_db), PASS)
        # the laptop trusts the office key (for bundles) and the CA (for reports)
        lap.trust.add(office_id.fingerprint, "office", "office", _pem(office_id.certificate))
        lap.trust.add(ca.fingerprint(ca_cert), "office CA", "ca", _pem(ca_cert))
        generate(lap, premises=3, inspections=4, seed=3)
        insp = lap.inspections.list(limit=1)[0]
        # the inspector's key is made on the laptop; the CA certifies it from a request
        own = keys.init_identity(keys_dir(lap_db), insp.inspector, PASS)
        issued = ca.issue(ca_dir, PASS, csr_pem=keys.make_csr(own), registration_no="皖JL-7")
        keys.import_certificate(
            keys_dir(lap_db),
            issued.certificate.public_bytes(serialization.Encoding.PEM)
            + ca_cert.public_bytes(serialization.Encoding.PEM),
        )
        inspector = keys.load_identity(keys_dir(lap_db), PASS)
        assert inspector.certificate.issuer == ca_cert.subject
        pdf = make_report(lap, insp.id, "zh", identity=inspector)
        assert verify_report(pdf, lap, lap_db).status == "VALID"
        # the laptop is lost: the office revokes the key from an hour ago
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
        rev = ca.revoke(
            ca_dir, PASS, str(issued.certificate.serial_number), since, "key_compromise"
        )
        office.trust.revocations.add(rev.issuer_fingerprint, rev.serial, rev.revoked_at, rev.reason)
        bundle = tmp_path / "office.zip"
        export_bundle(office, office_id, bundle, direction="office")
        report = import_bundle(lap, bundle, backup=False)
        assert report.status == "imported", report.message()
        assert [r.serial for r in lap.trust.revocations.list()] == [rev.serial]
        r = verify_report(pdf, lap, lap_db)
        assert r.status == "REVOKED" and rev.serial in r.reason
        # importing it again changes nothing
        assert import_bundle(lap, bundle, backup=False).status != "rejected"
        assert len(lap.trust.revocations.list()) == 1
    finally:
        office.close()
        lap.close()


def test_a_bundle_signed_with_an_expired_certificate_is_refused(tmp_path):
    (tmp_path / "lap").mkdir()
    (tmp_path / "office").mkdir()
    lap = open_database(tmp_path / "lap" / "lap.db")
    office = open_database(tmp_path / "office" / "office.db")
    try:
        rv.set_role(office, "supervisor")
        old = keys.init_identity(
            tmp_path / "old-keys",
            "外勤笔记本",
            PASS,
            now=dt.datetime.now(dt.UTC) - dt.timedelta(days=365 * keys.VALID_YEARS + 2),
        )
        office.trust.add(old.fingerprint, "外勤笔记本", "inspector", _pem(old.certificate))
        generate(lap, premises=2, inspections=2, seed=4)
        bundle = tmp_path / "field.zip"
        export_bundle(lap, old, bundle, direction="field")
        before = office.fingerprint()
        report = import_bundle(office, bundle, backup=False)
        assert report.status == "rejected" and report.rejection["stage"] == 2
        assert "expired" in report.message()
        assert office.fingerprint() == before
    finally:
        lap.close()
        office.close()


def test_bundle_revocation_lines_are_checked(tmp_path):
    import pytest

    from inspector_app.domain.errors import InputError
    from inspector_app.sync.validate import parse_revocation

    good = {
        "issuer_fingerprint": "a" * 64,
        "serial": "12345",
        "revoked_at": "2026-05-01T00:00:00+00:00",
        "reason": "key_compromise",
        "subject": "王敏",
    }
    assert parse_revocation(dict(good)) == good
    for key, value, message in (
        ("serial", "0x12", "decimal"),
        ("revoked_at", "2026-05-01T08:00:00+08:00", "UTC"),
        ("revoked_at", "yesterday", "ISO 8601"),
        ("issuer_fingerprint", "xyz", "hexadecimal"),
    ):
        with pytest.raises(InputError, match=message):
            parse_revocation({**good, key: value})
    assert Path(tmp_path).is_dir()
