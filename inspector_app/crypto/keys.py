"""The inspector's signing identity.

An identity is an ECDSA P-256 private key, encrypted at rest with a passphrase (PKCS#8,
``BestAvailableEncryption``), and an X.509 certificate for it: self-signed by ``keys init``,
or issued by an office CA and imported from a PKCS#12 file. The same key signs PDF reports
(PAdES, via pyHanko) and bundle manifests (detached ECDSA-SHA256). Keys are never written
to logs or bundles; only the certificate travels.

Files in the keys folder (beside the database):
``identity.key.pem`` (encrypted private key), ``identity.cert.pem`` (certificate),
``identity.chain.pem`` (issuer certificates, optional), ``history/`` (this inspector's
earlier certificates with the window in which each one was in use, so reports signed
before a key rotation still verify on this laptop).

Private key files are written with mode 0600. A key file that others can read is still
used, with a warning, and its mode is set to 0600; an unencrypted key file is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# what a certificate says, and signatures: most callers import these from here
from .certificates import DOCUMENT_SIGNING as DOCUMENT_SIGNING
from .certificates import OFFICE_UNIT as OFFICE_UNIT
from .certificates import REGISTRATION_OID as REGISTRATION_OID
from .certificates import KeyError_ as KeyError_
from .certificates import as_utc as as_utc
from .certificates import common_name as common_name
from .certificates import fingerprint as fingerprint
from .certificates import is_office_certificate as is_office_certificate
from .certificates import load_certificate as load_certificate
from .certificates import organization_of as organization_of
from .certificates import registration_number as registration_number
from .certificates import sign_with as sign_with
from .certificates import signer_extensions as signer_extensions
from .certificates import subject_name as subject_name
from .certificates import validity_problem as validity_problem
from .certificates import verify_signature as verify_signature
from .key_files import encrypted_envelope_intact, key_file_warning, write_private

KEY_FILE = "identity.key.pem"
CERT_FILE = "identity.cert.pem"
CHAIN_FILE = "identity.chain.pem"
MIN_PASSPHRASE = 8
VALID_YEARS = 5
HISTORY_DIR = "history"
HISTORY_INDEX = "history.json"


class WrongPassphrase(KeyError_):
    """The passphrase does not open the key (ask again)."""


class KeyUnavailable(KeyError_):
    """The signing identity cannot be used at all (key or certificate file missing, damaged,
    unencrypted, or its certificate not valid now): nothing can be signed until it is fixed.
    The editor shows the message and refuses to finalize as signed; the command line prints
    it as one sentence."""


SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
"""The private keys a signer may hold (documents are signed with ECDSA or RSA, SHA-256)."""
SIGNING_KEY_TYPES = (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)


@dataclass
class Identity:
    name: str
    certificate: x509.Certificate
    private_key: SigningKey
    chain: list[x509.Certificate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a key file others could read

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def sign(self, data: bytes) -> bytes:
        return sign_with(self.private_key, data)

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def has_identity(keys_dir: Path) -> bool:
    return (keys_dir / KEY_FILE).is_file() and (keys_dir / CERT_FILE).is_file()


def _check_passphrase(passphrase: bytes) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyError_(f"the passphrase must have at least {MIN_PASSPHRASE} characters")


def _save(
    keys_dir: Path,
    key: SigningKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: bytes,
) -> None:
    keys_dir.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    write_private(keys_dir / KEY_FILE, pem)
    _save_cert(keys_dir, cert, chain)


def _save_cert(keys_dir: Path, cert: x509.Certificate, chain: list[x509.Certificate]) -> None:
    write_private(keys_dir / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    if chain:
        write_private(
            keys_dir / CHAIN_FILE,
            b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain),
        )
    else:
        (keys_dir / CHAIN_FILE).unlink(missing_ok=True)


# ---- history of one's own certificates ------------------------------------------------------


@dataclass
class OwnCertificate:
    """A certificate this inspector used, and when: signatures made with it inside
    [active_from, retired_at) are this inspector's own (retired_at None: the current one)."""

    certificate: x509.Certificate
    active_from: str
    retired_at: str | None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


def _read_history_index(keys_dir: Path) -> list[dict[str, Any]]:
    path = keys_dir / HISTORY_DIR / HISTORY_INDEX
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [e for e in data if isinstance(e, dict) and "fingerprint" in e]
    except (ValueError, OSError):
        return []


def _retire_current(keys_dir: Path, at: dt.datetime) -> None:
    """Move the current certificate into the history, with the moment it stopped being used."""
    path = keys_dir / CERT_FILE
    if not path.is_file():
        return
    try:
        cert = load_certificate(path.read_bytes())
    except KeyError_:
        return  # a damaged certificate cannot vouch for anything later
    hist = keys_dir / HISTORY_DIR
    hist.mkdir(parents=True, exist_ok=True)
    fp = fingerprint(cert)
    write_private(hist / f"{fp}.pem", cert.public_bytes(serialization.Encoding.PEM))
    entries = [e for e in _read_history_index(keys_dir) if e["fingerprint"] != fp]
    active_from = cert.not_valid_before_utc.isoformat(timespec="seconds")
    entries.append(
        {
            "fingerprint": fp,
            "name": common_name(cert),
            "active_from": active_from,
            "retired_at": as_utc(at).isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(timespec="seconds"),
        }
    )
    write_private(
        hist / HISTORY_INDEX,
        json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8"),
    )


