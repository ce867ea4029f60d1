"""Schema 1: premises, instruments, inspections with their children, attachments, reference
standards, audit chain, tombstones, and the tables sync, keys and review build on.

Finalized inspections are immutable in the database itself: triggers refuse any change to
their content columns and to their child rows, and any deletion.
"""

from __future__ import annotations

import sqlite3

# Inspection columns that make up its content; `superseded_by` and `sync_state` are not.
CONTENT_COLUMNS = (
    "record_id",
    "revision",
    "parent_id",
    "correction_reason",
    "instrument_id",
    "premises_id",
    "family",
    "check_kind",
    "ruleset",
    "inspector",
    "started_at",
    "place",
    "environment_json",
    "checklist_json",
    "tests_json",
    "result_json",
    "verdict",
    "standards_json",
    "notes",
    "status",
    "content_hash",
    "signature",
    "signer",
    "finalized_at",
)

SCHEMA = """
CREATE TABLE local_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE premises (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    market      TEXT NOT NULL DEFAULT '',
    stall_no    TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    latitude    TEXT,
    longitude   TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    change_seq  INTEGER NOT NULL DEFAULT 0,
    origin      TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX premises_market ON premises(market);
CREATE INDEX premises_change ON premises(change_seq);

CREATE TABLE instruments (
    id               TEXT PRIMARY KEY,
    premises_id      TEXT NOT NULL REFERENCES premises(id),
    family           TEXT NOT NULL,
    maker            TEXT NOT NULL DEFAULT '',
    model            TEXT NOT NULL DEFAULT '',
    serial           TEXT NOT NULL DEFAULT '',
    pattern_approval TEXT NOT NULL DEFAULT '',
    accuracy_class   TEXT NOT NULL DEFAULT '',
    metrology_json   TEXT NOT NULL DEFAULT '{}',
    seals            TEXT NOT NULL DEFAULT '',
    last_verified    TEXT,
    next_due         TEXT,
    search_text      TEXT NOT NULL DEFAULT '',
    change_seq       INTEGER NOT NULL DEFAULT 0,
    origin           TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX instruments_premises ON instruments(premises_id);
CREATE INDEX instruments_change ON instruments(change_seq);

CREATE TABLE reference_standards (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    certificate_no TEXT NOT NULL DEFAULT '',
    valid_until    TEXT,
    accuracy       TEXT NOT NULL DEFAULT '',
    mpe            TEXT,
    unit           TEXT NOT NULL DEFAULT '',
    serial         TEXT NOT NULL DEFAULT '',
    change_seq     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE inspections (
    id                TEXT PRIMARY KEY,
    record_id         TEXT NOT NULL,
    revision          INTEGER NOT NULL CHECK (revision >= 1),
    parent_id         TEXT REFERENCES inspections(id),
    correction_reason TEXT NOT NULL DEFAULT '',
    instrument_id     TEXT NOT NULL REFERENCES instruments(id),
    premises_id       TEXT NOT NULL REFERENCES premises(id),
    family            TEXT NOT NULL,
    check_kind        TEXT NOT NULL,
    ruleset           TEXT NOT NULL,
    inspector         TEXT NOT NULL,
    started_at        TEXT NOT NULL DEFAULT '',
    place             TEXT NOT NULL DEFAULT '',
    environment_json  TEXT NOT NULL DEFAULT '{}',
    checklist_json    TEXT NOT NULL DEFAULT '{}',
    tests_json        TEXT NOT NULL DEFAULT '[]',
    result_json       TEXT,
    verdict           TEXT CHECK (verdict IN ('pass', 'fail')),
    standards_json    TEXT NOT NULL DEFAULT '[]',
    notes             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('draft', 'finalized')),
    content_hash      TEXT,
    signature         TEXT,
    signer            TEXT,
    finalized_at      TEXT,
    superseded_by     TEXT,
    change_seq        INTEGER NOT NULL DEFAULT 0,
    origin            TEXT NOT NULL DEFAULT 'local',
    UNIQUE (record_id, revision),
    CHECK (status = 'draft' OR content_hash IS NOT NULL)
);
CREATE INDEX inspections_instrument ON inspections(instrument_id);
CREATE INDEX inspections_premises ON inspections(premises_id);
CREATE INDEX inspections_parent ON inspections(parent_id);
CREATE INDEX inspections_started ON inspections(started_at);
CREATE INDEX inspections_family ON inspections(family, started_at);
CREATE INDEX inspections_change ON inspections(change_seq);

CREATE TABLE inspection_tests (
    inspection_id TEXT NOT NULL REFERENCES inspections(id),
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    verdict       TEXT,
    PRIMARY KEY (inspection_id, seq)
);

CREATE TABLE readings (
    inspection_id TEXT NOT NULL REFERENCES inspections(id),
    test_seq      INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    label         TEXT NOT NULL DEFAULT '',
    error         TEXT,
    mpe           TEXT,
    unit          TEXT NOT NULL DEFAULT '',
    verdict       TEXT,
    rule          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, test_seq, seq)
);

CREATE TABLE findings (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections(id),
    seq           INTEGER NOT NULL,
    code          TEXT NOT NULL,
    text          TEXT NOT NULL,
    legal_basis   TEXT NOT NULL DEFAULT '',
    severity      TEXT NOT NULL DEFAULT 'major',
    action        TEXT NOT NULL DEFAULT '',
    cheating      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX findings_inspection ON findings(inspection_id);

CREATE TABLE attachments (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size       INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    data       BLOB NOT NULL
);

CREATE TABLE inspection_attachments (
    inspection_id TEXT NOT NULL REFERENCES inspections(id),
    seq           INTEGER NOT NULL,
    sha256        TEXT NOT NULL REFERENCES attachments(sha256),
    role          TEXT NOT NULL DEFAULT 'photo',
    caption       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, seq)
);
CREATE INDEX inspection_attachments_sha ON inspection_attachments(sha256);

CREATE TABLE tombstones (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    change_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity, entity_id)
);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TABLE trusted_keys (
    fingerprint TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    public_pem  TEXT NOT NULL,
    added_seq   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE bundle_ledger (
    bundle_id       TEXT PRIMARY KEY,
    direction       TEXT NOT NULL,
    source_device   TEXT NOT NULL,
    signer          TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    imported_seq    INTEGER NOT NULL,
    imported_at     TEXT NOT NULL,
    summary_json    TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE conflicts (
    id             TEXT PRIMARY KEY,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    local_json     TEXT,
    incoming_json  TEXT NOT NULL,
    bundle_id      TEXT NOT NULL,
    created_seq    INTEGER NOT NULL,
    resolved       INTEGER NOT NULL DEFAULT 0,
    resolution     TEXT,
    resolved_by    TEXT
);

CREATE TABLE reviews (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections(id),
    decision      TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    comment       TEXT NOT NULL DEFAULT '',
    reviewer      TEXT NOT NULL,
    at            TEXT NOT NULL,
    signature     TEXT,
    change_seq    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reviews_inspection ON reviews(inspection_id);

-- Audit entries are append-only.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;

-- Reviews are records of a decision: never changed.
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'a review cannot be changed'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'a review cannot be deleted'); END;

-- Finalized inspections are immutable.
CREATE TRIGGER inspections_finalized_no_delete BEFORE DELETE ON inspections
WHEN OLD.status = 'finalized'
BEGIN SELECT RAISE(ABORT, 'a finalized inspection cannot be deleted'); END;
"""


