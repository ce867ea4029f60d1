"""Copy an office's SQLite file into an empty PostgreSQL office database (COPY, streamed).

An office that has worked on one supervisor's SQLite file moves to PostgreSQL with every
row as it is: the same schema version on both sides is required, the target must be empty,
and the whole copy is one transaction (all or nothing). Rows are streamed table by table
with ``COPY … FROM STDIN`` (never all in memory). The immutability triggers are switched off
for the copy only (``ALTER TABLE … DISABLE TRIGGER USER``, which needs the tables' owner):
finalized records arrive already finalized. Foreign keys are checked at commit. The audit
chain arrives entry for entry, so ``check`` verifies it the same way afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ..store import Store
    from .connection import PgConnection

SKIP = {"inspector_schema"}


def copy_sqlite_to_postgres(
    sqlite_path: str | Path,
    pg_store: Store,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every row of the SQLite database at *sqlite_path* into *pg_store* (a Store on
    PostgreSQL, migrated and empty); returns rows per table."""
    from ..db import StoreError
    from ..migrations import current_version as sqlite_version
    from .migrations import current_version as pg_version

    office = cast("PgConnection", pg_store.conn)  # (a Store on the office server)
    src = sqlite3.connect(f"{Path(sqlite_path).absolute().as_uri()}?mode=ro", uri=True)
    try:
        if sqlite_version(src) != pg_version(office):
            raise StoreError(
                f"{sqlite_path} is at schema {sqlite_version(src)} and the office database at "
                f"{pg_version(office)}; open the file once with this program first"
            )
        pg = office._pg
        tables = [
            r[0]
            for r in pg.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
            if r[0] not in SKIP
        ]
        busy = [t for t in tables if pg.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
        if busy:
            raise StoreError(
                f"the office database is not empty ({', '.join(busy[:3])} hold rows); "
                "copy into a new database"
            )
        counts: dict[str, int] = {}
        pg_store.conn.execute("BEGIN IMMEDIATE")
        try:
            pg.execute("SET CONSTRAINTS ALL DEFERRED")
            for t in tables:
                pg.execute(f'ALTER TABLE "{t}" DISABLE TRIGGER USER')
            src_tables = {
                r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            for t in tables:
                if t not in src_tables:
                    continue
                pg_cols = [
                    r[0]
                    for r in pg.execute(
                        "SELECT column_name FROM information_schema.columns WHERE"
                        " table_schema = current_schema() AND table_name = %s"
                        " ORDER BY ordinal_position",
                        (t,),
                    ).fetchall()
                ]
                src_cols = {r[1] for r in src.execute(f'PRAGMA table_info("{t}")')}
                cols = [c for c in pg_cols if c in src_cols]
                names = ", ".join(f'"{c}"' for c in cols)
                n = 0
                with pg.cursor().copy(f'COPY "{t}" ({names}) FROM STDIN') as copy:
                    for row in src.execute(f'SELECT {names} FROM "{t}"'):
                        copy.write_row(row)
                        n += 1
                counts[t] = n
                if progress is not None:
                    progress(t, n)
            pg.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked now
            for t in tables:
                pg.execute(f'ALTER TABLE "{t}" ENABLE TRIGGER USER')
            pg_store.conn.execute("COMMIT")
        except BaseException:
            if pg_store.conn.in_transaction:
                pg.execute("ROLLBACK")
            raise
        pg_store._device_id = None
        return counts
    finally:
        src.close()
