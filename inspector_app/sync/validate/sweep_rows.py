"""Sweep rows of a sealed visit: the quick check of all rows at once (a field at a time),
the quick check of one row, and the full check that names a problem (``parse_visit`` in
:mod:`.visits` uses them).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection
from decimal import Decimal
from functools import partial
from operator import is_not, itemgetter
from typing import Any

from ...domain.errors import InputError
from ...domain.numbers import fmt, parse_decimal
from ...domain.text import NAME_MAX, NOTE_MAX, clean_text
from ..format import ID_RE
from .shapes import ANSWERS, CHEATING, TEXT_MAX, RowLine
from .values import (
    _CLEAN,
    _NORMAL_DECIMAL,
    _POSITIVE,
    _REF_IDS,
    CACHE_MAX,
    _id,
    _keys,
    _normal,
    _str,
)

# ---- sweep rows: the quick check, and the full one that names a problem ---------------------
#
# A market visit carries hundreds of sweep rows, a year's bundle about two hundred thousand. A
# row in normal form passes the quick check below, which decides exactly what the full check
# (``_check_row``: ``validate_row`` and a comparison, field by field) would accept, with set
# look-ups instead of a cleaned copy per row; a text or number already proven normal is
# remembered for the rest of the bundle (``values._forget`` empties the caches). Any row the
# quick check does not accept goes through the full check, which gives the exact message (or
# accepts it, if the quick check was only more cautious).

_FIELDS: list[frozenset[str]] = []  # the fields of domain.visits.SweepRow, read once
_SORTED_FIELDS: list[tuple[str, ...]] = []  # the same in the order of a canonical line
_ANSWERS = ANSWERS  # domain.visits.ANSWERS, or unchecked (shapes.Answer)
_CHEATING = CHEATING  # domain.visits.CHEATING_ANSWERS, or unchecked (shapes.Cheating)
_JUDGED = ("error", "mpe", "quick_verdict", "rule")  # judged values: bounded text


def _row_fields() -> frozenset[str]:
    if not _FIELDS:
        from ...domain.visits import ANSWERS, CHEATING_ANSWERS, SweepRow

        # the quick check's answer sets and the typed shape's fields are those of the
        # domain: a new answer or field must be added to both (an import stops here rather
        # than let them drift apart)
        fields = frozenset(f.name for f in dataclasses.fields(SweepRow))
        if (
            _ANSWERS != {"", *ANSWERS}
            or _CHEATING != {"", *CHEATING_ANSWERS}
            or set(RowLine.__annotations__) != fields
        ):
            raise RuntimeError(
                "sync.validate.sweep_rows: the sweep-row answers or fields differ from the domain's"
            )
        _FIELDS.append(fields)
        _SORTED_FIELDS.append(tuple(sorted(_FIELDS[0])))
    return _FIELDS[0]


def _row_ok(r: object, vid: object, i: int) -> bool:
    """Whether the full check would accept the sweep row *r*, the *i*-th of visit *vid*
    (False also when unsure)."""
    if type(r) is not dict or r.keys() != _FIELDS[0]:
        return False
    try:
        if (
            r["visit_id"] != vid
            or r["seq"] != i
            or type(r["rest_ok"]) is not bool
            or r["mark"] not in _ANSWERS
            or r["seal"] not in _ANSWERS
            or r["nameplate"] not in _ANSWERS
            or r["approval"] not in _ANSWERS
            or r["cheating"] not in _CHEATING
        ):
            return False
    except TypeError:  # a list or an object where an answer belongs
        return False
    rid = r["id"]
    if type(rid) is not str or not ID_RE.match(rid):
        return False
    for k in ("instrument_id", "premises_id", "inspection_id"):
        x = r[k]
        if x is not None and (type(x) is not str or not ID_RE.match(x)):
            return False
    for k in _JUDGED:
        x = r[k]
        if type(x) is not str or len(x) > TEXT_MAX:
            return False
    code, label = r["identity_code"], r["label"]
    if not (
        _clean(code, 64, False)
        and _clean(label, NAME_MAX, False)
        and _clean(r["note"], NOTE_MAX, True)
    ):
        return False
    load, indication = r["load"], r["indication"]
    if load or indication:
        if not (_decimal_normal(load) and _decimal_normal(indication) and _positive(load)):
            return False
    elif type(load) is not str or type(indication) is not str:
        return False
    return bool(r["instrument_id"] or code or label)


_NONE = frozenset({None})
_NOT_NONE = partial(is_not, None)
_NO_TEXTS: frozenset[str] = frozenset()
_IDS = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._:-]{0,99}\n)*")  # ids (ID_RE), one a line


def _ids_ok(ids: Collection[Any]) -> bool:
    """Whether every item of *ids* is a text ``ID_RE`` accepts (False also when unsure)."""
    if not ids:
        return True
    try:
        text = "\n".join(ids) + "\n"
    except TypeError:  # not all texts
        return False
    return text.count("\n") == len(ids) and _IDS.fullmatch(text) is not None


def _rows_ok(rows: list[Any], vid: object, typed: bool = False) -> bool:
    """:func:`_row_ok` of every row of a visit at once, a field at a time (the loops run in
    C, each distinct text is looked at once): True only when each row would pass it.
    *typed*: the rows were decoded with the shape ``shapes.RowLine`` (exactly its fields,
    the answers, ``rest_ok`` and the judged texts of the right types and lengths, ``seq`` a
    whole number); what that shape holds is not checked again."""
    n = len(rows)
    if not n:
        return True
    if not typed and (
        set(map(type, rows)) != {dict} or set(map(tuple, rows)) != {_SORTED_FIELDS[0]}
    ):
        return False
    names = _TYPED_LEFT if typed else _SORTED_FIELDS[0]
    try:  # the columns: each row's values of *names* at once, then transposed
        col = dict(zip(names, zip(*map(itemgetter(*names), rows), strict=True), strict=True))
    except KeyError:  # (untyped: the fields were compared above)
        return False
    try:
        if col["visit_id"].count(vid) != n or col["seq"] != tuple(range(n)):
            return False
        if not typed and (
            set(map(type, col["rest_ok"])) != {bool}
            or not _ANSWERS.issuperset(col["mark"])
            or not _ANSWERS.issuperset(col["seal"])
            or not _ANSWERS.issuperset(col["nameplate"])
            or not _ANSWERS.issuperset(col["approval"])
            or not _CHEATING.issuperset(col["cheating"])
        ):
            return False
        if not _ids_ok(col["id"]):
            return False
        for k in ("instrument_id", "premises_id", "inspection_id"):
            # (a market's instruments and premises come back visit after visit: each id is
            # matched once per bundle)
            if _REF_IDS.issuperset(filter(_NOT_NONE, col[k])):
                continue
            new = set(col[k]) - _NONE - _REF_IDS
            if not _ids_ok(new):
                return False
            if len(_REF_IDS) < CACHE_MAX:
                _REF_IDS.update(new)
        for k in () if typed else _JUDGED:
            if set(map(type, col[k])) != {str} or max(map(len, col[k])) > TEXT_MAX:
                return False
        for k, limit, multiline in (
            ("identity_code", 64, False),
            ("label", NAME_MAX, False),
            ("note", NOTE_MAX, True),
        ):
            known = _CLEAN.get((limit, multiline))
            if known is not None and known.issuperset(col[k]):
                continue
            for value in set(col[k]) - (known or _NO_TEXTS):
                if not _clean(value, limit, multiline):
                    return False
        loads, indications = col["load"], col["indication"]
        if typed:  # (texts): a row has both or neither, each a decimal in normal form
            if list(map(bool, loads)) != list(map(bool, indications)):
                return False
            for load in set(filter(None, loads)) - _POSITIVE:
                if not (_decimal_normal(load) and _positive(load)):
                    return False
            for indication in set(filter(None, indications)) - _NORMAL_DECIMAL:
                if not _decimal_normal(indication):
                    return False
        else:
            for load, indication in set(zip(loads, indications, strict=True)):
                if load or indication:
                    if not (
                        _decimal_normal(load) and _decimal_normal(indication) and _positive(load)
                    ):
                        return False
                elif type(load) is not str or type(indication) is not str:
                    return False
    except TypeError:  # a list or an object where a text belongs
        return False
    # each row names its instrument, or at least its identity code or label
    return all(col["instrument_id"]) or all(
        map(any, zip(col["instrument_id"], col["identity_code"], col["label"], strict=True))
    )


# The fields whose check the typed shape (shapes.RowLine) leaves to _rows_ok.
_TYPED_LEFT = (
    "id",
    "identity_code",
    "indication",
    "inspection_id",
    "instrument_id",
    "label",
    "load",
    "note",
    "premises_id",
    "seq",
    "visit_id",
)


def _clean(value: object, limit: int, multiline: bool) -> bool:
    """Whether ``clean_text`` (as ``domain.visits`` calls it) leaves *value* unchanged."""
    if value == "":
        return True
    known = _CLEAN.get((limit, multiline))
    if known is None:  # (the empty text is clean: held, so that a column of "" is known)
        known = _CLEAN[limit, multiline] = {""}
    if type(value) is not str or len(value) > TEXT_MAX:
        return False
    if value in known:
        return True
    try:
        ok = clean_text(value, "", max_len=limit, multiline=multiline) == value
    except InputError:
        return False
    if ok and len(known) < CACHE_MAX:
        known.add(value)
    return ok


def _decimal_normal(value: object) -> bool:
    """Whether *value* is a decimal text the row's cleaning leaves unchanged."""
    if type(value) is not str or not value or len(value) > TEXT_MAX:
        return False
    if value in _NORMAL_DECIMAL:
        return True
    try:
        ok = fmt(parse_decimal(value, "")) == value
    except InputError:
        return False
    if ok and len(_NORMAL_DECIMAL) < CACHE_MAX:
        _NORMAL_DECIMAL.add(value)
    return ok


