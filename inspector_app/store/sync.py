"""All SQL of sync bundles: export selection, merge writes, the ledger, acknowledgements,
conflicts, tombstones, known record versions and the audit chains of other devices.

Reads may run anywhere; every write method must be called inside ``store.write(...)`` (one
``BEGIN IMMEDIATE`` transaction), which the sync service opens for the whole import.
Get the repository with :func:`sync_repo(store)`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.models import (
    AttachmentRef,
    Finding,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
)
from . import codec
from .inspections import reading_rows

if TYPE_CHECKING:
    from .store import Store

BATCH = 500
ENTITY_TABLES = {
    "premises": "premises",
    "instrument": "instruments",
    "standard": "reference_standards",
    "inspection": "inspections",
    "assignment": "assignments",
}


def _chunks(items: list[Any], n: int = BATCH) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


@dataclass
class ConflictRow:
    id: str
    entity: str
    entity_id: str
    reason: str
    local_json: str | None
    incoming_json: str
    incoming_hash: str
    bundle_id: str
    created_seq: int
    resolved: bool
    resolution: str | None
    resolved_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "reason": self.reason,
            "local": None if self.local_json is None else json.loads(self.local_json),
            "incoming": json.loads(self.incoming_json),
            "incoming_hash": self.incoming_hash,
            "bundle_id": self.bundle_id,
            "created_seq": self.created_seq,
            "resolved": self.resolved,
            "resolution": self.resolution,
            "resolved_by": self.resolved_by,
        }


@dataclass
class LedgerRow:
    bundle_id: str
    direction: str
    source_device: str
    signer: str
    manifest_sha256: str
    imported_seq: int
    imported_at: str
    summary: dict[str, Any]


class SyncRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # -- reads: export selection ---------------------------------------------------------
    def unacknowledged_inspection_ids(self, everything: bool = False) -> list[str]:
        """Finalized inspections the other side has not acknowledged (all with *everything*)."""
        sql = "SELECT id FROM inspections i WHERE status = 'finalized'"
        if not everything:
            sql += (
                " AND NOT EXISTS (SELECT 1 FROM sync_acks a WHERE a.entity = 'inspection'"
                " AND a.entity_id = i.id)"
            )
        return [r[0] for r in self.conn.execute(sql + " ORDER BY record_id, revision")]

    def with_ancestors(self, ids: list[str]) -> list[str]:
        """*ids* plus every earlier revision they descend from, parents first."""
        seen = set(ids)
        frontier = list(ids)
        while frontier:
            parents = []
            for chunk in _chunks(frontier):
                parents += [
                    r[0]
                    for r in self.conn.execute(
                        f"SELECT parent_id FROM inspections WHERE id IN ({_marks(len(chunk))})"
                        " AND parent_id IS NOT NULL",
                        chunk,
                    )
                ]
            frontier = [p for p in parents if p not in seen]
            seen.update(frontier)
        rows = []
        all_ids = list(seen)
        for chunk in _chunks(all_ids):
            rows += self.conn.execute(
                f"SELECT id, record_id, revision FROM inspections WHERE id IN ({_marks(len(chunk))})",
                chunk,
            ).fetchall()
        return [r[0] for r in sorted(rows, key=lambda r: (r[1], r[2]))]

    def load_inspections(self, ids: list[str]) -> list[Inspection]:
        """Inspections with findings and attachments, loaded in batches, in the order of *ids*."""
        out: dict[str, Inspection] = {}
        for chunk in _chunks(ids):
            marks = _marks(len(chunk))
            findings: dict[str, list[Finding]] = {}
            for r in self.conn.execute(
                f"SELECT * FROM findings WHERE inspection_id IN ({marks}) ORDER BY inspection_id, seq",
                chunk,
            ):
                findings.setdefault(r["inspection_id"], []).append(
                    Finding(
                        id=r["id"],
                        code=r["code"],
                        text=r["text"],
                        legal_basis=r["legal_basis"],
                        severity=r["severity"],
                        action=r["action"],
                        cheating=bool(r["cheating"]),
                    )
                )
            atts: dict[str, list[AttachmentRef]] = {}
            for r in self.conn.execute(
                "SELECT a.inspection_id, a.sha256, a.role, a.caption, t.mime FROM inspection_attachments a"
                f" JOIN attachments t ON t.sha256 = a.sha256 WHERE a.inspection_id IN ({marks})"
                " ORDER BY a.inspection_id, a.seq",
                chunk,
            ):
                atts.setdefault(r["inspection_id"], []).append(
                    AttachmentRef(
                        sha256=r["sha256"], role=r["role"], caption=r["caption"], mime=r["mime"]
                    )
                )
            for r in self.conn.execute(f"SELECT * FROM inspections WHERE id IN ({marks})", chunk):
                out[r["id"]] = codec.inspection_from_row(
                    r, findings.get(r["id"], []), atts.get(r["id"], [])
                )
        return [out[i] for i in ids if i in out]

    def premises(self, ids: Iterable[str] | None = None) -> list[Premises]:
        return [codec.premises_from_row(r) for r in self._rows("premises", ids)]

    def instruments(self, ids: Iterable[str] | None = None) -> list[Instrument]:
        return [codec.instrument_from_row(r) for r in self._rows("instruments", ids)]

    def standards(self, ids: Iterable[str] | None = None) -> list[ReferenceStandard]:
        return [codec.standard_from_row(r) for r in self._rows("reference_standards", ids)]

    def _rows(self, table: str, ids: Iterable[str] | None) -> list[Any]:
        if ids is None:
            return self.conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        rows = []
        ids = sorted(set(ids))
        for chunk in _chunks(ids):
            rows += self.conn.execute(
                f"SELECT * FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk
            ).fetchall()
        return sorted(rows, key=lambda r: r["id"])

    def versions(self, entity: str, ids: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Known versions (hashes) of mutable records, by id."""
        out: dict[str, set[str]] = {}
        if ids is None:
            rows = self.conn.execute(
                "SELECT entity_id, hash FROM sync_versions WHERE entity = ?", (entity,)
            ).fetchall()
        else:
            rows = []
            ids = list(set(ids))
            for chunk in _chunks(ids):
                rows += self.conn.execute(
                    f"SELECT entity_id, hash FROM sync_versions WHERE entity = ? AND entity_id IN ({_marks(len(chunk))})",
                    (entity, *chunk),
                ).fetchall()
        for entity_id, h in rows:
            out.setdefault(entity_id, set()).add(h)
        return out

    def tombstones(self, entities: Iterable[str] | None = None) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT entity, entity_id FROM tombstones ORDER BY entity, entity_id"
        ).fetchall()
        wanted = None if entities is None else set(entities)
        return [(e, i) for e, i in rows if wanted is None or e in wanted]

    def is_tombstoned(self, entity: str, entity_id: str) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM tombstones WHERE entity = ? AND entity_id = ?", (entity, entity_id)
            ).fetchone()
            is not None
        )

    def attachment_data(self, shas: Iterable[str]) -> dict[str, bytes]:
        out = {}
        shas = sorted(set(shas))
        for chunk in _chunks(shas, 50):
            for sha, data in self.conn.execute(
                f"SELECT sha256, data FROM attachments WHERE sha256 IN ({_marks(len(chunk))})",
                chunk,
            ):
                out[sha] = bytes(data)
        return out

    def audit_entries_after(self, seq: int) -> list[dict[str, Any]]:
        cols = (
            "seq",
            "device_id",
            "at",
            "actor",
            "action",
            "entity",
            "entity_id",
            "detail",
            "prev_hash",
            "hash",
        )
        return [
            dict(zip(cols, r, strict=True))
            for r in self.conn.execute(
                f"SELECT {', '.join(cols)} FROM audit WHERE seq > ? ORDER BY seq", (seq,)
            )
        ]

    def audit_hash_at(self, seq: int) -> str | None:
        row = self.conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else row[0]

    def acked_audit_seq(self) -> int:
        return int(self.store.meta("sync.acked_audit_seq") or 0)

    def assignments(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT id, premises_id, inspector, note, campaign_id, due_date"
                " FROM assignments ORDER BY id"
            )
        ]

    def reviews(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT id, inspection_id, decision, comment, reviewer, at, signature FROM reviews ORDER BY id"
            )
        ]

    def acks_for_export(self) -> list[dict[str, Any]]:
        """One acknowledgement per field bundle imported here: what the office now holds."""
        out = []
        for row in self.conn.execute(
            "SELECT bundle_id, source_device, summary_json FROM bundle_ledger"
            " WHERE direction = 'field->office' ORDER BY imported_seq"
        ):
            summary = json.loads(row["summary_json"])
            ids = [
                r[0]
                for r in self.conn.execute(
                    "SELECT entity_id FROM sync_received WHERE bundle_id = ? AND entity = 'inspection'"
                    " AND outcome IN ('new', 'updated', 'unchanged', 'dismissed') ORDER BY entity_id",
                    (row["bundle_id"],),
                )
            ]
            head = summary.get("audit_head", {"seq": 0, "hash": "0" * 64})
            out.append(
                {
                    "bundle_id": row["bundle_id"],
                    "source_device": row["source_device"],
                    "audit_seq": head["seq"],
                    "audit_hash": head["hash"],
                    "inspections": ids,
                }
            )
        return out

    # -- reads: checking references ------------------------------------------------------
    def existing_ids(self, entity: str, ids: Iterable[str]) -> set[str]:
        table = ENTITY_TABLES[entity]
        found: set[str] = set()
        ids = list(set(ids))
        for chunk in _chunks(ids):
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk
                )
            )
        return found

    def instrument_premises(self, ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(set(ids))
        for chunk in _chunks(ids):
            out.update(
                (r[0], r[1])
                for r in self.conn.execute(
                    f"SELECT id, premises_id FROM instruments WHERE id IN ({_marks(len(chunk))})",
                    chunk,
                )
            )
        return out

    def inspection_info(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out = {}
        ids = list(set(ids))
        for chunk in _chunks(ids):
            for r in self.conn.execute(
                "SELECT id, record_id, revision, content_hash, status, superseded_by, instrument_id, premises_id"
                f" FROM inspections WHERE id IN ({_marks(len(chunk))})",
                chunk,
            ):
                out[r[0]] = dict(r)
        return out

    def inspections_at(
        self, slots: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], dict[str, Any]]:
        """(record_id, revision) -> the inspection stored in that slot, for those taken."""
        wanted = set(slots)
        out = {}
        records = list({r for r, _ in wanted})
        for chunk in _chunks(records):
            for r in self.conn.execute(
                "SELECT id, record_id, revision, content_hash, status, superseded_by FROM inspections"
                f" WHERE record_id IN ({_marks(len(chunk))})",
                chunk,
            ):
                if (r["record_id"], r["revision"]) in wanted:
                    out[(r["record_id"], r["revision"])] = dict(r)
        return out

    def inspection_at(self, record_id: str, revision: int) -> dict[str, Any] | None:
        r = self.conn.execute(
            "SELECT id, record_id, revision, content_hash, status, superseded_by FROM inspections"
            " WHERE record_id = ? AND revision = ?",
            (record_id, revision),
        ).fetchone()
        return None if r is None else dict(r)

    def attachment_shas(self, shas: Iterable[str]) -> set[str]:
        found: set[str] = set()
        shas = list(set(shas))
        for chunk in _chunks(shas):
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT sha256 FROM attachments WHERE sha256 IN ({_marks(len(chunk))})", chunk
                )
            )
        return found

    def device_audit(self, device_id: str, seqs: Iterable[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        seqs = list(set(seqs))
        for chunk in _chunks(seqs):
            out.update(
                (r[0], r[1])
                for r in self.conn.execute(
                    f"SELECT seq, hash FROM sync_device_audit WHERE device_id = ? AND seq IN ({_marks(len(chunk))})",
                    (device_id, *chunk),
                )
            )
        return out

    def device_head(self, device_id: str) -> tuple[int, str] | None:
        row = self.conn.execute(
            "SELECT seq, hash FROM sync_device_audit WHERE device_id = ? ORDER BY seq DESC LIMIT 1",
            (device_id,),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def device_exported(self, device_id: str, bundle_id: str, after_seq: int) -> bool:
        """Whether the accepted audit chain of *device_id* records, after entry *after_seq*,
        that the device exported bundle *bundle_id* (an older bundle imported late)."""
        row = self.conn.execute(
            "SELECT 1 FROM sync_device_audit WHERE device_id = ? AND seq > ?"
            " AND action = 'bundle.export' AND entity_id = ? LIMIT 1",
            (device_id, after_seq, bundle_id),
        ).fetchone()
        return row is not None

    def devices(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT device_id, max(seq) AS head_seq, count(*) AS entries FROM sync_device_audit GROUP BY device_id"
            )
        ]

    def ledger(self, bundle_id: str) -> LedgerRow | None:
        r = self.conn.execute(
            "SELECT * FROM bundle_ledger WHERE bundle_id = ?", (bundle_id,)
        ).fetchone()
        if r is None:
            return None
        return LedgerRow(
            r["bundle_id"],
            r["direction"],
            r["source_device"],
            r["signer"],
            r["manifest_sha256"],
            r["imported_seq"],
            r["imported_at"],
            json.loads(r["summary_json"]),
        )

    def ledger_list(self) -> list[LedgerRow]:
        ids = [
            r[0]
            for r in self.conn.execute("SELECT bundle_id FROM bundle_ledger ORDER BY imported_seq")
        ]
        return [row for i in ids if (row := self.ledger(i)) is not None]

    def exported_ids_like(self, entity_prefix: str) -> set[tuple[str, str]]:
        return {
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT DISTINCT entity, entity_id FROM sync_export_items WHERE substr(entity, 1, ?) = ?",
                (len(entity_prefix), entity_prefix),
            )
        }

    def exports(self) -> list[dict[str, Any]]:
        return [
            dict(r) for r in self.conn.execute("SELECT * FROM sync_exports ORDER BY created_seq")
        ]

    # -- reads: "at office" state ---------------------------------------------------------
    def sync_state(self, inspection_ids: Iterable[str]) -> dict[str, str]:
        """For each inspection id: 'at_office' (acknowledged), 'exported' (in a bundle, not yet
        acknowledged) or 'local' (never exported)."""
        out = {}
        ids = list(set(inspection_ids))
        for chunk in _chunks(ids):
            marks = _marks(len(chunk))
            acked = {
                r[0]
                for r in self.conn.execute(
                    f"SELECT entity_id FROM sync_acks WHERE entity = 'inspection' AND entity_id IN ({marks})",
                    chunk,
                )
            }
            exported = {
                r[0]
                for r in self.conn.execute(
                    f"SELECT entity_id FROM sync_export_items WHERE entity = 'inspection' AND entity_id IN ({marks})",
                    chunk,
                )
            }
            for i in chunk:
                out[i] = "at_office" if i in acked else "exported" if i in exported else "local"
        return out

    def sync_counts(self) -> dict[str, int]:
        finalized = self.conn.execute(
            "SELECT count(*) FROM inspections WHERE status = 'finalized'"
        ).fetchone()[0]
        acked = self.conn.execute(
            "SELECT count(*) FROM inspections i JOIN sync_acks a ON a.entity = 'inspection' AND a.entity_id = i.id"
            " WHERE i.status = 'finalized'"
        ).fetchone()[0]
        return {
            "finalized": finalized,
            "at_office": acked,
            "not_at_office": finalized - acked,
            "open_conflicts": self.conn.execute(
                "SELECT count(*) FROM conflicts WHERE resolved = 0"
            ).fetchone()[0],
        }

    # -- conflicts -----------------------------------------------------------------------
    def conflicts(self, include_resolved: bool = False) -> list[ConflictRow]:
        sql = (
            "SELECT * FROM conflicts"
            + ("" if include_resolved else " WHERE resolved = 0")
            + " ORDER BY created_seq, id"
        )
        return [self._conflict(r) for r in self.conn.execute(sql)]

    def conflict(self, conflict_id: str) -> ConflictRow | None:
        r = self.conn.execute("SELECT * FROM conflicts WHERE id = ?", (conflict_id,)).fetchone()
        return None if r is None else self._conflict(r)

    def find_conflicts(self, prefix: str) -> list[ConflictRow]:
        return [
            self._conflict(r)
            for r in self.conn.execute(
                "SELECT * FROM conflicts WHERE id LIKE ? ORDER BY id LIMIT 3",
                (prefix.replace("%", "") + "%",),
            )
        ]

    def known_conflict(self, entity: str, entity_id: str, incoming_hash: str) -> ConflictRow | None:
        r = self.conn.execute(
            "SELECT * FROM conflicts WHERE entity = ? AND entity_id = ? AND incoming_hash = ? ORDER BY resolved LIMIT 1",
            (entity, entity_id, incoming_hash),
        ).fetchone()
        return None if r is None else self._conflict(r)

    @staticmethod
    def _conflict(r: sqlite3.Row) -> ConflictRow:
        return ConflictRow(
            r["id"],
            r["entity"],
            r["entity_id"],
            r["reason"],
            r["local_json"],
            r["incoming_json"],
            r["incoming_hash"],
            r["bundle_id"],
            r["created_seq"],
            bool(r["resolved"]),
            r["resolution"],
            r["resolved_by"],
        )

    # -- writes (inside store.write) ------------------------------------------------------
    def add_versions(self, entity: str, entity_id: str, hashes: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_versions (entity, entity_id, hash) VALUES (?, ?, ?)",
            [(entity, entity_id, h) for h in hashes],
        )

    def add_versions_many(self, rows: list[tuple[str, str, str]]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_versions (entity, entity_id, hash) VALUES (?, ?, ?)", rows
        )

    def record_export(
        self,
        bundle_id: str,
        direction: str,
        seq: int,
        created_at: str,
        summary: dict[str, Any],
        items: list[tuple[str, str]],
    ) -> None:
        self.conn.execute(
            "INSERT INTO sync_exports (bundle_id, direction, created_seq, created_at, summary_json) VALUES (?, ?, ?, ?, ?)",
            (bundle_id, direction, seq, created_at, codec.dumps(summary)),
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_export_items (bundle_id, entity, entity_id) VALUES (?, ?, ?)",
            [(bundle_id, e, i) for e, i in items],
        )

    def put_premises(self, p: Premises, seq: int, origin: str, exists: bool) -> None:
        self._put("premises", dict(codec.premises_row(p), change_seq=seq, origin=origin), exists)

    def put_instrument(
        self, ins: Instrument, premises_name: str, seq: int, origin: str, exists: bool
    ) -> None:
        self._put(
            "instruments",
            dict(codec.instrument_row(ins, premises_name), change_seq=seq, origin=origin),
            exists,
        )

    def put_standard(self, s: ReferenceStandard, seq: int, origin: str, exists: bool) -> None:
        self._put("reference_standards", dict(codec.standard_row(s), change_seq=seq), exists)

    def _put(self, table: str, row: dict[str, Any], exists: bool) -> None:
        if exists:
            sets = ", ".join(f"{k} = :{k}" for k in row if k != "id")
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = :id", row)
        else:
            cols = ", ".join(row)
            self.conn.execute(
                f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + k for k in row)})", row
            )

    def premises_name(self, premises_id: str) -> str:
        row = self.conn.execute("SELECT name FROM premises WHERE id = ?", (premises_id,)).fetchone()
        return row[0] if row else ""

    def premises_names(self, ids: Iterable[str]) -> dict[str, str]:
        """id -> name of the premises that exist."""
        out: dict[str, str] = {}
        ids = list(set(ids))
        for chunk in _chunks(ids):
            out.update(
                (r[0], r[1])
                for r in self.conn.execute(
                    f"SELECT id, name FROM premises WHERE id IN ({_marks(len(chunk))})", chunk
                )
            )
        return out

    def attachments_insert(self, rows: list[tuple[str, bytes, str]]) -> int:
        """(sha256, data, mime) rows; returns how many were new. *data* is bytes or an object
        with ``read()`` giving them (an attachment still in the bundle's archive). An
        attachment already stored (same SHA-256) is not read at all, and the others are read
        one at a time as they are inserted: a bundle's photos are never all in memory."""
        rows = list(rows)
        stored = self.attachment_shas(sha for sha, _d, _m in rows)
        before = self.conn.total_changes
        self.conn.executemany(  # executemany pulls one row from the generator at a time
            "INSERT OR IGNORE INTO attachments (sha256, size, mime, data) VALUES (?, ?, ?, ?)",
            (
                (sha, len(data), mime, data if isinstance(data, bytes) else data.read())
                for sha, data, mime in rows
                if sha not in stored
            ),
        )
        return self.conn.total_changes - before

    def insert_inspections(
        self,
        inspections: list[Inspection],
        seq: int,
        origin: str,
        json_texts: dict[str, dict[str, str]] | None = None,
    ) -> None:
        """Insert finalized inspections with their children.

        The children go in first and the inspections after them, already finalized: the
        triggers that keep a finalized inspection's children unchangeable then find no
        finalized parent, and no row is written twice. Foreign keys are checked at the end of
        the transaction (``defer_foreign_keys``, which SQLite switches off again at COMMIT or
        ROLLBACK; a violation fails the commit, and the write rolls everything back. It is
        deliberately not switched off here: switching it off with a violation pending lets
        that violation through). *json_texts* (id -> {"environment", "checklist", "tests", "result",
        "standards"}) are the canonical JSON texts the bundle carried; without them the
        columns are rendered again."""
        if not inspections:
            return
        conn = self.conn
        json_texts = json_texts or {}
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.executemany(
            "INSERT INTO inspection_tests (inspection_id, seq, kind, verdict) VALUES (?, ?, ?, ?)",
            [
                (x.id, i, t.get("kind", ""), t.get("verdict"))
                for x in inspections
                for i, t in enumerate((x.result or {}).get("tests", []))
            ],
        )
        conn.executemany(
            "INSERT INTO readings (inspection_id, test_seq, seq, kind, label, error, mpe, unit, verdict, rule)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r for x in inspections for r in reading_rows(x)],
        )
        conn.executemany(
            "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis, severity, action, cheating)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f.id,
                    x.id,
                    i,
                    f.code,
                    f.text,
                    f.legal_basis,
                    f.severity,
                    f.action,
                    int(f.cheating),
                )
                for x in inspections
                for i, f in enumerate(x.findings)
            ],
        )
        conn.executemany(
            "INSERT INTO inspection_attachments (inspection_id, seq, sha256, role, caption) VALUES (?, ?, ?, ?, ?)",
            [
                (x.id, i, a.sha256, a.role, a.caption)
                for x in inspections
                for i, a in enumerate(x.attachments)
            ],
        )
        cols = [
            *codec.INSPECTION_SCALARS,
            "check_kind",
            "environment_json",
            "checklist_json",
            "tests_json",
            "result_json",
            "standards_json",
            "change_seq",
            "origin",
        ]
        rows = []
        for x in inspections:
            texts = json_texts.get(x.id)
            if texts is None:
                row = codec.inspection_row(x)
                texts = {
                    k: row[f"{k}_json"]
                    for k in ("environment", "checklist", "tests", "result", "standards")
                }
            rows.append(
                (
                    *[getattr(x, k) for k in codec.INSPECTION_SCALARS],
                    x.check,
                    texts["environment"],
                    texts["checklist"],
                    texts["tests"],
                    texts["result"],
                    texts["standards"],
                    seq,
                    origin,
                )
            )
        conn.executemany(
            f"INSERT INTO inspections ({', '.join(cols)}) VALUES ({_marks(len(cols))})", rows
        )

    def set_superseded(self, parent_id: str, child_id: str) -> None:
        self.conn.execute(
            "UPDATE inspections SET superseded_by = ? WHERE id = ?", (child_id, parent_id)
        )

    def delete_draft(self, inspection_id: str, seq: int) -> None:
        for table in ("inspection_tests", "readings", "findings", "inspection_attachments"):
            self.conn.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,))
        self.conn.execute(
            "DELETE FROM inspections WHERE id = ? AND status = 'draft'", (inspection_id,)
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq) VALUES (?, ?, ?)",
            ("inspection", inspection_id, seq),
        )

    def is_referenced(self, entity: str, entity_id: str) -> bool:
        checks = {
            "premises": [
                "SELECT 1 FROM instruments WHERE premises_id = ? LIMIT 1",
                "SELECT 1 FROM inspections WHERE premises_id = ? LIMIT 1",
                "SELECT 1 FROM assignments WHERE premises_id = ? LIMIT 1",
            ],
            "instrument": ["SELECT 1 FROM inspections WHERE instrument_id = ? LIMIT 1"],
            "standard": [
                "SELECT 1 FROM inspections WHERE standards_json LIKE '%' || ? || '%' LIMIT 1"
            ],
        }
        return any(
            self.conn.execute(sql, (entity_id,)).fetchone() for sql in checks.get(entity, [])
        )

    def apply_tombstone(self, entity: str, entity_id: str, seq: int, delete_row: bool) -> None:
        if delete_row:
            self.conn.execute(f"DELETE FROM {ENTITY_TABLES[entity]} WHERE id = ?", (entity_id,))
        self.conn.execute(
            "INSERT OR IGNORE INTO tombstones (entity, entity_id, change_seq) VALUES (?, ?, ?)",
            (entity, entity_id, seq),
        )

    def insert_conflict(
        self,
        conflict_id: str,
        entity: str,
        entity_id: str,
        reason: str,
        local: object,
        incoming: object,
        incoming_hash: str,
        bundle_id: str,
        seq: int,
    ) -> None:
        self.conn.execute(
            "INSERT INTO conflicts (id, entity, entity_id, local_json, incoming_json, bundle_id, created_seq,"
            " reason, incoming_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                conflict_id,
                entity,
                entity_id,
                None if local is None else codec.dumps(local),
                codec.dumps(incoming),
                bundle_id,
                seq,
                reason,
                incoming_hash,
            ),
        )

    def mark_resolved(self, conflict_id: str, resolution: str, actor: str) -> None:
        self.conn.execute(
            "UPDATE conflicts SET resolved = 1, resolution = ?, resolved_by = ? WHERE id = ?",
            (resolution, actor, conflict_id),
        )

    def insert_ledger(
        self,
        bundle_id: str,
        direction: str,
        source_device: str,
        signer: str,
        manifest_sha256: str,
        seq: int,
        imported_at: str,
        summary: dict[str, Any],
    ) -> None:
        self.conn.execute(
            "INSERT INTO bundle_ledger (bundle_id, direction, source_device, signer, manifest_sha256, imported_seq,"
            " imported_at, summary_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                bundle_id,
                direction,
                source_device,
                signer,
                manifest_sha256,
                seq,
                imported_at,
                codec.dumps(summary),
            ),
        )

    def insert_received(self, bundle_id: str, rows: list[tuple[str, str, str]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO sync_received (bundle_id, entity, entity_id, outcome) VALUES (?, ?, ?, ?)",
            [(bundle_id, e, i, o) for e, i, o in rows],
        )

    def insert_device_audit(self, bundle_id: str, entries: list[dict[str, Any]]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_device_audit (device_id, seq, at, actor, action, entity, entity_id, detail,"
            " prev_hash, hash, bundle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e["device_id"],
                    e["seq"],
                    e["at"],
                    e["actor"],
                    e["action"],
                    e["entity"],
                    e["entity_id"],
                    e["detail"],
                    e["prev_hash"],
                    e["hash"],
                    bundle_id,
                )
                for e in entries
            ],
        )

    def insert_acks(self, rows: list[tuple[str, str, str, str, int]]) -> int:
        """(entity, entity_id, bundle_id, ack_bundle, acked_seq); returns how many were new."""
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_acks (entity, entity_id, bundle_id, ack_bundle, acked_seq) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        return self.conn.total_changes - before

    def set_acked_audit_seq(self, seq: int) -> None:
        if seq > self.acked_audit_seq():
            self.store.set_meta("sync.acked_audit_seq", str(seq))

    def review_exists(self, review_id: str) -> dict[str, Any] | None:
        r = self.conn.execute(
            "SELECT id, inspection_id, decision, comment, reviewer, at, signature FROM reviews"
            " WHERE id = ?",
            (review_id,),
        ).fetchone()
        return None if r is None else dict(r)

    def insert_review(self, review: dict[str, Any], seq: int) -> None:
        self.conn.execute(
            "INSERT INTO reviews (id, inspection_id, decision, comment, reviewer, at, signature, change_seq)"
            " VALUES (:id, :inspection_id, :decision, :comment, :reviewer, :at, :signature, :change_seq)",
            dict(review, change_seq=seq),
        )

    def replace_assignments(
        self, origin: str, assignments: list[dict[str, Any]], seq: int
    ) -> tuple[int, int]:
        """Make the assignments that came from *origin* exactly *assignments*; (added, removed)."""
        current = {
            r[0]: r
            for r in self.conn.execute(
                "SELECT id, premises_id, inspector, note, campaign_id, due_date FROM assignments"
                " WHERE origin = ?",
                (origin,),
            )
        }
        incoming = {a["id"]: a for a in assignments}
        removed = [i for i in current if i not in incoming]
        self.conn.executemany("DELETE FROM assignments WHERE id = ?", [(i,) for i in removed])
        added = 0
        for a in assignments:
            old = current.get(a["id"])
            # an office of an earlier version sends no campaign and no due date
            campaign, due = a.get("campaign_id", ""), a.get("due_date")
            if old is not None and tuple(old)[1:] == (
                a["premises_id"],
                a["inspector"],
                a["note"],
                campaign,
                due,
            ):
                continue
            self.conn.execute(
                "INSERT INTO assignments (id, premises_id, inspector, note, change_seq, origin,"
                " campaign_id, due_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET premises_id = excluded.premises_id, inspector = excluded.inspector,"
                " note = excluded.note, change_seq = excluded.change_seq, origin = excluded.origin,"
                " campaign_id = excluded.campaign_id, due_date = excluded.due_date",
                (a["id"], a["premises_id"], a["inspector"], a["note"], seq, origin, campaign, due),
            )
            added += 1
        return added, len(removed)

    def set_assignment(
        self, assignment_id: str, premises_id: str, inspector: str, note: str, seq: int
    ) -> None:
        self.conn.execute(
            "INSERT INTO assignments (id, premises_id, inspector, note, change_seq) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(premises_id, inspector, campaign_id) DO UPDATE SET note = excluded.note, change_seq = excluded.change_seq",
            (assignment_id, premises_id, inspector, note, seq),
        )

    def assignments_for(self, inspector: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT a.id, a.premises_id, a.inspector, a.note, p.name AS premises_name FROM assignments a"
                " JOIN premises p ON p.id = a.premises_id WHERE a.inspector = ? ORDER BY p.name",
                (inspector,),
            )
        ]


def sync_repo(store: Store) -> SyncRepo:
    """The store's sync repository (``store.sync``)."""
    return store.sync
