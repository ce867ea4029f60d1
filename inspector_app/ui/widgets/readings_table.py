"""One test of an inspection as a table the inspector types readings into.

The columns come from the family's form (:class:`inspector_app.domain.forms.FormTest`):
the input fields of a row, then the error, the MPE and the verdict computed by the rules
engine (text *and* colour: "✔ 合格", "✘ 不合格"). Test-level fields (the eccentric load, a
flow label…) sit above the table. A typed value that is not a number, or that the rules
engine refuses at that cell, is shown with its message (tooltip and red border) and is not
stored. Every accepted edit is an undo command.

The model edits the test dictionary inside ``Inspection.tests`` in place; the editor
re-evaluates the whole inspection after each change and hands each model its
:class:`inspector_app.services.drafts.TestState`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QPen, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...i18n import pick, tr
from ...services import drafts
from .field_error import translate_message

PASS_FG, PASS_BG = QColor("#14632f"), QColor("#dcf2e3")
FAIL_FG, FAIL_BG = QColor("#9b0019"), QColor("#fbe0e5")
PENDING_FG = QColor("#6b6b6b")
ERROR_BORDER = QColor("#d0021b")
ErrorRole = Qt.ItemDataRole.UserRole + 1
NUMBERS_COLUMNS = 3  # a "numbers" field inside a row shows as three reading columns
MIN_ROWS = {"positions": 5}
# Values of a standard that stay the same from one run to the next (the metal can's
# nominal volume, reference mark, neck scale and material): a new run starts with them.
CARRY_OVER = ("can.nominal", "can.reference_mark", "can.ml_per_mm", "can.material")
DEFAULT_MIN_ROWS = 3
MIN_INPUT_WIDTH = 58  # px: an input column never gets narrower (a reading still shows)


def number_text(text: str) -> str:
    """What was typed into a *number* cell, with the ideographic full stop "。" (typed for
    the decimal point in a Chinese input method) as "."; full-width digits, point and minus
    are read by the number parser itself. Only used on cells that hold a number."""
    return (text or "").replace("\u3002", ".").replace("\uff61", ".")


def verdict_text(status: str | None) -> str:
    return {
        drafts.PASS: tr("✔ pass"),
        drafts.FAIL: tr("✘ fail"),
        drafts.INVALID: tr("✘ invalid"),
    }.get(status or "", tr("… pending"))


def verdict_colours(status: str | None) -> tuple[QColor, QColor | None]:
    if status == drafts.PASS:
        return PASS_FG, PASS_BG
    if status in (drafts.FAIL, drafts.INVALID):
        return FAIL_FG, FAIL_BG
    return PENDING_FG, None


@dataclass(frozen=True)
class Column:
    path: str  # inside the row ("load", "can.nominal", "readings[1]", "" for a scalar row)
    label: Any  # forms.Label or {"zh", "en"}
    unit: str | None
    type: str = "number"
    choices: tuple = ()
    required: bool = True
    suffix: str = ""

    def title(self, units: dict, instrument_unit: str) -> str:
        text = (
            self.label.get(_lang())
            if hasattr(self.label, "get") and not isinstance(self.label, dict)
            else pick(self.label)
        )
        text = _wrap(text + self.suffix)
        unit = unit_text(self.unit, units, instrument_unit)
        return f"{text}\n({unit})" if unit else text


def _wrap(text: str, width: int = 18) -> str:
    """Long column titles on two lines: English at a space, Chinese after about six
    characters (so eight input columns and the verdict fit a laptop's width)."""
    if " " not in text and len(text) > 6 and not text.isascii():
        half = (len(text) + 1) // 2
        return text[:half] + "\n" + text[half:]
    if len(text) <= width or " " not in text:
        return text
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _lang() -> str:
    from ...i18n import current_language

    return current_language()


def unit_text(unit: str | None, units: dict, instrument_unit: str) -> str:
    if unit is None:
        return ""
    if unit == "@unit":
        unit = instrument_unit
    label = units.get(unit)
    if label is None:
        return unit
    return label.get(_lang())


def flatten(fields, prefix: str = "") -> list[Column]:
    """Form fields as columns; an object's fields become ``obj.key`` columns and a
    ``numbers`` field becomes three reading columns."""
    out: list[Column] = []
    for f in fields:
        path = f"{prefix}{f.key}"
        if f.type == "object":
            out += flatten(f.fields, path + ".")
        elif f.type == "numbers":
            for i in range(NUMBERS_COLUMNS):
                out.append(
                    Column(f"{path}[{i}]", f.label, f.unit, "number", (), f.required, f" {i + 1}")
                )
        elif f.type == "objects":
            continue  # not used by tests
        elif f.type == "bool":  # a yes/no answer is a drop-down list too, never typed
            out.append(Column(path, f.label, f.unit, "choice", YES_NO, f.required))
        else:
            out.append(Column(path, f.label, f.unit, f.type, f.choices, f.required))
    return out


def _yes_no() -> tuple:
    from ...domain.forms import Choice, Label

    return (Choice("yes", Label("是", "Yes")), Choice("no", Label("否", "No")))


YES_NO = _yes_no()
"""The closed set of a form's ``bool`` field, stored as the words the rules read (yes/no)."""


def choice_key(value: Any) -> Any:
    """The choice a stored value stands for: a yes/no answer stored as true/false (by the
    demo or the command line) is the list's yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@dataclass
class TableLayout:
    """How a form test maps onto a table: where its rows live and which columns they have."""

    rows_key: str | None  # None: the test itself is the single row
    columns: list[Column]  # input columns of a row
    test_fields: list[Column]  # fields above the table
    scalar_rows: bool = False  # rows are plain values (repeatability indications)


def table_layout(form_test) -> TableLayout:
    if form_test.list:
        return TableLayout(
            form_test.list, flatten(form_test.item_fields), flatten(form_test.fields)
        )
    numbers = [f for f in form_test.fields if f.type == "numbers"]
    if numbers:
        nf = numbers[0]
        others = [f for f in form_test.fields if f is not nf]
        col = Column("", _single_label(nf.label), nf.unit)
        return TableLayout(nf.key, [col], flatten(others), scalar_rows=True)
    return TableLayout(None, flatten(form_test.fields), [])


def _single_label(label) -> dict:
    # "各次示值" (indications) -> one column per row: "示值" (indication)
    zh, en = label.zh, label.en
    return {"zh": zh.replace("各次", ""), "en": en[:-1] if en.endswith("s") else en}


# ---- undo commands ---------------------------------------------------------------------------


class CellCommand(QUndoCommand):
    """Set one cell (or a test-level field with ``row=None``); may append a row."""

    def __init__(
        self, model: ReadingsModel, row: int | None, path: str, old: Any, new: Any
    ) -> None:
        super().__init__(tr("Edit reading") if row is not None else tr("Edit test field"))
        self.model, self.row, self.path, self.old, self.new = model, row, path, old, new
        self.appended = row is not None and row >= model.data_rows()

    def redo(self) -> None:
        self.model.apply(self.row, self.path, self.new, append=self.appended)

    def undo(self) -> None:
        if self.appended:
            self.model.remove_row_now(self.row)
        else:
            self.model.apply(self.row, self.path, self.old)


class RemoveRowCommand(QUndoCommand):
    def __init__(self, model: ReadingsModel, row: int) -> None:
        super().__init__(tr("Remove reading row"))
        self.model, self.row = model, row
        self.saved = model.row_value(row)

    def redo(self) -> None:
        self.model.remove_row_now(self.row)

    def undo(self) -> None:
        self.model.insert_row_now(self.row, self.saved)


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
        if not self.list_mode:
            return 1
        return max(len(self.rows_list()), MIN_ROWS.get(self.layout_.rows_key, DEFAULT_MIN_ROWS))

    def new_row_index(self) -> int | None:
        return self.data_rows() if self.list_mode and not self.read_only else None

    def extra_start(self) -> int:
        return self.data_rows() + (1 if self.new_row_index() is not None else 0)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
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

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
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

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
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

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
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
            blank = None if self.layout_.scalar_rows else {}
            while len(rows) <= row:
                rows.append(blank if not isinstance(blank, dict) else {})
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


def _signed(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if text.startswith("-") or text in ("0", "0.0") else f"+{text}"


_REMARK = re.compile(r"\s*\(([^()]*)\)")
CJK_RUN = "[\u3400-\u9fff]+"


def item_text(label: str) -> str:
    """A judged item's name from the rules engine ("position 3", "Q1 run 2") in the window's
    language."""
    from ...reports.labels import item_label

    return item_label(str(label), _lang())


def clause_text(clause: str) -> str:
    """The clause a verdict rests on, as the window shows it: the reference itself
    ("JJG 539-2016 / OIML R 76-1 3.5.1"). A bracketed remark in the other language (the
    edition it was compared with, a placeholder note) is left out; in Chinese "Table" is 表;
    in English 附表 is "annex table" and a clause's Chinese heading after its § number is
    left out (a regulation known only by its Chinese title keeps it)."""
    clause = str(clause or "")
    other = r"\b[a-z]{2,}\b" if _lang() == "zh" else CJK_RUN
    text = _REMARK.sub(lambda m: "" if re.search(other, m.group(1)) else m.group(0), clause)
    if _lang() == "zh":
        return re.sub(r"\bTable (\w+)", r"表 \1", text).strip()
    text = re.sub(r"附表\s*(\w+)", r"annex table \1", text)
    return re.sub(r"(§[\d.]+)\s+" + CJK_RUN, r"\1", text).strip()


def _unit_label(unit: str, units: dict) -> str:
    label = units.get(unit)
    return label.get(_lang()) if label is not None else unit


# ---- view and delegate -------------------------------------------------------------------------


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
        if model is None:
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
                self.model().remove_row(index.row())
                return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
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


class ReadingsTable(QWidget):
    """A test's title, its test-level fields, and the readings table."""

    def __init__(self, model: ReadingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.title = QLabel()
        self.title.setObjectName("testTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.fields = QFormLayout()
        self.field_edits: dict[str, QLineEdit] = {}
        # a choice above the table (unit, kind of quantity): its words, never its stored code
        self.field_choices: dict[str, QComboBox] = {}
        self.field_labels: dict[str, QLabel] = {}
        for col in model.layout_.test_fields:
            if col.type == "choice":
                combo = QComboBox()
                combo.setObjectName(f"field_{col.path}")
                combo.addItem("", None)
                for c in col.choices:
                    combo.addItem(c.label.get(_lang()), c.value)
                combo.activated.connect(lambda _i, c=col, e=combo: self._choice_edited(c, e))
                label = QLabel()
                label.setBuddy(combo)
                self.field_choices[col.path] = combo
                self.field_labels[col.path] = label
                self.fields.addRow(label, combo)
                continue
            edit = QLineEdit()
            edit.setObjectName(f"field_{col.path}")
            edit.setMaximumWidth(220)
            edit.editingFinished.connect(lambda c=col, e=edit: self._field_edited(c, e))
            label = QLabel()
            label.setBuddy(edit)
            self.field_edits[col.path] = edit
            self.field_labels[col.path] = label
            self.fields.addRow(label, edit)
        self._shape: tuple | None = None
        self.view = ReadingsView()
        self.view.setModel(model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(self.title)
        layout.addLayout(self.fields)
        layout.addWidget(self.view)
        layout.addWidget(self.status)
        model.modelReset.connect(self.refresh)
        model.changed_shape.connect(self.refresh)
        self.retranslate()
        self.refresh()

    def _field_edited(self, col: Column, edit: QLineEdit) -> None:
        current = drafts.get_path(self.model.test, col.path)
        if (
            edit.text().strip() == ("" if current is None else str(current))
            and col.path not in self.model.test_errors
        ):
            return
        self.model.edit_test_field(col.path, edit.text(), col.type)
        self.refresh()

    def _choice_edited(self, col: Column, combo: QComboBox) -> None:
        value = combo.currentData()
        self.model.edit_test_field(col.path, "" if value is None else str(value), col.type)
        self.refresh()

    def refresh(self) -> None:
        for path, combo in self.field_choices.items():
            value = choice_key(drafts.get_path(self.model.test, path))
            index = combo.findData(value) if value is not None else 0
            if index < 0:  # a value the form no longer offers: shown as stored
                combo.addItem(str(value), value)
                index = combo.count() - 1
            if combo.currentIndex() != index:
                combo.setCurrentIndex(index)
            combo.setEnabled(not self.model.read_only)
        for path, edit in self.field_edits.items():
            err = self.model.test_errors.get(path)
            if not edit.hasFocus() or err is None:
                value = drafts.get_path(self.model.test, path)
                text = err[0] if err else ("" if value is None else str(value))
                if edit.text() != text:
                    edit.setText(text)
            edit.setToolTip(translate_message(err[1]) if err else "")
            edit.setStyleSheet("border: 2px solid #d0021b;" if err else "")
            edit.setReadOnly(self.model.read_only)
        st = self.model.state
        titles = {
            c.path: c.title(self.model.units, self.model.instrument_unit)
            for c in self.model.layout_.test_fields + self.model.columns
        }
        show = st.status == drafts.INVALID or (
            st.status == drafts.PENDING and st.field in self.field_edits
        )
        if st.message and show:
            where = titles.get(st.field or "", st.field or "")
            self.status.setText(
                f"{verdict_text(st.status)}: {where} {translate_message(st.message)}".strip()
            )
            self.status.setStyleSheet(f"color: {verdict_colours(st.status)[0].name()};")
            self.status.show()
        else:
            self.status.hide()
        shape = (self.model.rowCount(), _lang())
        if shape != self._shape:
            self._shape = shape
            self.fit_columns()
            self.view.fit_height()

    def fit_columns(self) -> None:
        """Columns sized to their contents; when they are wider than the table, the input
        columns give way first (down to MIN_INPUT_WIDTH), so the error, MPE and verdict
        stay in sight while typing."""
        view, model = self.view, self.model
        view.resizeColumnsToContents()
        widths = [min(max(view.columnWidth(c), 72), 170) for c in range(model.columnCount())]
        avail = view.viewport().width()
        excess = sum(widths) - avail
        if avail > 100 and excess > 0:
            for c in sorted(range(len(model.columns)), key=lambda c: -widths[c]):
                cut = min(excess, widths[c] - MIN_INPUT_WIDTH)
                if cut > 0:
                    widths[c] -= cut
                    excess -= cut
                if excess <= 0:
                    break
        for c, w in enumerate(widths):
            view.setColumnWidth(c, w)

    def retranslate(self) -> None:
        ft = self.model.form_test
        self.title.setText(ft.label.get(_lang()))
        for col in self.model.layout_.test_fields:
            text = col.title(self.model.units, self.model.instrument_unit).replace("\n", " ")
            self.field_labels[col.path].setText(text)
            # the test's name too: several tests have a field called "load"
            field = self.field_edits.get(col.path) or self.field_choices[col.path]
            field.setAccessibleName(f"{self.title.text()}: {text}")
            if col.path in self.field_choices:
                combo = self.field_choices[col.path]
                for c in col.choices:
                    index = combo.findData(c.value)
                    if index >= 0:
                        combo.setItemText(index, c.label.get(_lang()))
        self._shape = None
        self.model.retranslate()
        self.refresh()
