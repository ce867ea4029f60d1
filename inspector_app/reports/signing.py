"""PAdES B-B signatures on reports this program made, with a visible signature field.

Only a report the builder has just made from its record is signed: the signing path takes
the :class:`BuiltReport` (``sign_report``); the public ``sign_pdf`` refuses a PDF whose
embedded record (``inspection-record.json``) does not have the hash and id its metadata
names, and one that is signed already. Nothing is signed while this computer's clock is
before the certificate's start, after its end, or before the record was finalized: such a
signature would carry a time nobody can rely on.

The field sits where the report reserved it (``BuiltReport.signature_box``). Its stamp
text is ASCII (pyHanko's stamp font garbles Chinese); the signer's name in Chinese is
printed by reportlab on the page itself, beside the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from typing import TYPE_CHECKING, Any

from .inspection_report import BuiltReport, parse_keywords

if TYPE_CHECKING:
    from ..crypto.keys import Identity

# the signer's certificate, key and chain as asn1crypto objects (asn1crypto is untyped)
Asn1Identity = tuple[Any, Any, list[Any]]

FIELD_NAME = "InspectorSignature"


class SigningError(Exception):
    """The PDF cannot be signed (one sentence for the user)."""


_asn1_cache: dict[int, tuple[Any, tuple[Any, Any, list[Any], Any]]] = {}


def _asn1_cached(identity: Identity) -> tuple[Any, Any, list[Any], Any]:
    """The identity's certificate, key and chain as asn1crypto objects, and its pyHanko
    signer (``cms_template.TemplateSigner``: its CMS parts are kept for the next signature),
    made once per identity (a batch signs hundreds of reports with one); the entry goes with
    the identity."""
    import weakref

    entry = _asn1_cache.get(id(identity))
    if entry is not None and entry[0]() is identity:
        return entry[1]
    key = id(identity)
    ref = weakref.ref(identity, lambda _r: _asn1_cache.pop(key, None))
    cert, private, chain = _asn1(identity)
    _asn1_cache[key] = (ref, (cert, private, chain, _signer(cert, private, chain)))
    return _asn1_cache[key][1]


def _signer(cert: Any, key: Any, chain: list[Any]) -> Any:
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from .cms_template import template_signer_class

    return template_signer_class()(
        signing_cert=cert,
        signing_key=key,
        # the signer's is added once; pyhanko-certvalidator leaves from_certs unannotated
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )


def _asn1(identity: Identity) -> Asn1Identity:
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509
    from cryptography.hazmat.primitives import serialization

    cert = ax509.Certificate.load(identity.certificate.public_bytes(serialization.Encoding.DER))
    key = akeys.PrivateKeyInfo.load(
        identity.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = [
        ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in identity.chain
    ]
    return cert, key, chain


def _now() -> dt.datetime:
    """This computer's clock (one place, so tests can set it)."""
    return dt.datetime.now(dt.UTC)


def _record_of(pdf: bytes) -> dict[str, Any] | None:
    from .embedded_record import read_embedded_record

    raw = read_embedded_record(pdf)
    if raw is None:
        return None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return (
        {"record": obj, "sha256": hashlib.sha256(raw).hexdigest()}
        if isinstance(obj, dict)
        else None
    )