def own_certificates(keys_dir: Path) -> list[OwnCertificate]:
    """The current certificate and the earlier ones, newest first."""
    out = []
    try:
        cur = load_certificate_file(keys_dir)
        out.append(
            OwnCertificate(cur, cur.not_valid_before_utc.isoformat(timespec="seconds"), None)
        )
    except KeyError_:
        pass
    for e in reversed(_read_history_index(keys_dir)):
        path = keys_dir / HISTORY_DIR / f"{e['fingerprint']}.pem"
        try:
            cert = load_certificate(path.read_bytes())
        except (OSError, KeyError_):
            continue
        if fingerprint(cert) != e["fingerprint"]:
            continue  # a history file that was changed is not one's own any more
        out.append(OwnCertificate(cert, str(e.get("active_from", "")), e.get("retired_at")))
    return out


# ---- creating, replacing and importing identities -------------------------------------------


def init_identity(
    keys_dir: Path,
    name: str,
    passphrase: bytes,
    *,
    organization: str = "",
    registration_no: str = "",
    office: bool = False,
    overwrite: bool = False,
    now: dt.datetime | None = None,
) -> Identity:
    """Create a P-256 key and a self-signed certificate for *name*.

    With *overwrite* (``keys init --replace``, ``keys rotate``) the current certificate goes
    into the history first, so reports signed with it still verify on this computer."""
    subject = subject_name(name, organization, registration_no, OFFICE_UNIT if office else "")
    _check_passphrase(passphrase)
    if has_identity(keys_dir) and not overwrite:
        raise KeyError_(
            f"an identity exists already in {keys_dir}; it is never overwritten silently "
            "(use 'keys rotate' to replace it and keep the old certificate in the history)"
        )
    now = as_utc(now)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS))
    )
    cert = signer_extensions(builder, key.public_key()).sign(key, hashes.SHA256())
    if overwrite:
        _retire_current(keys_dir, now)
    _save(keys_dir, key, cert, [], passphrase)
    return Identity(common_name(cert), cert, key)


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
    if overwrite:
        _retire_current(keys_dir, dt.datetime.now(dt.UTC))
    _save(keys_dir, key, cert, list(extra or []), passphrase)
    return Identity(common_name(cert), cert, key, list(extra or []))


def _spki(key_or_cert: SigningKey | x509.Certificate) -> bytes:
    public = key_or_cert.public_key()
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def make_csr(identity: Identity, *, organization: str = "", registration_no: str = "") -> bytes:
    """A certificate signing request (PEM) for the office CA, signed with the identity's key."""
    subject = subject_name(
        identity.name,
        organization
        or next(
            (
                str(a.value)
                for a in identity.certificate.subject.get_attributes_for_oid(
                    NameOID.ORGANIZATION_NAME
                )
            ),
            "",
        ),
        registration_no or registration_number(identity.certificate),
    )
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject)
        .sign(identity.private_key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def import_certificate(
    keys_dir: Path, data: bytes, now: dt.datetime | None = None
) -> x509.Certificate:
    """Take the certificate the office CA issued for this laptop's key (PEM with the CA
    certificate after it, or DER alone). The old certificate goes into the history."""
    try:
        certs = (
            x509.load_pem_x509_certificates(data)
            if b"-----BEGIN" in data
            else [x509.load_der_x509_certificate(data)]
        )
    except ValueError:
        raise KeyError_("the file is not an X.509 certificate (PEM or DER)") from None
    current = load_certificate_file(keys_dir)
    mine = [c for c in certs if _spki(c) == _spki(current)]
    if not mine:
        raise KeyError_(
            "the certificate is not for this laptop's key (make the request with 'keys csr')"
        )
    cert = mine[0]
    problem = validity_problem(cert, now)
    if problem and as_utc(now) > cert.not_valid_after_utc:
        raise KeyError_(problem)
    chain = [c for c in certs if c is not cert]
    if fingerprint(cert) == fingerprint(current):
        raise KeyError_("this certificate is in use already")
    _retire_current(keys_dir, as_utc(now))
    _save_cert(keys_dir, cert, chain)
    return cert


def load_certificate_file(keys_dir: Path) -> x509.Certificate:
    path = keys_dir / CERT_FILE
    if not path.is_file():
        raise KeyUnavailable(
            "no signing identity yet; create one with 'inspector-app keys init --name NAME'"
        )
    try:
        return load_certificate(path.read_bytes())
    except KeyError_:
        raise KeyUnavailable(f"the certificate file {path} is damaged") from None
    except OSError as exc:
        raise KeyUnavailable(
            f"the certificate file {path} cannot be read ({exc.strerror})"
        ) from None


def load_identity(keys_dir: Path, passphrase: bytes) -> Identity:
    """Decrypt the identity. A missing, damaged or unencrypted key file raises
    KeyUnavailable; a wrong passphrase raises KeyError_; both with one clear sentence."""
    cert = load_certificate_file(keys_dir)
    path = keys_dir / KEY_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyUnavailable(
            f"the private key file {path} is missing; restore it from a backup or create a "
            "new identity with 'inspector-app keys rotate'"
        ) from None
    except OSError as exc:
        raise KeyUnavailable(
            f"the private key file {path} cannot be read ({exc.strerror})"
        ) from None
    warning = key_file_warning(path)
    if b"-----BEGIN" not in data:
        raise KeyUnavailable(f"the private key file {path} is damaged (not a PEM key)")
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data:
        try:
            serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise KeyUnavailable(f"the private key file {path} is damaged") from None
        raise KeyUnavailable(
            f"the private key file {path} is not encrypted, and an unencrypted signing key is "
            "never used (create a new identity with 'inspector-app keys rotate')"
        )
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError):
        # Decided by the file's own structure, not the library's words (they differ between
        # versions, and about one wrong passphrase in 256 decrypts to garbage with valid
        # padding, which then fails as a parse error): a sound envelope means the passphrase.
        if encrypted_envelope_intact(data):
            raise WrongPassphrase("the passphrase is wrong") from None
        raise KeyUnavailable(f"the private key file {path} is damaged") from None
    if not isinstance(key, SIGNING_KEY_TYPES):
        raise KeyUnavailable(f"the private key file {path} holds neither an EC nor an RSA key")
    if _spki(key) != _spki(cert):
        raise KeyUnavailable("the key file and the certificate do not belong together")
    chain_path = keys_dir / CHAIN_FILE
    try:
        chain = (
            x509.load_pem_x509_certificates(chain_path.read_bytes()) if chain_path.is_file() else []
        )
    except ValueError:
        raise KeyUnavailable(f"the issuer certificate file {chain_path} is damaged") from None
    return Identity(common_name(cert), cert, key, chain, [warning] if warning else [])


