"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical JSON of the
entry's own fields, so removing, reordering or editing any entry breaks every later link.
Ordering is by the local sequence number, never by the clock (``at`` is informational).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str,
    device_id: str,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: str,
) -> str:
    body = json.dumps(
        [device_id, at, actor, action, entity, entity_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(
    conn: sqlite3.Connection,
    device_id: str,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str = "",
    detail: dict[str, Any] | None = None,
) -> str:
    """Append one entry (call inside the write's transaction); returns its hash."""
    _, prev = head(conn)
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    detail_text = json.dumps(
        detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    h = entry_hash(prev, device_id, at, actor, action, entity, entity_id, detail_text)
    conn.execute(
        "INSERT INTO audit (device_id, at, actor, action, entity, entity_id, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (device_id, at, actor, action, entity, entity_id, detail_text, prev, h),
    )
    return h


@dataclass
class ChainProblem:
    seq: int
    message: str


def verify_chain(conn: sqlite3.Connection) -> list[ChainProblem]:
    """Recompute every link; each entry that no longer matches is named."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    expected_seq = None
    for row in conn.execute(
        "SELECT seq, device_id, at, actor, action, entity, entity_id, detail, prev_hash, hash"
        " FROM audit ORDER BY seq"
    ):
        seq, device_id, at, actor, action, entity, entity_id, detail, prev_hash, h = row
        if expected_seq is not None and seq != expected_seq:
            problems.append(
                ChainProblem(seq, f"audit entries {expected_seq}..{seq - 1} are missing")
            )
        if prev_hash != prev:
            problems.append(
                ChainProblem(seq, f"audit entry {seq} does not link to the entry before it")
            )
        if entry_hash(prev_hash, device_id, at, actor, action, entity, entity_id, detail) != h:
            problems.append(
                ChainProblem(seq, f"audit entry {seq} ({action} {entity_id}) was altered")
            )
        prev = h
        expected_seq = seq + 1
    return problems
