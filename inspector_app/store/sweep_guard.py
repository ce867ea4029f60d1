"""The insert guard of sweep rows (and, into a small table, their index by instrument) laid
aside while an import writes the rows of the sealed visits it brings (SQLite only, inside
the import's write transaction).

``sweep_rows_finalized_no_insert`` (schema 6) looks up the visit of every row written: no
row may join a finalized visit. A bundle's visits arrive sealed and new here; the import
writes each as a draft, adds its rows, then seals it, so the guard can never fire for those
rows, yet it cost a third of their insert (measured on the 191,792 rows of a
10,000-inspection bundle: 1.1 s of 3.1 s CPU). While it is aside the import holds the write
lock, so no other writer can add a row; when the block ends, one statement checks that every
row written meanwhile belongs to a visit the import created (none that was here before,
finalized or not), and the guard is created again from its own text before the commit. Any
other row fails the import, and a failure rolls back the drop with everything else.

The index by instrument takes its keys in random order (another 0.5 s on those rows); when
the table holds fewer rows than are coming it is dropped too and built again once, sorted.

On PostgreSQL both stay: dropping a trigger or an index locks the table for every other
writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StoreError

GUARD = "sweep_rows_finalized_no_insert"
INDEX = "sweep_rows_instrument"
# Fewer rows: the guard costs less than laying it aside and checking afterwards.
ASIDE_FROM = 500
_FIND = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'sweep_rows' AND name = ?"
# The rows written in the block (rowid above the old top) less those of them in the new
# visits, counted through the (visit_id, seq) index visit by visit: 0.02 s for 188,000 rows,
# where asking each row whether its visit is among the new ones took 0.065.
_STRAY = (
    "SELECT (SELECT count(*) FROM sweep_rows WHERE rowid > :top)"
    " - (SELECT count(*) FROM (SELECT DISTINCT value FROM json_each(:ids)) AS new"
    " JOIN sweep_rows s ON s.visit_id = new.value WHERE s.rowid > :top)"
)


@contextmanager
def guard_aside(
    conn: sqlite3.Connection, engine: str, visit_ids: list[str], rows: int
) -> Iterator[None]:
    """Run the block with the insert guard of sweep rows dropped when *rows* rows of the
    new visits *visit_ids* are about to be written on SQLite; afterwards every sweep row
    written meanwhile must belong to one of *visit_ids* (else :class:`StoreError`), and what
    was laid aside is back whether the block ended well or not."""
    if engine != "sqlite" or rows < ASIDE_FROM:
        yield
        return
    top = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM sweep_rows").fetchone()[0])
    aside = [tuple(map(str, r)) for r in conn.execute(_FIND, (GUARD,))]
    if aside and top < rows:  # (max(rowid): about the number of rows held, read at once)
        aside += [tuple(map(str, r)) for r in conn.execute(_FIND, (INDEX,))]
    for kind, name, _sql in aside:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    try:
        yield
        if aside:
            stray = conn.execute(_STRAY, {"top": top, "ids": json.dumps(visit_ids)}).fetchone()[0]
            if stray:
                raise StoreError(
                    f"{stray} sweep rows were written into visits this import did not create"
                )
    finally:
        for _kind, name, sql in aside:
            # (a rollback inside the block has put it back already)
            if conn.execute(_FIND, (name,)).fetchone() is None:
                conn.execute(sql)
