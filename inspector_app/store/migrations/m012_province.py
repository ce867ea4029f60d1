"""Counties and the province roll-up.

``premises.county`` records the county or district (区/县/旗) of a premises; existing rows
are filled from their address, read after the city ("安徽省合肥市蜀山区长江路88号" → 蜀山区),
left empty when the address names none.

A province database keeps the approved records its city offices send
(``province_records``, one row per inspection revision, never changed or deleted), each
with its origin: the city office (``province_origins``: the office database's id, its name,
city and province as the office's signed bundle states them). The record's canonical
content travels with it and is kept (``record_json``) with its content hash.

Written out in full (no code shared with the program), so it never changes when the
program does.
"""

from __future__ import annotations

import re
import sqlite3

STATEMENTS = [
    "ALTER TABLE premises ADD COLUMN county TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE province_origins (
    office_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    city        TEXT NOT NULL DEFAULT '',
    province    TEXT NOT NULL DEFAULT '',
    signer      TEXT NOT NULL DEFAULT '',
    added_seq   INTEGER NOT NULL DEFAULT 0
)""",
    """CREATE TABLE province_records (
    inspection_id TEXT PRIMARY KEY,
    office_id     TEXT NOT NULL REFERENCES province_origins(office_id),
    record_id     TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    started_at    TEXT NOT NULL,
    family        TEXT NOT NULL,
    check_kind    TEXT NOT NULL DEFAULT '',
    verdict       TEXT,
    inspector     TEXT NOT NULL DEFAULT '',
    premises_name TEXT NOT NULL DEFAULT '',
    premises_kind TEXT NOT NULL DEFAULT '',
    province      TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    county        TEXT NOT NULL DEFAULT '',
    market        TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    decision      TEXT NOT NULL,
    reviewer      TEXT NOT NULL DEFAULT '',
    reviewed_at   TEXT NOT NULL DEFAULT '',
    cheating      INTEGER NOT NULL DEFAULT 0,
    content_hash  TEXT NOT NULL,
    record_json   TEXT NOT NULL,
    bundle_id     TEXT NOT NULL,
    change_seq    INTEGER NOT NULL DEFAULT 0
)""",
    "CREATE INDEX province_records_place ON province_records(province, city, county)",
    "CREATE INDEX province_records_record ON province_records(record_id, revision)",
    """CREATE TRIGGER province_records_no_update BEFORE UPDATE ON province_records
BEGIN SELECT RAISE(ABORT, 'a record received from a city office is never changed'); END""",
    """CREATE TRIGGER province_records_no_delete BEFORE DELETE ON province_records
BEGIN SELECT RAISE(ABORT, 'a record received from a city office is never deleted'); END""",
]


def county_from_address(address: str, city: str) -> str:
    text = address or ""
    if city and city in text:
        text = text.split(city, 1)[1]
    else:
        text = re.sub(r"^.*?(?:省|自治区)", "", text)
        text = re.sub(r"^[^市区县]{1,12}?市", "", text)
    m = re.match(r"([^省市区县路街道号]{1,10}?(?:区|县|旗))", text)
    return m.group(1) if m else ""


def up(conn: sqlite3.Connection) -> None:
    for stmt in STATEMENTS:
        conn.execute(stmt)
    rows = conn.execute("SELECT id, address, city FROM premises").fetchall()
    for pid, address, city in rows:
        county = county_from_address(address or "", city or "")
        if county:
            conn.execute("UPDATE premises SET county = ? WHERE id = ?", (county, pid))
