"""Verify a signed report; every signature in the file, and the record it is bound to.

Verdicts, worst first (``STATUSES``), each with its own exit code (``EXIT_CODES``):

- UNREADABLE: not a PDF at all.
- INVALID: the PDF is damaged, not signed, a signature does not verify, bytes inside a
  signature value (the CMS, e.g. the copy of the certificate) were changed, the value is not
  strict DER followed by zeros only, or the record is not bound: the embedded record
  (``inspection-record.json``), its hash, the hash in the metadata and the database disagree.
- MODIFIED-AFTER-SIGNING: something was added after a signature that is not only a later
  signature: a page, an annotation (a "PASS" box), changed content or form values, a
  metadata update, or bytes after the end of the file. pyHanko's difference analysis says
  what each later revision changed; only new signature fields signed in that same revision
  are allowed.
- REVOKED: a signature was made at or after the moment its certificate was revoked.
- UNTRUSTED: a signer's certificate is neither trusted itself nor issued by a trusted CA
  (the certificate bytes in the signature must be exactly the trusted ones, or verify
  against the CA's key), or an own earlier certificate signed after it was replaced.
- WRONG-SIGNER: a signer is neither the record's inspector nor an office countersigner
  (a certificate issued by the CA to the ``office`` unit, or trusted as an office key).
- INDETERMINATE: the signing time cannot be relied on: outside the certificate's validity,
  before the record was finalized, in the future, missing, or the certificate has expired
  by now (there is no trusted timestamp to prove the signature was made while it was valid).
- SUPERSEDED: everything checks, but a later revision of the record exists (named).
- VALID.

pyHanko's own verdict is not enough (it says valid for junk after the end of file or a
metadata-only update): each signature's byte range, revision and difference analysis are
checked here. Any exception during validation means INVALID.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .inspection_report import parse_keywords

if TYPE_CHECKING:
    from cryptography import x509

VALID = "VALID"
MODIFIED = "MODIFIED-AFTER-SIGNING"
INVALID = "INVALID"
UNTRUSTED = "UNTRUSTED"
UNREADABLE = "UNREADABLE"
WRONG_SIGNER = "WRONG-SIGNER"
INDETERMINATE = "INDETERMINATE"
REVOKED = "REVOKED"
SUPERSEDED = "SUPERSEDED"
# worst first: the verdict of a file is the worst verdict of its signatures and its record
STATUSES = (
    UNREADABLE,
    INVALID,
    MODIFIED,
    REVOKED,
    UNTRUSTED,
    WRONG_SIGNER,
    INDETERMINATE,
    SUPERSEDED,
    VALID,
)
# exit status of ``inspector-app verify`` per verdict (0 only for VALID; 1 and 2 are the
# command line's own: an unexpected failure and bad usage / a file that cannot be read)
EXIT_CODES = {
    VALID: 0,
    MODIFIED: 3,
    INVALID: 4,
    UNTRUSTED: 5,
    UNREADABLE: 6,
    WRONG_SIGNER: 7,
    INDETERMINATE: 8,
    REVOKED: 9,
    SUPERSEDED: 10,
}
# a laptop clock a little ahead of this one is not "the future"
CLOCK_SKEW = dt.timedelta(minutes=10)

# lookup(inspection_id, report_no, record_hash) -> {"found": bool, "content_hash": ...,
# "recomputed": ..., "superseded_by": <newer revision's report number or id> | None}
RecordLookup = Callable[[str, str, str], dict[str, Any]]


@dataclass
class TrustedCert:
    """A certificate this computer trusts, and as what.

    kind: ``certificate`` (an inspector), ``office`` (an office countersigner), ``ca`` (a
    certification authority: every certificate it issued is trusted) or ``own`` (this
    laptop's own certificate, current or earlier; *retired_at* ends its window)."""

    certificate: x509.Certificate
    kind: str = "certificate"
    name: str = ""
    retired_at: str | None = None


@dataclass
class RevokedCert:
    issuer_fingerprint: str
    serial: str
    revoked_at: str
    reason: str = ""


@dataclass
class TrustSet:
    certificates: list[TrustedCert] = field(default_factory=list)
    revocations: list[RevokedCert] = field(default_factory=list)

    @classmethod
    def of(cls, trusted: TrustSet | Iterable[TrustedCert | x509.Certificate]) -> TrustSet:
        """A TrustSet from a TrustSet or a plain list of certificates (CA certificates, by
        their basic constraints, become CAs)."""
        if isinstance(trusted, TrustSet):
            return trusted
        from ..crypto.ca import is_ca_certificate

        return cls(
            [
                c
                if isinstance(c, TrustedCert)
                else TrustedCert(c, "ca" if is_ca_certificate(c) else "certificate")
                for c in trusted
            ]
        )


@dataclass
class SignatureCheck:
    """One signature of the file."""

    field: str
    status: str = VALID
    reason: str = ""
    signer: str | None = None
    signer_fingerprint: str | None = None
    serial: str | None = None
    issuer: str | None = None
    role: str = ""  # inspector / office countersigner / unknown
    signing_time: str | None = None
    # (dataclasses.field: this class has a field named "field")
    byte_range: list[int] = dataclasses.field(default_factory=list)
    revision: int = 0  # the revision it signs (0 = the first)
    covers: str = ""


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
    superseded_by: str | None = None
    revisions: int = 0
    signatures: list[SignatureCheck] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["exit_code"] = self.exit_code
        return out


def _quiet() -> None:
    for name in ("pyhanko", "pyhanko_certvalidator", "pyhanko.sign", "fontTools"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=STATUSES.index, default=VALID)


def verify_pdf(
    data: bytes,
    trusted: TrustSet | Iterable[TrustedCert | x509.Certificate],
    lookup: RecordLookup | None = None,
    *,
    now: dt.datetime | None = None,
) -> VerifyResult:
    """Judge *data*. *trusted* is a :class:`TrustSet` or a list of cryptography certificates;
    *lookup* finds the record in the database; *now* is the verifier's clock."""
    if not data.lstrip()[:5] == b"%PDF-":
        return VerifyResult(UNREADABLE, "the file is not a PDF")
    _quiet()
    now = now or dt.datetime.now(dt.UTC)
    try:
        return _verify(data, TrustSet.of(trusted), lookup, now)
    except Exception as exc:  # any failure inside validation means it cannot be relied on
        return VerifyResult(INVALID, f"the signature could not be validated ({type(exc).__name__})")


# ---- the signature value --------------------------------------------------------------------


def _der_length(raw: bytes) -> int:
    """Total length of the DER object at the start of *raw* (the CMS signature)."""
    if len(raw) < 2 or raw[0] != 0x30:
        raise ValueError("not a DER sequence")
    first = raw[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or n > 4 or len(raw) < 2 + n:
        raise ValueError("not a definite DER length")
    length = int.from_bytes(raw[2 : 2 + n], "big")
    if length < 0x80 or raw[2] == 0:  # DER: the shortest length form
        raise ValueError("not a minimal DER length")
    return 2 + n + length


def contents_strict(data: bytes, byte_range: list[int]) -> str | None:
    """Why the unsigned gap is not exactly ``<hex>``: the upper-case hex of one DER object as
    pyHanko writes it, then zeros only; None when it is. The gap is not covered by the
    signature (by design of PDF signatures), so every byte of it is checked here."""
    import re

    from asn1crypto import cms

    gap = data[byte_range[1] : byte_range[2]]
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
        return "the signature value is not a hex string"
    digits = gap[1:-1]
    if len(digits) % 2 or not re.fullmatch(rb"[0-9A-F]*", digits):
        return "the signature value holds characters other than upper-case hex digits"
    raw = bytes.fromhex(digits.decode("ascii"))
    try:
        end = _der_length(raw)
    except ValueError as exc:
        return f"the signature value is not strict DER ({exc})"
    if end > len(raw) or any(raw[end:]):
        return "bytes follow the signature value inside its reserved space"
    try:
        info = cms.ContentInfo.load(raw[:end], strict=True)
        _ = info.native  # parse every field, strictly
        if info.dump(force=True) != raw[:end]:
            return "the signature value is not in its canonical DER encoding"
    except Exception:  # noqa: BLE001 - any parse error is a damaged value
        return "the signature value does not parse as CMS"
    return None


def _ess_matches(embedded_sig: Any) -> bool:
    """The signed attributes name the signer's certificate by hash (ESS signingCertificateV2),
    and that hash is of the certificate bytes carried in the signature."""
    from pyhanko.sign.general import check_ess_certid
    from pyhanko.sign.validation.generic_cms import get_signing_cert_attr

    attr = get_signing_cert_attr(embedded_sig.signer_info["signed_attrs"])
    return attr is not None and bool(check_ess_certid(embedded_sig.signer_cert, attr["certs"][0]))


# ---- trust ------------------------------------------------------------------------------------


def _crypto_cert(asn1_cert: Any) -> x509.Certificate:
    from cryptography import x509

    return x509.load_der_x509_certificate(asn1_cert.dump())


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    """*cert* carries a valid signature of *ca*'s key, *ca* is a CA allowed to sign
    certificates, and *cert* is an end-entity signing certificate (not a CA)."""
    from cryptography import x509

    from ..crypto.ca import is_ca_certificate

    if not is_ca_certificate(ca) or is_ca_certificate(cert):
        return False
    try:
        ku = ca.extensions.get_extension_for_class(x509.KeyUsage).value
        if not ku.key_cert_sign:
            return False
        cert.verify_directly_issued_by(ca)
    except Exception:  # noqa: BLE001 - wrong issuer, bad signature, unusual key
        return False
    return True


def _signing_usage_ok(cert: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # no restriction stated
    return bool(ku.digital_signature or ku.content_commitment)


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


# ---- the record -------------------------------------------------------------------------------


@dataclass
class _Record:
    data: dict[str, Any] | None = None
    sha256: str | None = None
    problem: str | None = None


def _embedded(data: bytes) -> _Record:
    from .embedded_record import read_embedded_record

    raw = read_embedded_record(data)
    if raw is None:
        return _Record(problem="the PDF carries no embedded record (inspection-record.json)")
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _Record(problem="the embedded record is not valid JSON")
    if not isinstance(obj, dict):
        return _Record(problem="the embedded record is not a JSON object")
    return _Record(obj, hashlib.sha256(raw).hexdigest())


def _kinds_of(record: dict[str, Any]) -> set[str]:
    """Report-number prefixes a document made from *record* may carry."""
    from .inspection_report import KIND_PREFIX

    if record.get("kind") == "summary":  # a period summary: statistics, not one inspection
        from .summary_report import SUMMARY_PREFIX

        return {SUMMARY_PREFIX}
    if record.get("kind") == "case_document":  # a document of an enforcement case
        from .case_documents import CASE_PREFIXES

        return {CASE_PREFIXES.get(str(record.get("document")), "")} - {""}
    check, verdict = record.get("check"), record.get("verdict")
    if check in ("in_service", "covert"):
        return {KIND_PREFIX["record"]}
    if verdict == "pass":  # a certificate, or a record when no certificate may be issued
        return {KIND_PREFIX["certificate"], KIND_PREFIX["record"]}
    if verdict:
        return {KIND_PREFIX["notice"]}
    return set(KIND_PREFIX.values())


# ---- the check ----------------------------------------------------------------------------


def _verify(
    data: bytes, trust: TrustSet, lookup: RecordLookup | None, now: dt.datetime
) -> VerifyResult:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
        revisions = reader.xrefs.total_revisions
    except Exception:
        return VerifyResult(
            INVALID, "the PDF structure is damaged, so the signature cannot be checked"
        )
    if not sigs:
        return VerifyResult(INVALID, "the PDF is not signed")
    result = VerifyResult(INVALID, "", revisions=revisions)
    info = reader.trailer_view["/Info"] if "/Info" in reader.trailer_view else None
    meta = parse_keywords(str(info.get("/Keywords", "")) if info is not None else "")
    result.report_no = meta.get("report-no")
    result.record_hash = meta.get("record-hash")
    result.inspection_id = meta.get("inspection-id")

    record = _embedded(data)
    checks = [_check_signature(s, data, trust, now) for s in sigs]
    result.signatures = checks
    first = checks[0]
    result.signer, result.signer_fingerprint = first.signer, first.signer_fingerprint
    result.signing_time = first.signing_time
    reasons: dict[str, str] = {}  # status -> first reason for it

    def flag(status: str, reason: str) -> None:
        reasons.setdefault(status, reason)

    for c in checks:
        if c.status != VALID:
            flag(c.status, f"signature {c.field}: {c.reason}")
    for status, reason in _coverage(reader, sigs, checks, len(data)):
        flag(status, reason)

    # the record, by content: embedded JSON, its hash, the metadata and the database
    rec = record.data or {}
    if record.problem:
        result.record_check = "mismatch"
        flag(INVALID, record.problem + ", so its content is not bound to a record")
    elif not meta:
        result.record_check = "mismatch"
        flag(INVALID, "the PDF was not made by this program (no report number and record hash)")
    else:
        mismatch = _record_mismatch(rec, record.sha256, meta)
        if mismatch:
            result.record_check = "mismatch"
            flag(INVALID, mismatch)
    if lookup is not None and not record.problem and result.record_check != "mismatch":
        found = lookup(str(rec.get("id", "")), result.report_no or "", record.sha256 or "")
        if not found.get("found"):
            result.record_check = "not in database"
            result.details.append(
                "the record is not in this database; its hash was not cross-checked"
            )
        elif found.get("content_hash") != record.sha256:
            result.record_check = "mismatch"
            flag(INVALID, "the record in the PDF is not the record in the database")
        elif found.get("recomputed") is not None and found["recomputed"] != record.sha256:
            result.record_check = "mismatch"
            flag(
                INVALID,
                "the record in the database no longer matches its own hash "
                "(run 'inspector-app check')",
            )
        else:
            result.record_check = "matches"
            if found.get("superseded_by"):
                result.superseded_by = str(found["superseded_by"])
                flag(
                    SUPERSEDED,
                    f"the record was corrected later: revision {result.superseded_by} "
                    "replaces this document",
                )
    # who signed, and when, against the record
    if rec:
        _against_record(rec, checks, flag)
    else:
        result.details.append("the record is unknown, so the signers were not matched to it")

    result.status = worst(reasons) if reasons else VALID
    if result.status == VALID:
        n = len(checks)
        result.reason = (
            "the signature is intact, covers the whole file and was made by a trusted signer"
            if n == 1
            else f"all {n} signatures are intact and trusted; the last covers the whole file "
            "and each later revision only adds a signature"
        )
    else:
        result.reason = reasons[result.status]
        result.details.extend(r for s, r in reasons.items() if s != result.status)
    return result


def _record_mismatch(rec: dict[str, Any], sha: str | None, meta: dict[str, Any]) -> str | None:
    if meta.get("record-hash") != sha:
        return (
            "the record embedded in the PDF does not have the hash the PDF names "
            "(the metadata was changed or the record swapped)"
        )
    if meta.get("inspection-id") and meta["inspection-id"] != rec.get("id"):
        return "the PDF's metadata names another inspection than the embedded record"
    prefixes = _kinds_of(rec)
    number = meta.get("report-no") or ""
    if number and number.split("-")[0] not in prefixes:
        return (
            f"the report number {number} does not fit the embedded record "
            f"(its verdict is {rec.get('verdict') or 'not given'})"
        )
    return None


def _against_record(
    rec: dict[str, Any], checks: list[SignatureCheck], flag: Callable[[str, str], None]
) -> None:
    inspector = str(rec.get("inspector") or "").strip()
    finalized = _parse_time(rec.get("finalized_at"))
    for c in checks:
        if c.status not in (VALID,):
            continue
        if c.role != "office countersigner":
            if inspector and c.signer != inspector:
                c.status = WRONG_SIGNER
                c.reason = (
                    f"signed by {c.signer}, but the inspection was made by {inspector} "
                    "(and the signer is not an office countersigner)"
                )
                flag(WRONG_SIGNER, f"signature {c.field}: {c.reason}")
                continue
            c.role = "inspector"
        when = _parse_time(c.signing_time)
        if finalized is not None and when is not None and when + CLOCK_SKEW < finalized:
            c.status = INDETERMINATE
            c.reason = (
                f"the signing time {c.signing_time} is before the record was finalized "
                f"({rec.get('finalized_at')}): the signer's clock cannot be relied on"
            )
            flag(INDETERMINATE, f"signature {c.field}: {c.reason}")


def _check_signature(sig: Any, data: bytes, trust: TrustSet, now: dt.datetime) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    c = SignatureCheck(field=str(sig.field_name or "?"))
    c.byte_range = [int(x) for x in sig.sig_object["/ByteRange"]]
    c.revision = sig.signed_revision
    try:
        asn1_cert = sig.signer_cert
        cert = _crypto_cert(asn1_cert)
        c.signer_fingerprint = hashlib.sha256(asn1_cert.dump()).hexdigest()
        c.signer = asn1_cert.subject.native.get("common_name") or asn1_cert.subject.human_friendly
        c.serial = str(cert.serial_number)
        c.issuer = cert.issuer.rfc4514_string()
        status = validate_pdf_signature(
            sig,
            ValidationContext(
                trust_roots=[_asn1(t.certificate) for t in trust.certificates],
                allow_fetching=False,
            ),
        )
    except Exception as exc:  # noqa: BLE001
        c.status, c.reason = INVALID, f"it could not be validated ({type(exc).__name__})"
        return c
    when = status.signer_reported_dt
    c.signing_time = when.isoformat() if when is not None else None
    c.covers = _covers(status.coverage)
    if not (status.intact and status.valid):
        c.status, c.reason = INVALID, "the signed content was altered or the signature is broken"
        return c
    problem = contents_strict(data, c.byte_range)
    if problem:
        c.status, c.reason = INVALID, problem + " (changed after signing)"
        return c
    if not _ess_matches(sig):
        c.status, c.reason = (
            INVALID,
            "the certificate inside the signature is not the one the signer signed for",
        )
        return c
    # trust: the exact certificate, or issued by a trusted CA
    entry = next(
        (
            t
            for t in trust.certificates
            if t.kind != "ca" and _fp(t.certificate) == c.signer_fingerprint
        ),
        None,
    )
    # the issuing CA, when a trusted one issued it (also for a certificate trusted by itself:
    # the CA's revocations apply to it)
    ca = next(
        (t for t in trust.certificates if t.kind == "ca" and _issued_by(cert, t.certificate)),
        None,
    )
    if entry is None and ca is None:
        c.status, c.reason = (
            UNTRUSTED,
            "the signer's certificate is neither in the trust list nor issued by a trusted CA",
        )
        return c
    stray = _stray_certificate(sig, cert, trust)
    if stray:
        c.status, c.reason = INVALID, stray
        return c
    from ..crypto.ca import is_office_certificate

    office = (entry is not None and entry.kind == "office") or is_office_certificate(cert)
    c.role = "office countersigner" if office else ""
    if not _signing_usage_ok(cert):
        c.status, c.reason = UNTRUSTED, "the certificate is not allowed to sign documents"
        return c
    # time: the signer's clock, the certificate's validity, the verifier's clock
    if when is None:
        c.status, c.reason = INDETERMINATE, "the signature states no signing time"
        return c
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    if when < cert.not_valid_before_utc or when > cert.not_valid_after_utc:
        c.status, c.reason = (
            INDETERMINATE,
            f"the signing time {when.isoformat(timespec='seconds')} is outside the certificate's "
            f"validity ({cert.not_valid_before_utc.date()} to {cert.not_valid_after_utc.date()})",
        )
        return c
    if when > now + CLOCK_SKEW:
        c.status, c.reason = (
            INDETERMINATE,
            f"the signing time {when.isoformat(timespec='seconds')} is in the future "
            "(the signer's clock was wrong)",
        )
        return c
    if now > cert.not_valid_after_utc:
        c.status, c.reason = (
            INDETERMINATE,
            f"the certificate expired on {cert.not_valid_after_utc.date()} and no trusted "
            "timestamp proves the signature was made before that",
        )
        return c
    if ca is not None and (
        when < ca.certificate.not_valid_before_utc or when > ca.certificate.not_valid_after_utc
    ):
        c.status, c.reason = INDETERMINATE, "the signing time is outside the CA's validity"
        return c
    if entry is not None and entry.retired_at:
        retired = _parse_time(entry.retired_at)
        if retired is not None and when >= retired:
            c.status, c.reason = (
                UNTRUSTED,
                f"made with this laptop's earlier certificate after it was replaced on "
                f"{entry.retired_at}",
            )
            return c
    if ca is not None and entry is None:
        problem = _path_problem(asn1_cert, ca.certificate, when)
        if problem:
            c.status, c.reason = UNTRUSTED, problem
            return c
    if ca is not None:
        ca_fp = _fp(ca.certificate)
        for r in trust.revocations:
            if r.issuer_fingerprint == ca_fp and r.serial == c.serial:
                at = _parse_time(r.revoked_at)
                if at is not None and when >= at:
                    c.status, c.reason = (
                        REVOKED,
                        f"the certificate (serial {c.serial}) was revoked from {r.revoked_at}"
                        f"{' (' + r.reason + ')' if r.reason else ''}, and the signature is "
                        f"dated {when.isoformat(timespec='seconds')}",
                    )
                    return c
    return c


def _stray_certificate(sig: Any, signer: x509.Certificate, trust: TrustSet) -> str | None:
    """Every certificate carried in the signature must be the signer's, a trusted one, or
    one whose signature verifies under a trusted CA: a changed copy is not left lying there."""
    signer_fp = _fp(signer)
    trusted = {_fp(t.certificate) for t in trust.certificates}
    cas = [t.certificate for t in trust.certificates if t.kind == "ca"]
    for raw in sig.signed_data["certificates"] or []:
        try:
            cert = _crypto_cert(raw.chosen)
        except Exception:  # noqa: BLE001 - a damaged copy
            return "a certificate carried in the signature is damaged (changed after signing)"
        fp = _fp(cert)
        if fp == signer_fp or fp in trusted or any(_issued_by(cert, ca) for ca in cas):
            continue
        if _issued_by(signer, cert) and _self_signed_intact(cert):
            continue  # the signer's own issuer, carried along, with its own signature intact
        return (
            "a certificate carried in the signature is neither the signer's nor a trusted one "
            "(changed after signing?)"
        )
    return None


def _path_problem(asn1_cert: Any, ca_cert: x509.Certificate, when: dt.datetime) -> str | None:
    """Path validation by pyhanko-certvalidator with the CA as the only trust root, at the
    signing time: None when the certificate chains to the CA and may sign."""
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    vc = ValidationContext(
        trust_roots=[_asn1(ca_cert)],
        moment=when,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        asyncio.run(
            # (pyhanko-certvalidator leaves async_validate_usage unannotated)
            CertificateValidator(asn1_cert, validation_context=vc).async_validate_usage(  # type: ignore[no-untyped-call]
                {"digital_signature"}
            )
        )
    except Exception as exc:  # noqa: BLE001 - any failure: the path is not valid
        return f"the certificate does not validate against the trusted CA ({exc})"[:300]
    return None


def _self_signed_intact(cert: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:  # noqa: BLE001 - changed bytes, or not self-signed
        return False
    return True


def _fp(cert: x509.Certificate) -> str:
    from cryptography.hazmat.primitives import serialization

    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _asn1(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as ax509
    from cryptography.hazmat.primitives import serialization

    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _covers(coverage: object) -> str:
    name = getattr(coverage, "name", str(coverage))
    return {
        "ENTIRE_FILE": "the whole file",
        "ENTIRE_REVISION": "its revision (later revisions follow)",
    }.get(name, "part of the file only")


def _page_count(reader: Any, revision: int) -> int | None:
    try:
        root = reader.get_historical_root(revision)
        return int(root["/Pages"]["/Count"])
    except Exception:  # noqa: BLE001
        return None


def _coverage(
    reader: Any, sigs: list[Any], checks: list[SignatureCheck], size: int
) -> Iterator[tuple[str, str]]:
    """(status, reason) for everything that is displayed but not covered by a signature."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

    total = reader.xrefs.total_revisions
    signed_revisions = {s.signed_revision: s for s in sigs}
    later_fields: dict[int, set[str]] = {}
    for s in sigs:
        later_fields.setdefault(s.signed_revision, set()).add(str(s.field_name))
    last = max(signed_revisions)
    final_pages = _page_count(reader, total - 1)
    for s, c in zip(sigs, checks, strict=True):
        if c.status == INVALID:
            continue
        pages = _page_count(reader, s.signed_revision)
        if pages is not None and final_pages is not None and final_pages > pages:
            yield (
                MODIFIED,
                f"{final_pages - pages} page(s) were appended after the signature {c.field} "
                f"({pages} signed, {final_pages} shown)",
            )
            continue
        if s.signed_revision == total - 1:
            continue
        diff = s.diff_result
        if not isinstance(diff, DiffResult):
            text = str(getattr(diff, "args", [diff])[0] if diff is not None else "unknown")
            yield (
                MODIFIED,
                f"the document was changed after the signature {c.field} "
                f"({text.splitlines()[0][:160]})",
            )
            continue
        allowed = set()
        for rev, names in later_fields.items():
            if rev > s.signed_revision:
                allowed |= names
        if (
            diff.modification_level > ModificationLevel.FORM_FILLING
            or not set(diff.changed_form_fields) <= allowed
        ):
            yield (
                MODIFIED,
                f"after the signature {c.field}, form fields or annotations were changed "
                f"({', '.join(sorted(set(diff.changed_form_fields) - allowed)) or diff.modification_level.name})",
            )
    unsigned = [r for r in range(min(signed_revisions), total) if r not in signed_revisions]
    if unsigned:
        yield (
            MODIFIED,
            f"{len(unsigned)} incremental update(s) were appended after signing and are not "
            "covered by any signature",
        )
    last_sig = signed_revisions[last]
    br = [int(x) for x in last_sig.sig_object["/ByteRange"]]
    if br[2] + br[3] != size:
        yield MODIFIED, f"{size - br[2] - br[3]} bytes follow the signed end of the file"
