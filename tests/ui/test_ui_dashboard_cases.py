"""The dashboard counts this month's enforcement cases (opened, decided, fines, premises
punished, cheating cases) and the cases past a deadline, computed on the background reader."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from inspector_app import i18n
from inspector_app.domain.cases import ArticleRef, CaseOfficer, Decision
from inspector_app.services import cases as cs
from inspector_app.ui.dashboard import DashboardPage
from inspector_app.ui.workers import StoreReader

OFFICERS = [CaseOfficer("李建国", "34010020230001"), CaseOfficer("张伟", "34010020230002")]


def test_dashboard_counts_cases(qtbot, store, stall, db_path):
    today = dt.date.today()
    case = cs.open_case(
        store,
        actor="x",
        clue_date=today.isoformat(),
        officers=OFFICERS,
        premises_id=stall[0].id,
        referral="r",
        cheating=True,
    ).case
    cs.decide(
        store,
        case.id,
        Decision(procedure="simple", fine=Decimal("150")),
        on=today.isoformat(),
        actor="x",
        penalty=[ArticleRef("jlfsxz-2022-43", "2022")],
    )
    earlier = (today - dt.timedelta(days=40)).isoformat()
    late = cs.open_case(
        store,
        actor="x",
        clue_date=earlier,
        officers=OFFICERS,
        premises_id=stall[0].id,
        complaint="c",
    ).case
    assert late.case_no  # its filing deadline (15 working days) has passed
    i18n.set_language("en")
    reader = StoreReader(db_path)
    try:
        page = DashboardPage(store, reader)
        qtbot.addWidget(page)
        page.show()
        page.refresh()
        qtbot.waitUntil(lambda: page.case_data is not None, timeout=20000)
        text = page.cases_label.text()
        assert "decided" in text and "fines ¥150" in text and "premises punished 1" in text
        assert "cheating cases 1" in text and "Case deadlines overdue: 1" in text
        i18n.set_language("zh")
        assert "罚款150元" in page.cases_label.text()
    finally:
        reader.stop()
        i18n.set_language("en")
