"""Premises, instruments and reference standards (each with its version history), and
tombstones (deletions).
"""

from __future__ import annotations

from typing import Any

from ...domain import validation
from ...domain.errors import InputError
from ...domain.models import (
    Instrument,
    Premises,
    ReferenceStandard,
)
from ..format import (
    HEX64,
    TOMBSTONE_ENTITIES,
    record_hash,
)
from .values import _dataclass_fields, _id, _keys, _normal, _str, _walk_values


# -- per-table parsers ----------------------------------------------------------------------
def _versioned(obj: dict[str, Any], cls: type, path: str) -> tuple[dict[str, Any], str, list[str]]:
    _keys(obj, {"data", "versions"}, path)
    data, versions = obj["data"], obj["versions"]
    if not isinstance(data, dict):
        raise InputError(f"{path}.data", "must be an object")
    if (
        not isinstance(versions, list)
        or len(versions) > 10000
        or not all(isinstance(v, str) and HEX64.match(v) for v in versions)
    ):
        raise InputError(f"{path}.versions", "must be a list of SHA-256 hashes")
    _keys(data, _dataclass_fields(cls), path)
    h = record_hash(data)
    if h not in versions:
        raise InputError(f"{path}.versions", "must include the record's own hash")
    return data, h, versions


def parse_premises(obj: dict[str, Any], path: str = "premises") -> tuple[Premises, str, list[str]]:
    data, h, versions = _versioned(obj, Premises, path)
    for k, v in data.items():
        _str(v, f"{path}.{k}", 10_000, allow_none=k in ("latitude", "longitude"))
    _id(data["id"], f"{path}.id")
    p = Premises(**data)
    _normal(p, validation.validate_premises(p), path)
    return p, h, versions


def parse_instrument(
    obj: dict[str, Any], path: str = "instrument"
) -> tuple[Instrument, str, list[str]]:
    data, h, versions = _versioned(obj, Instrument, path)
    for k, v in data.items():
        if k != "metrology":
            _str(v, f"{path}.{k}", 10_000, allow_none=k in ("last_verified", "next_due"))
    _id(data["id"], f"{path}.id")
    _id(data["premises_id"], f"{path}.premises_id")
    if not isinstance(data["metrology"], dict):
        raise InputError(f"{path}.metrology", "must be an object")
    _walk_values(data["metrology"], f"{path}.metrology")
    ins = Instrument(**data)
    _normal(ins, validation.validate_instrument(ins), path)
    return ins, h, versions


def parse_standard(
    obj: dict[str, Any], path: str = "standard"
) -> tuple[ReferenceStandard, str, list[str]]:
    data, h, versions = _versioned(obj, ReferenceStandard, path)
    for k, v in data.items():
        _str(v, f"{path}.{k}", 10_000, allow_none=k in ("valid_until", "mpe"))
    _id(data["id"], f"{path}.id")
    s = ReferenceStandard(**data)
    _normal(s, validation.validate_standard(s), path)
    return s, h, versions


# -- built without their checks ------------------------------------------------------------
VERSIONED = {"premises": Premises, "instruments": Instrument, "standards": ReferenceStandard}


def build_versioned(obj: dict[str, Any], table: str) -> tuple[Any, str, list[str]]:
    """What :func:`parse_premises`, :func:`parse_instrument` or :func:`parse_standard` (by
    *table*, one of :data:`VERSIONED`) gives for a line it accepts, without its checks: for
    an import whose lines another process checks at the same time
    (``sync.importing.overlap``); a line they would refuse is never merged (the import then
    runs its checks here). The checks only look (texts in normal form, ids, the metrology's
    values): the record and its hash are the same. Raises KeyError or TypeError on a line
    too far off to build."""
    data = obj["data"]
    return VERSIONED[table](**data), record_hash(data), obj["versions"]


def parse_tombstone(obj: dict[str, Any], path: str = "tombstone") -> tuple[str, str]:
    _keys(obj, {"entity", "entity_id"}, path)
    if obj["entity"] not in TOMBSTONE_ENTITIES:
        raise InputError(f"{path}.entity", f"must be one of {', '.join(TOMBSTONE_ENTITIES)}")
    _id(obj["entity_id"], f"{path}.entity_id")
    return obj["entity"], obj["entity_id"]
