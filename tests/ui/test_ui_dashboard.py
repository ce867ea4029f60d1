"""Dashboard: the numbers (services/stats over store/stats) and the page that shows them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inspector_app import i18n
from inspector_app.services.demo import generate
from inspector_app.services.stats import Rate, dashboard
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui.dashboard import DashboardPage
from inspector_app.ui.workers import StoreReader


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def demo(store):
    generate(store, premises=40, inspections=300, seed=5)
    return store


def test_numbers_match_the_records(demo):
    today = dt.date(2026, 6, 15)
    d = dashboard(demo, today)
    f = InspectionFilter(date_from="2026-06-01", date_to="2026-06-30")
    assert d.this_month["total"] == demo.inspections.count(f) > 0
    assert d.this_month["failed"] == demo.inspections.count(
        InspectionFilter(verdict="fail", date_from="2026-06-01", date_to="2026-06-30")
    )
    assert sum(r.judged for r in d.by_family) == demo.inspections.count(
        InspectionFilter(date_from=d.period_from.isoformat(), date_to="2026-06-30")
    )
    assert [p.month for p in d.over_time] == sorted(p.month for p in d.over_time)
    assert d.over_time[-1].month == "2026-06"
    assert all(isinstance(r.percent, Decimal) for r in d.by_family)


def test_rate_is_exact_and_handles_zero():
    assert Rate("scale", 3, 2).percent == Decimal("66.7")
    assert Rate("scale", 0, 0).percent is None
    assert Rate("scale", 8, 8).failed == 0


def test_page_computes_off_the_gui_thread_and_draws_charts(qtbot, demo, db_path):
    reader = StoreReader(db_path)
    page = DashboardPage(demo, reader)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.updated, timeout=20000) as blocker:
        page.refresh()
    data = blocker.args[0]
    assert page.tiles[0].value.text() == f"{data.this_month['total']:,}"
    assert set(page.charts) == {"family", "market", "time"}
    ticks = page.charts["family"].getAxis("bottom")._tickLevels[0]
    assert "Scale" in [label for _x, label in ticks]
    assert page.charts["family"].getAxis("left").autoSIPrefix is False
    i18n.set_language("zh")
    assert page.tiles[0].title.text() == "本月检查"
    ticks = page.charts["family"].getAxis("bottom")._tickLevels[0]
    assert "衡器" in [label for _x, label in ticks]
    reader.stop()


def test_bars_say_how_many_they_rest_on_labels_do_not_collide_counts_are_whole(
    qtbot, demo, db_path
):
    import pyqtgraph as pg

    reader = StoreReader(db_path)
    try:
        page = DashboardPage(demo, reader)
        qtbot.addWidget(page)
        page.resize(1366, 700)  # a laptop's window
        page.show()
        with qtbot.waitSignal(page.updated, timeout=20000):
            page.refresh()
        texts = [
            i.toPlainText() for i in page.charts["family"].items() if isinstance(i, pg.TextItem)
        ]
        assert texts and all("n=" in t for t in texts)
        labels = [label for _x, label in page.charts["family"].getAxis("bottom")._tickLevels[0]]
        assert "Fuel\ndispenser" in labels  # two lines: it no longer runs into its neighbours
        # neighbouring labels (in English, the longest words) leave room between them
        from PySide6.QtGui import QFontMetrics

        qtbot.wait(200)  # laid out (and drawn again for the width it got)
        labels = [label for _x, label in page.charts["family"].getAxis("bottom")._tickLevels[0]]

        axis = page.charts["family"].getAxis("bottom")
        metrics = QFontMetrics(axis.style["tickFont"])
        widths = [max(metrics.horizontalAdvance(w) for w in t.split("\n")) for t in labels]
        plot = page.charts["family"]
        view = plot.getViewBox()
        step = view.mapViewToScene(pg.Point(1, 0)).x() - view.mapViewToScene(pg.Point(0, 0)).x()
        assert all((a + b) / 2 < step for a, b in zip(widths, widths[1:], strict=False)), (
            widths,
            step,
        )
        left = page.charts["time"].getAxis("left")
        assert left._tickSpacing is not None and all(
            float(step).is_integer() for step, _off in left._tickSpacing
        )
    finally:
        reader.stop()
