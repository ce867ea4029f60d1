"""Premises, instruments and reference standards (mutable records): reading them for export,
the ids the import's checks resolve, the versions known of each, their writes, and
tombstones.

Part of :class:`SyncRepo` (see the package); writes run inside ``store.write``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...domain.models import (
    Instrument,
    Premises,
    ReferenceStandard,
)
from .. import codec
from .base import ENTITY_TABLES, RepoPart, _chunks, _marks


class RecordRows(RepoPart):
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

    def add_versions(self, entity: str, entity_id: str, hashes: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_versions (entity, entity_id, hash) VALUES (?, ?, ?)",
            [(entity, entity_id, h) for h in hashes],
        )

    def add_versions_many(self, rows: list[tuple[str, str, str]]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_versions (entity, entity_id, hash) VALUES (?, ?, ?)", rows
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
