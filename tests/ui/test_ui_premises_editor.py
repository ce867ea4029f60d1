"""Premises editor: the credit code is checked at the field; nothing is saved on bad input."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector_app import i18n
from inspector_app.domain.credit_code import make_credit_code
from inspector_app.ui.premises_editor import PremisesEditor

VALID = make_credit_code("92340100MA2TX8K5J")
WRONG_CHECK = VALID[:17] + ("0" if VALID[17] != "0" else "1")


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def fill(qtbot, dialog, **values):
    for name, text in values.items():
        w = dialog.fields[name]
        w.setFocus()
        if hasattr(w, "setCurrentText"):
            w.setCurrentText(text)
        else:
            w.clear()
            qtbot.keyClicks(w, text)


def test_invalid_credit_code_shows_the_gb32100_message_and_stores_nothing(qtbot, store):
    dialog = PremisesEditor(store)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(qtbot, dialog, credit_code=WRONG_CHECK)
    error = dialog.errors.label("premises.credit_code")
    assert error.isVisible()  # live, while typing the 18th character
    assert "GB 32100-2015" in error.text() and f"expected '{VALID[17]}'" in error.text()
    dialog.fields["name"].setText("李四水果摊")
    before = store.fingerprint()
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible() and dialog.saved_premises is None
    assert store.premises.count() == 0 and store.fingerprint() == before


def test_short_code_counts_characters_then_complains_on_leaving(qtbot, store):
    dialog = PremisesEditor(store)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(qtbot, dialog, credit_code="9234")
    assert dialog.code_hint.text() == "4 of 18 characters"
    assert not dialog.errors.label("premises.credit_code").isVisible()
    dialog._check_code_live("9234", final=True)
    assert "18 characters, got 4" in dialog.errors.message("premises.credit_code")
    fill(qtbot, dialog, credit_code="92I")
    assert "not allowed" in dialog.errors.message("premises.credit_code")


def test_missing_name_is_shown_at_the_name_field(qtbot, store):
    dialog = PremisesEditor(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.errors.message("premises.name") == "is required"
    assert dialog.fields["name"].hasFocus() or dialog.fields["name"].property("hasError")
    assert store.premises.count() == 0


def test_valid_premises_are_saved(qtbot, store):
    dialog = PremisesEditor(store)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(qtbot, dialog, name="Li Si fruit", credit_code=VALID.lower(), city="Hefei", stall_no="B07")
    dialog.fields["market"].setCurrentText("合肥市周谷堆农产品批发市场")
    assert "valid" in dialog.code_hint.text()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
        )
    saved = store.premises.get(dialog.saved_premises.id)
    assert (
        saved.credit_code == VALID
        and saved.market == "合肥市周谷堆农产品批发市场"
        and saved.stall_no == "B07"
    )


def test_editing_keeps_the_id_and_messages_follow_the_language(qtbot, store, stall):
    premises, _ins = stall
    dialog = PremisesEditor(store, premises)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit premises"
    dialog.fields["credit_code"].setText(WRONG_CHECK)
    dialog._check_code_live(WRONG_CHECK, final=True)
    i18n.set_language("zh")
    assert dialog.windowTitle() == "编辑受检单位"
    assert "校验码" in dialog.errors.message("premises.credit_code")
    dialog.fields["credit_code"].setText(premises.credit_code)
    dialog.fields["phone"].setText("0551-1234567")
    dialog.accept()
    assert store.premises.get(premises.id).phone == "0551-1234567"
    assert store.premises.count() == 1
