"""Conflicts: an incoming version that differs from the one here, kept for review.

Part of :class:`SyncRepo` (see the package); writes run inside ``store.write``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .. import codec
from .base import RepoPart


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


class ConflictRows(RepoPart):
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
