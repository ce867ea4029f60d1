"""Conflicts side by side: the open conflicts on the left; the chosen one field by field
(here | incoming, differences highlighted) on the right; Keep here / Keep incoming records the
choice (``services.sync.resolve_conflict``, audited)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...i18n import ntr, tr
from ..widgets.language import follow_language

ENTITY_LABELS = {
    "premises": ("受检单位", "Premises"),
    "instrument": ("计量器具", "Instrument"),
    "standard": ("计量标准器", "Reference standard"),
    "inspection": ("检查记录", "Inspection"),
    "review": ("审核", "Review"),
}


def _title(conflict) -> str:
    from ...i18n import pick
    from ...services import conflicts as cf

    title = cf.conflict_title(conflict)
    label = ENTITY_LABELS.get(conflict.entity)
    if label and title.startswith(conflict.entity):
        title = pick(label) + title[len(conflict.entity) :]
    return title


DIFF_BRUSH = QBrush(QColor("#fdebd0"))


class ConflictsPage(QWidget):
    resolved = Signal(str, str)  # conflict id, side kept

    def __init__(self, store, parent: QWidget | None = None, *, actor: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.conflicts: list = []
        self.current = None
        self.count_label = QLabel(self)
        self.list = QListWidget(self)
        self.list.setObjectName("conflictList")
        self.title = QLabel(self)
        self.title.setObjectName("conflictTitle")
        self.title.setWordWrap(True)
        self.only_diff = QCheckBox(self)
        self.only_diff.setObjectName("onlyDifferences")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("conflictFields")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.keep_local = QPushButton(self)
        self.keep_local.setObjectName("keepLocalButton")
        self.keep_incoming = QPushButton(self)
        self.keep_incoming.setObjectName("keepIncomingButton")
        self.message = QLabel(self)
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.count_label)
        ll.addWidget(self.list, 1)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.only_diff)
        rl.addLayout(head)
        rl.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_local)
        buttons.addWidget(self.keep_incoming)
        buttons.addStretch(1)
        rl.addLayout(buttons)
        rl.addWidget(self.message)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.list.currentRowChanged.connect(self._show_row)
        self.only_diff.toggled.connect(lambda _on: self._fill())
        self.keep_local.clicked.connect(lambda: self.resolve("local"))
        self.keep_incoming.clicked.connect(lambda: self.resolve("incoming"))
        self.retranslate()
        follow_language(self, self.retranslate)

    def refresh(self) -> None:
        from ...services import conflicts as cf

        self.conflicts = cf.open_conflicts(self.store)
        self.list.blockSignals(True)
        self.list.clear()
        for c in self.conflicts:
            item = QListWidgetItem(f"{_title(c)}\n{tr(c.reason)}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setToolTip(c.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.count_label.setText(
            ntr("{n} open conflict", "{n} open conflicts", len(self.conflicts)).format(
                n=len(self.conflicts)
            )
            if self.conflicts
            else tr("No open conflicts.")
        )
        self.list.setCurrentRow(0 if self.conflicts else -1)
        self._show_row(self.list.currentRow())

    def activated(self) -> None:
        self.refresh()

    def _show_row(self, row: int) -> None:
        self.current = self.conflicts[row] if 0 <= row < len(self.conflicts) else None
        self._fill()

    def _fill(self) -> None:
        from ...services import conflicts as cf

        c = self.current
        self.keep_local.setEnabled(c is not None)
        self.keep_incoming.setEnabled(c is not None)
        if c is None:
            self.title.setText("")
            self.table.setRowCount(0)
            return
        self.title.setText(
            f"<b>{_title(c)}</b><br>{tr('Reason: {reason}').format(reason=tr(c.reason))}"
        )
        rows = cf.conflict_fields(c, only_differences=self.only_diff.isChecked())
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for col, text in enumerate((r.field, r.local, r.incoming)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if r.differs:
                    item.setBackground(DIFF_BRUSH)
                    if col == 0:
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                self.table.setItem(i, col, item)

    def resolve(self, keep: str) -> bool:
        from ...services import conflicts as cf

        c = self.current
        if c is None:
            return False
        try:
            kept = cf.resolve(self.store, c.id, keep, actor=self.actor)
        except InputError as exc:
            self.message.setText("⚠ " + exc.message)
            return False
        self.refresh()
        self.message.setText(
            tr("Kept {side}; the choice was recorded.").format(
                side=tr(
                    kept if kept in ("here", "incoming") else "here" if kept == "local" else kept
                )
            )
        )
        self.resolved.emit(c.id, kept)
        return True

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([tr("Field"), tr("Here"), tr("Incoming")])
        self.only_diff.setText(tr("Only differences"))
        self.keep_local.setText(tr("Keep &here"))
        self.keep_incoming.setText(tr("Keep &incoming"))
        if self.current is not None:
            self._fill()
