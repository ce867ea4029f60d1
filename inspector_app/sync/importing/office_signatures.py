"""Stage *office_signatures*: what only the office may send must be signed by a trusted
office key, checked here against this database's trust list: rule data versions, form
versions and the working-day calendar. A rule data or form version already held under the
same name must carry the same values (a corrected one is named anew). Reads only.

The signed forms of these records and their check live here, below the services that sign
them (``services.rule_data``, ``services.forms``, ``services.cases``); those services use
them, the import never calls up into one.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...store.forms import get_version as get_form_version
from ...store.rule_data import canonical
from ...store.rule_data import get_version as get_rule_data_version
from ..cases import CALENDAR_TABLE, calendar_payload
from ..format import BundleRejected
from .job import ImportJob

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

    from ...store.store import Store

SIGNATURE_VERSION = "v1"  # v1:<certificate SHA-256>:<base64 signature>


def rule_data_payload(
    version: str,
    base: str,
    values: dict[str, Any],
    created_by: str,
    created_at: str,
    reason: str,
) -> bytes:
    """What the office key signs for a rule data version."""
    body = {
        "kind": "inspector-rule-data",
        "version": version,
        "base": base,
        "values": values,
        "created_by": created_by,
        "created_at": created_at,
        "reason": reason,
    }
    return canonical(body).encode("utf-8")


def form_payload(
    family: str,
    version: str,
    digest: str,
    toml: str,
    created_by: str,
    created_at: str,
    reason: str,
) -> bytes:
    """What the office key signs for a form version."""
    body = {
        "kind": "inspector-form",
        "family": family,
        "version": version,
        "hash": digest,
        "toml": toml,
        "created_by": created_by,
        "created_at": created_at,
        "reason": reason,
    }
    return canonical(body).encode("utf-8")


@dataclass
class VersionCheck:
    ok: bool
    reason: str
    signer: str = ""


def _revoked(store: Store, cert: Certificate, at: str) -> str | None:
    from ...crypto.keys import fingerprint, load_certificate

    issuer_fps = set()
    for key in store.trust.list():
        try:
            c = load_certificate(key.public_pem.encode("utf-8"))
        except Exception:  # noqa: BLE001 - not a certificate
            continue
        if c.subject == cert.issuer:
            issuer_fps.add(fingerprint(c))
    for r in store.trust.revocations.list():
        if r.issuer_fingerprint in issuer_fps and r.serial == str(cert.serial_number):
            if r.revoked_at <= at:
                return f"its certificate was revoked on {r.revoked_at[:10]}"
    return None


def check_office_signature(
    store: Store, record: dict[str, Any], payload: bytes, mismatch: str, only_office: str
) -> VersionCheck:
    """Whether *record*'s ``signature`` (``v1:<fingerprint>:<base64>``) over *payload*
    verifies with its ``signer_cert``, and that certificate is a trusted office key:
    enrolled as ``office``, or an office certificate of a trusted CA not revoked at
    ``created_at``. *mismatch* is the reason given when the signature does not cover
    *payload*; *only_office* says why an inspector's key is not enough."""
    from ...crypto.ca import is_ca_certificate, is_office_certificate
    from ...crypto.keys import common_name, fingerprint, load_certificate, verify_signature
    from ...reports.verify_signature import issued_by as _issued_by

    parts = str(record.get("signature", "")).split(":")
    if len(parts) != 3 or parts[0] != SIGNATURE_VERSION:
        return VersionCheck(False, "the signature is not in a known format")
    try:
        sig = base64.b64decode(parts[2], validate=True)
        cert = load_certificate(str(record.get("signer_cert", "")).encode("ascii"))
    except (binascii.Error, ValueError, UnicodeError):
        return VersionCheck(False, "the signature or the signer's certificate is unreadable")
    except Exception:  # noqa: BLE001 - crypto's KeyError_: not a certificate
        return VersionCheck(False, "the signer's certificate is not an X.509 certificate")
    name = common_name(cert)
    if fingerprint(cert) != parts[1]:
        return VersionCheck(False, "the signature names another certificate than the one sent")
    if not verify_signature(cert, payload, sig):
        return VersionCheck(False, mismatch, name)
    trusted = {k.fingerprint: k for k in store.trust.list()}
    entry = trusted.get(fingerprint(cert))
    if entry is not None and entry.kind == "office":
        return VersionCheck(True, "signed by a trusted office key", name)
    if is_office_certificate(cert):
        for key in trusted.values():
            try:
                ca = load_certificate(key.public_pem.encode("utf-8"))
            except Exception:  # noqa: BLE001
                continue
            if (key.kind == "ca" or is_ca_certificate(ca)) and _issued_by(cert, ca):
                revoked = _revoked(store, cert, record["created_at"])
                if revoked:
                    return VersionCheck(False, f"signed by {name}, but {revoked}", name)
                return VersionCheck(True, "signed by an office certificate of a trusted CA", name)
    if entry is not None:
        return VersionCheck(
            False,
            f"signed by {name}, which is trusted as an inspector, not as an office key "
            f"({only_office})",
            name,
        )
    return VersionCheck(
        False,
        f"signed by {name}, which is not a trusted office key (enrol the office certificate "
        "with 'trust add --as office')",
        name,
    )


