"""On demo data Today's work has a work list: the campaign under way leaves assignments open,
some overdue and some due in the coming days, counted with plural texts ("1 day left",
"overdue by 3 days")."""

from __future__ import annotations

import datetime as dt

from inspector_app import i18n
from inspector_app.services import campaigns as cs
from inspector_app.services import demo, demo_visits
from inspector_app.ui.visit_worklist import OVERDUE, WorkListPanel

TODAY = dt.date(2026, 12, 5)


def test_demo_leaves_open_work_due_soon_and_overdue(qtbot, store, monkeypatch):
    monkeypatch.setattr(demo_visits, "_today", lambda: TODAY)
    counts = demo.generate(store, premises=20, inspections=300, seed=5)
    assert counts["campaigns"] == 3
    name = demo_visits.OPEN_CAMPAIGN[0]
    c = cs.repo(store).resolve(name)
    assert (c.date_from, c.date_to) == ("2026-11-05", "2027-01-19")
    items = [a for a in cs.work_list(store, today=TODAY.isoformat()) if a["campaign_id"] == c.id]
    assert len(items) >= 8, "every market and eyeglass shop of the demo is to be re-checked"
    assert {a["kind"] for a in items} == {"market", "optical_shop"}
    overdue = [a for a in items if a["overdue"]]
    soon = [a for a in items if not a["overdue"] and a["days_left"] <= 14]
    assert overdue and soon
    assert all(a["done_visit_id"] is None for a in cs.repo(store).assignments(c.id))
    # the other campaigns keep their visited work lists
    progress = cs.campaign_progress(store, "2026年集贸市场计量专项检查", TODAY.isoformat())
    assert progress["totals"]["visited"] > 0

    i18n.set_language("en")
    try:
        panel = WorkListPanel(store, today=TODAY.isoformat())
        qtbot.addWidget(panel)
        panel.refresh()
        assert panel.total == len(cs.work_list(store, today=TODAY.isoformat()))
        assert panel.overdue == len(overdue)
        states = [panel.table.item(i, 5).text() for i in range(panel.table.rowCount())]
        assert "overdue by 9 days" in states and "2 days left" in states
        first = panel.table.item(0, 0)
        assert first.text() == "2026-11-26" and first.foreground().color() == OVERDUE
        # one day: the singular (ntr), in English; Chinese has one form
        a = dict(items[0], draft_visit_id=None, days_left=1)
        assert panel._state(a) == "1 day left"
        assert panel._state(dict(a, days_left=-1)) == "overdue by 1 day"
        i18n.set_language("zh")
        assert panel._state(a) == "剩余 1 天"
        assert panel._state(dict(a, days_left=-3)) == "已逾期 3 天"
    finally:
        i18n.set_language("zh")
