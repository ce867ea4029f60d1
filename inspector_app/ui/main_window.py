"""The main window: navigation between Today's work, Inspections, Premises, Instruments,
Reference standards and the Dashboard; menus with shortcuts; status bar; remembered layout.

All reads of lists run on one background :class:`StoreReader` (its own connection); the
window's own ``store`` is used for writes in dialogs and for single-record reads.

Start-up: only the page shown first is built (the others when first shown), and its first
query is the first read, once the window has been painted; the status-bar counts and the
market list follow it.

The pages themselves are in :mod:`.pages` (their order in ``PAGES``), the New-inspection
dialog in :mod:`.dialogs.new_inspection`, opening and starting inspections in
:mod:`.record_opening`, and the menus with the dialogs they open (File →
Export/Import bundle, Inspection → Export report(s), Tools → Keys and trust …) in
:mod:`.window_menus`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from ..i18n import tr
from . import qt_values, settings
from .first_paint import FirstPaint
from .models.inspections import InspectionTableModel
from .pages import PAGES
from .pages.inspections import InspectionsPage
from .pages.today import TodayPage
from .record_opening import RecordOpening, call_page_hook
from .widgets.language import follow_language
from .widgets.record_table import RecordTable
from .window_menus import WindowMenus
from .workers import StoreReader

NAV_ICON_ROLE = qt_values.USER_ROLE + 1  # a navigation row's icon, by name

if TYPE_CHECKING:
    from .dashboard import DashboardPage
    from .pages.instruments import InstrumentsPage
    from .premises_editor import PremisesPage
    from .standards_dialog import StandardsPage
    from .visit_editor import VisitsPage


class MainWindow(WindowMenus, RecordOpening, QMainWindow):
    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.reader = StoreReader(store.path, self)
        self.reader.hold()  # the first reads wait for the window's first paint (_after_paint)
        self.editors: dict[str, QWidget] = {}
        self.pages: dict[str, QWidget] = {}  # built pages (office mode adds its own)
        self._placeholders: dict[str, QWidget] = {}
        self._makers: dict[str, Callable[[], QWidget]] = {}  # pages added by add_lazy_page
        self._stale: set[str] = set()  # built but hidden when data changed: refresh when shown
        self._counts = None
        # The shown page's reads wait for the window's first paint (or a second).
        self._paint_work: list[Callable[[], None]] = []
        # (from the end of the build, told by paintEvent: see FirstPaint)
        self._first_paint = FirstPaint(self, self._after_paint, only_if_visible=False, start=False)
        self.paint_watches: list[FirstPaint] = [self._first_paint]
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setProperty("horizontalScrollBarPolicy", qt_values.SCROLL_BAR_ALWAYS_OFF)
        self.stack = QStackedWidget(self)
        self._nav_icons = False  # set just after the first paint (QStyle's enums cost a start)
        for key, _title, icon in PAGES:
            self.add_nav_item(key, icon)
            placeholder = QWidget(self)
            self._placeholders[key] = placeholder
            self.stack.addWidget(placeholder)
        self.nav.currentRowChanged.connect(self._page_changed)
        # (not QSplitter(self): choosing between its overloads builds Qt.Orientation)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([190, 1100])
        self.nav.setMinimumWidth(150)
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self.db_label = QLabel(self)
        self.db_label.setProperty("textInteractionFlags", qt_values.TEXT_SELECTABLE_BY_MOUSE)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("statusCounts")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_actions()
        self.retranslate()
        follow_language(self, self.retranslate)
        self._restore_layout()
        try:
            saved = int(str(settings.qsettings().value("window/page", 0) or 0))
        except (TypeError, ValueError):
            saved = 0
        # first start: Today's work (its big "New inspection…" leads on); office pages
        # restore themselves once installed
        self.nav.setCurrentRow(saved if 0 <= saved < len(PAGES) else 0)
        self._after_first_read(self._background_reads)
        self._paint_work.append(self._set_nav_icons)
        self._first_paint.start(watch=False)

    def add_nav_item(self, key: str, icon: str) -> QListWidgetItem:
        """A navigation row for the page *key* with the style's icon *icon* (a
        ``QStyle.StandardPixmap`` name), shown from the window's first paint on."""
        item = QListWidgetItem("")
        item.setData(qt_values.USER_ROLE, key)
        item.setData(NAV_ICON_ROLE, icon)
        item.setSizeHint(QSize(0, 36))
        self.nav.addItem(item)
        if self._nav_icons:
            self._set_nav_icon(item)
        return item

    def _set_nav_icons(self) -> None:
        self._nav_icons = True
        for i in range(self.nav.count()):
            self._set_nav_icon(self.nav.item(i))

    def _set_nav_icon(self, item: QListWidgetItem) -> None:
        from PySide6.QtWidgets import QStyle

        icon = item.data(NAV_ICON_ROLE)
        if icon:
            item.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, icon)))

    # -- pages, built when first shown -------------------------------------------------------
    def add_lazy_page(self, key: str, make: Callable[[], QWidget]) -> int:
        """Add a page after the window's own (office mode does): an empty placeholder in the
        stack until the page is first shown, when *make()* builds it; returns its stack index
        (the navigation row the caller adds for it)."""
        placeholder = QWidget(self)
        self._placeholders[key] = placeholder
        self._makers[key] = make
        self.stack.addWidget(placeholder)
        return self.stack.count() - 1

    def page(self, key: str) -> QWidget:
        """The page *key*, built now if it was not yet (without reading: it reads when shown)."""
        page = self.pages.get(key)
        if page is not None:
            return page
        placeholder = self._placeholders[key]
        index = self.stack.indexOf(placeholder)
        page = self._make_page(key)
        self.pages[key] = page
        del self._placeholders[key]
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if current == index:
            self.stack.setCurrentIndex(index)
        if key not in self._makers:  # an added page reads when it is built, as it always did
            self._stale.add(key)
        return page

    def _make_page(self, key: str) -> QWidget:
        make = self._makers.get(key)
        if make is not None:
            return make()
        if key == "today":
            today = TodayPage(self.store, self.reader, self)
            for table in self._inspection_tables(today):
                table.open_requested.connect(self.open_inspection)
            for model in (today.drafts, today.today):
                model.failed.connect(self._show_read_error)
            today.new_button.clicked.connect(lambda _c=False: self.new_inspection())
            today.work_list.open_visit = lambda vid: self.visits_page.open_visit(vid)
            office = getattr(self, "office", None)
            if office is not None and office.role == "supervisor":
                today.new_button.setVisible(False)
            return today
        if key == "inspections":
            inspections = InspectionsPage(self.store, self.reader, self)
            inspections.table.open_requested.connect(self.open_inspection)
            inspections.model.failed.connect(self._show_read_error)
            header = settings.load_geometry("inspection_header")
            if header:
                # the query order is not remembered: start from the newest inspections
                inspections.table.restore_state(header, sort_column=0)
                inspections.model._sort, inspections.model._descending = "started_at", True
            self._request_markets()
            return inspections
        if key == "premises":
            from .premises_editor import PremisesPage

            premises = PremisesPage(self.store, self.reader, self)
            premises.data_changed.connect(self.refresh_all)
            premises.new_inspection_requested.connect(
                lambda pid: self.new_inspection(premises_id=pid)
            )
            return premises
        if key == "instruments":
            from .pages.instruments import InstrumentsPage

            instruments = InstrumentsPage(self.store, self.reader, self)
            instruments.data_changed.connect(self.refresh_all)
            instruments.new_inspection_requested.connect(
                lambda iid: self.start_inspection(iid, settings.get("default_check"))
            )
            return instruments
        if key == "standards":
            from .standards_dialog import StandardsPage

            return StandardsPage(self.store, self)
        if key == "dashboard":
            from .dashboard import DashboardPage

            return DashboardPage(self.store, self.reader, self)
        if key == "visits":  # visits, market sweeps and duties of the premises
            from .visit_editor import VisitsPage

            visits = VisitsPage(self.store, self)
            visits.open_inspection = self.open_inspection
            visits.data_changed.connect(self.refresh_all)  # the status bar's counts
            return visits
        raise KeyError(key)

    def is_built(self, key: str) -> bool:
        return key in self.pages

    # each page by its own class (page(key) builds the class _make_page names for that key)
    @property
    def today_page(self) -> TodayPage:
        return cast(TodayPage, self.page("today"))

    @property
    def inspections_page(self) -> InspectionsPage:
        return cast(InspectionsPage, self.page("inspections"))

    @property
    def premises_page(self) -> PremisesPage:
        return cast("PremisesPage", self.page("premises"))

    @property
    def instruments_page(self) -> InstrumentsPage:
        return cast("InstrumentsPage", self.page("instruments"))

    @property
    def standards_page(self) -> StandardsPage:
        return cast("StandardsPage", self.page("standards"))

    @property
    def dashboard_page(self) -> DashboardPage:
        return cast("DashboardPage", self.page("dashboard"))

    @property
    def visits_page(self) -> VisitsPage:
        return cast("VisitsPage", self.page("visits"))

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
    def _inspection_tables(page: QWidget) -> list[RecordTable]:
        if isinstance(page, TodayPage):
            return [page.drafts_table, page.today_table]
        if isinstance(page, InspectionsPage):
            return [page.table]
        return []

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Inspector · metrology field inspection"))
        self._retranslate_menus()
        for i, (_key, title, _icon) in enumerate(PAGES):
            self.nav.item(i).setText(tr(title))
            self.nav.item(i).setToolTip(f"{tr(title)} (Ctrl+{i + 1})")
        self.nav.setAccessibleName(tr("Pages"))
        self.db_label.setText(f"{tr('Database')}: {self.store.path}")
        self._show_counts()

    # -- pages -------------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        index = [k for k, _t, _i in PAGES].index(key)
        self.nav.setCurrentRow(index)

    def current_page_key(self) -> str:
        item = self.nav.item(max(0, self.nav.currentRow()))
        return str(item.data(qt_values.USER_ROLE)) if item is not None else PAGES[0][0]

    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        item = self.nav.item(row)
        key = str(item.data(qt_values.USER_ROLE)) if item is not None else None
        if key in self._placeholders:
            self.page(key)
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if key in self._stale:
            self._stale.discard(key)
            if self._first_paint.pending and isinstance(page, TodayPage):
                page.refresh(later=self._paint_work.append)
            else:
                call_page_hook(page, "refresh")
        call_page_hook(page, "activated")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Tells the first-paint watches (ui.first_paint), instead of an event filter that
        Python would be asked about for every event of the window."""
        if self.paint_watches:
            watches, self.paint_watches = self.paint_watches, []
            for watch in watches:
                watch.painted()
        super().paintEvent(event)

    def _after_paint(self) -> None:
        """Just after the first paint (a window never painted: after a second): the reads
        queued while the window was built and shown start now. Released at the show, as
        before, the reader opened its connection (SQLite reads the whole schema) and ran
        the first query while the window was being painted: ~11 ms of CPU that competed
        with the paint for the interpreter, and the rows could not be shown before the
        paint anyway."""
        self.reader.release()
        work, self._paint_work = self._paint_work, []
        for fn in work:
            fn()

    def _page_call(self, key: str, method: str) -> None:
        self.show_page(key)
        getattr(self.page(key), method)()

    def focus_search(self) -> None:
        call_page_hook(self.stack.currentWidget(), "focus_search")

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
                call_page_hook(page, "refresh")
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
            self.inspections_page.set_markets(result)

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
                "inspection_header", self.inspections_page.table.horizontalHeader().saveState()
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
