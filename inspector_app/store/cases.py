"""Enforcement cases in SQLite: saving, reading, listing, their events and evidence.

Every write goes through ``Store.write`` (one transaction, a change number, an entry in the
hash-chained audit log) and also appends a ``case_events`` row. The schema's triggers refuse
changes to a decided case's sealed content and to a closed case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain.cases import (
    ArticleRef,
    Case,
    CaseOfficer,
    Decision,
    Evidence,
    Order,
    Party,
    Service,
)
from .db import transaction

if TYPE_CHECKING:
    from .store import Store


def dump_json(obj: object) -> str:
    """JSON as the case tables keep it: keys sorted, non-ASCII kept, dates as text."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


def party_key(party: Party) -> str:
    """The same party across cases: its credit code or ID number, else its name."""
    return party.credit_code or party.id_number or f"name:{party.name}"


def _decision(raw: str | None) -> Decision | None:
    if not raw:
        return None
    d = json.loads(raw)
    for key in ("fine", "illegal_gains"):
        if d.get(key) is not None:
            d[key] = Decimal(d[key])
    return Decision(**d)


def case_from_row(row: sqlite3.Row) -> Case:
    """A ``cases`` row as a :class:`Case` (evidence and events are read separately)."""
    return Case(
        id=row["id"],
        case_no=row["case_no"],
        source=row["source"],
        source_text=row["source_text"],
        clue_date=row["clue_date"],
        party=Party(**json.loads(row["party_json"])),
        officers=[CaseOfficer(**o) for o in json.loads(row["officers_json"])],
        facts=row["facts"],
        premises_id=row["premises_id"],
        visit_id=row["visit_id"],
        premises_kind=row["premises_kind"],
        status=row["status"],
        violated=[ArticleRef(**a) for a in json.loads(row["violated_json"])],
        penalty=[ArticleRef(**a) for a in json.loads(row["penalty_json"])],
        decision=_decision(row["decision_json"]),
        orders=[Order(**o) for o in json.loads(row["orders_json"])],
        pauses=json.loads(row["pauses_json"]),
        services=[Service(**s) for s in json.loads(row["services_json"])],
        dates=json.loads(row["dates_json"]),
        paid_on=row["paid_on"],
        closure=json.loads(row["closure_json"]),
        public_notice=bool(row["public_notice"]),
        cheating=bool(row["cheating"]),
        decided_hash=row["decided_hash"],
        content_hash=row["content_hash"],
    )


def case_columns(case: Case) -> dict[str, Any]:
    """A case as the columns of its ``cases`` row."""
    return {
        "id": case.id,
        "case_no": case.case_no,
        "source": case.source,
        "source_text": case.source_text,
        "status": case.status,
        "clue_date": case.clue_date,
        "premises_id": case.premises_id,
        "premises_kind": case.premises_kind,
        "visit_id": case.visit_id,
        "party_name": case.party.name,
        "party_key": party_key(case.party),
        "party_json": dump_json(dataclasses.asdict(case.party)),
        "officers_json": dump_json([dataclasses.asdict(o) for o in case.officers]),
        "facts": case.facts,
        "violated_json": dump_json([dataclasses.asdict(a) for a in case.violated]),
        "penalty_json": dump_json([dataclasses.asdict(a) for a in case.penalty]),
        "decision_json": dump_json(dataclasses.asdict(case.decision)) if case.decision else None,
        "fine": str(case.decision.fine) if case.decision and case.decision.fine else None,
        "orders_json": dump_json([dataclasses.asdict(o) for o in case.orders]),
        "pauses_json": dump_json(case.pauses),
        "services_json": dump_json([dataclasses.asdict(s) for s in case.services]),
        "dates_json": dump_json(case.dates),
        "paid_on": case.paid_on,
        "closure_json": dump_json(case.closure),
        "public_notice": int(case.public_notice),
        "cheating": int(case.cheating),
        "decided_hash": case.decided_hash,
        "content_hash": case.content_hash,
    }


