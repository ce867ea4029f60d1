"""The campaign work list on the Today page: the premises assigned to this inspector and
not yet visited, earliest due date first, overdue ones in red; **Enter** (or "Start visit")
starts the visit of the chosen row (or resumes the draft visit under way), and a sealed
visit ticks its row off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..domain.places import county_of
from ..i18n import ntr, tr
from .models.labels import premises_kind_label
from .widgets.language import follow_language

OVERDUE = QColor("#b00020")
COLUMNS = ("Due", "Premises", "Kind", "County", "Campaign", "Work state")


class WorkListTable(QTableWidget):
    """Enter starts the visit of the current row."""

    start_requested = Signal(int)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        keys = (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)  # (not Qt at start-up)
        if event.key() in keys and self.currentRow() >= 0:
            self.start_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class WorkListPanel(QWidget):
    """The work list; ``open_visit`` (set by the main window) opens a visit's editor and
    returns it, so that sealing the visit refreshes the list."""

    visit_started = Signal(str)
    changed = Signal()

    def __init__(self, store, parent: QWidget | None = None, *, today: str | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today  # fixed by tests; the computer's date otherwise
        self.open_visit: Callable[[str], Any] | None = None  # visit id -> its editor
        self.items: list[dict] = []
        self.title = QLabel(self)
        self.title.setObjectName("workListTitle")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.start_button = QPushButton(self)
        self.start_button.setObjectName("startVisitButton")
        self.start_button.clicked.connect(lambda _c=False: self.start_current())
        self.table = WorkListTable(0, len(COLUMNS), self)
        self.table.setObjectName("workListTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 96), (2, 110), (3, 90), (4, 200), (5, 130)):
            self.table.setColumnWidth(col, width)
        self.table.start_requested.connect(self.start_row)
        self.table.doubleClicked.connect(lambda index: self.start_row(index.row()))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        self.retranslate()
        follow_language(self, self.retranslate)

    # -- data ---------------------------------------------------------------------------------
    def inspector(self) -> str:
        from . import settings

        return settings.get("inspector_name") or ""

    def refresh(self) -> None:
        from ..services import campaigns as cs  # (with the visit model: not at start-up)

        try:
            # this inspector's work list; every open assignment while no name is set
            self.items = cs.work_list(self.store, self.inspector() or None, self.today)
        except Exception:  # noqa: BLE001 - Today stays usable without the work list
            self.items = []
        self._fill()
        self.setVisible(bool(self.items))
        self.changed.emit()

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.items if a["overdue"])

    def _state(self, a: dict) -> str:
        if a["draft_visit_id"]:
            return tr("visit under way")
        n = a["days_left"]
        if n is None:
            return ""
        if n < 0:
            return ntr("overdue by {n} day", "overdue by {n} days", -n).format(n=-n)
        if n == 0:
            return tr("due today")
        return ntr("{n} day left", "{n} days left", n).format(n=n)

    def _fill(self) -> None:
        current = self.table.currentRow()
        self.table.setRowCount(len(self.items))
        for i, a in enumerate(self.items):
            values = (
                a["due_date"] or "",
                a["premises_name"],
                premises_kind_label(a["kind"]),
                county_of(a["address"] or "", a["city"] or ""),
                a["campaign_name"]
                or (
                    a["note"] or tr("follow-up of a case")
                    if a["campaign_id"].startswith("case:")
                    else ""
                )
                or tr("routine work"),
                self._state(a),
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setToolTip(" · ".join(x for x in (text, a["address"]) if x))
                if a["overdue"]:
                    item.setForeground(QBrush(OVERDUE))
                    if c in (0, 5):
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                self.table.setItem(i, c, item)
        if self.items:
            self.table.setCurrentCell(min(max(current, 0), len(self.items) - 1), 0)
        self._update_title()

    def _update_title(self) -> None:
        self.title.setText(
            f"<b>{tr('Work list')}</b> · "
            + tr("{n} to visit, {overdue} overdue").format(n=self.total, overdue=self.overdue)
        )

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.start_button.setText(tr("&Start visit"))
        self.hint.setText(
            tr("Enter: start the visit of the chosen premises; a sealed visit ticks it off.")
        )
        self.table.setAccessibleName(tr("Work list"))
        self._fill()

    # -- starting a visit ---------------------------------------------------------------------
    def start_current(self) -> str | None:
        return self.start_row(self.table.currentRow())

    def start_row(self, i: int) -> str | None:
        """Start (or resume) the visit of row *i*; returns the visit id."""
        if not 0 <= i < len(self.items):
            return None
        from . import settings

        a = self.items[i]
        try:
            from ..services import campaigns as cs

            visit = cs.start_assignment(self.store, a["id"], settings.actor())
        except InputError as exc:
            from PySide6.QtWidgets import QMessageBox  # (its classes cost the start-up)

            QMessageBox.warning(self, tr("Work list"), exc.message)
            return None
        a["draft_visit_id"] = visit.id
        self._fill()
        if self.open_visit is not None:
            editor = self.open_visit(visit.id)
            if editor is not None and not getattr(editor, "_work_list_hooked", False):
                editor.changed.connect(lambda _id: self.refresh())
                editor._work_list_hooked = True
        self.visit_started.emit(visit.id)
        return visit.id
