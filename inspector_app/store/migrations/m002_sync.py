"""Schema for sync bundles: known record versions, acknowledgements, per-device audit chains,
bundles exported and received, assignments of premises to inspectors, and conflict reasons.

- ``sync_versions``: every version (hash of the canonical record) of a mutable record
  (premises, instrument, standard) this database has sent or received, so an old copy
  replayed later is recognised as old and a newer one as descending from it.
- ``sync_exports`` / ``sync_export_items``: bundles this database wrote, and what they held.
- ``sync_received``: for each imported bundle, each record it carried and what became of it
  (new, updated, unchanged, stale, conflict, deleted); acknowledgements are built from it.
- ``sync_acks``: records the other side has acknowledged ("safely at the office").
- ``sync_device_audit``: the audit entries of other devices accepted so far; a bundle whose
  chain does not extend them is refused (a fork).
- ``assignments``: premises assigned to an inspector by the office.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE sync_versions (
        entity    TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        hash      TEXT NOT NULL,
        PRIMARY KEY (entity, entity_id, hash)
    ) WITHOUT ROWID""",
    """CREATE TABLE sync_exports (
        bundle_id    TEXT PRIMARY KEY,
        direction    TEXT NOT NULL,
        created_seq  INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        summary_json TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE sync_export_items (
        bundle_id TEXT NOT NULL REFERENCES sync_exports(bundle_id),
        entity    TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        PRIMARY KEY (bundle_id, entity, entity_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX sync_export_items_entity ON sync_export_items(entity, entity_id)",
    """CREATE TABLE sync_received (
        bundle_id TEXT NOT NULL REFERENCES bundle_ledger(bundle_id),
        entity    TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        outcome   TEXT NOT NULL,
        PRIMARY KEY (bundle_id, entity, entity_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE sync_acks (
        entity       TEXT NOT NULL,
        entity_id    TEXT NOT NULL,
        bundle_id    TEXT NOT NULL,
        ack_bundle   TEXT NOT NULL,
        acked_seq    INTEGER NOT NULL,
        PRIMARY KEY (entity, entity_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE sync_device_audit (
        device_id TEXT NOT NULL,
        seq       INTEGER NOT NULL,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        entity    TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        PRIMARY KEY (device_id, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE assignments (
        id          TEXT PRIMARY KEY,
        premises_id TEXT NOT NULL REFERENCES premises(id),
        inspector   TEXT NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        change_seq  INTEGER NOT NULL DEFAULT 0,
        origin      TEXT NOT NULL DEFAULT 'local',
        UNIQUE (premises_id, inspector)
    )""",
    "CREATE INDEX assignments_inspector ON assignments(inspector)",
    "ALTER TABLE conflicts ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE conflicts ADD COLUMN incoming_hash TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX conflicts_entity ON conflicts(entity, entity_id)",
    "CREATE TRIGGER sync_device_audit_no_update BEFORE UPDATE ON sync_device_audit"
    " BEGIN SELECT RAISE(ABORT, 'accepted audit entries are append-only'); END",
    "CREATE TRIGGER sync_device_audit_no_delete BEFORE DELETE ON sync_device_audit"
    " BEGIN SELECT RAISE(ABORT, 'accepted audit entries are append-only'); END",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
