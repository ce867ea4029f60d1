"""Verify a signed report; every signature in the file, and the record it is bound to.

Verdicts, worst first (``STATUSES``), each with its own exit code (``EXIT_CODES``):

- UNREADABLE: not a PDF at all.
- INVALID: the PDF is damaged, not signed, a signature does not verify, bytes inside a
  signature value (the CMS, e.g. the copy of the certificate) were changed, the value is not
  strict DER followed by zeros only, or the record is not bound: the embedded record
  (``inspection-record.json``), its hash, the hash in the metadata and the database disagree.
- MODIFIED-AFTER-SIGNING: something was added after a signature that is not only a later
  signature: a page, an annotation (a "PASS" box), changed content or form values, a
  metadata update, or bytes after the end of the file. pyHanko's difference analysis says
  what each later revision changed; only new signature fields signed in that same revision
  are allowed.
- REVOKED: a signature was made at or after the moment its certificate was revoked.
- UNTRUSTED: a signer's certificate is neither trusted itself nor issued by a trusted CA
  (the certificate bytes in the signature must be exactly the trusted ones, or verify
  against the CA's key), or an own earlier certificate signed after it was replaced.
- WRONG-SIGNER: a signer is neither the record's inspector nor an office countersigner
  (a certificate issued by the CA to the ``office`` unit, or trusted as an office key).
- INDETERMINATE: the signing time cannot be relied on: outside the certificate's validity,
  before the record was finalized, in the future, missing, or the certificate has expired
  by now (there is no trusted timestamp to prove the signature was made while it was valid).
- SUPERSEDED: everything checks, but a later revision of the record exists (named).
- VALID.

pyHanko's own verdict is not enough (it says valid for junk after the end of file or a
metadata-only update): each signature's byte range, revision and difference analysis are
checked here. Any exception during validation means INVALID.

This module judges the file and binds it to its record; one signature is checked in
:mod:`.verify_signature`, and the verdicts and result types are declared in
:mod:`.verify_results` (imported from here by callers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .inspection_report import parse_keywords
from .verify_results import (
    CLOCK_SKEW,
    EXIT_CODES,
    INDETERMINATE,
    INVALID,
    MODIFIED,
    REVOKED,
    STATUSES,
    SUPERSEDED,
    UNREADABLE,
    UNTRUSTED,
    VALID,
    WRONG_SIGNER,
    RecordLookup,
    RevokedCert,
    SignatureCheck,
    TrustedCert,
    TrustSet,
    VerifyResult,
)
from .verify_signature import check_signature, parse_time

# what verifying a document gives is declared in verify_results; callers import it from here
__all__ = [
    "EXIT_CODES",
    "INDETERMINATE",
    "INVALID",
    "MODIFIED",
    "REVOKED",
    "STATUSES",
    "SUPERSEDED",
    "UNREADABLE",
    "UNTRUSTED",
    "VALID",
    "WRONG_SIGNER",
    "RecordLookup",
    "RevokedCert",
    "SignatureCheck",
    "TrustedCert",
    "TrustSet",
    "VerifyResult",
    "verify_pdf",
    "worst",
]

if TYPE_CHECKING:
    from cryptography import x509


def _quiet() -> None:
    for name in ("pyhanko", "pyhanko_certvalidator", "pyhanko.sign", "fontTools"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=STATUSES.index, default=VALID)


def verify_pdf(
    data: bytes,
    trusted: TrustSet | Iterable[TrustedCert | x509.Certificate],
    lookup: RecordLookup | None = None,
    *,
    now: dt.datetime | None = None,
) -> VerifyResult:
    """Judge *data*. *trusted* is a :class:`TrustSet` or a list of cryptography certificates;
    *lookup* finds the record in the database; *now* is the verifier's clock."""
    if not data.lstrip()[:5] == b"%PDF-":
        return VerifyResult(UNREADABLE, "the file is not a PDF")
    _quiet()
    now = now or dt.datetime.now(dt.UTC)
    try:
        return _verify(data, TrustSet.of(trusted), lookup, now)
    except Exception as exc:  # any failure inside validation means it cannot be relied on
        return VerifyResult(INVALID, f"the signature could not be validated ({type(exc).__name__})")


# ---- the record -------------------------------------------------------------------------------


@dataclass
class _Record:
    data: dict[str, Any] | None = None
    sha256: str | None = None
    problem: str | None = None


