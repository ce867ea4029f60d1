"""The Visits page of the main window (the visits with their state; new visit, open) and
the New visit dialog (a whole market or one premises)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
from ...domain.visits import VISIT_KIND_LABELS, VISIT_KINDS
from ...i18n import current_language, tr
from ...services import visits as vs
from .editor import VisitEditor


class NewVisitDialog(QDialog):
    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("New visit…"))
        self.market = QComboBox(self)
        self.market.setEditable(True)
        self.market.addItem("")
        self.market.addItems(store.premises.markets())
        self.premises = QLineEdit(self)
        self.kind = QComboBox(self)
        lang = current_language()
        for k in VISIT_KINDS:
            self.kind.addItem(VISIT_KIND_LABELS[k][0 if lang == "zh" else 1], k)
        form = QFormLayout(self)
        intro = QLabel(
            tr("Start a visit to a whole market (its stalls are swept) or to one premises."), self
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow(tr("Market name"), self.market)
        form.addRow(tr("Premises id (instead of a market)"), self.premises)
        form.addRow(tr("Kind"), self.kind)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)


class VisitsPage(QWidget):
    """The visits of this database, newest first; Enter or double-click opens one."""

    # a visit added an instrument to the register or started an inspection
    data_changed = Signal()

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.editors: dict[str, VisitEditor] = {}
        # set by the main window: opens an inspection's editor
        self.open_inspection: Callable[[str], object] | None = None
        self.new_button = QPushButton(tr("New visit…"), self)
        self.open_button = QPushButton(tr("Open visit"), self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("visitsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.new_button.clicked.connect(lambda _c=False: self.new_visit())
        self.open_button.clicked.connect(lambda _c=False: self.open_current())
        self.search.textChanged.connect(lambda _t: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.ids: list[str] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                tr(t)
                for t in (
                    "Day",
                    "Premises or market",
                    "Kind",
                    "Visit state",
                    "Instruments",
                    "Checked",
                    "Failed",
                )
            ]
        )

    def refresh(self) -> None:
        lang = current_language()
        rows = vs.repo(self.store).list(search=self.search.text().strip(), limit=1000)
        self.ids = [r.id for r in rows]
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = [
                r.day,
                r.premises_name,
                VISIT_KIND_LABELS[r.kind][0 if lang == "zh" else 1],
                tr(r.status),
                str(r.rows),
                str(r.checked),
                str(r.failed),
            ]
            for c, text in enumerate(values):
                self.table.setItem(i, c, QTableWidgetItem(text))

    def focus_search(self) -> None:
        self.search.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_current()
            return
        super().keyPressEvent(event)

    def open_current(self) -> VisitEditor | None:
        i = self.table.currentRow()
        return self.open_visit(self.ids[i]) if 0 <= i < len(self.ids) else None

    def open_visit(self, visit_id: str) -> VisitEditor:
        editor = self.editors.get(visit_id)
        if editor is None:
            editor = VisitEditor(self.store, visit_id, self)
            editor.setWindowFlag(Qt.WindowType.Window, True)
            editor.changed.connect(lambda _id: self.refresh())
            editor.records_changed.connect(self.data_changed.emit)
            editor.inspection_requested.connect(self._open_inspection)
            self.editors[visit_id] = editor
        editor.show()
        editor.raise_()
        return editor

    def _open_inspection(self, inspection_id: str) -> None:
        if self.open_inspection is not None:
            self.open_inspection(inspection_id)

    def new_visit(
        self, market: str | None = None, premises_id: str | None = None, kind: str = "routine"
    ):
        from .. import settings

        if market is None and premises_id is None:
            dialog = NewVisitDialog(self.store, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            market = dialog.market.currentText().strip()
            premises_id = dialog.premises.text().strip() or None
            kind = dialog.kind.currentData()
        try:
            v = vs.new_visit(
                self.store,
                inspector=settings.actor(),
                premises_id=premises_id,
                market="" if premises_id else (market or ""),
                kind=kind,
            )
        except InputError as exc:
            QMessageBox.warning(self, tr("Visit"), exc.message)
            return None
        self.refresh()
        return self.open_visit(v.id)
