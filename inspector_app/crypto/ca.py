"""The office's small certification authority.

An office (or a province) runs one CA: it issues each inspector's signing certificate, so
an office or a laptop trusts one CA certificate instead of hundreds of inspector
certificates, and it revokes the certificate of a lost laptop's key from a given moment on.

Files in the CA folder (``ca/`` beside the office database):
``ca.key.pem`` (the CA's P-256 key, encrypted with a passphrase, mode 0600),
``ca.cert.pem`` (the CA certificate, the one laptops trust), ``issued.json`` (every
certificate issued: serial, subject, validity, role; and revocations) and
``issued/<serial>.pem``.

Certificates issued here carry the key usages digitalSignature and nonRepudiation (never
keyCertSign, never code signing), a subject with the inspector's name, the organisation and
the inspector's registration number, a random 159-bit serial checked to be unique, and a
validity period. An office countersigner (核验员, 批准人) gets the organisational unit
``office`` in the subject, which ``verify`` accepts as a countersigner for any record.

Each certificate also carries the account role the office grants (viewer, inspector,
supervisor, administrator) as a certificate policy: the program allows supervisor actions
only to a key whose certificate says so and was issued by an office CA the database trusts
(``certificate_role``, ``issued_by``; the check is ``crypto.grants.certificate_grant``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .key_files import write_private
from .keys import (
    OFFICE_UNIT,
    SIGNING_KEY_TYPES,
    KeyError_,
    SigningKey,
    _check_passphrase,
    as_utc,
    common_name,
    fingerprint,
    load_certificate,
    signer_extensions,
    subject_name,
)
from .keys import (
    # (defined beside the OFFICE_UNIT it reads; imported from here by the rest of the program)
    is_office_certificate as is_office_certificate,
)

CA_KEY = "ca.key.pem"
CA_CERT = "ca.cert.pem"
INDEX = "issued.json"
ISSUED_DIR = "issued"
CA_YEARS = 10
ISSUE_DAYS = 3 * 365
ROLES = ("inspector", "office", "viewer", "supervisor", "administrator")
# The accounts an office grants, least privilege first. "office" is the older name of a
# countersigner's certificate (no role extension, organisational unit ``office``) and reads
# as supervisor. The same names serve as PostgreSQL role names for an office database.
ACCOUNT_ROLES = ("viewer", "inspector", "supervisor", "administrator")
# The role travels in the certificate as a certificate policy (RFC 5280 4.2.1.4) under a
# UUID-derived arc (ITU-T X.667: 2.25.<uuid>, needs no registration); non-critical, so other
# software ignores it. One policy per role.
ROLE_ARC = "2.25.181722350195497043925478217346934652186"
ROLE_POLICIES: dict[str, x509.ObjectIdentifier] = {
    role: x509.ObjectIdentifier(f"{ROLE_ARC}.{n}") for n, role in enumerate(ACCOUNT_ROLES, 1)
}
REASONS = (
    "unspecified",
    "key_compromise",
    "affiliation_changed",
    "superseded",
    "cessation_of_operation",
)


class CAError(KeyError_):
    """A CA operation failed; one sentence for the user."""


@dataclass
class Revocation:
    issuer_fingerprint: str
    serial: str
    revoked_at: str  # ISO 8601, UTC
    reason: str
    subject: str = ""


def certificate_role(cert: x509.Certificate) -> str | None:
    """The account role the issuing office put in *cert* (viewer, inspector, supervisor,
    administrator); an older office countersigner's certificate reads as supervisor; None
    when it carries none (a self-made certificate, say). Whether the issuer is trusted is
    the caller's question (``crypto.grants.certificate_grant``)."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        policies = None
    if policies is not None:
        by_oid = {oid: role for role, oid in ROLE_POLICIES.items()}
        found = [by_oid[p.policy_identifier] for p in policies if p.policy_identifier in by_oid]
        if found:  # more than one: the least privileged counts
            return min(found, key=ACCOUNT_ROLES.index)
    if is_office_certificate(cert):
        return "supervisor"
    return None


def role_rank(role: str | None) -> int:
    """0 for no role, then viewer < inspector < supervisor < administrator."""
    return ACCOUNT_ROLES.index(role) + 1 if role in ACCOUNT_ROLES else 0


