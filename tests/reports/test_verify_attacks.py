"""Attacks on signed reports, each of which a naive verifier calls VALID.

(a) a "PASS" box added to a FAIL notice by an incremental update, then a trusted colleague
countersigns; (b) a trusted key holder signs a FAIL notice whose metadata names a PASS
record; (c) a certificate whose inspection was later corrected; (d) signed with the clock at
2019 or 2033, or verified after the certificate expired; (e) another inspector's inspection
signed by someone else; bytes changed inside the CMS; an appended page; a revoked key.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from inspector_app.crypto import ca
from inspector_app.crypto.keys import import_pkcs12, init_identity
from inspector_app.paths import keys_dir
from inspector_app.reports import signing
from inspector_app.reports.inspection_report import keywords, report_number
from inspector_app.reports.signing import SigningError, countersign_pdf, sign_pdf
from inspector_app.reports.verify import (
    EXIT_CODES,
    INDETERMINATE,
    INVALID,
    MODIFIED,
    REVOKED,
    STATUSES,
    SUPERSEDED,
    UNTRUSTED,
    VALID,
    WRONG_SIGNER,
    RevokedCert,
    TrustedCert,
    TrustSet,
    verify_pdf,
)
from inspector_app.services.reports import build_report, make_report
from inspector_app.services.verify import verify_report

PASS = b"office passphrase 1"
UTC = dt.UTC


@pytest.fixture
def office(tmp_path):
    """An office CA with a countersigner (核验员) whose key it made."""
    folder = tmp_path / "office-ca"
    ca_cert = ca.init_ca(folder, "合肥市市场监督管理局", PASS)
    issued = ca.issue(folder, PASS, name="刘洋", role="office", p12_password=PASS)
    checker = import_pkcs12(tmp_path / "checker-keys", issued.p12, PASS, PASS)
    return {"dir": folder, "ca": ca_cert, "checker": checker}


def trusting(*certs, revocations=()) -> TrustSet:
    return TrustSet(
        [c if isinstance(c, TrustedCert) else TrustedCert(c) for c in certs], list(revocations)
    )


@pytest.fixture
def notice(store, samples, identity) -> bytes:
    """The FAIL notice of the fuel dispenser, signed by its inspector 李建国."""
    return make_report(store, samples.fuel.id, "zh", identity=identity)


def _pass_box(w: IncrementalPdfFileWriter) -> None:
    """A FreeText annotation reading PASS on the first page."""
    page = w.root["/Pages"]["/Kids"][0].get_object()
    annot = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/FreeText"),
            pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(x) for x in (300, 700, 560, 780)]
            ),
            pdf_name("/Contents"): generic.TextStringObject("PASS 合格"),
            pdf_name("/DA"): generic.pdf_string("/Helv 40 Tf 0 0.6 0 rg"),
        }
    )
    ref = w.add_object(annot)
    annots = page.get("/Annots")
    if annots is None:
        page["/Annots"] = generic.ArrayObject([ref])
    else:
        annots.get_object().append(ref)
    w.update_container(page)


def _written(w: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _sign_with_writer(w: IncrementalPdfFileWriter, identity, field: str) -> bytes:
    """A signature made with pyHanko directly (as a key holder with any tool could)."""
    from pyhanko.sign import fields, signers

    cert, key, chain = signing._asn1(identity)
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([cert])
    )
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, signer).sign_pdf(w).getvalue()


# ---- (a) a PASS box, then a countersignature ---------------------------------------------------


def test_a_countersigned_notice_is_valid_with_both_signatures(notice, identity, office):
    both = countersign_pdf(notice, office["checker"], "verifier")
    r = verify_pdf(both, trusting(identity.certificate, TrustedCert(office["ca"], "ca")))
    assert r.status == VALID, r.reason
    assert [s.field for s in r.signatures] == ["InspectorSignature", "VerifierSignature"]
    assert [s.role for s in r.signatures] == ["inspector", "office countersigner"]
    assert r.signatures[0].covers.startswith("its revision")
    assert r.signatures[1].covers == "the whole file"
    assert r.signatures[1].byte_range[2] + r.signatures[1].byte_range[3] == len(both)


def test_a_pass_box_added_then_countersigned_is_modified(notice, identity, office):
    w = IncrementalPdfFileWriter(io.BytesIO(notice))
    _pass_box(w)
    boxed = _written(w)
    trust = trusting(identity.certificate, TrustedCert(office["ca"], "ca"))
    assert verify_pdf(boxed, trust).status == MODIFIED
    forged = countersign_pdf(boxed, office["checker"], "verifier")
    r = verify_pdf(forged, trust)
    assert r.status == MODIFIED, r.reason
    assert r.exit_code == EXIT_CODES[MODIFIED] != 0
    assert r.signatures[1].status == VALID  # the colleague's own signature is fine


def test_a_pass_box_in_the_same_revision_as_the_countersignature_is_modified(
    notice, identity, office
):
    w = IncrementalPdfFileWriter(io.BytesIO(notice))
    _pass_box(w)
    forged = _sign_with_writer(w, office["checker"], "VerifierSignature")
    r = verify_pdf(forged, trusting(identity.certificate, TrustedCert(office["ca"], "ca")))
    assert r.status == MODIFIED and "InspectorSignature" in r.reason


def test_an_appended_page_is_named_as_such(notice, identity, office):
    from pyhanko.pdf_utils.writer import PageObject

    w = IncrementalPdfFileWriter(io.BytesIO(notice))
    content = w.add_object(
        generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 700 Td (PASS) Tj ET")
    )
    w.insert_page(PageObject(contents=content, media_box=(0, 0, 595, 842)))
    appended = _written(w)
    r = verify_pdf(appended, [identity.certificate])
    assert r.status == MODIFIED and "page(s) were appended" in r.reason
    countersigned = _sign_with_writer(
        IncrementalPdfFileWriter(io.BytesIO(appended)), office["checker"], "VerifierSignature"
    )
    r = verify_pdf(countersigned, trusting(identity.certificate, TrustedCert(office["ca"], "ca")))
    assert r.status == MODIFIED and "page(s) were appended" in r.reason


# ---- (b) metadata naming another record ------------------------------------------------------


def test_b_notice_with_metadata_of_a_pass_record_is_refused_and_never_valid(
    store, samples, identity, db_path
):
    built = build_report(
        store,
        samples.fuel.id,
        "zh",
        for_signing=True,
        signer_name=identity.name,
        signer_fingerprint=identity.fingerprint,
    )
    w = IncrementalPdfFileWriter(io.BytesIO(built.pdf))
    info = w.trailer["/Info"]
    scale = samples.scale
    info["/Keywords"] = generic.TextStringObject(
        keywords(report_number(scale), scale.content_hash, scale.id)
    )
    w.update_container(info)
    relabelled = _written(w)
    with pytest.raises(SigningError, match="not the record its metadata names"):
        sign_pdf(relabelled, identity, built.signature_box)
    # a key holder signs it anyway, outside the program
    forged = signing._sign(relabelled, identity, built.signature_box, report_number(scale))
    r = verify_report(forged, store, db_path)
    assert r.status == INVALID and r.record_check == "mismatch", r.reason
    assert "embedded" in r.reason


def test_b_the_signing_path_takes_a_built_report_only(store, samples, identity):
    with pytest.raises(SigningError, match="just built"):
        signing.sign_report(make_report(store, samples.fuel.id, "zh"), identity)


# ---- (c) a record corrected later --------------------------------------------------------------


def test_c_a_corrected_record_makes_its_certificate_superseded(store, samples, identity, db_path):
    pdf = make_report(store, samples.scale.id, "zh", identity=identity)
    assert verify_report(pdf, store, db_path).status == VALID
    draft = store.inspections.correct(samples.scale.id, "重新检定：示值误差超差", "test")
    r = verify_report(pdf, store, db_path)
    assert r.status == SUPERSEDED and r.exit_code == EXIT_CODES[SUPERSEDED] != 0
    assert draft.id in r.superseded_by and r.superseded_by.startswith("2 ")
    assert "corrected later" in r.reason


# ---- (d) clocks ----------------------------------------------------------------------------------


class _Clock:
    """Sets pyHanko's signing clock and the program's own clock to *when*."""

    def __init__(self, monkeypatch, when: dt.datetime) -> None:
        import pyhanko.sign.signers.pdf_signer as pdf_signer

        class Frozen(dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return when.astimezone(tz) if tz else when.replace(tzinfo=None)

        monkeypatch.setattr(pdf_signer, "datetime", Frozen)
        monkeypatch.setattr(signing, "_now", lambda: when)


def _built(store, insp_id, identity):
    return build_report(
        store,
        insp_id,
        "zh",
        for_signing=True,
        signer_name=identity.name,
        signer_fingerprint=identity.fingerprint,
    )


def test_d_signing_is_refused_when_the_clock_is_before_the_certificate_or_the_record(
    store, samples, identity, tmp_path, monkeypatch
):
    built = _built(store, samples.fuel.id, identity)
    _Clock(monkeypatch, dt.datetime(2019, 6, 1, tzinfo=UTC))
    with pytest.raises(SigningError, match="valid only from"):
        signing.sign_report(built, identity, finalized_at=samples.fuel.finalized_at)
    # a certificate made with the clock at 2019 is valid then, but the record is newer
    backdated = init_identity(
        tmp_path / "k2019", "李建国", b"passphrase 2019", now=dt.datetime(2019, 5, 1, tzinfo=UTC)
    )
    with pytest.raises(SigningError, match="before the record's finalization"):
        signing.sign_report(built, backdated, finalized_at=samples.fuel.finalized_at)
    _Clock(monkeypatch, identity.certificate.not_valid_after_utc + dt.timedelta(days=1))
    with pytest.raises(SigningError, match="expired"):
        signing.sign_report(built, identity, finalized_at=samples.fuel.finalized_at)


def test_d_signed_with_the_clock_at_2019_is_indeterminate(store, samples, tmp_path, monkeypatch):
    when = dt.datetime(2019, 6, 1, 9, 0, tzinfo=UTC)
    backdated = init_identity(tmp_path / "k2019", "李建国", b"passphrase 2019", now=when)
    built = _built(store, samples.fuel.id, backdated)
    _Clock(monkeypatch, when)
    pdf = signing._sign(built.pdf, backdated, built.signature_box, built.report_no)
    monkeypatch.undo()
    r = verify_pdf(pdf, [backdated.certificate])
    assert r.status == INDETERMINATE and r.exit_code == EXIT_CODES[INDETERMINATE], r.reason
    assert r.signing_time.startswith("2019-06-01")


def test_d_signed_before_the_record_was_finalized_is_indeterminate(
    store, samples, tmp_path, monkeypatch
):
    finalized = dt.datetime.fromisoformat(samples.fuel.finalized_at)
    early = init_identity(
        tmp_path / "kearly", "李建国", b"passphrase 2026", now=finalized - dt.timedelta(days=1)
    )
    built = _built(store, samples.fuel.id, early)
    _Clock(monkeypatch, finalized - dt.timedelta(hours=3))
    pdf = signing._sign(built.pdf, early, built.signature_box, built.report_no)
    monkeypatch.undo()
    r = verify_pdf(pdf, [early.certificate])
    assert r.status == INDETERMINATE and "before the record was finalized" in r.reason


def test_d_signed_with_the_clock_at_2033_is_indeterminate(store, samples, tmp_path, monkeypatch):
    when = dt.datetime(2033, 3, 1, 9, 0, tzinfo=UTC)
    future = init_identity(tmp_path / "k2033", "李建国", b"passphrase 2033", now=when)
    built = _built(store, samples.fuel.id, future)
    _Clock(monkeypatch, when)
    pdf = signing._sign(built.pdf, future, built.signature_box, built.report_no)
    monkeypatch.undo()
    r = verify_pdf(pdf, [future.certificate])
    assert r.status == INDETERMINATE and "in the future" in r.reason


def test_d_verified_after_the_certificate_expired_is_indeterminate(notice, identity):
    assert verify_pdf(notice, [identity.certificate]).status == VALID
    later = identity.certificate.not_valid_after_utc + dt.timedelta(days=1)
    r = verify_pdf(notice, [identity.certificate], now=later)
    assert r.status == INDETERMINATE and "expired" in r.reason


# ---- (e) the wrong signer ------------------------------------------------------------------------


def test_e_another_inspectors_record_signed_by_someone_else(store, samples, identity, db_path):
    """王敏's focimeter record signed by 李建国: refused by the program, WRONG-SIGNER when
    signed with another tool, even though 李建国 is trusted."""
    with pytest.raises(Exception, match="made by 王敏"):
        make_report(store, samples.focimeter.id, "zh", identity=identity)
    built = _built(store, samples.focimeter.id, identity)
    pdf = signing._sign(built.pdf, identity, built.signature_box, built.report_no)
    r = verify_report(pdf, store, db_path)
    assert r.status == WRONG_SIGNER and r.exit_code == EXIT_CODES[WRONG_SIGNER], r.reason
    assert "王敏" in r.reason and r.record_check == "matches"


def test_e_an_office_countersigner_may_sign_any_record(store, samples, office):
    built = _built(store, samples.focimeter.id, office["checker"])
    pdf = signing.sign_report(
        built,
        office["checker"],
        finalized_at=samples.focimeter.finalized_at,
        inspector=samples.focimeter.inspector,
    )
    r = verify_pdf(pdf, trusting(TrustedCert(office["ca"], "ca")))
    assert r.status == VALID and r.signatures[0].role == "office countersigner", r.reason


# ---- bytes inside the CMS, strict /Contents ----------------------------------------------------


def test_changed_bytes_of_the_certificate_copy_inside_the_cms_are_not_valid(notice, identity):
    from cryptography.hazmat.primitives import serialization

    der_hex = identity.certificate.public_bytes(serialization.Encoding.DER).hex().upper().encode()
    start = notice.index(der_hex)
    seen = set()
    for offset in range(8, len(der_hex) - 8, 23):
        at = start + offset
        digit = notice[at : at + 1]
        other = b"0" if digit != b"0" else b"1"
        tampered = notice[:at] + other + notice[at + 1 :]
        r = verify_pdf(tampered, [identity.certificate])
        assert r.status != VALID, offset
        seen.add(r.status)
    assert seen <= {INVALID, UNTRUSTED}


def test_contents_with_trailing_bytes_or_lower_case_are_invalid(notice, identity):
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(notice)).embedded_signatures[0]
    br = [int(x) for x in sig.sig_object["/ByteRange"]]
    end = br[2] - 1  # the ">" closing the hex string
    tampered = notice[: end - 2] + b"01" + notice[end:]  # a non-zero byte in the padding
    assert verify_pdf(tampered, [identity.certificate]).status == INVALID
    lower = notice[: br[1] + 1] + notice[br[1] + 1 : br[1] + 9].lower() + notice[br[1] + 9 :]
    if lower != notice:
        assert verify_pdf(lower, [identity.certificate]).status == INVALID


# ---- the CA, revocation, rotation ------------------------------------------------------------------


def _ca_inspector(office, tmp_path, name="李建国"):
    issued = ca.issue(
        office["dir"], PASS, name=name, registration_no="皖JL-2025-017", p12_password=PASS
    )
    return import_pkcs12(tmp_path / f"ca-{name}", issued.p12, PASS, PASS), issued.certificate


def test_trusting_the_ca_trusts_what_it_issued_and_nothing_else(store, samples, office, tmp_path):
    inspector, cert = _ca_inspector(office, tmp_path)
    pdf = make_report(store, samples.fuel.id, "zh", identity=inspector)
    assert verify_pdf(pdf, trusting(TrustedCert(office["ca"], "ca"))).status == VALID
    # another CA with the very same name does not count
    rogue_dir = tmp_path / "rogue"
    ca.init_ca(rogue_dir, "合肥市市场监督管理局", PASS)
    rogue = ca.issue(rogue_dir, PASS, name="李建国", registration_no="X", p12_password=PASS)
    impostor = import_pkcs12(tmp_path / "impostor", rogue.p12, PASS, PASS)
    pdf = make_report(store, samples.fuel.id, "zh", identity=impostor)
    r = verify_pdf(pdf, trusting(TrustedCert(office["ca"], "ca")))
    assert r.status == UNTRUSTED, r.reason


def test_revoked_from_before_the_signature_is_revoked(store, samples, office, tmp_path):
    inspector, cert = _ca_inspector(office, tmp_path)
    pdf = make_report(store, samples.fuel.id, "zh", identity=inspector)
    ca_fp = ca.fingerprint(office["ca"])
    signed_at = dt.datetime.now(UTC)
    before = RevokedCert(
        ca_fp, str(cert.serial_number), (signed_at - dt.timedelta(hours=1)).isoformat()
    )
    after = RevokedCert(
        ca_fp, str(cert.serial_number), (signed_at + dt.timedelta(hours=1)).isoformat()
    )
    trust = TrustedCert(office["ca"], "ca")
    r = verify_pdf(pdf, trusting(trust, revocations=[before]))
    assert r.status == REVOKED and r.exit_code == EXIT_CODES[REVOKED] and cert.serial_number
    assert str(cert.serial_number) in r.reason
    assert verify_pdf(pdf, trusting(trust, revocations=[after])).status == VALID


def test_revocation_through_the_store_and_the_ca(store, samples, office, tmp_path, db_path):
    from cryptography.hazmat.primitives import serialization

    inspector, cert = _ca_inspector(office, tmp_path)
    pdf = make_report(store, samples.fuel.id, "zh", identity=inspector)
    store.trust.add(
        ca.fingerprint(office["ca"]),
        "office CA",
        "ca",
        office["ca"].public_bytes(serialization.Encoding.PEM).decode(),
    )
    assert verify_report(pdf, store, db_path).status == VALID
    rev = ca.revoke(
        office["dir"], PASS, str(cert.serial_number), "2020-01-01T00:00+08:00", "key_compromise"
    )
    assert rev.revoked_at == "2019-12-31T16:00:00+00:00"
    assert store.trust.revocations.add(
        rev.issuer_fingerprint, rev.serial, rev.revoked_at, rev.reason
    )
    assert not store.trust.revocations.add(rev.issuer_fingerprint, rev.serial, rev.revoked_at)
    assert verify_report(pdf, store, db_path).status == REVOKED


def test_own_old_reports_verify_after_a_key_rotation(
    store, samples, identity, db_path, monkeypatch
):
    from inspector_app.crypto.keys import own_certificates, rotate_identity

    old_pdf = make_report(store, samples.fuel.id, "zh", identity=identity)
    new = rotate_identity(keys_dir(db_path), b"a new passphrase")
    assert new.fingerprint != identity.fingerprint and new.name == "李建国"
    history = own_certificates(keys_dir(db_path))
    assert [h.fingerprint for h in history] == [new.fingerprint, identity.fingerprint]
    assert history[0].retired_at is None and history[1].retired_at
    assert verify_report(old_pdf, store, db_path).status == VALID
    # the old key, used after it was replaced (a lost laptop), is not this inspector any more
    _Clock(
        monkeypatch, dt.datetime.now(UTC) + dt.timedelta(seconds=5)
    )  # CMS times are whole seconds
    late = make_report(store, samples.fuel.id, "zh", identity=identity)
    monkeypatch.undo()
    r = verify_report(late, store, db_path)
    assert r.status == UNTRUSTED and "replaced" in r.reason


def test_every_verdict_has_its_own_exit_code():
    assert set(EXIT_CODES) == set(STATUSES)
    codes = list(EXIT_CODES.values())
    assert len(set(codes)) == len(codes) and EXIT_CODES[VALID] == 0
    assert all(c not in (0, 1, 2) for s, c in EXIT_CODES.items() if s != VALID)


def test_changed_bytes_of_the_ca_copy_inside_the_cms_are_not_valid(
    store, samples, office, tmp_path
):
    """The CA certificate travels in the signature; a laptop that trusts only its own
    certificate must still notice a changed byte in that copy."""
    from cryptography.hazmat.primitives import serialization

    inspector, cert = _ca_inspector(office, tmp_path)
    pdf = make_report(store, samples.fuel.id, "zh", identity=inspector)
    own = trusting(TrustedCert(cert, "own"))
    assert verify_pdf(pdf, own).status == VALID
    ca_hex = office["ca"].public_bytes(serialization.Encoding.DER).hex().upper().encode()
    start = pdf.index(ca_hex)
    for offset in range(8, len(ca_hex) - 8, 29):
        at = start + offset
        other = b"0" if pdf[at : at + 1] != b"0" else b"1"
        tampered = pdf[:at] + other + pdf[at + 1 :]
        assert verify_pdf(tampered, own).status != VALID, offset


def test_path_validation_by_certvalidator(office, tmp_path):
    import datetime as _dt

    from inspector_app.reports.verify_signature import _asn1, _path_problem

    _inspector, cert = _ca_inspector(office, tmp_path)
    now = _dt.datetime.now(UTC)
    assert _path_problem(_asn1(cert), office["ca"], now) is None
    rogue_root = ca.init_ca(tmp_path / "rogue2", "合肥市市场监督管理局", PASS)
    assert "does not validate" in _path_problem(_asn1(cert), rogue_root, now)
    assert _path_problem(_asn1(cert), office["ca"], now + _dt.timedelta(days=3650))
