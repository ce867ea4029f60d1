"""Queries behind the period summary report (the SQL lives here).

Counted: finalized inspections, newest revision of each record (``superseded_by IS NULL``),
optionally limited to a period (``started_at`` date, both ends inclusive), one premises, one
city and/or one market (the premises' ``city`` and ``market`` columns, matched exactly).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .filters import SEALED_HEADS, period

if TYPE_CHECKING:
    from .store import Store


@dataclass
class SummaryFilter:
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    premises_id: str | None = None
    market: str | None = None
    city: str | None = None


@dataclass
class FamilyRow:
    family: str
    inspections: int
    passed: int
    failed: int
    cheating: int


@dataclass
class FailureRow:
    inspection_id: str
    started_at: str
    family: str
    check: str
    premises: str
    instrument: str
    failed_items: str  # from the findings, or the first failed readings
    cheating: bool


@dataclass
class CheatRow:
    inspection_id: str
    started_at: str
    premises: str
    family: str
    code: str
    text: str
    legal_basis: str


@dataclass
class SummaryStats:
    premises: int = 0
    instruments: int = 0
    inspections: int = 0
    passed: int = 0
    failed: int = 0
    cheating: int = 0  # inspections with at least one cheating finding
    by_family: list[FamilyRow] = field(default_factory=list)
    by_month: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # (YYYY-MM, inspections, failed)
    failures: list[FailureRow] = field(default_factory=list)
    failures_total: int = 0
    cheats: list[CheatRow] = field(default_factory=list)


def _where(f: SummaryFilter) -> tuple[str, list[Any]]:
    where = list(SEALED_HEADS)
    params: list[Any] = []
    clauses, values = period(f.date_from, f.date_to)
    where += clauses
    params += values
    if f.premises_id:
        where.append("i.premises_id = ?")
        params.append(f.premises_id)
    if f.city:
        where.append("p.city = ?")
        params.append(f.city)
    if f.market:
        where.append("p.market = ?")
        params.append(f.market)
    return " WHERE " + " AND ".join(where), params


_FROM = " FROM inspections i JOIN premises p ON p.id = i.premises_id"
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"


def summary_statistics(store: Store, f: SummaryFilter, *, max_rows: int = 200) -> SummaryStats:
    conn = store.conn
    where, params = _where(f)
    row = conn.execute(
        f"SELECT count(DISTINCT i.premises_id), count(DISTINCT i.instrument_id), count(*),"
        f" coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0), coalesce(sum({_CHEAT}), 0)"
        f"{_FROM}{where}",
        params,
    ).fetchone()
    # the row holds the leading counts (premises, instruments, inspections, passed, ...)
    stats = SummaryStats(*(int(v) for v in row))  # type: ignore[arg-type]
    stats.by_family = [
        FamilyRow(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in conn.execute(
            f"SELECT i.family, count(*), coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0),"
            f" coalesce(sum({_CHEAT}), 0){_FROM}{where} GROUP BY i.family ORDER BY count(*) DESC, i.family",
            params,
        )
    ]
    stats.by_month = [
        (r[0], int(r[1]), int(r[2]))
        for r in conn.execute(
            f"SELECT substr(i.started_at, 1, 7) AS month, count(*), coalesce(sum(i.verdict = 'fail'), 0)"
            f"{_FROM}{where} GROUP BY month ORDER BY month",
            params,
        )
    ]
    stats.failures_total = stats.failed
    for r in conn.execute(
        f"SELECT i.id, i.started_at, i.family, i.check_kind, p.name,"
        f" trim(n.maker || ' ' || n.model || ' ' || n.serial), {_CHEAT},"
        " (SELECT group_concat(label, ', ') FROM (SELECT label FROM readings r WHERE r.inspection_id = i.id"
        "   AND r.verdict = 'fail' ORDER BY r.test_seq, r.seq LIMIT 4) AS worst)"
        f"{_FROM} JOIN instruments n ON n.id = i.instrument_id{where} AND i.verdict = 'fail'"
        " ORDER BY i.started_at, i.id LIMIT ?",
        (*params, max_rows),
    ):
        stats.failures.append(
            FailureRow(r[0], r[1], r[2], r[3], r[4], r[5], r[7] or "", bool(r[6]))
        )
    for r in conn.execute(
        f"SELECT i.id, i.started_at, p.name, i.family, f.code, f.text, f.legal_basis{_FROM}"
        f" JOIN findings f ON f.inspection_id = i.id AND f.cheating = 1{where}"
        " ORDER BY i.started_at, i.id, f.seq LIMIT ?",
        (*params, max_rows),
    ):
        stats.cheats.append(CheatRow(*r))
    return stats


# ---- issuing body and certificate numbers ------------------------------------------------

DEFAULT_BODY = "default"
_BODY_COLUMNS = (
    "id",
    "name_zh",
    "name_en",
    "address",
    "postcode",
    "phone",
    "authorisation_no",
    "authorised",
    "cert_prefix",
    "minus_one_day",
    "updated_at",
)


def get_issuing_body(store: Store, body_id: str = DEFAULT_BODY) -> dict[str, Any] | None:
    """The issuing body's row as a dict (authorised and minus_one_day as bools), or None."""
    row = store.conn.execute(
        f"SELECT {', '.join(_BODY_COLUMNS)} FROM issuing_bodies WHERE id = ?", (body_id,)
    ).fetchone()
    if row is None:
        return None
    out = dict(zip(_BODY_COLUMNS, tuple(row), strict=True))
    out["authorised"] = bool(out["authorised"])
    out["minus_one_day"] = bool(out["minus_one_day"])
    return out


