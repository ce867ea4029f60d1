"""The main window: navigation between Today's work, Inspections, Premises, Instruments,
Reference standards and the Dashboard; menus with shortcuts; status bar; remembered layout.

All reads of lists run on one background :class:`StoreReader` (its own connection); the
window's own ``store`` is used for writes in dialogs and for single-record reads.

Start-up: only the page shown first is built (the others when first shown), and its first
query is the first read; the status-bar counts and the market list follow it. File →
Export/Import bundle, Inspection → Export report(s), Tools → Keys and trust reach the
bundle dialogs, :mod:`.report_actions` and :mod:`.keys_dialog`.
"""

from __future__ import annotations

import datetime as dt
import inspect

from PySide6.QtCore import QDate, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..domain.models import CHECK_KINDS, FAMILIES, Inspection, new_id
from ..i18n import ntr, tr
from ..store.inspections import InspectionFilter
from . import settings
from .models.inspections import InspectionTableModel, search_delay_ms
from .models.labels import check_label, family_label, premises_kind_label
from .widgets.language import follow_language
from .widgets.record_table import RecordTable
from .widgets.search_box import SearchBox
from .workers import Cancelled, StoreReader, run_store_job

# (key, title, QStyle.StandardPixmap name). Icons are set just after the first paint:
# creating PySide's QStyle type costs ~12 ms of start-up.
PAGES = (
    ("today", "Today's work", "SP_DesktopIcon"),
    ("inspections", "Inspections", "SP_FileDialogDetailedView"),
    ("premises", "Premises", "SP_DirHomeIcon"),
    ("instruments", "Instruments", "SP_DriveHDIcon"),
    ("standards", "Reference standards", "SP_DialogApplyButton"),
    ("dashboard", "Dashboard", "SP_FileDialogInfoView"),
    ("visits", "Visits", "SP_FileDialogListView"),
)
INSPECTION_COLUMN_WIDTHS = [120, 170, 160, 210, 95, 140, 70, 75, 80]


class DateFilter(QDateEdit):
    """A date field whose lowest value means "any date"."""

    ANY = QDate(2000, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(self.ANY)
        self.setDate(self.ANY)
        self.setSpecialValueText(tr("any date"))

    def iso(self) -> str | None:
        return None if self.date() == self.ANY else self.date().toString("yyyy-MM-dd")

    def set_iso(self, value: str | None) -> None:
        self.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else self.ANY)

    def retranslate(self) -> None:
        self.setSpecialValueText(tr("any date"))


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
        self.table.set_sort_indicator(0, Qt.SortOrder.DescendingOrder)

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
            w.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus
                if w is not self.clear_button
                else Qt.FocusPolicy.TabFocus
            )
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
            lambda: self._search_wait.isActive() and self.apply_filter()
        )
        for combo in (self.family, self.verdict, self.status, self.market):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.date_from.dateChanged.connect(lambda _d: self.apply_filter())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.model.counted.connect(lambda _n: self._update_count())
        self.model.modelReset.connect(self._update_count)
        self.retranslate()
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
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
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

    def retranslate(self) -> None:
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
        self.model.retranslate()
        self._update_count()


