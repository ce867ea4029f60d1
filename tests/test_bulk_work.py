"""``bulk_work.quiet``: automatic collection off while bulk work runs, in any thread, and
back as it was when the last overlapping block ends; a bundle's import runs inside it."""

from __future__ import annotations

import gc
import threading

import pytest

from inspector_app import bulk_work
from inspector_app.services import sync as sync_service
from inspector_app.sync.importing import pipeline


@pytest.fixture
def collection_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_collection_is_back_as_it_was_after_the_block(collection_on):
    assert not bulk_work.in_progress()
    with bulk_work.quiet():
        assert bulk_work.in_progress() and not gc.isenabled()
    assert not bulk_work.in_progress() and gc.isenabled()
    gc.disable()
    with bulk_work.quiet():
        pass
    assert not gc.isenabled(), "collection was off before: it stays off"


def test_overlapping_blocks_in_two_threads_end_with_the_last(collection_on):
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with bulk_work.quiet():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=other)
    with bulk_work.quiet():
        t.start()
        assert inside.wait(10)
    assert bulk_work.in_progress() and not gc.isenabled(), "the other block still runs"
    leave.set()
    t.join(10)
    assert not bulk_work.in_progress() and gc.isenabled()


def test_a_failing_block_still_ends(collection_on):
    with pytest.raises(RuntimeError), bulk_work.quiet():
        raise RuntimeError("stop")
    assert not bulk_work.in_progress() and gc.isenabled()


def test_an_import_runs_as_bulk_work(store, tmp_path, monkeypatch, collection_on):
    seen = []
    real = pipeline.run

    def run(job):
        seen.append((bulk_work.in_progress(), gc.isenabled()))
        return real(job)

    monkeypatch.setattr(pipeline, "run", run)
    bundle = tmp_path / "not-a-bundle.bundle"
    bundle.write_bytes(b"not a zip at all")
    report = sync_service.import_bundle(store, bundle)
    assert report.status == "rejected"
    assert seen == [(True, False)]
    assert not bulk_work.in_progress() and gc.isenabled()