def save_issuing_body(conn: sqlite3.Connection, body: dict[str, Any]) -> None:
    """Insert or replace one issuing body (call inside a write)."""
    values = dict(body)
    values["authorised"] = 1 if values.get("authorised") else 0
    values["minus_one_day"] = 1 if values.get("minus_one_day", True) else 0
    values.setdefault("id", DEFAULT_BODY)
    cols = [c for c in _BODY_COLUMNS if c in values]
    conn.execute(
        f"INSERT INTO issuing_bodies ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        f" ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id"),
        [values[c] for c in cols],
    )


def certificate_number_for(
    conn: sqlite3.Connection, body_id: str, inspection_id: str, kind: str
) -> str | None:
    """The number issued for this inspection's document (a void one does not count)."""
    row = conn.execute(
        "SELECT number FROM certificate_numbers WHERE body_id = ? AND inspection_id = ?"
        " AND kind = ? AND status = 'issued'",
        (body_id, inspection_id, kind),
    ).fetchone()
    return row[0] if row else None


def take_certificate_number(
    conn: sqlite3.Connection,
    body_id: str,
    prefix: str,
    year: int,
    kind: str,
    inspection_id: str,
    record_id: str,
    issued_at: str,
) -> str:
    """The number of this inspection's document; a new one, the next of the body's sequence
    for *year*, when it has none (call inside a write: the read and the insert are one
    transaction, so two reports never get the same number and no number is skipped)."""
    existing = certificate_number_for(conn, body_id, inspection_id, kind)
    if existing:
        return existing
    seq = (
        conn.execute(
            "SELECT coalesce(max(seq), 0) FROM certificate_numbers WHERE body_id = ? AND year = ?",
            (body_id, year),
        ).fetchone()[0]
        + 1
    )
    number = f"{prefix}{year}-{seq:06d}"
    conn.execute(
        "INSERT INTO certificate_numbers (body_id, year, seq, number, kind, inspection_id,"
        " record_id, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (body_id, year, seq, number, kind, inspection_id, record_id, issued_at),
    )
    return number


def void_certificate_number(
    conn: sqlite3.Connection, number: str, reason: str, voided_at: str = "", voided_by: str = ""
) -> bool:
    """Mark an issued number void (its document was never delivered, or is withdrawn); it is
    never reused, and the next issue of that document takes the next number. False when no
    issued number is *number* (unknown, or void already)."""
    cur = conn.execute(
        "UPDATE certificate_numbers SET status = 'void', void_reason = ?, voided_at = ?,"
        " voided_by = ? WHERE number = ? AND status = 'issued'",
        (reason, voided_at, voided_by, number),
    )
    return cur.rowcount == 1


def issued_numbers_of(conn: sqlite3.Connection, inspection_id: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT number FROM certificate_numbers WHERE inspection_id = ? AND status = 'issued'",
            (inspection_id,),
        )
    ]


def certificate_number_row(conn: sqlite3.Connection, number: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM certificate_numbers WHERE number = ?", (number,)).fetchone()
    return dict(row) if row is not None else None


def certificate_number_gaps(store: Store, body_id: str = DEFAULT_BODY) -> list[tuple[int, int]]:
    """(year, missing sequence number) for every hole in a body's sequences: a number that
    should exist and does not (a deleted ledger row). Void numbers are not holes."""
    return _gaps(store.conn, body_id)


def _gaps(conn: sqlite3.Connection, body_id: str) -> list[tuple[int, int]]:
    out = []
    rows = conn.execute(
        "SELECT year, seq FROM certificate_numbers WHERE body_id = ? ORDER BY year, seq",
        (body_id,),
    ).fetchall()
    by_year: dict[int, list[int]] = {}
    for year, seq in rows:
        by_year.setdefault(int(year), []).append(int(seq))
    for year, seqs in by_year.items():
        have = set(seqs)
        out += [(year, n) for n in range(1, max(seqs) + 1) if n not in have]
    return out


def all_number_gaps(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """(body, year, missing sequence number) over every issuing body in the ledger."""
    out: list[tuple[str, int, int]] = []
    bodies = [r[0] for r in conn.execute("SELECT DISTINCT body_id FROM certificate_numbers")]
    for body in sorted(bodies):
        out += [(body, year, seq) for year, seq in _gaps(conn, body)]
    return out


def certificate_ledger(store: Store, body_id: str | None = DEFAULT_BODY) -> list[dict[str, Any]]:
    """The ledger of one body (every body when *body_id* is None), in sequence order."""
    if body_id is None:
        return [
            dict(r)
            for r in store.conn.execute(
                "SELECT * FROM certificate_numbers ORDER BY body_id, year, seq"
            )
        ]
    return [
        dict(r)
        for r in store.conn.execute(
            "SELECT * FROM certificate_numbers WHERE body_id = ? ORDER BY year, seq", (body_id,)
        )
    ]
