"""Office concurrency and the province roll-up.

``review_decisions`` holds one row per judged inspection: the review that decided it. Its
primary key is what lets exactly one of two supervisors who approve or return the same
inspection at the same moment win: the second insert is refused by the database itself,
inside the transaction that would have written the second review (plain SQL, the same on
SQLite and PostgreSQL). Filled from the earliest review of each inspection already stored.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE review_decisions (
    inspection_id TEXT PRIMARY KEY REFERENCES inspections(id),
    review_id     TEXT NOT NULL,
    decision      TEXT NOT NULL,
    reviewer      TEXT NOT NULL,
    at            TEXT NOT NULL
)""",
    """INSERT INTO review_decisions (inspection_id, review_id, decision, reviewer, at)
SELECT r.inspection_id, r.id, r.decision, r.reviewer, r.at FROM reviews r
WHERE r.id = (SELECT r2.id FROM reviews r2 WHERE r2.inspection_id = r.inspection_id
              ORDER BY r2.change_seq, r2.at, r2.id LIMIT 1)""",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
