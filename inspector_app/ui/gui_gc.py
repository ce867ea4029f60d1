"""Python's garbage collector run only in the window's thread.

A Qt object left in a reference cycle (a closed dialog and its slots, a page's lambdas) is
freed when the collector finds the cycle, in whatever thread happens to start a collection.
When that is one of the window's reader threads, the object's destructor takes Qt's locks
there and then waits for the interpreter, while the window's thread, holding the
interpreter, waits for the same lock to destroy another object: both stop for good (seen in
a test run: ``~QObject`` in a reader thread waiting for the GIL, ``~QAction`` in the main
thread waiting for Qt's mutex). So while the window runs, automatic collection is off and a
timer in the window's thread collects the generations that are due, by the thresholds Python
itself uses, about once a second, except while bulk work runs (``bulk_work``). (pyqtgraph's ``GarbageCollector`` does the same; importing
pyqtgraph before the first paint would cost start-up time.)
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from .. import bulk_work

INTERVAL_MS = 1000


class MainThreadCollector(QObject):
    """Automatic collection off; the due generations collected by a timer of *parent*'s
    thread (the window's) every *interval_ms*. :meth:`stop` turns automatic collection on."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start(interval_ms)

    def collect_due(self) -> int:
        """Collect the oldest generation that is due, as the interpreter would (younger
        ones with it); returns the generation collected, -1 for none. Nothing while bulk
        work (a bundle's import) holds its records (``bulk_work``): a collection then walks
        them all and frees nothing."""
        if bulk_work.in_progress():
            return -1
        count0, count1, count2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if count0 <= t0:
            return -1
        generation = 2 if count2 > t2 else 1 if count1 > t1 else 0
        gc.collect(generation)
        return generation

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
