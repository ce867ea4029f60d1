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
