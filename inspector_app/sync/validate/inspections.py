"""Inspections: one JSON line parsed into an :class:`Inspection` with its findings and
attachment references, the JSON columns kept as they arrived.
"""

from __future__ import annotations

import hashlib
from functools import partial
from itertools import chain
from operator import is_not, itemgetter
from typing import Any

from ...domain import validation
from ...domain.canonical import NON_CONTENT_FIELDS
from ...domain.errors import InputError
from ...domain.models import (
    ATTACHMENT_ROLES,
    VERDICTS,
    AttachmentRef,
    Finding,
    Inspection,
)
from ...domain.numbers import parse_decimal
from ...domain.text import clean_text
from ..format import HEX64
from ..jsonlines import canonical_parts, join_parts
from .values import (
    _DECIMAL_OK,
    _dataclass_fields,
    _decimal,
    _id,
    _keys,
    _normal,
    _str,
    _walk_values,
)

INSPECTION_FIELDS = _dataclass_fields(Inspection)
FINDING_FIELDS = _dataclass_fields(Finding)
ATTACHMENT_FIELDS = _dataclass_fields(AttachmentRef)


# The fields the content hash covers (domain.canonical.inspection_content), sorted, and the
# columns whose JSON text is stored as it arrived.
CONTENT_FIELDS = tuple(sorted(INSPECTION_FIELDS - NON_CONTENT_FIELDS))
JSON_COLUMNS = ("environment", "checklist", "tests", "result", "standards")
_TEXT_FIELDS = (
    "family",
    "check",
    "ruleset",
    "inspector",
    "started_at",
    "place",
    "correction_reason",
    "notes",
)
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")


def parse_inspection(obj: dict[str, Any], path: str = "inspection") -> Inspection:
    return parse_inspection_line(obj, path)[0]


def parse_inspection_line(
    obj: dict[str, Any], path: str = "inspection", parts: dict[str, bytes] | None = None
) -> tuple[Inspection, dict[str, bytes]]:
    """An inspection line, checked; and the canonical JSON text of its JSON columns.

    *parts* is the canonical text of each top-level value when the line was canonical
    (``jsonlines.loads_with_parts``); the content hash is computed from those texts, which are
    exactly what ``domain.canonical.content_hash`` renders."""
    if obj.keys() != INSPECTION_FIELDS:
        _keys(obj, INSPECTION_FIELDS, path)
    for k in ("id", "record_id", "instrument_id", "premises_id"):
        _id(obj[k], f"{path}.{k}")
    _id(obj["parent_id"], f"{path}.parent_id", allow_none=True)
    rev = obj["revision"]
    if type(rev) is not int or not 1 <= rev <= 100_000:
        raise InputError(f"{path}.revision", "must be a whole number from 1 to 100000")
    if (rev == 1) != (obj["parent_id"] is None):
        raise InputError(
            f"{path}.parent_id", "a first revision has no parent and a later one must name it"
        )
    if obj["status"] != "finalized":
        raise InputError(f"{path}.status", "only finalized inspections travel in bundles")
    if obj["verdict"] not in VERDICTS:
        raise InputError(f"{path}.verdict", "must be pass or fail")
    if not isinstance(obj["content_hash"], str) or not HEX64.match(obj["content_hash"]):
        raise InputError(f"{path}.content_hash", "must be 64 hexadecimal digits")
    for k in _TEXT_FIELDS:
        v = obj[k]
        if type(v) is not str or len(v) > 10_000:
            _str(v, f"{path}.{k}", 10_000)
    _str(obj["finalized_at"], f"{path}.finalized_at", 40)
    _str(obj["signature"], f"{path}.signature", 8192, allow_none=True)
    _str(obj["signer"], f"{path}.signer", 1000, allow_none=True)
    for k in ("environment", "checklist", "result"):
        if type(obj[k]) is not dict:
            raise InputError(f"{path}.{k}", "must be an object")
        _walk_values(obj[k], f"{path}.{k}")
    env = obj["environment"]
    for k in ("temperature", "humidity"):
        if env.get(k) not in (None, ""):
            _decimal(env[k], f"{path}.environment.{k}")
    tests = obj["tests"]
    if type(tests) is not list or len(tests) > 200:
        raise InputError(f"{path}.tests", "must be a list of at most 200 tests")
    _walk_values(tests, f"{path}.tests")
    result = obj["result"]
    result_tests = result.get("tests")
    if type(result_tests) is list and not _judged_known(result_tests):
        _check_judged(result_tests, path)
    if result.get("verdict") not in VERDICTS:
        raise InputError(f"{path}.result.verdict", "must be pass or fail")
    standards = obj["standards"]
    if type(standards) is not list or len(standards) > 100:
        raise InputError(f"{path}.standards", "must be a list of at most 100 ids")
    for i, s in enumerate(standards):
        _id(s, f"{path}.standards[{i}]")
    if type(obj["findings"]) is not list or len(obj["findings"]) > 200:
        raise InputError(f"{path}.findings", "must be a list of at most 200 findings")
    for i, f in enumerate(obj["findings"]):
        fp = f"{path}.findings[{i}]"
        if type(f) is not dict:
            raise InputError(fp, "must be an object")
        _keys(f, FINDING_FIELDS, fp)
        _id(f["id"], f"{fp}.id")
        if not isinstance(f["cheating"], bool):
            raise InputError(f"{fp}.cheating", "must be true or false")
        for k in ("code", "text", "legal_basis", "severity", "action"):
            _str(f[k], f"{fp}.{k}", 10_000)
    if type(obj["attachments"]) is not list or len(obj["attachments"]) > 200:
        raise InputError(f"{path}.attachments", "must be a list of at most 200 attachments")
    for i, a in enumerate(obj["attachments"]):
        if type(a) is not dict:
            raise InputError(f"{path}.attachments[{i}]", "must be an object")
        if a.keys() != ATTACHMENT_FIELDS:
            _keys(a, ATTACHMENT_FIELDS, f"{path}.attachments[{i}]")
        if not isinstance(a["sha256"], str) or not HEX64.match(a["sha256"]):
            raise InputError(f"{path}.attachments[{i}].sha256", "must be 64 hexadecimal digits")
        if a["role"] not in ATTACHMENT_ROLES:
            raise InputError(
                f"{path}.attachments[{i}].role", f"must be one of {', '.join(ATTACHMENT_ROLES)}"
            )
        if a["mime"] not in _IMAGE_TYPES:
            raise InputError(
                f"{path}.attachments[{i}].mime", "must be image/png, image/jpeg or image/webp"
            )
        clean_text(a["caption"], f"{path}.attachments[{i}].caption")
    insp = _assemble(obj)
    _normal(insp, validation.validate_inspection_header(insp), path)
    # Every value is plain JSON now (the checks above refuse anything else), so it renders.
    if parts is None:
        parts = canonical_parts(obj)
        if parts is None:  # pragma: no cover - the checks above leave only plain JSON values
            raise InputError(path, "holds a value that cannot be hashed")
    if hashlib.sha256(join_parts(parts, CONTENT_FIELDS)).hexdigest() != insp.content_hash:
        raise InputError(
            f"{path}.content_hash", "does not match the record's content (the record was altered)"
        )
    return insp, _json_texts(parts)


