"""Fonts for PDFs: WenQuanYi Micro Hei (CJK and Latin) and Noto Naskh Arabic (Arabic
script, set per run by ``scripts.py``), both embedded as subsets (text stays searchable).

reportlab embeds TrueType only; the built-in CID fonts (STSong-Light) are not embedded and
render blank in some viewers, so they are never used.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import resource_path

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

FONT = "WQYMicroHei"
_lock = threading.Lock()
_registered = False


# Characters the font has no glyph for, and what is printed instead (otherwise a blank box):
# the unit of refraction m⁻¹ prints as m-¹.
MISSING_GLYPHS = str.maketrans({"⁻": "-"})


# Any other character the CJK face has no glyph for (emoji; Arabic script where it is not
# set in its own face, e.g. a chart label) is printed as a visible □ rather than vanishing;
# the exact text stays in the record embedded in the PDF (inspection-record.json).
NO_GLYPH = "□"
_cmap: dict[int, int] | None = None  # code point -> glyph of the CJK face


_printed: dict[str, str] = {}  # text -> as printed (a report measures its labels many times)


def printable(text: str) -> str:
    if text.isascii():  # (MISSING_GLYPHS and the face's gaps are all outside ASCII)
        return text
    done = _printed.get(text)
    if done is not None:
        return done
    out = text.translate(MISSING_GLYPHS)
    if _cmap is None:
        return out
    out = "".join(c if ord(c) in _cmap or c in "\n\r\t" else NO_GLYPH for c in out)
    if len(_printed) >= 20_000:
        _printed.clear()
    _printed[text] = out
    return out


def _font_class() -> type[TTFont]:
    from reportlab.pdfbase.ttfonts import TTFont

    class SubstitutingTTFont(TTFont):
        """TTFont that prints a stand-in for the few characters the face lacks."""

        def splitString(  # noqa: N802 - reportlab's name
            self, text: str, doc: Any, encoding: str = "utf-8"
        ) -> list[tuple[int, bytes]]:
            return super().splitString(printable(text), doc, encoding)

        def stringWidth(  # noqa: N802 - reportlab's name
            self, text: str, size: float, encoding: str = "utf-8"
        ) -> float:
            return super().stringWidth(printable(text), size, encoding)

    return SubstitutingTTFont


def _keep_tables(font: TTFont) -> None:
    """Let the face keep each table it has copied out of the font file: reportlab copies the
    tables again for every subset it makes (the CJK face's glyph table is 3.5 MB, copied for
    each subset of each report: half the time of making a subset)."""
    face: Any = font.face
    tables: dict[str, bytes] = {}
    copy = face.get_table

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        if data is None:
            data = tables[tag] = copy(tag)
        return data

    face.get_table = get_table


def font_file() -> Path:
    return resource_path("resources", "fonts", "wqy-microhei.ttc")


def register_fonts() -> str:
    """Register the CJK font with reportlab once per process; returns its name."""
    global _registered
    if _registered:
        return FONT
    with _lock:
        if _registered:
            return FONT
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics

        global _cmap
        path = str(font_file())
        font = _font_class()(FONT, path, subfontIndex=0)
        _keep_tables(font)
        pdfmetrics.registerFont(font)
        _cmap = font.face.charToGlyph
        # Arabic script (Uyghur names): its own face, chosen per run (reports/scripts.py)
        from reportlab.pdfbase.ttfonts import TTFont

        from .scripts import ARABIC_FILE, ARABIC_FONT

        arabic = TTFont(ARABIC_FONT, str(resource_path(*ARABIC_FILE)))
        _keep_tables(arabic)
        pdfmetrics.registerFont(arabic)
        # wqy ships one weight: <b> in paragraphs maps to the same face (emphasis by size)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT, bold, italic, FONT)
        # Defaults for canvases and graphics: otherwise reportlab names Helvetica (never embedded)
        # in every page and drawing, and poppler substitutes a font for it.
        from reportlab import rl_config

        rl_config.canvas_basefontname = FONT
        rl_config.defaultGraphicsFontName = FONT
        _registered = True
    return FONT
