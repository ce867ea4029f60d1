"""Today's work shows the inspector's campaign work list: premises assigned and not yet
visited, earliest due first, overdue ones in red; Enter starts the visit (its editor opens,
pre-filled from the register) and sealing the visit ticks the row off."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from inspector_app import i18n
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.domain.visits import Officer
from inspector_app.services import campaigns as cs
from inspector_app.ui import main_window as mw
from inspector_app.ui import settings
from inspector_app.ui.visit_worklist import OVERDUE


def _shop(store, name, district):
    p = store.premises.save(
        Premises(
            new_id(),
            "optical_shop",
            name,
            address=f"安徽省合肥市{district}长江路1号",
            city="合肥市",
        )
    )
    store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "scale",
            "友声",
            "ACS-30",
            f"S-{name}",
            "",
            "III",
            {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
        )
    )
    return p


def test_work_list_on_todays_work(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(str(a[2:])))
    i18n.set_language("zh")
    settings.set_value("inspector_name", "张三")
    today = dt.date.today()
    c = cs.new_campaign(
        store,
        "眼镜专项",
        (today - dt.timedelta(days=30)).isoformat(),
        (today + dt.timedelta(days=30)).isoformat(),
    )
    late = _shop(store, "明视眼镜", "蜀山区")
    soon = _shop(store, "宝岛眼镜", "包河区")
    other = _shop(store, "大明眼镜", "庐阳区")
    cs.assign(store, c.id, "张三", [late.id], due=(today - dt.timedelta(days=2)).isoformat())
    cs.assign(store, c.id, "张三", [soon.id], due=(today + dt.timedelta(days=5)).isoformat())
    cs.assign(store, c.id, "李四", [other.id])  # someone else's work

    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    page = win.today_page
    page.refresh()
    panel = page.work_list
    assert panel.isVisible()
    table = panel.table
    assert table.rowCount() == 2
    assert [table.item(i, 1).text() for i in range(2)] == ["明视眼镜", "宝岛眼镜"]
    assert table.item(0, 3).text() == "蜀山区"
    assert table.item(0, 4).text() == "眼镜专项"
    assert table.item(0, 5).text() == "已逾期 2 天"
    assert table.item(0, 0).foreground().color() == OVERDUE  # overdue in red
    assert table.item(1, 0).foreground().color() != OVERDUE
    assert table.item(1, 5).text() == "剩余 5 天"
    assert "待检查 2 处，逾期 1 处" in panel.title.text()
    assert not page.empty_hint.isVisible()

    # one key: Enter on the first row starts the campaign visit and opens its editor
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    visits = win.page("visits")
    assert len(visits.editors) == 1
    editor = next(iter(visits.editors.values()))
    assert editor.visit.premises_id == late.id
    assert editor.visit.campaign_id == c.id and editor.visit.kind == "campaign"
    assert editor.table.rowCount() == 1  # the shop's register, in the sweep
    assert table.item(0, 5).text() == "检查进行中"
    assert editor.table.item(0, 1).text() == ""  # unchecked: nothing shown, in zh too
    assert editor.officers.officers() == [Officer("张三")]  # the inspector, one row + an empty one
    assert editor.officers.rowCount() == 2
    assert editor.findChild(QLabel, "officerRule").isVisibleTo(editor)  # enforcement work

    # sealing the visit ticks the row off
    editor.set_officers([("张三", "34010001"), ("李四", "34010002")])
    assert editor.rest_all_ok() == 1
    assert editor.table.item(0, 1).text() == "是"
    assert editor.finalize(confirm=False), editor.last_error
    assert table.rowCount() == 1
    assert table.item(0, 1).text() == "宝岛眼镜"

    # follows a language switch
    i18n.set_language("en")
    assert table.horizontalHeaderItem(0).text() == "Due"
    assert table.item(0, 5).text() == "5 days left"
    assert panel.start_button.text() == "&Start visit"


def test_visit_editor_officers_list_and_language_switch(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from inspector_app.services import visits as vs
    from inspector_app.ui.visit_editor import COLUMNS, VisitEditor

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    i18n.set_language("zh")
    shop = _shop(store, "明视眼镜", "蜀山区")
    v = vs.new_visit(store, inspector="张三", premises_id=shop.id, kind="complaint")
    editor = VisitEditor(store, v.id)
    qtbot.addWidget(editor)
    editor.show()
    # typing a name in the empty last row adds an officer (and a new empty row)
    table = editor.officers
    table.item(1, 0).setText("李四")
    assert table.rowCount() == 3
    table.item(1, 1).setText("34010002")
    # a complaint is enforcement work: sealing refuses one officer without a certificate
    assert editor.rest_all_ok() == 1
    assert not editor.finalize(confirm=False)
    assert "certificate" in editor.last_error and warnings
    table.item(0, 1).setText("34010001")
    assert editor.save_header()
    assert vs.repo(store).require(v.id).officers == [
        Officer("张三", "34010001"),
        Officer("李四", "34010002"),
    ]
    table.setCurrentCell(1, 0)
    table.remove_current()
    assert table.officers() == [Officer("张三", "34010001")]
    # follows a language switch; every sweep column title shown whole
    i18n.set_language("en")
    head = editor.table.horizontalHeader()
    titles = [editor.table.horizontalHeaderItem(c).text() for c in range(len(COLUMNS))]
    assert "Known weight" in titles and editor.windowTitle().startswith("Visit · ")
    for c, title in enumerate(titles[1:], start=1):
        assert editor.table.columnWidth(c) >= head.fontMetrics().horizontalAdvance(title) + 8
    assert editor.officers.horizontalHeaderItem(1).text() == "Enforcement certificate no."
    assert editor.kind.currentText() == "Complaint"
    assert editor.table.item(0, 1).text() == "yes"
    i18n.set_language("zh")
    assert editor.kind.currentText() == "投诉举报核查"
    assert editor.officers.horizontalHeaderItem(0).text() == "姓名"
