"""Office review: the supervisor role, the review queue, signed review decisions (approve or
return with a comment), what the inspector sees of them, the report PDF of a reviewed
inspection with its ``verify`` verdict, and conflicts laid out field by field.

A review is a row of ``reviews`` (immutable in the database), written in one audited
transaction and signed with the supervisor's identity: ECDSA/RSA-SHA256 over the canonical
JSON of the review *and the content hash of the inspection it judges*. The signature is
stored as ``v1:<certificate SHA-256>:<base64 DER>``. Reviews travel to the laptops in the
next office bundle (``services.sync.collect_office`` exports the whole ``reviews`` table;
the laptop keeps those of its own inspections).

No Qt here; SQL lives in :mod:`inspector_app.store.review`.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..domain.errors import InputError
from ..domain.text import NOTE_MAX, clean_text
from ..i18n import tr
from ..store.review import STATES, QueueRow, ReviewFilter, ReviewRow, review_repo
from ..sync.importing.review_signatures import (  # the import checks reviews with them
    SIGNATURE_VERSION,
    ReviewCheck,
    verify_review_signature,
)
from ..sync.importing.review_signatures import review_payload as signed_payload
from .files import reports_folder, write_atomic
from .roles import (  # the role checks live below every service; kept importable here
    NOT_AUTHORISED_OFFICE,
    NOT_AUTHORISED_REVIEW,
    ROLE_META,
    ROLES,
    Grant,
    RoleError,
    certificate_grant,
    get_role,
    office_cas,
    office_grant,
    require_inspector,
    require_supervisor,
    role_is_set,
    set_role,
    under_office,
)

__all__ = [
    "NOT_AUTHORISED_OFFICE",
    "NOT_AUTHORISED_REVIEW",
    "ROLE_META",
    "ROLES",
    "office_cas",
    "require_inspector",
    "role_is_set",
    "AlreadyDecided",
    "Grant",
    "certificate_grant",
    "office_grant",
    "under_office",
    "STATES",
    "QueueRow",
    "Review",
    "ReviewFilter",
    "RoleError",
    "approve",
    "decide",
    "get_role",
    "inspection_check",
    "queue",
    "queue_choices",
    "queue_count",
    "require_supervisor",
    "return_inspection",
    "review_pdf",
    "review_states",
    "reviews_for",
    "set_role",
    "verify_review",
]


def decided_at_text(at: str) -> str:
    """A review's time (stored in UTC) as the user reads it: local date and time, minutes."""
    try:
        when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


class AlreadyDecided(InputError):
    """Another supervisor decided the inspection first; says who did what and when."""

    def __init__(self, review: ReviewRow | None) -> None:
        self.review = review
        if review is None:  # pragma: no cover - the winner's row is always there
            text = "this inspection was decided already by another supervisor"
        else:
            key = (
                "Already approved by {reviewer} at {time}."
                if review.decision == "approved"
                else "Already returned by {reviewer} at {time}."
            )
            text = tr(key).format(reviewer=review.reviewer, time=decided_at_text(review.at))
        super().__init__("id", text)


class _Lost(Exception):
    """Raised inside the write to roll it back when another decision holds."""


# -- the queue ---------------------------------------------------------------------------------
def queue(
    store, f: ReviewFilter | None = None, limit: int = 500, offset: int = 0
) -> list[QueueRow]:
    return review_repo(store).queue(f or ReviewFilter(), limit, offset)


def queue_count(store, f: ReviewFilter | None = None) -> int:
    return review_repo(store).queue_count(f or ReviewFilter())


def queue_choices(store) -> dict[str, list[str]]:
    """Values for the queue's filter lists: inspectors and markets of imported inspections."""
    repo = review_repo(store)
    return {"inspectors": repo.inspectors(), "markets": repo.markets()}


