"""``run_gui``: the window behind ``inspector-app`` without a sub-command."""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QtMsgType, Signal, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from .. import i18n
from ..i18n import tr
from ..paths import resolve_db_path, resource_path

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox


def _exec(app: QApplication) -> int:
    """The event loop (a seam for tests)."""
    return app.exec()


def make_application(argv: list[str] | None = None) -> QApplication:
    from . import settings
    from .fonts import install_cjk_font

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    if not isinstance(app, QApplication):  # a console QCoreApplication cannot show windows
        raise RuntimeError(
            "a QCoreApplication already runs in this process; the window needs a QApplication"
        )
    app.setOrganizationName(settings.ORG_NAME)
    app.setApplicationName(settings.APP_NAME)
    app.setApplicationDisplayName("Inspector")
    # Wayland finds the menu entry (and its icon) by this name: packaging/linux/*.desktop
    app.setDesktopFileName(settings.APP_NAME)
    icon = resource_path("resources", "icons", "inspector-app.png")
    if icon.is_file():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    install_cjk_font(app)
    from .qt_translations import install_qt_translations

    install_qt_translations()  # Qt's own buttons and dialogs in the window's language
    return app


def _ask_role(window, office) -> None:
    from . import settings
    from .office.dialogs import ask_role

    role = ask_role(window, settings.get("role"))
    if role:
        office.set_role(role)


def _first_questions(window, office, ask_role: bool, offer_demo: bool) -> None:
    if not window.isVisible():  # closed before the questions came up: ask nothing
        return
    if ask_role:  # a first start: the guide (name, role, identity, issuing body, first records)
        from .first_start import run_first_start

        run_first_start(window, office, ask_role, offer_demo)
        return
    if offer_demo:
        window.offer_demo_data()


class _ErrorReporter(QObject):
    """Shows the error dialog in the window's thread, whichever thread failed."""

    report = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.report.connect(self._report)
        self.showing = False

    @Slot(str)
    def _report(self, text: str) -> None:
        # in the GUI thread (a report from another thread is queued to this object's), and
        # from the event loop, never inside the failing call (a queued connection, without
        # naming Qt.ConnectionType: that would build PySide's Qt namespace at start-up)
        QTimer.singleShot(0, lambda: show_error_dialog(text))


_reporter: _ErrorReporter | None = None


