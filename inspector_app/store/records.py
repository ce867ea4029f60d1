"""Premises, instruments and reference standards: validated, audited, tombstoned on delete."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from ..domain import validation
from ..domain.errors import InputError
from ..domain.models import Instrument, Premises, ReferenceStandard
from . import codec

if TYPE_CHECKING:
    from .store import Store


def like_pattern(text: str) -> str:
    """A LIKE pattern matching *text* anywhere, with wildcards in *text* taken literally."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _Repo:
    table = ""
    entity = ""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _upsert(self, row: dict[str, Any], actor: str, seq_hint: str) -> None:
        conn = self.store.conn
        exists = conn.execute(f"SELECT 1 FROM {self.table} WHERE id = ?", (row["id"],)).fetchone()
        if conn.execute(
            "SELECT 1 FROM tombstones WHERE entity = ? AND entity_id = ?", (self.entity, row["id"])
        ).fetchone():
            raise InputError(
                f"{self.entity}.id", "this record was deleted and cannot be brought back"
            )
        action = f"{self.entity}.{'update' if exists else 'create'}"
        with self.store.write(actor, action, self.entity, row["id"]) as seq:
            row = dict(row, change_seq=seq)
            if exists:
                sets = ", ".join(f"{k} = :{k}" for k in row if k != "id")
                conn.execute(f"UPDATE {self.table} SET {sets} WHERE id = :id", row)
            else:
                cols = ", ".join(row)
                conn.execute(
                    f"INSERT INTO {self.table} ({cols}) VALUES ({', '.join(':' + k for k in row)})",
                    row,
                )

    def _delete(self, record_id: str, actor: str) -> None:
        conn = self.store.conn
        with self.store.write(actor, f"{self.entity}.delete", self.entity, record_id) as seq:
            cur = conn.execute(f"DELETE FROM {self.table} WHERE id = ?", (record_id,))
            if cur.rowcount == 0:
                raise InputError(f"{self.entity}.id", f"no {self.entity} with id {record_id}")
            conn.execute(
                "INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq) VALUES (?, ?, ?)",
                (self.entity, record_id, seq),
            )

    def count(self) -> int:
        return int(self.store.conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0])


class PremisesRepo(_Repo):
    table = "premises"
    entity = "premises"

    def save(self, p: Premises, actor: str = "") -> Premises:
        p = validation.validate_premises(p)
        self._upsert(codec.premises_row(p), actor, "premises")
        return p

    def get(self, premises_id: str) -> Premises | None:
        row = self.store.conn.execute(
            "SELECT * FROM premises WHERE id = ?", (premises_id,)
        ).fetchone()
        return None if row is None else codec.premises_from_row(row)

    def list(
        self,
        search: str = "",
        kind: str | None = None,
        market: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[Premises]:
        where, params = ["1 = 1"], []
        if search.strip():
            where.append("search_text LIKE ? ESCAPE '\\'")
            params.append(like_pattern(search.strip()))
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if market:
            where.append("market = ?")
            params.append(market)
        rows = self.store.conn.execute(
            f"SELECT * FROM premises WHERE {' AND '.join(where)} ORDER BY name, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [codec.premises_from_row(r) for r in rows]

    def markets(self) -> builtins.list[str]:
        return [
            r[0]
            for r in self.store.conn.execute(
                "SELECT DISTINCT market FROM premises WHERE market != '' ORDER BY market"
            )
        ]

    def delete(self, premises_id: str, actor: str = "") -> None:
        if self.store.conn.execute(
            "SELECT 1 FROM instruments WHERE premises_id = ? LIMIT 1", (premises_id,)
        ).fetchone():
            raise InputError(
                "premises.id", "these premises still have instruments; remove them first"
            )
        self._delete(premises_id, actor)


class InstrumentRepo(_Repo):
    table = "instruments"
    entity = "instrument"

    def save(self, ins: Instrument, actor: str = "") -> Instrument:
        ins = validation.validate_instrument(ins)
        premises = self.store.premises.get(ins.premises_id)
        if premises is None:
            raise InputError("instrument.premises_id", "the premises do not exist")
        self._upsert(codec.instrument_row(ins, premises.name), actor, "instrument")
        return ins

    def get(self, instrument_id: str) -> Instrument | None:
        row = self.store.conn.execute(
            "SELECT * FROM instruments WHERE id = ?", (instrument_id,)
        ).fetchone()
        return None if row is None else codec.instrument_from_row(row)

    def list(
        self,
        premises_id: str | None = None,
        family: str | None = None,
        search: str = "",
        limit: int = 500,
        offset: int = 0,
    ) -> list[Instrument]:
        where, params = ["1 = 1"], []
        if premises_id:
            where.append("premises_id = ?")
            params.append(premises_id)
        if family:
            where.append("family = ?")
            params.append(family)
        if search.strip():
            where.append("search_text LIKE ? ESCAPE '\\'")
            params.append(like_pattern(search.strip()))
        rows = self.store.conn.execute(
            f"SELECT * FROM instruments WHERE {' AND '.join(where)} ORDER BY family, serial, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [codec.instrument_from_row(r) for r in rows]

    def delete(self, instrument_id: str, actor: str = "") -> None:
        if self.store.conn.execute(
            "SELECT 1 FROM inspections WHERE instrument_id = ? LIMIT 1", (instrument_id,)
        ).fetchone():
            raise InputError(
                "instrument.id", "this instrument has inspections and cannot be removed"
            )
        self._delete(instrument_id, actor)


class StandardRepo(_Repo):
    table = "reference_standards"
    entity = "standard"

    def save(self, s: ReferenceStandard, actor: str = "") -> ReferenceStandard:
        s = validation.validate_standard(s)
        self._upsert(codec.standard_row(s), actor, "standard")
        return s

    def get(self, standard_id: str) -> ReferenceStandard | None:
        row = self.store.conn.execute(
            "SELECT * FROM reference_standards WHERE id = ?", (standard_id,)
        ).fetchone()
        return None if row is None else codec.standard_from_row(row)

    def list(self, kind: str | None = None) -> list[ReferenceStandard]:
        if kind:
            rows = self.store.conn.execute(
                "SELECT * FROM reference_standards WHERE kind = ? ORDER BY name", (kind,)
            ).fetchall()
        else:
            rows = self.store.conn.execute(
                "SELECT * FROM reference_standards ORDER BY kind, name"
            ).fetchall()
        return [codec.standard_from_row(r) for r in rows]

    def delete(self, standard_id: str, actor: str = "") -> None:
        self._delete(standard_id, actor)
