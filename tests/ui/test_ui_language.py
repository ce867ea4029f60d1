"""Switching the language changes visible texts at once, without a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from inspector_app import i18n
from inspector_app.ui import main_window as mw
from inspector_app.ui import settings


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def window(qtbot, store, stall):
    from inspector_app.ui import settings

    settings.save_geometry("page", 1)  # start on the inspections list
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.inspections_page.model.loaded_once, timeout=10000)
    return win


def test_switch_changes_menus_navigation_headers_and_filters(qtbot, window):
    page = window.inspections_page
    assert window.nav.item(1).text() == "Inspections"
    header = page.table.horizontalHeader().model()  # the texts the header shows
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "Premises"
    assert header.headerData(1, Qt.Orientation.Horizontal) == "Premises"
    window.actions_by_name["language"].trigger()
    assert i18n.current_language() == "zh"
    assert window.nav.item(1).text() == "检查记录"
    assert window.menus["file"].title() == "文件(&F)"
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "受检单位"
    assert header.headerData(1, Qt.Orientation.Horizontal) == "受检单位"
    assert page.family.itemText(0) == "全部类别" and page.family.itemText(1) == "衡器"
    assert page.search.placeholderText().startswith("搜索")
    assert window.premises_page.new_button.text() == "新建(&N)…"
    assert settings.get("language") == "zh"  # remembered
    window.actions_by_name["language"].trigger()
    assert window.nav.item(1).text() == "Inspections"


def test_settings_dialog_applies_language_and_name(qtbot, window):
    dialog = settings.SettingsDialog(window)
    qtbot.addWidget(dialog)
    combo = dialog.editors["language"]
    combo.setCurrentIndex(combo.findData("zh"))
    dialog.editors["inspector_name"].setText("张伟")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert i18n.current_language() == "zh"
    assert settings.get("inspector_name") == "张伟" and settings.actor() == "张伟"
    assert dialog.windowTitle() == "设置"
    window.today_page.retranslate()
    assert "张伟" in window.today_page.greeting.text()


def test_settings_refuse_a_too_long_name(qtbot):
    dialog = settings.SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.editors["inspector_name"].setText("x" * 150)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name_error.text()
    assert settings.get("inspector_name") == ""


def test_settings_have_declared_defaults_and_coerce_bad_values():
    assert settings.get("role") == "inspector"
    settings.set_value("role", "admin")  # not a choice: falls back to the default
    assert settings.get("role") == "inspector"
    settings.set_value("page_size", 5)
    assert settings.get("page_size") == 20
    assert all(s.label[0] and s.label[1] for s in settings.SETTINGS)


def test_every_ui_module_loads_with_the_shared_catalogue():
    """English keys registered twice must agree (i18n.register raises otherwise)."""
    import importlib
    import pkgutil

    import inspector_app.ui as ui

    for module in pkgutil.walk_packages(ui.__path__, "inspector_app.ui."):
        importlib.import_module(module.name)
