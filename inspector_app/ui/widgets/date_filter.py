"""A date field for filters whose lowest value means "any date" (Inspections, the office pages)."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QWidget,
)

from ...i18n import tr


class DateFilter(QDateEdit):
    """A date field whose lowest value means "any date"."""

    ANY = QDate(2000, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(self.ANY)
        self.setDate(self.ANY)
        self.setSpecialValueText(tr("any date"))

    def iso(self) -> str | None:
        return None if self.date() == self.ANY else self.date().toString("yyyy-MM-dd")

    def set_iso(self, value: str | None) -> None:
        self.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else self.ANY)

    def retranslate(self) -> None:
        self.setSpecialValueText(tr("any date"))
