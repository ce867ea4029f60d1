"""Bulk loading of already-validated records in one transaction (demo data, imports).

sqlite-utils' ``insert_all`` commits batch by batch; this uses ``executemany`` inside a
single ``BEGIN IMMEDIATE`` so that a failure part-way leaves nothing behind.

The statistics and search counts (schema 15) are kept by triggers, one upsert per row and
grain. For a bulk load on SQLite that is about a fifth of the demo's time, so the load
lays those triggers aside inside its own transaction, adds the new records' counts with one
grouped upsert per table, and puts the triggers back before it commits (``store/stat_sql.py``:
set_aside, put_back): all or nothing, and `check` recounts the result like any other.

On SQLite an inspection's tests, readings, findings and attachment links are written first
and the inspection after them, already sealed (its children's guards find no sealed parent
yet), with the foreign keys checked when the transaction commits
(``PRAGMA defer_foreign_keys``, which ends with it): no second pass that seals every
inspection and updates its indexes again (a tenth of the load's CPU time). PostgreSQL keeps
the order: parent as a draft, children, then sealed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.models import Inspection, Instrument, Premises
from . import codec, stat_sql
from .inspections import reading_rows, test_rows

if TYPE_CHECKING:
    from .store import Store


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [tuple(r[c] for c in cols) for r in rows],
    )


@dataclass
class Prepared:
    """Inspections turned into table rows (plain tuples: cheap to send between processes)."""

    columns: list[str] = field(default_factory=list)
    inspections: list[tuple[Any, ...]] = field(
        default_factory=list
    )  # status 'draft'; change_seq appended at insert
    tests: list[tuple[Any, ...]] = field(default_factory=list)
    readings: list[tuple[Any, ...]] = field(default_factory=list)
    findings: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: list[tuple[Any, ...]] = field(default_factory=list)
    finalize: list[tuple[Any, ...]] = field(default_factory=list)


def prepare(inspections: Iterable[Inspection], seal: bool = False) -> Prepared:
    """Rows for *inspections* (drafts or finalized, hashes already computed; with *seal*,
    computed here: ``codec.sealed_row`` renders each JSON field once for the hash and the
    row instead of once for each)."""
    out = Prepared()
    for x in inspections:
        row = codec.sealed_row(x) if seal else codec.inspection_row(x)
        row["status"] = "draft"  # children first, then seal (the triggers guard sealed rows)
        if not out.columns:
            out.columns = list(row)
        out.inspections.append(tuple(row[c] for c in out.columns))
        out.tests.extend(test_rows(x))
        out.readings.extend(reading_rows(x))
        out.findings.extend(
            (f.id, x.id, i, f.code, f.text, f.legal_basis, f.severity, f.action, int(f.cheating))
            for i, f in enumerate(x.findings)
        )
        out.attachments.extend(
            (x.id, i, a.sha256, a.role, a.caption) for i, a in enumerate(x.attachments)
        )
        if x.status == "finalized":
            out.finalize.append((x.id,))
    return out


def load_records(
    store: Store,
    premises: Iterable[Premises],
    instruments: Iterable[Instrument],
    inspections: Iterable[Inspection] | Prepared = (),
    *,
    actor: str,
    action: str,
) -> dict[str, Any]:
    """Insert premises, instruments and inspections (objects, or rows from :func:`prepare`;
    hashes already computed, attachments already stored) with one audit entry. Returns the
    counts."""
    premises, instruments = list(premises), list(instruments)
    rows = inspections if isinstance(inspections, Prepared) else prepare(inspections)
    names = {p.id: p.name for p in premises}
    conn = store.conn
    counts = {
        "premises": len(premises),
        "instruments": len(instruments),
        "inspections": len(rows.inspections),
    }
    with store.write(actor, action, detail=counts) as seq:
        _insert(conn, "premises", [dict(codec.premises_row(p), change_seq=seq) for p in premises])
        _insert(
            conn,
            "instruments",
            [
                dict(codec.instrument_row(i, names.get(i.premises_id, "")), change_seq=seq)
                for i in instruments
            ],
        )
        aside = stat_sql.set_aside(conn, store.engine, len(rows.inspections))
        cols = [*rows.columns, "change_seq"]
        if store.engine == "sqlite":
            # children first, their inspections after them already sealed: no second pass
            # over every inspection (and its indexes) to seal it; the foreign keys are checked
            # when the transaction commits instead of row by row
            conn.execute("PRAGMA defer_foreign_keys = ON")
            guards = _guards_aside(conn, rows)
            _children(conn, rows)
            at = rows.columns.index("status") if rows.columns else 0
            sealed = {x for (x,) in rows.finalize}
            at_id = rows.columns.index("id") if rows.columns else 0
            conn.executemany(
                f"INSERT INTO inspections ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [
                    (*r[:at], "finalized", *r[at + 1 :], seq) if r[at_id] in sealed else (*r, seq)
                    for r in rows.inspections
                ],
            )
            for _name, sql in guards:
                conn.execute(sql)
        else:
            if rows.inspections:
                conn.executemany(
                    f"INSERT INTO inspections ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                    [(*r, seq) for r in rows.inspections],
                )
            _children(conn, rows)
            conn.executemany(
                "UPDATE inspections SET status = 'finalized' WHERE id = ?", rows.finalize
            )
        if aside:
            at = rows.columns.index("id")
            stat_sql.put_back(conn, aside, [r[at] for r in rows.inspections])
    return counts


# the triggers that refuse a child row of a sealed inspection (schema 1)
CHILD_GUARDS = (
    "inspection_tests_finalized_no_insert",
    "readings_finalized_no_insert",
    "findings_finalized_no_insert",
    "inspection_attachments_finalized_no_insert",
)
GUARDS_ASIDE_FROM = 200  # fewer inspections: the guards cost less than laying them aside
FIND_TRIGGER = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"


def drop_triggers(conn: sqlite3.Connection, names: Iterable[str]) -> list[tuple[str, str]]:
    """Drop those of the triggers *names* that exist; their (name, SQL), to create them
    again from their own text."""
    aside = [(str(r[0]), str(r[1])) for name in names for r in conn.execute(FIND_TRIGGER, (name,))]
    for name, _sql in aside:
        conn.execute(f'DROP TRIGGER "{name}"')
    return aside


def _guards_aside(conn: sqlite3.Connection, rows: Prepared) -> list[tuple[str, str]]:
    """On SQLite, inside the write transaction: drop the triggers that refuse a child row
    (test, reading, finding, attachment link) of a sealed inspection, for a load of at
    least :data:`GUARDS_ASIDE_FROM` inspections; returned to be created again from their own
    text before the commit. Each looks up the row's inspection (a fifth of the children's
    cost); here no parent exists yet when its children are written. The guard's promise
    still holds: every child row must belong to one of the inspections of this load, which
    are inserted after them, so an inspection already in the database (sealed or not)
    cannot get a child (its id again is refused by the primary key); a row of another
    inspection is refused here with the trigger's words, before anything is dropped."""
    if len(rows.inspections) < GUARDS_ASIDE_FROM:
        return []
    at = rows.columns.index("id")
    new = {r[at] for r in rows.inspections}
    for part in (rows.tests, rows.readings, rows.attachments):
        if any(r[0] not in new for r in part):
            raise sqlite3.IntegrityError("a finalized inspection cannot be changed")
    if any(r[1] not in new for r in rows.findings):
        raise sqlite3.IntegrityError("a finalized inspection cannot be changed")
    return drop_triggers(conn, CHILD_GUARDS)


def _children(conn: sqlite3.Connection, rows: Prepared) -> None:
    """The inspections' tests, readings, findings and attachment links."""
    conn.executemany(
        "INSERT INTO inspection_tests (inspection_id, seq, kind, verdict) VALUES (?, ?, ?, ?)",
        rows.tests,
    )
    conn.executemany(
        "INSERT INTO readings (inspection_id, test_seq, seq, kind, label, error, mpe, unit, verdict, rule)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows.readings,
    )
    conn.executemany(
        "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis, severity, action, cheating)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows.findings,
    )
    conn.executemany(
        "INSERT INTO inspection_attachments (inspection_id, seq, sha256, role, caption) VALUES (?, ?, ?, ?, ?)",
        rows.attachments,
    )
