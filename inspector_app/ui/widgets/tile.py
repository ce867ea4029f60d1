"""A figure tile: a title, a large value and a small note (dashboard and office statistics)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Tile(QFrame):
    def __init__(self, parent: QWidget, value_scale: float = 2.0) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self)
        self.value = QLabel("—", self)
        self.note = QLabel(self)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * value_scale)
        font.setBold(True)
        self.value.setFont(font)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
