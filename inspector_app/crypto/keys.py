"""The inspector's signing identity.

An identity is an ECDSA P-256 private key, encrypted at rest with a passphrase (PKCS#8,
``BestAvailableEncryption``), and an X.509 certificate for it: self-signed by ``keys init``,
or issued by an office CA and imported from a PKCS#12 file. The same key signs PDF reports
(PAdES, via pyHanko) and bundle manifests (detached ECDSA-SHA256). Keys are never written
to logs or bundles; only the certificate travels.

Files in the keys folder (beside the database):
``identity.key.pem`` (encrypted private key), ``identity.cert.pem`` (certificate),
``identity.chain.pem`` (issuer certificates, optional).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_FILE = "identity.key.pem"
CERT_FILE = "identity.cert.pem"
CHAIN_FILE = "identity.chain.pem"
MIN_PASSPHRASE = 8
VALID_YEARS = 5


class KeyError_(Exception):
    """A key operation failed; the message is one sentence for the user."""


@dataclass
class Identity:
    name: str
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def sign(self, data: bytes) -> bytes:
        return sign_with(self.private_key, data)

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


def sign_with(key, data: bytes) -> bytes:
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


def has_identity(keys_dir: Path) -> bool:
    return (keys_dir / KEY_FILE).is_file() and (keys_dir / CERT_FILE).is_file()


def _check_passphrase(passphrase: bytes) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyError_(f"the passphrase must have at least {MIN_PASSPHRASE} characters")


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _save(
    keys_dir: Path, key, cert: x509.Certificate, chain: list[x509.Certificate], passphrase: bytes
) -> None:
    keys_dir.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    _write_private(keys_dir / KEY_FILE, pem)
    _write_private(keys_dir / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    if chain:
        _write_private(
            keys_dir / CHAIN_FILE,
            b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain),
        )
    else:
        (keys_dir / CHAIN_FILE).unlink(missing_ok=True)


def init_identity(
    keys_dir: Path, name: str, passphrase: bytes, *, organization: str = "", overwrite: bool = False
) -> Identity:
    """Create a P-256 key and a self-signed certificate for *name*."""
    name = name.strip()
    if not name or len(name) > 64:
        raise KeyError_("the name must have 1 to 64 characters")
    _check_passphrase(passphrase)
    if has_identity(keys_dir) and not overwrite:
        raise KeyError_(
            f"an identity exists already in {keys_dir}; it is never overwritten silently"
        )
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    subject = x509.Name(attrs)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
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
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CODE_SIGNING]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _save(keys_dir, key, cert, [], passphrase)
    return Identity(name, cert, key)


def import_pkcs12(
    keys_dir: Path,
    p12: bytes,
    p12_password: bytes | None,
    passphrase: bytes,
    *,
    overwrite: bool = False,
) -> Identity:
    """Take an identity issued by an office CA (PKCS#12), re-encrypted with *passphrase*."""
    _check_passphrase(passphrase)
    if has_identity(keys_dir) and not overwrite:
        raise KeyError_(
            f"an identity exists already in {keys_dir}; it is never overwritten silently"
        )
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12, p12_password)
    except ValueError:
        raise KeyError_(
            "the PKCS#12 file could not be opened (wrong password or not a PKCS#12 file)"
        ) from None
    if key is None or cert is None:
        raise KeyError_("the PKCS#12 file holds no private key with its certificate")
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise KeyError_("only EC and RSA keys are supported")
    _save(keys_dir, key, cert, list(extra or []), passphrase)
    return Identity(common_name(cert), cert, key, list(extra or []))


def load_certificate_file(keys_dir: Path) -> x509.Certificate:
    path = keys_dir / CERT_FILE
    if not path.is_file():
        raise KeyError_(
            "no signing identity yet; create one with 'inspector-app keys init --name NAME'"
        )
    return load_certificate(path.read_bytes())


def load_identity(keys_dir: Path, passphrase: bytes) -> Identity:
    """Decrypt the identity; a wrong passphrase gives a clear KeyError_."""
    cert = load_certificate_file(keys_dir)
    try:
        key = serialization.load_pem_private_key(
            (keys_dir / KEY_FILE).read_bytes(), password=passphrase
        )
    except (ValueError, TypeError):
        raise KeyError_("the passphrase is wrong, or the key file is damaged") from None
    if key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise KeyError_("the key file and the certificate do not belong together")
    chain_path = keys_dir / CHAIN_FILE
    chain = x509.load_pem_x509_certificates(chain_path.read_bytes()) if chain_path.is_file() else []
    return Identity(common_name(cert), cert, key, chain)