_ITEMS = itemgetter("items")
_ERROR_MPE = itemgetter("error", "mpe")
_NOT_NONE = partial(is_not, None)


def _judged_known(result_tests: list[Any]) -> bool:
    """Whether every test of a result is an object whose items are objects, each error and
    MPE absent, null or a decimal text found valid before (the common case, checked in C:
    then :func:`_check_judged` would find nothing)."""
    try:
        return _DECIMAL_OK.issuperset(
            filter(
                _NOT_NONE,
                chain.from_iterable(
                    map(_ERROR_MPE, chain.from_iterable(map(_ITEMS, result_tests)))
                ),
            )
        )
    except (KeyError, TypeError):  # a member missing, or not an object: looked at one by one
        return False


def _check_judged(result_tests: list[Any], path: str) -> None:
    """Each test of a result is an object; each item of its items an object whose error and
    MPE are decimals (or null)."""
    for t_i, test in enumerate(result_tests):
        if type(test) is not dict:
            raise InputError(f"{path}.result.tests[{t_i}]", "must be an object")
        items = test.get("items")
        for i_i, item in enumerate(items if type(items) is list else ()):
            if type(item) is not dict:
                raise InputError(f"{path}.result.tests[{t_i}].items[{i_i}]", "must be an object")
            for k in ("error", "mpe"):
                v = item.get(k)
                if v is not None and (type(v) is not str or v not in _DECIMAL_OK):
                    parse_decimal(v, f"{path}.result.tests[{t_i}].items[{i_i}].{k}")


def build_inspection_line(
    obj: dict[str, Any], parts: dict[str, bytes] | None = None
) -> tuple[Inspection, dict[str, bytes]]:
    """What :func:`parse_inspection_line` gives for a line it accepts, without its checks:
    for an import whose lines another process checks at the same time
    (``sync.importing.overlap``); a line it would refuse is never merged (the import then
    runs its checks here). Raises KeyError or TypeError on a line too far off to build."""
    if parts is None:
        parts = canonical_parts(obj)
        if parts is None:
            raise TypeError("a value that cannot be hashed")
    return _assemble(obj), _json_texts(parts)


def _assemble(obj: dict[str, Any]) -> Inspection:
    """The Inspection of a line's values, as they are (the checks leave them unchanged)."""
    return Inspection(
        **{k: obj[k] for k in _SCALAR_FIELDS},
        findings=[Finding(**f) for f in obj["findings"]],
        attachments=[AttachmentRef(**a) for a in obj["attachments"]],
    )


def _json_texts(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The canonical texts of the JSON columns, as UTF-8 (the store writes them as text
    without decoding them: ``store.sync.inspections``)."""
    return {k: parts[k] for k in JSON_COLUMNS}


_SCALAR_FIELDS = tuple(INSPECTION_FIELDS - {"findings", "attachments"})
