"""Translations without Qt, so the window, the PDF and the command line share them.

English text is the key (the gettext msgid). The Chinese catalogue is the gettext file
``resources/i18n/zh_CN/LC_MESSAGES/inspector.po``, compiled to ``inspector.mo`` beside it
(both shipped); call sites only use :func:`tr` and, where a count is shown, :func:`ntr`::

    from inspector_app.i18n import ntr, tr
    label = tr("Save")          # in the current language
    label = tr("Save", "en")    # explicitly
    text = ntr("{n} inspection", "{n} inspections", n).format(n=n)
    label = trc("person", "Name")  # one English word, two Chinese texts (msgctxt)

A new text is added to the catalogue with ``uv run python packaging/i18n.py extract``
(Babel finds every ``tr("…")``, ``trc("context", "…")`` and ``ntr("…", "…", n)`` call),
translated in the .po file and compiled with ``uv run python packaging/i18n.py compile``;
``tests/test_i18n.py`` fails while the .mo does not match the .po or a text lacks Chinese. A text used through a variable
(``tr(NAMES[key])``) is added to the .po by hand and stays there.

Form files carry their own zh/en labels; use :func:`pick` for such pairs.
The default language follows the system locale (zh for any zh_* locale, else en).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable
from pathlib import Path

LANGUAGES = ("zh", "en")
#: the gettext domain and the locale folder of each translated language
DOMAIN = "inspector"
GETTEXT_LOCALES = {"zh": "zh_CN"}
# Texts added at run time with register() (older code); the .po file wins over them.
_catalogue: dict[str, str] = {}
# (key, kept, refused): a key registered twice with different Chinese. The first stays;
# tests/test_i18n.py fails while any conflict exists, so the program never crashes on one.
conflicts: list[tuple[str, str, str]] = []
_listeners: list[Callable[[str], object]] = []  # what a listener returns is ignored
_translations: dict[str, gettext.NullTranslations] = {}


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
    import locale  # (the window asks Qt: no locale tables on its start-up)

    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:  # pragma: no cover - broken locale settings
        loc = ""
    return language_from_locale_name(loc)


# The language in use: the system's (found on first use) until set_language chooses one.
_current: str | None = None


def locale_dir() -> Path:
    """The folder of the compiled catalogues (``<lang>/LC_MESSAGES/inspector.mo``)."""
    from .paths import resource_path

    return resource_path("resources", "i18n")


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of *lang*, read once; English (the keys) has none."""
    found = _translations.get(lang)
    if found is None:
        code = GETTEXT_LOCALES.get(lang)
        if code is None:
            found = gettext.NullTranslations()
        else:
            found = gettext.translation(
                DOMAIN, localedir=str(locale_dir()), languages=[code], fallback=True
            )
        _translations[lang] = found
    return found


def register(zh: dict[str, str]) -> None:
    """Add Chinese texts at run time (older code; the .po file is the catalogue now and
    ``tests/test_i18n.py`` forbids new calls). An English key registered twice must agree."""
    for key, value in zh.items():
        if key in _catalogue:
            if _catalogue[key] != value:
                conflicts.append((key, _catalogue[key], value))
            continue
        _catalogue[key] = value


def tr(text: str, lang: str | None = None) -> str:
    """*text* (the English key) in *lang*, or in the current language."""
    lang = lang or current_language()
    if lang not in GETTEXT_LOCALES:
        return text
    out = translations(lang).gettext(text)
    if out == text:
        return _catalogue.get(text, text)
    return out


def trc(context: str, text: str, lang: str | None = None) -> str:
    """*text* in the sense *context* names, for an English word that needs two Chinese
    texts (``trc("person", "Name")`` 姓名 beside ``tr("Name")`` 名称); gettext's msgctxt."""
    lang = lang or current_language()
    if lang not in GETTEXT_LOCALES:
        return text
    return translations(lang).pgettext(context, text)


def ntr(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of *singular*/*plural* for the count *n* (English: one or other; Chinese has
    one form). The caller fills in the number: ``ntr("{n} day", "{n} days", n).format(n=n)``."""
    lang = lang or current_language()
    if lang not in GETTEXT_LOCALES:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def pick(pair: dict | tuple | list, lang: str | None = None) -> str:
    """The label for *lang* from ``{"zh": ..., "en": ...}`` or ``(zh, en)``."""
    lang = lang or current_language()
    if isinstance(pair, dict):
        return pair.get(lang) or pair.get("en") or pair.get("zh") or ""
    return pair[0] if lang == "zh" else pair[1]


def current_language() -> str:
    global _current
    if _current is None:
        _current = system_language()
    return _current


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _current = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_changed(callback: Callable[[str], object]) -> Callable[[], None]:
    """Call *callback(lang)* after every switch; returns a function that unsubscribes."""
    _listeners.append(callback)
    return lambda: _listeners.remove(callback) if callback in _listeners else None
