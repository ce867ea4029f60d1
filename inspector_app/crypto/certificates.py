"""Reading and making X.509 certificates and checking signatures: a certificate's
fingerprint, holder, organisation and registration number (检定员证号), whether it is an
office countersigner's, whether it is valid at a moment; the subject and the key usages of a
signing certificate; a signature made and checked (ECDSA or RSA over SHA-256).

Below :mod:`.keys` (the identity on disk) and :mod:`.ca`; :mod:`.keys` re-exports these
names, the import path most callers use.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# id-kp-documentSigning (RFC 9336): the key signs documents, not code
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")


# the inspector's registration number (检定员证号) in the certificate subject
REGISTRATION_OID = NameOID.SERIAL_NUMBER


# organisational unit of an office countersigner's certificate (核验员, 批准人)
OFFICE_UNIT = "office"


class KeyError_(Exception):
    """A key operation failed; the message is one sentence for the user."""


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def is_office_certificate(cert: x509.Certificate) -> bool:
    """Issued to an office countersigner (核验员 / 批准人), not to a field inspector."""
    return any(
        str(a.value) == OFFICE_UNIT
        for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    )


def common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


def sign_with(key: object, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise KeyError_("unsupported key type")


def verify_signature(cert: x509.Certificate, data: bytes, signature: bytes) -> bool:
    """True when *signature* over *data* was made by the key of *cert*."""
    public = cert.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes, or KeyError_ with a clear message."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise KeyError_("the file is not an X.509 certificate (PEM or DER)") from None


def as_utc(when: dt.datetime | None) -> dt.datetime:
    """*when* in UTC (a naive time is taken as UTC); now when None."""
    when = when or dt.datetime.now(dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def validity_problem(cert: x509.Certificate, at: dt.datetime | None = None) -> str | None:
    """Why *cert* is not valid at *at* (default: now), or None when it is."""
    at = as_utc(at)
    if at < cert.not_valid_before_utc:
        return (
            f"the certificate of {common_name(cert)} is valid only from "
            f"{cert.not_valid_before_utc.isoformat(timespec='seconds')} "
            f"(the time checked is {at.isoformat(timespec='seconds')})"
        )
    if at > cert.not_valid_after_utc:
        return (
            f"the certificate of {common_name(cert)} expired on "
            f"{cert.not_valid_after_utc.isoformat(timespec='seconds')}"
        )
    return None


def registration_number(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(REGISTRATION_OID)
    return str(attrs[0].value) if attrs else ""


def subject_name(
    name: str, organization: str = "", registration_no: str = "", unit: str = ""
) -> x509.Name:
    name = name.strip()
    if not name or len(name) > 64:
        raise KeyError_("the name must have 1 to 64 characters")
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if organization.strip():
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization.strip()[:64]))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]))
    if registration_no.strip():
        from cryptography.x509.name import _ASN1Type

        # UTF8String: registration numbers carry Chinese (皖JL-…), PrintableString cannot
        attrs.append(
            x509.NameAttribute(
                REGISTRATION_OID, registration_no.strip()[:64], _type=_ASN1Type.UTF8String
            )
        )
    return x509.Name(attrs)


def signer_extensions(
    builder: x509.CertificateBuilder, public_key: CertificatePublicKeyTypes
) -> x509.CertificateBuilder:
    """Key usages of a signing certificate: digitalSignature and nonRepudiation (content
    commitment), document signing and e-mail protection; never a CA, never code signing."""
    return (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def organization_of(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(attrs[0].value) if attrs else ""
