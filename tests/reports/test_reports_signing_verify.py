"""Signed reports and verify: VALID only for an intact, whole-file signature by a trusted
signer whose record hash matches; every kind of tampering is caught."""

from __future__ import annotations

import io
import subprocess

import pytest

from inspector_app.crypto.keys import init_identity
from inspector_app.domain.errors import InputError
from inspector_app.reports import signing
from inspector_app.reports.signing import SigningError, sign_pdf
from inspector_app.reports.verify import (
    INVALID,
    MODIFIED,
    UNREADABLE,
    UNTRUSTED,
    VALID,
    WRONG_SIGNER,
    verify_pdf,
)
from inspector_app.services.reports import build_report, make_report


@pytest.fixture
def signed(store, samples, identity) -> bytes:
    return make_report(store, samples.fuel.id, "zh", identity=identity)


def found(hash_):
    return lambda inspection_id, report_no, record_hash: {
        "found": True,
        "content_hash": hash_,
        "recomputed": hash_,
    }


def test_signed_report_is_valid(signed, identity, samples):
    r = verify_pdf(signed, [identity.certificate], found(samples.fuel.content_hash))
    assert r.status == VALID, r.reason
    assert r.signer == "李建国" and r.signer_fingerprint == identity.fingerprint
    assert (
        r.signing_time
        and r.report_no.startswith("JDTZ-")
        and r.record_hash == samples.fuel.content_hash
    )
    assert r.record_check == "matches"


def test_poppler_agrees_the_signature_is_valid(signed, tmp_path):
    path = tmp_path / "s.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out


def test_one_changed_byte_is_not_valid(signed, identity):
    at = signed.index(b"stream", 2000) + 40  # inside a signed content stream
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    r = verify_pdf(tampered, [identity.certificate])
    assert r.status == INVALID


def test_every_single_byte_flip_sample_is_not_valid(signed, identity):
    step = max(1, len(signed) // 25)
    for at in range(0, len(signed), step):
        tampered = signed[:at] + bytes([signed[at] ^ 0x20]) + signed[at + 1 :]
        assert verify_pdf(tampered, [identity.certificate]).status != VALID, at


def test_incremental_update_after_signing_is_modified(signed, identity):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    info = w.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("changed after signing")
    w.update_container(info)
    out = io.BytesIO()
    w.write(out)
    r = verify_pdf(out.getvalue(), [identity.certificate])
    assert r.status == MODIFIED, r.reason
    assert "incremental update" in r.reason


def test_junk_after_the_end_of_file_is_not_valid(signed, identity):
    r = verify_pdf(signed + b"\n% appended junk\n", [identity.certificate])
    assert r.status == MODIFIED and "bytes follow" in r.reason


def test_untrusted_signer(store, samples, tmp_path, identity):
    """A stranger's key is not trusted, even under the inspector's own name; trusted, a key
    of another person is still the wrong signer for this inspector's record."""
    namesake = init_identity(tmp_path / "namesake", "李建国", b"another passphrase")
    pdf = make_report(store, samples.scale.id, "en", identity=namesake)
    r = verify_pdf(pdf, [identity.certificate])
    assert r.status == UNTRUSTED and r.signer == "李建国"
    assert verify_pdf(pdf, [identity.certificate, namesake.certificate]).status == VALID
    stranger = init_identity(tmp_path / "other-keys", "Mallory", b"another passphrase")
    with pytest.raises(InputError, match="signed by its own inspector"):
        make_report(store, samples.scale.id, "en", identity=stranger)
    built = build_report(store, samples.scale.id, "en", for_signing=True)
    pdf = signing._sign(built.pdf, stranger, built.signature_box, built.report_no)
    r = verify_pdf(pdf, [identity.certificate])
    assert r.status == UNTRUSTED and r.signer == "Mallory"
    r = verify_pdf(pdf, [identity.certificate, stranger.certificate])
    assert r.status == WRONG_SIGNER and "李建国" in r.reason


def test_record_hash_mismatch_and_missing_record(signed, identity):
    r = verify_pdf(signed, [identity.certificate], found("0" * 64))
    assert r.status == INVALID and r.record_check == "mismatch"
    r = verify_pdf(signed, [identity.certificate], lambda *a: {"found": False})
    assert r.status == VALID and r.record_check == "not in database" and r.details


def test_unreadable_and_unsigned(store, samples, identity):
    assert verify_pdf(b"hello, not a pdf", [identity.certificate]).status == UNREADABLE
    assert verify_pdf(b"", [identity.certificate]).status == UNREADABLE
    unsigned = build_report(store, samples.scale.id, "zh").pdf
    r = verify_pdf(unsigned, [identity.certificate])
    assert r.status == INVALID and "not signed" in r.reason
    assert verify_pdf(b"%PDF-1.7\n garbage", [identity.certificate]).status == INVALID


def test_only_reports_this_program_made_are_signed(identity):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, "not a report")
    c.save()
    with pytest.raises(SigningError, match="only reports made by this program"):
        sign_pdf(buf.getvalue(), identity, (0, 100, 100, 200, 150))


def test_a_signed_report_is_not_signed_twice(signed, identity):
    with pytest.raises(SigningError, match="signed already"):
        sign_pdf(signed, identity, (0, 100, 100, 200, 150))


def test_visible_signature_field_is_on_the_page(signed):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(signed))
    widgets = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    sig = [w for w in widgets if w.get("/FT") == "/Sig"]
    assert len(sig) == 1
    x1, y1, x2, y2 = (float(v) for v in sig[0]["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 40  # visible, not a zero-size field
    assert "/AP" in sig[0]


def test_signature_space_is_reserved_without_a_trial_signature(
    store, samples, identity, monkeypatch
):
    """pyHanko's size estimate (a second CMS build) is skipped: the reservation is computed from
    the certificates, the signature fits in it, and the padding is zeros that verify accepts."""
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    from inspector_app.reports import signing

    def no_estimate(*args, **kwargs):
        raise AssertionError("pyHanko estimated the signature size")

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", no_estimate)
    pdf = make_report(store, samples.scale.id, "en", identity=identity)
    assert verify_pdf(pdf, [identity.certificate]).status == VALID
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    start, end = int(sig.sig_object["/ByteRange"][1]), int(sig.sig_object["/ByteRange"][2])
    cert, _key, chain = signing._asn1(identity)
    assert end - start - 2 == signing.reserved_size(cert, chain) < 16384
    assert len(sig.signed_data.dump()) * 2 < end - start - 2


def test_a_reservation_too_small_falls_back_to_measuring(store, samples, identity, monkeypatch):
    from inspector_app.reports import signing

    monkeypatch.setattr(signing, "reserved_size", lambda cert, chain: 256)
    pdf = make_report(store, samples.scale.id, "zh", identity=identity)
    assert verify_pdf(pdf, [identity.certificate]).status == VALID
