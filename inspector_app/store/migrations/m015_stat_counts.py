"""Statistics counts kept as records are written (claimed; filled in next)."""

from __future__ import annotations

import sqlite3


def up(conn: sqlite3.Connection) -> None:
    pass
