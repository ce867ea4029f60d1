"""Conversions between domain dataclasses and table rows."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import Any

from ..domain.models import (
    AttachmentRef,
    Finding,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
)
from ..domain.visits import Officer, SweepRow, Visit


def dumps(obj: Any) -> str:
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


def inspection_row(x: Inspection) -> dict[str, Any]:
    row = {k: getattr(x, k) for k in INSPECTION_SCALARS}
    row.update(
        check_kind=x.check,
        environment_json=dumps(x.environment),
        checklist_json=dumps(x.checklist),
        tests_json=dumps(x.tests),
        result_json=None if x.result is None else dumps(x.result),
        standards_json=dumps(list(x.standards)),
    )
    return row


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


SWEEP_ROW_COLUMNS = [f.name for f in dataclasses.fields(SweepRow)]


def visit_from_row(row: sqlite3.Row) -> Visit:
    return Visit(
        id=row["id"],
        kind=row["kind"],
        started_at=row["started_at"],
        inspector=row["inspector"],
        premises_id=row["premises_id"],
        market=row["market"],
        officers=[Officer(**o) for o in json.loads(row["officers_json"])],
        campaign_id=row["campaign_id"],
        place=row["place"],
        notes=row["notes"],
        duty_set=row["duty_set"],
        duties=json.loads(row["duties_json"]),
        covert=json.loads(row["covert_json"]),
        status=row["status"],
        content_hash=row["content_hash"],
        finalized_at=row["finalized_at"],
    )


def sweep_row_from_row(r: sqlite3.Row) -> SweepRow:
    data = {k: r[k] for k in SWEEP_ROW_COLUMNS}
    data["rest_ok"] = bool(data["rest_ok"])
    return SweepRow(**data)
