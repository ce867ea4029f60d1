"""Reading an ``evaluate`` request from JSON text, exactly.

Numbers become :class:`decimal.Decimal` (``parse_float=Decimal, parse_int=Decimal``), so
0.1 stays 0.1; ``NaN``/``Infinity`` are refused, as are duplicate keys (which JSON parsers
resolve differently) and lone surrogates (text that cannot be stored or printed as UTF-8).
Every problem raises :class:`InputError` with the empty path.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError

MAX_TEXT = 10_000_000  # characters; a request is a few kilobytes


def _reject_constant(name: str) -> Any:
    raise InputError("", f"{name} is not allowed (numbers must be finite)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError("", f"duplicate key {key!r}")
        out[key] = value
    return out


def _check_text(value: Any) -> None:
    """Refuse lone surrogates anywhere in keys or strings."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(
                "", "invalid text: lone surrogate (\\ud800-\\udfff) in a string"
            ) from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_text(k)
            _check_text(v)
    elif isinstance(value, list):
        for v in value:
            _check_text(v)


def loads_request(text: str | bytes) -> dict[str, Any]:
    """Parse one request object; raise InputError(path="") when it is not valid JSON."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("", f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    if len(text) > MAX_TEXT:
        raise InputError("", "the request is too large")
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            "", f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise InputError("", "malformed JSON: nested too deeply") from None
    _check_text(value)
    if not isinstance(value, dict):
        raise InputError("", "the request must be a JSON object")
    return value
