"""The office statistics page shows prepackaged batches and retail rechecks."""

from __future__ import annotations

import pytest

from inspector_app.i18n import set_language
from inspector_app.services import demo_goods
from inspector_app.services.demo import generate
from inspector_app.services.goods_stats import goods_statistics
from inspector_app.ui.office.goods_panel import GoodsPanel
from inspector_app.ui.office.statistics import StatisticsPage


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_statistics_page_counts_goods(qtbot, store):
    generate(store, premises=10, inspections=400, seed=12, workers=1)
    page = StatisticsPage(store)
    qtbot.addWidget(page)
    page.show()
    page.set_period("2025-01-01", "2027-12-31")
    panel = page.findChild(GoodsPanel)
    assert panel is not None and panel.isVisible()
    g = goods_statistics(store, page.current_filter())
    n = demo_goods.counts(400, 10)[0]
    assert g["prepackaged"]["batches"] == n
    assert panel.batches_line.text() == (
        f"Prepackaged goods: {n} batches, {g['prepackaged']['passed']} passed, "
        f"pass rate {g['prepackaged']['pass_rate']} %"
    )
    assert panel.batches.rowCount() == len(g["prepackaged"]["by_producer"])
    panel.group.setCurrentIndex(3)  # by campaign
    assert panel.batches.rowCount() == len(g["prepackaged"]["by_campaign"])
    assert panel.markets.rowCount() == len(g["retail_rechecks"]["by_market"])
    set_language("zh")
    assert panel.batches_line.text().startswith("定量包装商品：抽检")
    panel.group.setCurrentIndex(1)  # by kind of product, in Chinese
    kinds = {panel.batches.item(i, 0).text() for i in range(panel.batches.rowCount())}
    assert kinds <= set(demo_goods_kinds_zh())
    # a period without goods hides the panel
    page.set_period("2020-01-01", "2020-01-31")
    assert not panel.isVisible()


def demo_goods_kinds_zh():
    from inspector_app.ui.office.goods_panel import KIND_ZH

    return KIND_ZH.values()
