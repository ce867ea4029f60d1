"""Sealed visits, their campaigns and assignments in bundles: batch reads for an export and
batch writes for an import (one statement per chunk of ids, never one per row).

Called by the sync layer; :mod:`.visits` re-exports these names, its callers' import path.
"""

from __future__ import annotations

import itertools
import json
import operator
import sqlite3
from collections.abc import Collection, Iterator
from typing import Any

from ..domain.visits import SweepRow
from .visit_codec import SWEEP_ROW_COLUMNS, sweep_row_from_row, visit_from_row

CHUNK = 500
# The texts of a visit line's objects as json.dumps(..., ensure_ascii=False[, sort_keys=True])
# gives them: one encoder each, not one made per call (three per visit).
_TEXT = json.JSONEncoder(ensure_ascii=False).encode
_SORTED_TEXT = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
# The columns a sweep row without a reading and without an inspection leaves at the
# schema's defaults ('' each, the inspection NULL): most rows of a market sweep.
_TAIL = ("load", "indication", "error", "mpe", "quick_verdict", "rule", "note", "inspection_id")
_TAIL_DEFAULTS = ("", "", "", "", "", "", "", None)
_HEAD = tuple(c for c in SWEEP_ROW_COLUMNS if c not in _TAIL)
_INSERT_ROWS = (
    f"INSERT INTO sweep_rows ({', '.join(SWEEP_ROW_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in SWEEP_ROW_COLUMNS)})"
)
_INSERT_HEADS = (
    f"INSERT INTO sweep_rows ({', '.join(_HEAD)}) VALUES ({', '.join('?' for _ in _HEAD)})"
)