class TodayPage(QWidget):
    """What to do now: drafts to finish, what was inspected today, a big "New inspection"."""

    def __init__(self, store, reader: StoreReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.greeting = QLabel(self)
        self.greeting.setObjectName("greeting")
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.greeting.setFont(font)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newInspectionButton")
        self.new_button.setMinimumHeight(40)
        from PySide6.QtWidgets import QStyle

        self.new_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.empty_hint = QLabel(self)
        self.empty_hint.setObjectName("todayEmptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #555; font-size: 11pt; padding: 6px 0;")
        self.empty_hint.hide()
        # enforcement cases whose deadline has passed, in red (case list --overdue)
        self.store = store
        self._overdue: list[dict] = []
        self.overdue_label = QLabel(self)
        self.overdue_label.setObjectName("todayOverdueCases")
        self.overdue_label.setWordWrap(True)
        self.overdue_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.overdue_label.linkActivated.connect(self._open_case_link)
        self.overdue_label.setStyleSheet("color: #b00020; padding: 4px 0;")
        self.overdue_label.hide()
        self.drafts_label = QLabel(self)
        self.today_label = QLabel(self)
        # the campaign work list: premises assigned and not yet visited (Enter starts one)
        from .visit_worklist import WorkListPanel

        self.work_list = WorkListPanel(store, self)
        self.work_list.hide()
        self.work_list.changed.connect(self.retranslate)
        self.drafts = InspectionTableModel(
            reader, self, base_filter=InspectionFilter(status="draft")
        )
        self.today = InspectionTableModel(reader, self)
        self.drafts_table = RecordTable(self)
        self.drafts_table.setModel(self.drafts)
        self.today_table = RecordTable(self)
        self.today_table.setModel(self.today)
        for t in (self.drafts_table, self.today_table):
            t.set_column_widths(INSPECTION_COLUMN_WIDTHS)
        head = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.greeting)
        text.addWidget(self.hint)
        head.addLayout(text, 1)
        head.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.work_list, 2)
        layout.addWidget(self.drafts_label)
        layout.addWidget(self.drafts_table, 1)
        layout.addWidget(self.today_label)
        layout.addWidget(self.today_table, 2)
        for m in (self.drafts, self.today):
            m.counted.connect(lambda _n: self.retranslate())
            m.modelReset.connect(self.retranslate)
        self.retranslate()
        follow_language(self, self.retranslate)

    def refresh(self) -> None:
        today = dt.date.today().isoformat()
        self.drafts.refresh()
        # drafts are listed above: "inspected today" is what was finished today
        self.today.set_filter(InspectionFilter(status="finalized", date_from=today, date_to=today))
        self.load_overdue_cases()
        self.work_list.refresh()

    def load_overdue_cases(self) -> None:
        from ..services.cases import list_cases

        try:
            self._overdue = list_cases(self.store, overdue=True)
        except Exception:  # noqa: BLE001 - the page stays usable without the case list
            self._overdue = []
        self.retranslate()  # the overdue list, and no "nothing to do" beside it

    def _show_overdue(self) -> None:
        from html import escape

        lines = [
            f"<a href='case:{escape(r['id'])}' style='color:#b00020'>{escape(r['case_no'])}</a>"
            + escape(f"  {r['party']}: ")
            + "; ".join(
                escape(f"{tr('case deadline: ' + d['key'])} {d['due']}")
                for d in r["overdue_deadlines"]
            )
            for r in self._overdue
        ]
        self.overdue_label.setText(
            f"<b>{tr('Overdue case deadlines')}</b> ({len(lines)})<br>" + "<br>".join(lines)
        )
        self.overdue_label.setVisible(bool(lines))

    def _open_case_link(self, link: str) -> None:
        if link.startswith("case:"):
            window = self.window()
            if hasattr(window, "show_cases"):
                window.show_cases(link[len("case:") :])

    def focus_search(self) -> None:
        self.new_button.setFocus()

    def retranslate(self) -> None:
        name = settings.get("inspector_name")
        self.greeting.setText(
            tr("Good day, {name}.").format(name=name) if name else tr("Good day.")
        )
        self.hint.setText(
            "" if name else tr("Set your name in Settings so it is recorded with each inspection.")
        )
        self.hint.setVisible(not name)
        self.new_button.setText(tr("&New inspection…"))
        self.drafts_table.setAccessibleName(tr("Drafts to finish"))
        self.today_table.setAccessibleName(tr("Inspected today"))
        self.drafts_label.setText(f"<b>{tr('Drafts to finish')}</b> ({self.drafts.total})")
        self.today_label.setText(f"<b>{tr('Inspected today')}</b> ({self.today.total})")
        empty = (
            self.drafts.loaded_once
            and self.today.loaded_once
            and not self.drafts.total
            and not self.today.total
            and not self.drafts.counting
            and not self.today.counting
            and not self._overdue
            and not self.work_list.total
        )
        self.empty_hint.setText(
            tr(
                "Nothing to do yet. Start with “New inspection…”: it lets you add the premises "
                "and the instrument on the way."
            )
        )
        self.empty_hint.setVisible(bool(empty))
        self.drafts.retranslate()
        self.today.retranslate()
        self._show_overdue()


