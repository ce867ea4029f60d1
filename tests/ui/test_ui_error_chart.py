"""The error chart: envelope of the kind of check, points coloured and shaped by verdict."""

from __future__ import annotations

from decimal import Decimal

from inspector_app.domain.models import Inspection, Instrument, new_id
from inspector_app.services import chart_data, drafts
from inspector_app.ui.widgets.error_chart import ErrorChart, step_xy

SCALE = Instrument(
    "i",
    "p",
    "scale",
    accuracy_class="III",
    metrology={"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"},
)


def series(points, check="initial"):
    insp = Inspection(
        new_id(),
        new_id(),
        "i",
        "p",
        "scale",
        check,
        "JJG 539-2016",
        "张伟",
        tests=[{"kind": "weighing", "points": points}],
    )
    return chart_data.chart_series(insp, SCALE, drafts.evaluate_draft(insp, SCALE))


def test_envelope_steps_at_the_band_edges(qtbot):
    chart = ErrorChart()
    qtbot.addWidget(chart)
    chart.set_series(
        series([{"load": "100", "indication": "102.5"}, {"load": "12000", "indication": "12010"}])
    )
    xs, ys = chart.envelope_xy()
    env = dict(zip(xs, ys, strict=False))
    assert env[2500.0] in (2.5, 5.0) and max(ys) == 7.5 and min(ys) == 2.5
    assert 2500.0 in xs and 10000.0 in xs  # vertical steps drawn at 500e and 2000e
    assert chart.point_count() == 2 and chart.failed_count() == 1  # 12 kg: +10 g > 7.5 g
    lower = chart.lower_line.getData()[1]
    assert list(lower) == [-y for y in ys]


def test_in_service_doubles_the_envelope_and_points_update(qtbot):
    chart = ErrorChart()
    qtbot.addWidget(chart)
    chart.set_series(series([{"load": "100", "indication": "105"}], check="in_service"))
    assert max(chart.envelope_xy()[1]) == 15 and chart.failed_count() == 0
    chart.set_series(
        series(
            [{"load": "100", "indication": "105"}, {"load": "200", "indication": "206"}],
            check="in_service",
        )
    )
    assert chart.point_count() == 2 and chart.failed_count() == 1
    chart.set_series(None)
    assert chart.point_count() == 0 and chart.envelope_xy() == ([], [])


def test_axes_keep_their_units(qtbot):
    chart = ErrorChart()
    qtbot.addWidget(chart)
    chart.set_series(series([{"load": "100", "indication": "100.3"}]))
    axis = chart.plot.getPlotItem().getAxis("left")
    assert axis.autoSIPrefix is False
    assert "(g)" in axis.labelText or "(g)" in axis.label.toPlainText()


def test_step_xy_fuel_runs_are_flat_segments():
    xs, ys = step_xy([(1.0, 0.3), (2.0, 0.3)], "fuel_dispenser")
    assert xs == [0.5, 1.5, 1.5, 2.5] and ys == [0.3] * 4
    assert Decimal("0.3") == Decimal(str(ys[0]))
