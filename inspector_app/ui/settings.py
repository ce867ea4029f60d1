"""Settings, declared once (name, type, default, zh/en label), stored in QSettings.

The file lives in the user config directory (``inspector-app/inspector-app.ini``), found
through platformdirs once per process and found again when the environment that decides
it changes (tests give every test its own XDG/HOME folders). Window
geometry and table layouts live in the same file under ``window/``. Nothing is pickled.
Upgrades: bump :data:`SETTINGS_VERSION` and add a function to :data:`UPGRADES`.

The Settings dialog is in :mod:`.settings_dialog` (``settings.SettingsDialog`` still finds
it): every start reads settings, few open the dialog, and its widget classes cost the start
about a millisecond each to load.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from .. import i18n
from ..domain.models import CHECK_KINDS, CHECK_LABELS
from ..i18n import pick

if TYPE_CHECKING:
    from .settings_dialog import SettingsDialog

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

SETTINGS_VERSION = 1
ORG_NAME = "Inspector"
APP_NAME = "inspector-app"


class Setting:
    """One setting, fixed once declared. (A plain class: a frozen dataclass is generated
    through six ``exec`` calls when this module loads, 0.7 ms of every start.)"""

    __slots__ = ("name", "type", "default", "label", "choices", "minimum", "maximum", "internal")
    name: str
    type: type
    default: Any
    label: tuple[str, str]  # (zh, en)
    choices: tuple[tuple[Any, tuple[str, str]], ...]  # (value, (zh, en))
    minimum: int
    maximum: int
    internal: bool  # kept in the file, not offered in the dialog

    def __init__(
        self,
        name: str,
        type: builtins.type,  # noqa: A002 - the setting's value type, as the table names it
        default: Any,
        label: tuple[str, str],
        choices: tuple[tuple[Any, tuple[str, str]], ...] = (),
        minimum: int = 0,
        maximum: int = 0,
        internal: bool = False,
    ) -> None:
        values = (name, type, default, label, choices, minimum, maximum, internal)
        for attr, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, attr, value)

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError(f"a Setting is fixed: cannot set {attr!r}")

    def __delattr__(self, attr: str) -> None:
        raise AttributeError(f"a Setting is fixed: cannot delete {attr!r}")

    def __repr__(self) -> str:
        return f"Setting({self.name!r}, {self.type.__name__}, default={self.default!r})"

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
    """Keep *value*; the file is written only when what :func:`get` reads changes (the
    window confirms the database's role at every start: a rewrite of the file, with its lock
    file, rename and flush to disk, cost each start about 0.5 ms of CPU and 25 ms of waiting
    on this program's test machine)."""
    setting = BY_NAME[name]
    s = qsettings()
    key = f"settings/{name}"
    new = _coerce(setting, value)
    if _coerce(setting, s.value(key, None)) == new:  # (unset: the default is what get reads)
        return
    s.setValue(key, new)
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


def __getattr__(name: str) -> type[SettingsDialog]:
    # ``settings.SettingsDialog``: the dialog's module loads when first asked for
    if name == "SettingsDialog":
        from .settings_dialog import SettingsDialog

        return SettingsDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
