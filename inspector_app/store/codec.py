"""Conversions between domain dataclasses and table rows (visits and sweep rows:
:mod:`.visit_codec`, apart because the visit model pulls in the forms and the rules, which
the window's start-up does not need)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..domain.canonical import content_hash_given, fast_json
from ..domain.models import (
    AttachmentRef,
    Finding,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
)


def dumps(obj: Any) -> str:
    """The column's JSON text: canonical (sorted keys, compact, not ASCII-escaped), as the
    standard library writes it; plain JSON values through msgspec, which gives the same text
    faster (``domain.canonical.fast_json``; a Decimal is not plain here: json.dumps refuses
    it, and so must this)."""
    fast = fast_json(obj)
    if fast is not None:
        return fast.decode("utf-8")
    return json.dumps(
        obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def premises_row(p: Premises) -> dict[str, Any]:
    row = {k: getattr(p, k) for k in Premises.__dataclass_fields__}
    row["search_text"] = search_text(
        p.name, p.market, p.address, p.city, p.credit_code, p.contact, p.stall_no, p.phone
    )
    return row


def premises_from_row(r: sqlite3.Row) -> Premises:
    return Premises(**{k: r[k] for k in Premises.__dataclass_fields__})


def instrument_row(i: Instrument, premises_name: str = "") -> dict[str, Any]:
    row = {k: getattr(i, k) for k in Instrument.__dataclass_fields__ if k != "metrology"}
    row["metrology_json"] = dumps(i.metrology)
    row["search_text"] = search_text(i.maker, i.model, i.serial, i.pattern_approval, premises_name)
    return row


def instrument_from_row(r: sqlite3.Row) -> Instrument:
    data = {k: r[k] for k in Instrument.__dataclass_fields__ if k != "metrology"}
    return Instrument(metrology=loads(r["metrology_json"], {}), **data)


def standard_row(s: ReferenceStandard) -> dict[str, Any]:
    return {k: getattr(s, k) for k in ReferenceStandard.__dataclass_fields__}


def standard_from_row(r: sqlite3.Row) -> ReferenceStandard:
    return ReferenceStandard(**{k: r[k] for k in ReferenceStandard.__dataclass_fields__})


INSPECTION_SCALARS = (
    "id",
    "record_id",
    "revision",
    "parent_id",
    "correction_reason",
    "instrument_id",
    "premises_id",
    "family",
    "ruleset",
    "inspector",
    "started_at",
    "place",
    "verdict",
    "notes",
    "status",
    "content_hash",
    "signature",
    "signer",
    "finalized_at",
)


# the content fields kept as JSON columns, and their columns (in the row's order)
JSON_FIELDS = {
    "environment": "environment_json",
    "checklist": "checklist_json",
    "tests": "tests_json",
    "result": "result_json",
    "standards": "standards_json",
}


def _json_fields(x: Inspection) -> tuple[dict[str, str | None], dict[str, bytes]]:
    """The JSON columns of *x* (result None: NULL), and the same texts as UTF-8 by field."""
    columns: dict[str, str | None] = {}
    texts: dict[str, bytes] = {}
    for field, column in JSON_FIELDS.items():
        value = getattr(x, field)
        if field == "result" and value is None:
            columns[column], texts[field] = None, b"null"
            continue
        if field == "standards":
            value = list(value)
        fast = fast_json(value)
        if fast is None:
            text = dumps(value)
            columns[column], texts[field] = text, text.encode("utf-8")
        else:
            columns[column], texts[field] = fast.decode("utf-8"), fast
    return columns, texts


def json_columns(x: Inspection) -> dict[str, str | None]:
    """The JSON columns of *x*: each field's canonical JSON text (result None: NULL)."""
    return _json_fields(x)[0]


def inspection_row(x: Inspection, columns: dict[str, str | None] | None = None) -> dict[str, Any]:
    """The table row of *x*; *columns*: its :func:`json_columns`, when already made."""
    row = {k: getattr(x, k) for k in INSPECTION_SCALARS}
    row["check_kind"] = x.check
    row.update(json_columns(x) if columns is None else columns)
    return row


def sealed_row(x: Inspection) -> dict[str, Any]:
    """Seal *x* (``x.content_hash = content_hash(x)``) and give its row, rendering each JSON
    field once: the hash takes the columns' texts (the canonical JSON of those fields, which
    is what the hash would render again) instead of rendering them a second time. For bulk
    makers (the demo's workers) that would call content_hash and then inspection_row."""
    columns, texts = _json_fields(x)
    x.content_hash = content_hash_given(x, texts)
    return inspection_row(x, columns)


def inspection_from_row(
    r: sqlite3.Row, findings: list[Finding], attachments: list[AttachmentRef]
) -> Inspection:
    return Inspection(
        **{k: r[k] for k in INSPECTION_SCALARS},
        check=r["check_kind"],
        environment=loads(r["environment_json"], {}),
        checklist=loads(r["checklist_json"], {}),
        tests=loads(r["tests_json"], []),
        result=loads(r["result_json"]),
        standards=loads(r["standards_json"], []),
        findings=findings,
        attachments=attachments,
    )


def search_text(*parts: str | None) -> str:
    """Lower-cased text the search box matches against (any substring, Chinese included)."""
    return " ".join(p for p in parts if p).casefold()
