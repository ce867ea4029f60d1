"""A table view for record lists: whole-row selection, Enter or double-click opens the row,
header click sorts (only columns the model can sort), column widths remembered.

The header's texts: a model with ``header_labels()`` (the inspection lists) has them shown
by a small C++ model of their own that the header reads, not through the model's Python
``headerData``: Qt passes that a ``Qt.Orientation``, and converting it builds PySide's whole
``Qt`` namespace, about a tenth of the window's start-up (see :mod:`..qt_values`). The
model's ``headerData`` gives the same texts to everything else (accessibility, tests); the
page sets both when the language changes (:meth:`RecordTable.set_header_labels`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QModelIndex, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from .. import qt_values

if TYPE_CHECKING:
    from PySide6.QtGui import QStandardItemModel

IdRole = qt_values.USER_ROLE
# QHeaderView.saveState() starts with its marker, version and orientation (horizontal), then
# the sort indicator's order (1: descending) and section, four bytes each (QHeaderView's own
# layout, unchanged since Qt 4)
_STATE_HEAD = bytes.fromhex("000000ff0000000000000001")


def _order(descending: bool) -> QtCore.Qt.SortOrder:
    order = QtCore.Qt.SortOrder
    return order.DescendingOrder if descending else order.AscendingOrder


class RecordTable(QTableView):
    open_requested = Signal(str)  # record id

    def __init__(self, parent: QWidget | None = None, *, sortable: bool = False) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)  # (long texts end in "…": the view's default elide mode)
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
        hh.setProperty("defaultAlignment", qt_values.ALIGN_LEFT_VCENTER)
        self._sortable = sortable
        # (column, descending) shown by the header; a new header shows column 0 descending
        self._last_sort: tuple[int, bool] | None = (0, True) if sortable else None
        self._header_model: QStandardItemModel | None = None
        if sortable:
            self.setSortingEnabled(True)
            hh.sortIndicatorChanged.connect(self._sort_changed)
        self.doubleClicked.connect(self._open_index)

    def setModel(self, model) -> None:  # noqa: N802 - Qt's name
        """Show *model*; one with ``header_labels()`` gets its header texts from a model of
        its own (the header is hidden while the view takes the model: it would otherwise
        ask the Python model for its texts to size itself)."""
        labels = getattr(model, "header_labels", None)
        hh = self.horizontalHeader()
        hidden = hh.isHidden()
        if labels is not None:
            hh.hide()
        super().setModel(model)
        if labels is None:
            self._header_model = None
            return
        from PySide6.QtGui import QStandardItemModel

        header_model = QStandardItemModel(0, model.columnCount(), self)
        header_model.setHorizontalHeaderLabels(labels())
        hh.setModel(header_model)
        self._header_model = header_model
        hh.setVisible(not hidden)

    def set_header_labels(self, labels: list[str]) -> None:
        """The header's texts (after a change of language)."""
        if self._header_model is not None:
            self._header_model.setHorizontalHeaderLabels(labels)

    def set_sort_indicator(self, column: int, descending: bool) -> None:
        self._last_sort = (column, descending)
        hh = self.horizontalHeader()
        hh.blockSignals(True)
        hh.setSortIndicator(column, _order(descending))
        hh.blockSignals(False)

    def _sort_changed(self, column: int, order: QtCore.Qt.SortOrder) -> None:
        model = self.model()
        can_sort = getattr(model, "is_sortable", None)
        if can_sort is not None and not can_sort(column) and self._last_sort is not None:
            previous = self._last_sort
            QTimer.singleShot(0, lambda: self.set_sort_indicator(*previous))
            return
        self._last_sort = (column, order == QtCore.Qt.SortOrder.DescendingOrder)

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
        keys = (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)
        if event.key() in keys and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def set_column_widths(self, widths: list[int]) -> None:
        for i, w in enumerate(widths):
            self.setColumnWidth(i, w)

    def save_state(self) -> bytes:
        return bytes(self.horizontalHeader().saveState().data())

    def restore_state(self, state, *, sort_column: int | None = None) -> None:
        """The header as saved (widths, order of the columns); with *sort_column*, its sort
        indicator on that column, descending (the query's order is not remembered). The
        indicator is written into the saved state rather than set afterwards: setting it
        takes a ``Qt.SortOrder``, which the start-up does not build (see :mod:`..qt_values`);
        the model is not asked to sort (its caller sets its order). A state of another layout
        is restored as it is and the indicator set afterwards."""
        if not state:
            return
        hh = self.horizontalHeader()
        data = bytes(state.data()) if isinstance(state, QByteArray) else bytes(state)
        if sort_column is None:
            hh.restoreState(QByteArray(data))
        elif data[: len(_STATE_HEAD)] == _STATE_HEAD and len(data) >= len(_STATE_HEAD) + 8:
            at = len(_STATE_HEAD)
            head = (1).to_bytes(4, "big") + sort_column.to_bytes(4, "big")
            # quietly: its sortIndicatorChanged would have the view sort the model, passing
            # a Qt.SortOrder to Python (the caller puts the model in this order itself)
            hh.blockSignals(True)
            try:
                restored = hh.restoreState(QByteArray(data[:at] + head + data[at + 8 :]))
            finally:
                hh.blockSignals(False)
            if restored:
                self._last_sort = (sort_column, True)
        elif hh.restoreState(QByteArray(data)):
            self.set_sort_indicator(sort_column, True)
