"""Error against load (scales), run (fuel dispensers), nominal power (optics) or package /
recheck number (goods), with the ±MPE envelope of the kind of check, points coloured *and*
shaped by verdict; a scale's eccentricity points have a mark of their own (a triangle).
For goods only a shortfall counts (JJF 1070 T, the retail recheck limit), so only the lower
limit is drawn.

The legend sits in a row along the top, above the highest point, so it never covers one.
pyqtgraph is imported when the first chart is built (it costs about 0.4 s), not at start-up.
The data comes from :func:`inspector_app.services.chart_data.chart_series`; floats are used for
drawing only.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...i18n import current_language, tr, trc
from ...services.chart_data import ChartSeries

COUNTED_X = ("run", "package", "item")
#: families judged on a shortfall only: the upper limit is not drawn
SHORTFALL_ONLY = ("prepackaged", "retail_goods")


def legend_text(verdict: str) -> str:
    """The legend's word for a verdict in the current language ("pass" / "合格")."""
    return trc("chart legend", verdict)


X_NAMES = {
    "load": "Load",
    "run": "Run",
    "nominal": "Nominal power",
    "reference": "Reference distance",
    "package": "Package no.",
    "item": "Recheck no.",
}
#: units as a chart axis shows them (the rest are symbols the same in both languages)
UNIT_WORDS = {"pcs": ("件", "pcs"), "m2": ("m²", "m²")}
PASS_COLOUR = "#1b8a3c"
FAIL_COLOUR = "#c8102e"
ENVELOPE_COLOUR = "#d97a00"
ECCENTRICITY_KIND = "eccentricity"


def unit_text(unit: str) -> str:
    words = UNIT_WORDS.get(unit)
    if words is None:
        return unit
    return words[0] if current_language() == "zh" else words[1]


def tick_step(count: int) -> int:
    """Whole-number ticks for counted points that never crowd: every run up to 12, then
    every 5th, 10th or 20th package."""
    for limit, step in ((12, 1), (40, 5), (130, 10)):
        if count <= limit:
            return step
    return 20


def step_xy(envelope: list[tuple[float, float]], family: str) -> tuple[list[float], list[float]]:
    """A staircase through (x, MPE) samples. Bands are upper-inclusive, so the value of a
    sample holds up to and including its x; fuel runs and goods get a flat step ±0.5 around each
    point."""
    xs: list[float] = []
    ys: list[float] = []
    if family == "fuel_dispenser" or family in SHORTFALL_ONLY:  # counted: a limit per point
        for x, y in envelope:
            xs += [x - 0.5, x + 0.5]
            ys += [y, y]
        return xs, ys
    prev: tuple[float, float] | None = None
    for x, y in envelope:
        if prev is not None and y != prev[1]:
            xs.append(prev[0])
            ys.append(y)
        xs.append(x)
        ys.append(y)
        prev = (x, y)
    return xs, ys


