"""Settings: the office database can be a PostgreSQL server (URL, password, Test connection).

The URL is kept in the settings file without a password; the password goes to a libpq
password file beside the settings (``pgpass``, mode 0600), which the program points
``PGPASSFILE`` at when it starts (unless the user already set one). Test connection says
in one sentence what is wrong: no server at that address, log-in refused, no such
database, not an Inspector database, made by a newer version.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ..i18n import tr
from .office_setting import SETTING as SETTING
from .office_setting import office_url as office_url
from .office_setting import passfile_path as passfile_path
from .office_setting import save_office_url as save_office_url
from .office_setting import use_passfile as use_passfile


def describe(result) -> str:
    """One sentence for a probe result, in the window's language."""
    kind = result.kind
    if kind == "ok":
        if result.version == 0:
            return tr(
                "Connected: the database is empty; the program creates its tables on first use."
            )
        return tr("Connected: an Inspector database (schema version {v}).").format(v=result.version)
    if kind == "unreachable":
        return tr("No server answers at that address: check the host, the port and the network.")
    if kind == "password":
        return tr("The server refused the log-in: check the user name and the password.")
    if kind == "no_database":
        return tr("The server has no database of that name.")
    if kind == "not_inspector":
        return tr("That database holds other tables: it is not an Inspector database.")
    if kind == "too_new":
        return tr(
            "That database was made by a newer version of the program (schema {v}, this one knows {s}): update the program."
        ).format(v=result.version, s=result.supported)
    if kind == "bad_url":
        return tr("That is not a database URL: write it as postgresql://user@host/database.")
    return tr("The connection failed: {detail}").format(detail=result.detail)


class OfficeDatabaseBox(QGroupBox):
    """URL (empty: the laptop's own file), password, Test connection and its answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("officeDatabaseBox")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.url = QLineEdit(self)
        self.url.setObjectName("office_db_url")
        self.url.setMaxLength(500)
        self.url.setPlaceholderText("postgresql://user@host/inspector")
        self.url.setText(office_url())
        self.url_label = QLabel(self)
        self.url_label.setBuddy(self.url)
        form.addRow(self.url_label, self.url)
        self.password = QLineEdit(self)
        self.password.setObjectName("office_db_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(200)
        self.password_label = QLabel(self)
        self.password_label.setBuddy(self.password)
        form.addRow(self.password_label, self.password)
        row = QHBoxLayout()
        self.test_button = QPushButton(self)
        self.test_button.setObjectName("office_db_test")
        self.test_button.clicked.connect(self.test_connection)
        row.addWidget(self.test_button)
        row.addStretch(1)
        form.addRow("", row)
        self.result = QLabel(self)
        self.result.setObjectName("office_db_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setMinimumHeight(self.result.fontMetrics().lineSpacing() * 2 + 4)
        form.addRow(self.result)  # the whole width: the answer is one sentence, often long
        self.last = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("Office database (PostgreSQL server)"))
        self.url_label.setText(tr("Database &URL") + ":")
        self.url.setToolTip(
            tr("Empty: this computer's own database file. Takes effect at the next start.")
        )
        self.password_label.setText(tr("Pass&word") + ":")
        self.password.setPlaceholderText(tr("kept in a password file, not in the settings"))
        self.test_button.setText(tr("&Test connection"))
        if self.last is not None:
            self.result.setText(describe(self.last))

    def _url_and_password(self) -> tuple[str, str]:
        from ..store.pg.passfile import split_password

        url, in_url = split_password(self.url.text().strip())
        return url, self.password.text() or in_url

    def test_connection(self):
        """Connect once with what is typed (the password typed here first, else the file's)."""
        from ..store.pg import is_postgres_url
        from ..store.pg.probe import ProbeResult, probe

        url, password = self._url_and_password()
        if not url:
            self.last = None
            self.result.setText(tr("Empty: this computer's own database file is used."))
            return None
        if not is_postgres_url(url):
            result = ProbeResult("bad_url")
        else:
            self.result.setText(tr("Connecting…"))
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            folder = None
            try:
                QApplication.processEvents()
                passfile, folder = self._passfile_for_test(url, password)
                result = probe(url, passfile=passfile)
            finally:
                QApplication.restoreOverrideCursor()
                if folder:
                    import shutil

                    shutil.rmtree(folder, ignore_errors=True)
        self.last = result
        self.result.setText(describe(result))
        return result

    def _passfile_for_test(self, url: str, password: str) -> tuple[str | None, str | None]:
        """(the password file the test connection reads, a temporary folder to remove):
        a password typed here goes to a private temporary file, never to the settings."""
        if password:
            import tempfile

            from ..store.pg.passfile import save_password

            folder = tempfile.mkdtemp(prefix="inspector-pgpass-")
            path = os.path.join(folder, "pgpass")
            save_password(path, url, password)
            return path, folder
        path = os.environ.get("PGPASSFILE") or str(passfile_path())
        return (path if os.path.exists(path) else None), None

    def save(self) -> bool:
        """Keep the URL (without a password) and the password in the password file."""
        from ..store.pg import is_postgres_url
        from ..store.pg.passfile import save_password

        url, password = self._url_and_password()
        if url and not is_postgres_url(url):
            self.result.setText(describe(_bad_url()))
            self.url.setFocus()
            return False
        save_office_url(url)
        if url and password:
            save_password(passfile_path(), url, password)
            use_passfile()
        self.url.setText(url)
        self.password.clear()
        return True


def _bad_url():
    from ..store.pg.probe import ProbeResult

    return ProbeResult("bad_url")
