"""Rule data versions: the published values an office confirms over the built-in numbers.

Each row is one complete version (every override in force, as the JSON that
``domain.rules.ruledata.parse`` reads), the version it replaced (``base``), who made it,
when and why, and the supervisor's signature over all of that with the signer's
certificate (PEM), so a laptop can check it against its trust list. Rows are never changed
or deleted: a correction is a new version, and the newest row (highest ``seq``) is the one
evaluations use. ``source`` is ``local`` (made here) or ``bundle`` (arrived from the
office); ``audit_seq`` is the audit entry that added it.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE rule_data_versions (
    seq         INTEGER PRIMARY KEY,
    version     TEXT NOT NULL UNIQUE,
    base        TEXT NOT NULL,
    values_json TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    signature   TEXT NOT NULL,
    signer_cert TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT 'local',
    audit_seq   INTEGER NOT NULL DEFAULT 0
)""",
    """CREATE TRIGGER rule_data_versions_no_update BEFORE UPDATE ON rule_data_versions
BEGIN SELECT RAISE(ABORT, 'rule data versions are never changed; make a new version'); END""",
    """CREATE TRIGGER rule_data_versions_no_delete BEFORE DELETE ON rule_data_versions
BEGIN SELECT RAISE(ABORT, 'rule data versions are never deleted; make a new version'); END""",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
