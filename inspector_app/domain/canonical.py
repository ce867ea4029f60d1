"""Canonical JSON and content hashes of finalized records.

The hash of a finalized inspection is SHA-256 over a canonical JSON rendering of its
content: keys sorted, no insignificant white space, UTF-8, quantities as decimal strings.
The same bytes are produced on every device, so the office can recompute the hash of a
record that arrived in a bundle.

The rendering is defined by the standard library's ``json.dumps`` (sort_keys, compact,
ensure_ascii=False, allow_nan=False). msgspec renders the same bytes three to four times
faster for plain JSON values (exact ``dict`` with text keys, ``list``, ``tuple``, ``str``,
``int``, ``bool``, None, and here ``Decimal``): the same escapes for every code point, the
same key order, the same integers, a Decimal as ``str(d)`` (tests/domain/test_canonical.py
proves each over real records of every family and over every code point). :func:`fast_json`
walks a value first and uses msgspec only when every part of it is of those exact types; a
float (msgspec writes NaN as ``null`` and its own float text), a subclass, a dataclass, a
set, bytes, a date or anything else, or nesting deeper than 500, goes to the standard
library, which gives the same bytes or the same error as before.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .models import Inspection

# Fields that are not content: they describe the record's state or its seal.
NON_CONTENT_FIELDS = frozenset({"status", "content_hash", "signature", "signer"})

MAX_FAST_DEPTH = 500  # deeper values go to the standard library (and its recursion limit)


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    raise TypeError(f"not serialisable: {type(obj).__name__}")


def plain_json(obj: Any, decimals: bool = False) -> bool:
    """Whether *obj* is made only of exact dict / list / tuple / str / int / bool / None
    (and Decimal with *decimals*), nested at most MAX_FAST_DEPTH deep. Dict keys are not
    looked at: msgspec refuses a key that is not text, and the fallback then decides."""
    stack: list[tuple[Any, int]] = [((obj,), 0)]
    pop, push = stack.pop, stack.append
    while stack:
        o, depth = pop()
        if depth > MAX_FAST_DEPTH:
            return False
        depth += 1
        for v in o.values() if type(o) is dict else o:
            t = type(v)
            if t is str:
                continue
            if t is dict or t is list or t is tuple:
                push((v, depth))
            elif not (t is int or t is bool or v is None or (decimals and t is Decimal)):
                return False
    return True


_ENCODE: Callable[[Any], bytes] | None = None
_LOADED = False


def _encoder() -> Callable[[Any], bytes] | None:
    """msgspec's sorted-keys JSON encoder, imported on first use (the window's start does not
    need it); None in a build without msgspec (the standard library then does all the work:
    the self-test's bundle step is the one that reports the missing module)."""
    global _ENCODE, _LOADED
    if not _LOADED:
        _LOADED = True
        try:
            import msgspec
        except ImportError:
            return None
        _ENCODE = msgspec.json.Encoder(order="sorted").encode
    return _ENCODE


def fast_json(obj: Any, decimals: bool = False) -> bytes | None:
    """msgspec's canonical rendering of *obj* (UTF-8), or None when it might differ from the
    standard library's: not plain JSON (:func:`plain_json`), or msgspec refused it (a key
    that is not text, a lone surrogate, ...)."""
    encode = _ENCODE if _LOADED else _encoder()
    if encode is None or not plain_json(obj, decimals):
        return None
    try:
        return encode(obj)
    except Exception:  # the standard library gives the answer (bytes or its own error)
        return None


def canonical_bytes(obj: Any) -> bytes:
    fast = fast_json(obj, decimals=True)
    if fast is not None:
        return fast
    return json.dumps(
        obj,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_default,
        allow_nan=False,
    ).encode("utf-8")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _shallow(obj: Any) -> dict[str, Any]:
    """The dataclass's fields by name, values not copied; the names are looked up once per
    class (``dataclasses.fields`` builds them again on every call)."""
    cls = type(obj)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(obj))
    return {name: getattr(obj, name) for name in names}


def inspection_content(insp: Inspection) -> dict[str, Any]:
    """The hashed fields. Nested dicts are referenced, not copied (``asdict`` deep-copies
    every reading, which made hashing the slowest step of loading 100,000 records)."""
    data = {k: v for k, v in _shallow(insp).items() if k not in NON_CONTENT_FIELDS}
    data["findings"] = [_shallow(f) for f in insp.findings]
    data["attachments"] = [_shallow(a) for a in insp.attachments]
    return data


def content_hash(insp: Inspection) -> str:
    """SHA-256 (hex) of the inspection's canonical content."""
    import hashlib  # (here: loading OpenSSL's hashes costs every start that reads a list)

    return hashlib.sha256(canonical_bytes(inspection_content(insp))).hexdigest()


def content_hash_given(insp: Inspection, texts: Mapping[str, bytes]) -> str:
    """:func:`content_hash`, given the canonical JSON (UTF-8) of some of its top-level fields
    (``store.codec.sealed_row``: the JSON columns just made from the same inspection), put
    in place instead of rendered again. The other fields are rendered as usual; whenever
    msgspec cannot take them, the whole content is rendered (the texts are not used)."""
    import hashlib

    content = inspection_content(insp)
    rest = {k: v for k, v in content.items() if k not in texts}
    encode = _ENCODE if _LOADED else _encoder()
    if encode is None or len(rest) + len(texts) != len(content) or not plain_json(rest, True):
        return content_hash(insp)
    from msgspec import Raw  # (loaded: _encoder found it)

    for k, text in texts.items():
        rest[k] = Raw(text)
    try:
        data = encode(rest)
    except Exception:  # (a lone surrogate in a scalar): the standard library answers
        return content_hash(insp)
    return hashlib.sha256(data).hexdigest()
