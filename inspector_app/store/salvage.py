"""Salvage: copy what can still be read from a damaged database into a new one.

The damaged file is never written: it is copied (with its write-ahead log) into a temporary
folder and read from there, row by row where a whole-table read fails. Every finalized
inspection is re-checked against its own content hash; one that no longer matches, or whose
rows cannot all be read, is left out and named. The readings and test rows of a finalized
inspection kept are made again from its sealed result (they are derived from it), so a
damaged page of those tables loses none of them. Drafts, reference data, the audit log and
the other tables are copied as far as they can be read; rows whose references no longer
resolve are left out, so the new database passes its foreign-key check. When the damaged
file's schema itself cannot be read, the tables are found through the schema of a good
backup of the same file (``salvage_schema``).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.canonical import content_hash
from .db import StoreError, transaction
from .inspections import reading_rows, test_rows
from .locks import FileLock
from .opening import open_database
from .salvage_schema import graft_schema

if TYPE_CHECKING:
    from ..domain.models import Inspection
    from .store import Store

# Not copied: SQLite's own, and the counts the schema's triggers keep (statistics, search):
# they are counted again as the rows they count are written into the new file (copied as
# well, every salvaged inspection was counted twice and the new file failed its check).
SKIP_TABLES = {
    "sqlite_sequence",
    "stat_counts",
    "search_pairs",
    "stat_failures",
    "stat_premises_days",
    "stat_instrument_days",
}
ROW_SCAN_LIMIT = 5_000_000


@dataclass
class SalvageResult:
    output: Path
    finalized: int = 0
    drafts: int = 0
    other_rows: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unreadable_rows: int = 0
    # the backup whose schema found the tables, when the damaged file's own could not be read
    schema_from: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "finalized": self.finalized,
            "drafts": self.drafts,
            "other_rows": self.other_rows,
            "unreadable_rows": self.unreadable_rows,
            "skipped": [{"id": i, "reason": r} for i, r in self.skipped],
            "schema_from": str(self.schema_from) if self.schema_from else None,
        }


def _read_rows(
    conn: sqlite3.Connection, table: str, cols: list[str]
) -> tuple[list[tuple[Any, ...]], int]:
    """(rowid-or-None, values...) of every readable row, and how many could not be read."""
    names = ", ".join(f'"{c}"' for c in cols)
    try:
        conn.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
        has_rowid = True
    except sqlite3.DatabaseError:
        has_rowid = False
    if not has_rowid:
        try:
            return [(None, *r) for r in conn.execute(f'SELECT {names} FROM "{table}"')], 0
        except sqlite3.DatabaseError:
            return [], 1
    try:
        return [tuple(r) for r in conn.execute(f'SELECT rowid, {names} FROM "{table}"')], 0
    except sqlite3.DatabaseError:
        pass
    try:
        high = conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.DatabaseError:
        high = ROW_SCAN_LIMIT
    rows, lost = [], 0
    for rowid in range(1, min(high, ROW_SCAN_LIMIT) + 1):
        try:
            row = conn.execute(
                f'SELECT rowid, {names} FROM "{table}" WHERE rowid = ?', (rowid,)
            ).fetchone()
        except sqlite3.DatabaseError:
            lost += 1
            continue
        if row is not None:
            rows.append(tuple(row))
    return rows, lost


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def salvage(source: str | Path, output: str | Path) -> SalvageResult:
    from .store import Store

    source, output = Path(source).absolute(), Path(output).absolute()
    if not source.is_file():
        raise StoreError(f"{source} does not exist")
    if output.exists():
        raise StoreError(f"{output} exists already; choose a new file")
    if not output.parent.is_dir():
        raise StoreError(f"the folder {output.parent} does not exist")
    result = SalvageResult(output)
    presence = FileLock(source.with_name(source.name + ".lock"))
    try:
        if not presence.try_acquire(True):
            raise StoreError(
                f"{source} is open in a window or another command; close it and run salvage again"
            )
        tmp = Path(tempfile.mkdtemp(prefix=".salvage-", dir=output.parent))
        try:
            copy = tmp / "damaged.db"
            shutil.copyfile(source, copy)
            wal = Path(f"{source}-wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{copy}-wal"))
        finally:
            presence.close()
        try:
            _salvage_copy(copy, output, result, Store, source)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        presence.close()
    return result


def _open_copy(copy: Path, source: Path, result: SalvageResult) -> sqlite3.Connection:
    """The temporary copy, opened; when its schema cannot be read, with the schema of a good
    backup of the same file (``salvage_schema``), or StoreError."""
    try:
        with contextlib.closing(sqlite3.connect(str(copy))) as probe:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        log = Path(f"{copy}-wal")
        if log.exists() and log.stat().st_size > 0:  # (its pages would be read over the graft)
            raise StoreError(
                f"nothing can be read from the damaged file ({exc}), and its write-ahead log "
                "holds changes not yet in the file; restore the newest backup instead"
            ) from None
        found = graft_schema(copy, source)
        if found is None:
            raise StoreError(
                f"nothing can be read from the damaged file ({exc}), and no good backup of "
                "the same file at its schema version is there to find its tables by"
            ) from None
        result.schema_from = found.path
    return sqlite3.connect(str(copy))


def _salvage_copy(
    copy: Path, output: Path, result: SalvageResult, store_class: type[Store], source: Path
) -> None:
    src = _open_copy(copy, source, result)
    try:
        damaged = store_class(src, copy)
        # Which inspections may be copied: drafts as they are, finalized ones only intact.
        keep: set[str] = set()
        sealed: dict[str, Inspection] = {}  # the finalized ones kept, as read
        statuses, lost = _read_rows(src, "inspections", ["id", "status"])
        result.unreadable_rows += lost
        for _rowid, ident, status in statuses:
            try:
                insp = damaged.inspections.get(ident)
            except Exception as exc:  # noqa: BLE001 - any failure to read means: leave it out
                result.skipped.append((ident, f"cannot be read ({type(exc).__name__}: {exc})"))
                continue
            if insp is None:
                result.skipped.append((ident, "cannot be read"))
                continue
            if status == "finalized":
                stored = insp.content_hash
                insp.status = "finalized"
                if content_hash(insp) != stored:
                    result.skipped.append((ident, "no longer matches its content hash"))
                    continue
                sealed[ident] = insp
            keep.add(ident)
        src.row_factory = None
        out = open_database(output)
    except BaseException:
        src.close()
        raise
    try:
        tables = [
            r[0]
            for r in out.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        source_tables = {
            r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        data: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in tables:
            if table in SKIP_TABLES or table not in source_tables:
                continue
            cols = [c for c in _columns(out.conn, table) if c in set(_columns(src, table))]
            rows, lost = _read_rows(src, table, cols)
            result.unreadable_rows += lost
            data[table] = (cols, rows)
        _derived_from_results(data, sealed)
        _insert(out, data, keep, result)
        with out.write("salvage", "salvage", "database", ""):
            pass
    finally:
        src.close()
        out.close()


# The children of an inspection that are derived from its sealed result (the content hash
# covers the result, not these rows): (table, its columns, the rows of one inspection).
_DERIVED: tuple[tuple[str, tuple[str, ...], Callable[[Inspection], list[tuple[Any, ...]]]], ...] = (
    (
        "inspection_tests",
        ("inspection_id", "seq", "kind", "verdict"),
        test_rows,
    ),
    (
        "readings",
        (
            "inspection_id",
            "test_seq",
            "seq",
            "kind",
            "label",
            "error",
            "mpe",
            "unit",
            "verdict",
            "rule",
        ),
        reading_rows,
    ),
)


def _derived_from_results(
    data: dict[str, tuple[list[str], list[tuple[Any, ...]]]], sealed: dict[str, Inspection]
) -> None:
    """The readings and test rows of every finalized inspection kept are made again from its
    sealed result, as the program writes them, instead of copied: a damaged page of those
    tables would otherwise leave a kept inspection with rows missing (its result is intact:
    its content hash matched). Only for inspections whose own row could be read: a row
    made here has no row of the damaged file to trace it to, should it be left out."""
    if "inspections" not in data:
        return
    cols, rows = data["inspections"]
    at = cols.index("id") if "id" in cols else None
    readable = {row[1:][at] for row in rows} if at is not None else set()
    sealed = {i: insp for i, insp in sealed.items() if i in readable}
    for table, columns, rows_of in _DERIVED:
        if table not in data:
            continue
        cols, rows = data[table]
        if "inspection_id" not in cols or not set(cols) <= set(columns):
            continue
        at = cols.index("inspection_id")
        kept = [row for row in rows if row[1:][at] not in sealed]
        for insp in sealed.values():
            for values in rows_of(insp):
                named = dict(zip(columns, values, strict=True))
                kept.append((None, *(named[c] for c in cols)))
        data[table] = (cols, kept)


def _insert(
    out: Store,
    data: dict[str, tuple[list[str], list[tuple[Any, ...]]]],
    keep: set[str],
    result: SalvageResult,
) -> None:
    conn = out.conn
    excluded_rows: set[tuple[str, int]] = set()
    order = [t for t in data if t != "inspections"] + (
        ["inspections"] if "inspections" in data else []
    )
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(conn):
            conn.execute("DELETE FROM local_meta")  # the damaged database's own settings instead
            for _attempt in range(20):
                conn.execute("SAVEPOINT salvage_rows")
                origin: dict[tuple[str, int], int] = {}
                counts = {"finalized": 0, "drafts": 0, "other": 0}
                for table in order:
                    cols, rows = data[table]
                    idx = cols.index("inspection_id") if "inspection_id" in cols else None
                    ident = cols.index("id") if table == "inspections" else None
                    placeholders = ", ".join("?" for _ in cols)
                    names = ", ".join(f'"{c}"' for c in cols)
                    for row in rows:
                        rowid, values = row[0], row[1:]
                        if (table, rowid) in excluded_rows:
                            continue
                        if ident is not None and values[ident] not in keep:
                            continue
                        if idx is not None and table != "inspections" and values[idx] not in keep:
                            if table in (
                                "inspection_tests",
                                "readings",
                                "findings",
                                "inspection_attachments",
                            ):
                                continue
                        cur = conn.execute(
                            f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({placeholders})',
                            values,
                        )
                        if cur.rowcount != 1:
                            continue
                        # (one row inserted, so lastrowid is set)
                        if rowid is not None and cur.lastrowid is not None:
                            origin[(table, cur.lastrowid)] = rowid
                        if table == "inspections":
                            status = values[cols.index("status")]
                            counts["finalized" if status == "finalized" else "drafts"] += 1
                        else:
                            counts["other"] += 1
                problems = conn.execute("PRAGMA foreign_key_check").fetchall()
                if not problems:
                    conn.execute("RELEASE salvage_rows")
                    result.finalized = counts["finalized"]
                    result.drafts = counts["drafts"]
                    result.other_rows = counts["other"]
                    return
                for table, rowid, _parent, _fk in problems:
                    if table == "inspections":
                        ident = conn.execute(
                            "SELECT id FROM inspections WHERE rowid = ?", (rowid,)
                        ).fetchone()[0]
                        if ident in keep:
                            keep.discard(ident)
                            result.skipped.append((ident, "refers to a record that cannot be read"))
                    elif (table, rowid) in origin:
                        excluded_rows.add((table, origin[(table, rowid)]))
                    else:  # pragma: no cover - every copied row has its origin recorded
                        raise StoreError(
                            f"a row of {table} could not be traced; nothing was salvaged"
                        )
                conn.execute("ROLLBACK TO salvage_rows")
                conn.execute("RELEASE salvage_rows")
            raise StoreError("the readable rows could not be made consistent; nothing was salvaged")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