def _embedded(data: bytes) -> _Record:
    from .embedded_record import read_embedded_record

    raw = read_embedded_record(data)
    if raw is None:
        return _Record(problem="the PDF carries no embedded record (inspection-record.json)")
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _Record(problem="the embedded record is not valid JSON")
    if not isinstance(obj, dict):
        return _Record(problem="the embedded record is not a JSON object")
    return _Record(obj, hashlib.sha256(raw).hexdigest())


def _kinds_of(record: dict[str, Any]) -> set[str]:
    """Report-number prefixes a document made from *record* may carry."""
    from .inspection_report import KIND_PREFIX

    if record.get("kind") == "summary":  # a period summary: statistics, not one inspection
        from .summary_report import SUMMARY_PREFIX

        return {SUMMARY_PREFIX}
    if record.get("kind") == "case_document":  # a document of an enforcement case
        from .case_documents import CASE_PREFIXES

        return {CASE_PREFIXES.get(str(record.get("document")), "")} - {""}
    check, verdict = record.get("check"), record.get("verdict")
    if check in ("in_service", "covert"):
        return {KIND_PREFIX["record"]}
    if verdict == "pass":  # a certificate, or a record when no certificate may be issued
        return {KIND_PREFIX["certificate"], KIND_PREFIX["record"]}
    if verdict:
        return {KIND_PREFIX["notice"]}
    return set(KIND_PREFIX.values())


# ---- the check ----------------------------------------------------------------------------


def _verify(
    data: bytes, trust: TrustSet, lookup: RecordLookup | None, now: dt.datetime
) -> VerifyResult:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
        revisions = reader.xrefs.total_revisions
    except Exception:
        return VerifyResult(
            INVALID, "the PDF structure is damaged, so the signature cannot be checked"
        )
    if not sigs:
        return VerifyResult(INVALID, "the PDF is not signed")
    result = VerifyResult(INVALID, "", revisions=revisions)
    info = reader.trailer_view["/Info"] if "/Info" in reader.trailer_view else None
    meta = parse_keywords(str(info.get("/Keywords", "")) if info is not None else "")
    result.report_no = meta.get("report-no")
    result.record_hash = meta.get("record-hash")
    result.inspection_id = meta.get("inspection-id")

    record = _embedded(data)
    checks = [check_signature(s, data, trust, now) for s in sigs]
    result.signatures = checks
    first = checks[0]
    result.signer, result.signer_fingerprint = first.signer, first.signer_fingerprint
    result.signing_time = first.signing_time
    reasons: dict[str, str] = {}  # status -> first reason for it

    def flag(status: str, reason: str) -> None:
        reasons.setdefault(status, reason)

    for c in checks:
        if c.status != VALID:
            flag(c.status, f"signature {c.field}: {c.reason}")
    for status, reason in _coverage(reader, sigs, checks, len(data)):
        flag(status, reason)

    # the record, by content: embedded JSON, its hash, the metadata and the database
    rec = record.data or {}
    if record.problem:
        result.record_check = "mismatch"
        flag(INVALID, record.problem + ", so its content is not bound to a record")
    elif not meta:
        result.record_check = "mismatch"
        flag(INVALID, "the PDF was not made by this program (no report number and record hash)")
    else:
        mismatch = _record_mismatch(rec, record.sha256, meta)
        if mismatch:
            result.record_check = "mismatch"
            flag(INVALID, mismatch)
    if lookup is not None and not record.problem and result.record_check != "mismatch":
        found = lookup(str(rec.get("id", "")), result.report_no or "", record.sha256 or "")
        if not found.get("found"):
            result.record_check = "not in database"
            result.details.append(
                "the record is not in this database; its hash was not cross-checked"
            )
        elif found.get("content_hash") != record.sha256:
            result.record_check = "mismatch"
            flag(INVALID, "the record in the PDF is not the record in the database")
        elif found.get("recomputed") is not None and found["recomputed"] != record.sha256:
            result.record_check = "mismatch"
            flag(
                INVALID,
                "the record in the database no longer matches its own hash "
                "(run 'inspector-app check')",
            )
        else:
            result.record_check = "matches"
            if found.get("superseded_by"):
                result.superseded_by = str(found["superseded_by"])
                flag(
                    SUPERSEDED,
                    f"the record was corrected later: revision {result.superseded_by} "
                    "replaces this document",
                )
    # who signed, and when, against the record
    if rec:
        _against_record(rec, checks, flag)
    else:
        result.details.append("the record is unknown, so the signers were not matched to it")

    result.status = worst(reasons) if reasons else VALID
    if result.status == VALID:
        n = len(checks)
        result.reason = (
            "the signature is intact, covers the whole file and was made by a trusted signer"
            if n == 1
            else f"all {n} signatures are intact and trusted; the last covers the whole file "
            "and each later revision only adds a signature"
        )
    else:
        result.reason = reasons[result.status]
        result.details.extend(r for s, r in reasons.items() if s != result.status)
    return result


