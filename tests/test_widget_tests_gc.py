"""The root conftest's rule for tests that drive widgets: Python's garbage collector runs
only in the test's own thread while such a test runs (see ``collect_in_the_window_thread``),
wherever the test lives; other tests keep automatic collection."""

from __future__ import annotations

import gc


def test_a_test_with_qtbot_outside_tests_ui_runs_without_automatic_collection(qtbot):
    assert not gc.isenabled()


def test_a_test_without_widgets_keeps_automatic_collection():
    assert gc.isenabled()
