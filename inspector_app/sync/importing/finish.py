"""Stage *finish*, after the transaction committed: what the bundle brought from the office
takes effect (the newest rule data version is the one evaluations use, the newest form of
a family the one new drafts use), the planned report PDFs are written
(:func:`.report_pdfs.keep`), and the report says what the import did."""

from __future__ import annotations

from ...store.forms import load_installed as load_forms
from ...store.rule_data import load_installed as load_rule_data
from . import report_pdfs
from .job import ImportJob


def run(job: ImportJob) -> None:
    assert job.result is not None, "the merge stage runs before"
    content, result, report = job.records, job.result, job.report
    if content.rule_data:
        load_rule_data(job.store)
    if content.forms:
        load_forms(job.store)
    if job.planned_reports:
        report.reports = report_pdfs.keep(job)
    totals = result.totals()
    report.status = "imported"
    report.new, report.updated = totals["new"], totals["updated"]
    report.unchanged, report.conflicts = totals["unchanged"], totals["conflicts"]
    report.tables = result.tables()
    report.conflict_ids = result.conflict_ids
    report.acknowledged = result.acked
    report.attachments_new = result.attachments_new
    report.warnings = [{"entry": e, "reason": r} for e, r in content.warnings]
    report.warning_count = content.warning_count
    if job.progress is not None:
        job.progress("merge", 1, 1)
