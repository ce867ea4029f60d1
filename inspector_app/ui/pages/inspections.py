"""The Inspections page: search-as-you-type, filters and the 100,000-row inspection table."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.models import FAMILIES
from ...i18n import ntr, tr
from ...store.inspections import InspectionFilter
from .. import qt_values, settings
from ..models.inspections import InspectionTableModel, search_delay_ms
from ..models.labels import family_label
from ..widgets.date_filter import DateFilter
from ..widgets.language import follow_language
from ..widgets.record_table import RecordTable
from ..widgets.search_box import SearchBox
from ..workers import StoreReader

INSPECTION_COLUMN_WIDTHS = [120, 170, 160, 210, 95, 140, 70, 75, 80]


class InspectionsPage(QWidget):
    """Search-as-you-type, filters, and the 100,000-row table."""

    def __init__(self, store, reader: StoreReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = InspectionTableModel(reader, self, page_size=settings.get("page_size"))
        self.search = SearchBox(self)
        self.search.setObjectName("inspectionSearch")
        self.family = QComboBox(self)
        self.verdict = QComboBox(self)
        self.status = QComboBox(self)
        self.market = QComboBox(self)
        self.market.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.market.setMinimumContentsLength(14)
        self.date_from = DateFilter(self)
        self.date_to = DateFilter(self)
        self.from_label, self.to_label = QLabel(self), QLabel(self)
        self.from_label.setBuddy(self.date_from)
        self.to_label.setBuddy(self.date_to)
        self.clear_button = QPushButton(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("inspectionCount")
        self.table = RecordTable(self, sortable=True)
        self.table.setObjectName("inspectionTable")
        self.table.setSelectionMode(
            RecordTable.SelectionMode.ExtendedSelection
        )  # batch report export
        self.table.setModel(self.model)
        self.table.set_column_widths(INSPECTION_COLUMN_WIDTHS)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.family, 1)
        top.addWidget(self.verdict, 1)
        top.addWidget(self.status, 1)
        top.addWidget(self.market, 2)
        dates = QHBoxLayout()
        dates.addWidget(self.from_label)
        dates.addWidget(self.date_from)
        dates.addWidget(self.to_label)
        dates.addWidget(self.date_to)
        dates.addWidget(self.clear_button)
        dates.addStretch(1)
        dates.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(dates)
        layout.addWidget(self.table, 1)
        for w in (
            self.search,
            self.family,
            self.verdict,
            self.status,
            self.market,
            self.date_from,
            self.date_to,
            self.clear_button,
            self.table,
        ):
            focus = qt_values.STRONG_FOCUS if w is not self.clear_button else qt_values.TAB_FOCUS
            w.setProperty("focusPolicy", focus)  # (setFocusPolicy takes a Qt.FocusPolicy)
        QWidget.setTabOrder(self.search, self.family)
        QWidget.setTabOrder(self.family, self.verdict)
        QWidget.setTabOrder(self.verdict, self.status)
        QWidget.setTabOrder(self.status, self.market)
        QWidget.setTabOrder(self.market, self.date_from)
        QWidget.setTabOrder(self.date_from, self.date_to)
        QWidget.setTabOrder(self.date_to, self.clear_button)
        QWidget.setTabOrder(self.clear_button, self.table)

        self._fill_combos()
        # one Latin letter matches most rows: wait for a second one, or for quiet
        self._search_wait = QTimer(self)
        self._search_wait.setSingleShot(True)
        self._search_wait.timeout.connect(self.apply_filter)
        self.search.search_changed.connect(self._search_changed)
        self.search.returnPressed.connect(
            lambda: self.apply_filter() if self._search_wait.isActive() else None
        )
        for combo in (self.family, self.verdict, self.status, self.market):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.date_from.dateChanged.connect(lambda _d: self.apply_filter())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.model.counted.connect(lambda _n: self._update_count())
        self.model.modelReset.connect(self._update_count)
        self.retranslate(first=True)
        follow_language(self, self.retranslate)

    def _fill_combos(self) -> None:
        self.family.addItem("", None)
        for fam in FAMILIES:
            self.family.addItem("", fam)
        for combo, values in (
            (self.verdict, ("pass", "fail")),
            (self.status, ("draft", "finalized")),
        ):
            combo.addItem("", None)
            for v in values:
                combo.addItem("", v)
        self.market.addItem("", None)

    def set_markets(self, markets: list[str]) -> None:
        current = self.market.currentData()
        self.market.blockSignals(True)
        while self.market.count() > 1:
            self.market.removeItem(1)
        for m in markets:
            self.market.addItem(m, m)
        self.market.setCurrentIndex(max(0, self.market.findData(current)))
        self.market.blockSignals(False)

    def current_filter(self) -> InspectionFilter:
        return InspectionFilter(
            family=self.family.currentData(),
            verdict=self.verdict.currentData(),
            status=self.status.currentData(),
            market=self.market.currentData(),
            search=self.search.text().strip(),
            date_from=self.date_from.iso(),
            date_to=self.date_to.iso(),
        )

    def _search_changed(self, text: str) -> None:
        wait = search_delay_ms(text)
        if wait:
            # SearchBox has waited its own debounce since the last keystroke already
            self._search_wait.start(max(0, wait - self.search._timer.interval()))
        else:
            self.apply_filter()

    def apply_filter(self) -> None:
        self._search_wait.stop()
        self.model.set_filter(self.current_filter())

    def selected_ids(self) -> list[str]:
        """Ids of the selected rows in table order (rows not read yet are read now)."""
        sm = self.table.selectionModel()
        rows = sorted({i.row() for i in sm.selectedRows()}) if sm is not None else []
        if not rows:
            ident = self.table.current_id()
            return [ident] if ident else []
        return self.model.ids_for_rows(self.store, rows)

    def clear_filters(self) -> None:
        widgets = (
            self.search,
            self.family,
            self.verdict,
            self.status,
            self.market,
            self.date_from,
            self.date_to,
        )
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        self.search._last = ""
        for combo in (self.family, self.verdict, self.status, self.market):
            combo.setCurrentIndex(0)
        self.date_from.set_iso(None)
        self.date_to.set_iso(None)
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def refresh(self) -> None:
        self.model.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_count(self) -> None:
        if self.model.counting:
            self.count_label.setText(
                tr("{n} inspections, counting…").format(n=f"{self.model.total:,}")
            )
        else:
            self.count_label.setText(
                ntr("{n} inspection", "{n} inspections", self.model.total).format(
                    n=f"{self.model.total:,}"
                )
            )

    def retranslate(self, first: bool = False) -> None:
        """The texts in the current language (*first*: as the page is built, when the
        model's own texts are new anyway)."""
        self.search.setPlaceholderText(tr("Search premises, instrument, inspector…"))
        self.search.setAccessibleName(tr("Search"))
        self.family.setItemText(0, tr("All families"))
        for i, fam in enumerate(FAMILIES, start=1):
            self.family.setItemText(i, family_label(fam))
        self.verdict.setItemText(0, tr("All verdicts"))
        self.verdict.setItemText(1, tr("Pass"))
        self.verdict.setItemText(2, tr("Fail"))
        self.status.setItemText(0, tr("All statuses"))
        self.status.setItemText(1, tr("Draft"))
        self.status.setItemText(2, tr("Finalized"))
        self.market.setItemText(0, tr("All markets"))
        self.from_label.setText(tr("From") + ":")
        self.to_label.setText(tr("To") + ":")
        self.date_from.retranslate()
        self.date_to.retranslate()
        self.clear_button.setText(tr("Clear &filters").replace("&", ""))
        self.table.setAccessibleName(tr("Inspections"))
        for combo, name in (
            (self.family, "All families"),
            (self.verdict, "All verdicts"),
            (self.status, "All statuses"),
            (self.market, "All markets"),
        ):
            combo.setAccessibleName(tr(name))
        self.date_from.setAccessibleName(tr("From"))
        self.date_to.setAccessibleName(tr("To"))
        self.table.set_header_labels(self.model.header_labels())
        if not first:
            self.model.retranslate()
        self._update_count()
