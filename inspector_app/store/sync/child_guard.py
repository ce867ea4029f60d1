"""The insert guards of an inspection's children laid aside while an import writes the
children of the inspections it brings (SQLite only, inside the import's write transaction).

``readings``, ``inspection_tests``, ``findings`` and ``inspection_attachments`` each have a
``..._finalized_no_insert`` trigger (schema 1): before every row it looks up the row's
inspection, and no row may join a finalized one. The import writes the children of its new
inspections first and the inspections after them (``InspectionRows.insert_inspections``),
so for those rows the look-up finds nothing, yet it cost almost half of their insert
(measured on the 105,126 readings of a 10,000-inspection bundle: 0.47 s with the trigger,
0.26 s without).

What the triggers guard is proved once instead, before the rows are written: none of the
inspections the rows name exists here (one look-up per inspection, not one per row). The
rows are built from exactly those inspections, and the import holds the write lock, so no
row can join an inspection that was here already; the inspections are then inserted under
their ids (a primary key: an id that appeared meanwhile would fail the insert). The
triggers are created again from their own text before the commit, whether the block ended
well or not; a failure rolls back the drop with everything else.

On PostgreSQL the triggers stay: dropping one locks the table for every other writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from ..bulk import CHILD_GUARDS, FIND_TRIGGER, drop_triggers
from ..errors import StoreError

# Fewer rows: the triggers cost less than laying them aside (each drop and creation
# changes the schema, and the connection prepares its statements again).
ASIDE_FROM = 500


@contextmanager
def children_guard_aside(
    conn: sqlite3.Connection, engine: str, inspection_ids: list[str], rows: int
) -> Iterator[None]:
    """Run the block with the children's insert guards dropped when *rows* child rows of
    the inspections *inspection_ids*, none of them here yet, are about to be written on
    SQLite (one of them here: :class:`StoreError`, nothing dropped); the guards are back
    afterwards."""
    if engine != "sqlite" or rows < ASIDE_FROM:
        yield
        return
    here = conn.execute(
        "SELECT count(*) FROM inspections WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(inspection_ids),),
    ).fetchone()[0]
    if here:
        raise StoreError(f"{here} of the inspections to insert are here already")
    aside = drop_triggers(conn, CHILD_GUARDS)
    try:
        yield
    finally:
        for name, sql in aside:
            # (a rollback inside the block has put it back already)
            if conn.execute(FIND_TRIGGER, (name,)).fetchone() is None:
                conn.execute(sql)
