"""Office → Campaigns…: the office defines a campaign (New campaign…), assigns premises
chosen by kind, county or market to an inspector with a due date, many at once and by
keyboard (Assign…), and takes off assignments not yet visited (Unassign, Delete); every
write is audited, a refused input is named in the dialog with nothing lost, and a visited
assignment cannot be taken off."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from inspector_app import i18n
from inspector_app.domain.models import Premises, new_id
from inspector_app.domain.visits import Officer
from inspector_app.services import campaigns as cs
from inspector_app.services import visits as vs
from inspector_app.ui.campaign_page import CampaignPage
from inspector_app.ui.dialogs.campaign_dialogs import AssignDialog, NewCampaignDialog


def _premises(store, kind, name, district, market=""):
    return store.premises.save(
        Premises(
            new_id(),
            kind,
            name,
            address=f"安徽省合肥市{district}一路1号",
            city="合肥市",
            market=market,
        )
    )


@pytest.fixture
def page(qtbot, store, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(str(a[2:])))
    i18n.set_language("zh")
    page = CampaignPage(store, today="2026-03-02")
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    return page


def _ok(dialog):
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def _audit(store, action):
    return store.conn.execute("SELECT count(*) FROM audit WHERE action = ?", (action,)).fetchone()[
        0
    ]


def test_new_campaign_from_the_page(qtbot, store, page):
    assert page.empty.isVisible() and "新建专项" in page.empty.text()
    assert not page.assign_button.isEnabled()
    page.new_button.click()
    dialog = page.dialog
    assert isinstance(dialog, NewCampaignDialog) and dialog.isVisible()
    assert dialog.date_from.date().toString("yyyy-MM-dd") == "2026-03-02"
    # nothing typed: refused in one line, the dialog stays open
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.text()
    assert cs.repo(store).list() == []
    dialog.name.setText("眼镜制配专项")  # QTest types ASCII only: Chinese is set
    for i in range(dialog.kinds.count()):
        if dialog.kinds.item(i).data(Qt.ItemDataRole.UserRole) == "optical_shop":
            dialog.kinds.setCurrentRow(i)
    dialog.kinds.setFocus()
    qtbot.keyClick(dialog.kinds, Qt.Key.Key_Space)  # ticked by keyboard
    assert dialog.chosen_kinds() == ["optical_shop"]
    dialog.regions.setText("蜀山区、包河区")
    dialog.focus.setText("计量器具强制检定，眼镜片顶焦度")
    dialog.notes.setPlainText("年度专项")
    # a period that ends before it starts is refused, what was typed is kept
    dialog.date_to.setDate(dialog.date_from.date().addDays(-1))
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.text()
    assert dialog.name.text() == "眼镜制配专项"
    dialog.date_to.setDate(dialog.date_from.date().addDays(60))
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter accepts
    assert not dialog.isVisible()
    [c] = cs.repo(store).list()
    assert (c.name, c.date_from, c.date_to) == ("眼镜制配专项", "2026-03-02", "2026-05-01")
    assert c.kinds == ["optical_shop"] and c.regions == ["蜀山区", "包河区"]
    assert c.focus == ["计量器具强制检定", "眼镜片顶焦度"] and c.notes == "年度专项"
    assert _audit(store, "campaign.save") == 1
    assert page.campaign_table.rowCount() == 1
    assert page.campaign_table.item(0, 0).text() == "眼镜制配专项"
    assert "眼镜制配专项" in page.status.text() and page.assign_button.isEnabled()
    # the same name again is refused by name
    again = page.new_campaign()
    again.name.setText("眼镜制配专项")
    assert not again.save() and "眼镜制配专项" in again.error.text()
    again.reject()


def test_assign_many_by_filter_and_keyboard_then_unassign(qtbot, store, page):
    shu = _premises(store, "optical_shop", "明视眼镜", "蜀山区")
    bao = _premises(store, "optical_shop", "宝岛眼镜", "包河区")
    _premises(store, "optical_shop", "大明眼镜", "庐阳区")
    _premises(store, "filling_station", "中石化长江路站", "蜀山区")
    stall = _premises(store, "market_stall", "王芳蔬菜摊", "蜀山区", market="周谷堆市场")
    c = cs.new_campaign(
        store, "眼镜专项", "2026-03-01", "2026-06-30", ["optical_shop"], ["蜀山区", "包河区"]
    )
    page.refresh()
    page.campaign_table.setCurrentCell(0, 0)
    dialog = page.assign()
    assert isinstance(dialog, AssignDialog) and dialog.isVisible()
    # within the campaign's scope: the two eyeglass shops of its counties
    assert dialog.scope.isChecked()
    assert sorted(p["name"] for p in dialog.rows) == ["宝岛眼镜", "明视眼镜"]
    assert dialog.due.date().toString("yyyy-MM-dd") == "2026-06-30"  # the campaign's end
    # filters: all premises, then one market, then one county
    dialog.scope.setChecked(False)
    assert len(dialog.rows) == 5
    dialog.market.setCurrentIndex(dialog.market.findData("周谷堆市场"))
    assert [p["id"] for p in dialog.rows] == [stall.id]
    dialog.market.setCurrentIndex(0)
    dialog.county.setCurrentIndex(dialog.county.findData("庐阳区"))
    assert [p["name"] for p in dialog.rows] == ["大明眼镜"]
    dialog.county.setCurrentIndex(0)
    dialog.text.setText("眼镜")
    assert len(dialog.rows) == 3
    dialog.text.clear()
    dialog.scope.setChecked(True)
    # nothing chosen: refused in the dialog
    assert not dialog.save() and dialog.isVisible() and dialog.error.text()
    # Ctrl+A in the list chooses every one shown
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(dialog.chosen()) == 2 and "2" in dialog.count.text()
    # no inspector: refused, the choice kept
    assert not dialog.save() and dialog.error.text() and len(dialog.chosen()) == 2
    dialog.inspector.lineEdit().setText("张三")
    dialog.due.setDate(dialog.due.date().addDays(-60))  # 2026-05-01
    qtbot.keyClick(dialog.inspector.lineEdit(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    rows = cs.repo(store).assignments(c.id)
    assert sorted((r["premises_name"], r["inspector"], r["due_date"]) for r in rows) == [
        ("宝岛眼镜", "张三", "2026-05-01"),
        ("明视眼镜", "张三", "2026-05-01"),
    ]
    assert _audit(store, "campaign.assign") == 1
    assert page.work.rowCount() == 2 and "张三" in page.status.text()
    # the dialog opened again shows who has them
    again = page.assign()
    assigned = {p["name"]: p["assigned"] for p in again.rows}
    assert assigned == {"明视眼镜": ["张三"], "宝岛眼镜": ["张三"]}
    # 宝岛眼镜 given to 李四 as well (moving unticked): both have it
    again.table.selectRow(next(i for i, p in enumerate(again.rows) if p["id"] == bao.id))
    again.inspector.setCurrentText("李四")
    again.move_others.setChecked(False)
    assert again.save()
    assert sorted(
        r["inspector"] for r in cs.repo(store).assignments(c.id) if r["premises_id"] == bao.id
    ) == ["张三", "李四"]
    # moved (the default): 王五 has it alone
    again = page.assign()
    assert again.move_others.isChecked()
    again.table.selectRow(next(i for i, p in enumerate(again.rows) if p["id"] == bao.id))
    again.inspector.setCurrentText("王五")
    assert again.save()
    assert [
        r["inspector"] for r in cs.repo(store).assignments(c.id) if r["premises_id"] == bao.id
    ] == ["王五"]
    assert [
        r["inspector"] for r in cs.repo(store).assignments(c.id) if r["premises_id"] == shu.id
    ] == ["张三"]
    assert "王五" in cs.inspector_names(store)

    # 明视眼镜 visited and sealed: it cannot be taken off; 宝岛眼镜 can
    item = next(x for x in cs.work_list(store, today="2026-03-02") if x["premises_id"] == shu.id)
    v = cs.start_assignment(store, item["id"], "张三", started_at="2026-03-03T09:00+08:00")
    vs.repo(store).save(
        dataclasses.replace(v, officers=[Officer("张三", "34010001"), Officer("李四", "34010002")]),
        "张三",
    )
    vs.finalize(store, v.id, "张三")
    page.refresh()
    names = [page.work.item(i, 0).text() for i in range(page.work.rowCount())]
    page.work.setFocus()
    page.work.selectAll()
    assert page.unassign() == 0
    assert "明视眼镜" in page.status.text() and page.work.rowCount() == 2  # nothing removed
    page.work.clearSelection()
    page.work.setCurrentCell(names.index("宝岛眼镜"), 0)
    page.work.selectRow(names.index("宝岛眼镜"))
    qtbot.keyClick(page.work, Qt.Key.Key_Delete)
    assert [r["premises_id"] for r in cs.repo(store).assignments(c.id)] == [shu.id]
    assert page.work.rowCount() == 1 and _audit(store, "campaign.unassign") == 1
    assert _audit(store, "campaign.assign") == 3
    assert bao.id not in [a["premises_id"] for a in cs.work_list(store)]


def test_service_unassign_refuses_unknown_and_empty(store):
    c = cs.new_campaign(store, "加油站专项", "2026-01-01", "2026-02-28")
    p = _premises(store, "filling_station", "中石化长江路站", "蜀山区")
    [aid] = cs.assign(store, c.id, "李四", [p.id])
    from inspector_app.domain.errors import InputError

    with pytest.raises(InputError, match="no assignment"):
        cs.unassign(store, [aid, "nope"])
    with pytest.raises(InputError):
        cs.unassign(store, [])
    assert len(cs.repo(store).assignments(c.id)) == 1
    assert cs.unassign(store, [aid], "boss") == 1
    assert cs.repo(store).assignments(c.id) == []
    assert cs.inspector_names(store) == []


def test_page_and_dialogs_in_english(qtbot, store, page):
    cs.new_campaign(store, "Fuel", "2026-01-01", "2026-02-28", ["filling_station"])
    page.refresh()
    i18n.set_language("en")
    try:
        assert page.new_button.text() == "&New campaign…"
        assert page.assign_button.text() == "&Assign…"
        assert page.unassign_button.text() == "&Unassign"
        dialog = page.assign()
        assert dialog.windowTitle() == "Assign premises — Fuel"
        assert _ok(dialog).text() == "Assign 0 premises"
        dialog.reject()
    finally:
        i18n.set_language("zh")


def test_keyboard_opens_the_dialogs(qtbot, store, page):
    cs.new_campaign(store, "眼镜专项", "2026-03-01", "2026-06-30")
    page.refresh()
    page.activateWindow()
    page.campaign_table.setFocus()
    qtbot.keyClick(page.campaign_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.dialog, NewCampaignDialog) and page.dialog.isVisible()
    assert page.dialog.name.hasFocus() or page.dialog.focusWidget() is page.dialog.name
    page.dialog.reject()
    qtbot.keyClick(
        page.campaign_table,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert isinstance(page.dialog, AssignDialog) and page.dialog.isVisible()
    page.dialog.reject()
    # every field of both dialogs has a label with an Alt shortcut
    for dialog in (page.new_campaign(), page.assign()):
        from PySide6.QtWidgets import QLabel

        buddies = [lab for lab in dialog.findChildren(QLabel) if lab.buddy() is not None]
        assert len(buddies) >= 5 and all("&" in lab.text() for lab in buddies)
        dialog.reject()
