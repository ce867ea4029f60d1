"""The readings view and its delegate: line edits (combo boxes for choices), Enter commits and
moves to the next input cell, Tab and the arrows skip computed columns, the height fits the rows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from .readings_columns import ERROR_BORDER, ErrorRole, _lang, choice_key
from .readings_model import ReadingsModel


class ReadingsDelegate(QStyledItemDelegate):
    """Line edits (combo boxes for choices); Enter commits and moves to the next cell;
    a refused value gets a red border."""

    def createEditor(self, parent, option, index):
        model = index.model()
        col = model.columns[index.column()] if hasattr(model, "columns") else None
        if col is not None and col.type == "choice":
            box = QComboBox(parent)
            box.addItem("", "")
            for c in col.choices:
                box.addItem(c.label.get(_lang()), c.value)
            return box
        editor = QLineEdit(parent)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            raw = index.model().cell_value(index.row(), index.model().columns[index.column()].path)
            i = editor.findData(choice_key(raw) or "")
            editor.setCurrentIndex(max(i, 0))
        else:
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)
        else:
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, obj, event):
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        ):
            # Enter goes down the same column (a spreadsheet's habit), never into the
            # next row's prefilled load or reference
            self.commitData.emit(obj)
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
            view = self.parent()
            if isinstance(view, ReadingsView):
                view.enter_pressed()
            return True
        return super().eventFilter(obj, event)

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        if index.data(ErrorRole):
            painter.save()
            pen = QPen(ERROR_BORDER)
            pen.setWidth(2)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class ReadingsView(QTableView):
    """Tab inside an editor moves to the next *input* cell across the row (past a prefilled
    test point), and past the last cell leaves the table; Enter moves down the same column;
    Tab outside an editor leaves the table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(ReadingsDelegate(self))
        self.setTabKeyNavigation(False)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _stops(self) -> list[tuple[int, int]]:
        """The cells Tab and Enter stop at, in reading order: editable cells, except a
        prefilled test point (the load or reference distance the form filled in)."""
        model = self.model()
        if not isinstance(model, ReadingsModel):
            return []
        point = getattr(getattr(model, "form_test", None), "point_field", None)
        stops = []
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                idx = model.index(r, c)
                if not (model.flags(idx) & Qt.ItemFlag.ItemIsEditable):
                    continue
                col = model.columns[c]
                if (
                    point
                    and col.path == point
                    and r < model.data_rows()
                    and model.cell_value(r, col.path) is not None
                ):
                    continue
                stops.append((r, c))
        return stops

    def _step(self, forward: bool) -> QModelIndex | None:
        """The next (previous) stop after the current cell; None past the last (first) one."""
        cur = self.currentIndex()
        here = (cur.row(), cur.column()) if cur.isValid() else (-1, -1)
        stops = self._stops()
        if forward:
            later = [s for s in stops if s > here]
            target = later[0] if later else None
        else:
            earlier = [s for s in stops if s < here]
            target = earlier[-1] if earlier else None
        return None if target is None else self.model().index(*target)

    def moveCursor(self, action, modifiers):
        if action in (
            QAbstractItemView.CursorAction.MoveNext,
            QAbstractItemView.CursorAction.MovePrevious,
        ):
            target = self._step(action == QAbstractItemView.CursorAction.MoveNext)
            return target if target is not None else self.currentIndex()
        return super().moveCursor(action, modifiers)

    def closeEditor(self, editor, hint) -> None:
        """Tab past the last cell (Shift+Tab before the first) leaves the table for the next
        (previous) field or test instead of wrapping round inside it."""
        forward = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
        backward = hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem
        if (forward or backward) and self._step(forward) is None:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._leave(forward)
            return
        super().closeEditor(editor, hint)

    def _leave(self, forward: bool) -> None:
        self.clearSelection()
        if forward:
            self.focusNextChild()
        else:
            self.focusPreviousChild()

    def enter_pressed(self) -> None:
        """After Enter in a cell: the cell below in the same column (a new row when this was
        the last); past a single-row table, the next test."""
        cur = self.currentIndex()
        model = self.model()
        if not cur.isValid() or model is None:
            return
        below = model.index(cur.row() + 1, cur.column())
        if below.isValid() and model.flags(below) & Qt.ItemFlag.ItemIsEditable:
            self.setCurrentIndex(below)
            self.scrollTo(below)
            return
        self._leave(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if self.state() != QAbstractItemView.State.EditingState and index.isValid():
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                if self.model().flags(index) & Qt.ItemFlag.ItemIsEditable:
                    self.edit(index)
                    return

            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
                if self.model().flags(index) & Qt.ItemFlag.ItemIsEditable:
                    self.model().setData(index, "", Qt.ItemDataRole.EditRole)
                    return
            if (
                event.key() == Qt.Key.Key_Delete
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            ):
                model = self.model()
                if isinstance(model, ReadingsModel):
                    model.remove_row(index.row())
                return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            from .readings_table import ReadingsTable  # the widget holding this view

            owner = self.parent()
            if isinstance(owner, ReadingsTable):
                owner.fit_columns()
                self.fit_height()

    def fit_height(self) -> None:
        """Show every row: the page scrolls, not each table."""
        h = self.horizontalHeader().height() + 2 * self.frameWidth()
        for r in range(self.model().rowCount() if self.model() else 0):
            h += self.rowHeight(r)
        sb = self.horizontalScrollBar()
        if self.model() and self.horizontalHeader().length() > self.viewport().width() + 2:
            h += sb.sizeHint().height()
        self.setFixedHeight(h + 2)
