"""Windows that fit the screen they open on (a 1366×768 laptop included)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME = 32  # title bar and borders the window manager adds


def fit_to_screen(window: QWidget) -> None:
    """Shrink *window* (not maximised) so it fits the available area of its screen,
    title bar included, and keep it on that screen."""
    if window.isMaximized() or window.isFullScreen():
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    avail = screen.availableGeometry()
    w = min(window.width(), avail.width())
    h = min(window.height(), avail.height() - FRAME)
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
    x = min(max(window.x(), avail.x()), avail.right() - w + 1)
    y = min(max(window.y(), avail.y()), avail.bottom() - h - FRAME + 1)
    if (x, y) != (window.x(), window.y()):
        window.move(x, max(avail.y(), y))
