"""Translations without Qt, so the window, the PDF and the command line share them.

English text is the key. Each module registers its Chinese catalogue once at import:

    from inspector_app.i18n import register, tr
    register({"Save": "保存", "Inspections": "检查记录"})
    label = tr("Save")          # in the current language
    label = tr("Save", "en")    # explicitly

Form files carry their own zh/en labels; use :func:`pick` for such pairs.
The default language follows the system locale (zh for any zh_* locale, else en).
"""

from __future__ import annotations

import locale
import os
from collections.abc import Callable

LANGUAGES = ("zh", "en")
_catalogue: dict[str, str] = {}
# (key, kept, refused): a key registered twice with different Chinese. The first stays;
# tests/test_i18n.py fails while any conflict exists, so the program never crashes on one.
conflicts: list[tuple[str, str, str]] = []
_listeners: list[Callable[[str], None]] = []


_system_locale_source: Callable[[], str] | None = None


def use_system_locale(source: Callable[[], str] | None) -> None:
    """Let the window supply the system locale name (Qt's ``QLocale.system().name()``,
    which reads the user's language setting on Windows too); None goes back to Python's."""
    global _system_locale_source
    _system_locale_source = source


def language_from_locale_name(name: str) -> str:
    """zh for any Chinese locale name, else en. Understands POSIX names (``zh_CN.UTF-8``),
    BCP 47 tags (``zh-Hans-CN``) and the names Python gives on Windows
    (``Chinese (Simplified)_China``, ``Chinese_Taiwan``)."""
    n = (name or "").strip().lower()
    return "zh" if n.startswith(("zh", "chinese", "中文")) else "en"


def _windows_locale_name() -> str:
    """The user's locale on Windows (``zh-CN``) from ``GetUserDefaultLocaleName``."""
    import ctypes

    try:
        buf = ctypes.create_unicode_buffer(85)
        if ctypes.windll.kernel32.GetUserDefaultLocaleName(buf, len(buf)):  # type: ignore[attr-defined]
            return buf.value
    except (AttributeError, OSError):
        pass
    return ""


def system_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return language_from_locale_name(value)
    if _system_locale_source is not None:
        try:
            name = _system_locale_source()
        except Exception:  # noqa: BLE001 - a broken source must not stop the program
            name = ""
        if name:
            return language_from_locale_name(name)
    if os.name == "nt":
        name = _windows_locale_name()
        if name:
            return language_from_locale_name(name)
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:  # pragma: no cover - broken locale settings
        loc = ""
    return language_from_locale_name(loc)


_current = system_language()


def register(zh: dict[str, str]) -> None:
    """Add Chinese translations; an English key registered twice must agree."""
    for key, value in zh.items():
        if key in _catalogue:
            if _catalogue[key] != value:
                conflicts.append((key, _catalogue[key], value))
            continue
        _catalogue[key] = value


def tr(text: str, lang: str | None = None) -> str:
    if (lang or _current) == "zh":
        return _catalogue.get(text, text)
    return text


def pick(pair: dict | tuple | list, lang: str | None = None) -> str:
    """The label for *lang* from ``{"zh": ..., "en": ...}`` or ``(zh, en)``."""
    lang = lang or _current
    if isinstance(pair, dict):
        return pair.get(lang) or pair.get("en") or pair.get("zh") or ""
    return pair[0] if lang == "zh" else pair[1]


def current_language() -> str:
    return _current


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _current = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_changed(callback: Callable[[str], None]) -> Callable[[], None]:
    """Call *callback(lang)* after every switch; returns a function that unsubscribes."""
    _listeners.append(callback)
    return lambda: _listeners.remove(callback) if callback in _listeners else None
