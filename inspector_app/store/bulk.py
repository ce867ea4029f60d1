"""Bulk loading of already-validated records in one transaction (demo data, imports).

sqlite-utils' ``insert_all`` commits batch by batch; this uses ``executemany`` inside a
single ``BEGIN IMMEDIATE`` so that a failure part-way leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.models import Inspection, Instrument, Premises
from . import codec
from .inspections import reading_rows


def _insert(conn, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [tuple(r[c] for c in cols) for r in rows],
    )


def load_records(store, premises: Iterable[Premises], instruments: Iterable[Instrument],
                 inspections: Iterable[Inspection], *, actor: str, action: str) -> dict:
    """Insert premises, instruments and inspections (drafts or finalized, hashes already
    computed; their attachments must be stored already) with one audit entry. Returns the
    counts."""
    premises, instruments, inspections = list(premises), list(instruments), list(inspections)
    names = {p.id: p.name for p in premises}
    conn = store.conn
    counts = {"premises": len(premises), "instruments": len(instruments), "inspections": len(inspections)}
    with store.write(actor, action, detail=counts) as seq:
        _insert(conn, "premises", [dict(codec.premises_row(p), change_seq=seq) for p in premises])
        _insert(conn, "instruments", [dict(codec.instrument_row(i, names.get(i.premises_id, "")), change_seq=seq)
                                      for i in instruments])
        rows = []
        for x in inspections:
            row = codec.inspection_row(x)
            row.update(status="draft", change_seq=seq)  # children first, then seal (triggers)
            rows.append(row)
        _insert(conn, "inspections", rows)
        conn.executemany(
            "INSERT INTO inspection_tests (inspection_id, seq, kind, verdict) VALUES (?, ?, ?, ?)",
            [(x.id, i, t.get("kind", ""), t.get("verdict"))
             for x in inspections for i, t in enumerate((x.result or {}).get("tests", []))],
        )
        conn.executemany(
            "INSERT INTO readings (inspection_id, test_seq, seq, kind, label, error, mpe, unit, verdict, rule)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r for x in inspections for r in reading_rows(x)],
        )
        conn.executemany(
            "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis, severity, action, cheating)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(f.id, x.id, i, f.code, f.text, f.legal_basis, f.severity, f.action, int(f.cheating))
             for x in inspections for i, f in enumerate(x.findings)],
        )
        conn.executemany(
            "INSERT INTO inspection_attachments (inspection_id, seq, sha256, role, caption) VALUES (?, ?, ?, ?, ?)",
            [(x.id, i, a.sha256, a.role, a.caption) for x in inspections for i, a in enumerate(x.attachments)],
        )
        conn.executemany(
            "UPDATE inspections SET status = 'finalized' WHERE id = ?",
            [(x.id,) for x in inspections if x.status == "finalized"],
        )
    return counts
