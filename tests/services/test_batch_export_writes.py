"""Batch export: the workers make the reports and the calling process writes the files, so a
file that cannot be written fails that report alone, and nothing half-written is left."""

from __future__ import annotations

import pytest

from inspector_app.services.batch_export import batch_export, document_number
from inspector_app.services.demo import generate
from inspector_app.store.inspections import InspectionFilter


@pytest.fixture
def demo(store):
    generate(store, premises=4, inspections=8, seed=5)
    return store


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_that_cannot_be_written_fails_that_report_only(demo, db_path, tmp_path, workers):
    chosen = [s.id for s in demo.inspections.list(InspectionFilter(), limit=6)]
    out = tmp_path / "out"
    blocked = out / f"{document_number(demo, chosen[1])}.pdf"
    blocked.mkdir(parents=True)  # a folder where the report's file would go
    result = batch_export(db_path, chosen, out, "en", workers=workers)
    assert [i for i, _ in result.failed] == [chosen[1]]
    assert str(blocked) in result.failed[0][1]
    assert len(result.written) == 5 and blocked not in result.written
    assert all(p.read_bytes().startswith(b"%PDF-") for p in result.written)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [blocked.name, *(p.name for p in result.written)]
    )  # no .part file left behind
