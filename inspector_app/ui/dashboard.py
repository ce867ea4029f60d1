"""Dashboard: inspections this month, pass rate by family and by market, failures and
cheating findings over time, and what needs doing (instruments overdue for verification,
records awaiting review, premises failing again and again). Numbers from
:mod:`inspector_app.services.stats`, computed on the background reader; pyqtgraph is
imported only when the page is first shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..i18n import ntr, tr
from .models.labels import family_label
from .widgets.language import follow_language
from .widgets.tile import Tile

if TYPE_CHECKING:
    from ..services.stats import Dashboard

LABEL_WIDTH = 160  # pixels for a market's name beside its bar


class DashboardPage(QWidget):
    updated = Signal(object)  # the services.stats.Dashboard shown

    def __init__(self, store, reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.reader = reader
        self.data: Dashboard | None = None
        self.charts: dict = {}
        self._stale = True
        self.tiles = [Tile(self) for _ in range(4)]
        # what needs doing: overdue instruments, awaiting review, repeat offenders
        self.attention_tiles = [Tile(self, 1.6) for _ in range(3)]
        for tile, name in zip(
            self.attention_tiles, ("overdueTile", "pendingTile", "offendersTile"), strict=True
        ):
            tile.setObjectName(name)
            tile.title.setWordWrap(True)
            tile.note.setWordWrap(True)
        self.attention = None  # services.stats.Attention
        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")
        self.case_data: dict | None = None  # enforcement cases this month (services.cases)
        self.cases_label = QLabel(self)
        self.cases_label.setObjectName("dashboardCases")
        self.cases_label.setWordWrap(True)
        tiles = QHBoxLayout()
        for t in self.tiles:
            t.title.setWordWrap(True)
            tiles.addWidget(t, 4)
        for t in self.attention_tiles:
            tiles.addWidget(t, 3)
        self.grid = QGridLayout()
        self.chart_titles = [QLabel(self) for _ in range(3)]
        layout = QVBoxLayout(self)
        layout.addLayout(tiles)
        layout.addWidget(self.cases_label)
        layout.addWidget(self.status)
        layout.addLayout(self.grid, 1)
        self.retranslate()
        follow_language(self, self.retranslate)

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute when visible; otherwise on the next activation."""
        self._stale = True
        if self.isVisible():
            self._compute()

    def activated(self) -> None:
        if self._stale:
            self._compute()

    def _compute(self) -> None:
        from ..services.stats import dashboard

        self._stale = False
        self.status.setText(tr("Computing…"))
        self.reader.submit(
            ("dashboard",), lambda store: dashboard(store), self._show, interrupt=True
        )
        self.reader.submit(("dashboard", "cases"), _case_figures, self._show_cases)
        self.reader.submit(("dashboard", "attention"), _attention, self._show_attention)

    def _show_attention(self, data) -> None:
        self.attention = None if isinstance(data, Exception) else data
        self._fill_attention()

    def _fill_attention(self) -> None:
        a = self.attention
        overdue, pending, offenders = self.attention_tiles
        if a is None:
            for tile in self.attention_tiles:
                tile.value.setText("—")
                tile.note.setText("")
            return
        red = "color: #c0392b;"
        overdue.value.setText(f"{a.overdue_instruments:,}")
        overdue.value.setStyleSheet(red if a.overdue_instruments else "")
        overdue.note.setText(tr("next verification date passed"))
        pending.value.setText(f"{a.pending_review:,}")
        pending.note.setText(tr("finalized, not yet approved or returned"))
        offenders.value.setText(f"{a.repeat_offenders:,}")
        offenders.value.setStyleSheet(red if a.repeat_offenders else "")
        offenders.note.setText(
            tr("failed on 2 or more days since {date}").format(date=a.since.isoformat()[:7])
        )
        lines = [
            ntr("{name}: failed on {n} day", "{name}: failed on {n} days", n).format(name=name, n=n)
            for name, n in a.offenders
        ]
        offenders.setToolTip("\n".join(lines))

    def _show_cases(self, data) -> None:
        self.case_data = None if isinstance(data, Exception) else data
        self._fill_cases()

    def _fill_cases(self) -> None:
        c = self.case_data
        if not c:
            self.cases_label.setText("")
            return
        text = tr(
            "Enforcement cases this month: {opened} opened, {closed} closed, {decided} decided;"
            " fines ¥{fines}; premises punished {punished}; cheating cases {cheating}."
        ).format(
            opened=c["opened"],
            closed=c["closed"],
            decided=c["decided"],
            fines=c["fines"],
            punished=c["premises_punished"],
            cheating=c["cheating_cases"],
        )
        if c["overdue"]:
            text += (
                " <span style='color: #b00020'>"
                + tr("Case deadlines overdue: {n}").format(n=c["overdue"])
                + "</span>"
            )
        self.cases_label.setText(text)

    def _show(self, data) -> None:
        if isinstance(data, Exception):
            self.status.setText(tr("Could not compute the dashboard: {error}").format(error=data))
            return
        self.data = data
        self.status.setText(
            "" if data.this_month["total"] or data.over_time else tr("No inspections yet.")
        )
        self._fill()
        self.updated.emit(data)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.data is not None and self.charts:  # the family labels' size follows the width
            QTimer.singleShot(0, self._draw_family)

    # -- drawing ------------------------------------------------------------------------------
    def _ensure_charts(self) -> None:
        if self.charts:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        for i, key in enumerate(("family", "market", "time")):
            plot = pg.PlotWidget(self)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(x=key != "market", y=key != "family", alpha=0.2)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).enableAutoSIPrefix(False)  # percent and counts keep their unit
            plot.setMinimumHeight(200)
            self.charts[key] = plot
            box = QVBoxLayout()
            box.addWidget(self.chart_titles[i])
            box.addWidget(plot, 1)
            row, col = (0, 0) if key == "family" else (0, 1) if key == "market" else (1, 0)
            self.grid.addLayout(box, row, col, 1, 2 if key == "time" else 1)
        self.grid.setRowStretch(0, 1)
        self.grid.setRowStretch(1, 1)

    def _fill(self) -> None:
        d = self.data
        if d is None:
            return
        m = d.this_month
        self.tiles[0].value.setText(f"{m['total']:,}")
        self.tiles[0].note.setText(tr("last month: {n}").format(n=f"{d.last_month['total']:,}"))
        rate = d.pass_rate_this_month
        self.tiles[1].value.setText("—" if rate is None else f"{rate} %")
        self.tiles[1].note.setText(tr("of {n} judged").format(n=f"{m['judged']:,}"))
        self.tiles[2].value.setText(f"{m['failed']:,}")
        self.tiles[2].value.setStyleSheet("color: #c0392b;" if m["failed"] else "")
        self.tiles[2].note.setText(tr("last month: {n}").format(n=f"{d.last_month['failed']:,}"))
        self.tiles[3].value.setText(f"{m['cheating']:,}")
        self.tiles[3].value.setStyleSheet("color: #c0392b;" if m["cheating"] else "")
        self.tiles[3].note.setText(tr("last month: {n}").format(n=f"{d.last_month['cheating']:,}"))
        self._ensure_charts()
        self._draw_family()
        self._draw_market()
        self._draw_time()

    def _draw_family(self) -> None:
        import pyqtgraph as pg

        data = self.data
        if data is None:
            return
        plot = self.charts["family"]
        plot.clear()
        rates = [r for r in data.by_family if r.percent is not None]
        xs = list(range(len(rates)))
        # display only; the numbers stay Decimal in stats (rates: each with a percent)
        heights = [float(r.percent or 0) for r in rates]
        # the axis starts below the lowest rate, in tens (86–100 % is not squeezed into the
        # top of 0–100 %); the bars stand on that base and its value is written on the axis
        base = float(max(0, (min([int(h) for h in heights], default=0) - 5) // 10 * 10))
        plot.addItem(
            pg.BarGraphItem(
                x=xs, y0=base, height=[h - base for h in heights], width=0.6, brush="#2e86c1"
            )
        )
        for x, r in zip(xs, rates, strict=True):
            # the rate and how many it rests on ("85.2 n=27")
            text = pg.TextItem(f"{r.percent}\nn={r.judged}", color="#222", anchor=(0.5, 1))
            text.setPos(x, float(r.percent or 0))
            plot.addItem(text)
        # labels on two lines where they have a space, so neighbours do not overlap
        # one word a line, in a font small enough that neighbours never overlap
        labels = [family_label(r.key).replace(" ", "\n") for r in rates]
        axis = plot.getAxis("bottom")
        font = QFont(plot.font())
        # the distance between two bars: the plotting area (the widget less its value axis
        # and margins) over the x range, which is one unit wider than the bars' count
        # (before its first layout the chart is 100 px wide: then half the page, its column)
        width = plot.width() if plot.width() >= 200 else max(self.width() / 2, 300)
        area = width - plot.getAxis("left").width() - 20
        slot = area / (max(len(rates), 1) + 0.2) - 4
        while font.pointSizeF() > 7:
            widest = max(
                (QFontMetrics(font).horizontalAdvance(w) for t in labels for w in t.split("\n")),
                default=0,
            )
            if widest <= slot:
                break
            font.setPointSizeF(font.pointSizeF() - 0.5)
        metrics = QFontMetrics(font)
        labels = ["\n".join(_fit(w, metrics, slot) for w in t.split("\n")) for t in labels]
        axis.setStyle(tickFont=font)
        axis.setTicks([list(zip(xs, labels, strict=True))])
        lines = max((t.count("\n") + 1 for t in labels), default=1)
        axis.setHeight(QFontMetrics(font).lineSpacing() * lines + 10)
        plot.getAxis("left").setLabel("%")
        step = 20 if base < 40 else 10 if base < 80 else 5
        top = 100 + (100 - base) * 0.22  # room above a 100 % bar for its rate and n
        plot.setYRange(base, top, padding=0)
        plot.getAxis("left").setTicks([[(v, str(v)) for v in range(int(base), 101, step)]])
        plot.setXRange(-0.6, max(len(rates), 1) - 0.4, padding=0)

    def _draw_market(self) -> None:
        import pyqtgraph as pg

        data = self.data
        if data is None:
            return
        plot = self.charts["market"]
        plot.clear()
        rates = [r for r in data.by_market if r.percent is not None][:8]
        ys = list(range(len(rates)))
        widths = [float(r.percent or 0) for r in rates]  # rates: each with a percent
        plot.addItem(
            pg.BarGraphItem(x0=[0] * len(rates), y=ys, width=widths, height=0.6, brush="#27ae60")
        )
        for y, r in zip(ys, rates, strict=True):
            text = pg.TextItem(f"{r.percent} (n={r.judged})", color="#222", anchor=(1, 0.5))
            text.setPos(float(r.percent or 0), y)
            plot.addItem(text)
        axis = plot.getAxis("left")
        metrics = QFontMetrics(axis.style.get("tickFont") or plot.font())
        axis.setTicks([[(y, self._short(r.key, metrics)) for y, r in zip(ys, rates, strict=True)]])
        axis.setWidth(LABEL_WIDTH + 10)
        # the whole names where a label had to be cut
        plot.setToolTip("\n".join(f"{r.key}: {r.percent} % (n={r.judged})" for r in rates))
        plot.getAxis("bottom").setLabel("%")
        plot.setXRange(0, 100, padding=0.02)
        plot.setYRange(-0.6, max(len(rates), 1) - 0.4, padding=0)
        plot.getViewBox().invertY(True)

    @staticmethod
    def _short(market: str, metrics: QFontMetrics | None = None) -> str:
        """A market's name cut at the end where it is too wide ("合肥市周谷堆农产品…"): the
        beginning names the place; the whole name is in the chart's tooltip."""
        if metrics is None:
            return market if len(market) <= 12 else market[:11] + "…"
        return metrics.elidedText(market, Qt.TextElideMode.ElideRight, LABEL_WIDTH)

    def _draw_time(self) -> None:
        import pyqtgraph as pg

        data = self.data
        if data is None:
            return
        plot = self.charts["time"]
        plot.clear()
        if plot.plotItem.legend is None:
            plot.addLegend(offset=(10, 5))
        else:
            plot.plotItem.legend.clear()
        points = data.over_time
        xs = list(range(len(points)))
        plot.plot(
            xs,
            [p.failed for p in points],
            pen=pg.mkPen("#c0392b", width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush="#c0392b",
            name=tr("Failed"),
        )
        plot.plot(
            xs,
            [p.cheating for p in points],
            pen=pg.mkPen("#8e44ad", width=2, style=Qt.PenStyle.DashLine),
            symbol="s",
            symbolSize=6,
            symbolBrush="#8e44ad",
            name=tr("Cheating"),
        )
        current = data.month_start.isoformat()[:7]
        plot.getAxis("bottom").setTicks(
            [
                [
                    # the month under way is marked: its counts are not complete yet
                    (x, p.month + ("\n" + tr("(to date)") if p.month == current else ""))
                    for x, p in zip(xs, points, strict=True)
                ]
            ]
        )
        plot.getAxis("bottom").setHeight(40 if any(p.month == current for p in points) else 26)
        # counts: whole-number ticks only (no "2.5 failures")
        top = max([p.failed for p in points] + [p.cheating for p in points] + [1])
        plot.getAxis("left").setTickSpacing(max(1, round(top / 5)), 1)
        plot.setXRange(-0.5, max(len(points), 1) - 0.5, padding=0)

    def retranslate(self) -> None:
        titles = (
            "Inspections this month",
            "Pass rate this month",
            "Failed this month",
            "Cheating findings this month",
        )
        for tile, title in zip(self.tiles, titles, strict=True):
            tile.title.setText(tr(title))
        for tile, title in zip(
            self.attention_tiles,
            ("Instruments overdue", "Awaiting review", "Repeat offenders"),
            strict=True,
        ):
            tile.title.setText(tr(title))
        self._fill_attention()
        for label, title in zip(
            self.chart_titles,
            (
                "Pass rate by family (%), last 12 months",
                "Pass rate by market (%), last 12 months",
                "Failures and cheating findings per month",
            ),
            strict=True,
        ):
            label.setText(f"<b>{tr(title)}</b>")
        if self.data is not None:
            self._fill()
        self._fill_cases()


def _fit(word: str, metrics: QFontMetrics, width: float) -> str:
    """A word too wide for its slot even in the smallest font, hyphenated once (two
    lines at most: on a window too narrow for that, neighbours may still touch)."""
    if metrics.horizontalAdvance(word) <= width or len(word) < 8:
        return word
    cut = len(word) - 4
    while cut > 4 and metrics.horizontalAdvance(word[:cut] + "-") > width:
        cut -= 1
    return word[:cut] + "-\n" + word[cut:]


def _attention(store):
    """Overdue instruments, records awaiting review and repeat offenders (on the reader)."""
    from ..services.stats import attention

    return attention(store)


def _case_figures(store) -> dict:
    """This month's enforcement cases and how many are past a deadline (on the reader)."""
    import datetime as dt

    from ..services.case_lists import case_statistics, list_cases

    today = dt.date.today()
    figures = case_statistics(store, today.replace(day=1), today)
    return {**figures, "overdue": len(list_cases(store, overdue=True, today=today))}
