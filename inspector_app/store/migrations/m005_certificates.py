"""Issuing bodies and gap-free certificate numbers.

``issuing_bodies`` holds the verification body named on certificates and notices (name,
address, phone, postcode, authorisation certificate number, whether it is authorised to
verify, and the "valid until" convention), editable in Settings and carried to laptops in
office bundles. ``certificate_numbers`` is the ledger of every number a body has issued: a
number is taken once, inside the write transaction of the report that uses it, and never
reused; a number whose document was never delivered stays in the ledger marked ``void``
with its reason, so an audit can account for every number in the sequence.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE issuing_bodies (
    id                 TEXT PRIMARY KEY,
    name_zh            TEXT NOT NULL DEFAULT '',
    name_en            TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    postcode           TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    authorisation_no   TEXT NOT NULL DEFAULT '',
    authorised         INTEGER NOT NULL DEFAULT 0,
    cert_prefix        TEXT NOT NULL DEFAULT '',
    minus_one_day      INTEGER NOT NULL DEFAULT 1,
    updated_at         TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE certificate_numbers (
    body_id        TEXT NOT NULL,
    year           INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    number         TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    inspection_id  TEXT NOT NULL,
    record_id      TEXT NOT NULL DEFAULT '',
    issued_at      TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'issued',
    void_reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (body_id, year, seq)
)""",
    "CREATE UNIQUE INDEX certificate_numbers_inspection ON certificate_numbers (body_id, inspection_id, kind)",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
