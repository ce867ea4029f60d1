"""Statistics per period and region: tiles (inspections, premises, instruments, pass rate,
failures, cheating), pyqtgraph charts (premises by kind, instruments by family, failures by
cause, per month), cheating cases; export of the counted list to CSV/XLSX and the summary
PDF of the period (``services.summary.build_summary``). pyqtgraph is imported when the page
is first filled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...i18n import current_language, tr
from ..models.labels import family_label, premises_kind_label
from ..widgets.language import follow_language
from ..widgets.tile import Tile
from . import dialogs
from .goods_panel import GoodsPanel
from .statistics_charts import CHARTS, StatisticsCharts

if TYPE_CHECKING:
    from ...services.office_stats import OfficeStats


def _cause_label(row: dict) -> str:
    """A failure cause as people say it: the finding's text up to its colon (the code when none)."""
    if not row["code"]:
        return tr("(no finding)")
    text = row["example"].replace("：", ":").split(":")[0].strip()
    return text or row["code"]


TILES = (
    "Inspections",
    "Premises inspected",
    "Instruments checked",
    "Pass rate",
    "Failed",
    "Cheating cases",
)
CHART_TITLES = (
    "Premises inspected by kind",
    "Instruments checked by family",
    "Failures by cause",
    "Inspections and failures per month",
)


PLACE_LEVELS = ("county", "city", "province", "origin")
PLACE_KEYS = {
    "county": ("city", "county"),
    "city": ("province", "city"),
    "province": ("province",),
    "origin": ("origin",),
}
PLACE_HEADERS = {"county": "County", "city": "City", "province": "Province", "origin": "Origin"}


def _table_height(table: QTableWidget, rows: int) -> int:
    """The height that shows the header and *rows* rows of *table*."""
    header = table.horizontalHeader().sizeHint().height()
    return header + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()


