"""Long work off the GUI thread, with progress and cancel; the window never freezes.

Generic API (demo data here; batch exports and imports by others)::

    result = run_with_progress(parent, "Exporting", fn)       # modal progress dialog
    # fn(progress, is_cancelled) -> result
    #   progress(done, total, text="") -> bool   (False once the user cancelled)
    #   is_cancelled() -> bool

    result = run_store_job(parent, "Loading demo data", db_path,
                           lambda store, progress, is_cancelled: ...)

``run_with_progress`` raises :class:`Cancelled` when the user cancelled and re-raises the
worker's exception otherwise. For work without a dialog use :class:`Job` (signals
``progress``, ``succeeded``, ``failed``, ``cancelled``, ``ended``).

SQLite connections belong to one thread: a job that needs the database gets the *path*
and opens its own connection (``run_store_job`` does that). :class:`StoreReader` is a
long-lived background reader for item models and the dashboard (one connection, requests
served newest first, stale ones replaced).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..i18n import register, tr

register({
    "Cancel": "取消",
    "Cancelling…": "正在取消……",
    "Working…": "正在处理……",
})

Progress = Callable[..., bool]
WorkFn = Callable[[Progress, Callable[[], bool]], Any]


class Cancelled(Exception):
    """The user cancelled the work."""


class Job(QObject):
    """Runs ``fn(progress, is_cancelled)`` in a background thread; reports through signals
    delivered on the GUI thread."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    ended = Signal()  # after exactly one of succeeded / failed / cancelled

    _relay = Signal(str, object)
    _running: set[Job] = set()  # keeps started jobs alive until they end

    def __init__(self, fn: WorkFn, parent: QObject | None = None, *, min_interval: float = 0.05) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._min_interval = min_interval
        self._last_emit = 0.0
        self.result: Any = None
        self.error: BaseException | None = None
        self.outcome: str | None = None  # "succeeded" | "failed" | "cancelled"
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- called from the GUI thread -------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a Job runs once")
        Job._running.add(self)
        self._thread = threading.Thread(target=self._run, name="inspector-job", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work function returned (signals are still queued)."""
        return self._done.wait(timeout)

    # -- worker thread --------------------------------------------------------------------
    def _emit(self, kind: str, payload: object) -> None:
        try:
            self._relay.emit(kind, payload)
        except RuntimeError:  # the Job was deleted with its window; nobody is listening
            pass

    def _progress(self, done: int, total: int, text: str = "") -> bool:
        now = time.monotonic()
        if done >= total or now - self._last_emit >= self._min_interval:
            self._last_emit = now
            self._emit("progress", (int(done), int(total), str(text)))
        return not self._cancel.is_set()

    def _run(self) -> None:
        try:
            result = self._fn(self._progress, self._cancel.is_set)
        except Cancelled:
            kind, payload = "cancelled", None
        except BaseException as exc:  # reported to the GUI thread, never swallowed
            kind, payload = "failed", exc
        else:
            kind, payload = ("cancelled", result) if self._cancel.is_set() else ("succeeded", result)
        self._done.set()
        self._emit(kind, payload)

    @Slot(str, object)
    def _deliver(self, kind: str, payload: object) -> None:
        if kind == "progress":
            self.progress.emit(*payload)  # type: ignore[misc]
            return
        self.outcome = kind
        if kind == "succeeded":
            self.result = payload
            self.succeeded.emit(payload)
        elif kind == "failed":
            self.error = payload  # type: ignore[assignment]
            self.failed.emit(payload)
        else:
            self.result = payload
            self.cancelled.emit()
        Job._running.discard(self)
        self.ended.emit()


def run_with_progress(parent: QWidget | None, title: str, fn: WorkFn, *, label: str = "",
                      cancellable: bool = True, min_duration_ms: int = 300) -> Any:
    """Run *fn* in a worker behind a modal progress dialog; the GUI keeps painting.

    Returns fn's result; raises :class:`Cancelled` if the user cancelled, or fn's exception.
    """
    job = Job(fn)
    dialog = QProgressDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label or tr("Working…"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(min_duration_ms)
    dialog.setRange(0, 0)
    dialog.setMinimumWidth(380)
    if cancellable:
        dialog.setCancelButtonText(tr("Cancel"))
    else:
        dialog.setCancelButton(None)
    dialog.setObjectName("workerProgressDialog")
    run_with_progress.last_dialog = dialog  # type: ignore[attr-defined]  # for tests
    run_with_progress.last_job = job  # type: ignore[attr-defined]

    def on_progress(done: int, total: int, text: str) -> None:
        if total > 0:
            dialog.setRange(0, total)
            dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def on_cancel() -> None:
        job.cancel()
        dialog.setLabelText(tr("Cancelling…"))

    loop = QEventLoop()
    job.progress.connect(on_progress)
    job.ended.connect(loop.quit)
    dialog.canceled.connect(on_cancel)
    job.start()
    if job.outcome is None:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    if job.outcome == "cancelled":
        raise Cancelled()
    if job.outcome == "failed":
        raise job.error  # type: ignore[misc]
    return job.result


def store_work(db_path: str | Path, fn: Callable[..., Any]) -> WorkFn:
    """Wrap ``fn(store, progress, is_cancelled)`` so it opens its own connection."""

    def work(progress: Progress, is_cancelled: Callable[[], bool]) -> Any:
        from ..store import open_database

        store = open_database(db_path, migrate=False)
        try:
            return fn(store, progress, is_cancelled)
        finally:
            store.close()

    return work


def run_store_job(parent: QWidget | None, title: str, db_path: str | Path, fn: Callable[..., Any],
                  **kwargs: Any) -> Any:
    """:func:`run_with_progress` for work on the database (own connection in the worker)."""
    return run_with_progress(parent, title, store_work(db_path, fn), **kwargs)


class StoreReader(QObject):
    """A background thread with its own read connection, serving read requests.

    ``submit(key, fn, callback)`` runs ``fn(store)`` off the GUI thread and calls
    ``callback(result)`` on the GUI thread (``result`` is the exception if fn raised).
    A request with the key of a queued one replaces it; the newest request runs first.
    """

    _relay = Signal(object, object)
    idle_changed = Signal(bool)

    def __init__(self, db_path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._cond = threading.Condition()
        self._pending: OrderedDict[Hashable, tuple[Callable, Callable]] = OrderedDict()
        self._stopping = False
        self._busy = False
        self._running_key: Hashable | None = None
        self._conn = None  # the reader's connection, only for interrupt() from the GUI thread
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name="inspector-reader", daemon=True)
        self._thread.start()

    def submit(self, key: Hashable, fn: Callable[[Any], Any], callback: Callable[[Any], None], *,
               interrupt: bool = False) -> None:
        """Queue ``fn(store)``; with *interrupt*, a running request with the same key is
        stopped (sqlite3 ``interrupt``; its callback then gets the OperationalError)."""
        with self._cond:
            self._pending.pop(key, None)
            self._pending[key] = (fn, callback)
            if interrupt and self._running_key == key and self._conn is not None:
                self._conn.interrupt()
            self._cond.notify()

    def discard(self, predicate: Callable[[Hashable], bool]) -> None:
        """Drop queued requests whose key matches (e.g. the pages of an old query)."""
        with self._cond:
            for key in [k for k in self._pending if predicate(k)]:
                del self._pending[key]

    def is_idle(self) -> bool:
        with self._cond:
            return not self._pending and not self._busy

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._pending.clear()
            self._cond.notify()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        from ..store import open_database

        store = None
        try:
            while True:
                with self._cond:
                    while not self._pending and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    key, (fn, callback) = self._pending.popitem(last=True)  # newest first
                    self._busy = True
                    self._running_key = key
                try:
                    if store is None:
                        store = open_database(self.db_path, migrate=False)
                        self._conn = store.conn
                    result = fn(store)
                except Exception as exc:  # handed to the callback, which shows it
                    result = exc
                with self._cond:
                    self._busy = False
                    self._running_key = None
                    stopping = self._stopping
                if stopping:
                    return
                try:
                    self._relay.emit(callback, result)
                except RuntimeError:  # reader deleted
                    return
        finally:
            if store is not None:
                store.close()

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], result: Any) -> None:
        try:
            callback(result)
        except RuntimeError as exc:  # the model or widget behind the callback is gone
            if "already deleted" not in str(exc):
                raise
