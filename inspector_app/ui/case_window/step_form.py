"""The small form of one legal step of a case (window-modal, never a blocking ``exec``): its
fields, and the dates and amounts typed into them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError

W = TypeVar("W", bound=QWidget)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _iso(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


def _money(text: str, where: str) -> Decimal | None:
    text = text.replace(",", "").replace("¥", "").replace("，", "").strip()
    if not text:
        return None
    from ...domain.numbers import ascii_digits

    try:
        value = Decimal(ascii_digits(text))
    except InvalidOperation:
        raise InputError(where, f"{text!r} is not an amount in yuan") from None
    exponent = value.as_tuple().exponent  # a letter for infinity and NaN
    if not isinstance(exponent, int) or exponent < -2:
        raise InputError(where, f"{text!r} is not an amount in yuan (at most 2 decimals)")
    return value


class StepForm(QDialog):
    """The fields of one legal step. OK calls *apply(form)*; an InputError keeps the form
    open with the sentence shown, so nothing typed is lost."""

    applied = Signal(object)  # what apply returned (not done: that is QDialog.done())

    def __init__(self, parent: QWidget, title: str, apply) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.apply = apply
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("stepError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def add(self, key: str, label: str, widget: W) -> W:
        widget.setObjectName(f"step_{key}")
        widget.setAccessibleName(label)
        self.fields[key] = widget
        self.form.addRow(label, widget)
        if len(self.fields) == 1:
            widget.setFocus()
        return widget

    def date(self, key: str, label: str, day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return self.add(key, label, edit)

    def field(self, key: str, kind: type[W]) -> W:
        """The field *key*, which is a *kind* (a QLineEdit, a QCheckBox…)."""
        w = self.fields[key]
        if not isinstance(w, kind):
            raise TypeError(
                f"the step field {key!r} is a {type(w).__name__}, not a {kind.__name__}"
            )
        return w

    def value(self, key: str):
        w = self.fields[key]
        if isinstance(w, QDateEdit):
            return _iso(w)
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip()
        if isinstance(w, QListWidget):
            items = [w.item(i) for i in range(w.count())]
            return [
                item.data(Qt.ItemDataRole.UserRole)
                for item in items
                if item is not None and item.checkState() == Qt.CheckState.Checked
            ]
        if isinstance(w, QLineEdit):
            return w.text().strip()
        raise TypeError(f"the step field {key!r} is a {type(w).__name__}, which holds no value")

    def _ok(self) -> None:
        try:
            result = self.apply(self)
        except InputError as exc:
            self.error.setText(str(exc.message if hasattr(exc, "message") else exc))
            self.error.show()
            return
        self.applied.emit(result)
        self.accept()
