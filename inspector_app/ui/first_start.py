"""The first start: one step after another, every step skippable, never a dead end.

1. Your name and organisation (recorded with each inspection).
2. Your role: inspector in the field, or supervisor at the office.
3. Your signing identity (so reports and bundles are signed): Tools → Keys and trust….
4. The issuing body printed on certificates: Settings….
5. The first premises and instrument, or the demo data to look around first.

Each step says what it is for, and each button opens the program's own dialog for it (so
what is set here can be changed later in the same place).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..i18n import tr
from . import settings

ORG_KEY = "profile/organisation"


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FirstStartWizard(QWizard):
    """The first-start guide over the main *window* (its store, office mode and pages)."""

    def __init__(self, window, office=None, *, ask_role: bool = True, offer_demo: bool = True):
        super().__init__(window)
        self.window_ = window
        self.office = office
        self.setObjectName("firstStartWizard")
        self.setWindowTitle(tr("Welcome to Inspector"))
        self.setOption(QWizard.WizardOption.NoCancelButton, False)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Skip"))
        self.status: dict[str, QLabel] = {}

        # 1. about you
        page = QWizardPage()
        page.setTitle(tr("About you"))
        page.setSubTitle(
            tr("A few steps to get ready. Every step can be skipped and done later from the menus.")
        )
        form = QFormLayout(page)
        form.addRow(_note(tr("Your name is recorded with each inspection and printed on reports.")))
        self.name = QLineEdit(settings.get("inspector_name") or "")
        self.name.setObjectName("wizardName")
        self.name.setAccessibleName(tr("Your name"))
        self.org = QLineEdit(str(settings.qsettings().value(ORG_KEY, "") or ""))
        self.org.setObjectName("wizardOrganisation")
        self.org.setAccessibleName(tr("Organisation"))
        form.addRow(tr("Your name") + ":", self.name)
        form.addRow(tr("Organisation") + ":", self.org)
        self.addPage(page)

        # 2. role
        self.role_page = QWizardPage()
        self.role_page.setTitle(tr("Your role"))
        box = QVBoxLayout(self.role_page)
        self.roles = QButtonGroup(self)
        self.inspector_role = QRadioButton(tr("Inspector: records inspections in the field."))
        self.supervisor_role = QRadioButton(
            tr("Supervisor: reviews the inspectors' records at the office.")
        )
        for i, b in enumerate((self.inspector_role, self.supervisor_role)):
            self.roles.addButton(b, i)
            box.addWidget(b)
        current = settings.get("role") or "inspector"
        (self.supervisor_role if current == "supervisor" else self.inspector_role).setChecked(True)
        if ask_role:
            self.addPage(self.role_page)

        # 3-5. actions, each with its own dialog
        self.keys_button = self._action_page(
            "Signing identity",
            "Reports and bundles are signed with your own key, protected by a passphrase. "
            "Without it, a report cannot be verified.",
            [("Create my signing identity…", self.create_identity, "keys")],
        )
        self.settings_button = self._action_page(
            "Issuing body",
            "The bureau named on certificates and notices. Set it in Settings.",
            [("Open Settings…", self.open_settings, "settings")],
        )
        buttons = [
            ("New premises…", self.new_premises, "premises"),
            ("New instrument…", self.new_instrument, "instrument"),
        ]
        if offer_demo:
            buttons.append(("Load demo data…", self.load_demo, "demo"))
        self._action_page(
            "First premises and instrument",
            "Add the shop, stall or station you inspect first and its instrument, or load the "
            "demo data to look around.",
            buttons,
        )
        self.resize(640, 420)

    def _action_page(self, title: str, text: str, buttons) -> QPushButton:
        page = QWizardPage()
        page.setTitle(tr(title))
        box = QVBoxLayout(page)
        box.addWidget(_note(tr(text)))
        made: list[QPushButton] = []
        for label, slot, key in buttons:
            row = QHBoxLayout()
            b = QPushButton(tr(label))
            b.setObjectName(f"wizard_{key}")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, s=slot: s())
            status = QLabel("")
            status.setObjectName(f"wizardStatus_{key}")
            self.status[key] = status
            row.addWidget(b)
            row.addWidget(status)
            row.addStretch(1)
            box.addLayout(row)
            made.append(b)
        box.addStretch(1)
        self.addPage(page)
        return made[0]  # the first button (every page has at least one)

    def _done(self, key: str, ok: bool) -> None:
        if ok:
            self.status[key].setText(tr("done ✔"))

    # -- each step's action (the program's own dialogs) --------------------------------------
    def create_identity(self) -> None:
        from ..crypto.keys import has_identity
        from ..paths import keys_dir

        self.window_.show_keys()
        self._done("keys", has_identity(keys_dir(self.window_.store.path)))

    def open_settings(self) -> None:
        dialog = settings.SettingsDialog(self)
        self._done("settings", dialog.exec() == dialog.DialogCode.Accepted)

    def new_premises(self) -> None:
        self.window_.show_page("premises")
        saved = self.window_.page("premises").new_record()
        self._done("premises", saved is not None)

    def new_instrument(self) -> None:
        self.window_.show_page("instruments")
        saved = self.window_.page("instruments").new_record()
        self._done("instrument", saved is not None)

    def load_demo(self) -> None:
        self._done("demo", self.window_.offer_demo_data(ask=False) is not None)

    # -- finishing ----------------------------------------------------------------------------
    def save_answers(self) -> None:
        """What the first two steps say is kept (also when the rest is skipped)."""
        name = self.name.text().strip()
        if name:
            settings.set_value("inspector_name", name)
        # also the name a report's header carries until an issuing body is set
        settings.save_organisation(getattr(self.window_, "store", None), self.org.text(), name)
        if self.role_page.wizard() is self and self.office is not None:
            self.office.set_role("supervisor" if self.supervisor_role.isChecked() else "inspector")
        today = getattr(self.window_, "pages", {}).get("today")
        if today is not None:
            today.retranslate()

    def done(self, result: int) -> None:
        self.save_answers()
        super().done(result)


def run_first_start(window, office, ask_role: bool, offer_demo: bool) -> FirstStartWizard:
    wizard = FirstStartWizard(window, office, ask_role=ask_role, offer_demo=offer_demo)
    window.first_start = wizard
    wizard.exec()
    return wizard


__all__ = ["FirstStartWizard", "run_first_start", "QWidget"]