def show_error_dialog(text: str) -> None:
    """Say the data is saved, where the log is, and offer to copy the details."""
    from .. import logs

    if _reporter is not None:
        if _reporter.showing:
            return  # one dialog at a time; everything is in the log anyway
        _reporter.showing = True
    try:
        from PySide6.QtWidgets import QMessageBox  # (message boxes load when one is shown)

        box = QMessageBox(QMessageBox.Icon.Critical, tr("Something went wrong"), "")
        box.setText(
            tr(
                "Inspector hit an unexpected error. Your records are saved: every change is written to the database when it is made."
            )
        )
        box.setInformativeText(
            tr("The details are in the log: {path}").format(path=logs.log_file())
        )
        box.setDetailedText(text)
        copy = box.addButton(tr("Copy details"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QApplication.clipboard().setText(text))
        _show_box(box)
    finally:
        if _reporter is not None:
            _reporter.showing = False


def _show_box(box: QMessageBox) -> int:
    """Run a message box (a seam for tests)."""
    return box.exec()


def _qt_message(mode, context, message) -> None:
    from .. import logs

    if mode == QtMsgType.QtFatalMsg:  # Qt aborts right after this: get it into the log
        logs.logger.critical("Qt fatal: %s", message)
        for handler in logs.logger.handlers:
            handler.flush()
    elif mode == QtMsgType.QtCriticalMsg:
        logs.logger.error("Qt: %s", message)
        if _reporter is not None:
            _reporter.report.emit(f"Qt: {message}")
    elif mode == QtMsgType.QtWarningMsg and "propagateSizeHints" not in message:
        logs.logger.warning("Qt: %s", message)


def _install_error_handling():
    """Log file, crash file, exception hooks and Qt's messages; returns an undo function."""
    global _reporter
    from .. import logs

    logs.setup("gui", announce=False)  # the start line follows the first paint
    before = (sys.excepthook, threading.excepthook)
    _reporter = _ErrorReporter()
    reporter = _reporter
    logs.install_excepthooks(show=lambda text: reporter.report.emit(text))
    previous_handler = qInstallMessageHandler(_qt_message)

    def undo() -> None:
        global _reporter
        sys.excepthook, threading.excepthook = before
        qInstallMessageHandler(previous_handler)
        _reporter = None
        logs.shutdown()

    return undo


def _offer_backup(path, exc) -> bool:
    """The database is damaged: say so and offer the newest good backup (one click).
    Returns True when a backup was restored and the database can be opened again."""
    from PySide6.QtWidgets import QMessageBox

    from ..store.backups import newest_good_backup, restore

    found = newest_good_backup(path)
    box = QMessageBox(QMessageBox.Icon.Critical, tr("The database is damaged"), "")
    box.setText(tr("The database file is damaged; nothing was written to it."))
    box.setDetailedText(str(exc))
    if found is None:
        box.setInformativeText(
            tr(
                "No good backup was found. `inspector-app salvage -o NEW.db` copies every record that can still be read."
            )
        )
        box.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        _show_box(box)
        return False
    box.setInformativeText(
        tr(
            "The newest good backup is from {time}. Restoring it loses the changes made after that time; the damaged file is kept beside it."
        ).format(time=f"{found.when:%Y-%m-%d %H:%M}")
    )
    restore_button = box.addButton(tr("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_button)
    _show_box(box)
    if box.clickedButton() is not restore_button:
        return False
    from ..store import StoreError

    try:
        restore(found.path, path)
    except StoreError as exc2:
        QMessageBox.critical(
            None,
            tr("Cannot open the database"),
            f"{tr('The backup could not be restored:')}\n\n{exc2}",
        )
        return False
    return True


def _daily_backup_in_background(path) -> threading.Thread:
    """The day's backup on its own connection, while the window is already usable."""
    from .. import logs

    def work() -> None:
        from ..store import open_database

        try:
            store = open_database(path, migrate=False, daily_backup=True)
            store.close()
        except Exception as exc:  # noqa: BLE001 - a failed backup is logged, never fatal
            logs.log_event("backup-failed", kind="daily", error=str(exc))

    thread = threading.Thread(target=work, name="daily-backup")
    thread.start()
    return thread


def _open_with_progress(open_database, path):
    """Open the database; a long damage check (a large file after an unclean end) shows a
    busy dialog after a moment instead of a frozen start. The dialog is made on the check's
    first tick: a clean start never builds one."""
    dialogs = []  # the busy dialog, once the check has taken a moment

    def tick() -> None:
        if not dialogs:
            from PySide6.QtWidgets import QProgressDialog

            dialog = QProgressDialog(tr("Checking the database for damage…"), "", 0, 0)
            dialog.setWindowTitle("Inspector")
            dialog.setCancelButton(None)
            dialog.setMinimumDuration(600)
            dialogs.append(dialog)
        dialogs[0].setValue(0)
        QApplication.processEvents()

    try:
        return open_database(path, progress=tick)
    finally:
        for dialog in dialogs:
            dialog.close()
            dialog.deleteLater()


def run_gui(db: str | None = None, lang: str | None = None) -> int:
    """Open the main window on *db* (default database if None) in *lang*; returns the exit status."""
    from PySide6.QtCore import QLocale

    from ..store import StoreError, open_database
    from ..store.db import DatabaseDamagedError
    from . import settings

    app = make_application()
    from .gui_gc import MainThreadCollector

    MainThreadCollector(app)  # cycles of Qt objects freed only in this thread (kept by app)
    undo_error_handling = _install_error_handling()
    try:
        i18n.use_system_locale(lambda: QLocale.system().name())
        i18n.set_language(settings.effective_language(lang))
        from .office_setting import office_url, use_passfile

        use_passfile()  # the office password lives in a libpq password file, not the settings
        if not db and not os.environ.get("INSPECTOR_DB"):
            db = office_url() or None  # Settings' office database, when one is chosen
        return _run_window(app, db, open_database, StoreError, DatabaseDamagedError)
    finally:
        undo_error_handling()


def _run_window(app, db, open_database, StoreError, DatabaseDamagedError) -> int:  # noqa: N803
    path = resolve_db_path(db)
    store = None
    for _attempt in range(2):
        try:
            store = _open_with_progress(open_database, path)
            break
        except DatabaseDamagedError as exc:
            if _attempt == 0 and _offer_backup(path, exc):
                continue
            return 1
        except StoreError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(
                None,
                tr("Cannot open the database"),
                f"{tr('The database cannot be opened:')}\n\n{exc}",
            )
            return 1
        except (
            Exception
        ) as exc:  # e.g. a failed migration: say so in the window, not as a traceback
            from .. import logs

            logs.log_exception("opening the database", exc)
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(
                None,
                tr("Cannot open the database"),
                f"{tr('The database cannot be opened:')}\n\n{type(exc).__name__}: {exc}",
            )
            return 1
    if store is None:
        return 1
    from .first_paint import after_first_paint
    from .main_window import MainWindow

    backup: list[threading.Thread] = []
    window = first_paint = None
    try:
        window = MainWindow(store)
        from ..services.roles import role_is_set
        from .office import install as install_office_mode

        first_start = not role_is_set(store)  # (before the office mode takes Settings' role)
        office = install_office_mode(window, ask=False)  # supervisor pages, shown only to that role
        window.show()
        first_paint = after_first_paint(
            window, lambda: _after_first_paint(window, office, first_start, path, backup)
        )
        return int(_exec(app) or 0)
    finally:
        if first_paint is not None:
            first_paint.cancel()  # a window closed before its first paint: nothing more
        from .. import logs

        logs.log_start("gui")  # (when the window was never painted)
        # Every other connection closes first (the window's reader, normally already stopped
        # by the window's close; the backup), so the store's own close is alone and folds the
        # log in and records a clean close: the next start then skips the full-file check.
        if window is not None:
            window.reader.stop()
        for thread in backup:
            thread.join()
        store.close()


def _after_first_paint(
    window, office, first_start: bool, path, backup: list[threading.Thread]
) -> None:
    """What the first paint does not need, run once the window has been painted: the rule
    data and forms the office confirmed, the day's backup, and the first-start questions.
    (Nothing can be typed or clicked before the window is painted, so the rule data is in
    place before any inspection can be judged.)"""
    from .. import logs
    from ..store.forms import load_installed as load_forms
    from ..store.rule_data import load_installed

    logs.log_start("gui")
    store = window.store
    load_installed(store)  # the newest rule data version the office confirmed is active
    load_forms(store)  # and the forms the office published
    backup.append(_daily_backup_in_background(path))
    from . import settings

    offer_demo = (
        bool(settings.get("offer_demo"))
        and store.inspections.count() == 0
        and store.premises.count() == 0
    )
    if first_start or offer_demo:  # one question after the other
        QTimer.singleShot(
            200, window, lambda: _first_questions(window, office, first_start, offer_demo)
        )
