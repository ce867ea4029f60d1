"""Form versions: inspection forms the office publishes over the built-in form files.

Each row is one complete form (the TOML text of ``forms/<family>.toml`` as the office
revised it), its version and SHA-256 content hash, who published it, when and why, and the
supervisor's signature over all of that with the signer's certificate (PEM), so a laptop
can check it against its trust list, exactly like rule data versions. Rows are never
changed or deleted: a revision is a new version. ``source`` is ``local`` (published here)
or ``bundle`` (arrived from the office); ``audit_seq`` is the audit entry that added it.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE form_versions (
    seq         INTEGER PRIMARY KEY,
    family      TEXT NOT NULL,
    version     TEXT NOT NULL,
    hash        TEXT NOT NULL,
    toml        TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    signature   TEXT NOT NULL,
    signer_cert TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT 'local',
    audit_seq   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (family, version)
)""",
    """CREATE TRIGGER form_versions_no_update BEFORE UPDATE ON form_versions
BEGIN SELECT RAISE(ABORT, 'form versions are never changed; publish a new version'); END""",
    """CREATE TRIGGER form_versions_no_delete BEFORE DELETE ON form_versions
BEGIN SELECT RAISE(ABORT, 'form versions are never deleted; publish a new version'); END""",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
