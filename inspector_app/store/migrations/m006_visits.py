"""Visits (现场检查), their sweep rows and campaigns.

Claimed; the schema follows in the next commit.
"""

from __future__ import annotations

import sqlite3


def up(conn: sqlite3.Connection) -> None:
    pass