class StatisticsPage(StatisticsCharts, QWidget):
    updated = Signal(object)  # services.office_stats.OfficeStats

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ..widgets.date_filter import DateFilter

        self.store = store
        self.data: OfficeStats | None = None
        self.charts: dict = {}
        self.date_from = DateFilter(self)
        self.date_to = DateFilter(self)
        self.date_from.setObjectName("statsFrom")
        self.date_to.setObjectName("statsTo")
        self.from_label, self.to_label = QLabel(self), QLabel(self)
        self.this_month = QPushButton(self)
        self.last_month = QPushButton(self)
        self.city = QComboBox(self)
        self.city.setObjectName("statsCity")
        self.city.addItem("", None)
        self.export_csv = QPushButton(self)
        self.export_xlsx = QPushButton(self)
        self.summary_pdf = QPushButton(self)
        self.summary_pdf.setObjectName("summaryPdfButton")
        self.status = QLabel(self)
        self.status.setObjectName("statsStatus")
        self.tiles = {k: Tile(self, value_scale=1.8) for k in TILES}
        self.chart_titles = {k: QLabel(self) for k in CHARTS}
        self.cheats = QTableWidget(0, 5, self)
        self.cheats.setObjectName("cheatingCases")
        self.cheats.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cheats.verticalHeader().setVisible(False)
        self.cheats.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.cheats.setMinimumHeight(_table_height(self.cheats, 5))
        self.cheats_title = QLabel(self)
        # inspections by county, city, province or origin (records from city offices too)
        self.places_title = QLabel(self)
        self.places_by = QComboBox(self)
        self.places_by.setObjectName("statsPlacesBy")
        for level in PLACE_LEVELS:
            self.places_by.addItem(level, level)
        self.places = QTableWidget(0, 5, self)
        self.places.setObjectName("statsPlaces")
        self.places.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.places.verticalHeader().setVisible(False)
        self.places.setMinimumHeight(_table_height(self.places, 5))
        self._place_rows: tuple[str, list[dict]] = ("county", [])

        top = QHBoxLayout()
        for w in (
            self.from_label,
            self.date_from,
            self.to_label,
            self.date_to,
            self.this_month,
            self.last_month,
            self.city,
        ):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.export_csv, self.export_xlsx, self.summary_pdf):
            top.addWidget(w)
        tiles = QHBoxLayout()
        for t in self.tiles.values():
            tiles.addWidget(t)
        self.grid = QGridLayout()
        # the page scrolls when the window is too short for its charts and tables at a
        # readable size (a squeezed table showed two rows)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setObjectName("statsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addWidget(self.status)
        layout.addLayout(self.grid, 1)
        lower = QGridLayout()
        lower.addWidget(self.cheats_title, 0, 0)
        lower.addWidget(self.cheats, 1, 0)
        places_head = QHBoxLayout()
        places_head.addWidget(self.places_title)
        places_head.addWidget(self.places_by)
        places_head.addStretch(1)
        lower.addLayout(places_head, 0, 1)
        lower.addWidget(self.places, 1, 1)
        lower.setColumnStretch(0, 3)
        lower.setColumnStretch(1, 2)
        layout.addLayout(lower)
        self.goods = GoodsPanel(self)  # prepackaged batches and retail rechecks
        layout.addWidget(self.goods)

        first, last = self._month(0)
        self.date_from.set_iso(first)
        self.date_to.set_iso(last)
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        self.city.currentIndexChanged.connect(lambda _i: self.refresh())
        self.places_by.currentIndexChanged.connect(lambda _i: self._fill_places())
        self.this_month.clicked.connect(lambda: self.set_period(*self._month(0)))
        self.last_month.clicked.connect(lambda: self.set_period(*self._month(1)))
        self.export_csv.clicked.connect(lambda: self.export_list("csv"))
        self.export_xlsx.clicked.connect(lambda: self.export_list("xlsx"))
        self.summary_pdf.clicked.connect(lambda: self.make_summary())
        self.retranslate()
        follow_language(self, self.retranslate)

    @staticmethod
    def _month(back: int) -> tuple[str, str]:
        from ...services.office_stats import month_period

        return month_period(dt.date.today(), back)

    def set_period(self, date_from: str | None, date_to: str | None) -> None:
        for w in (self.date_from, self.date_to):
            w.blockSignals(True)
        self.date_from.set_iso(date_from)
        self.date_to.set_iso(date_to)
        for w in (self.date_from, self.date_to):
            w.blockSignals(False)
        self.refresh()

    def current_filter(self):
        from ...services.office_stats import StatsFilter

        return StatsFilter(
            date_from=self.date_from.iso(), date_to=self.date_to.iso(), city=self.city.currentData()
        )

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        from ...services.goods_stats import goods_statistics
        from ...services.office_stats import cities, office_statistics

        current = self.city.currentData()
        self.city.blockSignals(True)
        while self.city.count() > 1:
            self.city.removeItem(1)
        for c in cities(self.store):
            self.city.addItem(c, c)
        self.city.setCurrentIndex(max(0, self.city.findData(current)))
        self.city.blockSignals(False)
        try:
            data = office_statistics(self.store, self.current_filter())
            from ...services.province import include_received

            # a province: the tiles, families and months count its cities' records too
            self.received = include_received(data, self.store)["by_origin"]
        except InputError as exc:
            self.status.setText("⚠ " + exc.message)
            return
        self.data = data
        self.status.setText(
            "" if data.totals["inspections"] else tr("No inspections in this period.")
        )
        self._fill()
        self.goods.show_stats(goods_statistics(self.store, self.current_filter()))
        self._fill_places()
        self.updated.emit(self.data)

    def _fill_places(self) -> None:
        """The period's inspections per county, city, province or origin (own records and
        those received from city offices; ``services.province.statistics_by``)."""
        from ...services.province import statistics_by

        level = self.places_by.currentData() or "county"
        try:
            rows = statistics_by(
                self.store,
                level,
                self.date_from.iso(),
                self.date_to.iso(),
                local_name=lambda _o: tr("Made here"),
            )
        except InputError as exc:
            self.status.setText("⚠ " + exc.message)
            return
        received = self.data.totals.get("received", 0) if self.data is not None else 0
        if received:  # a province: the figures include its cities' records, named by origin
            note = tr("Including {n} records received from city offices ({origins}).")
            origins = "; ".join(
                f"{o['origin']} {o['inspections']:,}" for o in getattr(self, "received", [])
            )
            self.status.setText(note.format(n=f"{received:,}", origins=origins or "—"))
        self._place_rows = (level, rows)
        self._show_places()

    def _show_places(self) -> None:
        """Draw the last rows read (also on a language switch: no database read then)."""
        level, rows = self._place_rows
        keys = PLACE_KEYS[level]
        self.places.setColumnCount(len(keys) + 4)
        self.places.setHorizontalHeaderLabels(
            [tr(PLACE_HEADERS[k]) for k in keys]
            + [tr("Inspections"), tr("Passed"), tr("Failed"), tr("Pass rate")]
        )
        self.places.setRowCount(len(rows))
        for i, r in enumerate(rows):
            rate = "—" if r["pass_rate"] is None else f"{r['pass_rate']} %"
            cells = [r[k] or "—" for k in keys] + [
                f"{r['inspections']:,}",
                f"{r['passed']:,}",
                f"{r['failed']:,}",
                rate,
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.places.setItem(i, j, item)
        self.places.resizeColumnsToContents()

    # -- drawing --------------------------------------------------------------------------------
    def _fill(self) -> None:
        d = self.data
        if d is None:
            return
        t = d.totals
        values = {
            "Inspections": f"{t['inspections']:,}",
            "Premises inspected": f"{t['premises']:,}",
            "Instruments checked": f"{t['instruments']:,}",
            "Pass rate": "—" if d.pass_rate is None else f"{d.pass_rate} %",
            "Failed": f"{t['failed']:,}",
            "Cheating cases": f"{t['cheating']:,}",
        }
        for key, tile in self.tiles.items():
            tile.value.setText(values[key])
        self.tiles["Pass rate"].note.setText(tr("of {n} judged").format(n=f"{t['judged']:,}"))
        for key in ("Failed", "Cheating cases"):
            n = t["failed"] if key == "Failed" else t["cheating"]
            self.tiles[key].value.setStyleSheet("color: #c0392b;" if n else "")
        self._ensure_charts()
        self._bars(
            "kind",
            [(premises_kind_label(r["kind"]), r["premises"]) for r in d.premises_by_kind],
            "#2e86c1",
        )
        self._bars(
            "family",
            [(family_label(r["family"]), r["instruments"]) for r in d.instruments_by_family],
            "#27ae60",
        )
        self._bars(
            "cause",
            [(_cause_label(r), r["inspections"]) for r in d.failures_by_cause][:8],
            "#c0392b",
        )
        self._months()
        self.cheats.setRowCount(len(d.cheating_cases))
        for i, c in enumerate(d.cheating_cases):
            for j, text in enumerate(
                (c["started_at"][:10], c["premises"], c["city"], c["inspector"], c["text"])
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.cheats.setItem(i, j, item)
        self.cheats.resizeColumnsToContents()

    # -- exports ------------------------------------------------------------------------------
    def _suggested(self, ext: str) -> str:
        f = self.current_filter()
        parts = ["inspections", f.date_from or "", f.date_to or "", f.city or ""]
        return "-".join(p for p in parts if p) + f".{ext}"

    def export_list(self, fmt: str, path: str | None = None):
        from ...services.table_export import export_period

        filters = "CSV (*.csv)" if fmt == "csv" else "Excel (*.xlsx)"
        path = path or dialogs.choose_save_file(self, tr("Export"), self._suggested(fmt), filters)
        if not path:
            return None
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        try:
            # a province: its cities' records follow its own, with a column for their origin
            received = bool(self.data is not None and self.data.totals.get("received"))
            n = export_period(self.store, path, fmt, self.current_filter(), received=received)
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, tr("Export"), getattr(exc, "message", str(exc)))
            return None
        self.status.setText(tr("Exported {n} rows to {path}.").format(n=n, path=path))
        return n

    def make_summary(self, path: str | None = None, *, open_it: bool = True):
        from ...services.files import write_atomic
        from ...services.summary import build_summary

        path = path or dialogs.choose_save_file(
            self,
            tr("Summary report"),
            self._suggested("pdf").replace("inspections", "summary"),
            tr("PDF files (*.pdf)"),
        )
        if not path:
            return None
        f = self.current_filter()
        try:
            pdf = build_summary(
                self.store,
                date_from=f.date_from,
                date_to=f.date_to,
                city=f.city,
                lang=current_language(),
            )
            write_atomic(Path(path), pdf)
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, tr("Summary report"), getattr(exc, "message", str(exc)))
            return None
        self.status.setText(tr("Wrote {path}.").format(path=path))
        if open_it:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def retranslate(self) -> None:
        self.from_label.setText(tr("From") + ":")
        self.to_label.setText(tr("To") + ":")
        self.date_from.retranslate()
        self.date_to.retranslate()
        self.this_month.setText(tr("This month"))
        self.last_month.setText(tr("Last month"))
        self.city.setItemText(0, tr("All cities"))
        self.export_csv.setText(tr("Export CSV…"))
        self.export_xlsx.setText(tr("Export XLSX…"))
        self.summary_pdf.setText(tr("Summary PDF…"))
        for key, tile in self.tiles.items():
            tile.title.setText(tr(key))
        for key, title in zip(CHARTS, CHART_TITLES, strict=True):
            self.chart_titles[key].setText(f"<b>{tr(title)}</b>")
        self.cheats_title.setText(f"<b>{tr('Cheating cases')}</b>")
        self.cheats.setHorizontalHeaderLabels(
            [tr("Date"), tr("Premises"), tr("City"), tr("Inspector"), tr("Finding")]
        )
        self.places_title.setText(f"<b>{tr('Inspections by place')}</b>")
        for n, level in enumerate(PLACE_LEVELS):
            self.places_by.setItemText(n, tr(PLACE_HEADERS[level]))
        if self.data is not None:
            self._fill()
            self._show_places()
