"""Stage *report_pdfs*: every ``reports/<inspection id>.pdf`` of the bundle is untrusted
input. It must be the report of an inspection the bundle carries (field → office) or this
database holds (office → field; others are ignored), ``verify`` must say VALID against
what this computer trusts, and the record embedded in it must be that inspection's record.
Otherwise the bundle is refused, naming each bad PDF. The stage only plans; the *finish*
stage writes the kept files after the transaction (:func:`keep`).

A kept PDF is never replaced by a different one, except by that same PDF with further
incremental countersignatures (the kept bytes are a prefix of the incoming file, which
verifies VALID). A different PDF of the same record is not taken (a warning), and an older
one (the kept file extends it) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..format import FIELD_TO_OFFICE, ProblemList
from .job import ImportJob

NEW, UNCHANGED, COUNTERSIGNED, OLDER, KEPT_LOCAL = (
    "new",
    "unchanged",
    "countersigned",
    "older",
    "kept_local",
)


@dataclass
class PlannedReport:
    inspection_id: str
    pdf: bytes
    outcome: str  # new | unchanged | countersigned | older | kept_local


def kept_pdf(folder: Path | None, inspection_id: str) -> bytes | None:
    """The signed PDF kept with the inspection in *folder*, or None."""
    if folder is None:
        return None
    try:
        return (folder / f"{inspection_id}.pdf").read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _lookup_for(inspection_id: str, content_hash: str) -> Callable[[str, str, str], dict[str, Any]]:
    """A record lookup for ``verify`` that knows one record: the one the PDF must embed.
    A later revision does not count against the PDF here (each revision's PDF travels with
    that revision); ``verify`` on the file still names it."""

    def lookup(found_id: str, _report_no: str, _record_hash: str) -> dict[str, Any]:
        if found_id != inspection_id:
            return {"found": False}
        return {"found": True, "content_hash": content_hash, "recomputed": content_hash}

    return lookup


def run(job: ImportJob) -> None:
    reports, content, store = job.bundle.reports, job.records, job.store
    if not reports:
        return
    # (loaded only for a bundle with reports: the PDF verifier's modules take 0.1 s to load)
    from ...reports.verify import VALID, verify_pdf

    problems = ProblemList(4)
    bundled = {x.id: x for x in content.inspections}
    trust = None
    plan = []
    for inspection_id in sorted(reports):
        pdf = reports[inspection_id]
        entry = f"reports/{inspection_id}.pdf"
        if job.manifest.direction == FIELD_TO_OFFICE:
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
        kept = kept_pdf(job.reports_dir, inspection_id)
        if kept == pdf:
            plan.append(PlannedReport(inspection_id, pdf, UNCHANGED))
            continue
        if kept is not None and kept.startswith(pdf):
            plan.append(PlannedReport(inspection_id, pdf, OLDER))
            continue
        if trust is None:
            trust = job.pdf_trust()
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
    job.planned_reports = plan


def keep(job: ImportJob) -> dict[str, int]:
    """After the import's transaction: write the new and countersigned PDFs; the count of
    each outcome. A file that cannot be written is counted as ``not_written``."""
    from ...domain.errors import InputError

    counts: dict[str, int] = {}
    folder = job.reports_dir
    for p in job.planned_reports:
        outcome = p.outcome
        if outcome in (NEW, COUNTERSIGNED) and folder is None:
            outcome = "not_written"  # a database without a file (in memory) keeps no PDFs
        elif outcome in (NEW, COUNTERSIGNED) and folder is not None:
            try:
                job.write_file(folder / f"{p.inspection_id}.pdf", p.pdf)
            except InputError:
                outcome = "not_written"
        counts[outcome] = counts.get(outcome, 0) + 1
    return dict(sorted(counts.items()))
