"""The inspection editor's input traps from the walk-through, driven like an inspector drives them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from inspector_app.i18n import set_language
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


def _x(button, panel):
    return button.mapTo(panel, QPoint(0, 0)).x()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_checklist_radios_stay_put_when_a_finding_mark_appears(qtbot, editor, lang):
    set_language(lang)
    panel = editor.checklist
    for _ in range(3):  # the new language's layout settles before measuring
        panel.grid.activate()
        QApplication.processEvents()
    legal = [q for q in panel.questions if q.group == "legal" and q.finding_if == "no"]
    cheating = [q for q in panel.questions if q.group == "cheating"]
    assert legal and len(cheating) >= 5
    before = {q.key: _x(panel.buttons[(q.key, "no")], panel) for q in cheating}
    # "No" to a legal question: a finding, its mark appears
    first = panel.buttons[(legal[0].key, "no")]
    editor.scroll_area.ensureWidgetVisible(first)
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert panel.marks[legal[0].key].text().startswith("⚠")
    QApplication.processEvents()
    after = {q.key: _x(panel.buttons[(q.key, "no")], panel) for q in cheating}
    assert after == before
    # clicking down the "No" column records "No" for each indicator
    for q in cheating:
        b = panel.buttons[(q.key, "no")]
        editor.scroll_area.ensureWidgetVisible(b)
        qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    assert all(editor.insp.checklist[q.key] == "no" for q in cheating)


def test_clicking_the_chosen_answer_again_keeps_it(qtbot, editor):
    panel = editor.checklist
    q = panel.questions[0]
    b = panel.buttons[(q.key, "yes")]
    editor.scroll_area.ensureWidgetVisible(b)
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    assert editor.insp.checklist[q.key] == "yes"
    assert b.isChecked()


def test_no_to_all_cheating_indicators_in_one_undoable_step(qtbot, editor):
    panel = editor.checklist
    cheating = [q for q in panel.questions if q.group == "cheating"]
    # one already answered "yes" (a finding) stays as it is
    panel.buttons[(cheating[0].key, "yes")].click()
    qtbot.mouseClick(panel.all_clean_button, Qt.MouseButton.LeftButton)
    assert editor.insp.checklist[cheating[0].key] == "yes"
    assert all(editor.insp.checklist[q.key] == "no" for q in cheating[1:])
    assert all(panel.buttons[(q.key, "no")].isChecked() for q in cheating[1:])
    editor.undo_stack.undo()
    assert not any(editor.insp.checklist.get(q.key) for q in cheating[1:])


def _table(ed, kind, nth=0):
    return [t for t in ed.tables if t.model.form_test.kind == kind][nth]


def _col(model, path):
    return next(i for i, c in enumerate(model.columns) if c.path == path)


def _open_editor(view):
    eds = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    return eds[0] if len(eds) == 1 else None


def test_tab_and_enter_leave_a_single_row_table(qtbot, editor):
    single = [t for t in editor.tables if not t.model.list_mode and t.model.columns]
    assert single, "the scale form has single-row tests (zero setting, discrimination…)"
    table = single[0]
    view, model = table.view, table.model
    last = len(model.columns) - 1
    editor.activateWindow()
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Return):
        view.setFocus()
        idx = model.index(0, last)
        view.setCurrentIndex(idx)
        view.edit(idx)
        line = _open_editor(view)
        assert line is not None
        qtbot.keyClick(line, key)
        QApplication.processEvents()
        assert _open_editor(view) is None  # not wrapped round into the first cell
        focus = QApplication.focusWidget()
        assert focus is not view and not view.isAncestorOf(focus)


def test_enter_keeps_the_pd_meters_reference_column(qtbot, store, stall):
    from inspector_app.domain.models import Instrument, new_id

    p, _scale = stall
    pd = store.instruments.save(
        Instrument(new_id(), p.id, "pd_meter", "Topcon", "PD-5", "P1", "", "", {})
    )
    ed = InspectionEditor.new_for_instrument(store, pd.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    table = next(t for t in ed.tables if t.model.list_mode and t.model.form_test.point_field)
    model, view = table.model, table.view
    point = model.form_test.point_field
    pc = _col(model, point)
    rc = next(i for i, c in enumerate(model.columns) if c.path != point and c.type == "number")
    refs = [model.cell_value(r, point) for r in range(model.data_rows())]
    assert refs[0] is not None and refs[1] is not None  # the form's prefilled points
    view.setCurrentIndex(model.index(0, rc))
    view.edit(model.index(0, rc))
    line = _open_editor(view)
    qtbot.keyClicks(line, "64.5")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert view.currentIndex().row() == 1 and view.currentIndex().column() == rc
    qtbot.keyClicks(view, "6")  # typing starts editing the reading below…
    line = _open_editor(view)
    qtbot.keyClicks(line, "6.5")  # …and the rest goes to the cell's editor
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert model.cell_value(1, point) == refs[1]
    assert model.cell_value(1, model.columns[rc].path) == "66.5"
    assert pc != rc


def test_the_editor_fits_the_screen_and_remembers_being_maximised(qtbot, store, stall):
    _p, scale = stall
    first = InspectionEditor.new_for_instrument(store, scale.id, "张伟")
    qtbot.addWidget(first)
    avail = first.screen().availableGeometry()
    assert first.height() <= avail.height() - 32 and first.width() <= avail.width()
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized, timeout=2000)
    first.close()
    again = InspectionEditor(store, first.insp.id)
    qtbot.addWidget(again)
    assert again.windowState() & Qt.WindowState.WindowMaximized
    again.showNormal()
    again.close()
    third = InspectionEditor(store, first.insp.id)
    qtbot.addWidget(third)
    assert not (third.windowState() & Qt.WindowState.WindowMaximized)
    assert third.height() <= avail.height() - 32


def test_finalize_warns_of_missing_signatures_standards_and_an_overdue_instrument(
    qtbot, store, stall
):
    import dataclasses

    _p, scale = stall
    store.instruments.save(dataclasses.replace(scale, next_due="2026-02-28"))
    ed = InspectionEditor.new_for_instrument(store, scale.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    seen = []
    ed.confirm_finalize = lambda verdict, failed, left, warnings: seen.append(warnings) or False
    table = next(t for t in ed.tables if t.model.form_test.kind == "weighing")
    view, model = table.view, table.model
    c = _col(model, "indication")
    view.setCurrentIndex(model.index(0, c))
    view.edit(model.index(0, c))
    qtbot.keyClicks(_open_editor(view), "100")
    qtbot.keyClick(_open_editor(view), Qt.Key.Key_Return)
    assert ed.finalize() is False
    text = "\n".join(seen[0])
    assert "inspector's signature is missing" in text
    assert "representative's signature is missing" in text
    assert "No reference standard" in text
    assert "2026-02-28 (overdue)" in text
    set_language("zh")
    assert "超期未检" in "\n".join(ed.finalize_warnings())


def test_standards_registered_meanwhile_show_in_the_open_editor_for_the_family_only(
    qtbot, editor, store
):
    from inspector_app.domain.models import ReferenceStandard, new_id

    assert editor.standards_hint.isVisible() and not editor.standards_list.isVisible()
    store.standards.save(
        ReferenceStandard(
            new_id(), "test_weight", "M1 砝码组", "C-1", "2030-01-01", "M1", "0.5", "g"
        )
    )
    store.standards.save(ReferenceStandard(new_id(), "metal_can", "20 L 标准金属量器"))
    editor.refresh_standards()  # what the editor does when it becomes the active window again
    names = [editor.standards_list.item(i).text() for i in range(editor.standards_list.count())]
    assert len(names) == 1 and names[0].startswith("M1 砝码组")
    assert editor.standards_list.isVisible() and not editor.standards_hint.isVisible()


def _type_cell(qtbot, view, row, column, text):
    """Type *text* (any characters) into a cell's editor, then Enter."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    index = view.model().index(row, column)
    view.scrollTo(index)
    view.setCurrentIndex(index)
    view.edit(index)
    line = _open_editor(view)
    line.selectAll()
    for ch in text:  # one key event per character, as an input method delivers them
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(line, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_full_width_digits_and_the_chinese_full_stop_are_read_as_numbers(qtbot, editor):
    table = _table(editor, "weighing")
    c = _col(table.model, "indication")
    _type_cell(qtbot, table.view, 0, c, "１０２。５")
    assert table.model.test["points"][0]["indication"] == "102.5"
    _type_cell(qtbot, table.view, 1, c, "－")
    assert "indication" not in (table.model.test["points"][1] or {})
    editor.temp_edit.setText("２２．５")
    editor.temp_edit.editingFinished.emit()
    assert editor.insp.environment["temperature"] == "22.5"


def test_a_refused_cell_says_why_in_chinese_in_the_status_bar(qtbot, editor):
    set_language("zh")
    table = _table(editor, "weighing")
    c = _col(table.model, "indication")
    _type_cell(qtbot, table.view, 0, c, "abc")
    message = editor.statusBar().currentMessage()
    assert "必须是数字" in message


@pytest.fixture
def fuel_editor(qtbot, store, stall):
    from inspector_app.domain.models import Instrument, new_id

    p, _scale = stall
    ins = store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "fuel_dispenser",
            "正星",
            "ZX-1",
            "F1",
            "",
            "",
            {"fuel": "gasoline", "qmin": "5", "qmax": "50", "mmq": "2", "nozzle": "3"},
        )
    )
    ed = InspectionEditor.new_for_instrument(store, ins.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    return ed


def test_fuel_can_values_carry_to_the_next_run_and_flow_rates_can_be_added(
    qtbot, fuel_editor, store
):
    ed = fuel_editor
    table = _table(ed, "volume")
    m, v = table.model, table.view
    for path, text in (
        ("indicated", "20.02"),
        ("can.nominal", "20"),
        ("can.reference_mark", "0"),
        ("can.neck_reading", "3"),
        ("can.ml_per_mm", "2"),
    ):
        _type_cell(qtbot, v, 0, _col(m, path), text)
    _type_cell(qtbot, v, 1, _col(m, "indicated"), "20.01")
    second = m.test["runs"][1]
    assert second["can"]["nominal"] == "20" and second["can"]["ml_per_mm"] == "2"
    assert "neck_reading" not in second["can"]  # read anew for each run
    # the instrument line speaks words, not keys
    text = ed.instrument_value.text()
    assert "Gasoline" in text or "gasoline" in text
    assert "qmax" not in text and "Q 5–50 L/min" in text
    # a second flow rate
    qtbot.mouseClick(ed.add_flow_button, Qt.MouseButton.LeftButton)
    volumes = [t for t in ed.tables if t.model.form_test.kind == "volume"]
    assert len(volumes) == 2 and volumes[1].model.test["flow"] == "Q2"
    qtbot.waitUntil(lambda: volumes[1].view.viewport().height() > 0, timeout=2000)
    QApplication.processEvents()
    _type_cell(qtbot, volumes[1].view, 0, _col(volumes[1].model, "indicated"), "20.03")
    ed.save_now()
    stored = store.inspections.require(ed.insp.id)
    flows = [t.get("flow") for t in stored.tests if t["kind"] == "volume"]
    assert len(flows) == 2 and flows[1] == "Q2"


def test_chart_legend_speaks_plain_words_and_runs_are_whole_numbers(qtbot, fuel_editor):
    chart = fuel_editor.chart
    labels = [label.text for _item, label in chart.legend.items]
    assert "pass" in labels and "fail" in labels
    assert not any("(chart)" in t for t in labels)
    table = _table(fuel_editor, "volume")
    m, v = table.model, table.view
    for path, text in (
        ("indicated", "20.02"),
        ("can.nominal", "20"),
        ("can.reference_mark", "0"),
        ("can.neck_reading", "3"),
        ("can.ml_per_mm", "2"),
        ("t_fuel", "20"),
        ("t_can", "20"),
    ):
        _type_cell(qtbot, v, 0, _col(m, path), text)
    assert m.edit_cell(0, "can.material", "stainless_steel", "choice")
    axis = chart.plot.getPlotItem().getAxis("bottom")
    assert chart.point_count() >= 1, fuel_editor.pending_label.text()
    assert axis._tickSpacing == [(1, 0), (1, 0)]
    (x0, x1), _y = chart.plot.getPlotItem().viewRange()
    assert x0 >= 0.5
    set_language("zh")
    labels = [label.text for _item, label in chart.legend.items]
    assert "合格" in labels


def test_ctrl_shift_l_switches_language_inside_the_editor(qtbot, editor):
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=2000)
    qtbot.keyClick(
        editor,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    from inspector_app.i18n import current_language

    assert current_language() == "zh"
    assert editor.inspection_menu.title() == "检查信息"


def test_a_finalized_record_looks_read_only_and_its_correction_is_told_apart(qtbot, editor, store):
    table = _table(editor, "weighing")
    _type_cell(qtbot, table.view, 0, _col(table.model, "indication"), "100")
    editor.confirm_finalize = lambda *a: True
    assert editor.finalize()
    assert editor.place_edit.isReadOnly() and not editor.place_edit.hasFrame()
    assert "(read-only)" in editor.windowTitle()
    editor.ask_reason = lambda: "typo in the place"
    child = editor.correct()
    qtbot.addWidget(child)
    assert "revision 2" in child.windowTitle() and "read-only" not in child.windowTitle()
    assert child.place_edit.hasFrame()


def _camera_jpeg(width=4000, height=3000, orientation=6):
    """A camera-like JPEG: 12 MP, EXIF orientation 'turn 90°', a time and a GPS position."""
    import io

    from PIL import Image

    img = Image.new("RGB", (width, height), (200, 30, 30))
    img.paste((20, 20, 200), (0, 0, width // 4, height // 4))  # a blue corner, top left
    exif = Image.Exif()
    exif[274] = orientation
    exif[306] = "2026:12:04 10:22:05"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 49.0, 14.16)
    gps[3], gps[4] = "E", (117.0, 13.0, 37.92)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def test_a_camera_photo_is_stored_upright_about_2_mp_with_its_time_and_place(qtbot, editor, store):
    import io

    from PIL import Image

    raw = _camera_jpeg()
    editor.add_photos([raw])
    ref = next(a for a in editor.insp.attachments if a.role == "photo")
    stored = store.attachments.get(ref.sha256)
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and ref.mime == "image/jpeg"
    assert 1_500_000 <= img.width * img.height <= 2_000_000
    assert img.height > img.width  # turned upright (orientation 6: portrait)
    assert not img.getexif().get(274)  # no orientation left to apply twice
    assert len(stored) < len(raw)
    assert "2026-12-04 10:22:05" in ref.caption
    assert "GPS 31.8206" in ref.caption and "117.2272" in ref.caption


def test_the_original_photo_only_when_asked(qtbot, editor, store):
    raw = _camera_jpeg(1200, 900, orientation=1)
    editor.keep_originals_action.setChecked(True)
    big = _camera_jpeg()
    editor.add_photos([big])
    ref = next(a for a in editor.insp.attachments if a.role == "photo")
    assert store.attachments.get(ref.sha256) == big
    assert len(raw) < len(big)


def test_the_scale_chart_starts_at_zero_load(qtbot, editor):
    table = _table(editor, "weighing")
    _type_cell(qtbot, table.view, 0, _col(table.model, "indication"), "100")
    (x0, _x1), _y = editor.chart.plot.getPlotItem().viewRange()
    assert x0 == 0
