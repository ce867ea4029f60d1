"""The review queue: imported inspections filtered by inspector, market, family, verdict, date
and review state; the chosen one opens in the :class:`ReviewPanel` beside the list. Bundles
are imported (two laptops' field bundles) and the office bundle exported from here.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...domain.models import FAMILIES
from ...i18n import tr
from ...store.review import QueueRow, ReviewFilter
from ..models.labels import check_label, family_label, verdict_label
from ..widgets.language import follow_language
from ..widgets.record_table import IdRole, RecordTable
from ..workers import Cancelled, run_store_job
from . import dialogs
from .review_panel import IdentityCache, ReviewPanel

COLUMNS = (
    "Date",
    "Inspector",
    "Premises",
    "Market",
    "Family",
    "Kind of check",
    "Verdict",
    "State",
)
VERDICT_COLUMN, STATE_COLUMN = COLUMNS.index("Verdict"), COLUMNS.index("State")
STATE_TEXT = {"pending": "Pending", "approved": "Approved", "returned": "Returned"}


class QueueModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[QueueRow] = []
        self.total = 0

    def set_rows(self, rows: list[QueueRow], total: int) -> None:
        self.beginResetModel()
        self.rows, self.total = rows, total
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == IdRole:
            return r.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                r.started_at.replace("T", " ")[:16],  # minutes are enough; the column stays narrow
                r.inspector,
                r.premises_name,
                r.market,
                family_label(r.family),
                check_label(r.check),
                verdict_label(r.verdict) + (" ⚠" if r.cheating else ""),
                tr(STATE_TEXT.get(r.state, r.state)),
            )
            return values[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == VERDICT_COLUMN and r.verdict == "fail":
                return QColor("#c0392b")
            if col == STATE_COLUMN:
                return QColor({"approved": "#1e8449", "returned": "#b9770e"}.get(r.state, "#333"))
        return None


class ReviewQueuePage(QWidget):
    bundle_imported = Signal()

    def __init__(
        self, store, identities: IdentityCache, parent: QWidget | None = None, *, actor: str = ""
    ) -> None:
        super().__init__(parent)
        from ..widgets.date_filter import DateFilter

        self.store = store
        self.identities = identities
        self.actor = actor
        self.limit = 2000
        self.inspector = QComboBox(self)
        self.inspector.setObjectName("queueInspector")
        self.market = QComboBox(self)
        self.market.setObjectName("queueMarket")
        self.market.setMinimumContentsLength(12)
        self.market.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.family = QComboBox(self)
        self.family.setObjectName("queueFamily")
        self.verdict = QComboBox(self)
        self.verdict.setObjectName("queueVerdict")
        self.state = QComboBox(self)
        self.state.setObjectName("queueState")
        self.date_from = DateFilter(self)
        self.date_to = DateFilter(self)
        self.from_label, self.to_label = QLabel(self), QLabel(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("queueCount")
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("importBundleButton")
        self.export_bundle_button = QPushButton(self)
        self.export_list_button = QPushButton(self)
        self.model = QueueModel(self)
        self.table = RecordTable(self)
        self.table.setObjectName("reviewQueueTable")
        self.table.setModel(self.model)
        self.table.set_column_widths([120, 80, 170, 160, 110, 100, 70, 70])
        self.panel = ReviewPanel(store, identities, self, actor=actor)

        self.family.addItem("", None)
        for fam in FAMILIES:
            self.family.addItem("", fam)
        self.verdict.addItem("", None)
        self.verdict.addItem("", "pass")
        self.verdict.addItem("", "fail")
        for value in ("pending", "approved", "returned", None):
            self.state.addItem("", value)
        self.inspector.addItem("", None)
        self.market.addItem("", None)

        filters = QHBoxLayout()
        for w in (self.inspector, self.market, self.family, self.verdict, self.state):
            filters.addWidget(w, 1)
        dates = QHBoxLayout()
        for part in (self.from_label, self.date_from, self.to_label, self.date_to):
            dates.addWidget(part)
        dates.addStretch(1)
        dates.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_bundle_button)
        actions.addStretch(1)
        actions.addWidget(self.export_list_button)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(actions)
        ll.addLayout(filters)
        ll.addLayout(dates)
        ll.addWidget(self.table, 1)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        for combo in (self.inspector, self.market, self.family, self.verdict, self.state):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.date_from.dateChanged.connect(lambda _d: self.apply_filter())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filter())
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._row_changed(cur)
        )
        self.table.open_requested.connect(self.panel.show_inspection)
        self.panel.decided.connect(lambda _id: self.refresh(keep_selection=True))
        self.import_button.clicked.connect(self.import_bundle)
        self.export_bundle_button.clicked.connect(self.export_office_bundle)
        self.export_list_button.clicked.connect(self.export_list)
        self.retranslate()
        follow_language(self, self.retranslate)

    # -- data --------------------------------------------------------------------------------
    def current_filter(self) -> ReviewFilter:
        return ReviewFilter(
            inspector=self.inspector.currentData(),
            market=self.market.currentData(),
            family=self.family.currentData(),
            verdict=self.verdict.currentData(),
            date_from=self.date_from.iso(),
            date_to=self.date_to.iso(),
            state=self.state.currentData(),
        )

    def _set_choices(self, combo: QComboBox, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for v in values:
            combo.addItem(v, v)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def refresh(self, keep_selection: bool = False) -> None:
        from ...services import review as rv

        choices = rv.queue_choices(self.store)
        self._set_choices(self.inspector, choices["inspectors"])
        self._set_choices(self.market, choices["markets"])
        self.apply_filter(keep_selection=keep_selection)

    def activated(self) -> None:
        self.refresh(keep_selection=True)

    def apply_filter(self, keep_selection: bool = False) -> None:
        from ...services import review as rv

        current = self.panel.inspection_id if keep_selection else None
        try:
            f = self.current_filter()
            rows, total = rv.queue(self.store, f, limit=self.limit), rv.queue_count(self.store, f)
        except InputError as exc:
            self.count_label.setText("⚠ " + exc.message)
            return
        self.model.set_rows(rows, total)
        self._update_count()
        ids = [r.id for r in rows]
        if current in ids:
            self.table.selectRow(ids.index(current))
        elif not keep_selection or current is not None:
            self.panel.show_inspection(None)

    def _row_changed(self, index: QModelIndex) -> None:
        ident = self.model.data(index, IdRole) if index.isValid() else None
        if ident and ident != self.panel.inspection_id:
            self.panel.show_inspection(ident)

    def select_inspection(self, inspection_id: str) -> bool:
        ids = [r.id for r in self.model.rows]
        if inspection_id not in ids:
            return False
        self.table.selectRow(ids.index(inspection_id))
        if self.panel.inspection_id != inspection_id:
            self.panel.show_inspection(inspection_id)
        return True

    def _update_count(self) -> None:
        self.count_label.setText(
            tr("{shown} of {n} inspections in the queue").format(
                shown=f"{len(self.model.rows):,}", n=f"{self.model.total:,}"
            )
        )

    # -- bundles and exports ------------------------------------------------------------------
    def import_bundle(self, path: str | None = None):
        from ...services.sync import import_bundle

        path = path or dialogs.choose_open_file(
            self, tr("Bundle import"), tr("Sync bundles (*.zip *.bundle);;All files (*)")
        )
        if not path:
            return None

        def work(store, progress, is_cancelled):
            return import_bundle(
                store,
                path,
                actor=self.actor or "office",
                progress=lambda stage, done, total: progress(done, total, stage),
            )

        try:
            report = run_store_job(
                self, tr("Bundle import"), self.store.path, work, label=tr("Importing the bundle…")
            )
        except Cancelled:
            return None
        except Exception as exc:  # shown as one sentence
            QMessageBox.warning(self, tr("Bundle import"), str(exc))
            return None
        if report.ok:
            QMessageBox.information(self, tr("Bundle import"), report.message())
        else:
            QMessageBox.warning(
                self,
                tr("Bundle import"),
                f"{report.message()}\n\n{tr('The bundle was rejected; nothing was changed.')}",
            )
        self.refresh(keep_selection=True)
        self.bundle_imported.emit()
        return report

    def export_office_bundle(self, path: str | None = None):
        from ...services.sync import export_bundle

        identity = self.identities.get(self)
        if identity is None:
            return None
        path = path or dialogs.choose_save_file(
            self,
            tr("Office bundle"),
            "office-bundle.zip",
            tr("Sync bundles (*.zip *.bundle);;All files (*)"),
        )
        if not path:
            return None
        try:
            result = export_bundle(
                self.store, identity, path, direction="office", actor=self.actor or identity.name
            )
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, tr("Office bundle"), getattr(exc, "message", str(exc)))
            return None
        QMessageBox.information(
            self, tr("Office bundle"), tr("Wrote {path}.").format(path=result.path)
        )
        return result

    def export_list(self, path: str | None = None):
        from ...services.table_export import export_queue

        path = path or dialogs.choose_save_file(
            self, tr("Export"), "review-queue.xlsx", tr("CSV (*.csv);;Excel workbook (*.xlsx)")
        )
        if not path:
            return None
        try:
            n = export_queue(self.store, path, None, self.current_filter())
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, tr("Export"), getattr(exc, "message", str(exc)))
            return None
        QMessageBox.information(
            self, tr("Export"), tr("Exported {n} rows to {path}.").format(n=n, path=path)
        )
        return n

    def retranslate(self) -> None:
        self.inspector.setItemText(0, tr("All inspectors"))
        self.market.setItemText(0, tr("All markets"))
        self.family.setItemText(0, tr("All families"))
        for i, fam in enumerate(FAMILIES, start=1):
            self.family.setItemText(i, family_label(fam))
        self.verdict.setItemText(0, tr("All verdicts"))
        self.verdict.setItemText(1, verdict_label("pass"))
        self.verdict.setItemText(2, verdict_label("fail"))
        for i, text in enumerate(("Pending", "Approved", "Returned", "Any state")):
            self.state.setItemText(i, tr(text))
        self.from_label.setText(tr("From") + ":")
        self.to_label.setText(tr("To") + ":")
        self.date_from.retranslate()
        self.date_to.retranslate()
        self.import_button.setText(tr("Import bundle…"))
        self.export_bundle_button.setText(tr("Export office bundle…"))
        self.export_list_button.setText(tr("Export list…"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self._update_count()
