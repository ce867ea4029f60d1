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
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import chain
from typing import Any

import msgspec

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


# The fast path. Every line a bundle writer makes is canonical JSON (sorted keys, no white
# space, UTF-8 text, no escapes but the required ones). Such a line is decoded by msgspec and
# proven to be exactly what the strict parser would read by rendering the object again and
# comparing the bytes: a rendered dict has no duplicate keys; the rendering is valid UTF-8
# without a byte-order mark, NaN or a lone surrogate; a fraction decodes to a Decimal
# (float_hook), which renders as a quoted text and so never equals the line; an integer of
# more than 16 digits (refused by the strict parser) is looked for in the line itself; a
# line with 500 or more brackets (which could nest deeper than the strict parser goes, given
# the stack it runs on) is left to the strict parser.
# Anything that does not match -- other spacing or order, escapes, a fraction, an error --
# goes through the strict parser (``_strict``), which gives the exact message.
_FAST_DECODE = msgspec.json.Decoder(float_hook=Decimal).decode
_RENDER = msgspec.json.Encoder(order="sorted").encode  # == canonical_text(obj).encode()
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 17  # 17 digits in a row somewhere (in a text, or an integer: see below)
_LONG_INT = re.compile(rb"[:,\[]-?[0-9]{17}")  # a JSON integer of 17 digits or more
_FAST_ERRORS = (msgspec.MsgspecError, ValueError, TypeError, RecursionError, OverflowError)
FAST_BRACKETS = 500  # a line with fewer "[" and "{" nests less deep than that


def _fast_candidate(data: bytes) -> bool:
    """Whether *data* may take the fast path: an object, nested less than 500 deep."""
    return data[:1] == b"{" and data.count(b"{") + data.count(b"[") < FAST_BRACKETS


def _has_long_int(line: bytes) -> bool:
    """Whether the canonical *line* holds an integer the strict parser refuses (17 digits)."""
    return _LONG_RUN in line.translate(_DIGITS) and _LONG_INT.search(line) is not None


def _rendered_back(data: bytes, decode: Callable[[bytes], Any]) -> Any:
    """What *decode* reads from *data* when rendering it gives the very same bytes back;
    None otherwise (or when either fails)."""
    try:
        obj = decode(data)
        return obj if _RENDER(obj) == data else None
    except _FAST_ERRORS:
        return None


def _fast_object(data: bytes) -> dict[str, Any] | None:
    """The object of a canonical JSON object line, or None (then the strict parser reads it)."""
    if not _fast_candidate(data):
        return None
    obj = _rendered_back(data, _FAST_DECODE)
    if type(obj) is not dict or _has_long_int(data):
        return None
    return obj


def loads_canonical(data: bytes) -> Any:
    """The object of a line that is canonical JSON, decoded without the proof that it is
    (:func:`loads_with_parts` gives that): for a line another process reads strictly at
    the same time (``sync.importing.overlap``). Raises on text that is not JSON."""
    return _FAST_DECODE(data)


render = _RENDER  # the canonical text (UTF-8) of a plain JSON value


def strict_loads(data: bytes | str) -> object:
    """Parse JSON strictly: valid UTF-8, no duplicate keys, no NaN/Infinity, finite bounded
    numbers (fractions become Decimal), no lone surrogates. Raises JsonError."""
    if type(data) is bytes:
        obj = _fast_object(data)
        if obj is not None:
            return obj
    return _strict(_text(data))


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


def canonical_parts(obj: dict[str, Any]) -> dict[str, bytes] | None:
    """The canonical JSON text (UTF-8) of each top-level value of *obj* (keys in sorted
    order), or None when a value is not plain JSON (a Decimal)."""
    out = {}
    try:
        for k in sorted(obj):
            v = obj[k]
            kind = type(v)
            if kind is str and _encode_str is not None:
                text = _encode_str(v)
            elif (kind is dict or kind is list) and _encode_container is not None:
                text = "".join(_encode_container(v, 0))
            else:
                text = canonical_text(v)
            out[k] = text.encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
        return None
    return out


# a tuple of keys -> [b'{"key":', b',"key":', ...] (a few shapes of record)
_PREFIXES: dict[tuple[str, ...], list[bytes]] = {}


def _prefixes(keys: tuple[str, ...]) -> list[bytes]:
    out = _PREFIXES.get(keys)
    if out is None:
        out = [b"," + canonical_text(k).encode("utf-8") + b":" for k in keys]
        if out:
            out[0] = b"{" + out[0][1:]
        if len(_PREFIXES) < 1000 and len(keys) <= 100:
            _PREFIXES[keys] = out
    return out


def join_parts(parts: dict[str, bytes], keys: tuple[str, ...] | None = None) -> bytes:
    """The canonical text (UTF-8) of the object whose members are *parts* (restricted to
    *keys*, which must be sorted). (One join of the pieces: the text is copied once, not once
    per step, which counts for the tens of megabytes of a large bundle's lines.)"""
    values: Iterable[bytes]
    if keys is None:
        keys, values = tuple(parts), parts.values()
    else:
        values = [parts[k] for k in keys]
    if not keys:
        return b"{}"
    pieces = list(chain.from_iterable(zip(_prefixes(keys), values, strict=True)))
    pieces.append(b"}")
    return b"".join(pieces)


def loads_with_parts(data: bytes | str) -> tuple[object, dict[str, bytes] | None]:
    """:func:`strict_loads`, and for a canonical JSON object line also the canonical text
    (UTF-8) of each top-level value (see the fast path above); ``(obj, None)`` otherwise."""
    if type(data) is bytes and _fast_candidate(data):
        try:
            obj = _FAST_DECODE(data)
            if type(obj) is dict:
                parts = {k: _RENDER(obj[k]) for k in sorted(obj)}
                if join_parts(parts) == data and not _has_long_int(data):
                    return obj, parts
        except _FAST_ERRORS:
            pass
    return _strict(_text(data)), None


def loads_typed(
    data: bytes, decode: Callable[[bytes], Any]
) -> tuple[dict[str, Any], dict[str, bytes]] | None:
    """The object and parts (as :func:`loads_with_parts`) of a canonical line that *decode*,
    a msgspec decoder of a TypedDict type that holds no integer without bounds, reads; None
    for any other line (then :func:`loads_with_parts` reads it). The rendering must be the
    line itself, as on the fast path above; with the types, no integer the strict parser
    refuses can be in it (none is looked for) and no nesting is deeper than the type's."""
    if data[:1] != b"{":
        return None
    try:
        obj = decode(data)
        parts = {k: _RENDER(obj[k]) for k in sorted(obj)}
        if join_parts(parts) != data:
            return None
    except _FAST_ERRORS:
        return None
    return obj, parts


def loads_typed_whole(data: bytes, decode: Callable[[bytes], Any]) -> dict[str, Any] | None:
    """The object of a canonical line that *decode* (as for :func:`loads_typed`) reads, for
    a table whose members need no canonical text of their own: the line rendered once,
    whole; None for any other line (then :func:`strict_loads` reads it)."""
    if data[:1] != b"{":
        return None
    return _rendered_back(data, decode)  # type: ignore[no-any-return]


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
