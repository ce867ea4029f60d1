"""Stage *review_signatures*: every review decision this database would add (one of its own
inspections, not stored yet) must carry a signature that verifies with a trusted key over
the review and the content hash of the inspection it judges; reviews of other inspectors'
records are not kept, so they are not checked. Under an office (this database trusts an
office CA) the key must also carry the reviewer's role from that office, by the rule the
office itself applies before a supervisor decides (``crypto.grants``). Reads only.

The signed form of a review and its check live here, below the review service
(``services.review`` signs with :func:`review_payload` and shows :func:`verify_review_signature`
to the reviewer), so the import never calls up into a service.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...store.review import review_repo
from ...store.sync import sync_repo
from ..format import BundleRejected
from .job import ImportJob

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

    from ...store.store import Store

SIGNATURE_VERSION = "v1"  # a review's signature: v1:<certificate SHA-256>:<base64 DER>


def review_payload(
    review_id: str,
    inspection_id: str,
    content_hash: str,
    decision: str,
    comment: str,
    reviewer: str,
    at: str,
) -> bytes:
    """The bytes a review's signature covers: the review and the inspection's content hash
    as canonical JSON."""
    body = {
        "v": 1,
        "id": review_id,
        "inspection_id": inspection_id,
        "content_hash": content_hash,
        "decision": decision,
        "comment": comment,
        "reviewer": reviewer,
        "at": at,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


@dataclass
class ReviewCheck:
    status: str  # VALID | INVALID | UNTRUSTED | UNSIGNED
    reason: str
    signer: str | None = None
    certificate: Certificate | None = None  # the key's certificate, once the signature verifies


def _certificates(store: Store, db_path: Path | None) -> dict[str, Certificate]:
    """The trust list's certificates and this device's own, by fingerprint."""
    from ...crypto.keys import fingerprint, load_certificate, load_certificate_file
    from ...paths import keys_dir

    out = {}
    for key in store.trust.list():
        try:
            cert = load_certificate(key.public_pem.encode("utf-8"))
        except Exception:  # noqa: BLE001 - a key that is not a certificate vouches for nothing
            continue
        out[fingerprint(cert)] = cert
    if db_path is not None:
        try:
            cert = load_certificate_file(keys_dir(Path(db_path)))
            out[fingerprint(cert)] = cert
        except Exception:  # noqa: BLE001 - no identity on this device
            pass
    return out


def verify_review_signature(
    store: Store,
    review_id: str,
    inspection_id: str,
    decision: str,
    comment: str,
    reviewer: str,
    at: str,
    signature: str | None,
    db_path: Path | None = None,
) -> ReviewCheck:
    """Check a review's signature against the trust list (and this device's own certificate
    when *db_path* is given), over the content hash of the inspection as stored here."""
    from ...crypto.keys import common_name, verify_signature

    if not signature:
        return ReviewCheck("UNSIGNED", "the review carries no signature")
    parts = signature.split(":")
    if len(parts) != 3 or parts[0] != SIGNATURE_VERSION:
        return ReviewCheck("INVALID", "the review's signature is not in a known format")
    try:
        sig = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError):
        return ReviewCheck("INVALID", "the review's signature is not valid base64")
    cert = _certificates(store, db_path).get(parts[1])
    if cert is None:
        return ReviewCheck("UNTRUSTED", "the reviewer's certificate is not in the trust list")
    state = review_repo(store).inspection_state(inspection_id)
    content_hash = str((state or {}).get("content_hash") or "")
    payload = review_payload(
        review_id, inspection_id, content_hash, decision, comment, reviewer, at
    )
    if not verify_signature(cert, payload, sig):
        return ReviewCheck(
            "INVALID",
            "the signature does not match the review and the inspection it judges",
            common_name(cert),
        )
    return ReviewCheck("VALID", "signed by a trusted reviewer", common_name(cert), cert)


def reviewer_role_problem(store: Store, cert: Certificate, at: str) -> str | None:
    """Why the office does not let *cert* review (one sentence, translated), judged at the
    review's time *at*; None when it may, or when this database trusts no office CA (keys
    trusted one by one, as the office itself then allows any key)."""
    from ...crypto.grants import REVIEWER_ROLE, certificate_grant, under_office
    from ...crypto.keys import common_name
    from ...i18n import tr

    if not under_office(store):
        return None
    try:
        when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        when = None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if certificate_grant(store, cert, when).permits(REVIEWER_ROLE):
        return None
    return tr(
        "The review by {signer} is refused: only a key with a valid supervisor certificate "
        "from the office may review, and this one holds none."
    ).format(signer=common_name(cert))


def run(job: ImportJob) -> None:
    content, store = job.records, job.store
    if not content.reviews:
        return
    repo = sync_repo(store)
    held = repo.existing_ids("inspection", [r["inspection_id"] for r in content.reviews])
    path = getattr(store, "path", None)
    for n, r in enumerate(content.reviews, start=1):
        if r["inspection_id"] not in held or repo.review_exists(r["id"]) is not None:
            continue
        check = verify_review_signature(
            store,
            r["id"],
            r["inspection_id"],
            r["decision"],
            r["comment"],
            r["reviewer"],
            r["at"],
            r["signature"],
            Path(path) if path is not None else None,
        )
        problem = check.reason if check.status != "VALID" else None
        if problem is None and check.certificate is not None:
            problem = reviewer_role_problem(store, check.certificate, r["at"])
        if problem is not None:
            raise BundleRejected(
                4, f"records/reviews.jsonl line {n}", f"review.signature: {problem}"
            )
