"""The visit's header: kind of visit, time (shown in this computer's local time, stored
with its UTC offset), the officers present (at least two with certificate numbers for
enforcement work), place and notes."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...domain.visits import VISIT_KIND_LABELS, VISIT_KINDS, Officer
from ...i18n import current_language, tr, trc
from .base import VisitEditorBase


def _local_qdatetime(iso: str) -> QDateTime:
    """A stored time (ISO with its UTC offset) as this computer's local time, for display."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return QDateTime.currentDateTime()
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return QDateTime(
        QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
    )


def _edited_time(stored: str, shown: QDateTime) -> str:
    """The stored time unchanged when the field still shows it; otherwise the local time
    typed, with this computer's UTC offset (a visit's times always carry their offset)."""
    if _local_qdatetime(stored) == shown:
        return stored
    d, t = shown.date(), shown.time()
    local = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).astimezone()
    return local.isoformat(timespec="minutes")


class OfficersTable(QTableWidget):
    """The officers present, one a row (name, enforcement certificate number); an empty row
    is always last, so typing a name there adds an officer (Tab moves on)."""

    edited = Signal()

    def __init__(self, officers: list[Officer], parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("officersTable")
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setMaximumHeight(24 * 5 + 28)
        self.setMinimumHeight(24 * 3 + 28)
        self.itemChanged.connect(self._changed)
        self.set_officers([(o.name, o.certificate_no) for o in officers])

    def set_officers(self, pairs: list[tuple[str, str]]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for name, cert in [*pairs, ("", "")]:
            r = self.rowCount()
            self.insertRow(r)
            self.setItem(r, 0, QTableWidgetItem(name))
            self.setItem(r, 1, QTableWidgetItem(cert))
        self.blockSignals(False)

    def _cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text().strip() if item is not None else ""

    def officers(self) -> list[Officer]:
        out = []
        for r in range(self.rowCount()):
            name, cert = (self._cell_text(r, c) for c in (0, 1))
            if name or cert:
                out.append(Officer(name, cert))
        return out

    def _changed(self, _item) -> None:
        last = self.rowCount() - 1
        if any(self._cell_text(last, c) for c in (0, 1)):
            self.blockSignals(True)
            self.insertRow(last + 1)
            self.setItem(last + 1, 0, QTableWidgetItem(""))
            self.setItem(last + 1, 1, QTableWidgetItem(""))
            self.blockSignals(False)
        self.edited.emit()

    def remove_current(self) -> None:
        r = self.currentRow()
        if 0 <= r < self.rowCount() - 1:  # the empty last row stays
            self.removeRow(r)
            self.edited.emit()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([trc("person", "Name"), tr("Enforcement certificate no.")])
        self.setAccessibleName(tr("Officers"))


class VisitHeader(VisitEditorBase):
    place_name: str

    def _build_header(self) -> QGroupBox:
        lang = current_language()
        self.kind = QComboBox(self)
        for k in VISIT_KINDS:
            self.kind.addItem(VISIT_KIND_LABELS[k][0 if lang == "zh" else 1], k)
        self.kind.setCurrentIndex(VISIT_KINDS.index(self.visit.kind))
        self.kind.currentIndexChanged.connect(lambda _i: self._show_officer_rule())
        self.time = QDateTimeEdit(self)
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.setCalendarPopup(True)
        self.time.setDateTime(_local_qdatetime(self.visit.started_at))
        self.officers = OfficersTable(self.visit.officers, self)
        self.remove_officer_button = QPushButton(self)
        self.remove_officer_button.clicked.connect(lambda _c=False: self.officers.remove_current())
        self.officer_rule = QLabel(self)
        self.officer_rule.setObjectName("officerRule")
        self.officer_rule.setWordWrap(True)
        self.officer_rule.setStyleSheet("color: #555;")
        officers_box = QWidget(self)
        ob = QVBoxLayout(officers_box)
        ob.setContentsMargins(0, 0, 0, 0)
        ob.addWidget(self.officers)
        orow = QHBoxLayout()
        orow.addWidget(self.officer_rule, 1)
        orow.addWidget(self.remove_officer_button)
        ob.addLayout(orow)
        self.place = QLineEdit(self.visit.place, self)
        self.notes = QLineEdit(self.visit.notes, self)
        self.save_header_button = QPushButton(self)
        self.save_header_button.clicked.connect(self.save_header)
        header = QGroupBox(self.place_name, self)
        form = QFormLayout(header)
        self.form_labels: dict[str, QLabel] = {}
        for key, widget in (
            ("Kind", self.kind),
            ("Visit time", self.time),
            ("Officers", officers_box),
            ("Place", self.place),
            ("Notes", self.notes),
        ):
            self.form_labels[key] = QLabel(self)
            self.form_labels[key].setBuddy(widget if widget is not officers_box else self.officers)
            form.addRow(self.form_labels[key], widget)
        form.addRow("", self.save_header_button)
        return header

    def _show_officer_rule(self) -> None:
        from ...domain.visits import ENFORCEMENT_KINDS

        self.officer_rule.setVisible(self.kind.currentData() in ENFORCEMENT_KINDS)

    def set_officers(self, pairs: list[tuple[str, str]]) -> None:
        """Fill the officers' list (name, certificate number) as if typed."""
        self.officers.set_officers(pairs)

    def _officer_list(self) -> list[Officer]:
        return self.officers.officers()

    def save_header(self) -> bool:
        v = dataclasses.replace(
            self.visit,
            kind=self.kind.currentData(),
            started_at=_edited_time(self.visit.started_at, self.time.dateTime()),
            officers=self._officer_list(),
            place=self.place.text(),
            notes=self.notes.text(),
        )
        try:
            self.visit = self.repo.save(v, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            QMessageBox.warning(self, tr("Visit"), f"{exc.path}: {exc.message}")
            return False
        self.last_error = ""
        return True
