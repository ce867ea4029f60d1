"""The readings model: a test dictionary of ``Inspection.tests`` edited in place, one undo
command per accepted edit (:mod:`.readings_commands`); a value the rules engine refuses
stays out with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QUndoCommand, QUndoStack

from ...domain.errors import InputError
from ...i18n import tr
from ...services import drafts
from .field_error import translate_message
from .readings_columns import (
    CARRY_OVER,
    DEFAULT_MIN_ROWS,
    ERROR_BORDER,
    MIN_ROWS,
    PENDING_FG,
    Column,
    ErrorRole,
    _lang,
    _signed,
    _unit_label,
    choice_key,
    clause_text,
    item_text,
    number_text,
    table_layout,
    verdict_colours,
    verdict_text,
)
from .readings_commands import CellCommand, RemoveRowCommand

ROOT = QModelIndex()  # the invisible root: a table has no children

# ---- the model -------------------------------------------------------------------------------


class ReadingsModel(QAbstractTableModel):
    """Rows of one test: input columns from the form, then error, MPE and verdict."""

    edit_rejected = Signal(int, str, str)  # row (-1: test field), field path, message
    changed_shape = Signal()  # rows or values changed: the table refreshes its size

    def __init__(
        self,
        form_test,
        test: dict,
        *,
        units: dict | None = None,
        instrument_unit: str = "",
        undo_stack: QUndoStack | None = None,
        validate: Callable[[int | None, str, Any, str | None], str | None] | None = None,
        on_change: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.form_test = form_test
        self.test = test
        self.layout_ = table_layout(form_test)
        self.units = dict(units or {})
        self.instrument_unit = instrument_unit
        self.undo_stack = undo_stack
        self.validate = validate or (lambda row, path, value, key: None)
        self.on_change = on_change or (lambda: None)
        self.state = drafts.TestState()
        self.read_only = False
        self.errors: dict[
            tuple[int, str], tuple[str, str]
        ] = {}  # (row, path) -> (typed text, message)
        self.test_errors: dict[str, tuple[str, str]] = {}
        # where its test is in the inspection's tests (kept by the editor; 10_000: not there)
        self.test_index = 0
        self._rows = self._computed_rows()

    # -- structure --------------------------------------------------------------------------
    @property
    def columns(self) -> list[Column]:
        return self.layout_.columns

    @property
    def list_mode(self) -> bool:
        return self.layout_.rows_key is not None

    def rows_list(self) -> list:
        key = self.layout_.rows_key
        return self.test.get(key, []) if key else []

    def data_rows(self) -> int:
        """Rows that hold (or can hold) readings, before the new-row line and the extra items."""
        key = self.layout_.rows_key
        if key is None:  # not list mode: the test itself is the one row
            return 1
        return max(len(self.rows_list()), MIN_ROWS.get(key, DEFAULT_MIN_ROWS))

    def new_row_index(self) -> int | None:
        return self.data_rows() if self.list_mode and not self.read_only else None

    def extra_start(self) -> int:
        return self.data_rows() + (1 if self.new_row_index() is not None else 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        if parent.isValid():
            return 0
        return self._rows

    def _computed_rows(self) -> int:
        return self.extra_start() + len(self.state.extra)

    def _sync(self) -> None:
        """Tell the views what changed without a reset (a reset would lose the current cell
        and the editor the inspector is typing in)."""
        new = self._computed_rows()
        if new > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, new - 1)
            self._rows = new
            self.endInsertRows()
        elif new < self._rows:
            self.beginRemoveRows(QModelIndex(), new, self._rows - 1)
            self._rows = new
            self.endRemoveRows()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._rows - 1, self.columnCount() - 1)
            )
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self._rows - 1)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        self.changed_shape.emit()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self.columns) + 3

    def is_input_column(self, column: int) -> bool:
        return 0 <= column < len(self.columns)

    def row_value(self, row: int) -> Any:
        if not self.list_mode:
            return self.test
        rows = self.rows_list()
        return rows[row] if row < len(rows) else None

    def cell_value(self, row: int, path: str) -> Any:
        value = self.row_value(row)
        if value is None:
            return None
        return drafts.get_path(value, path)

    def item_for_row(self, row: int) -> tuple[dict | None, str]:
        """(result item, status) shown in the computed columns of *row*."""
        if row >= self.extra_start():
            it = self.state.extra[row - self.extra_start()]
            return it, it["verdict"]
        if row >= self.data_rows():
            return None, drafts.BLANK
        rs = self.state.row(row)
        if (
            not self.list_mode
            and rs.status == drafts.BLANK
            and self.state.status in (drafts.PENDING, drafts.INVALID)
        ):
            return None, self.state.status
        return (rs.items[0] if rs.items else None), rs.status

    # -- Qt model API -----------------------------------------------------------------------
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and self.is_input_column(section)
        ):  # a narrowed column's whole title
            return self.columns[section].title(self.units, self.instrument_unit).replace("\n", " ")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if section < 0 or section >= self.columnCount():
                return None
            if self.is_input_column(section):
                return self.columns[section].title(self.units, self.instrument_unit)
            unit = self._result_unit()
            k = section - len(self.columns)
            name = (tr("Error"), tr("MPE"), tr("Verdict"))[k]
            return f"{name}\n({unit})" if unit and k < 2 else name
        if section < 0 or section >= self.rowCount():
            return None
        if section >= self.extra_start():
            return str(self.state.extra[section - self.extra_start()].get("label", ""))
        if section == self.new_row_index():
            return "+"
        return str(section + 1)

    def _result_unit(self) -> str:
        for rs in self.state.rows.values():
            for it in rs.items:
                if it.get("unit"):
                    return _unit_label(it["unit"], self.units)
        for it in self.state.extra:
            if it.get("unit"):
                return _unit_label(it["unit"], self.units)
        return ""

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (
            not self.read_only
            and self.is_input_column(index.column())
            and index.row() < self.extra_start()
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            not index.isValid()
            or index.row() >= self.rowCount()
            or index.column() >= self.columnCount()
        ):
            return None
        row, col = index.row(), index.column()
        if self.is_input_column(col):
            return self._input_data(row, self.columns[col], role)
        item, status = self.item_for_row(row)
        k = col - len(self.columns)
        if role == Qt.ItemDataRole.DisplayRole:
            if k == 2:
                if row == self.new_row_index() or status == drafts.BLANK:
                    return ""
                return verdict_text(status)
            if item is None:
                return ""
            if k == 0:
                return _signed(item.get("error"))
            mpe = item.get("mpe")
            if mpe is None:
                req = item.get("required_rise")
                return f"≥ {req}" if req else "—"
            return f"±{mpe}"
        if role == Qt.ItemDataRole.ForegroundRole and k == 2 and status != drafts.BLANK:
            return QBrush(verdict_colours(status)[0])
        if role == Qt.ItemDataRole.BackgroundRole and k == 2:
            bg = verdict_colours(status)[1]
            return QBrush(bg) if bg is not None and status != drafts.BLANK else None
        if role == Qt.ItemDataRole.FontRole and k == 2 and status in (drafts.PASS, drafts.FAIL):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if item is not None:
                return f"{item_text(item.get('label', ''))}\n{clause_text(item.get('rule', ''))}"
            rs = self.state.row(row) if row < self.data_rows() else None
            if rs is not None and rs.message:
                return translate_message(rs.message)
            if not self.list_mode and self.state.message:
                return translate_message(self.state.message)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if k < 2
                else int(Qt.AlignmentFlag.AlignCenter)
            )
        return None

    def _input_data(self, row: int, col: Column, role: int) -> Any:
        err = self.errors.get((row, col.path))
        if row >= self.extra_start():
            return None
        value = self.cell_value(row, col.path) if row < self.data_rows() else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if err is not None:
                return err[0]
            if (
                row == self.new_row_index()
                and role == Qt.ItemDataRole.DisplayRole
                and col is self.columns[0]
            ):
                return tr("(new row)")
            if value is None:
                return ""
            if col.type == "choice" and role == Qt.ItemDataRole.DisplayRole:
                for c in col.choices:
                    if c.value == choice_key(value):
                        return c.label.get(_lang())
            return str(value)
        if role == ErrorRole:
            return err[1] if err else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if err is not None:
                return translate_message(err[1])
            rs = self.state.row(row) if row < self.data_rows() else None
            if rs is not None and rs.field == col.path and rs.message:
                return translate_message(rs.message)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if err is not None:
                return QBrush(ERROR_BORDER)
            if row == self.new_row_index():
                return QBrush(PENDING_FG)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.type == "number":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        col = self.columns[index.column()]
        return self.edit_cell(index.row(), col.path, "" if value is None else str(value), col.type)

    # -- editing ----------------------------------------------------------------------------
    def cell_path(self, row: int, path: str) -> str:
        key = self.layout_.rows_key
        if key is None:
            return path
        return f"{key}[{row}]" + (f".{path}" if path else "")

    def edit_cell(self, row: int, path: str, text: str, kind: str = "number") -> bool:
        """Validate *text* for a cell; push an undo command when it is acceptable."""
        if self.read_only:
            return False
        col_index = next((i for i, c in enumerate(self.columns) if c.path == path), 0)
        if kind == "number":
            text = number_text(text)
        try:
            value = drafts.parse_cell(text, self.cell_path(row, path), kind)
            message = (
                None
                if value is None
                else self.validate(
                    row if self.list_mode else None, path, value, self.layout_.rows_key
                )
            )
        except InputError as exc:
            message = exc.message
            value = None
        if message is not None:
            self.errors[(row, path)] = (text, message)
            idx = self.index(row, col_index)
            self.dataChanged.emit(idx, idx)
            self.edit_rejected.emit(row, path, message)
            return False
        had_error = self.errors.pop((row, path), None) is not None
        old = self.cell_value(row, path) if row < self.data_rows() else None
        if value == old:
            if had_error:
                idx = self.index(row, col_index)
                self.dataChanged.emit(idx, idx)
            return True
        if value is None and row >= len(self.rows_list()) and self.list_mode:
            return True  # clearing a cell of a row that does not exist yet
        cmd = CellCommand(self, row if self.list_mode else None, path, old, value)
        if (
            cmd.row is not None
            and cmd.row < self.data_rows()
            and self.list_mode
            and cmd.row >= len(self.rows_list())
        ):
            cmd.appended = True
        self._push(cmd)
        return True

    def edit_test_field(self, path: str, text: str, kind: str = "number") -> bool:
        """Same as :meth:`edit_cell` for a field above the table."""
        if self.read_only:
            return False
        if kind == "number":
            text = number_text(text)
        try:
            value = drafts.parse_cell(text, path, kind)
            message = None if value is None else self.validate(None, path, value, None)
        except InputError as exc:
            message, value = exc.message, None
        if message is not None:
            self.test_errors[path] = (text, message)
            self.edit_rejected.emit(-1, path, message)
            self.changed_shape.emit()
            return False
        self.test_errors.pop(path, None)
        old = drafts.get_path(self.test, path)
        if value == old:
            return True
        self._push(CellCommand(self, None, path, old, value))
        return True

    def _push(self, cmd: QUndoCommand) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(cmd)
        else:
            cmd.redo()

    def remove_row(self, row: int) -> bool:
        if self.read_only or not self.list_mode or row >= len(self.rows_list()):
            return False
        self._push(RemoveRowCommand(self, row))
        return True

    # -- applied by the commands ---------------------------------------------------------
    def apply(self, row: int | None, path: str, value: Any, append: bool = False) -> None:
        if row is None:
            drafts.set_path(self.test, path, value)
            self.test_errors.pop(path, None)
        elif not self.list_mode:
            drafts.set_path(self.test, path, value)
            self.errors.pop((0, path), None)
        else:
            key = self.layout_.rows_key
            rows = self.test.setdefault(key, [])
            while len(rows) <= row:  # a scalar row starts empty, a row of fields as {}
                rows.append(None if self.layout_.scalar_rows else {})
            if self.layout_.scalar_rows:
                rows[row] = value
            else:
                if rows[row] is None:
                    rows[row] = {}
                drafts.set_path(rows[row], path, value)
                if append and row > 0 and isinstance(rows[row - 1], dict):
                    # the same standard for the next run: its constants need not be retyped
                    for carried in CARRY_OVER:
                        before = drafts.get_path(rows[row - 1], carried)
                        if before is not None and drafts.get_path(rows[row], carried) is None:
                            drafts.set_path(rows[row], carried, before)
            self.errors.pop((row, path), None)
        self._sync()
        self.on_change()

    def remove_row_now(self, row: int) -> None:
        rows = self.rows_list()
        if row >= len(rows):
            return
        del rows[row]
        self.errors = {
            (r - (1 if r > row else 0), p): v for (r, p), v in self.errors.items() if r != row
        }
        self._sync()
        self.on_change()

    def insert_row_now(self, row: int, value: Any) -> None:
        key = self.layout_.rows_key
        self.test.setdefault(key, []).insert(row, value)
        self._sync()
        self.on_change()

    # -- from the editor -------------------------------------------------------------------
    def set_state(self, state: drafts.TestState) -> None:
        self.state = state
        self._sync()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._sync()

    def set_test(self, test: dict) -> None:
        """Show another test dictionary (after the inspection was reloaded)."""
        self.beginResetModel()
        self.test = test
        self.errors.clear()
        self.test_errors.clear()
        self._rows = self._computed_rows()
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
