"""What the append-only tables of signed office versions share (``rule_data_versions`` in
:mod:`.rule_data`, ``form_versions`` in :mod:`.forms`): a row type whose fields are the
table's columns (plus ``seq``, which the database numbers), reading them in the order they
were added, and adding one inside the caller's audited write.

A database opened without migrating may not have the table yet; it then holds no versions.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any, ClassVar, Protocol, TypeVar


class VersionRow(Protocol):
    """A row dataclass: every field a column, ``seq`` last (set by the database)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


Row = TypeVar("Row", bound=VersionRow)


def columns(row_type: type[VersionRow]) -> tuple[str, ...]:
    """The table's columns: the row's fields except ``seq``, in their declared order."""
    return tuple(f.name for f in dataclasses.fields(row_type) if f.name != "seq")


def has_table(conn: sqlite3.Connection, table: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        is not None
    )


def select_rows(
    conn: sqlite3.Connection,
    table: str,
    row_type: type[Row],
    where: str = "",
    args: tuple[Any, ...] = (),
) -> list[Row]:
    """The rows (matching *where*), oldest first; none when the table does not exist."""
    if not has_table(conn, table):
        return []
    sql = f"SELECT {', '.join(columns(row_type))}, seq FROM {table}"
    if where:
        sql += f" WHERE {where}"
    return [row_type(*r) for r in conn.execute(sql + " ORDER BY seq", args)]


def insert_row(conn: sqlite3.Connection, table: str, row: VersionRow, audit_seq: int) -> None:
    """Add *row* with the audit entry's number (inside the caller's audited write)."""
    cols = columns(type(row))
    values = [getattr(row, c) for c in cols[:-1]] + [audit_seq]
    conn.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        values,
    )