# -- reviews -----------------------------------------------------------------------------------
@dataclass
class Review:
    id: str
    inspection_id: str
    decision: str  # approved | returned
    comment: str
    reviewer: str
    at: str
    signature: str | None
    signer_fingerprint: str | None = None
    inherited: bool = False  # made on an earlier revision of the record

    @property
    def returned(self) -> bool:
        return self.decision == "returned"

    def as_dict(self) -> dict:
        return asdict(self)


def _fingerprint_of(signature: str | None) -> str | None:
    if not signature:
        return None
    parts = signature.split(":")
    return parts[1] if len(parts) == 3 and parts[0] == SIGNATURE_VERSION else None


def _review(row: ReviewRow, inherited: bool = False) -> Review:
    return Review(
        row.id,
        row.inspection_id,
        row.decision,
        row.comment,
        row.reviewer,
        row.at,
        row.signature,
        _fingerprint_of(row.signature),
        inherited,
    )


def reviews_for(store, inspection_id: str, *, with_earlier_revisions: bool = True) -> list[Review]:
    """The reviews of an inspection, newest first — for the inspector's list and editor.

    With *with_earlier_revisions* (default) the reviews of the revisions it corrects follow
    (``inherited=True``), so a correction started after a return still shows the comment.
    Works on a laptop as well as at the office; no role needed.
    """
    repo = review_repo(store)
    ids = repo.ancestors(inspection_id) if with_earlier_revisions else [inspection_id]
    rows = repo.reviews_for(ids)
    order = {i: n for n, i in enumerate(ids)}
    rows.sort(key=lambda r: order.get(r.inspection_id, 0))
    return [_review(r, inherited=r.inspection_id != inspection_id) for r in rows]


def review_states(store, inspection_ids: list[str]) -> dict[str, Review]:
    """The newest review of each inspection that has one (for markers in long lists)."""
    return {i: _review(r) for i, r in review_repo(store).latest(inspection_ids).items()}


def resolve_inspection_id(store, ident: str) -> str:
    """An inspection id from a full id or its first 6+ characters."""
    ident = (ident or "").strip()
    repo = review_repo(store)
    if ident and repo.inspection_state(ident) is not None:
        return ident
    if len(ident) >= 6:
        found = repo.find_ids(ident)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError(
                "id", f"{ident!r} matches more than one inspection; give more characters"
            )
    raise InputError("id", f"no inspection with id {ident!r}")


def decide(
    store, inspection_id: str, decision: str, identity, comment: str = "", actor: str = ""
) -> Review:
    """Record a signed, audited review decision. *identity* is the supervisor's
    :class:`~inspector_app.crypto.keys.Identity` (unlocked with the passphrase); under an
    office its certificate must carry the supervisor role (:func:`require_supervisor`)."""
    require_supervisor(store)
    if decision not in ("approved", "returned"):
        raise InputError("decision", "must be approved or returned")
    if identity is None:
        raise InputError("identity", "a review is signed: unlock your signing key first")
    require_supervisor(store, identity)
    comment = clean_text(comment, "comment", max_len=NOTE_MAX, multiline=True)
    if decision == "returned" and not comment:
        raise InputError("comment", "say why the inspection is returned")
    repo = review_repo(store)
    inspection_id = resolve_inspection_id(store, inspection_id)
    state = repo.inspection_state(inspection_id)
    if state is None:
        raise InputError("id", f"no inspection {inspection_id}")
    if state["status"] != "finalized":
        raise InputError("id", "only a finalized inspection can be reviewed")
    if state["superseded_by"]:
        raise InputError("id", "this revision has been corrected; review the newest revision")
    previous = repo.decision(inspection_id)
    if previous is not None:  # told at once, before the PDF work; checked again below
        raise AlreadyDecided(previous)
    reviewer = clean_text(identity.name, "reviewer", required=True)
    # an approval countersigns the inspector's signed PDF kept with the inspection (批准人);
    # a kept PDF that does not verify stops the approval before anything is recorded
    pdf_path = reports_folder(Path(store.path)) / f"{inspection_id}.pdf"
    countersigned = None
    if decision == "approved" and pdf_path.is_file():
        countersigned = _countersigned(store, Path(store.path), inspection_id, identity, "approver")
    review_id = str(uuid.uuid4())
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    payload = signed_payload(
        review_id, inspection_id, state["content_hash"] or "", decision, comment, reviewer, at
    )
    signature = f"{SIGNATURE_VERSION}:{identity.fingerprint}:{base64.b64encode(identity.sign(payload)).decode()}"
    action = "review.approve" if decision == "approved" else "review.return"
    # The check and the write in one transaction: the state is read again inside it, and the
    # decision row's primary key lets only one of two supervisors deciding at the same moment
    # record a review; the other's transaction is rolled back and he is told who won.
    try:
        with store.write(
            actor or reviewer,
            action,
            "inspection",
            inspection_id,
            {
                "review": review_id,
                "decision": decision,
                "comment": comment,
                "signer": identity.fingerprint,
            },
        ) as seq:
            now = repo.inspection_state(inspection_id)
            if now is not None and now["superseded_by"]:
                raise InputError(
                    "id", "this revision has been corrected; review the newest revision"
                )
            row = ReviewRow(
                review_id, inspection_id, decision, comment, reviewer, at, signature, seq
            )
            earlier = repo.latest([inspection_id]).get(inspection_id)  # from a bundle
            if earlier is not None or not repo.claim(row):
                raise _Lost()
            repo.insert(row)
    except _Lost:
        raise AlreadyDecided(repo.decision(inspection_id)) from None
    if countersigned is not None:
        write_atomic(pdf_path, countersigned)
    return _review(row)


