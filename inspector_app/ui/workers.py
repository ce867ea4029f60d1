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

import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from ..i18n import tr

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

Progress = Callable[..., bool]
WorkFn = Callable[[Progress, Callable[[], bool]], Any]


class _Box:
    """Carries a payload across threads in one plain object: PySide6 mishandles the
    reference count of a bare ``True``/``False`` sent through an ``object`` signal."""

    __slots__ = ("value",)

    def __init__(self, value: tuple[int, object, bool]) -> None:
        self.value = value  # (ticket, payload, last)


class Cancelled(Exception):
    """The user cancelled the work."""


class _Relay(QObject):
    """The one bridge from worker threads to the GUI thread.

    Worker threads hold no reference to any QObject (a Python wrapper whose last reference
    drops in a worker thread would delete a Qt object in the wrong thread): they post
    ``(ticket, payload)`` here, and the GUI thread looks the ticket's handler up.
    """

    delivered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.handlers: dict[int, Callable[[Any], None]] = {}
        self._tickets = itertools.count(1)
        # Queued: the relay lives in the GUI thread and is only emitted to from worker threads
        # (naming QueuedConnection would build PySide's Qt namespace at start-up: qt_values)
        self.delivered.connect(self._dispatch)

    def ticket(self, handler: Callable[[Any], None]) -> int:
        number = next(self._tickets)
        self.handlers[number] = handler
        return number

    @Slot(object)
    def _dispatch(self, box: _Box) -> None:
        ticket, payload, last = box.value
        handler = self.handlers.pop(ticket, None) if last else self.handlers.get(ticket)
        if handler is None:
            return
        try:
            handler(payload)
        except RuntimeError as exc:  # the widget or model behind the handler is gone
            if "already deleted" not in str(exc):
                raise


_relay_instance: _Relay | None = None


def _relay() -> _Relay:
    """The relay, made on first use (always from the GUI thread) and kept for the process."""
    global _relay_instance
    if _relay_instance is None:
        _relay_instance = _Relay()
    return _relay_instance


def _post(relay: _Relay, ticket: int, payload: object, last: bool) -> None:
    """Called in a worker thread."""
    relay.delivered.emit(_Box((ticket, payload, last)))


def _job_thread(
    relay: _Relay,
    ticket: int,
    fn: WorkFn,
    cancel: threading.Event,
    done: threading.Event,
    min_interval: float,
) -> None:
    last_emit = [0.0]

    def progress(finished: int, total: int, text: str = "") -> bool:
        now = time.monotonic()
        if finished >= total or now - last_emit[0] >= min_interval:
            last_emit[0] = now
            _post(relay, ticket, ("progress", (int(finished), int(total), str(text))), False)
        return not cancel.is_set()

    try:
        result = fn(progress, cancel.is_set)
    except Cancelled:
        kind, payload = "cancelled", None
    except BaseException as exc:  # reported to the GUI thread, never swallowed
        kind, payload = "failed", exc
    else:
        kind, payload = ("cancelled", result) if cancel.is_set() else ("succeeded", result)
    del fn
    done.set()
    _post(relay, ticket, (kind, payload), True)


class Job(QObject):
    """Runs ``fn(progress, is_cancelled)`` in a background thread; reports through signals
    delivered on the GUI thread. *fn* must not hold references to widgets."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    ended = Signal()  # after exactly one of succeeded / failed / cancelled

    def __init__(
        self, fn: WorkFn, parent: QObject | None = None, *, min_interval: float = 0.05
    ) -> None:
        super().__init__(parent)
        self._fn: WorkFn | None = fn
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._started = False
        self._min_interval = min_interval
        self.result: Any = None
        self.error: BaseException | None = None
        self.outcome: str | None = None  # "succeeded" | "failed" | "cancelled"

    # -- called from the GUI thread -------------------------------------------------------
    def start(self) -> None:
        if self._started or self._fn is None:
            raise RuntimeError("a Job runs once")
        self._started = True
        relay = _relay()
        ticket = relay.ticket(self._deliver)  # the relay keeps this Job alive until it ends
        fn, self._fn = self._fn, None
        threading.Thread(
            target=_job_thread,
            name="inspector-job",
            daemon=True,
            args=(relay, ticket, fn, self._cancel, self._done, self._min_interval),
        ).start()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._started and not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work function returned (signals are still queued)."""
        return self._done.wait(timeout)

    def _deliver(self, message: tuple[str, Any]) -> None:
        kind, payload = message
        if kind == "progress":
            self.progress.emit(*payload)
            return
        self.outcome = kind
        if kind == "succeeded":
            self.result = payload
            self.succeeded.emit(payload)
        elif kind == "failed":
            self.error = payload
            self.failed.emit(payload)
        else:
            self.result = payload
            self.cancelled.emit()
        self.ended.emit()


def run_with_progress(
    parent: QWidget | None,
    title: str,
    fn: WorkFn,
    *,
    label: str = "",
    cancellable: bool = True,
    min_duration_ms: int = 300,
) -> Any:
    """Run *fn* in a worker behind a modal progress dialog; the GUI keeps painting.

    Returns fn's result; raises :class:`Cancelled` if the user cancelled, or fn's exception.
    """
    from PySide6.QtWidgets import QProgressDialog  # (dialogs load when one is shown)

    job = Job(fn)
    dialog = QProgressDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label or tr("Working…"))
    dialog.setWindowModality(
        QtCore.Qt.WindowModality.WindowModal
        if parent
        else QtCore.Qt.WindowModality.ApplicationModal
    )
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

    from PySide6.QtCore import QEventLoop  # (its class costs the start-up; no loop runs there)

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


