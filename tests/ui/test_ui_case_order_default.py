"""The cases window's order forms offer the days to correct from domain.cases.ORDER_DAYS, the
one place the command line's ``case decide --order`` takes its default from too."""

from __future__ import annotations

import datetime as dt

from case_window_world import shown
from case_world import cheating_case, notified_case

from inspector_app import i18n
from inspector_app.domain import cases as dc


def test_order_forms_offer_the_default_days(qtbot, store, stall, monkeypatch):
    i18n.set_language("en")
    monkeypatch.setattr(dc, "ORDER_DAYS", 12)
    notified_case(store, stall)
    cheating_case(store, stall)
    win = shown(qtbot, store, dt.date(2025, 3, 20))
    offered = {}
    for row in range(win.table.rowCount()):
        win.table.selectRow(row)
        status = win.current_case().status
        key = "decide" if status == "notified" else "order"
        form = win.start_step(key)
        assert form is not None, status
        offered[key] = form.fields["order_days" if key == "decide" else "days"].value()
        form.reject()
    assert offered == {"decide": 12, "order": 12}
