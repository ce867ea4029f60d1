"""Bulk writing of sealed visits with their sweep rows (the demo's year of visits), inside
the caller's write transaction.

A year of market sweeps is some 1.5 million sweep rows for 100,000 inspections. Each row
inserted one by one runs the guard trigger that refuses rows of a sealed visit (a look-up
of its visit) and adds a random key to the index by instrument; on SQLite that was two
thirds of the rows' cost. The rows are written into visits that are still drafts, so for a
bulk write the guard and that index are laid aside inside the transaction and made again
from their own text before it commits (the index sorted once instead of grown row by
row): all or nothing, and the schema afterwards is the one the migrations made. It is what
an import does with the visits it brings (``store.sweep_guard``), the same check included:
every row written while the guard is aside must belong to one of the new visits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .sweep_guard import guard_aside
from .visit_codec import SWEEP_ROW_COLUMNS

SET_ASIDE_FROM = 5000  # fewer rows: the guard and the index cost less than laying them aside
_INSERT_VISIT = (
    "INSERT INTO visits (id, kind, started_at, day, inspector, premises_id, market,"
    " officers_json, campaign_id, place, notes, duty_set, duties_json, covert_json,"
    " change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ROW = (
    f"INSERT INTO sweep_rows ({', '.join(SWEEP_ROW_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in SWEEP_ROW_COLUMNS)})"
)


def insert_draft_visits(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Visits as drafts: (id, kind, started_at, day, inspector, premises_id, market,
    officers_json, campaign_id, place, notes, duty_set, duties_json, covert_json,
    change_seq) each."""
    conn.executemany(_INSERT_VISIT, rows)


@contextmanager
def sweep_rows_laid_aside(
    conn: sqlite3.Connection, engine: str, new_rows: int, visit_ids: Iterable[str]
) -> Iterator[None]:
    """Inside a write transaction: lay the sweep rows' insert guard and instrument index
    aside while *new_rows* rows are written into the new draft visits *visit_ids*, and make
    them again after, as an import does (:func:`store.sweep_guard.guard_aside`: only on
    SQLite, the index only while the table holds fewer rows than are coming, and every row
    written meanwhile must belong to one of *visit_ids*); here only from
    :data:`SET_ASIDE_FROM` rows."""
    with guard_aside(conn, engine, list(visit_ids), new_rows if new_rows >= SET_ASIDE_FROM else 0):
        yield


def insert_sweep_rows(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Sweep rows as tuples in the order of ``visit_codec.SWEEP_ROW_COLUMNS`` (rest_ok as
    0 or 1), into visits not yet sealed."""
    conn.executemany(_INSERT_ROW, rows)


def link_inspections(
    conn: sqlite3.Connection, engine: str, rows: Iterable[tuple[Any, str, str]]
) -> None:
    """(inspection rowid, visit id, inspection id): the inspection made in that visit. On
    SQLite by rowid in rowid order: the updates walk the table once instead of seeking each
    row by its id (a year's inspections outgrow the page cache)."""
    if engine == "sqlite":
        pairs = sorted((rowid, visit_id) for rowid, visit_id, _ in rows)
        conn.executemany(
            "UPDATE inspections SET visit_id = ? WHERE rowid = ?", [(v, r) for r, v in pairs]
        )
        return
    conn.executemany(
        "UPDATE inspections SET visit_id = ? WHERE id = ?", [(v, i) for _, v, i in rows]
    )


def seal_visits(conn: sqlite3.Connection, rows: Iterable[tuple[str, str | None, str]]) -> None:
    """(content hash, finalized_at, visit id): the visits sealed, their rows with them."""
    conn.executemany(
        "UPDATE visits SET status = 'finalized', content_hash = ?, finalized_at = ? WHERE id = ?",
        rows,
    )


def insert_assignments(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """(id, premises_id, inspector, campaign_id, due_date, done_visit_id, change_seq)."""
    conn.executemany(
        "INSERT INTO assignments (id, premises_id, inspector, campaign_id, due_date,"
        " done_visit_id, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
