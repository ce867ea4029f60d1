"""Rule data versions the office confirms (filled in by the next commit)."""

from __future__ import annotations

import sqlite3


def up(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE rule_data_versions (
    version     TEXT PRIMARY KEY,
    base        TEXT NOT NULL,
    seq         INTEGER NOT NULL UNIQUE,
    values_json TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    signature   BLOB,
    signer_cert BLOB,
    source      TEXT NOT NULL DEFAULT 'local',
    added_at    TEXT NOT NULL DEFAULT ''
)"""
    )
