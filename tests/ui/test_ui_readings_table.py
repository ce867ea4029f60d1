"""The readings table on its own: form columns, typing through the view's editor, refusing
bad values at the cell, Enter moving to the next input cell, undo, and the model contract."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit

from inspector_app.domain.forms import load_form
from inspector_app.domain.models import (
    Inspection,
    Instrument,  # noqa: I001
    new_id,
)
from inspector_app.i18n import set_language
from inspector_app.services import drafts
from inspector_app.ui.widgets.readings_table import ErrorRole, ReadingsModel, ReadingsTable

SCALE = Instrument(
    "i",
    "p",
    "scale",
    accuracy_class="III",
    metrology={"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"},
)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


class Harness:
    """A model wired like the editor wires it: validate with the rules, judge on change."""

    def __init__(self, kind: str, tests: list[dict]):
        self.insp = Inspection(
            new_id(), new_id(), "i", "p", "scale", "in_service", "JJG 539-2016", "张伟", tests=tests
        )
        self.form = load_form("scale")
        self.stack = QUndoStack()
        self.ti = next(i for i, t in enumerate(tests) if t["kind"] == kind)
        self.model = ReadingsModel(
            self.form.test(kind),
            tests[self.ti],
            units=dict(self.form.units),
            instrument_unit="g",
            undo_stack=self.stack,
            validate=lambda row, path, value, key: drafts.check_cell(
                self.insp, SCALE, self.ti, row, path, value, key
            ),
            on_change=self.judge,
        )
        self.judge()

    def judge(self):
        ev = drafts.evaluate_draft(self.insp, SCALE)
        self.model.set_state(ev.tests[self.ti])


def col(model, path):
    return next(i for i, c in enumerate(model.columns) if c.path == path)


def type_into(qtbot, view, row, column, text):
    if not view.isVisible():
        view.window().show()
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    return editor


def test_model_contract(qtmodeltester):
    h = Harness(
        "weighing",
        [{"kind": "weighing", "points": [{"load": "100", "indication": "105"}, {"load": "2500"}]}],
    )
    qtmodeltester.check(h.model)
    h2 = Harness(
        "repeatability",
        [{"kind": "repeatability", "load": "7500", "indications": ["7500", "7505"]}],
    )
    qtmodeltester.check(h2.model)
    h3 = Harness("price", [{"kind": "price"}])
    qtmodeltester.check(h3.model)


def test_columns_come_from_the_form():
    h = Harness("weighing", [{"kind": "weighing", "points": [{"load": "100"}]}])
    titles = [
        h.model.headerData(c, Qt.Orientation.Horizontal) for c in range(h.model.columnCount())
    ]
    assert titles[0] == "Load L\n(g)" and titles[1] == "Indication I\n(g)"
    assert titles[-3:] == ["Error", "MPE", "Verdict"]
    set_language("zh")
    assert h.model.headerData(0, Qt.Orientation.Horizontal) == "载荷 L\n(克)"


def test_typing_judges_the_row_with_text_and_colour(qtbot):
    h = Harness("weighing", [{"kind": "weighing", "points": [{"load": "100"}, {"load": "2500"}]}])
    table = ReadingsTable(h.model)
    qtbot.addWidget(table)
    table.show()
    verdict = len(h.model.columns) + 2
    assert h.model.index(0, verdict).data() == "… pending"
    type_into(qtbot, table.view, 0, col(h.model, "indication"), "105")
    assert h.model.test["points"][0]["indication"] == "105"
    assert h.model.index(0, verdict).data() == "✔ pass"
    assert (
        h.model.index(0, verdict).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#14632f"
    )
    assert h.model.index(0, verdict - 1).data() == "±5"
    assert h.model.index(0, verdict - 2).data() == "+5"
    type_into(qtbot, table.view, 0, col(h.model, "indication"), "105.1")
    assert h.model.index(0, verdict).data() == "✘ fail"
    assert (
        h.model.index(0, verdict).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#9b0019"
    )


def test_enter_moves_down_the_same_column_and_tab_across_the_row(qtbot):
    h = Harness("weighing", [{"kind": "weighing", "points": [{"load": "100"}, {"load": "2500"}]}])
    table = ReadingsTable(h.model)
    qtbot.addWidget(table)
    table.show()
    ind, load = col(h.model, "indication"), col(h.model, "load")
    type_into(qtbot, table.view, 0, ind, "100")
    # Enter: the same column one row down, not the next row's prefilled load
    assert (table.view.currentIndex().row(), table.view.currentIndex().column()) == (1, ind)
    # Tab inside an editor: across the row (added), then past the prefilled load of row 2
    table.view.setCurrentIndex(h.model.index(0, ind))
    table.view.edit(h.model.index(0, ind))
    editor = [w for w in table.view.viewport().findChildren(QLineEdit) if w.isVisible()][0]
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert table.view.currentIndex().column() == col(h.model, "added")
    editor = [w for w in table.view.viewport().findChildren(QLineEdit) if w.isVisible()][0]
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert (table.view.currentIndex().row(), table.view.currentIndex().column()) == (1, ind)
    assert h.model.test["points"][1]["load"] == "2500"
    assert load != ind


@pytest.mark.parametrize(
    ("text", "message"),
    [("abc", "must be a number"), ("NaN", "must be a number"), ("1e400", "out of range")],
)
def test_invalid_text_is_shown_at_the_cell_and_not_stored(qtbot, text, message):
    h = Harness(
        "weighing", [{"kind": "weighing", "points": [{"load": "100", "indication": "105"}]}]
    )
    table = ReadingsTable(h.model)
    qtbot.addWidget(table)
    table.show()
    c = col(h.model, "indication")
    with qtbot.waitSignal(h.model.edit_rejected):
        type_into(qtbot, table.view, 0, c, text)
    index = h.model.index(0, c)
    assert h.model.test["points"][0]["indication"] == "105"
    assert index.data() == text  # what was typed stays visible to correct it…
    assert message in index.data(Qt.ItemDataRole.ToolTipRole)  # …with the message
    assert index.data(ErrorRole)
    assert h.stack.count() == 0
    type_into(qtbot, table.view, 0, c, "100")
    assert h.model.test["points"][0]["indication"] == "100" and not index.data(ErrorRole)


def test_a_load_above_max_plus_9e_is_refused_by_the_rules(qtbot):
    h = Harness(
        "weighing", [{"kind": "weighing", "points": [{"load": "100", "indication": "105"}]}]
    )
    table = ReadingsTable(h.model)
    qtbot.addWidget(table)
    type_into(qtbot, table.view, 0, col(h.model, "load"), "20000")
    assert h.model.test["points"][0]["load"] == "100"
    assert "Max + 9e" in h.model.index(0, col(h.model, "load")).data(Qt.ItemDataRole.ToolTipRole)


def test_new_row_line_appends_and_undo_removes_it(qtbot):
    h = Harness("repeatability", [{"kind": "repeatability", "load": "7500"}])
    table = ReadingsTable(h.model)
    qtbot.addWidget(table)
    for row, text in enumerate(["7500", "7505", "7500", "7510"]):
        type_into(qtbot, table.view, row, 0, text)
    assert h.model.test["indications"] == ["7500", "7505", "7500", "7510"]
    labels = [h.model.headerData(r, Qt.Orientation.Vertical) for r in range(h.model.rowCount())]
    assert labels[4] == "+" and labels[5] == "7500 g range"
    h.stack.undo()
    assert h.model.test["indications"] == ["7500", "7505", "7500"]
    h.stack.redo()
    assert h.model.test["indications"][-1] == "7510"


def test_test_level_field_is_validated(qtbot):
    h = Harness("eccentricity", [{"kind": "eccentricity", "load": "5000"}])
    table = ReadingsTable(h.model)
    qtbot.addWidget(table)
    edit = table.field_edits["load"]
    edit.setText("lots")
    edit.editingFinished.emit()
    assert h.model.test["load"] == "5000" and "must be a number" in edit.toolTip()
    edit.setText("4995")
    edit.editingFinished.emit()
    assert h.model.test["load"] == "4995" and edit.toolTip() == ""


def test_read_only_model_refuses_edits():
    h = Harness("weighing", [{"kind": "weighing", "points": [{"load": "100"}]}])
    h.model.set_read_only(True)
    index = h.model.index(0, col(h.model, "indication"))
    assert not (h.model.flags(index) & Qt.ItemFlag.ItemIsEditable)
    assert not h.model.setData(index, "100")
    assert "indication" not in h.model.test["points"][0]
