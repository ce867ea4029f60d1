"""Exact decimal quantities from untrusted input.

JSON numbers and strings are both read as :class:`decimal.Decimal`, never through a binary
float. NaN, infinities, empty strings, booleans and non-numbers are refused with an
:class:`InputError` naming the path. Numbers of absurd magnitude (``1e400``) are refused too:
no quantity in legal metrology needs more than 15 significant integer digits. An exponent
beyond that (``1E+999999999``) is refused before any arithmetic, so the decimal context
never overflows; so is one below ``MIN_EXPONENT`` (more decimal places than any measurement).

Full-width digits, point, signs and exponent letter typed with a Chinese input method
(``１５０００``, ``０．５``, ``－３``) are read as their ASCII forms: the characters of the
Unicode "Halfwidth and Fullwidth Forms" block are put through NFKC, and U+2212 MINUS SIGN
reads as ``-``. Nothing else is normalised (NFKC would also turn ``10²`` into ``102``), and
only the number read is changed: text that is not a number is refused, never altered.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal, cast, overload

from .errors import InputError

# Plain decimal notation with an optional exponent; no spaces, no underscores, no hex.
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z", re.ASCII)
MAX_ABS = Decimal("1e15")
MAX_ADJUSTED = 15  # the exponent of the leading digit of MAX_ABS
MIN_EXPONENT = -40  # at most 40 decimal places
MAX_TEXT = 64
_WIDE = re.compile("[\uff01-\uff5e\u3000\u2212]")


def ascii_digits(text: str) -> str:
    """*text* with full-width forms (``１５０００``, ``．``, ``－``) and U+2212 as ASCII; every
    other character unchanged. Used only on text about to be read as a number."""
    if text.isascii() or _WIDE.search(text) is None:
        return text
    return _WIDE.sub(
        lambda m: "-" if m.group() == "\u2212" else unicodedata.normalize("NFKC", m.group()),
        text,
    )


@overload
def parse_decimal(
    value: object,
    path: str,
    *,
    positive: bool = False,
    non_negative: bool = False,
    allow_none: Literal[False] = False,
) -> Decimal: ...


@overload
def parse_decimal(
    value: object,
    path: str,
    *,
    positive: bool = False,
    non_negative: bool = False,
    allow_none: bool,
) -> Decimal | None: ...


def parse_decimal(
    value: object,
    path: str,
    *,
    positive: bool = False,
    non_negative: bool = False,
    allow_none: bool = False,
) -> Decimal | None:
    """Read *value* as an exact, finite Decimal or raise InputError(path, ...)."""
    if value is None:
        if allow_none:
            return None
        raise InputError(path, "a number is required")
    if isinstance(value, bool):
        raise InputError(path, "must be a number, not true/false")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        # json.loads(parse_float=Decimal) still yields float for NaN/Infinity; a plain float
        # from Python code is converted through its shortest repr, not its binary expansion.
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(path, "must be a finite number (NaN and infinity are not allowed)")
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = ascii_digits(value).strip()
        if not text:
            raise InputError(path, "must be a number, got an empty string")
        if len(text) > MAX_TEXT or not _NUMBER_RE.match(text):
            text = value.strip()
            shown = text if len(text) <= 20 else text[:20] + "…"
            raise InputError(path, f"must be a number, got {shown!r}")
        try:
            d = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex already excludes these
            raise InputError(path, f"must be a number, got {text!r}") from None
    else:
        raise InputError(path, f"must be a number, got {type(value).__name__}")
    if not d.is_finite():
        raise InputError(path, "must be a finite number (NaN and infinity are not allowed)")
    # Compared through the exponent first: abs() of 1E+999999999 overflows the context.
    if d.adjusted() > MAX_ADJUSTED or abs(d) > MAX_ABS:
        raise InputError(path, f"is out of range (magnitude above {MAX_ABS:.0E})")
    # (a text of at most 40 characters without an exponent cannot have more places)
    if (type(value) is not str or len(value) > -MIN_EXPONENT or "e" in value or "E" in value) and (
        # (d is finite here, so its exponent is a number, never 'n', 'N' or 'F')
        type(value) is not int and cast(int, d.as_tuple().exponent) < MIN_EXPONENT
    ):
        raise InputError(path, f"has too many decimal places (at most {-MIN_EXPONENT})")
    if positive and d <= 0:
        raise InputError(path, "must be greater than zero")
    if non_negative and d < 0:
        raise InputError(path, "must not be negative")
    return d


@overload
def fmt(d: Decimal) -> str: ...


@overload
def fmt(d: None) -> None: ...


@overload
def fmt(d: Decimal | None) -> str | None: ...


def fmt(d: Decimal | None) -> str | None:
    """A Decimal as a plain string without exponent (``Decimal('1E+1')`` -> ``'10'``)."""
    if d is None:
        return None
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")