def approve(store, inspection_id: str, identity, comment: str = "", actor: str = "") -> Review:
    return decide(store, inspection_id, "approved", identity, comment, actor)


def return_inspection(store, inspection_id: str, identity, comment: str, actor: str = "") -> Review:
    return decide(store, inspection_id, "returned", identity, comment, actor)


def verify_review(store, review: Review, db_path: Path | None = None) -> ReviewCheck:
    """Check a review's signature against the trust list (and this device's own certificate)."""
    return verify_review_signature(
        store,
        review.id,
        review.inspection_id,
        review.decision,
        review.comment,
        review.reviewer,
        review.at,
        review.signature,
        db_path,
    )


# -- what the reviewer looks at ------------------------------------------------------------------
@dataclass
class RecordCheck:
    ok: bool
    message: str


def inspection_check(store, inspection_id: str) -> RecordCheck:
    """Is the stored record still what was finalized (content hash recomputed)?"""
    from ..domain.canonical import content_hash

    insp = store.inspections.require(inspection_id)
    if insp.status != "finalized":
        return RecordCheck(False, "the inspection is a draft")
    if content_hash(insp) != insp.content_hash:
        return RecordCheck(False, "the record no longer matches its content hash")
    return RecordCheck(True, f"record intact (hash {insp.content_hash[:16]}…)")


@dataclass
class PdfCheck:
    path: str | None  # the stored signed PDF, if any
    pdf: bytes
    status: str  # the verify verdict (VALID, INVALID, …) or UNSIGNED
    reason: str
    signer: str | None = None
    signing_time: str | None = None
    record_check: str = "not checked"
    details: list[str] = field(default_factory=list)
    inspection_id: str | None = None  # the inspection the PDF says it reports
    # every signature of the file in order: (field, role, signer, status); role is
    # "inspector", "office countersigner" or "" (verify.SignatureCheck)
    signatures: list[tuple[str, str, str, str]] = field(default_factory=list)


def _verify(store, db_path: Path, pdf: bytes, path: Path | None) -> PdfCheck:
    from .verify import verify_report

    r = verify_report(pdf, store, db_path)
    return PdfCheck(
        str(path) if path else None,
        pdf,
        r.status,
        r.reason,
        r.signer,
        r.signing_time,
        r.record_check,
        list(r.details),
        r.inspection_id,
        [(s.field, s.role, s.signer or "", s.status) for s in r.signatures],
    )


