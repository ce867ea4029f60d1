"""Revoked signing certificates.

The office's certification authority revokes the certificate of a lost laptop's key from a
given moment on; the revocation is kept here, travels to laptops in office bundles, and
``verify`` names a signature made at or after that moment REVOKED. A certificate is named by
its issuer (SHA-256 of the issuing CA certificate) and its serial number (decimal text, since
serials have up to 159 bits).
"""

from __future__ import annotations

import sqlite3

STATEMENTS = [
    """CREATE TABLE revocations (
    issuer_fingerprint TEXT NOT NULL,
    serial             TEXT NOT NULL,
    revoked_at         TEXT NOT NULL,
    reason             TEXT NOT NULL DEFAULT '',
    subject            TEXT NOT NULL DEFAULT '',
    added_seq          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issuer_fingerprint, serial)
)""",
]


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
