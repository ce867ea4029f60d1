"""Photos of a visit (the stalls, a market's notices, a cheating device), stored like an
inspection's photos: the bytes once in ``attachments`` by SHA-256, the visit's list in
``visit_photos`` in order. A sealed visit's photos are part of its content hash and the
database refuses any change to them once the visit is finalized.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE visit_photos (
        visit_id TEXT NOT NULL REFERENCES visits(id),
        seq      INTEGER NOT NULL,
        sha256   TEXT NOT NULL REFERENCES attachments(sha256),
        PRIMARY KEY (visit_id, seq)
    )""",
    "CREATE INDEX visit_photos_sha ON visit_photos(sha256)",
]

_GUARD = "(SELECT status FROM visits WHERE id = {row}.visit_id) = 'finalized'"
for _op, _row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
    STATEMENTS.append(
        f"CREATE TRIGGER visit_photos_finalized_no_{_op.lower()} BEFORE {_op} ON visit_photos"
        f" WHEN {_GUARD.format(row=_row)}"
        " BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be changed'); END"
    )


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