def run_store_job(
    parent: QWidget | None, title: str, db_path: str | Path, fn: Callable[..., Any], **kwargs: Any
) -> Any:
    """:func:`run_with_progress` for work on the database (own connection in the worker)."""
    return run_with_progress(parent, title, store_work(db_path, fn), **kwargs)


class _ReaderState:
    """What the reader thread sees: plain Python only, no QObject."""

    def __init__(self, db_path: Path, relay: _Relay) -> None:
        self.db_path = db_path
        self.relay = relay
        self.cond = threading.Condition()
        self.pending: OrderedDict[Hashable, tuple[int, Callable]] = OrderedDict()
        self.stopping = False
        self.held = False  # requests wait (StoreReader.hold)
        self.busy = False
        self.running_key: Hashable | None = None
        self.conn: sqlite3.Connection | None = None  # for interrupt() from the GUI thread


def _stop_statements_when_stopping(conn: Any, state: _ReaderState) -> None:
    """Once the reader is told to stop, every statement on its connection ends within a few
    thousand SQLite steps (``OperationalError: interrupted``). ``interrupt()`` alone is not
    enough: it stops only the statement running at that moment, and a request often runs
    several (a search's count, then its page), so the next one would run to the end while
    the window closes, keeping this connection open and the store from closing cleanly."""
    setter = getattr(conn, "set_progress_handler", None)
    if setter is not None:
        setter(lambda: 1 if state.stopping else 0, 10_000)


def _reader_thread(state: _ReaderState) -> None:
    from ..store import open_database

    store = None
    try:
        while True:
            with state.cond:
                while (not state.pending or state.held) and not state.stopping:
                    state.cond.wait()
                if state.stopping:
                    return
                key, (ticket, fn) = state.pending.popitem(last=True)  # newest first
                state.busy = True
                state.running_key = key
            try:
                if store is None:
                    store = open_database(state.db_path, migrate=False)
                    _stop_statements_when_stopping(store.conn, state)
                    with state.cond:
                        state.conn = store.conn
                        if state.stopping:  # stopped during the open: the request never runs
                            return
                result = fn(store)
            except Exception as exc:  # handed to the callback, which shows it
                result = exc
            del fn
            with state.cond:
                state.busy = False
                state.running_key = None
                if state.stopping:
                    return
            _post(state.relay, ticket, result, True)
            del result
    finally:
        with state.cond:  # stop() never interrupts a closed connection
            state.conn = None
            state.busy = False
            state.running_key = None
        if store is not None:
            store.close()


class StoreReader(QObject):
    """A background thread with its own read connection, serving read requests.

    ``submit(key, fn, callback)`` runs ``fn(store)`` off the GUI thread and calls
    ``callback(result)`` on the GUI thread (``result`` is the exception if fn raised).
    A request with the key of a queued one replaces it; the newest request runs first.
    *fn* must not hold references to widgets or models (capture plain values).
    """

    def __init__(self, db_path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._relay = _relay()
        self._state = _ReaderState(self.db_path, self._relay)
        self._thread = threading.Thread(
            target=_reader_thread, args=(self._state,), name="inspector-reader", daemon=True
        )
        self._thread.start()

    def submit(
        self,
        key: Hashable,
        fn: Callable[[Any], Any],
        callback: Callable[[Any], None],
        *,
        interrupt: bool = False,
    ) -> None:
        """Queue ``fn(store)``; with *interrupt*, a running request with the same key is
        stopped (sqlite3 ``interrupt``; its callback then gets the OperationalError)."""
        state = self._state
        ticket = self._relay.ticket(callback)
        with state.cond:
            if state.stopping:
                self._relay.handlers.pop(ticket, None)
                return
            old = state.pending.pop(key, None)
            if old is not None:
                self._relay.handlers.pop(old[0], None)
            state.pending[key] = (ticket, fn)
            if interrupt and state.running_key == key and state.conn is not None:
                state.conn.interrupt()
            state.cond.notify()

    def hold(self) -> None:
        """Let requests queue without running them until :meth:`release` (the main window
        holds its first reads until it has been painted, so they do not compete with it)."""
        with self._state.cond:
            self._state.held = True

    def release(self) -> None:
        with self._state.cond:
            self._state.held = False
            self._state.cond.notify()

    def discard(self, predicate: Callable[[Hashable], bool]) -> None:
        """Drop queued requests whose key matches (e.g. the pages of an old query)."""
        state = self._state
        with state.cond:
            for key in [k for k in state.pending if predicate(k)]:
                ticket, _fn = state.pending.pop(key)
                self._relay.handlers.pop(ticket, None)

    def is_idle(self) -> bool:
        with self._state.cond:
            return not self._state.pending and not self._state.busy

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the thread and close its connection: queued requests are dropped, the running
        one is interrupted (with every statement it would run next), and the thread is
        joined for at most *timeout* seconds. True when the thread has ended (its connection
        closed), so the window's own connection can then close alone and record a clean
        close. Safe to call more than once."""
        state = self._state
        with state.cond:
            state.stopping = True
            for ticket, _fn in state.pending.values():
                self._relay.handlers.pop(ticket, None)
            state.pending.clear()
            if state.conn is not None and state.busy:
                state.conn.interrupt()
            state.cond.notify()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the background reader did not stop within %.1f s", timeout)
            return False
        return True
