"""The cases window: the cases on the left (search, state filter, only overdue), the chosen
case's page on the right with the buttons of its next legal steps and its documents below."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr, trc
from ..widgets.language import follow_language
from .documents import CaseDocuments
from .page import case_html, next_steps
from .step_form import StepForm
from .steps import CaseSteps
from .texts import NO_CASES, STEP_TITLES, t


class CaseWindow(CaseSteps, CaseDocuments, QWidget):
    """Cases on the left, the chosen case on the right, its next steps below it."""

    COLUMNS = ("Case no.", "State", "Party", "Next deadline", "Overdue")

    def __init__(self, store, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("caseWindow")
        # closing the main window ends the program even while this one is open
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.store = store
        self.today = today
        self.rows: list[dict] = []
        self.current_id: str | None = None
        self.form: StepForm | None = None
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.search = QLineEdit(self)
        self.search.setObjectName("caseSearch")
        self.search.setClearButtonEnabled(True)
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("caseStateFilter")
        self.only_overdue = QCheckBox(self)
        self.only_overdue.setObjectName("caseOnlyOverdue")
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("caseNew")
        self.new_button.clicked.connect(self.new_case)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("caseTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.page = QTextBrowser(self)
        self.page.setObjectName("casePage")
        self.page.setOpenLinks(False)
        self.actions_box = QHBoxLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        self.doc_kind = QComboBox(self)
        self.doc_kind.setObjectName("caseDocumentKind")
        self.sign = QCheckBox(self)
        self.sign.setObjectName("caseSignDocument")
        self.save_doc = QPushButton(self)
        self.save_doc.setObjectName("caseSaveDocument")
        self.save_doc.clicked.connect(self.save_document)
        self.next_label = QLabel(self)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.page, 1)
        rl.addWidget(self.next_label)
        rl.addLayout(self.actions_box)
        docs = QHBoxLayout()
        docs.addWidget(self.doc_kind, 1)
        docs.addWidget(self.sign)
        docs.addWidget(self.save_doc)
        rl.addLayout(docs)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.state_filter, 1)
        filters.addWidget(self.only_overdue)
        ll.addWidget(self.new_button)
        ll.addLayout(filters)
        ll.addWidget(self.table, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.search.textChanged.connect(self._fill_table)
        self.state_filter.currentIndexChanged.connect(self._fill_table)
        self.only_overdue.toggled.connect(self._fill_table)
        self.table.itemSelectionChanged.connect(self._selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_document)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.new_case)
        QShortcut(QKeySequence("Escape"), self, self.close)
        self.resize(1200, 720)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.refresh()

    # -- data ------------------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def refresh(self) -> None:
        from ...services.case_lists import list_cases

        self.rows = list_cases(self.store, today=self._today())
        self._fill_table()

    def _visible_rows(self) -> list[dict]:
        text = self.search.text().strip().lower()
        state = self.state_filter.currentData()
        out = []
        for r in self.rows:
            if state and r["status"] != state:
                continue
            if self.only_overdue.isChecked() and not r["overdue"]:
                continue
            if text and text not in r["party"].lower() and text not in r["case_no"].lower():
                continue
            out.append(r)
        return out

    def _fill_table(self) -> None:
        keep = self.current_id
        rows = self._visible_rows()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            nxt = r["next_deadline"]
            deadline = f"{tr('case deadline: ' + nxt['key'])} {nxt['due']}" if nxt else "—"
            cells = [
                r["case_no"],
                t(r["status"]),
                r["party"],
                deadline,
                trc("case", "overdue") if r["overdue"] else "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                if r["overdue"]:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(i, j, item)
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(3)
        if not rows:
            self.current_id = None
            self._show_case()
        elif keep and any(r["id"] == keep for r in rows):
            self.select_case(keep)
        else:
            self.table.selectRow(0)
        overdue = sum(1 for r in self.rows if r["overdue"])
        self.status.setText(
            f"{len(rows)} / {len(self.rows)}" + (f" · {tr('Overdue')} {overdue}" if overdue else "")
        )

    def select_case(self, case_id: str) -> bool:
        """Show the case with this id (the filters are cleared when it is hidden)."""
        for attempt in range(2):
            for i in range(self.table.rowCount()):
                item = self.table.item(i, 0)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == case_id:
                    self.table.selectRow(i)
                    self.current_id = case_id
                    self._show_case()
                    return True
            if attempt == 0:
                self.search.clear()
                self.state_filter.setCurrentIndex(0)
                self.only_overdue.setChecked(False)
        return False

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        if item is not None:
            self.current_id = item.data(Qt.ItemDataRole.UserRole)
        self._show_case()

    def current_case(self):
        from ...services.case_common import repo

        return repo(self.store).get(self.current_id) if self.current_id else None

    # -- the case page ---------------------------------------------------------------------
    def _show_case(self) -> None:
        from ...services import case_lists

        case = self.current_case()
        for b in self.step_buttons.values():
            b.hide()  # at once: deleteLater waits for the event loop, meanwhile both sets showed
            self.actions_box.removeWidget(b)
            b.deleteLater()
        self.step_buttons = {}
        self.doc_kind.clear()
        if case is None:
            self.page.setHtml(
                f"<p>{escape(tr('Choose a case on the left.') if self.rows else t(NO_CASES))}</p>"
            )
            self.save_doc.setEnabled(False)
            self.next_label.setText("")
            return
        data = case_lists.summary(self.store, case, self._today())
        self.page.setHtml(case_html(case, data))
        for key in next_steps(case):
            b = QPushButton(t(STEP_TITLES[key]), self)
            b.setObjectName(f"step_{key}")
            b.clicked.connect(lambda _c=False, k=key: self.start_step(k))
            self.actions_box.addWidget(b)
            self.step_buttons[key] = b
        self.next_label.setText(f"<b>{escape(tr('Next step'))}</b>" if self.step_buttons else "")
        self._show_documents(case)

    # -- language ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(tr("Enforcement cases"))
        self.table.setHorizontalHeaderLabels([t(c) for c in self.COLUMNS])
        self.table.setAccessibleName(tr("Enforcement cases"))
        self.search.setPlaceholderText(tr("Search party or case no."))
        self.search.setAccessibleName(tr("Search party or case no."))
        current = self.state_filter.currentData()
        self.state_filter.blockSignals(True)
        self.state_filter.clear()
        self.state_filter.addItem(tr("All states"), "")
        from ...domain.cases import STATES

        for s in STATES:
            self.state_filter.addItem(t(s), s)
        self.state_filter.setCurrentIndex(max(0, self.state_filter.findData(current or "")))
        self.state_filter.blockSignals(False)
        self.state_filter.setAccessibleName(trc("case", "State"))
        self.only_overdue.setText(tr("Only overdue"))
        self.new_button.setText(tr("New case from a failed inspection…"))
        self.sign.setText(tr("Sign it"))
        self.save_doc.setText(tr("Save document…"))
        self.doc_kind.setAccessibleName(tr("Documents"))
        self.page.setAccessibleName(tr("Enforcement cases"))
        if not self.isVisible():  # hidden: redrawn when shown
            self._stale = True
            return
        import sqlite3

        try:
            if self.rows:
                self._fill_table()
            else:
                self._show_case()
        except sqlite3.ProgrammingError:  # its database was closed with the main window
            self.close()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self._stale = False
            self.refresh()


def open_case_window(
    store, parent: QWidget | None = None, case_id: str | None = None
) -> CaseWindow:
    """The window (one per main window), raised, showing *case_id* when given."""
    win = getattr(parent, "_case_window", None) if parent is not None else None
    if win is None or win.store is not store:
        win = CaseWindow(store, parent)
        if parent is not None:  # one per window: found again by the getattr above
            setattr(parent, "_case_window", win)  # noqa: B010
    else:
        win.refresh()
    if case_id:
        win.select_case(case_id)
    win.show()
    win.raise_()
    win.activateWindow()
    return win
