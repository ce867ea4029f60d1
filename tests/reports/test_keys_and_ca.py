"""Signing identities and the office CA: clear refusals for missing, damaged, unencrypted or
readable key files; rotation with a history; requests, issued certificates, revocation."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from inspector_app.crypto import ca
from inspector_app.crypto.keys import (
    CERT_FILE,
    KEY_FILE,
    KeyError_,
    KeyUnavailable,
    import_certificate,
    init_identity,
    load_identity,
    make_csr,
    own_certificates,
    registration_number,
    rotate_identity,
    validity_problem,
)

PASS = b"a good passphrase"


@pytest.fixture
def kd(tmp_path):
    init_identity(tmp_path / "keys", "王敏", PASS, registration_no="皖JL-2025-031")
    return tmp_path / "keys"


def test_missing_key_file_is_a_clear_refusal(kd):
    (kd / KEY_FILE).unlink()
    with pytest.raises(KeyUnavailable, match="private key file .* is missing"):
        load_identity(kd, PASS)


def test_damaged_key_file_and_certificate(kd):
    (kd / KEY_FILE).write_bytes(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n")
    with pytest.raises(KeyUnavailable, match="damaged"):
        load_identity(kd, PASS)
    (kd / KEY_FILE).write_bytes(b"\x00\x01 garbage")
    with pytest.raises(KeyUnavailable, match="damaged"):
        load_identity(kd, PASS)
    (kd / CERT_FILE).write_bytes(b"not a certificate")
    with pytest.raises(KeyUnavailable, match="certificate file .* is damaged"):
        load_identity(kd, PASS)


def test_wrong_passphrase_is_named_as_such(kd):
    with pytest.raises(KeyError_, match="passphrase is wrong") as exc:
        load_identity(kd, b"not the passphrase")
    assert not isinstance(exc.value, KeyUnavailable)


def test_a_wrong_passphrase_whose_garbage_passes_the_padding_is_still_named(kd, monkeypatch):
    # About one wrong passphrase in 256 decrypts to bytes that end in valid padding; the
    # library then fails on parsing the key, with no word of a password. The file is sound,
    # so the answer must still be "the passphrase is wrong", not "damaged".
    from inspector_app.crypto import keys

    def parse_failure(data, password):
        raise ValueError("Could not deserialize key data: ASN.1 parsing error: short data")

    monkeypatch.setattr(keys.serialization, "load_pem_private_key", parse_failure)
    with pytest.raises(KeyError_, match="passphrase is wrong") as exc:
        load_identity(kd, b"not the passphrase")
    assert not isinstance(exc.value, KeyUnavailable)
    # the same library error on a file whose own structure is broken: damaged
    pem = (kd / KEY_FILE).read_text()
    body = "".join(pem.splitlines()[1:-1])
    cut = body[: len(body) // 2]
    (kd / KEY_FILE).write_text(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + cut + "\n-----END ENCRYPTED PRIVATE KEY-----\n"
    )
    with pytest.raises(KeyUnavailable, match="damaged"):
        load_identity(kd, b"not the passphrase")


def test_an_unencrypted_key_is_refused_for_that_reason(kd):
    key = ec.generate_private_key(ec.SECP256R1())
    (kd / KEY_FILE).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KeyUnavailable, match="not encrypted"):
        load_identity(kd, PASS)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_world_readable_key_is_used_with_a_warning_and_made_private(kd):
    assert stat.S_IMODE((kd / KEY_FILE).stat().st_mode) == 0o600
    os.chmod(kd / KEY_FILE, 0o644)
    identity = load_identity(kd, PASS)
    assert identity.name == "王敏"
    assert identity.warnings and "could be read by other users" in identity.warnings[0]
    assert stat.S_IMODE((kd / KEY_FILE).stat().st_mode) == 0o600
    assert load_identity(kd, PASS).warnings == []


def test_certificate_contents(kd):
    cert = load_identity(kd, PASS).certificate
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CODE_SIGNING not in eku
    assert registration_number(cert) == "皖JL-2025-031"


def test_rotation_keeps_the_history_with_windows(kd):
    first = load_identity(kd, PASS)
    second = rotate_identity(kd, b"another passphrase")
    third = rotate_identity(kd, b"third passphrase", name="王敏")
    hist = own_certificates(kd)
    assert [h.fingerprint for h in hist] == [
        third.fingerprint,
        second.fingerprint,
        first.fingerprint,
    ]
    assert hist[0].retired_at is None
    assert hist[2].retired_at <= hist[1].retired_at
    assert registration_number(third.certificate) == "皖JL-2025-031"
    with pytest.raises(KeyError_, match="passphrase is wrong"):
        load_identity(kd, PASS)  # the old key is gone: only its certificate is kept
    # a history file that was changed no longer counts
    path = kd / "history" / f"{first.fingerprint}.pem"
    path.write_bytes(second.certificate.public_bytes(serialization.Encoding.PEM))
    assert first.fingerprint not in [h.fingerprint for h in own_certificates(kd)]


def test_validity_problem(tmp_path):
    now = dt.datetime.now(dt.UTC)
    old = init_identity(tmp_path / "old", "甲", PASS, now=now - dt.timedelta(days=365 * 6))
    future = init_identity(tmp_path / "future", "乙", PASS, now=now + dt.timedelta(days=30))
    assert "expired on" in validity_problem(old.certificate)
    assert "valid only from" in validity_problem(future.certificate)
    assert validity_problem(future.certificate, now + dt.timedelta(days=31)) is None


def test_ca_issues_from_a_request_with_unique_serials_and_revokes(tmp_path, kd):
    ca_dir = tmp_path / "ca"
    root = ca.init_ca(ca_dir, "合肥市市场监督管理局", PASS)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    with pytest.raises(ca.CAError, match="never overwritten"):
        ca.init_ca(ca_dir, "again", PASS)
    identity = load_identity(kd, PASS)
    issued = ca.issue(ca_dir, PASS, csr_pem=make_csr(identity))
    cert = issued.certificate
    assert issued.p12 is None and cert.issuer == root.subject
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "王敏"
    assert registration_number(cert) == "皖JL-2025-031"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "合肥市市场监督管理局"
    )
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(root)
    assert validity_problem(cert) is None
    others = [
        ca.issue(ca_dir, PASS, name=f"检定员{i}", registration_no=f"N{i}").certificate
        for i in range(5)
    ]
    serials = {c.serial_number for c in [cert, *others]}
    assert len(serials) == 6 and all(s.bit_length() > 64 for s in serials)
    assert [e["serial"] for e in ca.issued(ca_dir)] == [
        str(c.serial_number) for c in [cert, *others]
    ]
    with pytest.raises(ca.CAError, match="registration number"):
        ca.issue(ca_dir, PASS, name="无证号")
    with pytest.raises(ca.CAError, match="passphrase is wrong"):
        ca.issue(ca_dir, b"wrong passphrase", name="x", registration_no="1")
    # the laptop takes the issued certificate; the self-signed one goes into the history
    import_certificate(
        kd,
        cert.public_bytes(serialization.Encoding.PEM)
        + root.public_bytes(serialization.Encoding.PEM),
    )
    now = load_identity(kd, PASS)
    assert now.certificate == cert and now.chain == [root]
    assert [h.fingerprint for h in own_certificates(kd)][1] == identity.fingerprint
    with pytest.raises(KeyError_, match="not for this laptop's key"):
        import_certificate(kd, others[0].public_bytes(serialization.Encoding.PEM))
    rev = ca.revoke(
        ca_dir, PASS, str(cert.serial_number), "2026-05-01T08:00+08:00", "key_compromise"
    )
    assert rev.revoked_at == "2026-05-01T00:00:00+00:00" and rev.subject == "王敏"
    with pytest.raises(ca.CAError, match="revoked already"):
        ca.revoke(ca_dir, PASS, str(cert.serial_number))
    with pytest.raises(ca.CAError, match="no time zone"):
        ca.revoke(ca_dir, PASS, str(others[0].serial_number), "2026-05-01T08:00")
    with pytest.raises(ca.CAError, match="issued no certificate"):
        ca.revoke(ca_dir, PASS, "12345")
    assert ca.issued(ca_dir)[0]["revoked"]["reason"] == "key_compromise"


def test_office_certificates_are_marked(tmp_path):
    ca_dir = tmp_path / "ca"
    ca.init_ca(ca_dir, "省局", PASS)
    office = ca.issue(ca_dir, PASS, name="刘洋", role="office").certificate
    inspector = ca.issue(ca_dir, PASS, name="王敏", registration_no="7").certificate
    assert ca.is_office_certificate(office) and not ca.is_office_certificate(inspector)
    own_office = init_identity(tmp_path / "k", "合肥 office", PASS, office=True)
    assert ca.is_office_certificate(own_office.certificate)


def test_check_identity_files_before_finalizing(tmp_path, kd):
    from inspector_app.crypto.keys import WrongPassphrase, check_identity_files

    assert check_identity_files(tmp_path / "nothing-here") is False
    assert check_identity_files(kd) is True
    with pytest.raises(WrongPassphrase):
        load_identity(kd, b"wrong passphrase")
    (kd / KEY_FILE).unlink()
    with pytest.raises(KeyUnavailable, match="is missing"):
        check_identity_files(kd)
    (kd / KEY_FILE).write_bytes(b"garbage")
    with pytest.raises(KeyUnavailable, match="damaged"):
        check_identity_files(kd)
    key = ec.generate_private_key(ec.SECP256R1())
    (kd / KEY_FILE).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KeyUnavailable, match="not encrypted") as exc:
        check_identity_files(kd)
    assert "passphrase" not in str(exc.value)  # not mistaken for a wrong passphrase
    (kd / CERT_FILE).unlink()
    with pytest.raises(KeyUnavailable, match="no signing identity"):
        check_identity_files(kd)
