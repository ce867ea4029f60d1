"""The main window's menus and what they start: the actions with their shortcuts (File, Edit,
View, Inspection, Enforcement, Tools, Help) and the handlers that open the report, bundle,
keys, cases, settings, demo-data, shortcuts and about dialogs.

:class:`WindowMenus` is mixed into :class:`~inspector_app.ui.main_window.MainWindow`; it uses
the window's ``store``, ``pages``, navigation and inspection-list helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from .. import i18n
from ..i18n import tr
from . import settings
from .pages import PAGES
from .workers import Cancelled, run_store_job

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog  # (its class is made when a dialog first opens)

    from ..store import Store
    from .pages.inspections import InspectionsPage
    from .widgets.record_table import RecordTable

    _WindowBase = QMainWindow  # MainWindow puts QMainWindow after this mixin
else:
    _WindowBase = object


class WindowMenus(_WindowBase):
    """Menus, shortcuts and the dialogs they open (a mixin of the main window)."""

    if TYPE_CHECKING:  # what MainWindow provides (mypy checks that it does, and alike)
        store: Store
        pages: dict[str, QWidget]
        last_dialog: QDialog

        @property
        def inspections_page(self) -> InspectionsPage: ...
        def show_page(self, key: str) -> None: ...
        def _page_call(self, key: str, method: str) -> None: ...
        def current_page_key(self) -> str: ...
        @staticmethod
        def _inspection_tables(page: QWidget) -> list[RecordTable]: ...
        def focus_search(self) -> None: ...
        def refresh_all(self) -> None: ...
        def open_selected(self) -> None: ...
        def new_inspection(self, premises_id: str | None = None) -> QWidget | str | None: ...

    # -- structure ------------------------------------------------------------------------
    def _action(self, name: str, slot, shortcut=None, *, context=None) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            # (setShortcuts: setShortcut's overloads would build PySide's Qt namespace at
            # start-up, see qt_values)
            action.setShortcuts([QKeySequence(shortcut)])
            if context is not None:
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
            self.actions_by_name["quit"].setShortcuts([QKeySequence("Ctrl+Q")])
        if self.actions_by_name["refresh"].shortcut().isEmpty():
            self.actions_by_name["refresh"].setShortcuts([QKeySequence("F5")])
        bar = self.menuBar()
        self.menus: dict[str, QMenu] = {}
        layout: dict[str, tuple[str, list[str | None]]] = {
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
            "view": ("&View", [*(f"page_{k}" for k, _t, _i in PAGES), None, "refresh", "language"]),
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

    def _retranslate_menus(self) -> None:
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
        for key, title, _icon in PAGES:
            self.actions_by_name[f"page_{key}"].setText(tr(title))
        for key, menu in self.menus.items():
            if not shiboken6.isValid(menu):  # the window is being torn down (PySide6 6.10)
                return
            menu.setTitle(tr(self._menu_titles[key]))
        # (tr, not the case window's own lookup: importing that window costs the start-up)
        self.menus["enforcement"].setTitle(tr("E&nforcement"))
        self.actions_by_name["cases"].setText(tr("&Cases…"))

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
        from PySide6.QtWidgets import QMessageBox

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
        from PySide6.QtWidgets import QMessageBox

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
        from PySide6.QtWidgets import QMessageBox

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
        return dialog.outcome

    def import_bundle(self):
        """File → Import bundle…: check and import, then show the new data."""
        from .bundle_dialogs import ImportBundleDialog

        dialog = ImportBundleDialog(self.store.path, self)
        dialog.setObjectName("importBundleDialog")
        self.last_dialog = dialog
        dialog.imported.connect(lambda report: report.ok and self.refresh_all())
        dialog.exec()
        return dialog.outcome

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
        if dialog.exec() == dialog.DialogCode.Accepted and "today" in self.pages:
            from .pages.today import TodayPage

            today = self.pages["today"]
            if isinstance(today, TodayPage):
                today.retranslate()

    def toggle_language(self) -> None:
        lang = "en" if i18n.current_language() == "zh" else "zh"
        settings.set_value("language", lang)
        i18n.set_language(lang)

    def offer_demo_data(
        self, *, ask: bool = True, premises: int = 200, inspections: int = 2000
    ) -> dict | None:
        from PySide6.QtWidgets import QMessageBox

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
        from PySide6.QtWidgets import QMessageBox

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
        from PySide6.QtWidgets import QMessageBox

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
