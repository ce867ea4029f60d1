"""Bundles and devices: the ledger of imported bundles, exports, acknowledgements, the
records each bundle brought, and the audit chains of other devices.

Part of :class:`SyncRepo` (see the package); writes run inside ``store.write``.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import codec
from .base import RepoPart, _chunks, _marks

_entity_and_id = operator.itemgetter(0, 1)
# an audit entry's fields, in the order of sync_device_audit's columns (the audit table has
# them too; a bundle's lines sort their keys)
_AUDIT_FIELDS = (
    "device_id",
    "seq",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "detail",
    "prev_hash",
    "hash",
)


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


class LedgerRows(RepoPart):
    def audit_entries_after(self, seq: int) -> list[dict[str, Any]]:
        return [
            dict(zip(_AUDIT_FIELDS, r, strict=True))
            for r in self.conn.execute(
                f"SELECT {', '.join(_AUDIT_FIELDS)} FROM audit WHERE seq > ? ORDER BY seq", (seq,)
            )
        ]

    def audit_hash_at(self, seq: int) -> str | None:
        row = self.conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else row[0]

    def acked_audit_seq(self) -> int:
        return int(self.store.meta("sync.acked_audit_seq") or 0)

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
        """(entity, id, outcome) rows of one bundle, written in the order of the table's key
        (entity, id): each row goes at the end of the B-tree and its pages fill up, instead
        of landing among rows already written (the merge notes them table by table, ids in
        the bundle's order). A stable sort: of a record named twice the last row stays."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO sync_received (bundle_id, entity, entity_id, outcome) VALUES (?, ?, ?, ?)",
            [(bundle_id, e, i, o) for e, i, o in sorted(rows, key=_entity_and_id)],
        )

    def insert_device_audit(self, bundle_id: str, entries: list[dict[str, Any]]) -> None:
        entry = operator.itemgetter(*_AUDIT_FIELDS)  # (a bundle carries some 20,000)
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_device_audit (device_id, seq, at, actor, action, entity, entity_id, detail,"
            " prev_hash, hash, bundle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*entry(e), bundle_id) for e in entries],
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
