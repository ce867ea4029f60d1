"""Fast entry of a prepackaged batch's package readings (50–125 of them).

One column of readings typed one after the other (Enter moves down), or pasted at once from
a spreadsheet column or a balance's printout (Ctrl+V); each package's net content, how far
it is short of Qn and whether that is a T1 or T2 shortfall show beside it, and the running
mean, s, λ·s, the limit Qn − λ·s and the batch verdict above, as you type. Readings are the
net content, or gross with the test's average tare, or gross with each package's tare.

The widget edits the ``units`` list of the test dictionary its
:class:`~inspector_app.ui.widgets.readings_table.ReadingsModel` holds (one undo command per
edit or paste); the editor judges and saves the inspection as for any other table.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeyEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from ...domain.numbers import ascii_digits, fmt, parse_decimal
from ...domain.rules.prepackaged import AVERAGE_FAILED, preview
from ...i18n import on_language_changed, tr
from .field_error import translate_message

NUMBER_RE = re.compile(r"(?<![A-Za-z\d.])[-+]?\d+(?:[.,]\d+)?(?!\d)")
SKIP_RE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}|\b(?:S/?N|ID|Date|Time|Model|Type)\b"
    r"|日期|时间|型号|序列号",
    re.IGNORECASE,
)
NET_RE = re.compile(r"^\s*(?:N|NET|Net|净重|净含量)\b", re.IGNORECASE)
MODES = ("net", "gross", "gross_tare")
MODE_TEXT = ("net content", "gross, average tare", "gross and each package's tare")
T1_BG, T2_BG = QColor("#fff1cc"), QColor("#fbe0e5")
PASS_FG, FAIL_FG, T1_FG = QColor("#14632f"), QColor("#9b0019"), QColor("#8a5a00")
READING, TARE, NET, SHORT, RESULT = range(5)


def parse_readings(text: str) -> list[str]:
    """The readings in pasted text: one per line, the last number on the line.

    A spreadsheet column gives one number a line; a row of cells (tab-separated) gives its
    last number. A balance printout's date, time, model and serial lines are skipped, and
    when it marks net lines (``N``, ``NET``, ``净重``) only those are read. Full-width digits
    and a decimal comma are accepted.
    """
    lines = [line for line in ascii_digits(text).splitlines() if line.strip()]
    marked = [line for line in lines if NET_RE.match(line)]
    out = []
    for line in marked or lines:
        if SKIP_RE.search(line):
            continue
        numbers = NUMBER_RE.findall(line)
        if numbers:
            out.append(numbers[-1].replace(",", "."))
    return out


class SetUnitsCommand(QUndoCommand):
    """Replace the package list of the test at once (an edit, a paste, a clear)."""

    def __init__(self, widget: PackageReadings, old: list, new: list, text: str) -> None:
        super().__init__(text)
        self.widget, self.old, self.new = widget, old, new

    def redo(self) -> None:
        self.widget.apply_units(self.new)

    def undo(self) -> None:
        self.widget.apply_units(self.old)


class ReadingsGrid(QTableWidget):
    """Typing starts editing; a typed reading, once committed (Enter), moves on to the cell
    below; Delete clears a cell; Ctrl+V pastes."""

    paste_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def move_down(self) -> None:
        cur = self.currentIndex()
        if cur.isValid() and cur.row() + 1 < self.rowCount():
            self.setCurrentCell(cur.row() + 1, cur.column())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            return
        if (
            self.state() != QAbstractItemView.State.EditingState
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.currentItem() is not None
            and self.currentItem().flags() & Qt.ItemFlag.ItemIsEditable
        ):
            self.currentItem().setText("")
            return
        super().keyPressEvent(event)


class PackageReadings(QWidget):
    """Package readings of one ``net_content`` test, with the batch judged as you type."""

    def __init__(
        self,
        model,
        ruleset: Callable[[], str | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("packageReadings")
        self.model = model
        self.ruleset = ruleset
        self.result: dict | None = None
        self.row_state: list[str] = []  # per row: "", "pass", "t1", "t2", "invalid"
        self._filling = False
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.mode_label = QLabel()
        self.mode = QComboBox()
        self.mode.setObjectName("packageMode")
        for m in MODES:
            self.mode.addItem("", m)
        self.mode.activated.connect(self._mode_chosen)
        self.paste_button = QPushButton()
        self.paste_button.setObjectName("pastePackages")
        self.paste_button.clicked.connect(self.paste_clipboard)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearPackages")
        self.clear_button.clicked.connect(self.clear)
        top = QHBoxLayout()
        top.addWidget(self.mode_label)
        top.addWidget(self.mode)
        top.addStretch(1)
        top.addWidget(self.paste_button)
        top.addWidget(self.clear_button)
        self.summary = QLabel()
        self.summary.setObjectName("packageSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict = QLabel()
        self.verdict.setObjectName("packageVerdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setMinimumHeight(30)
        self.message = QLabel()
        self.message.setObjectName("packageMessage")
        self.message.setWordWrap(True)
        self.grid = ReadingsGrid()
        self.grid.setObjectName("packageGrid")
        self.grid.setMinimumHeight(260)
        self.grid.itemChanged.connect(self._item_changed)
        self.grid.paste_requested.connect(self.paste_clipboard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.verdict)
        layout.addWidget(self.message)
        layout.addWidget(self.grid, 1)
        model.modelReset.connect(self.refresh)
        model.changed_shape.connect(self.refresh)
        unsubscribe = on_language_changed(lambda _lang: self.retranslate())
        self.destroyed.connect(lambda *_: unsubscribe())
        self.retranslate()
        self.refresh()

    # ---- the test dictionary ---------------------------------------------------------------
    @property
    def key(self) -> str:
        return self.model.layout_.rows_key or "units"

    def units(self) -> list:
        value = self.model.test.get(self.key)
        return value if isinstance(value, list) else []

    def current_mode(self) -> str:
        units = [u for u in self.units() if isinstance(u, dict)]
        if any(u.get("tare") not in (None, "") for u in units):
            return "gross_tare"
        if any(u.get("gross") not in (None, "") for u in units):
            return "gross"
        return self.mode.currentData() or "net"

    def apply_units(self, units: list) -> None:
        """Put *units* into the test (undo commands call this) and let the editor judge."""
        self.model.test[self.key] = copy.deepcopy(units)
        self.model.set_test(self.model.test)  # the model's reset refreshes this widget
        self.model.on_change()

    def _push(self, new: list, text: str) -> None:
        old = copy.deepcopy(self.units())
        if new == old:
            return
        cmd = SetUnitsCommand(self, old, new, text)
        if self.model.undo_stack is not None:
            self.model.undo_stack.push(cmd)
        else:
            cmd.redo()

    def _units_from_grid(self, mode: str) -> list:
        reading_key = "net" if mode == "net" else "gross"
        out: list = []
        for r in range(self.grid.rowCount()):
            reading = self._text(r, READING)
            tare = self._text(r, TARE) if mode == "gross_tare" else ""
            unit: dict = {}
            if reading:
                unit[reading_key] = reading
            if tare:
                unit["tare"] = tare
            out.append(unit)
        while out and not out[-1]:
            out.pop()
        return out

    def _text(self, row: int, col: int) -> str:
        item = self.grid.item(row, col)
        return ascii_digits(item.text()).strip() if item is not None else ""

    # ---- editing ---------------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in (READING, TARE):
            return
        typed = self.grid.state() == QAbstractItemView.State.EditingState
        self._push(self._units_from_grid(self.mode.currentData()), tr("Enter readings"))
        if typed:  # on to the next package, whatever closes the cell editor
            QTimer.singleShot(0, lambda: self.grid.move_down())

    def _mode_chosen(self, _index: int) -> None:
        mode = self.mode.currentData()
        self._push(self._units_from_grid(mode), tr("Enter readings"))
        self.refresh()

    def paste_text(self, text: str, row: int | None = None) -> int:
        """Fill the readings column from *row* (the current row; else the first empty one)
        with the numbers in *text*; returns how many were pasted."""
        values = parse_readings(text)
        if not values:
            self.message.setText(tr("No numbers found in the clipboard."))
            return 0
        if self.model.read_only:
            return 0
        mode = self.mode.currentData()
        units = self._units_from_grid(mode)
        if row is None:
            cur = self.grid.currentRow()
            row = cur if cur >= 0 else len(units)
        reading_key = "net" if mode == "net" else "gross"
        while len(units) < row + len(values):
            units.append({})
        for i, v in enumerate(values):
            unit = dict(units[row + i])
            unit.pop("net", None)
            unit.pop("gross", None)
            unit[reading_key] = v
            units[row + i] = unit
        self._push(units, tr("Pasted readings"))
        self.message.setText(
            tr("Pasted {n} readings from row {row}.").format(n=len(values), row=row + 1)
        )
        self.grid.setCurrentCell(min(row + len(values), self.grid.rowCount() - 1), READING)
        return len(values)

    def paste_clipboard(self) -> int:
        return self.paste_text(QGuiApplication.clipboard().text())

    def clear(self) -> None:
        if not self.model.read_only:
            self._push([], tr("Cleared readings"))

    # ---- showing ---------------------------------------------------------------------------
    def _judge(self) -> tuple[dict | None, list[int], str]:
        """(preview result, the rows it judged, a message) for the rows typed so far."""
        rows, kept, bad = self.units(), [], []
        clean = []
        for r, u in enumerate(rows):
            if not isinstance(u, dict) or not any(v not in (None, "") for v in u.values()):
                continue
            try:
                for v in u.values():
                    parse_decimal(v, "reading", non_negative=True)
            except InputError:
                bad.append(r)
                continue
            kept.append(r)
            clean.append(u)
        test = {k: v for k, v in self.model.test.items() if k != self.key}
        test[self.key] = clean
        test.setdefault("kind", "net_content")
        self.bad_rows = bad
        try:
            result, _ = preview(test, self.ruleset())
        except InputError as exc:
            where = exc.path
            if where.startswith(f"{self.key}["):
                index = int(where[len(self.key) + 1 : where.index("]")])
                self.bad_rows = sorted(bad + [kept[index]])
                return None, kept, translate_message(exc.message)
            return (
                None,
                kept,
                tr("Enter Qn, the unit and the batch size N above first: {error}").format(
                    error=f"{where} {translate_message(exc.message)}".strip()
                ),
            )
        return result, kept, ""

    def refresh(self) -> None:
        if self._filling:
            return
        mode = self.current_mode()
        self.mode.setCurrentIndex(MODES.index(mode))
        result, kept, message = self._judge()
        self.result = result
        units = self.units()
        required = result["sample_size_required"] if result else 0
        rows = max(required, len(units) + 1, 10)
        self._filling = True
        try:
            self.grid.setRowCount(rows)
            self.grid.setColumnHidden(TARE, mode != "gross_tare")
            self.row_state = [""] * rows
            items = {r: it for r, it in zip(kept, result["items"], strict=False)} if result else {}
            editable = not self.model.read_only
            for r in range(rows):
                u = units[r] if r < len(units) and isinstance(units[r], dict) else {}
                reading = u.get("net") if mode == "net" else u.get("gross")
                self._set(r, READING, reading, editable)
                self._set(r, TARE, u.get("tare"), editable)
                it = items.get(r)
                state = "invalid" if r in self.bad_rows else (it["verdict"] if it else "")
                self.row_state[r] = state
                short = None
                if it and Decimal(it["error"]) < 0:  # over-filled packages are not short
                    short = fmt(-Decimal(it["error"]))
                self._set(r, NET, it["actual"] if it else None, False)
                self._set(r, SHORT, short, False)
                self._set(r, RESULT, self._result_text(state), False)
                self._colour(r, state)
        finally:
            self._filling = False
        self.message.setText(message)
        self._headers()
        self._show_summary(result, len([u for u in units if u]))

    def _set(self, row: int, col: int, value, editable: bool) -> None:
        item = self.grid.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            self.grid.setItem(row, col, item)
        text = "" if value is None else str(value)
        if item.text() != text:
            item.setText(text)
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if editable and col in (READING, TARE):
            flags |= Qt.ItemFlag.ItemIsEditable
        if item.flags() != flags:  # (re)setting flags would close an open cell editor
            item.setFlags(flags)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if col != RESULT and item.textAlignment() != align:
            item.setTextAlignment(align)

    @staticmethod
    def _result_text(state: str) -> str:
        return {
            "pass": "✔",
            "t1": "T1",
            "t2": "T2",
            "invalid": tr("✘ not a number"),
        }.get(state, "")

    def _colour(self, row: int, state: str) -> None:
        bg = {"t1": T1_BG, "t2": T2_BG, "invalid": T2_BG}.get(state)
        fg = {"pass": PASS_FG, "t1": T1_FG, "t2": FAIL_FG, "invalid": FAIL_FG}.get(state)
        for c in range(self.grid.columnCount()):
            item = self.grid.item(row, c)
            if item is None:
                continue
            item.setBackground(QBrush(bg) if bg else QBrush())
            if c in (SHORT, RESULT):
                item.setForeground(QBrush(fg) if fg else QBrush())

    def _show_summary(self, result: dict | None, entered: int) -> None:
        if result is None:
            self.summary.setText("")
            self.verdict.setText("")
            self.verdict.setStyleSheet("")
            return
        unit = result["unit"]
        parts = [
            tr("{n} of {required} packages").format(
                n=entered, required=result["sample_size_required"]
            ),
            f"T = {result['t']} {unit}, 2T = {result['two_t']} {unit}",
            f"T1: {result['t1_count']} / {result['t1_allowed']}",
            f"T2: {result['t2_count']} / {result['t2_allowed']}",
        ]
        if result["mean"] is not None:
            parts.append(f"{tr('mean q̄')} = {result['mean']} {unit}")
        if result["s"] is not None:
            parts.append(f"s = {result['s']}")
        if result["lambda"] is None:
            parts.append(tr("no average for N ≤ 10"))
        elif "limit" in result:
            parts.append(f"λ = {result['lambda']}, λ·s = {result['lambda_s']}")
            parts.append(f"{tr('limit Qn − λ·s')} = {result['limit']} {unit}")
        self.summary.setText(" · ".join(parts))
        verdict = result["verdict"]
        if verdict == "pending":
            left = result["sample_size_required"] - len(result["items"])
            text, fg, bg = tr("… {left} more to enter").format(left=left), "#555555", "#eeeeee"
        elif verdict == "pass":
            text, fg, bg = tr("✔ batch passes"), "#14632f", "#dcf2e3"
        else:
            text, fg, bg = tr("✘ batch fails"), "#9b0019", "#fbe0e5"
            if result.get("average_ok") is False and AVERAGE_FAILED in result.get("failed", []):
                text += f" ({tr('average below the limit')})"
        self.verdict.setText(text)
        self.verdict.setStyleSheet(
            f"color: {fg}; background: {bg}; font-weight: bold; border-radius: 4px;"
        )

    def retranslate(self) -> None:
        self.title.setText(tr("Package readings"))
        self.mode_label.setText(tr("Readings are") + ":")
        for i, text in enumerate(MODE_TEXT):
            self.mode.setItemText(i, tr(text))
        self.paste_button.setText(tr("Paste readings"))
        self.paste_button.setToolTip(tr("Paste package readings") + " (Ctrl+V)")
        self.clear_button.setText(tr("Clear readings"))
        self.refresh()

    def _headers(self) -> None:
        unit = self.model.test.get("unit") if isinstance(self.model.test.get("unit"), str) else ""
        titles = ("Package reading", "Tare", "Net", "Short by", "Shortfall class")
        labels = [
            f"{tr(t)} ({unit})" if unit and i < RESULT else tr(t) for i, t in enumerate(titles)
        ]
        shown = [self.grid.horizontalHeaderItem(i) for i in range(5)]
        if labels != [item.text() if item is not None else None for item in shown]:
            self.grid.setHorizontalHeaderLabels(labels)
