"""Office mode for supervisors: review queue, conflicts, statistics, in the main window.

``install(window)`` adds three pages (Review, Conflicts, Statistics) to the main window's
navigation and an Office menu (Import bundle…, Export office bundle…, Summary PDF…). They
are shown only when the database's role is *supervisor*; for an inspector they are hidden,
and for a supervisor the inspector's "New inspection" is hidden.

The role belongs to the database (``services.review.get_role``: an office database stays an
office database whoever opens it). When the database has no role yet it is taken from the
Settings role, or asked at first start (``ask=True``). Changing the role in Settings applies
to the open database at once.
"""

from __future__ import annotations

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QListWidgetItem

from ...i18n import tr
from ..widgets.language import follow_language

# (key, title, icon: a QStyle.StandardPixmap name, shown from the window's first paint on)
OFFICE_PAGES = (
    ("review", "Review", "SP_DialogYesButton"),
    ("conflicts", "Conflicts", "SP_MessageBoxWarning"),
    ("statistics", "Statistics", "SP_FileDialogListView"),
)
INSPECTOR_ONLY_ACTIONS = ("new_inspection",)


class OfficeMode(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.refusal = ""  # why the office did not grant the role last asked for
        self._identities = None
        # The pages are built when first shown (their modules and first reads cost a start-up
        # that, for an inspector, never shows them); a placeholder holds each one's place.
        makers = {
            "review": self._make_review_page,
            "conflicts": self._make_conflicts_page,
            "statistics": self._make_statistics_page,
        }
        self.rows: dict[str, int] = {}
        self.items: dict[str, QListWidgetItem] = {}
        for key, _title, icon in OFFICE_PAGES:
            item = window.add_nav_item(key, icon)
            self.rows[key] = window.add_lazy_page(key, makers[key])
            self.items[key] = item
        self.menu = window.menuBar().addMenu("")
        self.actions: dict[str, QAction] = {}
        for name, slot in (
            ("office_review", lambda: self.show("review")),
            ("office_import", lambda: self._on("review", self.review_page.import_bundle)),
            ("office_export", lambda: self._on("review", self.review_page.export_office_bundle)),
            ("office_conflicts", lambda: self.show("conflicts")),
            ("office_statistics", lambda: self.show("statistics")),
            ("office_summary", lambda: self._on("statistics", self.statistics_page.make_summary)),
            ("office_campaigns", self.show_campaigns),
            ("office_rule_data", self.show_rule_data),
        ):
            action = QAction(window)
            action.setObjectName(name)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.menu.addAction(action)
            self.actions[name] = action
            if name in ("office_export", "office_conflicts", "office_summary"):
                self.menu.addSeparator()
        settings_action = getattr(window, "actions_by_name", {}).get("settings")
        if settings_action is not None:  # runs after the (modal) settings dialog closed
            settings_action.triggered.connect(lambda _checked=False: self.sync_from_settings())
        self.retranslate()
        follow_language(self.menu, self.retranslate)  # ends with the window's menus

    # -- pages, built when first shown -----------------------------------------------------------
    @property
    def identities(self):
        """The signing identity, asked for once and shared by the review pages and dialogs."""
        if self._identities is None:
            from . import review_panel

            self._identities = review_panel.IdentityCache(self.window.store.path)
        return self._identities

    @property
    def pages(self) -> dict:
        """The office pages, built now if they were not yet."""
        return {key: self.window.page(key) for key, _t, _i in OFFICE_PAGES}

    @property
    def review_page(self):
        return self.window.page("review")

    @property
    def conflicts_page(self):
        return self.window.page("conflicts")

    @property
    def statistics_page(self):
        return self.window.page("statistics")

    def _make_review_page(self):
        from . import review_queue

        page = review_queue.ReviewQueuePage(
            self.window.store, self.identities, self.window, actor=_actor()
        )
        page.bundle_imported.connect(self._after_import)
        return page

    def _make_conflicts_page(self):
        from . import conflict_view

        return conflict_view.ConflictsPage(self.window.store, self.window, actor=_actor())

    def _make_statistics_page(self):
        from . import statistics

        return statistics.StatisticsPage(self.window.store, self.window)

    # -- role ---------------------------------------------------------------------------------
    @property
    def role(self) -> str:
        from ...services.roles import get_role

        return get_role(self.window.store)

    def apply_role(self) -> None:
        """Show what the database's role allows, hide the rest."""
        supervisor = self.role == "supervisor"
        for item in self.items.values():
            item.setHidden(not supervisor)
        self.menu.menuAction().setVisible(supervisor)
        for action in self.actions.values():
            action.setEnabled(supervisor)
        for name in INSPECTOR_ONLY_ACTIONS:
            menu_action = getattr(self.window, "actions_by_name", {}).get(name)
            if menu_action is not None:
                menu_action.setVisible(not supervisor)
                menu_action.setEnabled(not supervisor)
        # Only a page already built: the Today page hides its own button for a supervisor
        # when it is built later (touching window.today_page would build it at start-up).
        today = getattr(self.window, "pages", {}).get("today")
        if today is not None and hasattr(today, "new_button"):
            today.new_button.setVisible(not supervisor)
        if not supervisor and self.window.nav.currentRow() in self.rows.values():
            self.window.nav.setCurrentRow(0)

    def set_role(self, role: str) -> bool:
        """Switch the database's role; False (and the office's refusal in the status bar,
        the role left as it was) when the office has not granted this computer the role."""
        from ...services.roles import RoleError, set_role
        from .. import settings

        try:
            set_role(self.window.store, role, _actor())
        except RoleError as exc:
            self.refusal = exc.message
            settings.set_value("role", self.role)
            self.window.statusBar().showMessage(exc.message, 15000)
            self.apply_role()
            return False
        self.refusal = ""
        settings.set_value("role", role)
        self.apply_role()
        return True

    def sync_from_settings(self) -> None:
        from .. import settings

        wanted = settings.get("role")
        if wanted != self.role:
            self.set_role(wanted)

    def adopt_role(self, ask: bool) -> None:
        """At start: the database's role; if it has none, ask (first start) or take Settings'."""
        from ...services.roles import role_is_set
        from .. import settings

        if not role_is_set(self.window.store):
            role = None
            if ask:
                from . import dialogs

                role = dialogs.ask_role(self.window, settings.get("role"))
            self.set_role(role or settings.get("role"))
        else:
            settings.set_value("role", self.role)
        self.apply_role()
        try:  # the window restores its last page before office pages exist: restore ours here
            saved = int(str(settings.qsettings().value("window/page", -1) or -1))
        except (TypeError, ValueError):
            saved = -1
        if self.role == "supervisor" and saved in self.rows.values():
            self.window.nav.setCurrentRow(saved)

    # -- navigation ---------------------------------------------------------------------------
    def show(self, key: str) -> None:
        if self.role != "supervisor":
            return
        self.window.nav.setCurrentRow(self.rows[key])

    def _on(self, key: str, fn) -> None:
        self.show(key)
        if self.role == "supervisor":
            fn()

    def show_rule_data(self):
        """Office → Rule data…: confirm published numbers (signed, a new rule data version)."""
        if self.role != "supervisor":
            return None
        from .rule_data_dialog import open_rule_data

        return open_rule_data(self.window, self.identities, _actor())

    def show_campaigns(self):
        """Office → Campaigns…: each campaign's progress (per inspector and county) in a
        window of its own, refreshed each time it is opened."""
        if self.role != "supervisor":
            return None
        page = getattr(self, "campaign_page", None)
        if page is None:
            from ..campaign_page import CampaignPage

            page = self.campaign_page = CampaignPage(self.window.store, self.window)
            page.setWindowFlag(QtCore.Qt.WindowType.Window, True)
            page.resize(1100, 700)
        page.refresh()
        page.show()
        page.raise_()
        return page

    def _after_import(self) -> None:
        if hasattr(self.window, "refresh_all"):
            self.window.refresh_all()

    def retranslate(self) -> None:
        if not shiboken6.isValid(self.menu) or not shiboken6.isValid(self.window.nav):
            return  # the window is being torn down
        for key, title, _icon in OFFICE_PAGES:
            self.items[key].setText(tr(title))
        self.menu.setTitle(tr("&Office"))
        texts = {
            "office_review": "Review &queue",
            "office_import": "&Import bundle…",
            "office_export": "&Export office bundle…",
            "office_conflicts": "Conflicts",
            "office_statistics": "Statistics",
            "office_summary": "Summary &PDF…",
            "office_rule_data": "Rule &data…",
            "office_campaigns": "&Campaigns…",
        }
        for name, text in texts.items():
            self.actions[name].setText(tr(text))


def _actor() -> str:
    from .. import settings

    return settings.get("inspector_name") or "supervisor"


def install(window, *, ask: bool = False) -> OfficeMode:
    """Add office mode to *window* (a MainWindow); returns it (also ``window.office``)."""
    mode = OfficeMode(window)
    window.office = mode
    mode.adopt_role(ask)
    return mode