def issued_by(cert: x509.Certificate, ca_cert: x509.Certificate) -> bool:
    """Whether *ca_cert* (a CA certificate) signed *cert*."""
    if not is_ca_certificate(ca_cert) or cert.issuer != ca_cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def is_ca_certificate(cert: x509.Certificate) -> bool:
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    return bool(bc.ca)


def has_ca(ca_dir: Path) -> bool:
    return (ca_dir / CA_KEY).is_file() and (ca_dir / CA_CERT).is_file()


def _index(ca_dir: Path) -> dict[str, Any]:
    path = ca_dir / INDEX
    if not path.is_file():
        return {"issued": [], "revoked": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CAError(f"the CA's list of issued certificates {path} is damaged") from None
    if not isinstance(data, dict):
        raise CAError(f"the CA's list of issued certificates {path} is damaged")
    data.setdefault("issued", [])
    data.setdefault("revoked", [])
    return data


def _write_index(ca_dir: Path, data: dict[str, Any]) -> None:
    write_private(ca_dir / INDEX, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def init_ca(
    ca_dir: Path, organization: str, passphrase: bytes, *, now: dt.datetime | None = None
) -> x509.Certificate:
    """Create the office CA (key + self-signed CA certificate, valid 10 years)."""
    organization = organization.strip()
    if not organization or len(organization) > 64:
        raise CAError("the organisation name must have 1 to 64 characters")
    _check_passphrase(passphrase)
    if has_ca(ca_dir):
        raise CAError(f"a CA exists already in {ca_dir}; it is never overwritten")
    now = as_utc(now)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organization} CA"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    ca_dir.mkdir(parents=True, exist_ok=True)
    write_private(
        ca_dir / CA_KEY,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        ),
    )
    write_private(ca_dir / CA_CERT, cert.public_bytes(serialization.Encoding.PEM))
    _write_index(ca_dir, {"issued": [], "revoked": []})
    return cert


def ca_certificate(ca_dir: Path) -> x509.Certificate:
    path = ca_dir / CA_CERT
    if not path.is_file():
        raise CAError(f"no CA in {ca_dir}; create one with 'inspector-app ca init --name ORG'")
    return load_certificate(path.read_bytes())


def _ca_key(ca_dir: Path, passphrase: bytes) -> tuple[x509.Certificate, SigningKey]:
    cert = ca_certificate(ca_dir)
    try:
        key = serialization.load_pem_private_key(
            (ca_dir / CA_KEY).read_bytes(), password=passphrase
        )
    except FileNotFoundError:
        raise CAError(f"the CA key file {ca_dir / CA_KEY} is missing") from None
    except (ValueError, TypeError):
        raise CAError("the CA passphrase is wrong, or the CA key file is damaged") from None
    if not isinstance(key, SIGNING_KEY_TYPES):
        raise CAError(f"the CA key file {ca_dir / CA_KEY} holds neither an EC nor an RSA key")
    return cert, key


@dataclass
class Issued:
    certificate: x509.Certificate
    p12: bytes | None = None  # key + certificate + CA, when the CA made the key


