"""The error chart of the goods editors (prepackaged batch, retail recheck) and a scale's
eccentricity points: readable ticks, axis titles and units in the window's language, only the
shortfall limit for goods, a mark of their own for eccentricity points."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from inspector_app.domain.models import Inspection, Instrument, Premises, new_id
from inspector_app.i18n import set_language
from inspector_app.services import chart_data, drafts
from inspector_app.ui.inspection_editor import InspectionEditor
from inspector_app.ui.widgets.error_chart import ErrorChart, tick_step
from inspector_app.ui.widgets.package_readings import PackageReadings


@pytest.fixture(autouse=True)
def chinese():
    set_language("zh")
    yield
    set_language("en")


def _legend(chart: ErrorChart) -> list[str]:
    return [label.text for _item, label in chart.legend.items]


def _bottom(chart: ErrorChart):
    return chart.plot.getPlotItem().getAxis("bottom")


def _axis_title(chart: ErrorChart, name: str) -> str:
    return chart.plot.getPlotItem().getAxis(name).labelText


@pytest.fixture
def batch_editor(qtbot, store):
    p = store.premises.save(Premises(new_id(), "supermarket", "家乐福（合肥店）", city="合肥市"))
    ins = store.instruments.save(
        Instrument(new_id(), p.id, "prepackaged", metrology={"product": "抽纸", "producer": "金穗"})
    )
    ed = InspectionEditor.new_for_instrument(store, ins.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    return ed


def test_a_batch_of_counted_packages_reads_in_chinese_without_crowded_ticks(qtbot, batch_editor):
    ed = batch_editor
    table = next(t for t in ed.tables if t.model.form_test.kind == "net_content")
    for path, text, kind in (
        ("quantity", "count", "choice"),
        ("nominal", "100", "number"),
        ("unit", "pcs", "choice"),
        ("batch_size", "200", "number"),
    ):
        assert table.model.edit_test_field(path, text, kind), path
    # the choices above the table show their words, never the stored codes
    unit = table.field_choices["unit"]
    quantity = table.field_choices["quantity"]
    assert isinstance(unit, QComboBox) and unit.currentText() == "个（件）"
    assert quantity.currentText() == "计数" and quantity.currentData() == "count"
    fast = ed.findChildren(PackageReadings)[0]
    readings = "\n".join("101" if k % 7 else "99" for k in range(50))
    assert fast.paste_text(readings) == 50
    chart = ed.chart
    qtbot.waitUntil(lambda: chart.point_count() == 50, timeout=5000)
    # 50 packages: a tick every 10th, not 50 labels on top of each other
    assert _bottom(chart)._tickSpacing == [(10, 0), (10, 0)]
    assert _axis_title(chart, "bottom") == "样本序号"
    assert _axis_title(chart, "left") == "误差 (件)"
    legend = _legend(chart)
    assert legend[0] == "−T（允许短缺量）" and "合格" in legend and "pass" not in legend
    # only a shortfall counts: no upper limit, the lower one spans every package
    xs, _ys = chart.upper_line.getData()
    assert xs is None or len(xs) == 0
    lx, ly = chart.lower_line.getData()
    assert min(lx) <= 1 and max(lx) >= 50 and max(ly) < 0
    # the legend row sits above the highest point
    _xr, (y0, y1) = chart.plot.getPlotItem().viewRange()
    top = max(float(p.error) for p in chart.series.points)
    assert y1 > top * 1.3 and y0 < 0
    set_language("en")
    assert _axis_title(chart, "bottom") == "Package no."
    assert _axis_title(chart, "left") == "Error (pcs)"
    assert unit.currentText() == "pcs" and quantity.currentText() == "Count"


def test_choosing_a_unit_from_the_list_stores_its_code(qtbot, batch_editor):
    table = next(t for t in batch_editor.tables if t.model.form_test.kind == "net_content")
    combo = table.field_choices["unit"]
    combo.setCurrentIndex(combo.findData("kg"))
    combo.activated.emit(combo.currentIndex())
    assert table.model.test.get("unit") == "kg"


def test_tick_steps_grow_with_the_count():
    assert [tick_step(n) for n in (3, 12, 13, 40, 125, 300)] == [1, 1, 5, 5, 10, 20]


def _retail_series():
    ins = Instrument("i", "p", "retail_goods", "上海友声", "TCS-30")
    tests = [
        {
            "kind": "short_weight",
            "goods": goods,
            "unit_price": "9.5",
            "settled_weight": settled,
            "actual_weight": actual,
            "recheck": "original_instrument",
        }
        for goods, settled, actual in (("苹果", "1.028", "1.029"), ("带鱼", "1.000", "0.900"))
    ]
    insp = Inspection(
        new_id(), new_id(), "i", "p", "retail_goods", "in_service", None, "张伟", tests=tests
    )
    return chart_data.chart_series(insp, ins, drafts.evaluate_draft(insp, ins))


def test_a_retail_recheck_is_drawn_against_its_shortfall_limit(qtbot):
    series = _retail_series()
    assert [float(p.x) for p in series.points] == [1.0, 2.0]
    chart = ErrorChart()
    qtbot.addWidget(chart)
    chart.set_series(series)
    assert chart.point_count() == 2 and chart.failed_count() == 1  # 100 g short of 1 kg
    assert _axis_title(chart, "bottom") == "核称序号"
    assert _axis_title(chart, "left") == "误差 (g)"
    assert _legend(chart)[0] == "允许短缺量"
    lx, ly = chart.lower_line.getData()
    assert len(lx) == 4 and all(y < 0 for y in ly)  # a flat limit under each recheck
    assert not chart.empty.isVisible()


SCALE = Instrument(
    "i",
    "p",
    "scale",
    accuracy_class="III",
    metrology={"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"},
)


def test_eccentricity_points_have_their_own_mark_and_legend(qtbot):
    insp = Inspection(
        new_id(),
        new_id(),
        "i",
        "p",
        "scale",
        "initial",
        "JJG 539-2016",
        "张伟",
        tests=[
            {"kind": "weighing", "points": [{"load": "5000", "indication": "5000"}]},
            {
                "kind": "eccentricity",
                "load": "5000",
                "positions": [
                    {"indication": ind} for ind in ("5000", "5005", "5000", "5010", "5000")
                ],
            },
        ],
    )
    series = chart_data.chart_series(insp, SCALE, drafts.evaluate_draft(insp, SCALE))
    kinds = {p.kind for p in series.points}
    assert kinds == {"weighing", "eccentricity"}, series.points
    chart = ErrorChart()
    qtbot.addWidget(chart)
    chart.set_series(series)
    n_ecc = sum(p.kind == "eccentricity" for p in series.points)
    assert chart.eccentricity_count() == n_ecc >= 1
    assert chart.point_count() == len(series.points)
    assert len(chart.passed.data) + len(chart.failed.data) == len(series.points) - n_ecc
    assert chart.eccentric.opts["symbol"] != chart.passed.opts["symbol"]
    assert chart.eccentric.opts["symbol"] != chart.failed.opts["symbol"]
    assert "偏载" in _legend(chart)
    set_language("en")
    chart.retranslate()
    assert "eccentricity" in _legend(chart) and "pass" in _legend(chart)
