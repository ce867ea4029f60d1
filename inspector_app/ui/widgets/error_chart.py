"""Error against load (scales), run (fuel dispensers) or nominal power (optics), with the
±MPE envelope of the kind of check, points coloured *and* shaped by verdict.

pyqtgraph is imported when the first chart is built (it costs about 0.4 s), not at start-up.
The data comes from :func:`inspector_app.services.drafts.chart_series`; floats are used for
drawing only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...i18n import tr
from ...services.drafts import ChartSeries

COUNTED_X = ("run", "package")


def legend_text(verdict: str) -> str:
    """The legend's word for a verdict in the current language ("pass" / "合格")."""
    from ...i18n import current_language

    if current_language() == "zh":
        return tr(f"{verdict} (chart)")
    return verdict


X_NAMES = {
    "load": "Load",
    "run": "Run",
    "nominal": "Nominal power",
    "reference": "Reference distance",
}
PASS_COLOUR = "#1b8a3c"
FAIL_COLOUR = "#c8102e"
ENVELOPE_COLOUR = "#d97a00"


def step_xy(envelope: list[tuple[float, float]], family: str) -> tuple[list[float], list[float]]:
    """A staircase through (x, MPE) samples. Bands are upper-inclusive, so the value of a
    sample holds up to and including its x; fuel runs get a flat step ±0.5 around each run."""
    xs: list[float] = []
    ys: list[float] = []
    if family == "fuel_dispenser":
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
        self.legend = self.plot.getPlotItem().addLegend(offset=(-10, -10))
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 200))  # points behind it stay visible
        pen = pg.mkPen(ENVELOPE_COLOUR, width=2)
        self.upper = self.plot.plot([], [], pen=pen, name=tr("+MPE"))
        self.lower = self.plot.plot([], [], pen=pen)
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
        self.plot.addItem(self.passed)
        self.plot.addItem(self.failed)
        self.empty = QLabel(tr("No judged readings yet"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.empty)

    # -- data -------------------------------------------------------------------------------
    def set_series(self, series: ChartSeries | None) -> None:
        self.series = series
        if series is None:
            for item in (self.upper, self.lower):
                item.setData([], [])
            self.passed.setData([], [])
            self.failed.setData([], [])
            self.empty.show()
            return
        env = [(float(x), float(y)) for x, y in series.envelope]
        xs, ys = step_xy(env, series.family)
        self.upper.setData(xs, ys)
        self.lower.setData(xs, [-y for y in ys])
        ok = [(float(p.x), float(p.error), p.label) for p in series.points if p.verdict == "pass"]
        bad = [(float(p.x), float(p.error), p.label) for p in series.points if p.verdict != "pass"]
        self.passed.setData([{"pos": (x, y), "data": label} for x, y, label in ok])
        self.failed.setData([{"pos": (x, y), "data": label} for x, y, label in bad])
        self.empty.setVisible(not series.points)
        self.plot.getPlotItem().enableAutoRange()
        self.retranslate()

    # -- what is drawn (tests, reports) ------------------------------------------------------
    def point_count(self) -> int:
        return len(self.passed.data) + len(self.failed.data)

    def failed_count(self) -> int:
        return len(self.failed.data)

    def envelope_xy(self) -> tuple[list[float], list[float]]:
        xs, ys = self.upper.getData()
        return ([] if xs is None else list(xs)), ([] if ys is None else list(ys))

    def retranslate(self) -> None:
        s = self.series
        item = self.plot.getPlotItem()
        x_name = tr(X_NAMES.get(s.x_name, s.x_name)) if s else ""
        item.setLabel("bottom", x_name, units=None)
        item.setLabel("left", tr("Error"))
        if s is not None:
            item.getAxis("bottom").setLabel(f"{x_name} ({s.x_unit})" if s.x_unit else x_name)
            item.getAxis("left").setLabel(
                f"{tr('Error')} ({s.y_unit})" if s.y_unit else tr("Error")
            )
        self.empty.setText(tr("No judged readings yet"))
        self.legend.clear()
        self.legend.addItem(self.upper, "±MPE")
        self.legend.addItem(self.passed, legend_text("pass"))
        self.legend.addItem(self.failed, legend_text("fail"))
        axis = item.getAxis("bottom")
        if s is not None and s.x_name in COUNTED_X:
            axis.setTickSpacing(1, 1)  # runs and packages are counted: whole-number ticks
            xs = [float(p.x) for p in s.points] or [1.0]
            item.setXRange(max(0.5, min(xs) - 0.5), max(xs) + 0.5, padding=0)
        else:
            axis.setTickSpacing()
            xs = [float(p.x) for p in s.points] + [float(x) for x, _y in s.envelope] if s else []
            if xs and min(xs) >= 0 < max(xs):  # loads and distances start at 0, not at −10
                item.setXRange(0, max(xs) * 1.05, padding=0)
