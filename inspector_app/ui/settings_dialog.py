"""The Settings dialog: one form built from :data:`.settings.SETTINGS`, the organisation,
the office database and the issuing body; OK saves and applies the language at once.

Kept apart from :mod:`.settings` (read at every start) so that its widgets load only when the
dialog is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..i18n import pick, tr
from .settings import (
    BODY_FIELD_MIN_WIDTH,
    BODY_FIELDS,
    INSPECTOR_CERT_META,
    SETTINGS,
    Setting,
    actor,
    get,
    organisation,
    save_organisation,
    set_value,
)
from .widgets.field_error import FieldError, translate_message
from .widgets.language import follow_language

if TYPE_CHECKING:
    from ..store import Store

# the editor of one setting: a choice, a yes/no, a number or a text
SettingEditor: TypeAlias = "QComboBox | QCheckBox | QSpinBox | QLineEdit"


class SettingsDialog(QDialog):
    """One form built from :data:`SETTINGS`; OK saves and applies the language at once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.editors: dict[str, SettingEditor] = {}
        self.labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.store = getattr(parent, "store", None)
        for setting in SETTINGS:
            if setting.internal:
                continue
            editor = self._editor(setting)
            label = QLabel()
            label.setBuddy(editor)
            self.editors[setting.name] = editor
            self.labels[setting.name] = label
            form.addRow(label, editor)
            if setting.name == "inspector_name":
                self.name_error = FieldError(self)
                form.addRow("", self.name_error)
                self.organisation = QLineEdit(self)
                self.organisation.setObjectName("setting_organisation")
                self.organisation.setMaxLength(200)
                self.organisation.setText(organisation(self.store))
                self.organisation_label = QLabel()
                self.organisation_label.setBuddy(self.organisation)
                form.addRow(self.organisation_label, self.organisation)
        layout.addLayout(form)
        from .office_db import OfficeDatabaseBox

        self.office_db = OfficeDatabaseBox(self)  # the office's PostgreSQL server, if any
        layout.addWidget(self.office_db)
        self.body_editors: dict[str, QCheckBox | QLineEdit] = {}
        self.body_labels: dict[str, QLabel] = {}
        self.body_box = QGroupBox(self)
        if self.store is not None:
            self._build_body_box(self.store)
            layout.addWidget(self.body_box)
        else:  # no database open (first start): nothing to edit, nothing drawn
            self.body_box.hide()
        self.body_error = FieldError(self)
        layout.addWidget(self.body_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.resize(560, self.sizeHint().height())

    def _build_body_box(self, store: Store) -> None:
        """The issuing body section: stored in the database (it travels to laptops in
        office bundles), not in the per-user settings file."""
        from ..services.certificates import issuing_body

        body = issuing_body(store)
        form = QFormLayout(self.body_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for attr, _label, kind in BODY_FIELDS:
            w: QCheckBox | QLineEdit
            if kind is bool:
                w = QCheckBox(self.body_box)
                w.setChecked(bool(getattr(body, attr)))
            else:
                w = QLineEdit(self.body_box)
                w.setText(str(getattr(body, attr) or ""))
                w.setMaxLength(200)
                w.setMinimumWidth(BODY_FIELD_MIN_WIDTH)  # the long check-box labels beside
            w.setObjectName(f"body_{attr}")
            label = QLabel(self.body_box)
            label.setBuddy(w)
            self.body_editors[attr] = w
            self.body_labels[attr] = label
            form.addRow(label, w)
        cert = QLineEdit(self.body_box)
        cert.setObjectName("inspector_cert_no")
        cert.setMaxLength(60)
        cert.setMinimumWidth(BODY_FIELD_MIN_WIDTH)
        cert.setText(store.meta(f"{INSPECTOR_CERT_META}:{get('inspector_name')}") or "")
        label = QLabel(self.body_box)
        label.setBuddy(cert)
        self.body_editors["inspector_cert_no"] = cert
        self.body_labels["inspector_cert_no"] = label
        form.addRow(label, cert)
        self.numbers_button = QPushButton(self.body_box)  # the ledger; void a number
        self.numbers_button.setObjectName("certificateNumbersButton")
        self.numbers_button.clicked.connect(self.open_certificate_numbers)
        form.addRow("", self.numbers_button)

    def open_certificate_numbers(self) -> None:
        """Certificate numbers…: the ledger, and voiding a number with a reason."""
        from .certificate_numbers import CertificateNumbersDialog

        CertificateNumbersDialog(self.store, self, actor=actor()).exec()

    def save_body(self) -> bool:
        """Store the issuing body; False (with the message shown) when it is refused."""
        if self.store is None:
            return True
        from ..domain.errors import InputError
        from ..services.certificates import issuing_body, save_issuing_body

        body = issuing_body(self.store)
        for attr, _label, _kind in BODY_FIELDS:
            w = self.body_editors[attr]
            setattr(body, attr, w.isChecked() if isinstance(w, QCheckBox) else w.text().strip())
        try:
            save_issuing_body(self.store, body, actor())
            with self.store.write(actor(), "settings.inspector_cert_no"):
                self.store.set_meta(  # per inspector name: printed beside that name only
                    f"{INSPECTOR_CERT_META}:{self.value('inspector_name')}",
                    self.body_editors["inspector_cert_no"].text().strip(),
                )
        except InputError as exc:
            self.body_error.show_message(translate_message(exc.message))
            self.body_editors.get(exc.path, self.body_editors["name_zh"]).setFocus()
            return False
        return True

    def _editor(self, setting: Setting) -> SettingEditor:
        value = get(setting.name)
        w: SettingEditor
        if setting.choices:
            w = QComboBox(self)
            for choice, _label in setting.choices:
                w.addItem("", choice)
            w.setCurrentIndex(max(0, w.findData(value)))
        elif setting.type is bool:
            w = QCheckBox(self)
            w.setChecked(bool(value))
        elif setting.type is int:
            w = QSpinBox(self)
            w.setRange(setting.minimum, setting.maximum)
            w.setValue(int(value))
        else:
            w = QLineEdit(self)
            w.setText(str(value))
            w.setMaxLength(200)
        w.setObjectName(f"setting_{setting.name}")
        return w

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Settings"))
        self.organisation_label.setText(tr("Organisation") + ":")
        self.organisation.setToolTip(
            tr("Printed at the top of your reports while no issuing body is set below.")
        )
        for setting in SETTINGS:
            if setting.internal:
                continue
            self.labels[setting.name].setText(setting.title() + ":")
            w = self.editors[setting.name]
            if isinstance(w, QComboBox):
                for i, (_v, pair) in enumerate(setting.choices):
                    w.setItemText(i, pick(pair))
        self.office_db.retranslate()
        self.body_box.setTitle(tr("Issuing body (printed on certificates and notices)"))
        for attr, label, kind in BODY_FIELDS:
            if attr in self.body_labels:
                self.body_labels[attr].setText(tr(label) + ("" if kind is bool else ":"))
        if hasattr(self, "numbers_button"):
            self.numbers_button.setText(tr("Certificate &numbers…"))
        if "inspector_cert_no" in self.body_labels:
            self.body_labels["inspector_cert_no"].setText(
                tr("Your inspector certificate no.") + ":"
            )
        self.editors["inspector_name"].setToolTip(
            tr("Your name is written into every inspection you record.")
        )

    def value(self, name: str) -> Any:
        w = self.editors[name]
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QSpinBox):
            return w.value()
        return w.text().strip()

    def accept(self) -> None:
        if len(self.value("inspector_name")) > 100:
            self.name_error.show_message(tr("The name must not be longer than 100 characters."))
            self.editors["inspector_name"].setFocus()
            return
        if not self.office_db.save():  # a refused URL: nothing saved
            return
        if not self.save_body():
            return
        old_language = get("language")
        for setting in SETTINGS:
            if not setting.internal:
                set_value(setting.name, self.value(setting.name))
        save_organisation(self.store, self.organisation.text(), self.value("inspector_name"))
        super().accept()
        new_language = get("language")
        if new_language != old_language:
            i18n.set_language(new_language or i18n.system_language())
