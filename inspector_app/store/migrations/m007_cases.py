"""Enforcement cases (案件): cases, their events and their evidence."""

from __future__ import annotations

import sqlite3


def up(conn: sqlite3.Connection) -> None:
    pass
