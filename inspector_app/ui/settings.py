"""Settings, declared once (name, type, default, zh/en label), stored in QSettings.

The file lives in the user config directory (``inspector-app/inspector-app.ini``), found
through platformdirs once per process and found again when the environment that decides
it changes (tests give every test its own XDG/HOME folders). Window
geometry and table layouts live in the same file under ``window/``. Nothing is pickled.
Upgrades: bump :data:`SETTINGS_VERSION` and add a function to :data:`UPGRADES`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from PySide6.QtCore import QSettings
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
from ..domain.models import CHECK_KINDS, CHECK_LABELS
from ..i18n import pick, tr
from .widgets.field_error import FieldError, translate_message
from .widgets.language import follow_language

if TYPE_CHECKING:
    from ..store import Store

# A name or address of the issuing body shows whole: the section's long check-box labels
# would otherwise leave its text fields about 100 px wide.
BODY_FIELD_MIN_WIDTH = 300
# The issuing body's fields: (attribute, label, kind)
BODY_FIELDS = (
    ("name_zh", "Name (Chinese)", str),
    ("name_en", "Name (English)", str),
    ("address", "Address", str),
    ("postcode", "Postcode", str),
    ("phone", "Phone", str),
    ("authorisation_no", "Authorisation certificate no.", str),
    ("cert_prefix", "Certificate number prefix", str),
    ("authorised", "Authorised verification body (may issue verification certificates)", bool),
    ("minus_one_day", "Valid until = date + cycle − 1 day", bool),
)
INSPECTOR_CERT_META = "inspector.cert_no"
# Your organisation: asked at the first start, shown in Settings; in the database it is the
# name a report's header carries when no issuing body is set (services.certificates.AUTHORITY_META)
ORG_KEY = "profile/organisation"

# the editor of one setting: a choice, a yes/no, a number or a text
SettingEditor: TypeAlias = "QComboBox | QCheckBox | QSpinBox | QLineEdit"

SETTINGS_VERSION = 1
ORG_NAME = "Inspector"
APP_NAME = "inspector-app"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    label: tuple[str, str]  # (zh, en)
    choices: tuple[tuple[Any, tuple[str, str]], ...] = ()  # (value, (zh, en))
    minimum: int = 0
    maximum: int = 0
    internal: bool = False  # kept in the file, not offered in the dialog

    def title(self) -> str:
        return pick(self.label)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "language",
        str,
        "",
        ("界面语言", "Language"),
        (
            ("", ("跟随系统", "Follow the system")),
            ("zh", ("中文", "中文 (Chinese)")),
            ("en", ("English", "English")),
        ),
    ),
    Setting("inspector_name", str, "", ("检查人员姓名", "Inspector name")),
    Setting(
        "role",
        str,
        "inspector",
        ("角色", "Role"),
        (("inspector", ("检查人员", "Inspector")), ("supervisor", ("审核员", "Supervisor"))),
    ),
    Setting(
        "default_check",
        str,
        "in_service",
        ("默认检查类型", "Default kind of check"),
        tuple((k, CHECK_LABELS[k]) for k in CHECK_KINDS),
    ),
    Setting(
        "offer_demo",
        bool,
        True,
        ("数据库为空时提供演示数据", "Offer demo data for an empty database"),
    ),
    Setting(
        "page_size",
        int,
        100,
        ("每次读取行数", "Rows fetched per page"),
        minimum=20,
        maximum=1000,
        internal=True,  # a tuning knob, not a choice for the user
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}

# version -> function(QSettings) bringing the file from that version to the next.
UPGRADES: dict[int, Callable[[QSettings], None]] = {}


# Environment variables platformdirs reads to place the config folder (Linux, macOS, Windows).
_PATH_ENV = ("XDG_CONFIG_HOME", "HOME", "APPDATA", "LOCALAPPDATA", "USERPROFILE")
_cache: dict = {"key": None, "path": None, "settings": None}


def _env_key() -> tuple:
    return tuple(os.environ.get(name) for name in _PATH_ENV)


def _config_dir() -> Path:
    if sys.platform.startswith("linux"):  # what platformdirs answers there, without importing it
        base = os.environ.get("XDG_CONFIG_HOME", "")
        return Path(base.strip() or os.path.expanduser("~/.config")) / APP_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    key = _env_key()
    if _cache["key"] != key or _cache["path"] is None:
        _cache.update(key=key, settings=None, path=_config_dir() / f"{APP_NAME}.ini")
    return _cache["path"]


def qsettings() -> QSettings:
    """The settings file (one QSettings per process and config folder, upgraded once)."""
    path = settings_path()
    s = _cache["settings"]
    if s is not None:
        return s
    path.parent.mkdir(parents=True, exist_ok=True)
    s = QSettings(str(path), QSettings.Format.IniFormat)
    version = int(str(s.value("meta/version", 0) or 0))
    if version < SETTINGS_VERSION:
        for v in range(version, SETTINGS_VERSION):
            if v in UPGRADES:
                UPGRADES[v](s)
        s.setValue("meta/version", SETTINGS_VERSION)
    _cache["settings"] = s
    return s


def reset_cache() -> None:
    """Forget the settings file (e.g. after it was replaced on disk)."""
    _cache.update(key=None, path=None, settings=None)


def _coerce(setting: Setting, raw: Any) -> Any:
    if raw is None:
        return setting.default
    value: bool | int | str
    try:
        if setting.type is bool:
            value = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
        elif setting.type is int:
            value = int(raw)
            if setting.maximum:
                value = min(max(value, setting.minimum), setting.maximum)
        else:
            value = str(raw)
    except (TypeError, ValueError):
        return setting.default
    if setting.choices and value not in [c[0] for c in setting.choices]:
        return setting.default
    return value


def get(name: str) -> Any:
    setting = BY_NAME[name]
    return _coerce(setting, qsettings().value(f"settings/{name}", None))


def set_value(name: str, value: Any) -> None:
    setting = BY_NAME[name]
    s = qsettings()
    s.setValue(f"settings/{name}", _coerce(setting, value))
    s.sync()


def actor() -> str:
    """Who is recorded in the audit log for writes made in the window."""
    return get("inspector_name") or "inspector"


def organisation(store=None) -> str:
    """Your organisation: the settings file, else the database's report name."""
    from ..services.certificates import AUTHORITY_META

    text = str(qsettings().value(ORG_KEY, "") or "").strip()
    if not text and store is not None:
        text = (store.meta(AUTHORITY_META) or "").strip()
    return text


def save_organisation(store, text: str, who: str | None = None) -> None:
    """Keep your organisation in the settings file and, with a database open, as the name
    the report header carries when no issuing body is set."""
    from ..services.certificates import AUTHORITY_META

    text = text.strip()[:200]
    s = qsettings()
    s.setValue(ORG_KEY, text)
    s.sync()
    if store is not None and (store.meta(AUTHORITY_META) or "") != text:
        with store.write(who or actor(), "settings.organisation"):
            store.set_meta(AUTHORITY_META, text)


def effective_language(cli_lang: str | None = None) -> str:
    """--lang, else the saved setting, else the system locale."""
    return cli_lang or get("language") or i18n.system_language()


def save_geometry(key: str, data) -> None:
    s = qsettings()
    s.setValue(f"window/{key}", data)
    s.sync()


def load_geometry(key: str):
    return qsettings().value(f"window/{key}", None)


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
