"""The stages of an import in their order (:data:`STAGES`) and the loop that runs them
(:func:`run`); the package's text draws the pipeline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ...store import checkpoints
from ..format import MANIFEST, BundleRejected
from ..reader import record_order
from ..validate import _forget
from . import (
    backup,
    finish,
    merge,
    office_signatures,
    open,
    overlap,
    parse,
    record,
    report_pdfs,
    review_signatures,
    validate,
)
from .job import AlreadyImported, ImportedMeanwhile, ImportJob, ImportReport, Progress

__all__ = ["STAGES", "ImportJob", "ImportReport", "Progress", "Stage", "run"]


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[ImportJob], None]
    in_transaction: bool = False  # runs inside the import's one audited write


STAGES: tuple[Stage, ...] = (
    Stage("open", open.run),
    Stage("parse", parse.run),
    Stage("validate", validate.run),
    Stage("review_signatures", review_signatures.run),
    Stage("office_signatures", office_signatures.run),
    Stage("report_pdfs", report_pdfs.run),
    Stage("backup", backup.run),
    Stage("merge", merge.run, in_transaction=True),
    Stage("record", record.run, in_transaction=True),
    Stage("finish", finish.run),
)


def _call(job: ImportJob, stage: Stage) -> None:
    job.stages_run.append(stage.name)
    stage.run(job)


def _run_stages(job: ImportJob, stages: tuple[Stage, ...]) -> None:
    i = 0
    while i < len(stages):
        if not stages[i].in_transaction:
            _call(job, stages[i])
            i += 1
            continue
        j = i
        while j < len(stages) and stages[j].in_transaction:
            j += 1
        detail = record.audit_detail(job)
        if job.checker is not None:  # the worker's warnings are added to it (.overlap)
            job.checker.audit_detail = detail
        with (
            checkpoints.afterwards(job.store, large=_large(job)),
            job.store.write(
                job.actor, "bundle.import", "bundle", job.manifest.bundle_id, detail
            ) as seq,
        ):
            job.seq = seq
            for stage in stages[i:j]:
                _call(job, stage)
        i = j


def _large(job: ImportJob) -> bool:
    """Whether the import writes enough that its checkpoint runs after it, in the
    background (``store.checkpoints``): records as large as those a worker checks."""
    return sum(size for _table, size in record_order(job.manifest)) >= overlap.PARALLEL_FROM


def _run_checked(job: ImportJob) -> None:
    """:data:`STAGES`; when a worker checked the records (``.overlap``) and did not find
    them clean, or a stage stopped the import before the worker answered, the import runs
    again from *parse* with the checks here, so that it ends as it would have without the
    worker (the first refusal in the stages' order)."""
    try:
        _run_stages(job, STAGES)
        return
    except Exception as exc:
        checker = job.checker
        if (
            checker is None
            or not checker.complete  # not sent everything yet: the checks run here anyway
            or (isinstance(exc, BundleRejected) and exc.reason == "cancelled")
        ):
            raise
        if not isinstance(exc, overlap.Recheck):
            try:
                overlap.verdict(job, checker)
            except overlap.Recheck:
                pass
            else:
                raise  # the records are clean: the stage's own refusal or error stands
    overlap.stop(job.checker)
    job.checker = None
    job.overlap = False
    job.content, job.result, job.planned_reports = None, None, []
    job.report.backup, job.report.backup_reused = None, False
    _run_stages(job, STAGES[1:])


def run(job: ImportJob) -> ImportReport:
    """Run :data:`STAGES` over *job*. Never raises for a bad bundle: the report's status is
    ``rejected`` with the stage, entry and reason (or ``already_imported``). The archive
    stays open while photos stream from it and is closed here."""
    t0 = time.perf_counter()
    report = job.report
    try:
        _run_checked(job)
    except BundleRejected as exc:
        report.rejection = exc.as_dict()
    except AlreadyImported:
        report.status = "already_imported"
    except ImportedMeanwhile as exc:
        if exc.same:
            report.status = "already_imported"
        else:
            report.rejection = BundleRejected(
                3, MANIFEST, "a different bundle with the same id was imported before"
            ).as_dict()
    finally:
        overlap.stop(job.checker)
        job.checker = None
        _forget()
        if job.opened is not None:
            job.opened.close()
    report.seconds = time.perf_counter() - t0
    return report
