"""Conversions between visit rows and the visit model (:mod:`..domain.visits`)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from ..domain.visits import Officer, SweepRow, Visit

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
