"""Salvage when the damaged file's schema cannot be read: its schema taken from a backup.

SQLite finds every table through the schema (``sqlite_schema``, rooted in page 1). When a
page of it is damaged, or the file's 100-byte header, nothing can be read at all, though
the pages of the tables may be intact. The tables themselves never move: a table's root page
is fixed when a migration creates it (the program never drops or re-creates one), and a
backup is a page-for-page copy (SQLite's backup API) of the same file. So a good backup
made at the same schema version names the root page of every table and of the indexes
that come with them (primary keys, unique constraints).

:func:`graft_schema` rewrites page 1 of the salvage's *temporary copy* as an empty schema
(the file's header kept, or the backup's when the header itself is damaged; the free-page
list emptied, so that nothing is ever allocated over a page that may hold rows), and writes
the backup's tables and their automatic indexes into it. Indexes made with ``CREATE INDEX``
and triggers are left out: an index may have been built again at another page since the
backup, and reading needs neither.

Before the copy is used, it must prove to be the same file as the backup: rows sampled
across the tables of the backup are read at the same row numbers from the copy, and their
first column (the id) must match for most of them (three in four of those read). A backup
of another file (one from before a salvage, say, or copied from elsewhere) fails that, and
is not used.

The original damaged file is never written; only the temporary copy is.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .backups import Backup, list_backups, verify_file

MAGIC = b"SQLite format 3\x00"
HEADER = 100
# Rows sampled per table to tell the backup's file from another one, and the share of them
# (among those read at all) that must hold the same id in the damaged copy.
SAMPLE = 16
SAME_AT_LEAST = 0.75
MIN_READ = 8


def _header_fields(header: bytes) -> tuple[int, int]:
    """(page size, user_version) from a database file's header."""
    size = int.from_bytes(header[16:18], "big")
    return (65536 if size == 1 else size), int.from_bytes(header[60:64], "big")


def _schema_rows(backup: Path) -> tuple[bytes, list[tuple[Any, ...]]]:
    """The backup's header and its schema rows for tables and their automatic indexes, in
    the schema's own order."""
    with open(backup, "rb") as fh:
        header = fh.read(HEADER)
    uri = f"{backup.absolute().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
        rows = conn.execute(
            "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema"
            " WHERE type = 'table' OR (type = 'index' AND sql IS NULL) ORDER BY rowid"
        ).fetchall()
    return header, rows


def _empty_schema_page(header: bytes, page_size: int, pages: int) -> bytes:
    """Page 1 holding *header* (its page count set to *pages*, its free-page list emptied)
    and an empty schema: a table leaf with no cells."""
    h = bytearray(header)
    h[28:32] = pages.to_bytes(4, "big")  # the database size in pages...
    h[92:96] = h[24:28]  # ... valid for this change counter
    h[32:40] = bytes(8)  # no free pages: every page is appended, none reused
    h[18:20] = b"\x01\x01"  # a rollback journal: the copy has no log to read pages from
    leaf = bytearray(page_size - HEADER)
    leaf[0] = 0x0D  # a table leaf
    leaf[5:7] = (0 if page_size == 65536 else page_size).to_bytes(2, "big")  # content start
    return bytes(h) + bytes(leaf)


def _same_file(copy: sqlite3.Connection, backup: Path, tables: list[str]) -> bool:
    """Whether rows sampled across the backup's tables hold the same first column (their id)
    at the same row numbers in the copy, for most of those the copy can read (see the
    module's text)."""
    uri = f"{backup.absolute().as_uri()}?mode=ro"
    same = read = 0
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as b:
        for table in tables:
            try:
                rowids = [r[0] for r in b.execute(f'SELECT rowid FROM "{table}" ORDER BY rowid')]
            except sqlite3.DatabaseError:  # (WITHOUT ROWID: counts the triggers keep)
                continue
            for rowid in rowids[:: max(1, len(rowids) // SAMPLE)][:SAMPLE]:
                want = b.execute(f'SELECT * FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
                try:
                    got = copy.execute(
                        f'SELECT * FROM "{table}" WHERE rowid = ?', (rowid,)
                    ).fetchone()
                except sqlite3.DatabaseError:
                    continue  # a damaged page: neither proof nor disproof
                read += 1
                same += got is not None and got[0] == want[0]
    return read >= MIN_READ and same >= SAME_AT_LEAST * read


def _candidates(source: Path, page_size: int | None, version: int | None) -> Iterator[Backup]:
    """Backups of *source*, newest first, that pass their check and match the damaged file's
    page size and schema version (either may be unknown when its header is damaged); each
    checked only when the one before it did not fit."""
    for found in list_backups(source):
        try:
            with open(found.path, "rb") as fh:
                header = fh.read(HEADER)
        except OSError:
            continue
        if header[:16] != MAGIC:
            continue
        size, user_version = _header_fields(header)
        if page_size is not None and size != page_size:
            continue
        if version is not None and user_version != version:
            continue
        if verify_file(found.path) == "ok":
            yield found


def graft_schema(copy: Path, source: Path) -> Backup | None:
    """Give the salvage's temporary *copy* of *source* the schema of a good backup of
    *source* (see the module's text); returns the backup used, or None when none fits
    (then the copy is as it was, or at least no more readable than it was).

    Only for a copy without a write-ahead log of its own: pages in a log would be read
    over the rewritten ones."""
    wal = Path(f"{copy}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None
    with open(copy, "rb") as fh:
        own = fh.read(HEADER)
    size_on_disk = copy.stat().st_size
    page_size = version = None
    if own[:16] == MAGIC:
        page_size, version = _header_fields(own)
    for found in _candidates(source, page_size, version):
        header, rows = _schema_rows(found.path)
        size = _header_fields(header)[0]
        if size_on_disk % size:
            continue
        with open(copy, "rb") as fh:
            before = fh.read(size)
        base = own if own[:16] == MAGIC else header
        with open(copy, "r+b") as fh:
            fh.write(_empty_schema_page(base, size, size_on_disk // size))
        tables = [r[1] for r in rows if r[0] == "table" and not r[1].startswith("sqlite_")]
        try:
            with contextlib.closing(sqlite3.connect(copy, isolation_level=None)) as conn:
                conn.execute("PRAGMA writable_schema = ON")
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)"
                    " VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
                conn.execute("COMMIT")
            with contextlib.closing(sqlite3.connect(copy)) as conn:
                if _same_file(conn, found.path, tables):
                    return found
        except sqlite3.DatabaseError:
            pass
        with open(copy, "r+b") as fh:  # not this backup's file: page 1 as it was
            fh.write(before)
    return None