def _child_guards(table: str) -> str:
    guard = "(SELECT status FROM inspections WHERE id = {row}.inspection_id) = 'finalized'"
    return f"""
CREATE TRIGGER {table}_finalized_no_insert BEFORE INSERT ON {table}
WHEN {guard.format(row="NEW")}
BEGIN SELECT RAISE(ABORT, 'a finalized inspection cannot be changed'); END;
CREATE TRIGGER {table}_finalized_no_update BEFORE UPDATE ON {table}
WHEN {guard.format(row="OLD")}
BEGIN SELECT RAISE(ABORT, 'a finalized inspection cannot be changed'); END;
CREATE TRIGGER {table}_finalized_no_delete BEFORE DELETE ON {table}
WHEN {guard.format(row="OLD")}
BEGIN SELECT RAISE(ABORT, 'a finalized inspection cannot be changed'); END;
"""


def up(conn: sqlite3.Connection) -> None:
    statements = (
        SCHEMA
        + f"""
CREATE TRIGGER inspections_finalized_no_update BEFORE UPDATE OF {", ".join(CONTENT_COLUMNS)} ON inspections
WHEN OLD.status = 'finalized'
BEGIN SELECT RAISE(ABORT, 'a finalized inspection cannot be changed'); END;
"""
    )
    for table in ("inspection_tests", "readings", "findings", "inspection_attachments"):
        statements += _child_guards(table)
    # executescript would COMMIT the surrounding transaction; run statement by statement.
    for stmt in _split(statements):
        conn.execute(stmt)


def _split(script: str) -> list[str]:
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
