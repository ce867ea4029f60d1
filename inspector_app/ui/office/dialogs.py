"""Small modal seams of office mode: passphrase, file choice, role at first start.

Tests replace these module functions (patch modal dialogs, not the code under test).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr
from ..widgets import file_dialogs


def ask_passphrase(parent: QWidget | None, prompt: str = "") -> bytes | None:
    text, ok = QInputDialog.getText(
        parent,
        tr("Signing key"),
        prompt or tr("Passphrase of your signing key:"),
        QLineEdit.EchoMode.Password,
    )
    return text.encode("utf-8") if ok and text else None


def choose_open_file(parent: QWidget | None, title: str, filters: str) -> str | None:
    path = file_dialogs.get_open_file_name(parent, title, "", filters)
    return path or None


def choose_save_file(
    parent: QWidget | None, title: str, suggested: str, filters: str
) -> str | None:
    path = file_dialogs.get_save_file_name(parent, title, suggested, filters)
    return path or None


class RoleDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, current: str = "inspector") -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Choose your role"))
        self.inspector = QRadioButton(tr("Inspector — records inspections in the field"), self)
        self.supervisor = QRadioButton(
            tr("Supervisor — reviews inspections at the office, statistics and reports"), self
        )
        (self.supervisor if current == "supervisor" else self.inspector).setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{tr('Who works with this database?')}</b>", self))
        layout.addWidget(self.inspector)
        layout.addWidget(self.supervisor)
        hint = QLabel(tr("The role can be changed later in Settings."), self)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def role(self) -> str:
        return "supervisor" if self.supervisor.isChecked() else "inspector"


def ask_role(parent: QWidget | None, current: str = "inspector") -> str | None:
    dialog = RoleDialog(parent, current)
    return dialog.role() if dialog.exec() == QDialog.DialogCode.Accepted else None