class ErrorChart(QWidget):
    """A pyqtgraph plot of the judged readings and the ±MPE envelope."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        self._pg = pg
        self.series: ChartSeries | None = None
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("errorChart")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMinimumHeight(220)
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen(pg.mkPen("#444"))
            axis.setTextPen(pg.mkPen("#222"))
        # one row along the top: the y range leaves room for it above the highest point
        self.legend = self.plot.getPlotItem().addLegend(offset=(8, 4), colCount=4)
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 220))
        self.legend.setLabelTextColor("#222")
        pen = pg.mkPen(ENVELOPE_COLOUR, width=2)
        self.upper_line = self.plot.plot([], [], pen=pen, name=tr("+MPE"))
        self.lower_line = self.plot.plot([], [], pen=pen)
        self.zero = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#888", width=1))
        self.plot.addItem(self.zero)
        self.passed = pg.ScatterPlotItem(
            symbol="o",
            size=10,
            brush=pg.mkBrush(PASS_COLOUR),
            pen=pg.mkPen("#0b4d20"),
            name=legend_text("pass"),
        )
        self.failed = pg.ScatterPlotItem(
            symbol="x",
            size=14,
            brush=pg.mkBrush(FAIL_COLOUR),
            pen=pg.mkPen(FAIL_COLOUR, width=2),
            name=legend_text("fail"),
        )
        # a scale's eccentricity points: a triangle, filled green or red by verdict
        self.eccentric = pg.ScatterPlotItem(
            symbol="t1", size=13, brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#333", width=1.5)
        )
        self.plot.addItem(self.passed)
        self.plot.addItem(self.failed)
        self.plot.addItem(self.eccentric)
        self.empty = QLabel(tr("No judged readings yet"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.empty)

    # -- data -------------------------------------------------------------------------------
    def set_series(self, series: ChartSeries | None) -> None:
        self.series = series
        if series is None:
            for item in (self.upper_line, self.lower_line):
                item.setData([], [])
            self.passed.setData([], [])
            self.failed.setData([], [])
            self.eccentric.setData([], [])
            self.empty.show()
            return
        env = [(float(x), float(y)) for x, y in series.envelope]
        xs, ys = step_xy(env, series.family)
        self.upper_line.setData(
            [] if series.family in SHORTFALL_ONLY else xs,
            [] if series.family in SHORTFALL_ONLY else ys,
        )
        self.lower_line.setData(xs, [-y for y in ys])
        plain = [p for p in series.points if p.kind != ECCENTRICITY_KIND]
        ecc = [p for p in series.points if p.kind == ECCENTRICITY_KIND]
        ok = [(float(p.x), float(p.error), p.label) for p in plain if p.verdict == "pass"]
        bad = [(float(p.x), float(p.error), p.label) for p in plain if p.verdict != "pass"]
        self.passed.setData([{"pos": (x, y), "data": label} for x, y, label in ok])
        self.failed.setData([{"pos": (x, y), "data": label} for x, y, label in bad])
        pg = self._pg
        self.eccentric.setData(
            [
                {
                    "pos": (float(p.x), float(p.error)),
                    "data": p.label,
                    "brush": pg.mkBrush(PASS_COLOUR if p.verdict == "pass" else FAIL_COLOUR),
                }
                for p in ecc
            ]
        )
        self._fit_y(series, ys)
        self.empty.setVisible(not series.points)
        self.plot.getPlotItem().enableAutoRange(x=True)
        self.retranslate()

    # -- what is drawn (tests, reports) ------------------------------------------------------
    def _fit_y(self, series: ChartSeries, limits: list[float]) -> None:
        """Room for every point and limit, plus a band along the top for the legend."""
        values = [abs(float(p.error)) for p in series.points] + [abs(y) for y in limits]
        top = max(values, default=0.0) or 1.0
        low = -top * 1.1
        high = top * 1.1 + (2 * top * 1.1) * 0.28  # the legend's row: about a quarter more
        if not math.isfinite(high):  # pragma: no cover - floats from Decimals are finite
            return
        self.plot.getPlotItem().enableAutoRange(y=False)
        self.plot.getPlotItem().setYRange(low, high, padding=0)

    def point_count(self) -> int:
        return len(self.passed.data) + len(self.failed.data) + len(self.eccentric.data)

    def failed_count(self) -> int:
        bad = [d for d in self.eccentric.data if d["brush"].color().name() == FAIL_COLOUR]
        return len(self.failed.data) + len(bad)

    def eccentricity_count(self) -> int:
        return len(self.eccentric.data)

    def envelope_xy(self) -> tuple[list[float], list[float]]:
        xs, ys = self.upper_line.getData()
        return ([] if xs is None else list(xs)), ([] if ys is None else list(ys))

    def retranslate(self) -> None:
        s = self.series
        item = self.plot.getPlotItem()
        x_name = tr(X_NAMES.get(s.x_name, s.x_name)) if s else ""
        item.setLabel("bottom", x_name, units=None)
        item.setLabel("left", tr("Error"))
        if s is not None:
            x_unit, y_unit = unit_text(s.x_unit), unit_text(s.y_unit)
            item.getAxis("bottom").setLabel(f"{x_name} ({x_unit})" if x_unit else x_name)
            item.getAxis("left").setLabel(f"{tr('Error')} ({y_unit})" if y_unit else tr("Error"))
        self.empty.setText(tr("No judged readings yet"))
        self.legend.clear()
        if s is not None and s.family == "prepackaged":
            self.legend.addItem(self.lower_line, tr("−T (tolerable shortfall)"))
        elif s is not None and s.family in SHORTFALL_ONLY:
            self.legend.addItem(self.lower_line, tr("Allowed shortfall"))
        else:
            self.legend.addItem(self.upper_line, "±MPE")
        self.legend.addItem(self.passed, legend_text("pass"))
        self.legend.addItem(self.failed, legend_text("fail"))
        if self.eccentric.data is not None and len(self.eccentric.data):
            self.legend.addItem(self.eccentric, legend_text("eccentricity"))
        axis = item.getAxis("bottom")
        if s is not None and s.x_name in COUNTED_X:
            xs = [float(p.x) for p in s.points] or [1.0]
            step = tick_step(len(xs))
            axis.setTickSpacing(step, step)  # counted: whole numbers, never crowded
            item.setXRange(max(0.5, min(xs) - 0.5), max(xs) + 0.5, padding=0)
        else:
            axis.setTickSpacing()
            xs = [float(p.x) for p in s.points] + [float(x) for x, _y in s.envelope] if s else []
            if xs and min(xs) >= 0 < max(xs):  # loads and distances start at 0, not at −10
                item.setXRange(0, max(xs) * 1.05, padding=0)
