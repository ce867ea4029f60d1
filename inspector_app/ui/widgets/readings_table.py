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

The columns and their texts are in :mod:`.readings_columns`, the model with its undo commands
in :mod:`.readings_model`, the view and its delegate in :mod:`.readings_view`; this module is
the widget that puts them together (and offers the names callers import from here).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...services import drafts
from .field_error import translate_message
from .readings_columns import (
    FAIL_BG,
    FAIL_FG,
    MIN_INPUT_WIDTH,
    PASS_BG,
    PASS_FG,
    Column,
    ErrorRole,
    _lang,
    choice_key,
    clause_text,
    item_text,
    number_text,
    verdict_colours,
    verdict_text,
)
from .readings_model import ReadingsModel
from .readings_view import ReadingsDelegate, ReadingsView

__all__ = [
    "FAIL_BG",
    "FAIL_FG",
    "PASS_BG",
    "PASS_FG",
    "ErrorRole",
    "ReadingsDelegate",
    "ReadingsModel",
    "ReadingsTable",
    "ReadingsView",
    "clause_text",
    "item_text",
    "number_text",
]


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