def review_pdf(
    store,
    db_path: Path,
    inspection_id: str,
    *,
    identity=None,
    lang: str = "zh",
    regenerate: bool = False,
) -> PdfCheck:
    """The inspection's report PDF and its verify verdict.

    A signed PDF stored for the inspection (made earlier, or one from the inspector attached
    with :func:`attach_pdf`) is verified as it is. Otherwise the report is generated with
    ``services.reports``: signed with *identity* when given (and then stored), else unsigned
    (status UNSIGNED, not stored).
    """
    from .reports import make_report

    folder = reports_folder(db_path)
    path = folder / f"{inspection_id}.pdf"
    if path.is_file() and not regenerate:
        return _verify(store, db_path, path.read_bytes(), path)
    pdf = make_report(store, inspection_id, lang, identity=identity)
    if identity is None:
        return PdfCheck(
            None,
            pdf,
            "UNSIGNED",
            "the report was generated here and is not signed; "
            "unlock your key to sign it, or attach the inspector's signed PDF",
        )
    write_atomic(path, pdf)
    return _verify(store, db_path, pdf, path)


def attach_pdf(store, db_path: Path, inspection_id: str, pdf: bytes) -> PdfCheck:
    """Keep a signed PDF received from the inspector with the inspection (after checking it
    belongs to it); returns its verdict. A PDF of another inspection is refused."""
    check = _verify(store, db_path, pdf, None)
    if check.status == "UNREADABLE":
        raise InputError("file", "the file is not a PDF")
    if check.inspection_id and check.inspection_id != inspection_id:
        raise InputError("file", "this PDF is the report of another inspection")
    path = reports_folder(db_path) / f"{inspection_id}.pdf"
    write_atomic(path, pdf)
    check.path = str(path)
    return check


STATE_NAMES = STATES


# -- office countersignatures ------------------------------------------------------------------
def _countersigned(store, db_path: Path, inspection_id: str, identity, role: str) -> bytes:
    """The kept PDF with one more signature (*role*: verifier 核验员 or approver 批准人),
    checked before and after; InputError and nothing written when it cannot be done."""
    from ..reports.signing import COUNTERSIGN_ROLES, SigningError, countersign_pdf

    if role not in COUNTERSIGN_ROLES:
        raise InputError("role", f"must be one of {', '.join(COUNTERSIGN_ROLES)}")
    path = reports_folder(db_path) / f"{inspection_id}.pdf"
    if not path.is_file():
        raise InputError(
            "id", "no signed PDF from the inspector is kept with this inspection; attach it first"
        )
    pdf = path.read_bytes()
    before = _verify(store, db_path, pdf, path)
    if before.status != "VALID":
        raise InputError(
            "file",
            f"the signed PDF kept with this inspection is {before.status} ({before.reason}); "
            "it is not countersigned",
        )
    if before.inspection_id and before.inspection_id != inspection_id:
        raise InputError("file", "the kept PDF is the report of another inspection")
    try:
        out = countersign_pdf(pdf, identity, role)
    except SigningError as exc:
        raise InputError("file", str(exc)) from None
    after = _verify(store, db_path, out, path)
    if after.status != "VALID":
        raise InputError(
            "file", f"the countersigned PDF would be {after.status} ({after.reason}); not kept"
        )
    return out


def countersign(store, db_path: Path, inspection_id: str, identity, role: str) -> PdfCheck:
    """Add an office countersignature (*role*: ``verifier`` 核验员 or ``approver`` 批准人) to
    the inspector's signed PDF kept with the inspection: a further PAdES signature in an
    incremental update that covers everything before it and locks all fields. The file is
    replaced only when the result verifies VALID."""
    require_supervisor(store, identity)
    inspection_id = resolve_inspection_id(store, inspection_id)
    out = _countersigned(store, Path(db_path), inspection_id, identity, role)
    path = reports_folder(Path(db_path)) / f"{inspection_id}.pdf"
    write_atomic(path, out)
    return _verify(store, Path(db_path), out, path)
