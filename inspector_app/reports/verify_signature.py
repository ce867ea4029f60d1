"""One signature of a signed document: the signature value strict, the cryptographic check,
the signer's certificate trusted (itself, or issued by a trusted CA for the signing time and
not revoked), no stray certificates, signing usage; and the certificate helpers these use."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from .verify_results import (
    CLOCK_SKEW,
    INDETERMINATE,
    INVALID,
    REVOKED,
    UNTRUSTED,
    SignatureCheck,
    TrustSet,
)

if TYPE_CHECKING:
    from cryptography import x509

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


def issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
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


def parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def check_signature(sig: Any, data: bytes, trust: TrustSet, now: dt.datetime) -> SignatureCheck:
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
        (t for t in trust.certificates if t.kind == "ca" and issued_by(cert, t.certificate)),
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
        retired = parse_time(entry.retired_at)
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
                at = parse_time(r.revoked_at)
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
        if fp == signer_fp or fp in trusted or any(issued_by(cert, ca) for ca in cas):
            continue
        if issued_by(signer, cert) and _self_signed_intact(cert):
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
