"""Real damage to a closed database file, for the tests of what the program does about it.

Pages are found by the file's own page size (bytes 16-17 of its header), so the same damage
lands where it is meant to whatever size the program made the file with.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import sqlite3
from pathlib import Path

from inspector_app.cli.main import main
from inspector_app.store.backups import list_backups


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command line with *argv*: its exit status, output and error output."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sha(path: Path) -> str:
    """The SHA-256 of a file (to show that a damaged file was not written to)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def demo(db_path: Path, capsys, premises: int, inspections: int, *more: str) -> None:
    """The demo's records added to the database at *db_path* (the command must succeed)."""
    code, _, err = run(
        capsys,
        "--db",
        str(db_path),
        "demo",
        "--premises",
        str(premises),
        "--inspections",
        str(inspections),
        *more,
    )
    assert code == 0, err


def backed_up_demo(db_path: Path, capsys, premises: int, inspections: int) -> Path:
    """A demo database at *db_path*, and its day's backup (made by the day's first command)."""
    demo(db_path, capsys, premises, inspections)
    assert run(capsys, "--db", str(db_path), "list")[0] == 0
    assert [b.kind for b in list_backups(db_path)] == ["daily"]
    return db_path


def page_size(path: Path) -> int:
    with open(path, "rb") as fh:
        header = fh.read(100)
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def fold_in_the_log(path: Path) -> None:
    """Copy every page of the write-ahead log into the file, so damage to the file is damage
    to the database (a page still in the log would otherwise hide it)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def scribble(path: Path, pages: int = 6, seed: int = 1, *, step: int = 3) -> None:
    """Overwrite *pages* pages in the second half of a closed database with random bytes."""
    rnd = random.Random(seed)
    size = page_size(path)
    n = path.stat().st_size // size
    assert n > 20, "the database is too small to damage in the middle"
    with open(path, "r+b") as fh:
        for k in range(pages):
            fh.seek((n // 2 + k * step) * size)
            fh.write(bytes(rnd.getrandbits(8) for _ in range(size)))


def pages_of(path: Path, name: str) -> list[int]:
    """The page numbers that hold table or index *name* (``sqlite_schema`` for the schema)."""
    fold_in_the_log(path)
    uri = f"{path.absolute().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
        rows = conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,)).fetchall()
    return sorted(r[0] for r in rows)


def overwrite_pages(path: Path, pages: list[int], seed: int = 1) -> None:
    """Overwrite the given pages (numbered from 1) with random bytes; page 1 keeps the
    file's 100-byte header (damage to the header alone is a case of its own)."""
    rnd = random.Random(seed)
    size = page_size(path)
    with open(path, "r+b") as fh:
        for number in pages:
            start = 100 if number == 1 else 0
            fh.seek((number - 1) * size + start)
            fh.write(bytes(rnd.getrandbits(8) for _ in range(size - start)))
