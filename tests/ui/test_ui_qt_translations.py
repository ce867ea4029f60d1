"""Qt's own buttons and menus speak the window's language (Qt's qtbase catalogue)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

from inspector_app import i18n
from inspector_app.ui import qt_translations


@pytest.fixture(autouse=True)
def keep_language():
    before = i18n.current_language()
    yield
    i18n.set_language(before)
    qt_translations.apply_language(before)


def _button_texts(box: QDialogButtonBox) -> list[str]:
    return [b.text() for b in box.buttons()]


def test_standard_buttons_follow_the_language_switch(qtbot):
    i18n.set_language("en")
    assert qt_translations.install_qt_translations() == 0  # English is Qt's own text
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x")
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Yes).text().replace("&", "") == "Yes"

    i18n.set_language("zh")  # the translator follows every switch
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    texts = _button_texts(buttons)
    assert any("确定" in t for t in texts) and any("取消" in t for t in texts), texts
    box_zh = QMessageBox(QMessageBox.Icon.Question, "t", "x")
    box_zh.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box_zh)
    assert "是" in box_zh.button(QMessageBox.StandardButton.Yes).text()
    assert "否" in box_zh.button(QMessageBox.StandardButton.No).text()

    i18n.set_language("en")
    back = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(back)
    assert _button_texts(back) == ["Cancel"] or _button_texts(back) == ["&Cancel"]


def test_a_text_fields_context_menu_is_chinese(qtbot):
    i18n.set_language("zh")
    qt_translations.install_qt_translations()
    field = QLineEdit("abc")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text() for a in menu.actions() if a.text()]
    menu.deleteLater()
    assert any("复制" in t for t in texts) and any("粘贴" in t for t in texts), texts
    assert not any("Copy" in t or "Paste" in t for t in texts)


def test_the_catalogue_is_found_where_the_frozen_build_puts_it():
    names = {p.name for d in qt_translations.translations_dirs() for p in d.glob("qtbase_zh_CN.qm")}
    assert names == {"qtbase_zh_CN.qm"}
    assert len(qt_translations.load_translators("zh")) == 1
    assert qt_translations.load_translators("en") == []
