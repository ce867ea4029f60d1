"""Certificate numbers: a void number gives way to a new one, and the ledger keeps both.

Until now one row per (body, inspection, document kind) was allowed, so a number voided
because its document was never delivered (printed wrongly, lost before handing over) would
have been printed again on the next issue of that document. Now only one *issued* number per
(body, inspection, kind) is unique (a partial index, the same on SQLite and PostgreSQL); void
numbers stay in the ledger with their reason and when and by whom they were voided, and the
next issue takes the next number of the sequence.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    "DROP INDEX certificate_numbers_inspection",
    "CREATE UNIQUE INDEX certificate_numbers_issued ON certificate_numbers"
    " (body_id, inspection_id, kind) WHERE status = 'issued'",
    "ALTER TABLE certificate_numbers ADD COLUMN voided_at TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE certificate_numbers ADD COLUMN voided_by TEXT NOT NULL DEFAULT ''",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