def _record_mismatch(rec: dict[str, Any], sha: str | None, meta: dict[str, Any]) -> str | None:
    if meta.get("record-hash") != sha:
        return (
            "the record embedded in the PDF does not have the hash the PDF names "
            "(the metadata was changed or the record swapped)"
        )
    if meta.get("inspection-id") and meta["inspection-id"] != rec.get("id"):
        return "the PDF's metadata names another inspection than the embedded record"
    prefixes = _kinds_of(rec)
    number = meta.get("report-no") or ""
    if number and number.split("-")[0] not in prefixes:
        return (
            f"the report number {number} does not fit the embedded record "
            f"(its verdict is {rec.get('verdict') or 'not given'})"
        )
    return None


def _against_record(
    rec: dict[str, Any], checks: list[SignatureCheck], flag: Callable[[str, str], None]
) -> None:
    inspector = str(rec.get("inspector") or "").strip()
    finalized = parse_time(rec.get("finalized_at"))
    for c in checks:
        if c.status not in (VALID,):
            continue
        if c.role != "office countersigner":
            if inspector and c.signer != inspector:
                c.status = WRONG_SIGNER
                c.reason = (
                    f"signed by {c.signer}, but the inspection was made by {inspector} "
                    "(and the signer is not an office countersigner)"
                )
                flag(WRONG_SIGNER, f"signature {c.field}: {c.reason}")
                continue
            c.role = "inspector"
        when = parse_time(c.signing_time)
        if finalized is not None and when is not None and when + CLOCK_SKEW < finalized:
            c.status = INDETERMINATE
            c.reason = (
                f"the signing time {c.signing_time} is before the record was finalized "
                f"({rec.get('finalized_at')}): the signer's clock cannot be relied on"
            )
            flag(INDETERMINATE, f"signature {c.field}: {c.reason}")


def _page_count(reader: Any, revision: int) -> int | None:
    try:
        root = reader.get_historical_root(revision)
        return int(root["/Pages"]["/Count"])
    except Exception:  # noqa: BLE001
        return None


def _coverage(
    reader: Any, sigs: list[Any], checks: list[SignatureCheck], size: int
) -> Iterator[tuple[str, str]]:
    """(status, reason) for everything that is displayed but not covered by a signature."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

    total = reader.xrefs.total_revisions
    signed_revisions = {s.signed_revision: s for s in sigs}
    later_fields: dict[int, set[str]] = {}
    for s in sigs:
        later_fields.setdefault(s.signed_revision, set()).add(str(s.field_name))
    last = max(signed_revisions)
    final_pages = _page_count(reader, total - 1)
    for s, c in zip(sigs, checks, strict=True):
        if c.status == INVALID:
            continue
        pages = _page_count(reader, s.signed_revision)
        if pages is not None and final_pages is not None and final_pages > pages:
            yield (
                MODIFIED,
                f"{final_pages - pages} page(s) were appended after the signature {c.field} "
                f"({pages} signed, {final_pages} shown)",
            )
            continue
        if s.signed_revision == total - 1:
            continue
        diff = s.diff_result
        if not isinstance(diff, DiffResult):
            text = str(getattr(diff, "args", [diff])[0] if diff is not None else "unknown")
            yield (
                MODIFIED,
                f"the document was changed after the signature {c.field} "
                f"({text.splitlines()[0][:160]})",
            )
            continue
        allowed = set()
        for rev, names in later_fields.items():
            if rev > s.signed_revision:
                allowed |= names
        if (
            diff.modification_level > ModificationLevel.FORM_FILLING
            or not set(diff.changed_form_fields) <= allowed
        ):
            yield (
                MODIFIED,
                f"after the signature {c.field}, form fields or annotations were changed "
                f"({', '.join(sorted(set(diff.changed_form_fields) - allowed)) or diff.modification_level.name})",
            )
    unsigned = [r for r in range(min(signed_revisions), total) if r not in signed_revisions]
    if unsigned:
        yield (
            MODIFIED,
            f"{len(unsigned)} incremental update(s) were appended after signing and are not "
            "covered by any signature",
        )
    last_sig = signed_revisions[last]
    br = [int(x) for x in last_sig.sig_object["/ByteRange"]]
    if br[2] + br[3] != size:
        yield MODIFIED, f"{size - br[2] - br[3]} bytes follow the signed end of the file"
