"""Verifying a signed report: what this computer trusts (the trust list, the office's
revocations, this device's own certificates, each for the time it was in use) and the
record the PDF names, looked up in the database.
"""

from __future__ import annotations

from pathlib import Path

from ..paths import keys_dir
from .roles import is_office_database


def trusted_certificates(store, db_path: Path | None):
    """What this computer trusts (a :class:`~inspector_app.reports.verify.TrustSet`): the
    trust list (inspector, office and CA certificates), the revocations the office sent, and
    this device's own certificates, the current one and the earlier ones (each only for
    signatures made while it was in use)."""
    from ..crypto.keys import load_certificate, own_certificates
    from ..reports.verify import RevokedCert, TrustedCert, TrustSet

    trust = TrustSet()
    for key in store.trust.list() if store is not None else []:
        try:
            cert = load_certificate(key.public_pem.encode("utf-8"))
        except Exception:  # a bundle key that is not a certificate cannot vouch for a PDF
            continue
        kind = key.kind if key.kind in ("office", "ca") else "certificate"
        if kind == "certificate":
            from ..crypto.ca import is_ca_certificate

            kind = "ca" if is_ca_certificate(cert) else kind
        trust.certificates.append(TrustedCert(cert, kind, key.name))
    if store is not None:
        trust.revocations = [
            RevokedCert(r.issuer_fingerprint, r.serial, r.revoked_at, r.reason)
            for r in store.trust.revocations.list()
        ]
    if db_path is not None:
        own_kind = "office" if is_office_database(store) else "own"
        for own in own_certificates(keys_dir(Path(db_path))):
            trust.certificates.append(TrustedCert(own.certificate, own_kind, "", own.retired_at))
    return trust


def verify_report(pdf: bytes, store=None, db_path: Path | None = None, *, now=None):
    """Verify a signed report against the trust list, the revocations and the database."""
    from ..domain.canonical import content_hash
    from ..reports.inspection_report import report_number
    from ..reports.verify import verify_pdf

    def lookup(inspection_id: str, report_no: str, record_hash: str) -> dict:
        insp = store.inspections.get(inspection_id) if inspection_id else None
        if insp is None:
            return {"found": False}
        recomputed = content_hash(insp) if insp.status == "finalized" else None
        newer = None
        if store.inspections.superseded_by(insp.id):
            latest = store.inspections.revisions(insp.record_id)[-1]
            number = report_number(latest) if latest.status == "finalized" else "a draft"
            newer = f"{latest.revision} ({number}, id {latest.id})"
        return {
            "found": True,
            "content_hash": insp.content_hash,
            "recomputed": recomputed,
            "status": insp.status,
            "superseded_by": newer,
        }

    return verify_pdf(
        pdf, trusted_certificates(store, db_path), lookup if store is not None else None, now=now
    )
