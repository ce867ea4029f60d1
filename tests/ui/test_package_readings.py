"""Fast entry of a prepackaged batch's package readings, driven through the real editor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.i18n import set_language
from inspector_app.ui.inspection_editor import InspectionEditor
from inspector_app.ui.widgets.package_readings import (
    NET,
    READING,
    RESULT,
    SHORT,
    TARE,
    PackageReadings,
    parse_readings,
)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def editor(qtbot, store):
    p = store.premises.save(Premises(new_id(), "supermarket", "家乐福（合肥店）", city="合肥市"))
    ins = store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "prepackaged",
            metrology={"product": "白砂糖", "producer": "合肥糖业", "batch_no": "B7"},
        )
    )
    ed = InspectionEditor.new_for_instrument(store, ins.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    return ed


def fast(ed) -> PackageReadings:
    widgets = ed.findChildren(PackageReadings)
    assert len(widgets) == 1
    return widgets[0]


def set_batch(ed, nominal="500", unit="g", batch_size="200"):
    table = next(t for t in ed.tables if t.model.form_test.kind == "net_content")
    for path, text, kind in (
        ("quantity", "mass", "choice"),
        ("nominal", nominal, "number"),
        ("unit", unit, "choice"),
        ("batch_size", batch_size, "number"),
    ):
        assert table.model.edit_test_field(path, text, kind), path
    return table


def type_reading(qtbot, grid, row, text):
    grid.setCurrentCell(row, READING)
    grid.editItem(grid.item(row, READING))
    edit = [w for w in grid.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(edit) == 1
    edit[0].selectAll()
    qtbot.keyClicks(edit[0], text)
    qtbot.keyClick(edit[0], Qt.Key.Key_Return)
    # on to the next package, ready to type
    qtbot.waitUntil(lambda: grid.currentRow() == row + 1, timeout=2000)


def test_parse_readings_from_spreadsheets_and_balance_printouts():
    assert parse_readings("498.6\n501.2\r\n\n499\n") == ["498.6", "501.2", "499"]
    assert parse_readings("1\t498.6\n2\t501,2\n") == ["498.6", "501.2"]  # index, value
    printout = """Sartorius BSA224S-CW