def chunks(ids: list[Any]) -> list[list[Any]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def marks(n: int) -> str:
    return ", ".join("?" * n)


def sealed_for_bundle(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every sealed visit as a bundle line: its content (domain.visits.visit_content), its
    status and hash, and the ids of its finalized inspections. Three queries in all."""
    from ..domain.visits import visit_content

    visits = [
        visit_from_row(r)
        for r in conn.execute("SELECT * FROM visits WHERE status = 'finalized' ORDER BY id")
    ]
    rows: dict[str, list[SweepRow]] = {}
    for r in conn.execute(
        "SELECT s.* FROM sweep_rows s JOIN visits v ON v.id = s.visit_id"
        " WHERE v.status = 'finalized' ORDER BY s.visit_id, s.seq"
    ):
        rows.setdefault(r["visit_id"], []).append(sweep_row_from_row(r))
    photos: dict[str, list[str]] = {}
    for vid, sha in conn.execute(
        "SELECT p.visit_id, p.sha256 FROM visit_photos p JOIN visits v ON v.id = p.visit_id"
        " WHERE v.status = 'finalized' ORDER BY p.visit_id, p.seq"
    ):
        photos.setdefault(vid, []).append(sha)
    inspections: dict[str, list[str]] = {}
    for vid, iid in conn.execute(
        "SELECT i.visit_id, i.id FROM inspections i JOIN visits v ON v.id = i.visit_id"
        " WHERE v.status = 'finalized' AND i.status = 'finalized'"
        " ORDER BY i.visit_id, i.record_id, i.revision"
    ):
        inspections.setdefault(vid, []).append(iid)
    out = []
    for v in visits:
        line = visit_content(v, rows.get(v.id, []), photos.get(v.id, []))
        line["status"] = v.status
        line["content_hash"] = v.content_hash
        line["inspections"] = inspections.get(v.id, [])
        out.append(line)
    return out


def campaign_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of *ids* are campaigns here."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM campaigns WHERE id IN ({marks(len(chunk))})", chunk
            )
        )
    return found


def inspection_visits(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """inspection id -> the visit it belongs to here (only those that have one)."""
    out: dict[str, str] = {}
    for chunk in chunks(sorted(set(ids))):
        out.update(
            (r[0], r[1])
            for r in conn.execute(
                f"SELECT id, visit_id FROM inspections WHERE visit_id IS NOT NULL"
                f" AND id IN ({marks(len(chunk))})",
                chunk,
            )
        )
    return out


def visit_states(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """visit id -> (status, content hash) for the visits of *ids* that exist here."""
    out: dict[str, tuple[str, str | None]] = {}
    for chunk in chunks(sorted(set(ids))):
        out.update(
            (r[0], (r[1], r[2]))
            for r in conn.execute(
                f"SELECT id, status, content_hash FROM visits WHERE id IN ({marks(len(chunk))})",
                chunk,
            )
        )
    return out


def insert_sealed(
    conn: sqlite3.Connection,
    lines: list[dict[str, Any]],
    seq: int,
    origin: str,
    placed: Collection[str] = (),
) -> None:
    """Store sealed visits from a bundle (validated lines, none of them here yet), their
    sweep rows, and put their inspections into them; call inside a write transaction. Each
    visit is written as a draft, its rows added, then sealed, as the schema's triggers
    require (or sealed at once while the rows' guard is laid aside, see below); every step
    is one executemany. The inspections of *placed* were inserted with
    their visit already (the import's merge): they are not looked up again (for them the
    update, which only sets a missing visit, would change nothing)."""
    if not lines:
        return
    # sealed at once (each visit written once, not as a draft and then updated): one
    # without photos while the rows' insert guard is laid aside (``store.sweep_guard``);
    # the photos' guard stays, so a visit with photos is sealed after them
    sealed_now = set() if _sweep_guard_on(conn) else {v["id"] for v in lines if not v.get("photos")}
    conn.executemany(
        "INSERT INTO visits (id, kind, started_at, day, inspector, premises_id, market,"
        " officers_json, campaign_id, place, notes, duty_set, duties_json, covert_json,"
        " status, content_hash, finalized_at, change_seq, origin)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                v["id"],
                v["kind"],
                v["started_at"],
                v["started_at"][:10],
                v["inspector"],
                v["premises_id"],
                v["market"],
                _TEXT(v["officers"]),
                v["campaign_id"],
                v["place"],
                v["notes"],
                v["duty_set"],
                _SORTED_TEXT(v["duties"]),
                _SORTED_TEXT(v["covert"]),
                *(
                    ("finalized", v["content_hash"], v["finalized_at"])
                    if v["id"] in sealed_now
                    else ("draft", None, None)
                ),
                seq,
                origin,
            )
            for v in lines
        ],
    )
    if getattr(conn, "engine", "sqlite") == "sqlite":
        for sql, params in _sweep_runs(lines):
            conn.executemany(sql, params)
    else:
        conn.executemany(_INSERT_ROWS, _sweep_tuples(lines))
    conn.executemany(
        "INSERT INTO visit_photos (visit_id, seq, sha256) VALUES (?, ?, ?)",
        [(v["id"], i, sha) for v in lines for i, sha in enumerate(v.get("photos", []))],
    )
    conn.executemany(
        "UPDATE visits SET status = 'finalized', content_hash = ?, finalized_at = ?"
        " WHERE id = ? AND status = 'draft'",
        [
            (v["content_hash"], v["finalized_at"], v["id"])
            for v in lines
            if v["id"] not in sealed_now
        ],
    )
    conn.executemany(
        "UPDATE inspections SET visit_id = ? WHERE id = ? AND visit_id IS NULL",
        [(v["id"], x) for v in lines for x in v["inspections"] if x not in placed],
    )


def _sweep_guard_on(conn: sqlite3.Connection) -> bool:
    """Whether the insert guard of sweep rows is in force (on SQLite an import lays it aside
    for the rows of the visits it creates; on PostgreSQL it always is)."""
    if getattr(conn, "engine", "sqlite") != "sqlite":
        return True
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        ("sweep_rows_finalized_no_insert",),
    ).fetchone()
    return found is not None


def _sweep_tuples(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The sweep rows of *lines* as parameter tuples in SWEEP_ROW_COLUMNS order, the values
    picked in C, not one look-up per column in Python (a year's bundle has some 200,000
    rows). ``rest_ok`` (the one true/false column) is bound as it is: sqlite3 stores a bool
    as the integer 0 or 1."""
    get = operator.itemgetter(*SWEEP_ROW_COLUMNS)
    out: list[tuple[Any, ...]] = []
    for v in lines:
        out.extend(map(get, v["rows"]))
    return out


def _sweep_runs(lines: list[dict[str, Any]]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The sweep rows of *lines* as (statement, parameter tuples) runs, in their order: a
    row whose reading and inspection columns (``_TAIL``) all hold the schema's defaults is
    written without them (13 values bound instead of 21: the defaults fill them, the same
    values), any other with every column. Binding is most of a row's cost in sqlite3 (an
    empty text is copied like any other, a None goes through the adapters' look-up), and
    nine rows in ten of a market sweep are such rows. Consecutive rows of one kind share
    one executemany, so the rows keep their order (and rowids): the table and its indexes
    grow at their ends as before. On SQLite only (the runs would be round trips on
    PostgreSQL)."""
    rows = [r for v in lines for r in v["rows"]]
    if not rows:
        return
    full = operator.itemgetter(*SWEEP_ROW_COLUMNS)
    head = operator.itemgetter(*_HEAD)
    bare = list(map(_TAIL_DEFAULTS.__eq__, map(operator.itemgetter(*_TAIL), rows)))
    params = [head(r) if b else full(r) for r, b in zip(rows, bare, strict=True)]
    # where a run of one kind ends: each row whose kind differs from the row before
    ends = list(itertools.compress(itertools.count(1), map(operator.ne, bare, bare[1:])))
    ends.append(len(rows))
    start = 0
    for end in ends:
        yield (_INSERT_HEADS if bare[start] else _INSERT_ROWS), params[start:end]
        start = end


def attach_inspections(conn: sqlite3.Connection, pairs: list[tuple[str, str]]) -> None:
    """(visit id, inspection id): put inspections that have no visit yet into their sealed
    visit (an inspection that arrives after its visit)."""
    conn.executemany("UPDATE inspections SET visit_id = ? WHERE id = ? AND visit_id IS NULL", pairs)


def campaigns_for_bundle(
    conn: sqlite3.Connection, ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every campaign (or those of *ids*) as a bundle line (the fields of
    store.campaigns.Campaign)."""
    wanted = None if ids is None else set(ids)
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "date_from": r["date_from"],
            "date_to": r["date_to"],
            "kinds": json.loads(r["kinds_json"]),
            "regions": json.loads(r["regions_json"]),
            "focus": json.loads(r["focus_json"]),
            "notes": r["notes"],
        }
        for r in conn.execute("SELECT * FROM campaigns ORDER BY id")
        if wanted is None or r["id"] in wanted
    ]


def upsert_campaigns(
    conn: sqlite3.Connection,
    campaigns: list[dict[str, Any]],
    seq: int,
    origin: str,
    replace: bool = True,
) -> tuple[int, int]:
    """Campaigns from a bundle (validated lines), in one executemany; (new, changed). The
    office's replace the ones here by id; with *replace* false (a laptop's, at the office)
    only campaigns not here are added. Call inside a write transaction."""
    if not campaigns:
        return 0, 0
    here = {
        r[0]: tuple(r[1:])
        for chunk in chunks(sorted(c["id"] for c in campaigns))
        for r in conn.execute(
            "SELECT id, name, date_from, date_to, kinds_json, regions_json, focus_json, notes"
            f" FROM campaigns WHERE id IN ({marks(len(chunk))})",
            chunk,
        )
    }
    rows = []
    new = changed = 0
    for c in campaigns:
        values = (
            c["name"],
            c["date_from"],
            c["date_to"],
            json.dumps(c["kinds"]),
            json.dumps(c["regions"], ensure_ascii=False),
            json.dumps(c["focus"], ensure_ascii=False),
            c["notes"],
        )
        if here.get(c["id"]) == values or (not replace and c["id"] in here):
            continue
        new += c["id"] not in here
        changed += c["id"] in here
        rows.append((c["id"], *values, seq, origin))
    conn.executemany(
        "INSERT INTO campaigns (id, name, date_from, date_to, kinds_json, regions_json,"
        " focus_json, notes, change_seq, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET name = excluded.name, date_from = excluded.date_from,"
        " date_to = excluded.date_to, kinds_json = excluded.kinds_json,"
        " regions_json = excluded.regions_json, focus_json = excluded.focus_json,"
        " notes = excluded.notes, change_seq = excluded.change_seq, origin = excluded.origin",
        rows,
    )
    return new, changed


def tick_assignments(conn: sqlite3.Connection) -> None:
    """A campaign assignment not yet done is ticked off by a sealed visit of the same
    premises and campaign made here before the assignment arrived (one statement)."""
    conn.execute(
        "UPDATE assignments SET done_visit_id = (SELECT v.id FROM visits v"
        " WHERE v.premises_id = assignments.premises_id"
        " AND v.campaign_id = assignments.campaign_id AND v.status = 'finalized'"
        " ORDER BY v.started_at LIMIT 1)"
        " WHERE done_visit_id IS NULL AND campaign_id != ''"
    )


def upgrade_visits(conn: sqlite3.Connection, ids: list[str] | None = None) -> set[str]:
    """Visits the upgrade to schema 6 gathered from existing inspections (never saved by
    the program since: change number 0), of *ids* or all."""
    if ids is None:
        return {r[0] for r in conn.execute("SELECT id FROM visits WHERE change_seq = 0")}
    found: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM visits WHERE change_seq = 0 AND id IN ({marks(len(chunk))})",
                chunk,
            )
        )
    return found
