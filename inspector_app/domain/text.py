"""Validation of free text from outside: length limits, lone surrogates, control characters."""

from __future__ import annotations

import re
import unicodedata

from .errors import InputError

NAME_MAX = 200
NOTE_MAX = 4000
# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; a multi-line text may hold
# tab and line feed. One search in C instead of a category look-up per character (bundle
# imports clean tens of thousands of texts).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Texts already cleaned, by (text, max_len, multiline, required): a bundle import cleans the
# same names, places and rule set names tens of thousands of times. Only texts clean_text
# accepted are kept (a refusal is computed again, with its path), at most _CLEANED_MAX of at
# most _CLEANED_LEN characters; emptied when full.
_CLEANED: dict[tuple[str, int, bool, bool], str] = {}
_CLEANED_MAX = 20_000
_CLEANED_LEN = 200


def clean_text(
    value: object,
    path: str,
    *,
    required: bool = False,
    max_len: int = NAME_MAX,
    multiline: bool = False,
) -> str:
    """Return *value* as NFC-normalised, stripped text, or raise InputError(path, ...)."""
    if type(value) is not str or len(value) > _CLEANED_LEN:
        return _clean_text(value, path, required, max_len, multiline)
    key = (value, max_len, multiline, required)
    text = _CLEANED.get(key)
    if text is None:
        text = _clean_text(value, path, required, max_len, multiline)
        if len(_CLEANED) >= _CLEANED_MAX:
            _CLEANED.clear()
        _CLEANED[key] = text
    return text


def _clean_text(value: object, path: str, required: bool, max_len: int, multiline: bool) -> str:
    """:func:`clean_text` computed."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(path, "must be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(path, "contains an invalid character (lone surrogate)") from None
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    text = value.strip()
    bad = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
    if bad is not None:
        raise InputError(path, f"contains a control character (U+{ord(bad.group()):04X})")
    if required and not text:
        raise InputError(path, "is required")
    if len(text) > max_len:
        raise InputError(path, f"is too long ({len(text)} characters, at most {max_len})")
    return text
