"""Enforcement cases in bundles: a case's events as they travel, cases and case numbers
already held, the calendar file, and the writes of an import (a new case written unsealed,
its evidence added, then sealed, so the triggers stay on; a known case moved forward; the
follow-up assignments an order brings to the office).

A case travels as its whole content, its evidence list and its append-only events (see
``sync.cases``). These functions run inside the import transaction (``Store.write``), so the
import's single audit entry covers them; an imported event is stored exactly as it came,
never with a local event added (the two sides' histories must stay comparable).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..domain.cases import (
    Case,
    Evidence,
)
from .cases import CaseRepo, case_columns, case_from_row, dump_json


def bundle_events(conn: sqlite3.Connection, case_id: str) -> list[dict[str, Any]]:
    """The events of a case as they travel: ``at, on_date, actor, action, from_status,
    to_status, detail``, in the order they happened."""
    return [
        {
            "at": r[0],
            "on_date": r[1],
            "actor": r[2],
            "action": r[3],
            "from_status": r[4],
            "to_status": r[5],
            "detail": json.loads(r[6]),
        }
        for r in conn.execute(
            "SELECT at, on_date, actor, action, from_status, to_status, detail_json"
            " FROM case_events WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
    ]


def followups_from_bundle(
    conn: sqlite3.Connection, case: Case, events: list[dict[str, Any]], seq: int
) -> int:
    """The re-inspections a case's orders to correct need, put on this database's
    assignments list as the laptop that made the orders did (same assignment id, the
    inspector who made the order, due on the deadline); an order whose assignment is here
    already, or whose premises are not, adds nothing. A corrected order's assignment is
    done with its re-inspection visit when that visit is here. Returns how many were added."""
    if (
        not case.premises_id
        or not conn.execute("SELECT 1 FROM premises WHERE id = ?", (case.premises_id,)).fetchone()
    ):
        return 0
    makers = [  # who re-inspects: named in the order's event, else who made the order
        str((e.get("detail") or {}).get("inspector") or e["actor"])
        for e in events
        if e.get("action") == "order"
    ]
    added = 0
    for n, o in enumerate(case.orders):
        if not o.assignment_id:
            continue
        done = o.check_visit_id or None
        if done and not conn.execute("SELECT 1 FROM visits WHERE id = ?", (done,)).fetchone():
            done = None
        if conn.execute("SELECT 1 FROM assignments WHERE id = ?", (o.assignment_id,)).fetchone():
            if done:
                CaseRepo.mark_followup_done(conn, o.assignment_id, done)
            continue
        inspector = makers[n] if n < len(makers) else case.officers[0].name
        key = f"case:{case.id}"
        note = f"复查 责令改正 {case.case_no}，期限 {o.deadline}"
        aid = CaseRepo.upsert_followup(
            conn, o.assignment_id, case.premises_id, inspector, key, o.deadline, note, seq
        )
        if aid == o.assignment_id:
            added += 1
        if done:
            CaseRepo.mark_followup_done(conn, aid, done)
    return added


def existing_case_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of *ids* are cases here."""
    found: set[str] = set()
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ",".join("?" * len(part))
        found.update(
            str(r[0]) for r in conn.execute(f"SELECT id FROM cases WHERE id IN ({marks})", part)
        )
    return found


def data_file_version(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT version FROM case_data_files WHERE name = ?", (name,)).fetchone()
    return str(row[0]) if row else None


def put_data_file(conn: sqlite3.Connection, name: str, version: str, text: str) -> None:
    """Keep a data file that came in a bundle (inside the import's transaction, whose audit
    entry records the bundle)."""
    conn.execute(
        "INSERT INTO case_data_files (name, version, text) VALUES (?, ?, ?)"
        " ON CONFLICT(name) DO UPDATE SET version = excluded.version, text = excluded.text",
        (name, version, text),
    )


def cases_by_id(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Case]:
    out: dict[str, Case] = {}
    ids = list(dict.fromkeys(ids))
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ", ".join("?" * len(part))
        for row in conn.execute(f"SELECT * FROM cases WHERE id IN ({marks})", part):
            out[row["id"]] = case_from_row(row)
    return out


def case_numbers(conn: sqlite3.Connection, numbers: list[str]) -> dict[str, str]:
    """case number -> id of the case holding it here."""
    out: dict[str, str] = {}
    numbers = list(dict.fromkeys(numbers))
    for i in range(0, len(numbers), 500):
        part = numbers[i : i + 500]
        marks = ", ".join("?" * len(part))
        for r in conn.execute(f"SELECT case_no, id FROM cases WHERE case_no IN ({marks})", part):
            out[r[0]] = r[1]
    return out


def _insert_evidence(
    conn: sqlite3.Connection, case_id: str, start: int, items: list[Evidence]
) -> None:
    conn.executemany(
        "INSERT INTO case_evidence (case_id, seq, kind, ref, note) VALUES (?, ?, ?, ?, ?)",
        [(case_id, start + i, e.kind, e.ref, e.note) for i, e in enumerate(items, start=1)],
    )


def _insert_events(conn: sqlite3.Connection, case_id: str, events: list[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT INTO case_events (case_id, at, on_date, actor, action, from_status, to_status,"
        " detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                case_id,
                e["at"],
                e["on_date"],
                e["actor"],
                e["action"],
                e["from_status"],
                e["to_status"],
                dump_json(e["detail"]),
            )
            for e in events
        ],
    )


def insert_from_bundle(
    conn: sqlite3.Connection,
    case: Case,
    evidence: list[Evidence],
    events: list[dict[str, Any]],
    seq: int,
    origin: str,
) -> None:
    """A case this database did not hold: the row is written unsealed first so that its
    evidence can be added, then completed (the triggers seal it from then on)."""
    cols = case_columns(case)
    opening = cols | {
        "status": "clue",
        "decided_hash": None,
        "content_hash": None,
        "created_by": events[0]["actor"] if events else "",
        "change_seq": seq,
        "origin": origin,
    }
    names = ", ".join(opening)
    marks = ", ".join(f":{k}" for k in opening)
    conn.execute(f"INSERT INTO cases ({names}) VALUES ({marks})", opening)
    _insert_evidence(conn, case.id, 0, evidence)
    if case.status != "clue" or case.decided_hash or case.content_hash:
        conn.execute(
            "UPDATE cases SET status = :status, decided_hash = :decided_hash,"
            " content_hash = :content_hash WHERE id = :id",
            cols,
        )
    _insert_events(conn, case.id, events)


def forward_from_bundle(
    conn: sqlite3.Connection,
    case: Case,
    new_evidence: list[Evidence],
    evidence_before: int,
    new_events: list[dict[str, Any]],
    seq: int,
) -> None:
    """A case this database holds, moved forward: the evidence and events it did not have
    are appended, then the columns that changed are written (never a sealed one: the
    caller checked that the decided content is the same)."""
    _insert_evidence(conn, case.id, evidence_before, new_evidence)
    cols = case_columns(case)
    cols.pop("id")
    row = conn.execute("SELECT * FROM cases WHERE id = ?", (case.id,)).fetchone()
    changed = {k: v for k, v in cols.items() if row[k] != v}
    if changed:
        sets = ", ".join(f"{k} = :{k}" for k in changed)
        conn.execute(
            f"UPDATE cases SET {sets}, change_seq = :change_seq WHERE id = :id",
            changed | {"change_seq": seq, "id": case.id},
        )
    _insert_events(conn, case.id, new_events)