def _positive(load: str) -> bool:
    if load in _POSITIVE:
        return True
    if Decimal(load) <= 0:
        return False
    if len(_POSITIVE) < CACHE_MAX:
        _POSITIVE.add(load)
    return True


def _check_row(
    r: object,
    vid: object,
    i: int,
    rp: str,
    row_fields: frozenset[str],
    validate_row: Callable[..., Any],
    sweep_row: type,
) -> None:
    """The full check of one sweep row: raises InputError naming the first problem."""
    if type(r) is not dict:
        raise InputError(rp, "must be an object")
    _keys(r, set(row_fields), rp)
    _id(r["id"], f"{rp}.id")
    for k in ("instrument_id", "premises_id", "inspection_id"):
        _id(r[k], f"{rp}.{k}", allow_none=True)
    if r["visit_id"] != vid:
        raise InputError(f"{rp}.visit_id", "must be the id of the visit it is in")
    if r["seq"] != i:
        raise InputError(f"{rp}.seq", f"must be {i} (rows are numbered in order from 0)")
    if type(r["rest_ok"]) is not bool:
        raise InputError(f"{rp}.rest_ok", "must be true or false")
    for k in row_fields - {"id", "visit_id", "seq", "rest_ok"} - _REFS:
        _str(r[k], f"{rp}.{k}", TEXT_MAX)
    row = sweep_row(**r)
    _normal(row, validate_row(row, rp), rp)


_REFS = frozenset({"instrument_id", "premises_id", "inspection_id"})