def issue(
    ca_dir: Path,
    ca_passphrase: bytes,
    *,
    csr_pem: bytes | None = None,
    name: str = "",
    registration_no: str = "",
    organization: str = "",
    role: str = "inspector",
    days: int = ISSUE_DAYS,
    p12_password: bytes | None = None,
    now: dt.datetime | None = None,
) -> Issued:
    """Issue a signing certificate, from a laptop's request (*csr_pem*: the key never leaves
    the laptop) or, without one, with a new key delivered as PKCS#12 (*p12_password*)."""
    if role not in ROLES:
        raise CAError(f"the role must be one of {', '.join(ROLES)}")
    if not 1 <= days <= 10 * 365:
        raise CAError("the validity must be 1 to 3650 days")
    ca_cert, ca_key = _ca_key(ca_dir, ca_passphrase)
    now = as_utc(now)
    org = organization or next(
        (str(a.value) for a in ca_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)),
        "",
    )
    key = None
    if csr_pem is not None:
        try:
            csr = (
                x509.load_pem_x509_csr(csr_pem)
                if b"-----BEGIN" in csr_pem
                else x509.load_der_x509_csr(csr_pem)
            )
        except ValueError:
            raise CAError("the file is not a certificate signing request (PEM or DER)") from None
        if not csr.is_signature_valid:
            raise CAError("the request's signature does not match its key")
        public = csr.public_key()
        req_name = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        req_reg = csr.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)
        name = name or (str(req_name[0].value) if req_name else "")
        registration_no = registration_no or (str(req_reg[0].value) if req_reg else "")
    else:
        if p12_password is not None and p12_password:
            _check_passphrase(p12_password)
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key()
    if not registration_no.strip() and role == "inspector":
        raise CAError(
            "an inspector's certificate needs the registration number (--registration-no)"
        )
    office_unit = role in ("office", "supervisor", "administrator")  # may countersign
    subject = subject_name(name, org, registration_no, OFFICE_UNIT if office_unit else "")
    index = _index(ca_dir)
    used = {e["serial"] for e in index["issued"]}
    serial = x509.random_serial_number()
    while str(serial) in used:  # pragma: no cover - 159 random bits
        serial = x509.random_serial_number()
    not_after = min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    account = "supervisor" if role == "office" else role
    builder = builder.add_extension(
        x509.CertificatePolicies([x509.PolicyInformation(ROLE_POLICIES[account], None)]),
        critical=False,
    )
    cert = signer_extensions(builder, public).sign(ca_key, hashes.SHA256())
    (ca_dir / ISSUED_DIR).mkdir(parents=True, exist_ok=True)
    write_private(
        ca_dir / ISSUED_DIR / f"{serial}.pem", cert.public_bytes(serialization.Encoding.PEM)
    )
    index["issued"].append(
        {
            "serial": str(serial),
            "subject": cert.subject.rfc4514_string(),
            "name": common_name(cert),
            "registration_no": registration_no,
            "role": role,
            "not_before": cert.not_valid_before_utc.isoformat(timespec="seconds"),
            "not_after": cert.not_valid_after_utc.isoformat(timespec="seconds"),
            "fingerprint": fingerprint(cert),
        }
    )
    _write_index(ca_dir, index)
    p12 = None
    if key is not None:
        enc = (
            serialization.BestAvailableEncryption(p12_password)
            if p12_password
            else serialization.NoEncryption()
        )
        p12 = pkcs12.serialize_key_and_certificates(name.encode("utf-8"), key, cert, [ca_cert], enc)
    return Issued(cert, p12)


def issued(ca_dir: Path) -> list[dict[str, Any]]:
    index = _index(ca_dir)
    revoked = {r["serial"]: r for r in index["revoked"]}
    return [{**e, "revoked": revoked.get(e["serial"])} for e in index["issued"]]


def _parse_time(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CAError(
            f"{text!r} is not a time; write it like 2026-05-01T08:00+08:00 or 2026-05-01"
        ) from None
    if when.tzinfo is None:
        raise CAError(f"{text!r} has no time zone; add one, e.g. +08:00 or Z")
    return when.astimezone(dt.UTC)


def revoke(
    ca_dir: Path,
    ca_passphrase: bytes,
    serial: str,
    when: str | None = None,
    reason: str = "unspecified",
    *,
    now: dt.datetime | None = None,
) -> Revocation:
    """Revoke an issued certificate from *when* (default: now) on. Signatures made at or after
    that moment are REVOKED; earlier ones keep their standing."""
    ca_cert, _key = _ca_key(ca_dir, ca_passphrase)  # only the CA's keeper may revoke
    if reason not in REASONS:
        raise CAError(f"the reason must be one of {', '.join(REASONS)}")
    serial = serial.strip().lower()
    if serial.startswith("0x"):
        try:
            serial = str(int(serial, 16))
        except ValueError:
            raise CAError(f"{serial} is not a serial number") from None
    index = _index(ca_dir)
    entry = next((e for e in index["issued"] if e["serial"] == serial), None)
    if entry is None:
        raise CAError(f"this CA issued no certificate with serial {serial}")
    if any(r["serial"] == serial for r in index["revoked"]):
        raise CAError(f"the certificate with serial {serial} is revoked already")
    at = _parse_time(when) if when else as_utc(now)
    rev = Revocation(
        fingerprint(ca_cert),
        serial,
        at.isoformat(timespec="seconds"),
        reason,
        entry.get("name", ""),
    )
    index["revoked"].append(
        {"serial": serial, "revoked_at": rev.revoked_at, "reason": reason, "name": rev.subject}
    )
    _write_index(ca_dir, index)
    return rev
