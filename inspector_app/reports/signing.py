"""PAdES B-B signatures on reports this program made, with a visible signature field.

The field sits where the report reserved it (``BuiltReport.signature_box``). Its stamp
text is ASCII (pyHanko's stamp font garbles Chinese); the signer's name in Chinese is
printed by reportlab on the page itself, beside the field.
"""

from __future__ import annotations

import io
import logging

from .inspection_report import BuiltReport, parse_keywords

FIELD_NAME = "InspectorSignature"


class SigningError(Exception):
    """The PDF cannot be signed (one sentence for the user)."""


_asn1_cache: dict[int, tuple] = {}


def _asn1_cached(identity):
    """The identity's certificate, key and chain as asn1crypto objects, converted once per
    identity (a batch signs hundreds of reports with one); the entry goes with the identity."""
    import weakref

    entry = _asn1_cache.get(id(identity))
    if entry is not None and entry[0]() is identity:
        return entry[1]
    key = id(identity)
    ref = weakref.ref(identity, lambda _r: _asn1_cache.pop(key, None))
    _asn1_cache[key] = (ref, _asn1(identity))
    return _asn1_cache[key][1]


def _asn1(identity):
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


def _check_ours(pdf: bytes) -> dict:
    """The report number and hash embedded by the report builder, or SigningError."""
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
    return meta


def sign_pdf(
    pdf: bytes,
    identity,
    box: tuple[int, float, float, float, float],
    *,
    reason: str = "Inspection report",
    location: str = "",
    report_no: str | None = None,
) -> bytes:
    """Sign *pdf* (made by this program) with a visible field at *box* (page index, x1, y1, x2, y2).

    *report_no* is given by :func:`sign_report` for a report it has just built (unsigned by
    construction); otherwise the PDF is read first to check it is ours and not yet signed."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as PyHankoSigningError
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    meta = {"report-no": report_no} if report_no else _check_ours(pdf)
    cert, key, chain = _asn1_cached(identity)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
    )
    page, x1, y1, x2, y2 = box
    fp = identity.fingerprint
    stamp = TextStampStyle(
        stamp_text=(
            "Digitally signed (PAdES)\nReport %(report)s\nCert SHA-256 %(fp)s\nSigned %(ts)s"
        ),
        text_box_style=TextBoxStyle(font_size=7),
        border_width=1,
    )
    signature_meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
    )
    pdf_signer = signers.PdfSigner(
        signature_meta,
        signer,
        stamp_style=stamp,
        new_field_spec=fields.SigFieldSpec(
            FIELD_NAME, on_page=page, box=(round(x1), round(y1), round(x2), round(y2))
        ),
    )
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    params = {"report": _ascii(meta["report-no"]), "fp": fp[:32]}
    try:
        out = pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
            bytes_reserved=reserved_size(cert, chain),
            appearance_text_params=params,
        )
    except PyHankoSigningError as exc:
        if "larger than expected" not in str(exc):
            raise
        # an unusual certificate chain outgrew the reservation: let pyHanko measure it (one more CMS build)
        out = pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), appearance_text_params=params
        )
    return out.getvalue()


def reserved_size(cert, chain) -> int:
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


def sign_report(built: BuiltReport, identity) -> bytes:
    """Sign a report built with ``for_signing=True``."""
    if built.signature_box is None:
        raise SigningError("the report was built without room for a signature")
    if not built.content_hash:
        raise SigningError("only a finalized inspection (with a content hash) can be signed")
    return sign_pdf(built.pdf, identity, built.signature_box, report_no=built.report_no)
