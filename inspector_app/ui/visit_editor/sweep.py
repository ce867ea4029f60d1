"""The sweep: one row per instrument of the visit, walked with the keyboard (see the
package's docstring), each change saved and judged at once."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...domain.numbers import fmt, parse_decimal
from ...domain.visits import ROW_CHECKS
from ...i18n import tr
from ...services import visits as vs
from .base import VisitEditorBase

CHECK_TITLES = {
    "mark": "Mark",
    "seal": "Seal",
    "nameplate": "Nameplate",
    "approval": "Approval",
}
COLUMNS = (
    "instrument",
    *ROW_CHECKS,
    "load",
    "indication",
    "error",
    "cheating",
    "verdict",
    "full",
)
TITLES = {
    "instrument": "Instrument",
    **CHECK_TITLES,
    "load": "Known weight",
    "indication": "Reading",
    "error": "Error / MPE",
    "cheating": "Cheating",
    "verdict": "Result",
    "full": "Full",
}
EDITABLE = {"load", "indication"}
ANSWER_TEXT = {"yes": "yes", "no": "no", "na": "n.a.", "": ""}
FAIL_BG = QColor("#f8d7da")
PASS_BG = QColor("#e6f4ea")


def _answer_text(value: str) -> str:
    """yes / no / n.a. in the window's language; nothing for an unanswered check (gettext
    would answer an empty text with its catalogue header)."""
    return tr(ANSWER_TEXT[value]) if value else ""


def _col(name: str) -> int:
    return COLUMNS.index(name)


class SweepTable(QTableWidget):
    """The sweep's keyboard: see the module's docstring."""

    row_ok = Signal(int)
    answer = Signal(int, str, str)  # row, column key, value
    rest_ok = Signal()
    full_requested = Signal(int)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        row, col = self.currentRow(), self.currentColumn()
        column = COLUMNS[col] if 0 <= col < len(COLUMNS) else ""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        if mods == Qt.KeyboardModifier.NoModifier and row >= 0:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.setCurrentCell(min(row + 1, self.rowCount() - 1), col)
                return
            if key == Qt.Key.Key_Space:
                self.row_ok.emit(row)
                self.setCurrentCell(min(row + 1, self.rowCount() - 1), col)
                return
            letter = event.text().lower()
            if column in ROW_CHECKS and letter in ("y", "n", "-"):
                self.answer.emit(row, column, {"y": "yes", "n": "no", "-": "na"}[letter])
                return
            if column == "cheating" and letter in ("y", "n"):
                self.answer.emit(row, column, {"y": "yes", "n": "no"}[letter])
                return
            if letter == "c":  # a sign of cheating, from any column
                self.answer.emit(row, "cheating", "yes")
                return
        super().keyPressEvent(event)


class SweepRows(VisitEditorBase):
    def _build_sweep(self) -> QWidget:
        self.table = SweepTable(0, len(COLUMNS), self)
        self.table.setObjectName("sweepTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(_col("instrument"), QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.row_ok.connect(self.mark_row_ok)
        self.table.answer.connect(self.set_answer)
        self.table.itemChanged.connect(self._item_changed)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setObjectName("sweepCounts")
        self.rest_button = QPushButton(self)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addInstrumentRow")
        self.add_button.clicked.connect(lambda _c=False: self.add_instrument())
        self.full_button = QPushButton(self)
        self.finalize_button = QPushButton(self)
        self.rest_button.clicked.connect(lambda _c=False: self.rest_all_ok())
        self.full_button.clicked.connect(lambda _c=False: self.full_inspection())
        self.finalize_button.clicked.connect(lambda _c=False: self.finalize())
        self.shortcut_actions: dict[str, QAction] = {}
        for name, text, shortcut, slot in (
            ("rest_ok", "Rest all OK", "Ctrl+R", self.rest_all_ok),
            ("full_inspection", "Full inspection", "Ctrl+I", self.full_inspection),
            ("add_instrument", "Add instrument…", "Ctrl+Shift+N", self.add_instrument),
        ):
            act = QAction(self)
            self.shortcut_actions[text] = act
            act.setObjectName(name)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(act)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counts, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rest_button)
        buttons.addWidget(self.full_button)
        buttons.addWidget(self.finalize_button)
        sweep = QWidget(self)
        sl = QVBoxLayout(sweep)
        sl.setContentsMargins(0, 0, 0, 0)
        self.sweep_title = QLabel(self)
        sl.addWidget(self.sweep_title)
        sl.addWidget(self.hint)
        sl.addWidget(self.table, 1)
        sl.addLayout(buttons)
        return sweep

    # -- table --------------------------------------------------------------------------------
    def _fill(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            self._fill_row(i, row)
        self.table.blockSignals(False)
        self._update_counts()

    def _fill_row(self, i: int, row) -> None:
        self.table.blockSignals(True)
        verdict = row.verdict
        values = {
            "instrument": row.label or row.identity_code,
            **{k: _answer_text(getattr(row, k)) for k in ROW_CHECKS},
            "load": row.load,
            "indication": row.indication,
            "error": f"{row.error} / ±{row.mpe}" if row.mpe else row.error,
            "cheating": {"yes": tr("yes"), "no": tr("no"), "": ""}[row.cheating],
            "verdict": tr(verdict) if verdict else "",
            "full": "✓" if row.inspection_id else "",
        }
        for c, text in values.items():
            item = QTableWidgetItem(text)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if c in EDITABLE and self.visit.status == "draft":
                flags |= Qt.ItemFlag.ItemIsEditable
            item.setFlags(flags)
            if c == "instrument":
                item.setToolTip(row.identity_code)
            if verdict == "fail":
                item.setBackground(FAIL_BG)
            elif verdict == "pass" and c == "verdict":
                item.setBackground(PASS_BG)
            self.table.setItem(i, _col(c), item)
        self.table.blockSignals(False)

    def _update_counts(self) -> None:
        checked = sum(1 for r in self.rows if r.checked or r.quick_verdict)
        failed = sum(1 for r in self.rows if r.verdict == "fail")
        full = sum(1 for r in self.rows if r.inspection_id)
        self.counts.setText(
            tr("{checked} of {rows} checked, {failed} failed, {full} full inspections").format(
                checked=checked, rows=len(self.rows), failed=failed, full=full
            )
        )

    def _save(self, index: int | None = None) -> bool:
        try:
            saved = vs.save_rows(self.store, self.visit.id, self.rows, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(f"{tr('Not saved')}: {exc.path}: {exc.message}", 8000)
            self.rows = self.repo.rows(self.visit.id)
            self._fill()
            return False
        self.rows = saved
        self.last_error = ""
        if index is None:
            self._fill()
        else:
            self._fill_row(index, self.rows[index])
            self._update_counts()
        self.changed.emit(self.visit.id)
        return True

    def mark_row_ok(self, i: int) -> None:
        if self.visit.status != "draft" or not 0 <= i < len(self.rows):
            return
        r = self.rows[i]
        changes = {k: getattr(r, k) or "yes" for k in ROW_CHECKS}
        changes["cheating"] = r.cheating or "no"
        self.rows[i] = dataclasses.replace(r, **changes)
        self._save(i)

    def set_answer(self, i: int, key: str, value: str) -> None:
        if self.visit.status != "draft" or not 0 <= i < len(self.rows):
            return
        self.rows[i] = dataclasses.replace(self.rows[i], **{key: value, "rest_ok": False})
        self._save(i)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        key = COLUMNS[item.column()]
        if key not in EDITABLE:
            return
        i = item.row()
        text = item.text().strip()
        if text:
            try:
                text = fmt(parse_decimal(text, f"rows[{i}].{key}"))
            except InputError as exc:  # refused in place: the cell keeps what it had
                self.last_error = exc.message
                self.statusBar().showMessage(f"{tr('Not saved')}: {exc.path}: {exc.message}", 8000)
                self._fill_row(i, self.rows[i])
                return
        r = dataclasses.replace(self.rows[i], **{key: text})
        self.rows[i] = r
        if bool(r.load) == bool(r.indication):  # judged once both are there
            if self._save(i) and key == "indication":  # on to the start of the next row
                self.table.setCurrentCell(min(i + 1, self.table.rowCount() - 1), _col("mark"))
        elif key == "load":
            self.table.setCurrentCell(i, _col("indication"))

    def rest_all_ok(self) -> int:
        if self.visit.status != "draft":
            return 0
        n = vs.mark_rest_ok(self.store, self.visit.id, self.visit.inspector)
        self.rows = self.repo.rows(self.visit.id)
        self._fill()
        self.changed.emit(self.visit.id)
        return n

    def add_instrument(self, instrument_id: str | None = None) -> int | None:
        """An instrument found on the spot: entered in the register (the instrument dialog,
        at the premises of the current row, or of the visit) unless *instrument_id* names
        one, then added as a new row at the end of the sweep, the cursor on it. Returns the
        row's index."""
        if self.visit.status != "draft":
            return None
        if instrument_id is None:
            from ..instrument_editor import InstrumentEditor

            i = self.table.currentRow()
            here = self.rows[i].premises_id if 0 <= i < len(self.rows) else None
            dialog = InstrumentEditor(
                self.store, None, self, premises_id=here or self.visit.premises_id
            )
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_instrument is None:
                return None
            instrument_id = dialog.saved_instrument.id
        try:
            vs.add_instrument_row(self.store, self.visit.id, instrument_id, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(f"{tr('Not saved')}: {exc.message}", 8000)
            return None
        self.rows = self.repo.rows(self.visit.id)
        self._fill()
        row = len(self.rows) - 1
        self.table.setCurrentCell(row, _col("mark"))
        self.table.setFocus()
        self.changed.emit(self.visit.id)
        self.records_changed.emit()
        return row

    def full_inspection(self) -> str | None:
        i = self.table.currentRow()
        if self.visit.status != "draft" or not 0 <= i < len(self.rows):
            return None
        try:
            inspection_id = vs.full_inspection(
                self.store, self.visit.id, self.rows[i].seq, self.visit.inspector
            )
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(exc.message, 8000)
            return None
        self.rows = self.repo.rows(self.visit.id)
        self._fill_row(i, self.rows[i])
        self._update_counts()
        self.records_changed.emit()
        self.inspection_requested.emit(inspection_id)
        return inspection_id