def _check_ours(pdf: bytes) -> dict[str, Any]:
    """The metadata of a report made by this program, whose embedded record is the one the
    metadata names; SigningError otherwise."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        info = reader.trailer_view["/Info"] if "/Info" in reader.trailer_view else None
        keywords = str(info.get("/Keywords", "")) if info is not None else ""
        already = reader.embedded_signatures
    except Exception:
        raise SigningError("the file is not a PDF this program can read") from None
    meta = parse_keywords(keywords)
    if not meta.get("report-no") or not meta.get("record-hash"):
        raise SigningError(
            "only reports made by this program are signed (no report number and record hash found)"
        )
    if already:
        raise SigningError("the report is signed already")
    found = _record_of(pdf)
    if found is None:
        raise SigningError(
            "only reports made by this program are signed (the PDF carries no record)"
        )
    if found["sha256"] != meta["record-hash"] or (
        meta.get("inspection-id") and found["record"].get("id") != meta["inspection-id"]
    ):
        raise SigningError(
            "the record embedded in the PDF is not the record its metadata names; it is not signed"
        )
    meta["finalized_at"] = found["record"].get("finalized_at")
    meta["inspector"] = found["record"].get("inspector")
    return meta


def check_clock(
    identity: Identity, finalized_at: str | None = None, now: dt.datetime | None = None
) -> None:
    """SigningError when this computer's clock makes the signing time unreliable: before the
    certificate's start, after its end, or before the record was finalized."""
    from ..crypto.keys import validity_problem

    now = now or _now()
    problem = validity_problem(identity.certificate, now)
    if problem:
        raise SigningError(
            f"not signed: {problem}; check this computer's date and time"
            if now < identity.certificate.not_valid_before_utc
            else f"not signed: {problem}; ask the office for a new certificate"
        )
    if finalized_at:
        try:
            fin = dt.datetime.fromisoformat(str(finalized_at).replace("Z", "+00:00"))
        except ValueError:
            fin = None
        if fin is not None:
            fin = fin if fin.tzinfo else fin.replace(tzinfo=dt.UTC)
            if now < fin:
                raise SigningError(
                    f"not signed: this computer's clock ({now.isoformat(timespec='seconds')}) "
                    f"is before the record's finalization ({finalized_at}); check the date and time"
                )


def sign_pdf(
    pdf: bytes,
    identity: Identity,
    box: tuple[int, float, float, float, float],
    *,
    reason: str = "Inspection report",
    location: str = "",
) -> bytes:
    """Sign *pdf* (a report made by this program) with a visible field at *box* (page index,
    x1, y1, x2, y2). The PDF is read first: its embedded record must be the one its metadata
    names, it must not be signed yet, and the clock must allow signing."""
    meta = _check_ours(pdf)
    check_signer(identity, meta.get("inspector"))
    check_clock(identity, meta.get("finalized_at"))
    return _sign(pdf, identity, box, meta["report-no"], reason=reason, location=location)


def _sign(
    pdf: bytes,
    identity: Identity,
    box: tuple[int, float, float, float, float] | None,
    report_no: str,
    *,
    reason: str = "Inspection report",
    location: str = "",
    field_name: str = FIELD_NAME,
    countersign: bool = False,
    lock_fields: list[str] | None = None,
) -> bytes:
    """The inspector's signature certifies the document (DocMDP: later revisions may only fill
    in and sign fields); a countersignature adds its own field and locks *lock_fields* (every
    field there is, its own included), so that only new signature fields may follow."""
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as PyHankoSigningError

    from .stamp import signature_stamp

    cert, key, chain, signer = _asn1_cached(identity)
    page, x1, y1, x2, y2 = box if box is not None else (0, 0, 0, 0, 0)
    fp = identity.fingerprint
    # drawn with the embedded CJK font in the report's language (pyHanko's Courier is never
    # embedded): see reports/stamp.py
    stamp = signature_stamp(pdf, report_no, fp, box)
    signature_meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
        certify=not countersign,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    spec = fields.SigFieldSpec(
        field_name,
        on_page=page,
        box=(round(x1), round(y1), round(x2), round(y2)) if box is not None else None,
        field_mdp_spec=(
            fields.FieldMDPSpec(fields.FieldMDPAction.INCLUDE, fields=lock_fields)
            if countersign
            else None
        ),
        doc_mdp_update_value=fields.MDPPerm.FILL_FORMS if countersign else None,
    )
    pdf_signer = signers.PdfSigner(signature_meta, signer, stamp_style=stamp, new_field_spec=spec)
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    params = {"report": _ascii(report_no), "fp": fp[:32]}
    try:
        out = pdf_signer.sign_pdf(
            _writer(pdf),
            bytes_reserved=reserved_size(cert, chain),
            appearance_text_params=params,
        )
    except PyHankoSigningError as exc:
        if "larger than expected" not in str(exc):
            raise
        # an unusual certificate chain outgrew the reservation: let pyHanko measure it (one more CMS build)
        out = pdf_signer.sign_pdf(_writer(pdf), appearance_text_params=params)
    signed: bytes = out.getvalue()
    return signed