class NewInspectionDialog(QDialog):
    """Pick premises → instrument → kind of check."""

    def __init__(
        self, store, parent: QWidget | None = None, *, premises_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.search = SearchBox(self)
        self.premises_list = QListWidget(self)
        self.instrument_list = QListWidget(self)
        self.check = QComboBox(self)
        for kind in CHECK_KINDS:
            self.check.addItem("", kind)
        self.check.setCurrentIndex(max(0, self.check.findData(settings.get("default_check"))))
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("newInspectionHint")
        self.premises_hint = QLabel(self)
        self.premises_hint.setWordWrap(True)
        self.premises_hint.setObjectName("noPremisesHint")
        self.new_premises_button = QPushButton(self)
        self.new_premises_button.setObjectName("newPremisesButton")
        self.new_premises_button.setAutoDefault(False)
        self.new_premises_button.clicked.connect(self.create_premises)
        self.new_instrument_button = QPushButton(self)
        self.new_instrument_button.setObjectName("newInstrumentButton")
        self.new_instrument_button.setAutoDefault(False)
        self.new_instrument_button.clicked.connect(self.create_instrument)
        self.created = False  # premises or instruments were added from here
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c0392b;")
        self.labels = [QLabel(self) for _ in range(3)]
        self.labels[0].setBuddy(self.search)
        self.labels[1].setBuddy(self.instrument_list)
        self.labels[2].setBuddy(self.check)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        col = QVBoxLayout()
        col.addWidget(self.search)
        col.addWidget(self.premises_list)
        col.addWidget(self.premises_hint)
        prow = QHBoxLayout()
        prow.addWidget(self.new_premises_button)
        prow.addStretch(1)
        col.addLayout(prow)
        form.addRow(self.labels[0], col)
        col2 = QVBoxLayout()
        col2.addWidget(self.instrument_list)
        col2.addWidget(self.empty_label)
        irow = QHBoxLayout()
        irow.addWidget(self.new_instrument_button)
        irow.addStretch(1)
        col2.addLayout(irow)
        form.addRow(self.labels[1], col2)
        form.addRow(self.labels[2], self.check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.search.search_changed.connect(self._load_premises)
        self.premises_list.currentItemChanged.connect(lambda *_: self._load_instruments())
        self.instrument_list.itemDoubleClicked.connect(lambda _i: self.accept())
        self.resize(640, 560)
        self._load_premises("")
        if premises_id:
            for i in range(self.premises_list.count()):
                if self.premises_list.item(i).data(Qt.ItemDataRole.UserRole) == premises_id:
                    self.premises_list.setCurrentRow(i)
        self.retranslate()
        follow_language(self, self.retranslate)

    def _load_premises(self, text: str) -> None:
        self.premises_list.clear()
        for p in self.store.premises.list(search=text, limit=200):
            extra = " · ".join(
                x for x in (premises_kind_label(p.kind), p.market or p.city, p.stall_no) if x
            )
            item = QListWidgetItem(f"{p.name}    ({extra})")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.premises_list.addItem(item)
        if self.premises_list.count():
            self.premises_list.setCurrentRow(0)
        else:
            self._load_instruments()
        self.premises_hint.setVisible(self.premises_list.count() == 0 and not text)

    def _select(self, widget: QListWidget, ident: str) -> None:
        for i in range(widget.count()):
            if widget.item(i).data(Qt.ItemDataRole.UserRole) == ident:
                widget.setCurrentRow(i)
                return

    def create_premises(self):
        """New premises from inside this dialog; selected when saved."""
        from .premises_editor import PremisesEditor

        dialog = PremisesEditor(self.store, None, self)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_premises is None:
            return None
        self.created = True
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._load_premises("")
        self._select(self.premises_list, dialog.saved_premises.id)
        self.error.clear()
        self.new_instrument_button.setFocus()
        return dialog.saved_premises

    def create_instrument(self):
        """New instrument for the chosen premises; selected when saved."""
        from .instrument_editor import InstrumentEditor

        item = self.premises_list.currentItem()
        pid = item.data(Qt.ItemDataRole.UserRole) if item else None
        dialog = InstrumentEditor(self.store, None, self, premises_id=pid)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_instrument is None:
            return None
        self.created = True
        saved = dialog.saved_instrument
        if saved.premises_id != pid:
            self._select(self.premises_list, saved.premises_id)
        self._load_instruments()
        self._select(self.instrument_list, saved.id)
        self.error.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()
        return saved

    def _load_instruments(self) -> None:
        self.instrument_list.clear()
        item = self.premises_list.currentItem()
        pid = item.data(Qt.ItemDataRole.UserRole) if item else None
        instruments = self.store.instruments.list(premises_id=pid) if pid else []
        for ins in instruments:
            label = " ".join(
                x for x in (family_label(ins.family), ins.maker, ins.model, ins.serial) if x
            )
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, ins.id)
            self.instrument_list.addItem(it)
        if instruments:
            self.instrument_list.setCurrentRow(0)
        self.empty_label.setVisible(bool(pid) and not instruments)
        self.new_instrument_button.setEnabled(bool(pid))

    def selection(self) -> tuple[str | None, str | None, str]:
        p = self.premises_list.currentItem()
        i = self.instrument_list.currentItem()
        return (
            p.data(Qt.ItemDataRole.UserRole) if p else None,
            i.data(Qt.ItemDataRole.UserRole) if i else None,
            self.check.currentData(),
        )

    def accept(self) -> None:
        premises_id, instrument_id, _check = self.selection()
        if not premises_id or not instrument_id:
            self.error.setText("⚠ " + tr("Choose premises and an instrument first."))
            return
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("New inspection"))
        self.labels[0].setText(tr("1. Premises"))
        self.labels[1].setText(tr("2. Instrument"))
        self.labels[2].setText(tr("3. Kind of check"))
        self.search.setPlaceholderText(tr("Type to search premises"))
        self.empty_label.setText(
            tr("These premises have no instruments yet: add one with “New instrument…”.")
        )
        self.premises_hint.setText(
            tr(
                "No premises yet: add the shop, stall or station you are inspecting with "
                "“New premises…”."
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Start inspection"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.new_premises_button.setText(tr("New premises…"))
        self.new_instrument_button.setText(tr("New instrument…"))
        for i, kind in enumerate(CHECK_KINDS):
            self.check.setItemText(i, check_label(kind))


def _editor_class():
    """The inspection editor (built separately); None while it is not there."""
    try:
        from .inspection_editor import InspectionEditor
    except ImportError:
        return None
    return InspectionEditor


class MainWindow(QMainWindow):
    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.reader = StoreReader(store.path, self)
        self.editors: dict[str, QWidget] = {}
        self.pages: dict[str, QWidget] = {}  # built pages (office mode adds its own)
        self._placeholders: dict[str, QWidget] = {}
        self._stale: set[str] = set()  # built but hidden when data changed: refresh when shown
        self._counts = None
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(self)
        for key, _title, _icon in PAGES:
            item = QListWidgetItem("")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, 36))
            self.nav.addItem(item)
            placeholder = QWidget(self)
            self._placeholders[key] = placeholder
            self.stack.addWidget(placeholder)
        self.nav.currentRowChanged.connect(self._page_changed)
        splitter = QSplitter(self)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([190, 1100])
        self.nav.setMinimumWidth(150)
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self.db_label = QLabel(self)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("statusCounts")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_actions()
        self.retranslate()
        follow_language(self, self.retranslate)
        self._restore_layout()
        try:
            saved = int(settings.qsettings().value("window/page", 0) or 0)
        except (TypeError, ValueError):
            saved = 0
        # first start: Today's work (its big "New inspection…" leads on); office pages
        # restore themselves once installed
        self.nav.setCurrentRow(saved if 0 <= saved < len(PAGES) else 0)
        self._after_first_read(self._background_reads)
        QTimer.singleShot(30, self, self._set_nav_icons)

    def _set_nav_icons(self) -> None:
        from PySide6.QtWidgets import QStyle

        for i, (_key, _title, icon) in enumerate(PAGES):
            self.nav.item(i).setIcon(
                self.style().standardIcon(getattr(QStyle.StandardPixmap, icon))
            )

    # -- pages, built when first shown -------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page *key*, built now if it was not yet (without reading: it reads when shown)."""
        page = self.pages.get(key)
        if page is not None:
            return page
        index = [k for k, _t, _i in PAGES].index(key)
        page = self._make_page(key)
        self.pages[key] = page
        placeholder = self._placeholders.pop(key)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if current == index:
            self.stack.setCurrentIndex(index)
        self._stale.add(key)
        return page

    def _make_page(self, key: str) -> QWidget:
        if key == "today":
            page = TodayPage(self.store, self.reader, self)
            for table in self._inspection_tables(page):
                table.open_requested.connect(self.open_inspection)
            for model in (page.drafts, page.today):
                model.failed.connect(self._show_read_error)
            page.new_button.clicked.connect(lambda _c=False: self.new_inspection())
            page.work_list.open_visit = lambda vid: self.page("visits").open_visit(vid)
            office = getattr(self, "office", None)
            if office is not None and office.role == "supervisor":
                page.new_button.setVisible(False)
            return page
        if key == "inspections":
            page = InspectionsPage(self.store, self.reader, self)
            page.table.open_requested.connect(self.open_inspection)
            page.model.failed.connect(self._show_read_error)
            header = settings.load_geometry("inspection_header")
            if header:
                page.table.restore_state(header)
                # the query order is not remembered: start from the newest inspections
                page.table.set_sort_indicator(0, Qt.SortOrder.DescendingOrder)
                page.model._sort, page.model._descending = "started_at", True
            self._request_markets()
            return page
        if key == "premises":
            from .premises_editor import PremisesPage

            page = PremisesPage(self.store, self.reader, self)
            page.data_changed.connect(self.refresh_all)
            page.new_inspection_requested.connect(lambda pid: self.new_inspection(premises_id=pid))
            return page
        if key == "instruments":
            from .instrument_editor import InstrumentsPage

            page = InstrumentsPage(self.store, self.reader, self)
            page.data_changed.connect(self.refresh_all)
            page.new_inspection_requested.connect(
                lambda iid: self.start_inspection(iid, settings.get("default_check"))
            )
            return page
        if key == "standards":
            from .standards_dialog import StandardsPage

            return StandardsPage(self.store, self)
        if key == "dashboard":
            from .dashboard import DashboardPage

            return DashboardPage(self.store, self.reader, self)
        if key == "visits":  # visits, market sweeps and duties of the premises
            from .visit_editor import VisitsPage

            page = VisitsPage(self.store, self)
            page.open_inspection = self.open_inspection
            return page
        raise KeyError(key)

    def is_built(self, key: str) -> bool:
        return key in self.pages

    today_page = property(lambda self: self.page("today"))
    inspections_page = property(lambda self: self.page("inspections"))
    premises_page = property(lambda self: self.page("premises"))
    instruments_page = property(lambda self: self.page("instruments"))
    standards_page = property(lambda self: self.page("standards"))
    dashboard_page = property(lambda self: self.page("dashboard"))

    def _after_first_read(self, fn) -> None:
        """Run *fn* once the shown page's first read has arrived (the reader serves the
        newest request first: anything queued earlier would delay the first rows)."""
        page = self.pages.get(self.current_page_key())
        model = getattr(page, "model", None) if page is not None else None
        if isinstance(page, TodayPage):
            model = page.drafts
        if isinstance(model, InspectionTableModel) and not model.loaded_once:

            def once() -> None:
                model.modelReset.disconnect(once)
                fn()

            model.modelReset.connect(once)
        else:
            fn()

    # -- structure ------------------------------------------------------------------------
    @staticmethod
    def _inspection_tables(page) -> list[RecordTable]:
        if isinstance(page, TodayPage):
            return [page.drafts_table, page.today_table]
        return [page.table]

    def _action(
        self, name: str, slot, shortcut=None, *, context=Qt.ShortcutContext.WindowShortcut
    ) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(context)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        a = self._action
        a("new_inspection", self.new_inspection, QKeySequence.StandardKey.New)
        a("open_selected", self.open_selected, "Ctrl+O")
        a("new_premises", lambda: self._page_call("premises", "new_record"), "Ctrl+Shift+P")
        a("new_instrument", lambda: self._page_call("instruments", "new_record"), "Ctrl+Shift+I")
        a("settings", self.show_settings, "Ctrl+,")
        a("demo", self.offer_demo_data)
        a("quit", self.close, QKeySequence.StandardKey.Quit)
        a("find", self.focus_search, QKeySequence.StandardKey.Find)
        a("clear_filters", lambda: self.inspections_page.clear_filters(), "Ctrl+Shift+F")
        a("refresh", self.refresh_all, QKeySequence.StandardKey.Refresh)
        a("language", self.toggle_language, "Ctrl+Shift+L")
        a("shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        a("about", self.show_about)
        a("export_bundle", self.export_bundle, "Ctrl+Shift+E")
        a("import_bundle", self.import_bundle, "Ctrl+Shift+O")
        a("export_report", self.export_report, "Ctrl+E")
        a("export_reports", self.export_reports_for_selection, "Ctrl+Shift+R")
        a("keys", self.show_keys, "Ctrl+Shift+K")
        a("verify_pdf", self.verify_pdf, "Ctrl+Shift+V")
        a("cases", self.show_cases, "Ctrl+Shift+J")  # enforcement cases (ui.case_window)
        for i, (key, _title, _icon) in enumerate(PAGES):
            a(f"page_{key}", lambda k=key: self.show_page(k), f"Ctrl+{i + 1}")
        if self.actions_by_name["quit"].shortcut().isEmpty():
            self.actions_by_name["quit"].setShortcut(QKeySequence("Ctrl+Q"))
        if self.actions_by_name["refresh"].shortcut().isEmpty():
            self.actions_by_name["refresh"].setShortcut(QKeySequence("F5"))
        bar = self.menuBar()
        self.menus = {}
        layout = {
            "file": (
                "&File",
                [
                    "new_premises",
                    "new_instrument",
                    None,
                    "export_bundle",
                    "import_bundle",
                    None,
                    "demo",
                    None,
                    "quit",
                ],
            ),
            "edit": ("&Edit", ["find", "clear_filters", None, "settings"]),
            "view": ("&View", [f"page_{k}" for k, _t, _i in PAGES] + [None, "refresh", "language"]),
            "inspection": (
                "&Inspection",
                ["new_inspection", "open_selected", None, "export_report", "export_reports"],
            ),
            "enforcement": ("E&nforcement", ["cases"]),
            "tools": ("&Tools", ["keys", "verify_pdf", None, "settings", "demo"]),
            "help": ("&Help", ["shortcuts", "about"]),
        }
        for key, (_title, names) in layout.items():
            menu = bar.addMenu("")
            self.menus[key] = menu
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_by_name[name])
        self._menu_titles = {k: v[0] for k, v in layout.items()}

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Inspector · metrology field inspection"))
        texts = {
            "new_inspection": "&New inspection…",
            "open_selected": "&Open selected",
            "new_premises": "New &premises…",
            "new_instrument": "New i&nstrument…",
            "settings": "&Settings…",
            "demo": "Load &demo data…",
            "quit": "&Quit",
            "find": "&Find",
            "clear_filters": "Clear &filters",
            "refresh": "&Refresh",
            "language": "Switch &language (中文/English)",
            "shortcuts": "&Keyboard shortcuts",
            "about": "&About Inspector",
            "export_bundle": "E&xport bundle…",
            "import_bundle": "I&mport bundle…",
            "export_report": "&Export report…",
            "export_reports": "Export reports for &selection…",
            "keys": "&Keys and trust…",
            "verify_pdf": "&Verify PDF…",
        }
        for name, text in texts.items():
            self.actions_by_name[name].setText(tr(text))
        for i, (key, title, _icon) in enumerate(PAGES):
            self.actions_by_name[f"page_{key}"].setText(tr(title))
            self.nav.item(i).setText(tr(title))
            self.nav.item(i).setToolTip(f"{tr(title)} (Ctrl+{i + 1})")
        for key, menu in self.menus.items():
            menu.setTitle(tr(self._menu_titles[key]))
        from .case_window import t as case_text

        self.menus["enforcement"].setTitle(case_text("E&nforcement"))
        self.actions_by_name["cases"].setText(case_text("&Cases…"))
        self.nav.setAccessibleName(tr("Pages"))
        self.db_label.setText(f"{tr('Database')}: {self.store.path}")
        self._show_counts()

    # -- pages -------------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        index = [k for k, _t, _i in PAGES].index(key)
        self.nav.setCurrentRow(index)

    def current_page_key(self) -> str:
        item = self.nav.item(max(0, self.nav.currentRow()))
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else PAGES[0][0]

    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole) if self.nav.item(row) else None
        if key in self._placeholders:
            self.page(key)
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if key in self._stale:
            self._stale.discard(key)
            page.refresh()
        if hasattr(page, "activated"):
            page.activated()

    def _page_call(self, key: str, method: str) -> None:
        self.show_page(key)
        getattr(self.page(key), method)()

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "focus_search"):
            page.focus_search()

    # -- data ------------------------------------------------------------------------------------
    def refresh_all(self) -> None:
        """Re-read what is shown; built pages that are hidden re-read when next shown."""
        current = self.current_page_key()
        own = {k for k, _t, _i in PAGES}
        for key, page in list(self.pages.items()):
            if key in own and key != current:
                self._stale.add(key)
            else:
                self._stale.discard(key)
                page.refresh()
        self._background_reads()

    def _background_reads(self) -> None:
        self._request_markets()
        self.reader.submit(
            ("status-counts",),
            lambda s: (s.inspections.count(), s.premises.count(), s.instruments.count()),
            self._counts_arrived,
        )

    def _request_markets(self) -> None:
        if "inspections" in self.pages:
            self.reader.submit(("markets",), lambda s: s.premises.markets(), self._markets_arrived)

    def _markets_arrived(self, result) -> None:
        if isinstance(result, Exception):
            self._show_read_error(str(result))
        elif "inspections" in self.pages:
            self.pages["inspections"].set_markets(result)

    def _counts_arrived(self, result) -> None:
        if isinstance(result, Exception):
            self._show_read_error(str(result))
            return
        self._counts = result
        self._show_counts()

    def _show_counts(self) -> None:
        counts = self._counts
        if counts:
            i, p, n = counts
            self.counts_label.setText(
                tr("{i} inspections · {p} premises · {n} instruments").format(
                    i=f"{i:,}", p=f"{p:,}", n=f"{n:,}"
                )
            )

    def _show_read_error(self, message: str) -> None:
        self.statusBar().showMessage(
            tr("Could not read the database: {error}").format(error=message), 10000
        )

    # -- inspections --------------------------------------------------------------------------
    def open_selected(self) -> None:
        page = self.stack.currentWidget()
        if self.current_page_key() in ("today", "inspections"):
            for table in self._inspection_tables(page):
                if table.hasFocus() or table is self._inspection_tables(page)[-1]:
                    ident = table.current_id()
                    if ident:
                        self.open_inspection(ident)
                        return
        elif hasattr(page, "edit_current"):
            page.edit_current()

    def open_inspection(self, inspection_id: str) -> QWidget | None:
        if inspection_id in self.editors:
            editor = self.editors[inspection_id]
            editor.show()
            editor.raise_()
            editor.activateWindow()
            return editor
        cls = _editor_class()
        if cls is None:
            QMessageBox.information(
                self,
                tr("The inspection editor"),
                tr("The inspection editor is not available in this build yet."),
            )
            return None
        return self._show_editor(cls(self.store, inspection_id, parent=self), inspection_id)

    def _show_editor(self, editor: QWidget, inspection_id: str) -> QWidget:
        if not editor.isWindow():
            editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.editors[inspection_id] = editor
        editor.destroyed.connect(lambda *_: self.editors.pop(inspection_id, None))
        for signal_name in ("saved", "finalized"):
            signal = getattr(editor, signal_name, None)
            if signal is not None:
                signal.connect(lambda _id: self.refresh_inspections())
        editor.show()
        return editor

    def refresh_inspections(self) -> None:
        current = self.current_page_key()
        for key in ("today", "inspections", "dashboard"):
            page = self.pages.get(key)
            if page is None:
                continue
            if key == current or key == "dashboard":  # the dashboard defers by itself
                page.refresh()
            else:
                self._stale.add(key)
        self._background_reads()  # the status bar's counts too

    def new_inspection(self, premises_id: str | None = None) -> QWidget | str | None:
        dialog = NewInspectionDialog(self.store, self, premises_id=premises_id)
        self.last_dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.created:
            self.refresh_all()
        if not accepted:
            return None
        _pid, instrument_id, check = dialog.selection()
        return self.start_inspection(instrument_id, check)

    def start_inspection(self, instrument_id: str, check: str) -> QWidget | str | None:
        """Create the draft (through the editor when it can take the kind of check) and open it."""
        inspector = settings.actor()
        cls = _editor_class()
        factory = getattr(cls, "new_for_instrument", None) if cls is not None else None
        if factory is not None and "check" in inspect.signature(factory).parameters:
            editor = factory(self.store, instrument_id, inspector, parent=self, check=check)
            ident = getattr(editor, "inspection_id", None) or new_id()
            self.refresh_inspections()
            return self._show_editor(editor, str(ident))
        draft = self._create_draft(instrument_id, check, inspector)
        self.refresh_inspections()
        if cls is None:
            QMessageBox.information(
                self,
                tr("The inspection editor"),
                tr("A draft was created; it can be opened once the editor is available."),
            )
            return draft.id
        return self.open_inspection(draft.id)

    def _create_draft(self, instrument_id: str, check: str, inspector: str) -> Inspection:
        from ..domain.rules import edition_for
        from ..services.inspections import instrument_payload

        ins = self.store.instruments.get(instrument_id)
        premises = self.store.premises.get(ins.premises_id)
        record = new_id()
        started = dt.datetime.now().isoformat(timespec="minutes")
        draft = Inspection(
            id=new_id(),
            record_id=record,
            instrument_id=ins.id,
            premises_id=ins.premises_id,
            family=ins.family,
            check=check,
            ruleset=edition_for(ins.family, started, instrument_payload(ins)),
            inspector=inspector,
            started_at=started,
            place=premises.address if premises else "",
        )
        return self.store.inspections.save_draft(draft, inspector)

    # -- reports, bundles, keys ------------------------------------------------------------------
    def _current_inspection_id(self) -> str | None:
        key = self.current_page_key()
        if key not in ("today", "inspections"):
            return None
        tables = self._inspection_tables(self.pages[key])
        focused = [t for t in tables if t.hasFocus()]
        for table in focused + tables[::-1]:
            ident = table.current_id()
            if ident:
                return ident
        return None

    def export_report(self, inspection_id: str | None = None):
        """Inspection → Export report…: the current row's PDF (signed when possible), opened."""
        from . import report_actions

        ident = inspection_id or self._current_inspection_id()
        if not ident:
            QMessageBox.information(
                self, tr("Export report"), tr("Choose an inspection in the list first.")
            )
            return None
        return report_actions.export_report(self, self.store, self.store.path, ident)

    def export_reports_for_selection(self, ids: list[str] | None = None):
        """Inspection → Export reports for selection…: one PDF per selected row, with progress."""
        from ..crypto.keys import has_identity
        from ..paths import keys_dir
        from . import report_actions

        if ids is None:
            ids = (
                self.inspections_page.selected_ids()
                if self.current_page_key() == "inspections"
                else []
            )
            if not ids and self.current_page_key() == "today":
                ident = self._current_inspection_id()
                ids = [ident] if ident else []
        if not ids:
            QMessageBox.information(
                self,
                tr("Exporting reports"),
                tr("Select the inspections in the list first (Shift or Ctrl + click)."),
            )
            return None
        sign = has_identity(keys_dir(self.store.path))
        return report_actions.batch_export(self, self.store.path, ids, sign=sign)

    def _identity_or_offer(self) -> bool:
        from ..crypto.keys import has_identity
        from ..paths import keys_dir

        if has_identity(keys_dir(self.store.path)):
            return True
        QMessageBox.information(
            self,
            tr("Export bundle"),
            tr("A bundle is signed: create your signing identity first (Tools → Keys and trust…)."),
        )
        self.show_keys()
        return has_identity(keys_dir(self.store.path))

    def export_bundle(self):
        """File → Export bundle…: inspections for the office, or (a supervisor) the office bundle."""
        from ..services.review import get_role
        from .bundle_dialogs import ExportBundleDialog

        if not self._identity_or_offer():
            return None
        dialog = ExportBundleDialog(
            self.store.path, self, office=get_role(self.store) == "supervisor"
        )
        dialog.setObjectName("exportBundleDialog")
        self.last_dialog = dialog
        dialog.exec()
        return dialog.result

    def import_bundle(self):
        """File → Import bundle…: check and import, then show the new data."""
        from .bundle_dialogs import ImportBundleDialog

        dialog = ImportBundleDialog(self.store.path, self)
        dialog.setObjectName("importBundleDialog")
        self.last_dialog = dialog
        dialog.imported.connect(lambda report: report.ok and self.refresh_all())
        dialog.exec()
        return dialog.result

    def verify_pdf(self, path=None):
        """Tools → Verify PDF…: is this report's signature intact, trusted and on record?"""
        from . import report_actions

        return report_actions.verify_report_file(self, self.store, self.store.path, path)

    def show_cases(self, case_id: str | None = None):
        """The enforcement cases window, showing *case_id* when given."""
        from .case_window import open_case_window

        return open_case_window(self.store, self, case_id)

    def show_keys(self):
        """Tools → Keys and trust…"""
        from .keys_dialog import KeysDialog

        dialog = KeysDialog(self.store, self)
        self.last_dialog = dialog
        dialog.exec()
        return dialog

    # -- tools ------------------------------------------------------------------------------------
    def show_settings(self) -> None:
        dialog = settings.SettingsDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and "today" in self.pages:
            self.pages["today"].retranslate()

    def toggle_language(self) -> None:
        lang = "en" if i18n.current_language() == "zh" else "zh"
        settings.set_value("language", lang)
        i18n.set_language(lang)

    def offer_demo_data(
        self, *, ask: bool = True, premises: int = 200, inspections: int = 2000
    ) -> dict | None:
        if ask:
            answer = QMessageBox.question(
                self,
                tr("Load demo data"),
                tr(
                    "The database is empty. Load a demo data set (Anhui markets, filling stations, optical shops) "
                    "to try the program?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        from ..services.demo import generate

        def work(store, progress, is_cancelled):
            seed = 1
            while store.meta(f"demo_seed_{seed}") is not None and seed < 100:
                seed += 1

            def report(done: int, total: int) -> bool:
                return progress(
                    done, total, tr("{n} of {total} inspections").format(n=done, total=total)
                )

            return generate(
                store, premises=premises, inspections=inspections, seed=seed, progress=report
            )

        result = None
        try:
            result = run_store_job(
                self,
                tr("Load demo data"),
                self.store.path,
                work,
                label=tr("Generating demo inspections…"),
            )
        except Cancelled:
            QMessageBox.information(
                self,
                tr("Load demo data"),
                tr("Loading demo data was cancelled; what was loaded so far is kept."),
            )
        except Exception as exc:  # shown to the user, one sentence
            QMessageBox.warning(
                self,
                tr("Load demo data"),
                tr("Could not load demo data: {error}").format(error=exc),
            )
        self.refresh_all()
        return result

    def show_shortcuts(self) -> None:
        rows = []
        for menu in self.menus.values():
            for action in menu.actions():
                if not action.isSeparator() and not action.shortcut().isEmpty():
                    text = action.text().replace("&", "")
                    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                    rows.append(f"<tr><td>{text}</td><td>&nbsp;&nbsp;<b>{keys}</b></td></tr>")
        rows.append(f"<tr><td>{tr('Open')}</td><td>&nbsp;&nbsp;<b>Enter</b></td></tr>")
        QMessageBox.information(
            self, tr("Keyboard shortcuts"), "<table>" + "".join(dict.fromkeys(rows)) + "</table>"
        )

    def show_about(self) -> None:
        from .. import __version__

        QMessageBox.about(
            self,
            tr("About Inspector"),
            f"<b>{tr('Inspector · metrology field inspection')}</b> {__version__}<br><br>"
            + tr(
                "Field inspection of measuring instruments used in trade: scales, fuel dispensers and optical "
                "instruments."
            ),
        )

    # -- layout memory ------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        from .widgets.window_fit import fit_to_screen

        geometry = settings.load_geometry("geometry")
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(1280, 760)
        fit_to_screen(self)  # a 1366×768 laptop: the status bar stays on screen
        state = settings.load_geometry("state")
        if state:
            self.restoreState(state)
        splitter = settings.load_geometry("splitter")
        if splitter:
            self.splitter.restoreState(splitter)
        # the inspections table's header is restored when that page is built

    def save_layout(self) -> None:
        settings.save_geometry("geometry", self.saveGeometry())
        settings.save_geometry("state", self.saveState())
        settings.save_geometry("splitter", self.splitter.saveState())
        if "inspections" in self.pages:
            settings.save_geometry(
                "inspection_header", self.pages["inspections"].table.horizontalHeader().saveState()
            )
        settings.save_geometry("page", self.nav.currentRow())

    def closeEvent(self, event: QCloseEvent) -> None:
        for editor in list(self.editors.values()):
            if not editor.close():
                event.ignore()
                return
        self.save_layout()
        self.reader.stop()
        super().closeEvent(event)
