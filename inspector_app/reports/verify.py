"""Verify a signed report: VALID, MODIFIED-AFTER-SIGNING, INVALID, UNTRUSTED or UNREADABLE.

pyHanko's verdict alone is not enough (platform.md): it calls a signature valid when junk
follows the end of file or a metadata-only incremental update was appended. So VALID also
requires that the signature's byte range ends at the last byte of the file and that the
signed revision is the last one; and, when the database is at hand, that the record hash
embedded in the PDF matches the record. Any exception during validation means INVALID
(UNREADABLE when the file is not a PDF at all).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from .inspection_report import parse_keywords

VALID = "VALID"
MODIFIED = "MODIFIED-AFTER-SIGNING"
INVALID = "INVALID"
UNTRUSTED = "UNTRUSTED"
UNREADABLE = "UNREADABLE"
STATUSES = (VALID, MODIFIED, INVALID, UNTRUSTED, UNREADABLE)

# lookup(inspection_id, report_no, record_hash) -> {"found": bool, "content_hash": ..., "recomputed": ...}
RecordLookup = Callable[[str, str, str], dict]


@dataclass
class VerifyResult:
    status: str
    reason: str
    signer: str | None = None
    signer_fingerprint: str | None = None
    signing_time: str | None = None
    report_no: str | None = None
    record_hash: str | None = None
    inspection_id: str | None = None
    record_check: str = "not checked"  # matches / mismatch / not in database / not checked
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == VALID

    def as_dict(self) -> dict:
        return asdict(self)


def _quiet() -> None:
    for name in ("pyhanko", "pyhanko_certvalidator", "pyhanko.sign", "fontTools"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _asn1_certs(certs) -> list:
    from asn1crypto import x509 as ax509
    from cryptography.hazmat.primitives import serialization

    return [ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs]


def verify_pdf(data: bytes, trusted, lookup: RecordLookup | None = None) -> VerifyResult:
    """Judge *data*; *trusted* are cryptography certificates (trust list + own identity)."""
    if not data.lstrip()[:5] == b"%PDF-":
        return VerifyResult(UNREADABLE, "the file is not a PDF")
    _quiet()
    try:
        return _verify(data, trusted, lookup)
    except (
        Exception
    ) as exc:  # any failure inside validation means the signature cannot be relied on
        return VerifyResult(INVALID, f"the signature could not be validated ({type(exc).__name__})")


def _der_length(raw: bytes) -> int:
    """Total length of the DER object at the start of *raw* (the CMS signature)."""
    if len(raw) < 2 or raw[0] != 0x30:
        raise ValueError("not a DER sequence")
    first = raw[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    return 2 + n + int.from_bytes(raw[2 : 2 + n], "big")


def _contents_untouched(data: bytes, byte_range: list[int]) -> bool:
    """The unsigned gap holds exactly ``<hex>``: hex of the CMS object as pyHanko writes it (upper case), then zeros.

    The gap is not covered by the signature (by design of PDF signatures), so a changed
    padding byte or a hex digit in another case would otherwise go unnoticed.
    """
    import re

    gap = data[byte_range[1] : byte_range[2]]
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
        return False
    digits = gap[1:-1]
    if len(digits) % 2 or not re.fullmatch(rb"[0-9A-F]*", digits):
        return False
    raw = bytes.fromhex(digits.decode("ascii"))
    try:
        end = _der_length(raw)
    except ValueError:
        return False
    return end <= len(raw) and not any(raw[end:])


def _verify(data: bytes, trusted, lookup: RecordLookup | None) -> VerifyResult:
    import hashlib

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        return VerifyResult(
            INVALID, "the PDF structure is damaged, so the signature cannot be checked"
        )
    if not sigs:
        return VerifyResult(INVALID, "the PDF is not signed")
    trusted_asn1 = _asn1_certs(trusted)
    trusted_fps = {hashlib.sha256(c.dump()).hexdigest() for c in trusted_asn1}
    sig = sigs[-1]
    vc = ValidationContext(trust_roots=trusted_asn1, allow_fetching=False)
    status = validate_pdf_signature(sig, vc)
    cert = status.signing_cert
    result = VerifyResult(INVALID, "")
    if cert is not None:
        result.signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
        result.signer_fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    when = status.signer_reported_dt
    result.signing_time = when.isoformat() if when is not None else None
    info = reader.trailer_view["/Info"] if "/Info" in reader.trailer_view else None
    meta = parse_keywords(str(info.get("/Keywords", "")) if info is not None else "")
    result.report_no = meta.get("report-no")
    result.record_hash = meta.get("record-hash")
    result.inspection_id = meta.get("inspection-id")

    if not (status.intact and status.valid):
        result.reason = "the signed content has been altered or the signature is broken"
        return result
    # coverage: the signature must end at the last byte, and no revision may follow it
    byte_range = [int(x) for x in sig.sig_object["/ByteRange"]]
    signed_end = byte_range[2] + byte_range[3]
    revisions = reader.xrefs.total_revisions
    if sig.signed_revision < revisions - 1:
        result.status = MODIFIED
        result.reason = f"{revisions - 1 - sig.signed_revision} incremental update(s) were appended after signing"
        return result
    if signed_end != len(data):
        result.status = MODIFIED
        result.reason = f"{len(data) - signed_end} bytes follow the signed end of the file"
        return result
    if not _contents_untouched(data, byte_range):
        result.status = INVALID
        result.reason = "bytes inside the signature value were changed after signing"
        return result
    if len(sigs) > 1:
        result.details.append(f"the file carries {len(sigs)} signatures; the last one was checked")
    if not meta:
        result.reason = "the PDF was not made by this program (no report number and record hash)"
        return result
    # trust: the signer's certificate (or its issuer chain) must be enrolled
    if not (result.signer_fingerprint in trusted_fps or status.trusted):
        result.status = UNTRUSTED
        result.reason = "the signer's certificate is not in the trust list"
        return result
    # the record, when this database has it
    if lookup is not None:
        found = lookup(result.inspection_id or "", result.report_no or "", result.record_hash or "")
        if not found.get("found"):
            result.record_check = "not in database"
            result.details.append(
                "the record is not in this database; its hash was not cross-checked"
            )
        elif found.get("content_hash") != result.record_hash:
            result.record_check = "mismatch"
            result.reason = "the record hash in the PDF does not match the record in the database"
            return result
        elif found.get("recomputed") is not None and found["recomputed"] != result.record_hash:
            result.record_check = "mismatch"
            result.reason = "the record in the database no longer matches its own hash (run 'inspector-app check')"
            return result
        else:
            result.record_check = "matches"
    result.status = VALID
    result.reason = (
        "the signature is intact, covers the whole file and was made by a trusted signer"
    )
    return result
