"""A table view for record lists: whole-row selection, Enter or double-click opens the row,
header click sorts (only columns the model can sort), column widths remembered."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

IdRole = Qt.ItemDataRole.UserRole


class RecordTable(QTableView):
    open_requested = Signal(str)  # record id

    def __init__(self, parent: QWidget | None = None, *, sortable: bool = False) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table (sensible tab order)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(24, self.fontMetrics().height() + 10))
        vh.setVisible(False)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSectionsMovable(True)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._sortable = sortable
        self._last_sort: tuple[int, Qt.SortOrder] | None = None
        if sortable:
            self.setSortingEnabled(True)
            hh.sortIndicatorChanged.connect(self._sort_changed)
        self.doubleClicked.connect(self._open_index)

    def set_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self._last_sort = (column, order)
        hh = self.horizontalHeader()
        hh.blockSignals(True)
        hh.setSortIndicator(column, order)
        hh.blockSignals(False)

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        model = self.model()
        can_sort = getattr(model, "is_sortable", None)
        if can_sort is not None and not can_sort(column) and self._last_sort is not None:
            previous = self._last_sort
            QTimer.singleShot(0, lambda: self.set_sort_indicator(*previous))
            return
        self._last_sort = (column, order)

    def current_id(self) -> str | None:
        index = self.currentIndex()
        if not index.isValid():
            rows = self.selectionModel().selectedRows() if self.selectionModel() else []
            index = rows[0] if rows else QModelIndex()
        if not index.isValid():
            return None
        value = self.model().data(self.model().index(index.row(), 0), IdRole)
        return str(value) if value else None

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            value = self.model().data(self.model().index(index.row(), 0), IdRole)
            if value:
                self.open_requested.emit(str(value))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def set_column_widths(self, widths: list[int]) -> None:
        for i, w in enumerate(widths):
            self.setColumnWidth(i, w)

    def save_state(self) -> bytes:
        return bytes(self.horizontalHeader().saveState().data())

    def restore_state(self, state) -> None:
        if state:
            self.horizontalHeader().restoreState(state)
