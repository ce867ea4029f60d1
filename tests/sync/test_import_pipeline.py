"""The bundle import is a pipeline (``sync.importing``): each stage one module, run once and
in order, merge and record inside the one transaction, and a refusal stops it where it
happens."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sync_world import add_inspection_with_photo

from inspector_app.reports.verify import TrustSet
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync.importing import pipeline

ORDER = [
    "open",
    "parse",
    "validate",
    "review_signatures",
    "office_signatures",
    "report_pdfs",
    "backup",
    "merge",
    "record",
    "finish",
]


def test_the_stages_are_one_module_each_in_the_pipelines_order():
    assert [s.name for s in pipeline.STAGES] == ORDER
    assert [s.name for s in pipeline.STAGES if s.in_transaction] == ["merge", "record"]
    modules = [s.run.__module__ for s in pipeline.STAGES]
    assert modules == [f"inspector_app.sync.importing.{name}" for name in ORDER]


def _traced(monkeypatch, store) -> list[tuple[str, bool]]:
    """Replace the pipeline's stages by ones that note their name (and, on SQLite, whether
    the import's transaction is open) before running the real stage."""
    calls: list[tuple[str, bool]] = []

    def tracing(stage):
        def run(job):
            in_tx = store.conn.in_transaction if store.engine == "sqlite" else stage.in_transaction
            calls.append((stage.name, in_tx))
            stage.run(job)

        return dataclasses.replace(stage, run=run)

    monkeypatch.setattr(pipeline, "STAGES", tuple(tracing(s) for s in pipeline.STAGES))
    return calls


def test_an_import_passes_every_stage_once_in_order(world, monkeypatch):
    lap, office = world["laptop"], world["office"]
    add_inspection_with_photo(lap.store)
    bundle = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    calls = _traced(monkeypatch, office.store)
    report = import_bundle(office.store, bundle.path)
    assert report.status == "imported", report.message()
    assert report.new > 0
    assert [name for name, _ in calls] == ORDER
    # the merge and its ledger row are one write; nothing before it writes
    assert [name for name, in_tx in calls if in_tx] == ["merge", "record"]

    calls.clear()  # the same bundle again: the open stage finds it in the ledger
    again = import_bundle(office.store, bundle.path)
    assert again.status == "already_imported"
    assert [name for name, _ in calls] == ["open"]


def test_a_refusal_stops_the_pipeline_at_its_stage(world, monkeypatch):
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    add_inspection_with_photo(lap.store)
    bundle = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    before = lap2.db_bytes()
    calls = _traced(monkeypatch, lap2.store)
    report = import_bundle(lap2.store, bundle.path)  # laptop 2 does not trust laptop 1
    assert report.status == "rejected" and report.rejection["stage"] == 2
    assert [name for name, _ in calls] == ["open"]
    assert lap2.db_bytes() == before

    calls.clear()  # cancelled while the records are read: parse stops, nothing is written
    before = office.db_bytes()
    cancelled = import_bundle(
        office.store, bundle.path, progress=lambda stage, done, total: stage != "records"
    )
    assert cancelled.status == "rejected" and cancelled.rejection["reason"] == "cancelled"
    assert [name for name, _ in calls] == ["open", "parse"]
    assert office.db_bytes() == before


def test_the_job_keeps_the_trace_of_the_stages_it_passed(world):
    lap, office = world["laptop"], world["office"]
    add_inspection_with_photo(lap.store)
    bundle = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    job = pipeline.ImportJob(
        store=office.store,
        path=Path(bundle.path),
        report=pipeline.ImportReport(status="rejected", file=str(bundle.path)),
        pdf_trust=TrustSet,
        write_file=lambda path, data: None,
        backup=False,
    )
    report = pipeline.run(job)
    assert report.status == "imported", report.message()
    assert job.stages_run == ORDER
    assert job.opened is not None and job.opened.archive is None  # closed when all is done