def _writer(pdf: bytes) -> Any:
    """An incremental writer whose document information names the same producer as the XMP
    metadata pyHanko writes with the signature (``pdf:Producer`` is pyHanko's name alone, while
    it would append that name to the information's ``/Producer``): PDF/A asks that both say the
    same (ISO 19005-2, 6.6.3)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata import model

    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    try:
        old = w.trailer["/Info"].get_object()
    except (KeyError, AttributeError):
        return w
    # pyHanko leaves DictionaryObject's constructor unannotated
    info = generic.DictionaryObject(dict(old.items()))  # type: ignore[no-untyped-call]
    info[generic.NameObject("/Producer")] = generic.TextStringObject(model.VENDOR)
    w.set_info(info)
    return w


def reserved_size(cert: Any, chain: list[Any]) -> int:
    """Hex digits reserved for the CMS signature, so pyHanko skips its trial signature.

    The CMS holds the certificates, the signer's issuer and serial (at most a certificate
    again), the signed attributes and the signature value: twice the certificates plus
    2 KiB covers RSA-4096 and EC keys alike; hex doubles it. About 5.7 KB for a
    self-signed EC certificate (pyHanko's own estimate is 3.8 KB).
    """
    certs = len(cert.dump()) + sum(len(c.dump()) for c in chain)
    return 2 * (2 * certs + 2048)


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")


def check_signer(identity: Identity, inspector: str | None) -> None:
    """SigningError unless *identity* is the record's *inspector* or an office countersigner:
    a report is signed by the inspector who made the inspection (``verify`` says WRONG-SIGNER
    otherwise)."""
    from ..crypto.ca import is_office_certificate

    if not inspector or is_office_certificate(identity.certificate):
        return
    if identity.name.strip() != inspector.strip():
        raise SigningError(
            f"this inspection was made by {inspector.strip()}, and the signing identity is "
            f"{identity.name}; a report is signed by its own inspector"
        )


def sign_report(
    built: BuiltReport,
    identity: Identity,
    *,
    finalized_at: str | None = None,
    inspector: str | None = None,
) -> bytes:
    """Sign a report the builder has just made (``for_signing=True``) from its finalized
    record; *finalized_at* is the record's finalization time (checked against the clock) and
    *inspector* the name of who made the inspection (it must be the signer's)."""
    if not isinstance(built, BuiltReport):
        raise SigningError("only a report the program has just built is signed")
    if built.signature_box is None:
        raise SigningError("the report was built without room for a signature")
    if not built.content_hash:
        raise SigningError("only a finalized inspection (with a content hash) can be signed")
    check_signer(identity, inspector)
    check_clock(identity, finalized_at)
    return _sign(built.pdf, identity, built.signature_box, built.report_no)


# office countersignatures: role -> (field name, reason)
COUNTERSIGN_ROLES = {
    "verifier": ("VerifierSignature", "Checked (核验员)"),
    "approver": ("ApproverSignature", "Approved (批准人)"),
}


def countersign_pdf(pdf: bytes, identity: Identity, role: str) -> bytes:
    """Add an office countersignature (核验员 *verifier* or 批准人 *approver*) to an
    inspector's signed report, as a further PAdES signature in an incremental update: it
    covers everything before it, adds only its own (invisible) field and locks all fields.
    The report must be one this program made, signed already, and not yet carry this role."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if role not in COUNTERSIGN_ROLES:
        raise SigningError(f"the role must be one of {', '.join(COUNTERSIGN_ROLES)}")
    field_name, reason = COUNTERSIGN_ROLES[role]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        info = reader.trailer_view["/Info"] if "/Info" in reader.trailer_view else None
        meta = parse_keywords(str(info.get("/Keywords", "")) if info is not None else "")
        names = [str(s.field_name) for s in reader.embedded_signatures]
    except Exception:
        raise SigningError("the file is not a PDF this program can read") from None
    if not meta.get("report-no") or not meta.get("record-hash"):
        raise SigningError("only reports made by this program are countersigned")
    if FIELD_NAME not in names:
        raise SigningError("the report is not signed by its inspector yet")
    if field_name in names:
        raise SigningError(f"the report carries a {role} signature already")
    found = _record_of(pdf)
    if found is None or found["sha256"] != meta["record-hash"]:
        raise SigningError(
            "the record embedded in the PDF is not the record its metadata names; "
            "it is not countersigned"
        )
    check_clock(identity, found["record"].get("finalized_at"))
    return _sign(
        pdf,
        identity,
        None,
        meta["report-no"],
        reason=reason,
        field_name=field_name,
        countersign=True,
        lock_fields=[*names, field_name],
    )
