"""Arabic-script text (Uyghur names in Xinjiang markets) in PDFs: its own font, shaped and in
visual order, chosen per run of text.

The CJK face has no Arabic glyphs, and reportlab has no font fallback, so every run of
Arabic-script letters is set in Noto Naskh Arabic (``resources/fonts``, OFL-1.1):

* **shaping** — ``arabic_reshaper`` turns the letters into their contextual presentation
  forms (initial, medial, final, isolated; lam-alef ligatures); Uyghur's ە (U+06D5), which
  joins on its right and has no presentation form, is joined to by the letter before it;
* **order** — a run is written right to left: its characters are reversed for a
  left-to-right line. Digits and Latin text end a run, so numbers inside a name keep their
  own order;
* **markup** — in Paragraph text each run becomes ``<font name="NotoNaskhArabic">…</font>``.

Characters neither face has (emoji) are printed as a visible □ (``fonts.NO_GLYPH``); the
exact text always stays in the record embedded in the PDF.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ARABIC_FONT = "NotoNaskhArabic"
ARABIC_FILE = ("resources", "fonts", "NotoNaskhArabic-Regular.ttf")

_LETTERS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# a run: Arabic-script letters, possibly several words joined by spaces; digits (Arabic-Indic
# too) end a run
_CHAR = rf"(?:(?![\u0660-\u0669\u06f0-\u06f9])[{_LETTERS}])"
_RUN = re.compile(rf"{_CHAR}+(?:[ \u00a0]+{_CHAR}+)*")
# letters that join on their right side only and have no presentation forms
_RIGHT_JOINING_WITHOUT_FORMS = {"\u06d5"}  # ە ARABIC LETTER AE (Uyghur)


def has_arabic(text: str) -> bool:
    return bool(_RUN.search(text))


def _form(char: str, wanted: str) -> str | None:
    """The *wanted* presentation form ("INITIAL", "MEDIAL") of the letter whose current
    form is *char*, by Unicode name; None when there is none."""
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    for have, to in (("ISOLATED FORM", "INITIAL FORM"), ("FINAL FORM", "MEDIAL FORM")):
        if name.endswith(have) and to.startswith(wanted):
            try:
                return unicodedata.lookup(name[: -len(have)] + to)
            except KeyError:
                return None
    return None


@lru_cache(maxsize=4096)
def shape(run: str) -> str:
    """*run* in presentation forms, logical order."""
    import arabic_reshaper

    out = list(arabic_reshaper.reshape(run))
    for i, c in enumerate(out):
        if c in _RIGHT_JOINING_WITHOUT_FORMS and i > 0:
            prev = out[i - 1]
            joined = _form(prev, "INITIAL") or _form(prev, "MEDIAL")
            if joined:
                out[i - 1] = joined
    return "".join(out)


def visual(run: str) -> str:
    """A right-to-left run shaped and reversed for a left-to-right line."""
    return shape(run)[::-1]


def to_visual(text: str) -> str:
    """*text* with every Arabic-script run shaped and in visual order (no markup)."""
    return _RUN.sub(lambda m: visual(m.group(0)), text)


def markup(escaped: str) -> str:
    """Paragraph markup: every Arabic-script run of already-escaped *escaped* set in the
    Arabic face, shaped and in visual order."""
    if not has_arabic(escaped):
        return escaped
    return _RUN.sub(lambda m: f'<font name="{ARABIC_FONT}">{visual(m.group(0))}</font>', escaped)
