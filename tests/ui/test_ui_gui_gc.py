"""``ui.gui_gc``: while the window runs, collections happen only in its thread."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from inspector_app.ui.gui_gc import MainThreadCollector


def test_automatic_collection_is_off_and_the_timer_collects_what_is_due(qapp):
    parent = QObject()
    was = gc.isenabled()
    gc.enable()
    try:
        collector = MainThreadCollector(parent, interval_ms=50)
        assert not gc.isenabled() and collector.timer.isActive()
        assert collector.threshold == gc.get_threshold()
        gc.collect()
        assert collector.collect_due() == -1  # nothing due right after a collection
        garbage = []
        for _ in range(collector.threshold[0] + 10):  # cycles: what the collector is for
            a: list = []
            a.append(a)
            garbage.append(a)
        del garbage, a
        assert gc.get_count()[0] > collector.threshold[0]
        assert collector.collect_due() in (0, 1, 2)
        assert gc.get_count()[0] < collector.threshold[0]
        collector.stop()
        assert gc.isenabled() and not collector.timer.isActive()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()
