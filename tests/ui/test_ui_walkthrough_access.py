"""Accessibility and comfort: accessible names, tab order, verdict colours on a dark palette."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
)

from inspector_app.i18n import set_language
from inspector_app.ui import main_window as mw
from inspector_app.ui.inspection_editor import InspectionEditor


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def editor(qtbot, store, stall):
    _p, scale = stall
    ed = InspectionEditor.new_for_instrument(store, scale.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitExposed(ed)
    return ed


def _named(w) -> bool:
    if w.accessibleName():
        return True
    return isinstance(w, QAbstractButton) and bool(w.text().replace("&", "").strip())


def test_every_field_table_and_chart_of_the_editor_has_an_accessible_name(editor):
    kinds = (QLineEdit, QComboBox, QDateTimeEdit, QAbstractItemView, QAbstractButton)
    unnamed = [
        f"{type(w).__name__} {w.objectName()}"
        for kind in kinds
        for w in editor.centralWidget().findChildren(kind)
        if w.isVisible()
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not _named(w)
        and not isinstance(w.parent(), QAbstractItemView)  # a cell's own editor
        and not isinstance(w.parent(), QDateTimeEdit)  # the date field's inner line
        and type(w).__name__ not in ("QScrollBar",)
    ]
    assert unnamed == [], "\n".join(unnamed)
    assert editor.chart.accessibleName() == "Error chart"
    q = editor.checklist.questions[0]
    assert editor.checklist.buttons[(q.key, "no")].accessibleName().endswith(": No")
    set_language("zh")
    assert editor.chart.accessibleName() == "误差曲线"


def test_main_window_navigation_and_tables_have_accessible_names(qtbot, store):
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    assert win.nav.accessibleName() == "Pages"
    today = win.today_page
    assert today.drafts_table.accessibleName() == "Drafts to finish"
    assert win.inspections_page.table.accessibleName() == "Inspections"


def test_tab_order_through_the_editor_header(qtbot, editor):
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=2000)
    editor.inspector_edit.setFocus()
    order = [editor.inspector_edit]
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    expected = [
        editor.inspector_edit,
        editor.time_edit,
        editor.place_edit,
        editor.temp_edit,
        editor.humidity_edit,
    ]
    seen = [w if w in expected else getattr(w, "parent", lambda: None)() for w in order]
    # each header field in reading order (the date edit's inner line edit counts as the date)
    positions = [expected.index(w) for w in seen if w in expected]
    assert positions == sorted(positions) and len(set(positions)) == 5


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_verdict_colours_stay_legible_on_a_dark_palette(qtbot, editor):
    app = QApplication.instance()
    before = app.palette()
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#eeeeee"),
        (QPalette.ColorRole.WindowText, "#eeeeee"),
    ):
        dark.setColor(role, QColor(colour))
    app.setPalette(dark)
    try:
        q = next(q for q in editor.checklist.questions if q.finding_if == "no")
        editor.checklist.buttons[(q.key, "no")].click()
        mark = editor.checklist.marks[q.key]
        img = mark.grab().toImage()
        bg = img.pixelColor(2, img.height() // 2)
        assert _contrast(QColor("#9b0019"), bg) >= 4.5  # the mark brings its own background
        from inspector_app.ui.widgets.readings_table import FAIL_BG, FAIL_FG, PASS_BG, PASS_FG

        assert _contrast(PASS_FG, PASS_BG) >= 4.5 and _contrast(FAIL_FG, FAIL_BG) >= 4.5
        label = editor.verdict_label.styleSheet()
        assert "background" in label and "color" in label  # both set: never on the palette
    finally:
        app.setPalette(before)
