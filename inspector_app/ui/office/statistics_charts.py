"""The Statistics page's charts (pyqtgraph, imported when the page is first filled): bars
of premises by kind, instruments by family and failures by cause, and the inspections and
failures per month. A mixin of :class:`~inspector_app.ui.office.statistics.StatisticsPage`,
which provides the chart grid, their titles and the figures shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ...i18n import tr

if TYPE_CHECKING:
    from ...services.office_stats import OfficeStats

    _PageBase = QWidget  # StatisticsPage puts QWidget after this mixin
else:
    _PageBase = object

CHARTS = ("kind", "family", "cause", "month")


class StatisticsCharts(_PageBase):
    """Drawing the page's four charts (a mixin of the Statistics page)."""

    if TYPE_CHECKING:  # what StatisticsPage provides
        charts: dict[str, Any]
        chart_titles: dict[str, QLabel]
        grid: QGridLayout
        data: OfficeStats | None

    def _ensure_charts(self) -> None:
        if self.charts:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        for i, key in enumerate(CHARTS):
            plot = pg.PlotWidget(self)
            plot.setObjectName(f"chart_{key}")
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(y=True, alpha=0.2)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).enableAutoSIPrefix(False)
            plot.setMinimumHeight(170)
            self.charts[key] = plot
            box = QVBoxLayout()
            box.addWidget(self.chart_titles[key])
            box.addWidget(plot, 1)
            self.grid.addLayout(box, i // 2, i % 2)

    def _bars(self, key: str, items: list[tuple[str, int]], colour: str) -> None:
        import pyqtgraph as pg

        plot = self.charts[key]
        plot.clear()
        xs = list(range(len(items)))
        heights = [n for _label, n in items]
        plot.addItem(pg.BarGraphItem(x=xs, height=heights, width=0.6, brush=colour))
        for x, (_label, n) in zip(xs, items, strict=True):
            text = pg.TextItem(str(n), color="#222", anchor=(0.5, 1))
            text.setPos(x, n)
            plot.addItem(text)
        plot.getAxis("bottom").setTicks(
            [
                [
                    (x, self._short(label, len(items)))
                    for x, (label, _n) in zip(xs, items, strict=True)
                ]
            ]
        )
        top = max(heights, default=0)
        plot.setYRange(0, max(1, top) * 1.18, padding=0)
        # counts: whole-number ticks only (no "2.5 failures")
        plot.getAxis("left").setTickSpacing(max(1, round(top / 5)), 1)
        plot.getAxis("bottom").setHeight(44)  # two lines of a label
        plot.setXRange(-0.6, max(len(items), 1) - 0.4, padding=0)

    @staticmethod
    def _short(text: str, bars: int = 0) -> str:
        """A bar's label on at most two lines, cut at the end (its beginning names the
        thing), never in the middle: words wrap between words (a word is never cut),
        Chinese wraps after 7 characters, or after 4 when more than six bars share the
        chart (eight families: 定量包装商品 and 零售商品称重 side by side ran together)."""
        import textwrap

        crowded = bars > 6
        if text.isascii():  # words: wrapped between words, a word never cut
            width = 10 if crowded else 13
            lines = textwrap.wrap(text, width, break_long_words=False) or [text]
        else:  # Chinese: after 7 characters (4 on a crowded chart)
            width = 4 if crowded else 7
            lines = [text[i : i + width] for i in range(0, len(text), width)]
        if len(lines) > 2:
            lines = [lines[0], lines[1][: width - 1] + "…"]
        return "\n".join(lines)

    def _months(self) -> None:
        import pyqtgraph as pg

        plot = self.charts["month"]
        plot.clear()
        if plot.plotItem.legend is None:
            plot.addLegend(offset=(-10, 5))
        else:
            plot.plotItem.legend.clear()
        if self.data is None:
            return
        points = self.data.by_month
        xs = list(range(len(points)))
        plot.plot(
            xs,
            [p["inspections"] for p in points],
            pen=pg.mkPen("#2e86c1", width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush="#2e86c1",
            name=tr("Inspections"),
        )
        plot.plot(
            xs,
            [p["failed"] for p in points],
            pen=pg.mkPen("#c0392b", width=2),
            symbol="s",
            symbolSize=6,
            symbolBrush="#c0392b",
            name=tr("Failed"),
        )
        step = 1 if len(points) <= 7 else 2
        plot.getAxis("bottom").setTicks(
            [
                [
                    (x, p["month"])
                    for x, p in zip(xs, points, strict=True)
                    if x % step == 0 or x == len(points) - 1
                ]
            ]
        )
        plot.setXRange(-0.5, max(len(points), 1) - 0.5, padding=0)
