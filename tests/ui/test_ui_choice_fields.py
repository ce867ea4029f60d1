"""A form field with a closed set of values is a drop-down list showing words in the
window's language, never a text box: the goods batch's quantity, unit, rounding of T and
sampling method, and every yes/no field (JJG 1204's security checks, a sealed sample)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from inspector_app.domain import forms
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.i18n import set_language
from inspector_app.ui.inspection_editor import InspectionEditor


@pytest.fixture(autouse=True)
def chinese():
    set_language("zh")
    yield
    set_language("en")


def _closed_fields(fields, prefix=""):
    """Paths of the form's choice and yes/no fields (objects flattened as the editor does)."""
    out = []
    for f in fields:
        if f.type == "object":
            out += _closed_fields(f.fields, f"{prefix}{f.key}.")
        elif f.type in ("choice", "bool"):
            out.append(f"{prefix}{f.key}")
    return out


def _table(editor, kind):
    return next(t for t in editor.tables if t.model.form_test.kind == kind)


def _texts(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def _editor(qtbot, store, family, metrology, premises_kind="supermarket"):
    p = store.premises.save(Premises(new_id(), premises_kind, "家乐福（合肥店）", city="合肥市"))
    ins = store.instruments.save(Instrument(new_id(), p.id, family, metrology=metrology))
    ed = InspectionEditor.new_for_instrument(store, ins.id, "张伟")
    qtbot.addWidget(ed)
    return ed


def test_every_closed_test_field_of_a_goods_batch_is_a_drop_down(qtbot, store):
    ed = _editor(qtbot, store, "prepackaged", {"product": "白砂糖", "producer": "合肥糖业"})
    table = _table(ed, "net_content")
    wanted = _closed_fields(forms.load_form("prepackaged").test("net_content").fields)
    assert {"quantity", "unit", "t_rounding", "sampling.method", "sampling.sealed"} <= set(wanted)
    for path in wanted:
        assert path in table.field_choices and path not in table.field_edits, path
    assert "个（件）" in _texts(table.field_choices["unit"])  # words, never the code "pcs"
    assert "pcs" not in _texts(table.field_choices["unit"])
    assert _texts(table.field_choices["t_rounding"]) == ["", "进位（缺省）", "四舍五入"]
    assert "简单随机抽样" in _texts(table.field_choices["sampling.method"])
    sealed = table.field_choices["sampling.sealed"]
    assert _texts(sealed) == ["", "是", "否"]
    sealed.setCurrentIndex(1)
    sealed.activated.emit(1)
    assert ed.insp.tests[table.model.test_index]["sampling"]["sealed"] == "yes"
    set_language("en")  # the words follow the language switch; the stored code stays
    assert _texts(sealed) == ["", "Yes", "No"]
    assert ed.insp.tests[table.model.test_index]["sampling"]["sealed"] == "yes"


def test_jjg_1204_security_answers_are_yes_no_lists(qtbot, store, stall):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyleOptionViewItem

    _p, scale = stall
    ed = InspectionEditor.new_for_instrument(store, scale.id, "张伟")
    qtbot.addWidget(ed)
    table = _table(ed, "security")
    model = table.model
    answers = _closed_fields(forms.load_form("scale").test("security").fields)
    assert len(answers) == 7
    columns = {c.path: n for n, c in enumerate(model.columns)}
    delegate = table.view.itemDelegate()
    for path in answers:
        index = model.index(0, columns[path])
        editor = delegate.createEditor(table.view, QStyleOptionViewItem(), index)
        assert isinstance(editor, QComboBox) and _texts(editor) == ["", "是", "否"], path
    # the text fields of the same test stay text boxes
    index = model.index(0, columns["software_id"])
    assert not isinstance(
        delegate.createEditor(table.view, QStyleOptionViewItem(), index), QComboBox
    )
    index = model.index(0, columns["seal_intact"])
    editor = delegate.createEditor(table.view, QStyleOptionViewItem(), index)
    editor.setCurrentIndex(2)  # 否
    delegate.setModelData(editor, model, index)
    assert ed.insp.tests[model.test_index]["seal_intact"] == "no"
    assert index.data(Qt.ItemDataRole.DisplayRole) == "否"
