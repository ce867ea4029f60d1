"""Office → Campaigns…: every campaign with its progress, and for the chosen one the work list
(overdue and findings in red) and the progress per inspector and county; the campaign report
written from the window is the campaign's PDF; the page follows a language switch; an
inspector's database has no such menu entry."""

from __future__ import annotations

import dataclasses

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from inspector_app import i18n
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.domain.visits import Officer
from inspector_app.services import campaigns as cs
from inspector_app.services import review as rv
from inspector_app.services import visits as vs
from inspector_app.ui import main_window as mw
from inspector_app.ui import office
from inspector_app.ui.campaign_page import RED

OFFICERS = [Officer("张三", "34010001"), Officer("李四", "34010002")]


def _shop(store, name, district):
    p = store.premises.save(
        Premises(
            new_id(), "optical_shop", name, address=f"安徽省合肥市{district}一路1号", city="合肥市"
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


@pytest.fixture
def campaign(store):
    c = cs.new_campaign(store, "眼镜专项", "2026-03-01", "2026-06-30", ["optical_shop"])
    cs.new_campaign(store, "加油站专项", "2026-01-01", "2026-02-28", ["filling_station"])
    a = _shop(store, "明视眼镜", "蜀山区")
    b = _shop(store, "宝岛眼镜", "包河区")
    d = _shop(store, "大明眼镜", "庐阳区")
    cs.assign(store, c.id, "张三", [a.id, b.id], due="2026-04-01")
    cs.assign(store, c.id, "李四", [d.id], due="2026-05-01")
    for name, fail in (("明视眼镜", False), ("宝岛眼镜", True)):
        item = next(
            x for x in cs.work_list(store, today="2026-04-02") if x["premises_name"] == name
        )
        v = cs.start_assignment(store, item["id"], "张三", started_at="2026-04-02T09:00+08:00")
        vs.repo(store).save(dataclasses.replace(v, officers=OFFICERS), "张三")
        rows = vs.repo(store).rows(v.id)
        rows[0] = dataclasses.replace(rows[0], seal="no" if fail else "yes")
        vs.save_rows(store, v.id, rows, "张三")
        vs.mark_rest_ok(store, v.id, "张三")
        vs.finalize(store, v.id, "张三")
    return c


def test_campaign_page_from_the_office_menu(qtbot, store, campaign, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(str(a[2:])))
    i18n.set_language("zh")
    rv.set_role(store, "supervisor", "boss")
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    mode = office.install(win)
    win.show()
    action = mode.actions["office_campaigns"]
    assert action.isEnabled() and action.text() == "专项进度(&C)…"
    assert action in mode.menu.actions()
    action.trigger()
    page = mode.campaign_page
    page.today = "2026-05-10"  # 大明眼镜 (due 05-01) is overdue then
    page.refresh()
    qtbot.waitExposed(page)
    assert page.isWindow() and page.isVisible()
    names = [page.campaign_table.item(i, 0).text() for i in range(page.campaign_table.rowCount())]
    assert names == ["眼镜专项", "加油站专项"]  # newest period first
    assert [page.campaign_table.item(0, c).text() for c in range(2, 6)] == ["3", "2", "1", "1"]
    page.campaign_table.setCurrentCell(0, 0)
    assert "已检查 2/3 处（66.67 %），有问题 1 处，逾期 1 处" in page.summary.text()
    assert "检查眼镜制配场所2家，计量器具2台件，不合格1台件" in page.sentence.text()
    work = {
        page.work.item(i, 0).text(): [page.work.item(i, c) for c in range(7)]
        for i in range(page.work.rowCount())
    }
    assert work["宝岛眼镜"][6].text() == "✗" and work["宝岛眼镜"][0].foreground().color() == RED
    assert work["明视眼镜"][6].text() == "✓" and work["明视眼镜"][0].foreground().color() != RED
    assert work["大明眼镜"][2].text() == "庐阳区" and work["大明眼镜"][5].text() == ""
    assert work["大明眼镜"][0].foreground().color() == RED  # overdue
    inspectors = {
        page.by_inspector.item(i, 0).text(): [
            page.by_inspector.item(i, c).text() for c in range(1, 6)
        ]
        for i in range(page.by_inspector.rowCount())
    }
    assert inspectors == {
        "张三": ["2", "2", "100.00", "1", "0"],
        "李四": ["1", "0", "0.00", "0", "1"],
    }
    counties = [page.by_county.item(i, 0).text() for i in range(page.by_county.rowCount())]
    assert sorted(counties) == sorted(["蜀山区", "包河区", "庐阳区"])

    # the campaign report from the window
    out = tmp_path / "campaign.pdf"
    assert page.export_report(str(out)) == str(out)
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "专项检查总结" in text and "眼镜专项" in text and "庐阳区" in text
    assert str(out) in page.status.text()

    # the other campaign has nothing assigned
    page.campaign_table.setCurrentCell(1, 0)
    assert page.work.rowCount() == 0 and "0/0" in page.summary.text()

    # language switch
    i18n.set_language("en")
    assert page.windowTitle() == "Campaign progress"
    assert page.campaign_table.horizontalHeaderItem(2).text() == "Assigned"
    assert page.tabs.tabText(2) == "By county"
    assert action.text() == "&Campaigns…"
    i18n.set_language("zh")
    win.close()


def test_no_campaign_page_for_an_inspector(qtbot, store):
    rv.set_role(store, "inspector", "x")
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    mode = office.install(win)
    assert not mode.actions["office_campaigns"].isEnabled()
    assert mode.show_campaigns() is None
    win.close()
