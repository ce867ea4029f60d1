"""The dashboard's 'what needs doing' tiles: instruments overdue for verification, records
awaiting review and repeat offenders; market names cut at the end, never in the middle."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtGui import QFontMetrics

from inspector_app import i18n
from inspector_app.services.demo import generate
from inspector_app.services.stats import attention
from inspector_app.ui.dashboard import LABEL_WIDTH, DashboardPage
from inspector_app.ui.workers import StoreReader

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def chinese():
    before = i18n.current_language()
    i18n.set_language("zh")
    yield
    i18n.set_language(before)


@pytest.fixture
def demo(store):
    generate(store, premises=25, inspections=250, seed=11)
    return store


def _expected(store, today: dt.date):
    overdue = sum(
        1 for ins in store.instruments.list() if ins.next_due and ins.next_due < today.isoformat()
    )
    since = "2025-07-01"  # 12 months up to June 2026
    failed_days: dict[str, set[str]] = {}
    pending = 0
    for pid, started, verdict, status, reviewed in store.conn.execute(
        "SELECT premises_id, started_at, verdict, status,"
        " EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = i.id)"
        " FROM inspections i WHERE superseded_by IS NULL"
    ):
        if verdict == "fail" and started >= since:
            failed_days.setdefault(pid, set()).add(started[:10])
        if status == "finalized" and not reviewed:
            pending += 1
    offenders = [p for p, days in failed_days.items() if len(days) >= 2]
    return overdue, pending, len(offenders)


def test_attention_figures_match_the_records(demo):
    # one instrument certainly overdue, one certainly not
    inst = demo.instruments.list()
    demo.instruments.save(dataclasses.replace(inst[0], next_due="2026-01-31"))
    demo.instruments.save(dataclasses.replace(inst[1], next_due="2027-01-31"))
    a = attention(demo, TODAY)
    overdue, pending, offenders = _expected(demo, TODAY)
    assert a.overdue_instruments == overdue >= 1
    assert a.pending_review == pending > 0
    assert a.repeat_offenders == offenders
    assert a.since == dt.date(2025, 7, 1)
    assert len(a.offenders) == min(offenders, 10)
    assert all(n >= 2 for _name, n in a.offenders)
    assert [n for _name, n in a.offenders] == sorted((n for _name, n in a.offenders), reverse=True)


def test_the_page_shows_the_tiles_in_chinese_and_english(qtbot, demo, db_path):
    reader = StoreReader(db_path)
    page = DashboardPage(demo, reader)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.attention is not None, timeout=20000)
    overdue, pending, offenders = page.attention_tiles
    assert overdue.title.text() == "超期未检器具"
    assert pending.title.text() == "待审核"
    assert offenders.title.text() == "屡查屡犯"
    a = page.attention
    assert overdue.value.text() == f"{a.overdue_instruments:,}"
    assert pending.value.text() == f"{a.pending_review:,}"
    assert offenders.value.text() == f"{a.repeat_offenders:,}"
    if a.offenders:
        name, n = a.offenders[0]
        assert f"{name}：{n} 天不合格" in offenders.toolTip()
    i18n.set_language("en")
    assert overdue.title.text() == "Instruments overdue"
    assert offenders.note.text().startswith("failed on 2 or more days since")
    if a.offenders:
        name, n = a.offenders[0]
        assert f"{name}: failed on {n} days" in offenders.toolTip()


def test_long_market_names_are_cut_at_the_end_with_the_whole_name_in_the_tooltip(
    qtbot, demo, db_path
):
    reader = StoreReader(db_path)
    page = DashboardPage(demo, reader)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.updated, timeout=20000):
        page.refresh()
    plot = page.charts["market"]
    labels = [label for _y, label in plot.getAxis("left")._tickLevels[0]]
    rates = [r for r in page.data.by_market if r.percent is not None][:8]
    assert labels and len(labels) == len(rates)
    metrics = QFontMetrics(plot.font())
    for label, r in zip(labels, rates, strict=True):
        assert r.key.startswith(label.rstrip("…")), (label, r.key)  # the beginning is kept
        assert metrics.horizontalAdvance(label) <= LABEL_WIDTH + 2
        assert r.key in plot.toolTip()
    long_name = "合肥市周谷堆农产品批发市场第二交易区水产品分场"
    short = DashboardPage._short(long_name, metrics)
    assert short.endswith("…") and long_name.startswith(short[:-1])


def test_family_labels_never_run_into_each_other(qtbot, demo, db_path):
    reader = StoreReader(db_path)
    page = DashboardPage(demo, reader)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    with qtbot.waitSignal(page.updated, timeout=20000):
        page.refresh()
    i18n.set_language("en")  # the longer English names
    plot = page.charts["family"]
    qtbot.waitUntil(lambda: plot.width() > 300, timeout=5000)
    page.resize(1200, 700)  # redrawn for the width it has
    qtbot.wait(100)
    axis = plot.getAxis("bottom")
    labels = [label for _x, label in axis._tickLevels[0]]
    assert "Prepackaged\ngoods" in labels  # one word a line
    font = axis.style["tickFont"]
    slot = plot.width() / len(labels)
    widest = max(QFontMetrics(font).horizontalAdvance(w) for t in labels for w in t.split("\n"))
    assert widest <= slot


def test_high_pass_rates_are_not_squeezed_and_the_month_under_way_is_marked(qtbot, store, db_path):
    from decimal import Decimal

    from inspector_app.services.stats import Dashboard, MonthPoint, Rate

    data = Dashboard(
        today=TODAY,
        month_start=dt.date(2026, 6, 1),
        this_month={"total": 3, "judged": 3, "passed": 3, "failed": 0, "cheating": 0},
        last_month={"total": 9, "judged": 9, "passed": 8, "failed": 1, "cheating": 0},
        by_family=[Rate("scale", 50, 43), Rate("fuel_dispenser", 20, 20)],  # 86 %, 100 %
        by_market=[Rate("合肥市周谷堆农产品批发市场", 30, 28)],
        over_time=[MonthPoint("2026-05", 9, 1, 0), MonthPoint("2026-06", 3, 0, 0)],
        period_from=dt.date(2025, 7, 1),
    )
    assert data.by_family[0].percent == Decimal("86.0")
    page = DashboardPage(store, StoreReader(db_path))
    qtbot.addWidget(page)
    page.show()
    page._show(data)
    (_x0, _x1), (y0, y1) = page.charts["family"].getPlotItem().viewRange()
    assert y0 == 80 and y1 > 100  # 80–100 %, not 0–100 %
    ticks = [v for v, _label in page.charts["family"].getAxis("left")._tickLevels[0]]
    assert ticks[0] == 80 and ticks[-1] == 100
    months = [t for _x, t in page.charts["time"].getAxis("bottom")._tickLevels[0]]
    assert months == ["2026-05", "2026-06\n（截至今日）"]
    i18n.set_language("en")
    months = [t for _x, t in page.charts["time"].getAxis("bottom")._tickLevels[0]]
    assert months == ["2026-05", "2026-06\n(to date)"]
