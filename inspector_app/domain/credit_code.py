"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the 31-character set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z):
registration authority (1), organisation type (1), administrative division (6 digits,
GB/T 2260), organisation identifier (9), check character (1). The check character is
``31 - (Σ cᵢ·wᵢ mod 31)`` (31 → 0), with weights wᵢ = 3^i mod 31 (GB 32100-2015 §5).
"""

from __future__ import annotations

from .errors import InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, ...


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str, path: str = "credit_code") -> str:
    """Return the normalised (upper-case, stripped) code or raise InputError."""
    if not isinstance(code, str):
        raise InputError(path, "must be text")
    text = code.strip().upper()
    if len(text) != 18:
        raise InputError(path, f"a unified social credit code has 18 characters, got {len(text)}")
    bad = [c for c in text if c not in _VALUE]
    if bad:
        raise InputError(
            path, f"character {bad[0]!r} is not allowed in a unified social credit code"
        )
    if not text[2:8].isdigit():
        raise InputError(path, "characters 3-8 must be the 6-digit administrative division code")
    expected = check_character(text[:17])
    if text[17] != expected:
        raise InputError(
            path, f"check character is {text[17]!r}, expected {expected!r} (GB 32100-2015)"
        )
    return text


def make_credit_code(body17: str) -> str:
    """Append the check character (used by the demo data generator and tests)."""
    return body17 + check_character(body17)
