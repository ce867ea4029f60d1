"""Validation of free text from outside: length limits, lone surrogates, control characters."""

from __future__ import annotations

import unicodedata

from .errors import InputError

NAME_MAX = 200
NOTE_MAX = 4000


def clean_text(
    value: object,
    path: str,
    *,
    required: bool = False,
    max_len: int = NAME_MAX,
    multiline: bool = False,
) -> str:
    """Return *value* as NFC-normalised, stripped text, or raise InputError(path, ...)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(path, "must be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(path, "contains an invalid character (lone surrogate)") from None
    text = unicodedata.normalize("NFC", value).strip()
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\t"):
            raise InputError(path, f"contains a control character (U+{ord(ch):04X})")
    if required and not text:
        raise InputError(path, "is required")
    if len(text) > max_len:
        raise InputError(path, f"is too long ({len(text)} characters, at most {max_len})")
    return text
