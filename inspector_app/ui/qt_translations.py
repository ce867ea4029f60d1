"""Qt's own texts in the window's language: the standard buttons of message boxes and
dialog button boxes (OK, Cancel, Yes, No, Save, Discard…), the file dialog, the context
menu of a text field (Undo, Copy, Paste…).

Qt ships these catalogues as ``qtbase_<locale>.qm`` in its translations folder (inside the
PySide6 wheel, and in the frozen build, which keeps the zh_CN ones: ``build.spec``). A
:class:`QTranslator` with the Chinese catalogue is installed while the window speaks
Chinese and removed when it switches to English; it follows every language switch.
``QTranslator`` and ``QLibraryInfo`` load with the first catalogue: a window in English
(Qt's own text) makes neither class, which PySide would otherwise build at every start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from .. import i18n

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator

#: Qt's catalogues for each language of the window (English is Qt's own text)
QT_CATALOGUES = {"zh": ("qtbase_zh_CN",)}

_installed: list[QTranslator] = []
_unsubscribe = None


def translations_dirs() -> list[Path]:
    """Where Qt's .qm files may be: Qt's own answer first, then the PySide6 package
    (``PySide6/Qt/translations`` on Linux and macOS, ``PySide6/translations`` on Windows)."""
    from PySide6.QtCore import QLibraryInfo

    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        base = Path(PySide6.__file__).resolve().parent
        dirs += [base / "Qt" / "translations", base / "translations"]
    except (ImportError, TypeError):  # pragma: no cover - PySide6 is always there
        pass
    return [d for d in dirs if str(d) and d.is_dir()]


def load_translators(lang: str) -> list[QTranslator]:
    out: list[QTranslator] = []
    names = QT_CATALOGUES.get(lang, ())
    if not names:
        return out
    from PySide6.QtCore import QTranslator

    for name in names:
        for folder in translations_dirs():
            translator = QTranslator()
            if translator.load(name, str(folder)):
                out.append(translator)
                break
    return out


def apply_language(lang: str) -> int:
    """Install Qt's catalogues for *lang* (removing the previous ones); returns how many."""
    app = QCoreApplication.instance()
    if app is None:
        return 0
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    for translator in load_translators(lang):
        if app.installTranslator(translator):
            _installed.append(translator)
    return len(_installed)


def install_qt_translations() -> int:
    """Speak the current language now and follow every switch (once per process)."""
    global _unsubscribe
    if _unsubscribe is None:
        _unsubscribe = i18n.on_language_changed(apply_language)
    return apply_language(i18n.current_language())
