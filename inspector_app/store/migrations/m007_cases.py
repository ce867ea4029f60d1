"""Enforcement cases (案件): cases, their events and their evidence, and data files an office
sends (a newer holiday calendar or articles list).

- ``cases``: one case per party and event; the party, officers, facts, articles (id and
  edition) and decision as JSON; the dates each state was reached; orders to correct with
  their deadlines; pauses of the time limits; service of documents; closure. ``visit_id``
  and ``premises_id`` are plain links (no dependency on how visits are stored).
- A decided case is sealed by ``decided_hash`` (what the decision rests on): the database
  refuses later changes to it and to its evidence. A closed case is sealed by
  ``content_hash`` and refuses any change. Cases past the clue stage are never deleted.
- ``case_events``: every change of a case, append-only (the hash-chained audit log records
  the same change).
- ``case_data_files``: named data files with a version (``cn_workdays``, ``articles``).
"""

from __future__ import annotations

import sqlite3

SEALED_AT_DECISION = (
    "case_no",
    "source",
    "clue_date",
    "premises_id",
    "party_json",
    "officers_json",
    "facts",
    "violated_json",
    "penalty_json",
    "decision_json",
    "fine",
    "decided_hash",
)

STATEMENTS = [
    """CREATE TABLE cases (
        id             TEXT PRIMARY KEY,
        case_no        TEXT NOT NULL UNIQUE,
        source         TEXT NOT NULL
                       CHECK (source IN ('inspection', 'visit', 'complaint', 'referral')),
        source_text    TEXT NOT NULL DEFAULT '',
        status         TEXT NOT NULL DEFAULT 'clue'
                       CHECK (status IN ('clue', 'filed', 'investigated', 'notified',
                                         'decided', 'executed', 'closed')),
        clue_date      TEXT NOT NULL,
        premises_id    TEXT REFERENCES premises(id),
        premises_kind  TEXT NOT NULL DEFAULT '',
        visit_id       TEXT,
        party_name     TEXT NOT NULL,
        party_key      TEXT NOT NULL,
        party_json     TEXT NOT NULL,
        officers_json  TEXT NOT NULL DEFAULT '[]',
        facts          TEXT NOT NULL DEFAULT '',
        violated_json  TEXT NOT NULL DEFAULT '[]',
        penalty_json   TEXT NOT NULL DEFAULT '[]',
        decision_json  TEXT,
        fine           TEXT,
        orders_json    TEXT NOT NULL DEFAULT '[]',
        pauses_json    TEXT NOT NULL DEFAULT '[]',
        services_json  TEXT NOT NULL DEFAULT '[]',
        dates_json     TEXT NOT NULL DEFAULT '{}',
        paid_on        TEXT NOT NULL DEFAULT '',
        closure_json   TEXT NOT NULL DEFAULT '{}',
        public_notice  INTEGER NOT NULL DEFAULT 0,
        cheating       INTEGER NOT NULL DEFAULT 0,
        decided_hash   TEXT,
        content_hash   TEXT,
        created_by     TEXT NOT NULL DEFAULT '',
        change_seq     INTEGER NOT NULL DEFAULT 0,
        origin         TEXT NOT NULL DEFAULT 'local',
        CHECK (status NOT IN ('decided', 'executed') OR decided_hash IS NOT NULL),
        CHECK (status != 'closed' OR content_hash IS NOT NULL)
    )""",
    "CREATE INDEX cases_status ON cases(status)",
    "CREATE INDEX cases_premises ON cases(premises_id)",
    "CREATE INDEX cases_party ON cases(party_key)",
    "CREATE INDEX cases_clue ON cases(clue_date)",
    """CREATE TABLE case_evidence (
        case_id  TEXT NOT NULL REFERENCES cases(id),
        seq      INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        ref      TEXT NOT NULL,
        note     TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (case_id, seq)
    )""",
    "CREATE INDEX case_evidence_ref ON case_evidence(kind, ref)",
    """CREATE TABLE case_events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id     TEXT NOT NULL REFERENCES cases(id),
        at          TEXT NOT NULL,
        on_date     TEXT NOT NULL DEFAULT '',
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        from_status TEXT NOT NULL DEFAULT '',
        to_status   TEXT NOT NULL DEFAULT '',
        detail_json TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX case_events_case ON case_events(case_id)",
    """CREATE TABLE case_data_files (
        name    TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        text    TEXT NOT NULL
    )""",
    # Sealed at decision: what the decision rests on.
    "CREATE TRIGGER cases_decided_sealed BEFORE UPDATE OF "
    + ", ".join(SEALED_AT_DECISION)
    + " ON cases WHEN OLD.decided_hash IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a decided case cannot be changed'); END",
    # Closed: nothing changes.
    "CREATE TRIGGER cases_closed_sealed BEFORE UPDATE ON cases WHEN OLD.status = 'closed'"
    " BEGIN SELECT RAISE(ABORT, 'a closed case cannot be changed'); END",
    "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases WHEN OLD.status != 'clue'"
    " BEGIN SELECT RAISE(ABORT, 'a filed case cannot be deleted'); END",
    "CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events"
    " BEGIN SELECT RAISE(ABORT, 'a case event cannot be changed'); END",
    "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events"
    " BEGIN SELECT RAISE(ABORT, 'a case event cannot be deleted'); END",
]

_GUARD = "(SELECT decided_hash FROM cases WHERE id = {row}.case_id) IS NOT NULL"
for _op, _row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
    STATEMENTS.append(
        f"CREATE TRIGGER case_evidence_sealed_no_{_op.lower()} BEFORE {_op} ON case_evidence"
        f" WHEN {_GUARD.format(row=_row)}"
        " BEGIN SELECT RAISE(ABORT, 'the evidence of a decided case cannot be changed'); END"
    )


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
