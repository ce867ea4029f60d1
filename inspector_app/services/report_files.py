"""Signed report PDFs kept beside the records, and how they travel in bundles.

A database keeps at most one signed PDF per inspection, in ``<db folder>/<db name>-reports/
<inspection id>.pdf``: on a laptop the first signed report of a finalized inspection (the
document of record, in the language it was exported in), at the office the inspector's PDF
that arrived with the record, later with the office countersignatures (核验员, 批准人).

- A field bundle carries the kept PDF of every inspection it carries
  (``reports/<inspection id>.pdf``); an office bundle carries the kept PDFs of reviewed
  inspections, so the countersigned document travels back.
- On import every PDF is untrusted input: it must be the report of an inspection the bundle
  carries (field → office) or this database holds (office → field; others are ignored),
  ``verify`` must say VALID against the trust list, and the record embedded in it must be
  that inspection's record (its hash is the record's content hash). Otherwise the whole
  bundle is refused at stage 4, naming the PDF, with one sentence.
- Safe merge: a kept PDF is never replaced by a different one, except by that same PDF
  with further incremental countersignatures (the kept bytes are a prefix of the incoming
  file, and the incoming file verifies VALID, so each later revision only adds a
  signature). A different PDF of the same record is not taken (a warning), and an older
  one (the kept file extends it) changes nothing.

No Qt here; files are written atomically (``services.files.write_atomic``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NEW, UNCHANGED, COUNTERSIGNED, OLDER, KEPT_LOCAL = (
    "new",
    "unchanged",
    "countersigned",
    "older",
    "kept_local",
)


def folder(store) -> Path:
    from .files import reports_folder

    return reports_folder(Path(store.path))


def kept_path(store, inspection_id: str) -> Path:
    return folder(store) / f"{inspection_id}.pdf"


def kept_pdf(store, inspection_id: str) -> bytes | None:
    """The signed PDF kept with the inspection, or None."""
    path = kept_path(store, inspection_id)
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _has_path(store) -> bool:
    path = str(getattr(store, "path", "") or "")
    return bool(path) and path != ":memory:"


def keep_signed(store, inspection_id: str, pdf: bytes) -> bool:
    """Keep the first signed report of a finalized inspection with it (a laptop): later
    exports never replace it. True when this PDF is now the kept one."""
    from .files import write_atomic

    if not _has_path(store):
        return False
    insp = store.inspections.get(inspection_id)
    if insp is None or insp.status != "finalized":
        return False
    path = kept_path(store, inspection_id)
    if path.exists():
        return path.read_bytes() == pdf
    write_atomic(path, pdf)
    return True


def for_field_bundle(store, inspection_ids) -> dict[str, bytes]:
    """The kept PDFs of the inspections a field bundle carries."""
    if not _has_path(store):
        return {}
    out = {}
    for i in inspection_ids:
        pdf = kept_pdf(store, i)
        if pdf is not None:
            out[i] = pdf
    return out


def for_office_bundle(store) -> dict[str, bytes]:
    """The kept PDFs of reviewed inspections (approval countersigns them), for the laptops."""
    if not _has_path(store) or not folder(store).is_dir():
        return {}
    from ..store.sync import sync_repo

    ids = sorted({r["inspection_id"] for r in sync_repo(store).reviews()})
    return for_field_bundle(store, ids)


@dataclass
class PlannedReport:
    inspection_id: str
    pdf: bytes
    outcome: str  # new | unchanged | countersigned | older | kept_local


def _lookup_for(inspection_id: str, content_hash: str):
    """A record lookup for ``verify`` that knows one record: the one the PDF must embed.
    A later revision does not count against the PDF here (each revision's PDF travels with
    that revision); ``verify`` on the file still names it."""

    def lookup(found_id: str, _report_no: str, _record_hash: str) -> dict:
        if found_id != inspection_id:
            return {"found": False}
        return {"found": True, "content_hash": content_hash, "recomputed": content_hash}

    return lookup


def check_incoming(store, direction: str, reports: dict[str, bytes], content) -> list:
    """Stage 4 for the ``reports/`` entries: every PDF checked (see the module text); a
    BundleRejected naming each bad one, else the plan of what the merge keeps (warnings for
    a different PDF of a record are added to *content*)."""
    from ..reports.verify import VALID, verify_pdf
    from ..sync.format import FIELD_TO_OFFICE, ProblemList
    from .verify import trusted_certificates

    if not reports:
        return []
    problems = ProblemList(4)
    bundled = {x.id: x for x in content.inspections}
    trust = None
    plan = []
    for inspection_id in sorted(reports):
        pdf = reports[inspection_id]
        entry = f"reports/{inspection_id}.pdf"
        if direction == FIELD_TO_OFFICE:
            record = bundled.get(inspection_id)
            if record is None:
                problems.add(
                    entry, "report.pdf: a report PDF of an inspection the bundle does not carry"
                )
                continue
        else:
            record = store.inspections.get(inspection_id)
            if record is None:
                continue  # another inspector's report: not kept on this laptop
        if record.status != "finalized" or not record.content_hash:
            problems.add(entry, "report.pdf: the report of an inspection that is not finalized")
            continue
        kept = kept_pdf(store, inspection_id) if _has_path(store) else None
        if kept == pdf:
            plan.append(PlannedReport(inspection_id, pdf, UNCHANGED))
            continue
        if kept is not None and kept.startswith(pdf):
            plan.append(PlannedReport(inspection_id, pdf, OLDER))
            continue
        if trust is None:
            trust = trusted_certificates(store, Path(store.path) if _has_path(store) else None)
        result = verify_pdf(pdf, trust, _lookup_for(inspection_id, record.content_hash))
        if result.status != VALID:
            problems.add(entry, f"report.pdf: verify says {result.status}: {result.reason}")
            continue
        if result.record_check != "matches":
            problems.add(
                entry, "report.pdf: the record embedded in the PDF is not the bundled record"
            )
            continue
        if kept is None:
            plan.append(PlannedReport(inspection_id, pdf, NEW))
        elif pdf.startswith(kept):
            plan.append(PlannedReport(inspection_id, pdf, COUNTERSIGNED))
        else:
            plan.append(PlannedReport(inspection_id, pdf, KEPT_LOCAL))
            content.warn(
                entry,
                "report.pdf: another signed PDF of this record is kept here and was not "
                "replaced (only a countersigned copy of the kept PDF replaces it)",
            )
    problems.raise_if_any()
    return plan


def keep_incoming(store, plan: list) -> dict[str, int]:
    """After the import's transaction: write the new and countersigned PDFs; the count of
    each outcome. A file that cannot be written is counted as ``not_written``."""
    from ..domain.errors import InputError
    from .files import write_atomic

    counts: dict[str, int] = {}
    for p in plan:
        outcome = p.outcome
        if outcome in (NEW, COUNTERSIGNED):
            try:
                write_atomic(kept_path(store, p.inspection_id), p.pdf)
            except InputError:
                outcome = "not_written"
        counts[outcome] = counts.get(outcome, 0) + 1
    return dict(sorted(counts.items()))
