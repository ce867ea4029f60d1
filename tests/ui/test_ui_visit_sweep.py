"""The sweep in the window: a market of 44 scales, 3 of them suspicious, recorded from the
keyboard (keystrokes counted), full inspections opened from their rows in the real
inspection editor, the duties answered, and the visit sealed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from inspector_app import i18n
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.services import visits as vs
from inspector_app.ui.visit_editor import COLUMNS, VisitsPage

MARKET = "合肥市周谷堆农产品批发市场"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    i18n.set_language("en")
    yield warnings
    i18n.set_language("en")


def seed(store, n=44):
    for k in range(n):
        p = store.premises.save(
            Premises(
                new_id(),
                "market_stall",
                f"摊位{k:02d}",
                city="合肥市",
                market=MARKET,
                stall_no=f"A{k:02d}",
            )
        )
        store.instruments.save(
            Instrument(
                new_id(),
                p.id,
                "scale",
                "友声",
                "ACS-30",
                f"S{k:04d}",
                "",
                "III",
                {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
            )
        )


class Keys:
    """Sends keys where the user's keys go (the cell editor while a cell is edited, else the
    table) and counts them (a chord such as Ctrl+I is one keystroke)."""

    def __init__(self, widget):
        self.widget, self.count = widget, 0

    def target(self):
        w = self.widget.focusWidget()
        if w is not None and w is not self.widget and self.widget.isAncestorOf(w) and w.isVisible():
            return w
        return self.widget

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier, times=1):
        for _ in range(times):
            QTest.keyClick(self.target(), key, modifier)
            QApplication.processEvents()  # the cell editor commits through a queued call
            self.count += 1

    def type(self, text):
        for ch in text:
            QTest.keyClick(self.target(), ch)
            QApplication.processEvents()
            self.count += 1


def test_a_market_of_44_scales_with_3_suspicious_by_keyboard(qtbot, store, english):
    from inspector_app.ui.inspection_editor import InspectionEditor

    seed(store)
    page = VisitsPage(store)
    qtbot.addWidget(page)
    opened = []

    def open_inspection(inspection_id):
        editor = InspectionEditor(store, inspection_id)
        qtbot.addWidget(editor)
        opened.append(editor)

    page.open_inspection = open_inspection
    editor = page.new_visit(market=MARKET)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    table = editor.table
    assert table.rowCount() == 44 and (table.currentRow(), COLUMNS[table.currentColumn()]) == (
        0,
        "mark",
    )
    keys = Keys(table)
    suspicious = {5: "seal", 20: "quick", 37: "cheating"}
    for row in range(44):
        assert table.currentRow() == row
        what = suspicious.get(row)
        if what is None:
            keys.press(Qt.Key.Key_Space)  # the row OK, on to the next
        elif what == "seal":
            keys.press(Qt.Key.Key_Right)
            keys.press(Qt.Key.Key_N)  # seal broken
            keys.press(Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
            keys.press(Qt.Key.Key_Space)  # the other checks OK
            keys.press(Qt.Key.Key_Left)
        elif what == "quick":
            keys.press(Qt.Key.Key_Right, times=4)  # to the load
            keys.type("10")
            keys.press(Qt.Key.Key_Return)
            keys.type("10.05")
            keys.press(Qt.Key.Key_Return)  # judged; on to the next row
            keys.press(Qt.Key.Key_Up)
            keys.press(Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
            keys.press(Qt.Key.Key_Down)
        else:
            keys.press(Qt.Key.Key_C)  # a sign of cheating
            keys.press(Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
            keys.press(Qt.Key.Key_Space)
        assert editor.last_error == "", (
            row,
            editor.last_error,
            table.currentRow(),
            table.currentColumn(),
        )
    rows = vs.repo(store).rows(editor.visit.id)
    assert [r.seq for r in rows if r.verdict == "fail"] == [5, 20, 37]
    assert rows[5].seal == "no" and rows[37].cheating == "yes"
    assert (rows[20].error, rows[20].mpe, rows[20].quick_verdict) == ("0.05", "0.02", "fail")
    assert all(r.checked for r in rows) and not any(r.rest_ok for r in rows)
    assert [r.seq for r in rows if r.inspection_id] == [5, 20, 37]
    # the full inspections opened in the real editor with what the rows held
    assert len(opened) == 3
    assert opened[0].insp.checklist.get("seals") == "no"
    assert "10.05" in opened[1].insp.notes
    assert "3 failed" in editor.counts.text() and "44 of 44 checked" in editor.counts.text()
    print(f"\nkeystrokes for 44 scales with 3 suspicious: {keys.count}")
    assert keys.count == 41 + 5 + 16 + 3
    # duties of the market organiser, then seal (the three inspections finalized first)
    editor.duty_boxes["fair_scale"].setCurrentIndex(editor.duty_boxes["fair_scale"].findData("no"))
    assert vs.repo(store).get(editor.visit.id).duties == {"fair_scale": "no"}
    assert not editor.finalize(confirm=False)
    assert "still drafts" in editor.last_error and "still drafts" in english[-1]


def test_rest_all_ok_and_a_wrong_number_is_refused_in_place(qtbot, store):
    seed(store, 6)
    page = VisitsPage(store)
    qtbot.addWidget(page)
    editor = page.new_visit(market=MARKET)
    qtbot.addWidget(editor)
    table = editor.table
    keys = Keys(table)
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Right, times=4)
    keys.type("abc")
    keys.press(Qt.Key.Key_Return)
    assert "load" in editor.statusBar().currentMessage()
    assert vs.repo(store).rows(editor.visit.id)[1].load == ""
    keys.press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    rows = vs.repo(store).rows(editor.visit.id)
    assert [r.rest_ok for r in rows] == [False] + [True] * 5
    assert editor.finalize(confirm=False)
    assert editor.visit.status == "finalized" and not editor.rest_button.isEnabled()
    page.refresh()
    assert page.table.rowCount() == 1 and page.table.item(0, 3).text() == "finalized"


def test_visit_time_is_shown_as_local_time_and_saved_with_its_offset(qtbot):
    """The visit header shows a date-time field in local time (it showed the raw ISO text,
    e.g. '2026-12-04T21:18+00:00'); an untouched field keeps the stored text exactly, an
    edited one is saved as local time with this computer's UTC offset."""
    import datetime as dt

    from PySide6.QtCore import QDateTime

    from inspector_app.ui.visit_editor.header import _edited_time, _local_qdatetime

    stored = "2026-12-04T21:18+08:00"
    moment = dt.datetime.fromisoformat(stored).astimezone()
    shown = _local_qdatetime(stored)
    assert (shown.date().day(), shown.time().hour(), shown.time().minute()) == (
        moment.day,
        moment.hour,
        moment.minute,
    )
    assert _edited_time(stored, shown) == stored
    later = shown.addSecs(15 * 60)
    saved = _edited_time(stored, later)
    assert saved != stored
    assert dt.datetime.fromisoformat(saved) == dt.datetime.fromisoformat(stored) + dt.timedelta(
        minutes=15
    )
    assert dt.datetime.fromisoformat(saved).tzinfo is not None
    assert isinstance(_local_qdatetime("not a time"), QDateTime)
