"""Photos of a visit (claimed; filled in by the next commit)."""

from __future__ import annotations

import sqlite3


def up(conn: sqlite3.Connection) -> None:
    pass
