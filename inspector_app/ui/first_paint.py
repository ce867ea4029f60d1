"""Start-up work that the window's first paint does not need waits for that paint.

``after_first_paint(window, work)`` calls *work* once, just after *window* is painted for the
first time (the main window's rule data, backup and questions; a page's slower reads), so
the window shows as soon as it can. Nothing can be typed or clicked before the window is
painted, so what runs here is in place before the user's first action.

A window may report its own paints instead (the main window does, from its ``paintEvent``):
it keeps a list ``paint_watches`` and calls :meth:`FirstPaint.painted` on each; no event
filter is installed on it then. An event filter written in Python is called for every event
of the window, and PySide wraps each event for it (about 1 ms of the start per filter, most
of it while the window is shown and painted).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Calls *work* once, just after *window*'s first paint, or after *fallback_ms* when it
    is not painted by then (e.g. started minimised). With *only_if_visible*, a window closed
    (hidden) before that gets nothing more. With *start* false, the watch begins at
    :meth:`start`: a window that makes its own watch first and builds itself afterwards
    starts it at the end of the build, so the hundred-odd events of the build (each action
    and child added) do not each call this filter in Python. With ``start(watch=False)``
    the window reports its paints itself (:meth:`painted`)."""

    def __init__(
        self,
        window: QWidget,
        work: Callable[[], object],
        fallback_ms: int = 1000,
        *,
        only_if_visible: bool = True,
        start: bool = True,
    ) -> None:
        super().__init__(window)
        self._work: Callable[[], object] | None = work
        self._only_if_visible = only_if_visible
        self._fallback_ms = fallback_ms
        self._watching = False
        if start:
            self.start()

    def start(self, *, watch: bool = True) -> None:
        """Start the fallback's clock and watch the window for its first paint (with *watch*
        false the window reports it: :meth:`painted`)."""
        window = self.parent()
        if self._work is not None and isinstance(window, QWidget):
            self._watching = watch
            if watch:
                window.installEventFilter(self)
            QTimer.singleShot(self._fallback_ms, self, self.run)

    @property
    def pending(self) -> bool:
        return self._work is not None

    def painted(self) -> None:
        """The window is being painted: the work runs when this paint is done."""
        if self._work is not None:
            QTimer.singleShot(0, self, self.run)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.painted()
        return False

    def run(self) -> None:
        work = self._work
        self.cancel()
        window = self.parent()
        if work is None or not isinstance(window, QWidget):
            return
        if window.isVisible() or not self._only_if_visible:
            work()

    def cancel(self) -> None:
        if self._work is not None:
            self._work = None
            window = self.parent()
            if self._watching and isinstance(window, QWidget):
                window.removeEventFilter(self)


def after_first_paint(
    window: QWidget, work: Callable[[], object], fallback_ms: int = 1000
) -> FirstPaint:
    """Run *work* once *window* has been painted for the first time (told by the window
    itself when it keeps ``paint_watches``, else by an event filter)."""
    watches = getattr(window, "paint_watches", None)
    if not isinstance(watches, list):
        return FirstPaint(window, work, fallback_ms)
    first = FirstPaint(window, work, fallback_ms, start=False)
    first.start(watch=False)
    watches.append(first)
    return first
