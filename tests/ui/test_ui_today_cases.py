"""Today's work shows enforcement cases whose deadline has passed, in red, with the deadline
in the window's language; none when nothing is overdue."""

from __future__ import annotations

import datetime as dt

from inspector_app import i18n
from inspector_app.domain.cases import ArticleRef, CaseOfficer
from inspector_app.services import cases as cs
from inspector_app.ui import main_window as mw

OFFICERS = [CaseOfficer("李建国", "34010020230001"), CaseOfficer("张伟", "34010020230002")]


def test_overdue_cases_on_todays_work(qtbot, store, stall):
    i18n.set_language("zh")
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    page = win.today_page
    page.load_overdue_cases()
    assert not page.overdue_label.isVisible()  # no cases yet
    last_week = (dt.date.today() - dt.timedelta(days=8)).isoformat()
    case = cs.open_case(
        store,
        actor="李建国",
        clue_date=last_week,
        officers=OFFICERS,
        premises_id=stall[0].id,
        referral="区局移送",
        violated=[ArticleRef("jlf-2018-9", "2018")],
    ).case
    _, order, _ = cs.order(store, case.id, on=last_week, days=3, actor="李建国")
    page.load_overdue_cases()
    assert page.overdue_label.isVisible()
    text = page.overdue_label.text()
    assert "逾期的案件期限" in text and case.case_no in text and "王芳蔬菜摊" in text
    assert f"责令改正期限（待复查） {order.deadline}" in text
    assert "b00020" in page.overdue_label.styleSheet()  # red
    assert not page.empty_hint.isVisible()  # not "nothing to do" beside an overdue case
    i18n.set_language("en")
    page.retranslate()
    assert f"case deadline: correction {order.deadline}" in page.overdue_label.text()
    cs.record_check(store, case.id, corrected=True, on=dt.date.today().isoformat(), actor="x")
    page.load_overdue_cases()
    assert not page.overdue_label.isVisible()
