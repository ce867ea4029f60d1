"""SQL of office review: the review queue, review records, review states.

The queue holds finalized inspections that came from elsewhere (``origin != 'local'``: the
source device of the bundle, or ``'conflict'`` when kept at a conflict), newest revision of
each record only. A review is an immutable row of ``reviews`` (triggers in m001 refuse any
change); the newest review of an inspection decides its state (approved / returned), none
means pending. Writes must run inside ``store.write(...)``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError
from .filters import SEALED_HEADS, period

if TYPE_CHECKING:
    from .store import Store

STATES = ("pending", "approved", "returned")
_LATEST = (
    "(SELECT r.decision FROM reviews r WHERE r.inspection_id = i.id"
    " ORDER BY r.change_seq DESC, r.at DESC, r.id DESC LIMIT 1)"
)
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"


@dataclass
class ReviewFilter:
    inspector: str | None = None
    market: str | None = None
    family: str | None = None
    verdict: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    state: str | None = "pending"  # pending | approved | returned | None (all)
    include_local: bool = False  # also inspections made in this database


@dataclass
class QueueRow:
    id: str
    record_id: str
    revision: int
    started_at: str
    family: str
    check: str
    verdict: str | None
    inspector: str
    premises_name: str
    market: str
    city: str
    instrument_label: str
    origin: str
    state: str  # pending | approved | returned
    cheating: bool


@dataclass
class ReviewRow:
    id: str
    inspection_id: str
    decision: str
    comment: str
    reviewer: str
    at: str
    signature: str | None
    change_seq: int


def _where(f: ReviewFilter) -> tuple[str, list[Any]]:
    where = list(SEALED_HEADS)
    params: list[Any] = []
    if not f.include_local:
        where.append("i.origin != 'local'")
    for column, value in (
        ("i.inspector", f.inspector),
        ("p.market", f.market),
        ("i.family", f.family),
        ("i.verdict", f.verdict),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    clauses, values = period(f.date_from, f.date_to)
    where += clauses
    params += values
    if f.state:
        if f.state not in STATES:
            raise InputError("state", "must be pending, approved or returned")
        if f.state == "pending":
            where.append("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = i.id)")
        else:
            where.append(f"{_LATEST} = ?")
            params.append(f.state)
    return " WHERE " + " AND ".join(where), params


_FROM = (
    " FROM inspections i JOIN premises p ON p.id = i.premises_id"
    " JOIN instruments n ON n.id = i.instrument_id"
)


class ReviewRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # -- the queue -------------------------------------------------------------------------
    def queue(self, f: ReviewFilter, limit: int = 500, offset: int = 0) -> list[QueueRow]:
        where, params = _where(f)
        rows = self.conn.execute(
            "SELECT i.id, i.record_id, i.revision, i.started_at, i.family, i.check_kind, i.verdict, i.inspector,"
            " p.name, p.market, p.city, trim(n.maker || ' ' || n.model || ' ' || n.serial), i.origin,"
            f" coalesce({_LATEST}, 'pending'), {_CHEAT}{_FROM}{where}"
            " ORDER BY i.started_at DESC, i.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [QueueRow(*(*r[:14], bool(r[14]))) for r in rows]

    def queue_ids(self, f: ReviewFilter) -> list[str]:
        where, params = _where(f)
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT i.id{_FROM}{where} ORDER BY i.started_at DESC, i.id DESC", params
            )
        ]

    def queue_count(self, f: ReviewFilter) -> int:
        where, params = _where(f)
        return int(self.conn.execute(f"SELECT count(*){_FROM}{where}", params).fetchone()[0])

    def inspectors(self, include_local: bool = False) -> list[str]:
        sql = "SELECT DISTINCT inspector FROM inspections WHERE status = 'finalized'"
        if not include_local:
            sql += " AND origin != 'local'"
        return [r[0] for r in self.conn.execute(sql + " ORDER BY inspector")]

    def markets(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT p.market FROM inspections i JOIN premises p ON p.id = i.premises_id"
                " WHERE i.origin != 'local' AND p.market != '' ORDER BY p.market"
            )
        ]

    # -- reviews ---------------------------------------------------------------------------
    def reviews_for(self, inspection_ids: list[str]) -> list[ReviewRow]:
        """Reviews of these inspections, newest first."""
        if not inspection_ids:
            return []
        marks = ", ".join("?" for _ in inspection_ids)
        return [
            ReviewRow(*r)
            for r in self.conn.execute(
                "SELECT id, inspection_id, decision, comment, reviewer, at, signature, change_seq FROM reviews"
                f" WHERE inspection_id IN ({marks}) ORDER BY change_seq DESC, at DESC, id DESC",
                inspection_ids,
            )
        ]

    def latest(self, inspection_ids: list[str]) -> dict[str, ReviewRow]:
        """The newest review of each inspection that has one."""
        out: dict[str, ReviewRow] = {}
        ids = list(dict.fromkeys(inspection_ids))
        for start in range(0, len(ids), 500):
            for row in self.reviews_for(ids[start : start + 500]):
                out.setdefault(row.inspection_id, row)
        return out

    def get(self, review_id: str) -> ReviewRow | None:
        r = self.conn.execute(
            "SELECT id, inspection_id, decision, comment, reviewer, at, signature, change_seq FROM reviews"
            " WHERE id = ?",
            (review_id,),
        ).fetchone()
        return None if r is None else ReviewRow(*r)

    def ancestors(self, inspection_id: str) -> list[str]:
        """The inspection and every earlier revision it descends from, newest first."""
        out: list[str] = []
        current: str | None = inspection_id
        while current and current not in out:
            out.append(current)
            row = self.conn.execute(
                "SELECT parent_id FROM inspections WHERE id = ?", (current,)
            ).fetchone()
            current = row[0] if row else None
        return out

    def inspection_state(self, inspection_id: str) -> dict[str, Any] | None:
        r = self.conn.execute(
            "SELECT id, status, superseded_by, origin, content_hash FROM inspections WHERE id = ?",
            (inspection_id,),
        ).fetchone()
        return None if r is None else dict(r)

    def find_ids(self, prefix: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM inspections WHERE substr(id, 1, ?) = ? LIMIT 2",
                (len(prefix), prefix),
            )
        ]

    def claim(self, row: ReviewRow) -> bool:
        """Record *row* as the decision of its inspection (inside the write that inserts it).

        False when a decision is recorded already: the primary key of ``review_decisions``
        makes the database refuse a second one even when two writers check at the same
        moment (``ON CONFLICT DO NOTHING`` is the same on SQLite and PostgreSQL, and on
        PostgreSQL it waits for the other transaction instead of failing it)."""
        cur = self.conn.execute(
            "INSERT INTO review_decisions (inspection_id, review_id, decision, reviewer, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (inspection_id) DO NOTHING",
            (row.inspection_id, row.id, row.decision, row.reviewer, row.at),
        )
        return cur.rowcount == 1

    def decision(self, inspection_id: str) -> ReviewRow | None:
        """The review that decided the inspection: the claimed one, else (a review that
        arrived in a bundle) its newest review."""
        r = self.conn.execute(
            "SELECT r.id, r.inspection_id, r.decision, r.comment, r.reviewer, r.at, r.signature,"
            " r.change_seq FROM review_decisions d JOIN reviews r ON r.id = d.review_id"
            " WHERE d.inspection_id = ?",
            (inspection_id,),
        ).fetchone()
        if r is not None:
            return ReviewRow(*r)
        return self.latest([inspection_id]).get(inspection_id)

    def insert(self, row: ReviewRow) -> None:
        """Insert one review (inside a write)."""
        self.conn.execute(
            "INSERT INTO reviews (id, inspection_id, decision, comment, reviewer, at, signature, change_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.inspection_id,
                row.decision,
                row.comment,
                row.reviewer,
                row.at,
                row.signature,
                row.change_seq,
            ),
        )


def review_repo(store: Store) -> ReviewRepo:
    repo = getattr(store, "_review_repo", None)
    if repo is None:
        repo = ReviewRepo(store)
        store._review_repo = repo  # type: ignore[attr-defined]  # cached on the store it serves
    return repo
