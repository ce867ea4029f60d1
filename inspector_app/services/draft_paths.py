"""Addressing a value inside a draft's tests by the engine's path (``tests[0].rows[2].load``):
reading it, setting it (lists and objects made on the way), the key of a test's rows, and a
typed cell parsed as the exact number or text the record keeps. :mod:`.drafts` re-exports
these names, the editor's import path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..domain.errors import InputError
from ..domain.numbers import fmt, parse_decimal

PATH_RE = re.compile(r"^tests\[(\d+)\](?:\.([A-Za-z_]\w*))?(?:\[(\d+)\])?(?:\.(.+))?$")


def rows_key(test: Mapping) -> str | None:
    """The key of the list that holds a test's rows (``points``, ``runs``, ``lenses``…)."""
    for key, value in test.items():
        if isinstance(value, list):
            return key
    return None


def get_path(obj: Any, path: str) -> Any:
    """``"can.neck_reading"`` / ``"readings[1]"`` / ``""`` (the object itself)."""
    if path == "":
        return obj
    for part in _split(path):
        if isinstance(part, int):
            if not isinstance(obj, list) or part >= len(obj):
                return None
            obj = obj[part]
        else:
            if not isinstance(obj, Mapping) or part not in obj:
                return None
            obj = obj[part]
    return obj


def set_path(obj: dict, path: str, value: Any) -> None:
    """Set (or with ``value=None`` remove) the value at *path* inside *obj* in place;
    containers left empty by a removal are removed too."""
    _set(obj, _split(path), value)


def _set(obj: Any, parts: list[str | int], value: Any) -> None:
    part, rest = parts[0], parts[1:]
    if isinstance(part, int):
        while len(obj) <= part:
            obj.append(None)
    if rest:
        child = obj[part] if isinstance(part, int) else obj.get(part)
        if child is None:
            if value is None:
                return
            child = [] if isinstance(rest[0], int) else {}
            obj[part] = child
        _set(child, rest, value)
        if child in ({}, []):
            value, rest = None, []
        else:
            return
    if isinstance(part, int):
        obj[part] = value
        while obj and obj[-1] is None:
            obj.pop()
    elif value is None:
        obj.pop(part, None)
    else:
        obj[part] = value


def _split(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for chunk in path.split("."):
        m = re.match(r"^([A-Za-z_]\w*)?((?:\[\d+\])*)$", chunk)
        if not m:
            raise ValueError(f"bad field path {path!r}")
        if m.group(1):
            parts.append(m.group(1))
        parts += [int(x) for x in re.findall(r"\[(\d+)\]", m.group(2))]
    return parts


def parse_cell(text: str, path: str, kind: str = "number") -> str | None:
    """The stored form of a typed cell: a decimal string (``None`` for an empty cell).

    Raises InputError for text that is not a finite decimal (``abc``, ``NaN``, ``1e400``).
    """
    text = (text or "").strip()
    if not text:
        return None
    if kind != "number":
        if len(text) > 100:
            raise InputError(path, "is too long (at most 100 characters)")
        return text
    d = parse_decimal(text, path)
    shown = str(d)
    return fmt(d) if "E" in shown else shown