S/N 0034512
Date 2026-11-20  Time 09:31
G     512.5 g
T      12.5 g
N     500.0 g
G     511.9 g
T      12.5 g
N     499.4 g
"""
    assert parse_readings(printout) == ["500.0", "499.4"]
    plain = "No.1    498.62 g\nNo.2    501.04 g\n"
    assert parse_readings(plain) == ["498.62", "501.04"]
    assert parse_readings("４９８．６\n") == ["498.6"]
    assert parse_readings("合格\n\n") == []


def test_typing_moves_down_and_judges_as_you_type(qtbot, editor):
    set_batch(editor)
    w = fast(editor)
    assert w.grid.rowCount() == 50  # n = 50 for a batch of 200
    assert w.verdict.text() == "… 50 more to enter"
    type_reading(qtbot, w.grid, 0, "485")
    assert w.grid.currentRow() == 1
    type_reading(qtbot, w.grid, 1, "484.9")
    units = editor.insp.tests[0]["units"]
    assert units == [{"net": "485"}, {"net": "484.9"}]
    # exactly T (15 g) short passes; 15.1 g short is a T1 shortfall, marked
    assert w.grid.item(0, RESULT).text() == "✔"
    assert (w.grid.item(1, SHORT).text(), w.grid.item(1, RESULT).text()) == ("15.1", "T1")
    assert "T1: 1 / 3" in w.summary.text()
    assert "48 more to enter" in w.verdict.text()
    # the editor judged the same rows: undo takes back the last entry
    editor.undo_stack.undo()
    assert editor.insp.tests[0]["units"] == [{"net": "485"}]
    assert w.grid.item(1, READING).text() == ""


def test_paste_fifty_readings_gives_the_batch_verdict_and_is_saved(qtbot, editor, store):
    set_batch(editor)
    w = fast(editor)
    # n = 50, λ = 0.379: ±7 g twice around 499.242 gives s = 2 and a mean exactly on the limit
    values = ["506.242"] * 2 + ["492.242"] * 2 + ["499.242"] * 46
    QApplication.clipboard().setText("\n".join(values))
    w.grid.setCurrentCell(0, READING)
    assert w.paste_clipboard() == 50
    assert "limit Qn − λ·s = 499.242 g" in w.summary.text()
    assert "s = 2" in w.summary.text()
    assert w.verdict.text() == "✔ batch passes"
    assert editor.insp.verdict == "pass"
    # one package too light by 0.05 g: the mean drops below the limit
    QApplication.clipboard().setText("499.192")
    w.grid.setCurrentCell(49, READING)
    assert w.paste_clipboard() == 1
    assert w.verdict.text() == "✘ batch fails (average below the limit)"
    assert editor.insp.verdict == "fail"
    assert editor.save_now()
    stored = store.inspections.require(editor.insp.id)
    assert len(stored.tests[0]["units"]) == 50
    assert stored.tests[0]["units"][49] == {"net": "499.192"}
    assert stored.verdict == "fail"


def test_gross_with_each_tare_and_a_bad_value(qtbot, editor):
    set_batch(editor, batch_size="5")
    w = fast(editor)
    w.mode.setCurrentIndex(2)
    w.mode.activated.emit(2)
    assert not w.grid.isColumnHidden(TARE)
    w.grid.item(0, TARE).setText("12.5")
    w.grid.item(0, READING).setText("512.5")
    assert editor.insp.tests[0]["units"][0] == {"gross": "512.5", "tare": "12.5"}
    assert w.grid.item(0, NET).text() == "500"
    w.grid.item(1, READING).setText("5O0")  # a letter O typed for a zero
    assert w.grid.item(1, RESULT).text() == "✘ not a number"
    assert editor.insp.tests[0]["units"][1] == {"gross": "5O0"}  # kept, nothing lost
    w.clear()
    assert editor.insp.tests[0].get("units") == []


def test_without_qn_it_asks_for_the_batch_data_and_chinese_labels(qtbot, editor):
    w = fast(editor)
    assert "Enter Qn, the unit and the batch size N above first" in w.message.text()
    set_language("zh")
    assert w.paste_button.text() == "粘贴读数"
    assert w.grid.horizontalHeaderItem(READING).text().startswith("读数")


def test_finalized_batch_is_read_only(qtbot, editor):
    set_batch(editor, batch_size="3")
    w = fast(editor)
    QApplication.clipboard().setText("500\n501\n499")
    w.grid.setCurrentCell(0, READING)
    w.paste_clipboard()
    assert editor.insp.verdict == "pass"
    editor.set_read_only(True)
    w.refresh()
    assert not (w.grid.item(0, READING).flags() & Qt.ItemFlag.ItemIsEditable)
    assert w.paste_text("1\n2") == 0


def test_t1_package_is_kept_when_the_batch_is_finalized(qtbot, editor, store):
    from inspector_app.services import drafts

    set_batch(editor, batch_size="60")  # n = 13, one T1 allowed
    w = fast(editor)
    QApplication.clipboard().setText("\n".join(["505"] * 12 + ["470"]))
    w.grid.setCurrentCell(0, READING)
    w.paste_text(QApplication.clipboard().text())
    assert w.grid.horizontalHeaderItem(READING).text() == "Package reading (g)"
    assert w.grid.item(12, RESULT).text() == "T1"
    assert w.grid.item(0, SHORT).text() == ""  # 5 g over: not short
    assert editor.insp.verdict == "pass"
    assert drafts.left_out(editor.insp, editor.evaluation) == 0
    kept = drafts.judged_only(editor.insp, editor.evaluation)
    assert len(kept.tests[0]["units"]) == 13


def test_batch_check_and_package_chart(qtbot, editor):
    assert [editor.check_combo.itemData(i) for i in range(editor.check_combo.count())] == ["batch"]
    assert editor.check_combo.currentText() == "Batch inspection"
    set_batch(editor, batch_size="5")
    fast(editor).paste_text("500\n484\n500\n500\n500")
    from inspector_app.services import chart_data

    series = chart_data.chart_series(editor.insp, editor.instrument, editor.evaluation)
    assert [p.x for p in series.points] == [1, 2, 3, 4, 5]
    assert series.points[1].verdict == "t1" and series.points[1].mpe == 15
    assert series.envelope[0] == (1, 15)


def test_a_fifty_package_batch_recorded_finalized_reported_and_counted(
    qtbot, editor, store, monkeypatch
):
    """The whole job in the window: batch data, sampling form, labelling, 50 readings
    pasted from a balance printout, finalized with Ctrl+Enter, then the report and the
    pass rate."""
    from inspector_app.services.goods_stats import goods_statistics
    from inspector_app.services.reports import build_report

    table = set_batch(editor)
    for path, text, kind in (
        ("sampling.method", "systematic", "choice"),
        ("sampling.sampled_by", "张伟、李娜", "text"),
        ("sampling.place", "超市仓库", "text"),
        ("sampling.sealed", "是", "bool"),
        ("sampling.seal_no", "F-0017", "text"),
        ("sampling.campaign", "净含量专项抽查", "text"),
    ):
        assert table.model.edit_test_field(path, text, kind), path
    for key in ("label_words", "label_unit", "label_height", "label_visible", "label_digits"):
        editor.checklist.buttons[(key, "yes")].click()
    editor.checklist.buttons[("c_mark_unlisted", "no")].click()
    printout = "\n".join(f"N    {500 + (i % 7) * 0.5:.1f} g" for i in range(50))
    w = fast(editor)
    w.grid.setCurrentCell(0, READING)
    assert w.paste_text(printout) == 50
    assert w.verdict.text() == "✔ batch passes"
    asked = {}

    def confirm(verdict, failed, left_out, warnings):
        asked.update(verdict=verdict, left_out=left_out)
        return True

    monkeypatch.setattr(editor, "confirm_finalize", confirm)
    with qtbot.waitSignal(editor.finalized, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked == {"verdict": "pass", "left_out": 0}
    stored = store.inspections.require(editor.insp.id)
    assert stored.status == "finalized" and stored.check == "batch"
    assert len(stored.tests[0]["units"]) == 50
    assert stored.tests[0]["sampling"]["campaign"] == "净含量专项抽查"
    w.refresh()
    assert not (w.grid.item(0, READING).flags() & Qt.ItemFlag.ItemIsEditable)
    pdf = build_report(store, stored.id, "zh").pdf
    assert pdf.startswith(b"%PDF")
    g = goods_statistics(store)
    assert (g["prepackaged"]["batches"], g["prepackaged"]["pass_rate"]) == (1, "100.00")
    assert g["prepackaged"]["by_campaign"][0]["campaign"] == "净含量专项抽查"