class CaseRepo:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    # -- reading ----------------------------------------------------------------------------
    def get(self, case_id: str) -> Case | None:
        row = self.conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        return case_from_row(row) if row else None

    def find(self, ident: str) -> list[Case]:
        """Cases whose id starts with *ident* (6+ characters) or whose case number is it; a
        short number ``2025-0001`` also finds ``2025-<device code>-0001`` when nothing has
        exactly that number (several devices' cases are all returned, the caller asks which)."""
        rows = self.conn.execute(
            "SELECT * FROM cases WHERE case_no = ? OR (length(?) >= 6 AND id LIKE ? || '%')",
            (ident, ident, ident),
        ).fetchall()
        short = re.fullmatch(r"(\d{4})-(\d{4,})", ident)
        if not rows and short:
            rows = self.conn.execute(
                "SELECT * FROM cases WHERE case_no LIKE ? ORDER BY case_no",
                (f"{short[1]}-____-{short[2]}",),
            ).fetchall()
            rows = [r for r in rows if r["case_no"][5:9].isalpha()]
        return [case_from_row(r) for r in rows]

    def all(self, status: str | None = None) -> list[Case]:
        sql, params = "SELECT * FROM cases", tuple[str, ...]()
        if status:
            sql, params = sql + " WHERE status = ?", (status,)
        return [
            case_from_row(r)
            for r in self.conn.execute(sql + " ORDER BY clue_date, case_no", params)
        ]

    def evidence(self, case_id: str) -> list[Evidence]:
        return [
            Evidence(r["kind"], r["ref"], r["note"])
            for r in self.conn.execute(
                "SELECT kind, ref, note FROM case_evidence WHERE case_id = ? ORDER BY seq",
                (case_id,),
            )
        ]

    def events(self, case_id: str) -> list[dict[str, Any]]:
        return [
            {**dict(r), "detail": json.loads(r["detail_json"])}
            for r in self.conn.execute(
                "SELECT at, on_date, actor, action, from_status, to_status, detail_json"
                " FROM case_events WHERE case_id = ? ORDER BY id",
                (case_id,),
            )
        ]

    def cases_with_evidence(self, kind: str, ref: str) -> list[Case]:
        rows = self.conn.execute(
            "SELECT c.* FROM cases c JOIN case_evidence e ON e.case_id = c.id"
            " WHERE e.kind = ? AND e.ref = ?",
            (kind, ref),
        ).fetchall()
        return [case_from_row(r) for r in rows]

    def next_case_no(self, year: int, device_code: str | None = None) -> str:
        """The next free number of *year*, ``2025-KMPX-0001`` with this device's code (so
        two laptops never hand out the same number), ``2025-0001`` without one."""
        stem = f"{year}-{device_code}" if device_code else str(year)
        n = self.conn.execute(
            "SELECT count(*) FROM cases WHERE case_no LIKE ?", (f"{stem}-%",)
        ).fetchone()[0]
        while True:
            n += 1
            no = f"{stem}-{n:04d}"
            if not self.conn.execute("SELECT 1 FROM cases WHERE case_no = ?", (no,)).fetchone():
                return no

    def data_file(self, name: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT version, text FROM case_data_files WHERE name = ?", (name,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    # -- writing ----------------------------------------------------------------------------
    def _event(
        self, case: Case, actor: str, action: str, frm: str, on: str, detail: dict[str, Any] | None
    ) -> None:
        self.conn.execute(
            "INSERT INTO case_events (case_id, at, on_date, actor, action, from_status,"
            " to_status, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case.id,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                on,
                actor,
                action,
                frm,
                case.status,
                dump_json(detail or {}),
            ),
        )

    def create(self, case: Case, evidence: list[Evidence], actor: str) -> Case:
        detail = {"case_no": case.case_no, "source": case.source, "party": case.party.name}
        with self.store.write(actor, "case.open", "case", case.id, detail) as seq:
            cols = case_columns(case) | {"created_by": actor, "change_seq": seq}
            names = ", ".join(cols)
            marks = ", ".join(f":{k}" for k in cols)
            self.conn.execute(f"INSERT INTO cases ({names}) VALUES ({marks})", cols)
            for i, e in enumerate(evidence, start=1):
                self.conn.execute(
                    "INSERT INTO case_evidence (case_id, seq, kind, ref, note) VALUES (?, ?, ?, ?, ?)",
                    (case.id, i, e.kind, e.ref, e.note),
                )
            self._event(case, actor, "open", "", case.clue_date, detail)
        return case

    def update(
        self,
        case: Case,
        actor: str,
        action: str,
        *,
        previous_status: str,
        on: str = "",
        detail: dict[str, Any] | None = None,
        extra: Callable[[sqlite3.Connection, int], object] | None = None,
    ) -> Case:
        """Save *case* as a whole; *extra(conn, seq)* runs first inside the same transaction
        (an assignment for an order's deadline) and may still change *case* (the id the
        assignment really has)."""
        detail = {"case_no": case.case_no, **(detail or {})}
        with self.store.write(actor, f"case.{action}", "case", case.id, detail) as seq:
            if extra is not None:
                extra(self.conn, seq)
            cols = case_columns(case)
            cols.pop("id")
            row = self.conn.execute("SELECT * FROM cases WHERE id = ?", (case.id,)).fetchone()
            changed = {k: v for k, v in cols.items() if row[k] != v}
            if changed:
                sets = ", ".join(f"{k} = :{k}" for k in changed)
                self.conn.execute(
                    f"UPDATE cases SET {sets}, change_seq = :change_seq WHERE id = :id",
                    changed | {"change_seq": seq, "id": case.id},
                )
            self._event(case, actor, action, previous_status, on, detail)
        return case

    @contextmanager
    def one_write(self) -> Iterator[None]:
        """Several updates of a case as one transaction (a decision and the order to correct
        it makes): each keeps its audit entry and event, and if one fails none is recorded."""
        with transaction(self.conn):
            yield

    def add_evidence(self, case: Case, items: list[Evidence], actor: str) -> None:
        detail = {"case_no": case.case_no, "added": [dataclasses.asdict(e) for e in items]}
        with self.store.write(actor, "case.evidence", "case", case.id, detail):
            start = self.conn.execute(
                "SELECT coalesce(max(seq), 0) FROM case_evidence WHERE case_id = ?", (case.id,)
            ).fetchone()[0]
            for i, e in enumerate(items, start=start + 1):
                self.conn.execute(
                    "INSERT INTO case_evidence (case_id, seq, kind, ref, note) VALUES (?, ?, ?, ?, ?)",
                    (case.id, i, e.kind, e.ref, e.note),
                )
            self._event(case, actor, "evidence", case.status, "", detail)

    def set_data_file(self, name: str, version: str, text: str, actor: str) -> None:
        with self.store.write(
            actor, "case.data_file", "case_data_file", name, {"version": version}
        ):
            self.conn.execute(
                "INSERT INTO case_data_files (name, version, text) VALUES (?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET version = excluded.version, text = excluded.text",
                (name, version, text),
            )

    # -- what a case is opened from -------------------------------------------------------------
    def premises(self, premises_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT id, kind, name, credit_code, address, city, market FROM premises WHERE id = ?",
            (premises_id,),
        ).fetchone()
        return dict(row) if row else None

    def inspection_source(self, inspection_id: str) -> dict[str, Any] | None:
        """An inspection (full id or a 6+ character prefix): its premises, date, findings,
        attachments and visit."""
        rows = self.conn.execute(
            "SELECT id, premises_id, started_at, status, verdict FROM inspections"
            " WHERE id = ? OR (length(?) >= 6 AND id LIKE ? || '%')",
            (inspection_id, inspection_id, inspection_id),
        ).fetchall()
        if len(rows) != 1:
            return None
        row = dict(rows[0])
        cols = {r[1] for r in self.conn.execute("PRAGMA table_info(inspections)")}
        row["visit_id"] = (
            self.conn.execute(
                "SELECT visit_id FROM inspections WHERE id = ?", (row["id"],)
            ).fetchone()[0]
            if "visit_id" in cols
            else None
        )
        row["findings"] = [
            dict(f)
            for f in self.conn.execute(
                "SELECT code, text, cheating FROM findings WHERE inspection_id = ? ORDER BY seq",
                (row["id"],),
            )
        ]
        row["attachments"] = [
            r[0]
            for r in self.conn.execute(
                "SELECT sha256 FROM inspection_attachments WHERE inspection_id = ?", (row["id"],)
            )
        ]
        return row

    def visit_source(self, visit_id: str) -> dict[str, Any] | None:
        """A visit (when this database has visits): its premises, day, inspections and
        whether any of them recorded cheating."""
        if not self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'visits'"
        ).fetchone():
            return None
        rows = self.conn.execute(
            "SELECT id, premises_id, day, market, status FROM visits"
            " WHERE id = ? OR (length(?) >= 6 AND id LIKE ? || '%')",
            (visit_id, visit_id, visit_id),
        ).fetchall()
        if len(rows) != 1:
            return None
        row = dict(rows[0])
        row["inspections"] = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM inspections WHERE visit_id = ? ORDER BY started_at", (row["id"],)
            )
        ]
        row["findings"] = [
            r[0]
            for r in self.conn.execute(
                "SELECT f.text FROM findings f JOIN inspections i ON i.id = f.inspection_id"
                " WHERE i.visit_id = ? ORDER BY i.started_at, f.seq",
                (row["id"],),
            )
        ]
        row["cheating"] = bool(
            self.conn.execute(
                "SELECT 1 FROM findings f JOIN inspections i ON i.id = f.inspection_id"
                " WHERE i.visit_id = ? AND f.cheating = 1 LIMIT 1",
                (row["id"],),
            ).fetchone()
        )
        return row

    def visit_record(self, visit_id: str) -> dict[str, Any] | None:
        """What an on-site inspection record (现场检查笔录) states about a visit: when and
        where, who was there, the premises, the instruments looked at and what was found."""
        if not self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'visits'"
        ).fetchone():
            return None
        row = self.conn.execute(
            "SELECT v.id, v.kind, v.started_at, v.day, v.inspector, v.premises_id, v.market,"
            " v.officers_json, v.place, v.notes, v.status, v.finalized_at,"
            " coalesce(p.name, '') AS premises_name, coalesce(p.address, '') AS address"
            " FROM visits v LEFT JOIN premises p ON p.id = v.premises_id WHERE v.id = ?",
            (visit_id,),
        ).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["officers"] = json.loads(out.pop("officers_json"))
        out["inspections"] = [
            dict(r)
            for r in self.conn.execute(
                "SELECT i.id, i.family, i.verdict, i.started_at,"
                " coalesce(n.maker, '') AS maker, coalesce(n.model, '') AS model,"
                " coalesce(n.serial, '') AS serial"
                " FROM inspections i LEFT JOIN instruments n ON n.id = i.instrument_id"
                " WHERE i.visit_id = ? AND i.superseded_by IS NULL ORDER BY i.started_at",
                (visit_id,),
            )
        ]
        out["findings"] = [
            dict(r)
            for r in self.conn.execute(
                "SELECT f.text, f.cheating FROM findings f"
                " JOIN inspections i ON i.id = f.inspection_id"
                " WHERE i.visit_id = ? AND i.superseded_by IS NULL ORDER BY i.started_at, f.seq",
                (visit_id,),
            )
        ]
        return out

    def case_candidates(self, limit: int = 200) -> list[dict[str, Any]]:
        """Failed finalized inspections (the current revision) no case covers yet, newest
        first: what a new case is opened from in the window."""
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT i.id, i.started_at, i.premises_id, i.visit_id, i.family,"
                " coalesce(p.name, '') AS premises_name,"
                " coalesce((SELECT group_concat(f.text, '；') FROM findings f"
                "  WHERE f.inspection_id = i.id), '') AS findings,"
                " EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id"
                "  AND f.cheating = 1) AS cheating,"
                " coalesce(v.officers_json, '[]') AS officers_json"
                " FROM inspections i LEFT JOIN premises p ON p.id = i.premises_id"
                " LEFT JOIN visits v ON v.id = i.visit_id"
                " WHERE i.status = 'finalized' AND i.superseded_by IS NULL"
                " AND i.verdict = 'fail' AND NOT EXISTS (SELECT 1 FROM case_evidence e"
                "  WHERE e.kind = 'inspection' AND e.ref = i.id)"
                " ORDER BY i.started_at DESC LIMIT ?",
                (limit,),
            )
        ]

    # -- follow-up assignments -----------------------------------------------------------------
    @staticmethod
    def upsert_followup(
        conn: sqlite3.Connection,
        assignment_id: str,
        premises_id: str,
        inspector: str,
        key: str,
        due: str,
        note: str,
        seq: int,
    ) -> str:
        """The re-inspection an order to correct needs, on the assignments list (one per
        case and inspector; a later order moves its due date). Returns its id."""
        row = conn.execute(
            "SELECT id FROM assignments WHERE premises_id = ? AND inspector = ? AND campaign_id = ?",
            (premises_id, inspector, key),
        ).fetchone()
        if row:
            conn.execute(
                "UPDATE assignments SET due_date = ?, note = ?, done_visit_id = NULL,"
                " change_seq = ? WHERE id = ?",
                (due, note, seq, row[0]),
            )
            return str(row[0])
        conn.execute(
            "INSERT INTO assignments (id, premises_id, inspector, note, change_seq, campaign_id,"
            " due_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (assignment_id, premises_id, inspector, note, seq, key, due),
        )
        return assignment_id

    @staticmethod
    def mark_followup_done(
        conn: sqlite3.Connection, assignment_id: str, visit_id: str | None
    ) -> None:
        if assignment_id and visit_id:
            conn.execute(
                "UPDATE assignments SET done_visit_id = ? WHERE id = ?", (visit_id, assignment_id)
            )

    def assignment(self, assignment_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT * FROM assignments WHERE id = ?", (assignment_id,)
        ).fetchone()
        return dict(row) if row else None

    # -- statistics ------------------------------------------------------------------------------
    def rows_for_stats(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT c.id, c.case_no, c.status, c.clue_date, c.premises_id, c.premises_kind,"
                " c.party_key, c.penalty_json, c.decision_json, c.fine, c.dates_json, c.cheating,"
                " coalesce(p.city, '') AS city, coalesce(p.market, '') AS market"
                " FROM cases c LEFT JOIN premises p ON p.id = c.premises_id"
            )
        ]

    # -- integrity ---------------------------------------------------------------------------------
    def seal_problems(self) -> list[tuple[str, str]]:
        """(case id, message) for each decided or closed case whose content no longer matches
        the hash it was sealed with."""
        from ..domain.cases import closed_hash, decided_hash

        out = []
        for row in self.conn.execute(
            "SELECT * FROM cases WHERE decided_hash IS NOT NULL OR content_hash IS NOT NULL"
        ).fetchall():
            case = case_from_row(row)
            evidence = self.evidence(case.id)
            if case.decided_hash and decided_hash(case, evidence) != case.decided_hash:
                out.append((case.id, f"case {case.case_no} no longer matches its decided hash"))
            if case.content_hash and closed_hash(case, evidence) != case.content_hash:
                out.append((case.id, f"closed case {case.case_no} no longer matches its hash"))
        return out