def check_rule_data_version(store: Store, record: dict[str, Any]) -> VersionCheck:
    """Is *record* (the bundle form of a rule data version) signed by a trusted office key,
    and does the signature cover exactly what it says?"""
    payload = rule_data_payload(
        record["version"],
        record["base"],
        record["values"],
        record["created_by"],
        record["created_at"],
        record["reason"],
    )
    return check_office_signature(
        store,
        record,
        payload,
        "the signature does not match the version's values and reason",
        "only the office confirms rule data",
    )


def check_form_version(store: Store, record: dict[str, Any]) -> VersionCheck:
    """Is *record* (a line of records/forms.jsonl) signed by a trusted office key over
    exactly its family, version, hash, text, signer, time and reason?"""
    payload = form_payload(
        record["family"],
        record["version"],
        record["hash"],
        record["toml"],
        record["created_by"],
        record["created_at"],
        record["reason"],
    )
    return check_office_signature(
        store,
        record,
        payload,
        "the signature does not match the form's text and reason",
        "only the office publishes forms",
    )


def _check_rule_data(store: Store, versions: list[dict[str, Any]]) -> None:
    for n, v in enumerate(versions, start=1):
        where = f"records/rule_data.jsonl line {n}"
        existing = get_rule_data_version(store.conn, v["version"])
        if existing is not None:
            if existing.values_json != canonical(v["values"]):
                raise BundleRejected(
                    4,
                    where,
                    f"rule_data.version: {v['version']!r} holds other values here; the office "
                    "must name a corrected version anew",
                )
            continue
        check = check_rule_data_version(store, v)
        if not check.ok:
            raise BundleRejected(
                4, where, f"rule_data.signature: rule data {v['version']!r} refused: {check.reason}"
            )


def _check_forms(store: Store, versions: list[dict[str, Any]]) -> None:
    for n, v in enumerate(versions, start=1):
        where = f"records/forms.jsonl line {n}"
        name = f"{v['family']} form {v['version']!r}"
        existing = get_form_version(store.conn, v["family"], v["version"])
        if existing is not None:
            if existing.hash != v["hash"]:
                raise BundleRejected(
                    4,
                    where,
                    f"forms.version: {name} holds another text here; the office must name a "
                    "revised form anew",
                )
            continue
        check = check_form_version(store, v)
        if not check.ok:
            raise BundleRejected(4, where, f"forms.signature: {name} refused: {check.reason}")


def _check_calendars(store: Store, calendars: list[dict[str, Any]]) -> None:
    for n, rec in enumerate(calendars, start=1):
        check = check_office_signature(
            store,
            rec,
            calendar_payload(rec),
            "the signature does not match the calendar's text and version",
            "only the office sends the working-day calendar",
        )
        if not check.ok:
            raise BundleRejected(
                4,
                f"records/{CALENDAR_TABLE}.jsonl line {n}",
                f"calendar.signature: calendar {rec['version']!r} refused: {check.reason}",
            )


def run(job: ImportJob) -> None:
    content = job.records
    _check_rule_data(job.store, content.rule_data)
    _check_forms(job.store, content.forms)
    _check_calendars(job.store, getattr(content, CALENDAR_TABLE))
