"""Every inspection belongs to a visit.

Schema 6 gathered the inspections of its time into visits, and the program puts each new
draft into a visit when it is first saved; a few could still lack one (a correction made
before this version, a record restored from an older backup). This migration gathers them
first, one visit per premises and local day (the day as written in the inspection's start
time), into a revision's own visit where an earlier revision of the same record has one;
a gathered visit is sealed when all its inspections are, with the same content hash the
program computes. Then the database refuses to take an inspection out of its visit
(``visit_id`` is never set back to NULL).

Written out in full (no code shared with other migrations), so that it never changes when
the program does.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from typing import Any

STATEMENTS = [
    "CREATE TRIGGER inspections_visit_kept BEFORE UPDATE OF visit_id ON inspections"
    " WHEN OLD.visit_id IS NOT NULL AND NEW.visit_id IS NULL"
    " BEGIN SELECT RAISE(ABORT, 'an inspection belongs to a visit'); END",
]


def visit_hash(content: dict[str, Any]) -> str:
    """The hash ``inspector_app.domain.visits.visit_hash`` computes (canonical JSON:
    sorted keys, no spaces, UTF-8)."""
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _inherit(conn: sqlite3.Connection) -> None:
    """A revision without a visit joins the visit of an earlier revision of its record."""
    conn.execute(
        "UPDATE inspections SET visit_id = (SELECT o.visit_id FROM inspections o"
        " WHERE o.record_id = inspections.record_id AND o.visit_id IS NOT NULL"
        " ORDER BY o.revision LIMIT 1)"
        " WHERE visit_id IS NULL AND EXISTS (SELECT 1 FROM inspections o"
        " WHERE o.record_id = inspections.record_id AND o.visit_id IS NOT NULL)"
    )


def _gather(conn: sqlite3.Connection) -> None:
    """One visit per premises and local day for the inspections still without one."""
    groups = conn.execute(
        "SELECT i.premises_id, substr(i.started_at, 1, 10) AS day, min(i.started_at),"
        " min(i.inspector), sum(i.status = 'draft'), group_concat(DISTINCT i.inspector),"
        " max(i.check_kind = 'covert'), p.kind, p.market, p.address"
        " FROM inspections i JOIN premises p ON p.id = i.premises_id"
        " WHERE i.visit_id IS NULL GROUP BY i.premises_id, day"
    ).fetchall()
    for (
        premises_id,
        day,
        started,
        inspector,
        drafts,
        names,
        covert,
        kind,
        market,
        address,
    ) in groups:
        visit_id = str(uuid.uuid4())
        officers = [{"name": n, "certificate_no": ""} for n in sorted(set(names.split(",")))]
        if len(started) < 16 or "T" not in started:
            started = f"{day}T00:00+00:00" if len(day) == 10 else "1970-01-01T00:00+00:00"
        visit = {
            "id": visit_id,
            "kind": "covert" if covert else "routine",
            "started_at": started,
            "inspector": inspector,
            "premises_id": premises_id,
            "market": market if kind == "market" else "",
            "officers": officers,
            "campaign_id": None,
            "place": address or "",
            "notes": "",
            "duty_set": "",
            "duties": {},
            "covert": {},
            "finalized_at": None,
        }
        status, digest = "draft", None
        if not drafts:
            status = "finalized"
            visit["finalized_at"] = conn.execute(
                "SELECT max(finalized_at) FROM inspections WHERE premises_id = ?"
                " AND substr(started_at, 1, 10) = ? AND visit_id IS NULL",
                (premises_id, day),
            ).fetchone()[0]
            digest = visit_hash({**visit, "rows": []})
        conn.execute(
            "INSERT INTO visits (id, kind, started_at, day, inspector, premises_id, market,"
            " officers_json, place, status, content_hash, finalized_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                visit_id,
                visit["kind"],
                visit["started_at"],
                day,
                inspector,
                premises_id,
                visit["market"],
                json.dumps(officers, ensure_ascii=False),
                visit["place"],
                status,
                digest,
                visit["finalized_at"],
            ),
        )
        conn.execute(
            "UPDATE inspections SET visit_id = ? WHERE premises_id = ?"
            " AND substr(started_at, 1, 10) = ? AND visit_id IS NULL",
            (visit_id, premises_id, day),
        )


def up(conn: sqlite3.Connection) -> None:
    _inherit(conn)
    _gather(conn)
    for stmt in STATEMENTS:
        conn.execute(stmt)
