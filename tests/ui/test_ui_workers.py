"""Background work: progress, cancel, errors, own connections, the reader thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from inspector_app.ui.workers import Cancelled, Job, StoreReader, run_store_job, run_with_progress


def test_job_reports_progress_and_result_on_the_gui_thread(qtbot):
    seen = []
    gui = threading.get_ident()

    def work(progress, is_cancelled):
        for i in range(1, 4):
            assert progress(i, 3, f"step {i}")
        return threading.get_ident()

    job = Job(work, min_interval=0)
    job.progress.connect(lambda d, t, text: seen.append((d, t, text, threading.get_ident())))
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        job.start()
    assert blocker.args[0] != gui  # the work ran on another thread
    assert [s[:3] for s in seen] == [(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")]
    assert all(s[3] == gui for s in seen)  # delivered on the GUI thread
    assert job.outcome == "succeeded"


def test_job_cancel_stops_the_work(qtbot):
    started = threading.Event()
    steps = []

    def work(progress, is_cancelled):
        started.set()
        while not is_cancelled():
            steps.append(1)
            threading.Event().wait(0.005)
        return len(steps)

    job = Job(work)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.start()
        assert started.wait(5)
        job.cancel()
    assert job.outcome == "cancelled"
    assert not job.is_running()


def test_job_failure_is_reported(qtbot):
    def work(progress, is_cancelled):
        raise ValueError("disk full")

    job = Job(work)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        job.start()
    assert isinstance(blocker.args[0], ValueError) and str(blocker.args[0]) == "disk full"


def test_run_with_progress_returns_the_result_and_shows_progress(qtbot):
    values = []

    def work(progress, is_cancelled):
        for i in range(5):
            progress(i + 1, 5, "")
        return "done"

    def watch():
        dialog = run_with_progress.last_dialog
        values.append((dialog.windowTitle(), dialog.isVisible()))

    QTimer.singleShot(0, watch)
    assert run_with_progress(None, "Work", work, min_duration_ms=0) == "done"
    assert values and values[0][0] == "Work"


def test_run_with_progress_cancel_button_raises_cancelled(qtbot):
    started = threading.Event()

    def work(progress, is_cancelled):
        started.set()
        while progress(1, 10):
            threading.Event().wait(0.01)
        return None

    def press_cancel():
        if not started.is_set():
            QTimer.singleShot(10, press_cancel)
            return
        button = run_with_progress.last_dialog.findChild(QPushButton)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(10, press_cancel)
    with pytest.raises(Cancelled):
        run_with_progress(None, "Work", work, min_duration_ms=0)


def test_run_with_progress_reraises_the_error(qtbot):
    def work(progress, is_cancelled):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_with_progress(None, "Work", work)


def test_store_job_uses_its_own_connection(qtbot, store, stall, db_path):
    gui_conn = store.conn

    def work(s, progress, is_cancelled):
        assert s.conn is not gui_conn
        return s.premises.count(), s.instruments.count()

    assert run_store_job(None, "Count", db_path, work) == (1, 1)


def test_reader_runs_newest_request_and_replaces_queued_ones(qtbot, store, stall, db_path):
    reader = StoreReader(db_path)
    gate, running = threading.Event(), threading.Event()
    results = []

    def block(s):
        running.set()
        return gate.wait(5)

    reader.submit("block", block, lambda r: results.append(("block", r)))
    assert running.wait(5)
    reader.submit("k", lambda s: "old", lambda r: results.append(("k", r)))
    reader.submit("k", lambda s: s.premises.count(), lambda r: results.append(("k", r)))
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert results == [("block", True), ("k", 1)]  # "old" was replaced before it ran
    reader.stop()


def test_reader_hands_exceptions_to_the_callback(qtbot, store, db_path):
    reader = StoreReader(db_path)
    results = []

    def bad(s):
        raise LookupError("nope")

    reader.submit("x", bad, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert isinstance(results[0], LookupError)
    reader.stop()
