"""Indexes for the inspections list and search-as-you-type over 100,000 records.

The inspections table keeps large JSON columns (tests, results) in the middle of each row,
so any column after them (``superseded_by``, ``verdict``, ``status``) is read through the
row's overflow pages: a query that tests ``superseded_by IS NULL`` row by row read the
whole 700 MB file (seconds). These indexes let the list and its count be answered from
indexes:

- ``inspections_superseded``: the (few) superseded revisions, so "newest revision only" is
  ``rowid NOT IN (that small set)`` instead of a read of every row;
- ``inspections_list``: the default order (newest first) with the columns the search
  matches (premises, instrument, inspector), so a scan in list order never touches a row;
- ``inspections_inspector``: the distinct inspector names, read by a skip scan.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    "CREATE INDEX inspections_superseded ON inspections(superseded_by) WHERE superseded_by IS NOT NULL",
    "CREATE INDEX inspections_list ON inspections(started_at, id, premises_id, instrument_id, inspector)",
    "CREATE INDEX inspections_inspector ON inspections(inspector)",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
