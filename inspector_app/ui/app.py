"""``run_gui``: the window behind ``inspector-app`` without a sub-command."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import i18n
from ..i18n import register, tr
from ..paths import resolve_db_path, resource_path

register(
    {
        "Cannot open the database": "无法打开数据库",
        "The database cannot be opened:": "无法打开数据库：",
    }
)


def _exec(app: QApplication) -> int:
    """The event loop (a seam for tests)."""
    return app.exec()


def make_application(argv: list[str] | None = None) -> QApplication:
    from . import settings
    from .fonts import install_cjk_font

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(settings.ORG_NAME)
    app.setApplicationName(settings.APP_NAME)
    app.setApplicationDisplayName("Inspector")
    icon = resource_path("resources", "icons", "inspector-app.png")
    if icon.is_file():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    install_cjk_font(app)
    return app


def _ask_role(window, office) -> None:
    from . import settings
    from .office.dialogs import ask_role

    role = ask_role(window, settings.get("role"))
    if role:
        office.set_role(role)


def _first_questions(window, office, ask_role: bool, offer_demo: bool) -> None:
    if ask_role:
        _ask_role(window, office)
    if offer_demo:
        window.offer_demo_data()


def run_gui(db: str | None = None, lang: str | None = None) -> int:
    """Open the main window on *db* (default database if None) in *lang*; returns the exit status."""
    from ..store import StoreError, open_database
    from . import settings

    app = make_application()
    i18n.set_language(settings.effective_language(lang))
    path = resolve_db_path(db)
    try:
        store = open_database(path)
    except StoreError as exc:
        QMessageBox.critical(
            None, tr("Cannot open the database"), f"{tr('The database cannot be opened:')}\n\n{exc}"
        )
        return 1
    except Exception as exc:  # e.g. a failed migration: say so in the window, not as a traceback
        QMessageBox.critical(
            None,
            tr("Cannot open the database"),
            f"{tr('The database cannot be opened:')}\n\n{type(exc).__name__}: {exc}",
        )
        return 1
    from .main_window import MainWindow

    try:
        window = MainWindow(store)
        from ..services.review import role_is_set
        from .office import install as install_office_mode

        first_start = not role_is_set(store)
        office = install_office_mode(window, ask=False)  # supervisor pages, shown only to that role
        window.show()
        offer_demo = (
            bool(settings.get("offer_demo"))
            and store.inspections.count() == 0
            and store.premises.count() == 0
        )
        if first_start or offer_demo:  # after the window is up, one question after the other
            QTimer.singleShot(
                200, window, lambda: _first_questions(window, office, first_start, offer_demo)
            )
        return int(_exec(app) or 0)
    finally:
        store.close()
