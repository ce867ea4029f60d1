"""Findings of an inspection (nonconformity, legal basis, severity, action): a table with
add / edit / remove and a quick-add menu of the form's checklist findings (cheating first).

The panel asks; the editor changes the inspection through undo commands and hands the
new list back with :meth:`set_findings`.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...domain.models import SEVERITIES, Finding, new_id
from ...domain.validation import validate_finding
from ...i18n import current_language, tr
from ...services import drafts
from .field_error import FieldError, translate_message

ROOT = QModelIndex()  # the invisible root: a table has no children


class FindingsModel(QAbstractTableModel):
    COLUMNS = ("Code", "Finding", "Legal basis", "Severity", "Action", "Cheating")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        self.beginResetModel()
        self.findings = list(findings)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.findings)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return tr(self.COLUMNS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.findings):
            return str(section + 1)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            not index.isValid()
            or index.row() >= len(self.findings)
            or index.column() >= len(self.COLUMNS)
        ):
            return None
        f = self.findings[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [
                f.code,
                f.text,
                f.legal_basis,
                tr(f.severity),
                f.action,
                "⚠ " + tr("Cheating") if f.cheating else "",
            ][col]
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and (f.cheating or f.severity == "critical")
            and col in (3, 5)
        ):
            return QBrush(QColor("#9b0019"))
        return None


class FindingDialog(QDialog):
    """Add or edit one finding; refuses an invalid one with the message at the field."""

    def __init__(self, finding: Finding | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add / edit finding"))
        self.original = finding
        self.code = QLineEdit(finding.code if finding else "")
        self.text = QPlainTextEdit(finding.text if finding else "")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(70)
        self.legal_basis = QLineEdit(finding.legal_basis if finding else "")
        self.severity = QComboBox()
        for s in SEVERITIES:
            self.severity.addItem(tr(s), s)
        self.severity.setCurrentIndex(SEVERITIES.index(finding.severity) if finding else 1)
        self.action = QLineEdit(finding.action if finding else "")
        self.cheating = QCheckBox(tr("Cheating"))
        self.cheating.setChecked(bool(finding and finding.cheating))
        self.error = FieldError()
        form = QFormLayout()
        form.addRow(tr("Code"), self.code)
        form.addRow(tr("Finding"), self.text)
        form.addRow(tr("Legal basis"), self.legal_basis)
        form.addRow(tr("Severity"), self.severity)
        form.addRow(tr("Action"), self.action)
        form.addRow("", self.cheating)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.result_finding: Finding | None = None
        self.resize(520, 300)

    def finding(self) -> Finding:
        return Finding(
            id=self.original.id if self.original else new_id(),
            code=self.code.text(),
            text=self.text.toPlainText(),
            legal_basis=self.legal_basis.text(),
            severity=self.severity.currentData(),
            action=self.action.text(),
            cheating=self.cheating.isChecked(),
        )

    def accept(self) -> None:
        try:
            self.result_finding = validate_finding(self.finding())
        except InputError as exc:
            self.error.show_message(
                f"{tr(exc.path.split('.')[-1].replace('_', ' ').capitalize())}: "
                f"{translate_message(exc.message)}"
            )
            return
        super().accept()


class FindingsPanel(QWidget):
    """``add_requested(Finding)``, ``edit_requested(index, Finding)``, ``remove_requested(index)``."""

    add_requested = Signal(object)
    edit_requested = Signal(int, object)
    remove_requested = Signal(int)

    def __init__(self, questions=(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.questions = list(questions)
        self.flagged: set[str] = set()
        self.model = FindingsModel(self)
        self.view = QTableView()
        self.view.setObjectName("findingsView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.view.setMinimumHeight(110)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_new)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_selected)
        self.quick = QToolButton()
        self.quick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.quick_menu = QMenu(self)
        self.quick_menu.aboutToShow.connect(self._fill_quick_menu)
        self.quick.setMenu(self.quick_menu)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button, self.quick):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.dialog_factory = FindingDialog  # tests replace it
        self.retranslate()

    # -- shown ------------------------------------------------------------------------------
    def set_findings(self, findings: list[Finding]) -> None:
        self.model.set_findings(findings)
        self.view.resizeColumnToContents(0)

    def set_flagged(self, keys: set[str]) -> None:
        self.flagged = set(keys)

    def set_read_only(self, read_only: bool) -> None:
        for b in (self.add_button, self.edit_button, self.remove_button, self.quick):
            b.setEnabled(not read_only)

    # -- asked ------------------------------------------------------------------------------
    def add_new(self) -> None:
        dlg = self.dialog_factory(None, self)
        if dlg.exec() == QDialog.DialogCode.Accepted and dlg.result_finding is not None:
            self.add_requested.emit(dlg.result_finding)

    def edit_selected(self) -> None:
        row = self.view.currentIndex().row()
        if row < 0 or row >= len(self.model.findings):
            return
        dlg = self.dialog_factory(self.model.findings[row], self)
        if dlg.exec() == QDialog.DialogCode.Accepted and dlg.result_finding is not None:
            self.edit_requested.emit(row, dlg.result_finding)

    def remove_selected(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < len(self.model.findings):
            self.remove_requested.emit(row)

    def quick_finding(self, key: str) -> Finding:
        """The finding a checklist question stands for (cheating: critical, confiscation),
        worded as the non-conformity (a failed "seals intact" is "seals broken or missing").
        Its code is the question's key: a report prints the form's wording of that code in
        the document's language (both languages live in the form), unless the text was
        edited."""
        q = next(q for q in self.questions if q.key == key)
        lang = current_language()
        cheating = q.group == "cheating"
        return Finding(
            new_id(),
            q.key,
            q.failed_wording(lang),
            drafts.LEGAL_BASIS[q.group],
            "critical" if cheating else "major",
            "立案调查" if cheating and lang == "zh" else ("Open a case" if cheating else ""),
            cheating=cheating,
        )

    def _fill_quick_menu(self) -> None:
        self.quick_menu.clear()
        lang = current_language()
        present = {f.code for f in self.model.findings}
        ordered = sorted(
            self.questions, key=lambda q: (q.key not in self.flagged, q.group != "cheating")
        )
        for q in ordered:
            text = q.failed_wording(lang)
            if q.key in self.flagged:
                text = f"⚠ {text}"
            action = QAction(text, self.quick_menu)
            action.setEnabled(q.key not in present)
            action.triggered.connect(
                lambda _c=False, k=q.key: self.add_requested.emit(self.quick_finding(k))
            )
            self.quick_menu.addAction(action)

    def retranslate(self) -> None:
        self.add_button.setText(tr("Add finding…"))
        self.edit_button.setText(tr("Edit finding…"))
        self.remove_button.setText(tr("Remove finding"))
        self.quick.setText(tr("Quick add"))
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, len(FindingsModel.COLUMNS) - 1
        )
        if self.model.findings:
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(len(self.model.findings) - 1, len(FindingsModel.COLUMNS) - 1),
            )


def replace_finding(findings: list[Finding], index: int, finding: Finding) -> list[Finding]:
    out = list(findings)
    out[index] = dataclasses.replace(finding)
    return out
