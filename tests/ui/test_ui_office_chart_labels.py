"""Office statistics charts: labels cut at the end on two lines, whole-number count ticks,
months written in full."""

from __future__ import annotations

from types import SimpleNamespace

from inspector_app.ui.office.statistics import StatisticsPage


def test_bar_labels_wrap_and_are_cut_at_the_end():
    short = StatisticsPage._short
    assert short("封印破损") == "封印破损"
    assert short("已知砝码示值偏高或校准封印破损") == "已知砝码示值偏\n高或校准封印…"
    assert short("Seals broken or missing") == "Seals broken\nor missing"
    long_en = "Price computing scale shows a higher amount than charged"
    lines = short(long_en).split("\n")
    assert len(lines) == 2 and lines[1].endswith("…") and long_en.startswith(lines[0])


def test_bar_labels_are_narrower_when_many_bars_share_the_chart():
    short = StatisticsPage._short
    # eight families on one chart: six characters side by side ran into the next label
    assert short("定量包装商品", bars=8) == "定量包装\n商品"
    assert short("定量包装商品", bars=5) == "定量包装商品"
    assert short("Lens set kit", bars=8) == "Lens set\nkit"
    assert short("Lens set kit", bars=5) == "Lens set kit"


def test_counts_have_whole_ticks_and_months_are_full(qtbot, store):
    page = StatisticsPage(store)
    qtbot.addWidget(page)
    page._ensure_charts()
    page._bars("cause", [("封印破损", 3), ("作弊芯片", 1)], "#c0392b")
    spacing = page.charts["cause"].getAxis("left")._tickSpacing
    assert spacing is not None and all(float(major) == int(major) for major, _m in spacing)
    page.data = SimpleNamespace(
        by_month=[
            {"month": "2026-11", "inspections": 4, "failed": 1},
            {"month": "2026-12", "inspections": 2, "failed": 0},
        ]
    )
    try:
        page._months()
        ticks = [label for _x, label in page.charts["month"].getAxis("bottom")._tickLevels[0]]
    finally:
        page.data = None  # the page follows later language switches: no half data left
    assert ticks == ["2026-11", "2026-12"]
