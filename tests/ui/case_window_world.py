"""The cases window as the case-window tests use it: shown as of a day, and made the active
window for keyboard tests. The cases themselves come from ``tests/case_world.py``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QApplication

from inspector_app.ui.case_window import CaseWindow


def shown(qtbot, store, today: dt.date) -> CaseWindow:
    """The cases window as of *today*, shown."""
    win = CaseWindow(store, today=today)
    qtbot.addWidget(win)
    win.show()
    return win


def activate(qtbot, win) -> None:
    """Make *win* the active window, so that its shortcuts take keys."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