def rotate_identity(
    keys_dir: Path,
    passphrase: bytes,
    *,
    name: str | None = None,
    organization: str | None = None,
    registration_no: str | None = None,
    now: dt.datetime | None = None,
) -> Identity:
    """A new key and self-signed certificate in place of the current one (lost, damaged or
    expiring); the current certificate goes into the history with the moment it was retired,
    so this computer keeps trusting reports it signed before."""
    try:
        current = load_certificate_file(keys_dir)
    except KeyUnavailable:
        current = None
    office = current is not None and is_office_certificate(current)
    return init_identity(
        keys_dir,
        name if name else (common_name(current) if current is not None else ""),
        passphrase,
        organization=(
            organization
            if organization is not None
            else (organization_of(current) if current is not None else "")
        ),
        registration_no=(
            registration_no
            if registration_no is not None
            else (registration_number(current) if current is not None else "")
        ),
        office=office,
        overwrite=True,
        now=now,
    )


def signer_certificate_problem(
    cert: x509.Certificate, now: dt.datetime | None = None
) -> str | None:
    """Why a manifest signature by *cert* cannot be accepted now (a bundle carries no trusted
    time, so the certificate must be valid when the bundle is read), or None."""
    problem = validity_problem(cert, now)
    return None if problem is None else f"the signature is valid but {problem}"


def check_identity_files(keys_dir: Path) -> bool:
    """Before anything is finalized or signed: False when this computer has no identity at all;
    True when the key and certificate files are there and usable (the passphrase is checked
    when the key is opened); KeyUnavailable (one sentence) when an identity exists but cannot
    be used: the key or the certificate is missing, damaged or unencrypted. The editor shows
    that sentence and refuses to finalize as signed, rather than finalizing unsigned."""
    key_path, cert_path = keys_dir / KEY_FILE, keys_dir / CERT_FILE
    if not key_path.exists() and not cert_path.exists():
        return False
    cert = load_certificate_file(keys_dir)
    try:
        data = key_path.read_bytes()
    except FileNotFoundError:
        raise KeyUnavailable(
            f"the private key file {key_path} is missing; restore it from a backup or create a "
            "new identity with 'inspector-app keys rotate'"
        ) from None
    except OSError as exc:
        raise KeyUnavailable(
            f"the private key file {key_path} cannot be read ({exc.strerror})"
        ) from None
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data:
        if b"-----BEGIN" in data and b"PRIVATE KEY-----" in data:
            raise KeyUnavailable(
                f"the private key file {key_path} is not encrypted, and an unencrypted signing "
                "key is never used (create a new identity with 'inspector-app keys rotate')"
            )
        raise KeyUnavailable(f"the private key file {key_path} is damaged (not a PEM key)")
    problem = validity_problem(cert)
    if problem:
        raise KeyUnavailable(f"nothing can be signed: {problem}")
    return True
