"""The shared checks every record parser uses: JSON lines read strictly, exact field sets,
ids, bounded text in normal form, decimals, and the walk over untrusted nested values (with
the per-bundle cache of texts already found valid).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any, Literal, overload

import msgspec

from ...domain.errors import InputError
from ...domain.numbers import ascii_digits, parse_decimal
from ...domain.text import NOTE_MAX
from ..format import ID_RE
from ..jsonlines import (
    JsonError,
    loads_canonical,
    loads_typed,
    loads_typed_whole,
    loads_with_parts,
    render,
    strict_loads,
)
from .shapes import AUDIT_DECODE, INSPECTION_DECODE, VISIT_DECODE

SPECIAL = re.compile(r"(?i)[+-]?(s?nan|inf|infinity)")
NUMERIC = re.compile(r"[+-]?[\d.]+([eE][+-]?\d+)?")
MAX_DEPTH = 12
PARTS_TABLES = frozenset({"inspections", "visits"})  # hashed from the texts of their members
_TYPED = {"visits": VISIT_DECODE, "inspections": INSPECTION_DECODE}  # (shapes)


def iter_lines(
    table: str, data: bytes, max_line: int
) -> Iterator[tuple[int, Any, dict[str, bytes] | None, str | None]]:
    """(line number, object, parts, problem) for each line of a JSON-lines entry; *parts* is
    the canonical text of each top-level value when the line is canonical JSON, else None;
    *problem* is the reason a line cannot be read (then the object is None), so that every
    bad line is named, not only the first."""
    for n, obj, parts, problem, _typed in read_lines(table, data, max_line):
        yield n, obj, parts, problem


def read_lines(
    table: str, data: bytes, max_line: int
) -> Iterator[tuple[int, Any, dict[str, bytes] | None, str | None, bool]]:
    """:func:`iter_lines`, and for each line whether it has the exact shape of its table's
    lines (``shapes``: visits, inspections and the audit; then some checks of a visit's rows
    are known to pass, and an inspection or audit line was read without looking for what its
    type rules out)."""
    with_parts = table in PARTS_TABLES
    typed_decode = _TYPED.get(table)
    typed_whole = AUDIT_DECODE if table == "audit" else None  # (read whole: no parts)
    for n, raw in enumerate(_lines(data), start=1):
        if raw is None:
            yield n, None, None, "the last line is not terminated (truncated?)", False
            continue
        if len(raw) > max_line:
            yield n, None, None, f"the line is longer than {max_line} bytes", False
            continue
        if typed_decode is not None and (typed := loads_typed(raw, typed_decode)) is not None:
            yield n, typed[0], typed[1], None, True
            continue
        if typed_whole is not None and (whole := loads_typed_whole(raw, typed_whole)) is not None:
            yield n, whole, None, None, True
            continue
        try:
            # Only inspections and visits need the canonical text of their members (content
            # hash, JSON columns); the flat records of the other tables parse faster whole.
            obj, parts = loads_with_parts(raw) if with_parts else (strict_loads(raw), None)
        except JsonError as exc:
            yield n, None, None, str(exc), False
            continue
        if not isinstance(obj, dict):
            yield n, None, None, "must be a JSON object", False
            continue
        yield n, obj, parts, None, False


def iter_built(
    table: str, data: bytes, columns: tuple[str, ...] = ()
) -> Iterator[tuple[int, Any, dict[str, bytes] | None, None, bool]]:
    """(line number, object, parts, None, False) for each line of an entry that is read strictly
    elsewhere (``sync.importing.overlap``): each line decoded as the canonical JSON it must
    be, *parts* holding the canonical text of the members named in *columns* only. Raises
    (ValueError, or msgspec's error) on a line that is not JSON or not terminated: that
    import then reads its lines here. A visit line of the exact shape (``shapes``) is
    decoded with its typed decoder: the same object, made faster and smaller (a line it
    would decode otherwise, with a member dropped or taken twice, is one the other process
    refuses, and the import then reads its lines here)."""
    typed_decode = VISIT_DECODE if table == "visits" else None
    for n, raw in enumerate(_lines(data), start=1):
        if raw is None:
            raise ValueError(f"records/{table}.jsonl line {n} is not terminated")
        obj: Any = None
        if typed_decode is not None:
            try:
                obj = typed_decode(raw)
            except msgspec.MsgspecError:  # another shape: decoded as it is
                pass
        if obj is None:
            obj = loads_canonical(raw)
        yield n, obj, ({k: render(obj[k]) for k in columns} if columns else None), None, False


def _lines(data: bytes) -> Iterator[bytes | None]:
    """The lines of *data* one at a time (not all copied at once), without their newline;
    None for a last line without one."""
    find = data.find
    start = 0
    while (end := find(b"\n", start)) >= 0:
        yield data[start:end]
        start = end + 1
    if start < len(data):
        yield None


def _keys(obj: dict[str, Any], expected: AbstractSet[str], path: str) -> None:
    missing = expected - set(obj)
    if missing:
        raise InputError(path, f"is missing the field {sorted(missing)[0]!r}")
    extra = set(obj) - expected
    if extra:
        raise InputError(path, f"has an unknown field {sorted(extra)[0][:40]!r}")


def _id(value: object, path: str, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InputError(path, "must be an id (letters, digits, '-', at most 100 characters)")
    return value


@overload
def _str(
    value: object, path: str, max_len: int = 200, allow_none: Literal[False] = False
) -> str: ...


@overload
def _str(value: object, path: str, max_len: int = 200, *, allow_none: bool) -> str | None: ...


def _str(value: object, path: str, max_len: int = 200, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise InputError(path, "must be text")
    if len(value) > max_len:
        raise InputError(path, f"is too long ({len(value)} characters, at most {max_len})")
    return value


# Texts already found valid by the walk (readings repeat a lot), and those among them that are
# finite decimals: at most CACHE_MAX texts of at most CACHED_LEN characters each, emptied when
# a bundle's validation ends.
_OK: set[str] = set()
_DECIMAL_OK: set[str] = set()
CACHE_MAX = 100_000
CACHED_LEN = 100
# and at most LONG_MAX longer texts of at most LONG_LEN characters (a result's warnings,
# hundreds of characters each, repeat in every inspection of a rule set)
LONG_LEN = 1000
LONG_MAX = 2000
_LONG_KEPT = [0]
MAX_INT = 10**15


def _wide_number(text: str) -> bool:
    """Full-width digits that would read as a number (``１２．５``): the program stores numbers
    in ASCII, so a record carrying them is not in normal form."""
    return not text.isascii() and NUMERIC.fullmatch(ascii_digits(text)) is not None


def _text_ok(s: str) -> bool:
    if len(s) > NOTE_MAX:
        return False
    text = s.strip()
    if SPECIAL.fullmatch(text) or _wide_number(text):
        return False
    if NUMERIC.fullmatch(text):
        try:
            parse_decimal(text, "")
        except InputError:
            return False
        if len(s) <= CACHED_LEN and len(_DECIMAL_OK) < CACHE_MAX:
            _DECIMAL_OK.add(s)
    if len(_OK) < CACHE_MAX:
        if len(s) <= CACHED_LEN:
            _OK.add(s)
        elif len(s) <= LONG_LEN and _LONG_KEPT[0] < LONG_MAX:
            # a longer text that repeats (a result's warnings, a rule's citation)
            _LONG_KEPT[0] += 1
            _OK.add(s)
    return True


# Sweep rows (sync.validate.sweep_rows): texts that cleaning leaves unchanged, by (length limit,
# multi-line); decimal texts in normal form; loads known positive. Same bounds, same life.
_CLEAN: dict[tuple[int, bool], set[str]] = {}
_NORMAL_DECIMAL: set[str] = set()
_POSITIVE: set[str] = set()
_REF_IDS: set[str] = set()  # the ids a row refers to (instrument, premises, inspection)
# Times read (sync.validate.times.read_time), by their text. Same bounds, same life.
_TIMES: dict[str, tuple[Any, str | None]] = {}
# Member names the walk found no longer than its limit of 100 characters: an object whose
# names are all among them is not measured again (about CACHE_MAX names, emptied with the rest).
_KEYS: set[str] = set()


def _forget() -> None:
    _OK.clear()
    _LONG_KEPT[0] = 0
    _DECIMAL_OK.clear()
    _CLEAN.clear()
    _NORMAL_DECIMAL.clear()
    _POSITIVE.clear()
    _REF_IDS.clear()
    _TIMES.clear()
    _KEYS.clear()


def _values_ok(obj: Any, depth: int = 0, texts_only: bool = True) -> bool:
    """Whether :func:`_walk_values` would accept the container *obj* (a dict or list of
    untrusted JSON; no paths are built). *texts_only* False: it is known to hold a dict or
    a list, or its members were looked up already, so the look-up of all its members among
    the texts seen before is not tried."""
    if len(obj) > (1000 if type(obj) is dict else 10000):
        return False
    if not obj:
        return True
    if depth >= MAX_DEPTH:  # its members would be deeper than MAX_DEPTH
        return False
    if type(obj) is dict:
        if not _KEYS.issuperset(obj):
            if max(map(len, obj)) > 100:
                return False
            if len(_KEYS) < CACHE_MAX:
                _KEYS.update(obj)
        obj = obj.values()
    ok = _OK
    if texts_only and type(first := next(iter(obj))) is not dict and type(first) is not list:
        try:
            if ok.issuperset(obj):  # only texts seen before: the common case, checked in C
                return True
        except TypeError:  # a dict or list among them
            pass
    for v in obj:
        kind = type(v)
        if kind is str:
            if v in ok or _text_ok(v):
                continue
            return False
        if kind is dict:
            # a dict of texts seen before (a reading) is checked here without a call
            texts = True
            if v and len(v) <= 1000 and depth + 1 < MAX_DEPTH and _KEYS.issuperset(v):
                try:
                    if ok.issuperset(v.values()):
                        continue
                except TypeError:
                    pass
                texts = False  # (looked up already: not only texts seen before)
            if not _values_ok(v, depth + 1, texts):
                return False
        elif kind is list:
            if v and not _values_ok(v, depth + 1):
                return False
        elif kind is int:
            if not -MAX_INT <= v <= MAX_INT:
                return False
        elif v is not None and kind is not bool:
            return False
    return True


def _walk_values(obj: object, path: str) -> None:
    """Leaves must be text, integers, booleans or null; decimal-looking text must be a finite
    decimal. Checked quickly first; the walk that names the place runs only on failure."""
    if not _values_ok(obj):
        _walk_named(obj, path)
        raise InputError(
            path, "holds a value that is not allowed"
        )  # pragma: no cover - the walks agree


def _walk_named(obj: Any, path: str, depth: int = 0) -> None:
    """The slow walk of :func:`_walk_values`: raises InputError at the first bad value's path."""
    if depth > MAX_DEPTH:
        raise InputError(path, "is nested too deeply")
    kind = type(obj)
    if kind is dict:
        if len(obj) > 1000:
            raise InputError(path, "has too many fields")
        for k, v in obj.items():
            if len(k) > 100:
                raise InputError(path, "has a field name that is too long")
            _walk_named(v, f"{path}.{k}", depth + 1)
    elif kind is list:
        if len(obj) > 10000:
            raise InputError(path, "has too many items")
        for i, v in enumerate(obj):
            _walk_named(v, f"{path}[{i}]", depth + 1)
    elif kind is str:
        if len(obj) > NOTE_MAX:
            raise InputError(path, f"is too long ({len(obj)} characters, at most {NOTE_MAX})")
        text = obj.strip()
        if SPECIAL.fullmatch(text):
            raise InputError(path, "must be a finite number (NaN and infinity are not allowed)")
        if _wide_number(text):
            raise InputError(
                path, "is not in normal form (a number written with full-width characters)"
            )
        if NUMERIC.fullmatch(text):
            parse_decimal(text, path)
    elif obj is None or kind is bool:
        return
    elif kind is int:
        parse_decimal(obj, path)
    else:  # Decimal from a JSON fraction: numbers must travel as decimal strings
        raise InputError(
            path, "must be written as a decimal string, not a JSON number with a fraction"
        )


def _decimal(value: object, path: str, allow_none: bool = False) -> None:
    """parse_decimal for validation only, skipping texts already known to be decimals."""
    if type(value) is str and value in _DECIMAL_OK:
        return
    parse_decimal(value, path, allow_none=allow_none)


def _normal(original: Any, cleaned: Any, path: str) -> None:
    """Validation must not change a record: bundles carry records in normal form."""
    if original != cleaned:
        for f in dataclasses.fields(original):
            if getattr(original, f.name) != getattr(cleaned, f.name):
                raise InputError(
                    f"{path}.{f.name}", "is not in normal form (it would be changed on import)"
                )
        raise InputError(
            path, "is not in normal form"
        )  # pragma: no cover - unequal dataclasses differ in a field


def _dataclass_fields(cls: Any) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}
