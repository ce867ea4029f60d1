"""Visits (现场检查), their sweep rows, campaigns, and campaign work lists.

- ``campaigns``: a special campaign (专项) defined at the office: name, period, kinds of
  premises, regions and focus items.
- ``visits``: one stop at one premises or at a whole market (the organiser's premises, its
  stalls found by market name) on one day, with the officers present, the kind of visit,
  the campaign, the duties of the premises answered, and covert-purchase details. A
  finalized visit is sealed with a content hash over itself and its sweep rows, and is
  immutable (triggers, as for inspections).
- ``sweep_rows``: the quick look at each instrument during a visit.
- ``inspections.visit_id``: every inspection belongs to a visit. Existing inspections are
  gathered into one visit per premises and local day (the day as written in the
  inspection's start time, which carries its offset); those visits are finalized when all
  their inspections are, sealed with the same content hash the program computes.
- ``assignments`` gains the campaign, a due date and the visit that ticked it off; the same
  premises may be assigned to the same inspector once per campaign.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from typing import Any

VISIT_CONTENT = (
    "kind",
    "started_at",
    "day",
    "inspector",
    "premises_id",
    "market",
    "officers_json",
    "campaign_id",
    "place",
    "notes",
    "duty_set",
    "duties_json",
    "covert_json",
    "status",
    "content_hash",
    "finalized_at",
)

STATEMENTS = [
    """CREATE TABLE campaigns (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        date_from    TEXT NOT NULL,
        date_to      TEXT NOT NULL,
        kinds_json   TEXT NOT NULL DEFAULT '[]',
        regions_json TEXT NOT NULL DEFAULT '[]',
        focus_json   TEXT NOT NULL DEFAULT '[]',
        notes        TEXT NOT NULL DEFAULT '',
        change_seq   INTEGER NOT NULL DEFAULT 0,
        origin       TEXT NOT NULL DEFAULT 'local',
        CHECK (date_from <= date_to)
    )""",
    """CREATE TABLE visits (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL
                      CHECK (kind IN ('routine', 'campaign', 'covert', 'complaint', 'follow_up')),
        started_at    TEXT NOT NULL,
        day           TEXT NOT NULL,
        inspector     TEXT NOT NULL,
        premises_id   TEXT REFERENCES premises(id),
        market        TEXT NOT NULL DEFAULT '',
        officers_json TEXT NOT NULL DEFAULT '[]',
        campaign_id   TEXT REFERENCES campaigns(id),
        place         TEXT NOT NULL DEFAULT '',
        notes         TEXT NOT NULL DEFAULT '',
        duty_set      TEXT NOT NULL DEFAULT '',
        duties_json   TEXT NOT NULL DEFAULT '{}',
        covert_json   TEXT NOT NULL DEFAULT '{}',
        status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'finalized')),
        content_hash  TEXT,
        finalized_at  TEXT,
        change_seq    INTEGER NOT NULL DEFAULT 0,
        origin        TEXT NOT NULL DEFAULT 'local',
        CHECK (premises_id IS NOT NULL OR market != ''),
        CHECK (status = 'draft' OR content_hash IS NOT NULL)
    )""",
    "CREATE INDEX visits_premises_day ON visits(premises_id, day)",
    "CREATE INDEX visits_market_day ON visits(market, day)",
    "CREATE INDEX visits_campaign ON visits(campaign_id)",
    "CREATE INDEX visits_day ON visits(day)",
    """CREATE TABLE sweep_rows (
        id            TEXT PRIMARY KEY,
        visit_id      TEXT NOT NULL REFERENCES visits(id),
        seq           INTEGER NOT NULL,
        instrument_id TEXT REFERENCES instruments(id),
        premises_id   TEXT REFERENCES premises(id),
        identity_code TEXT NOT NULL DEFAULT '',
        label         TEXT NOT NULL DEFAULT '',
        mark          TEXT NOT NULL DEFAULT '',
        seal          TEXT NOT NULL DEFAULT '',
        nameplate     TEXT NOT NULL DEFAULT '',
        approval      TEXT NOT NULL DEFAULT '',
        load          TEXT NOT NULL DEFAULT '',
        indication    TEXT NOT NULL DEFAULT '',
        error         TEXT NOT NULL DEFAULT '',
        mpe           TEXT NOT NULL DEFAULT '',
        quick_verdict TEXT NOT NULL DEFAULT '',
        rule          TEXT NOT NULL DEFAULT '',
        cheating      TEXT NOT NULL DEFAULT '',
        note          TEXT NOT NULL DEFAULT '',
        rest_ok       INTEGER NOT NULL DEFAULT 0,
        inspection_id TEXT REFERENCES inspections(id),
        UNIQUE (visit_id, seq)
    )""",
    "CREATE INDEX sweep_rows_instrument ON sweep_rows(instrument_id)",
    "ALTER TABLE inspections ADD COLUMN visit_id TEXT REFERENCES visits(id)",
    "CREATE INDEX inspections_visit ON inspections(visit_id)",
    # Finalized visits are immutable, and so are their rows.
    "CREATE TRIGGER visits_finalized_no_update BEFORE UPDATE OF "
    + ", ".join(VISIT_CONTENT)
    + " ON visits WHEN OLD.status = 'finalized'"
    " BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be changed'); END",
    "CREATE TRIGGER visits_finalized_no_delete BEFORE DELETE ON visits"
    " WHEN OLD.status = 'finalized'"
    " BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be deleted'); END",
    # An inspection's visit is set once it is finalized: never moved to another visit.
    "CREATE TRIGGER inspections_visit_fixed BEFORE UPDATE OF visit_id ON inspections"
    " WHEN OLD.status = 'finalized' AND OLD.visit_id IS NOT NULL"
    " AND NEW.visit_id IS NOT OLD.visit_id"
    " BEGIN SELECT RAISE(ABORT, 'a finalized inspection stays in its visit'); END",
]

_GUARD = "(SELECT status FROM visits WHERE id = {row}.visit_id) = 'finalized'"
for _op, _row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
    STATEMENTS.append(
        f"CREATE TRIGGER sweep_rows_finalized_no_{_op.lower()} BEFORE {_op} ON sweep_rows"
        f" WHEN {_GUARD.format(row=_row)}"
        " BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be changed'); END"
    )

ASSIGNMENTS = [
    """CREATE TABLE assignments_new (
        id            TEXT PRIMARY KEY,
        premises_id   TEXT NOT NULL REFERENCES premises(id),
        inspector     TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT '',
        change_seq    INTEGER NOT NULL DEFAULT 0,
        origin        TEXT NOT NULL DEFAULT 'local',
        campaign_id   TEXT NOT NULL DEFAULT '',
        due_date      TEXT,
        done_visit_id TEXT,
        UNIQUE (premises_id, inspector, campaign_id)
    )""",
    "INSERT INTO assignments_new (id, premises_id, inspector, note, change_seq, origin)"
    " SELECT id, premises_id, inspector, note, change_seq, origin FROM assignments",
    "DROP TABLE assignments",
    "ALTER TABLE assignments_new RENAME TO assignments",
    "CREATE INDEX assignments_inspector ON assignments(inspector)",
    "CREATE INDEX assignments_campaign ON assignments(campaign_id)",
]


def visit_hash(content: dict[str, Any]) -> str:
    """The same hash :func:`inspector_app.domain.visits.visit_hash` computes (canonical
    JSON: sorted keys, no spaces, UTF-8), written out here so that this migration never
    changes when the program does."""
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _gather(conn: sqlite3.Connection) -> None:
    """One visit per premises and local day for the inspections that have none."""
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
    for stmt in STATEMENTS:
        conn.execute(stmt)
    for stmt in ASSIGNMENTS:
        conn.execute(stmt)
    _gather(conn)
