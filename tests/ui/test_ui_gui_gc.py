"""``ui.gui_gc``: while the window runs, collections happen only in its thread."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from inspector_app import bulk_work
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


def test_nothing_is_collected_while_bulk_work_holds_its_records(qapp):
    """A bundle's import keeps hundreds of thousands of young records until its merge is
    written: the window's collector would walk them all each second and free none."""
    parent = QObject()
    was = gc.isenabled()
    try:
        collector = MainThreadCollector(parent, interval_ms=10_000)
        garbage = []
        for _ in range(collector.threshold[0] + 10):
            a: list = []
            a.append(a)
            garbage.append(a)
        del garbage, a
        due = gc.get_count()[0]
        assert due > collector.threshold[0]
        with bulk_work.quiet():
            assert collector.collect_due() == -1
            assert gc.get_count()[0] >= due  # nothing was collected
        assert collector.collect_due() in (0, 1, 2)  # due as before, collected after
        collector.stop()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()
