"""The shipped CJK font, so Chinese never shows as boxes."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import resource_path

CJK_FONT_FILE = ("resources", "fonts", "wqy-microhei.ttc")
#: the family of the shipped file's first face (what ``applicationFontFamilies`` names first)
CJK_FAMILY = "WenQuanYi Micro Hei"
_loaded: list[str] = []


def load_cjk_font() -> list[str]:
    """Register the bundled WenQuanYi Micro Hei with Qt; returns its family names.

    When the system already has that family (Linux with ``fonts-wqy-microhei``, as the
    README asks for), the system's is used and the shipped file is not registered again:
    registering it has fontconfig read the 5 MB file and build the character map of its
    two faces, about 4 ms of every start before the first paint. (Asking the font database
    fills it from the system's fonts, which the first paint would do anyway.)"""
    if _loaded:
        return list(_loaded)
    if QFontDatabase.hasFamily(CJK_FAMILY):
        _loaded.append(CJK_FAMILY)
        return list(_loaded)
    path = resource_path(*CJK_FONT_FILE)
    if not path.is_file():
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        return []
    _loaded.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_loaded)


def install_cjk_font(app: QApplication) -> str | None:
    """Load the font and make it the fallback of the application font; returns its family."""
    families = load_cjk_font()
    if not families:
        return None
    cjk = families[0]
    if cjk in app.font().families():  # installed already: a new application font would
        return cjk  # make every widget lay itself out again
    font = QFont(app.font())
    current = [f for f in font.families() if f != cjk] or [font.family()]
    font.setFamilies(current + [cjk])
    app.setFont(font)
    return cjk
