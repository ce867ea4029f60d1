"""Strict JSON for untrusted bundle lines, and the canonical text of what is written.

A line of a bundle is one JSON object read strictly (:func:`strict_loads`): valid UTF-8, no
duplicate keys, no NaN or infinities, no number beyond 1e15, fractions as ``Decimal``, no
lone surrogates. :func:`loads_with_parts` also gives the canonical text of each top-level
value, so that a record can be stored and hashed as it arrived; :func:`dumps_line` writes
one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..domain.errors import InputError
from ..domain.numbers import parse_decimal


class JsonError(ValueError):
    pass


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out = dict(pairs)
    if len(out) != len(pairs):  # a key appeared twice: name the first one repeated
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonError(f"duplicate key {key[:40]!r}")
            seen.add(key)
    return out


def _constant(name: str) -> object:
    raise JsonError(f"{name} is not allowed")


def _float(text: str) -> Decimal:
    try:
        return parse_decimal(text, "number")
    except InputError as exc:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise JsonError(f"the number {shown} {exc.message}") from None


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 16:
        raise JsonError(f"the number {text[:20]}… is out of range")
    return int(text)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float, parse_int=_int
)


def _check_strings(obj: object) -> None:
    """Refuse lone surrogates (``"\\ud800"`` escapes decode to text that is not valid Unicode)."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, str):
            try:
                o.encode("utf-8")
            except UnicodeEncodeError:
                raise JsonError("text contains a lone surrogate (invalid Unicode)") from None
        elif isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)


def _text(data: bytes | str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(f"invalid UTF-8 at byte {exc.start}") from None
    else:
        text = data
    if text.startswith("\ufeff"):
        raise JsonError("a byte-order mark is not allowed")
    return text


def strict_loads(data: bytes | str) -> object:
    """Parse JSON strictly: valid UTF-8, no duplicate keys, no NaN/Infinity, finite bounded
    numbers (fractions become Decimal), no lone surrogates. Raises JsonError."""
    return _strict(_text(data))


# The fast path. Every line a bundle writer makes is canonical JSON (sorted keys, no white
# space, UTF-8 text): such a line is parsed by the C decoder without a Python call per object,
# and proven to be free of duplicate keys by rendering each top-level value again and
# comparing the whole text: a parsed dict cannot have duplicate keys, so a text equal to the
# rendering of one has none either. The same hooks refuse NaN, 1e400 and long integers; a
# fraction (Decimal) cannot be rendered and so falls back. Anything that does not match --
# other spacing, escapes, an error -- goes through the strict parser (``_strict``), which
# gives the exact message.
_FAST_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float, parse_int=_int)
_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)
canonical_text = (
    _CANONICAL.encode
)  # == domain.canonical.canonical_bytes(obj).decode() for plain JSON values


def _not_json(obj: object) -> object:
    raise TypeError(f"{type(obj).__name__} is not plain JSON")


try:  # the C encoder behind json.dumps, made once (json.dumps builds it again on every call)
    # (CPython's C accelerators: not in the typing stubs)
    from json.encoder import c_encode_basestring as _encode_str  # type: ignore[attr-defined]
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]

    _encode_container = c_make_encoder(
        None, _not_json, _encode_str, None, ":", ",", True, False, False
    )
except (ImportError, TypeError):  # pragma: no cover - CPython always has the C encoder
    _encode_str = _encode_container = None


def canonical_parts(obj: dict[str, Any]) -> dict[str, str] | None:
    """The canonical JSON text of each top-level value of *obj* (keys in sorted order), or
    None when a value is not plain JSON (a Decimal)."""
    out = {}
    try:
        for k in sorted(obj):
            v = obj[k]
            kind = type(v)
            if kind is str and _encode_str is not None:
                out[k] = _encode_str(v)
            elif (kind is dict or kind is list) and _encode_container is not None:
                out[k] = "".join(_encode_container(v, 0))
            else:
                out[k] = canonical_text(v)
    except (TypeError, ValueError, RecursionError):
        return None
    return out


# a tuple of keys -> ['"key":', ...] (a few shapes of record)
_PREFIXES: dict[tuple[str, ...], list[str]] = {}


def _prefixes(keys: tuple[str, ...]) -> list[str]:
    out = _PREFIXES.get(keys)
    if out is None:
        out = [canonical_text(k) + ":" for k in keys]
        if len(_PREFIXES) < 1000 and len(keys) <= 100:
            _PREFIXES[keys] = out
    return out


def join_parts(parts: dict[str, str], keys: tuple[str, ...] | None = None) -> str:
    """The canonical text of the object whose members are *parts* (restricted to *keys*,
    which must be sorted)."""
    values: Iterable[str]
    if keys is None:
        keys, values = tuple(parts), parts.values()
    else:
        values = [parts[k] for k in keys]
    return "{" + ",".join(map(str.__add__, _prefixes(keys), values)) + "}"


def loads_with_parts(data: bytes | str) -> tuple[object, dict[str, str] | None]:
    """:func:`strict_loads`, and for a canonical JSON object also the canonical text of each
    top-level value (see the fast path above); ``(obj, None)`` otherwise."""
    text = _text(data)
    if text[:1] == "{" and not _SURROGATE_ESCAPE.search(text):
        try:
            obj = _FAST_DECODER.decode(text)
        except (ValueError, RecursionError):  # the strict parser names the problem
            obj = None
        if type(obj) is dict:
            parts = canonical_parts(obj)
            if parts is not None and join_parts(parts) == text:
                return obj, parts
    return _strict(text), None


def _strict(text: str) -> object:
    try:
        obj, end = _DECODER.raw_decode(text)
    except JsonError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonError(
            f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise JsonError("nested too deeply") from None
    if text[end:].strip():
        raise JsonError("extra data after the JSON value")
    if _SURROGATE_ESCAPE.search(text):  # only an escape can make a lone surrogate
        _check_strings(obj)
    return obj


def dumps_line(obj: object) -> bytes:
    """One canonical JSON line (sorted keys, UTF-8, no NaN)."""
    return (
        json.dumps(
            obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode()
        + b"\n"
    )
