"""Reading request fields with the path of every value, for precise :class:`InputError` s.

Paths look like ``tests[0].points[1].load``. Every number goes through
:func:`inspector_app.domain.numbers.parse_decimal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import parse_decimal


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise InputError(path, "must be an object")
    return value


# The allowed keys of each call site, as a set: the tuples are the rules modules' constants.
_ALLOWED: dict[tuple[str, ...], frozenset[str]] = {}
_ALLOWED_MAX = 1_000


def only(mapping: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
    """Refuse unknown keys (a misspelt field must not be silently ignored)."""
    if type(allowed) is tuple:
        known = _ALLOWED.get(allowed)
        if known is None:
            if len(_ALLOWED) >= _ALLOWED_MAX:
                _ALLOWED.clear()
            known = _ALLOWED[allowed] = frozenset(allowed)
    else:
        known = frozenset(allowed)
    if mapping.keys() <= known:
        return
    for key in mapping:
        if key not in known:
            raise InputError(
                join(path, key), f"unknown field (expected one of: {', '.join(sorted(known))})"
            )


# Strings already read once, with their exact Decimal: requests repeat the same few
# quantities (loads, nominal powers, 20.000 L) thousands of times, and parse_decimal's
# checks dominated evaluate() on bulk loads. Only strings parse_decimal accepted are kept,
# so a hit is exactly what parse_decimal would return; the sign constraints are checked
# again on every call, and any failure goes through parse_decimal itself for its message
# and path.
_PARSED: dict[str, Decimal] = {}
_PARSED_MAX = 50_000
_MISSING = object()


def _decimal(
    value: Any, path: str, key: str | int, positive: bool = False, non_negative: bool = False
) -> Decimal:
    """``parse_decimal(value, join(path, key), ...)``, building the path only when needed."""
    d = _PARSED.get(value) if type(value) is str else None
    if d is None:
        d = parse_decimal(value, join(path, key), positive=positive, non_negative=non_negative)
        if type(value) is str:
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[value] = d
        return d
    if (positive and d <= 0) or (non_negative and d < 0):
        return parse_decimal(value, join(path, key), positive=positive, non_negative=non_negative)
    return d


def number(
    mapping: Mapping[str, Any],
    key: str,
    path: str,
    *,
    default: Any = None,
    positive: bool = False,
    non_negative: bool = False,
) -> Decimal:
    """A required number (or *default* when given and the key is absent)."""
    value = mapping.get(key, _MISSING)
    if value is _MISSING:
        if default is not None:
            return Decimal(default)
        raise InputError(join(path, key), "is required")
    return _decimal(value, path, key, positive, non_negative)


def optional_number(mapping: Mapping[str, Any], key: str, path: str, **kw: Any) -> Decimal | None:
    if mapping.get(key) is None:
        return None
    return number(mapping, key, path, **kw)


def integer(mapping: Mapping[str, Any], key: str, path: str, *, default: int, minimum: int) -> int:
    d = number(mapping, key, path, default=default)
    if d != d.to_integral_value() or d < minimum:
        raise InputError(join(path, key), f"must be a whole number of at least {minimum}")
    return int(d)


def choice(
    mapping: Mapping[str, Any],
    key: str,
    path: str,
    options: Iterable[str],
    *,
    default: str | None = None,
) -> str:
    options = tuple(options)
    if key not in mapping or mapping[key] is None:
        if default is not None:
            return default
        raise InputError(join(path, key), f"is required (one of: {', '.join(options)})")
    value = mapping[key]
    if not isinstance(value, str) or value not in options:
        raise InputError(join(path, key), f"must be one of: {', '.join(options)}; got {value!r}")
    return value


def text(
    mapping: Mapping[str, Any], key: str, path: str, *, default: str | None = None
) -> str | None:
    value = mapping.get(key, default)
    if value is not None and not isinstance(value, str):
        raise InputError(join(path, key), "must be a string")
    return value


def boolean(mapping: Mapping[str, Any], key: str, path: str, *, default: bool) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        raise InputError(join(path, key), "must be true or false")
    return value


def array(mapping: Mapping[str, Any], key: str, path: str, *, minimum: int = 1) -> list[Any]:
    if key not in mapping:
        raise InputError(join(path, key), "is required")
    value = mapping[key]
    if not isinstance(value, list):
        raise InputError(join(path, key), "must be a list")
    if len(value) < minimum:
        raise InputError(
            join(path, key), f"must have at least {minimum} entr{'y' if minimum == 1 else 'ies'}"
        )
    return value


def objects(
    mapping: Mapping[str, Any], key: str, path: str, *, minimum: int = 1
) -> list[tuple[Mapping[str, Any], str]]:
    """A list of objects, each with its own path."""
    values = array(mapping, key, path, minimum=minimum)
    base = join(path, key)
    out = []
    for i, value in enumerate(values):
        p = f"{base}[{i}]"  # join(base, i)
        out.append((obj(value, p), p))
    return out


def numbers(mapping: Mapping[str, Any], key: str, path: str, *, minimum: int = 1) -> list[Decimal]:
    p = join(path, key)
    return [_decimal(v, p, i) for i, v in enumerate(array(mapping, key, path, minimum=minimum))]
