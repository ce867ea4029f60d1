"""A search field that searches as you type, debounced (default 150 ms)."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class SearchBox(QLineEdit):
    """Emits ``search_changed(text)`` once typing pauses; Escape clears the field."""

    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, delay_ms: int = 150) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setMaxLength(200)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._fire)
        self.textChanged.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self._fire)
        self._last: str | None = ""

    def _fire(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.search_changed.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == QtCore.Qt.Key.Key_Escape and self.text():
            self.clear()
            self._fire()
            return
        super().keyPressEvent(event)
