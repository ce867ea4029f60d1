"""Damage is found before anything writes, and the user is led back to a good backup.

Real files, real damage: pages of a closed database are overwritten with random bytes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from damage import backed_up_demo, run, scribble, sha

from inspector_app.store import db as dbmod
from inspector_app.store import open_database
from inspector_app.store.backups import (
    list_backups,
    make_backup,
    newest_good_backup,
    prune,
    restore,
    write_backup,
)
from inspector_app.store.db import DatabaseDamagedError, StoreError
from inspector_app.store.integrity import check


@pytest.fixture
def demo_db(db_path, capsys):
    # (the first command of the day keeps the day's backup)
    return backed_up_demo(db_path, capsys, premises=20, inspections=300)


def test_a_clean_close_is_remembered_and_any_change_of_the_file_is_checked(demo_db, monkeypatch):
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)  # as if the file were 1 GB
    store = open_database(demo_db)
    guard = store.conn._guard
    assert guard.no_ckpt_on_close, "closing must never checkpoint or delete the log"
    store.close()
    assert Path(f"{demo_db}-wal").stat().st_size == 0  # folded in when alone
    probe = dbmod._Guard(demo_db)
    probe.alone_at_open = True
    try:
        assert not dbmod._needs_quick_check(demo_db, probe)
        os.utime(demo_db)  # anything that touches the file makes the next open check it
        assert dbmod._needs_quick_check(demo_db, probe)
    finally:
        probe.close_files()


def test_scribbled_large_database_is_caught_before_anything_writes(demo_db, monkeypatch):
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)  # the >32 MiB path
    scribble(demo_db)
    before = sha(demo_db)
    with pytest.raises(DatabaseDamagedError) as info:
        open_database(demo_db)
    message = str(info.value)
    assert "is damaged" in message and "restore --latest" in message
    assert list_backups(demo_db)[0].path.name in message
    assert "\n" not in message
    assert sha(demo_db) == before, "the damaged file was written to"


def test_commands_on_a_damaged_file_say_so_and_offer_the_backup(demo_db, capsys, monkeypatch):
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    scribble(demo_db)
    backup = list_backups(demo_db)[0].path.name
    for argv in (["check"], ["list"], ["show", "abcdef"], ["stats"]):
        code, out, err = run(capsys, "--db", str(demo_db), *argv)
        assert code == 1, (argv, out, err)
        assert "Traceback" not in err and err.count("\n") == 1
        assert "damaged" in err and backup in err, err
    code, _, err = run(capsys, "--db", str(demo_db), "check", "--json")
    assert code == 1 and backup in json.loads(err)["error"]["message"]


def test_check_survives_damage_that_quick_check_does_not_see(demo_db, capsys):
    """Damage found only by the full check (or by reading a record) is one sentence too."""
    scribble(demo_db, pages=3, seed=7)
    code, out, err = run(capsys, "--db", str(demo_db), "check")
    assert code == 1
    assert "Traceback" not in out + err
    assert list_backups(demo_db)[0].path.name in out + err


def test_restore_latest_brings_the_backup_back_and_keeps_the_damaged_file(
    demo_db, capsys, monkeypatch
):
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    store = open_database(demo_db)
    for n in range(3):  # three changes after the day's backup: what a restore would lose
        with store.write("t", "after-backup"):
            store.set_meta(f"after{n}", "x")
    store.close()
    scribble(demo_db)
    code, _, err = run(capsys, "--db", str(demo_db), "list")
    assert code == 1 and "(3 recorded changes)" in err
    damaged = sha(demo_db)
    code, out, err = run(capsys, "--db", str(demo_db), "restore", "--latest")
    assert code == 0, err
    kept = demo_db.with_name("inspector.before-restore-1.db")
    assert kept.is_file() and sha(kept) == damaged and str(kept) in out
    assert run(capsys, "--db", str(demo_db), "check")[0] == 0
    code, out, _ = run(capsys, "--db", str(demo_db), "list", "--json")
    assert json.loads(out)["total"] == 300
    store = open_database(demo_db)
    with store:
        assert store.meta("after0") is None  # the backup is from before those changes


def test_restore_is_refused_while_the_database_is_open(demo_db):
    store = open_database(demo_db)
    try:
        with pytest.raises(StoreError, match="open in a window"):
            restore(list_backups(demo_db)[0].path, demo_db)
    finally:
        store.close()


def test_restore_refuses_the_database_itself_as_source(demo_db):
    with pytest.raises(StoreError):
        restore(demo_db, demo_db)


def test_salvage_copies_intact_records_and_names_the_rest(demo_db, capsys, tmp_path):
    conn = sqlite3.connect(demo_db)
    tampered = conn.execute(
        "SELECT id FROM inspections WHERE status = 'finalized' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER inspections_finalized_no_update")
    conn.execute("UPDATE inspections SET inspector = 'someone else' WHERE id = ?", (tampered,))
    conn.commit()
    conn.close()
    scribble(demo_db, pages=4, seed=3)
    out_db = tmp_path / "rescued.db"
    code, out, err = run(capsys, "--db", str(demo_db), "salvage", "-o", str(out_db), "--json")
    assert code == 1, err  # something was left out, and it is named
    result = json.loads(out)
    assert tampered in {s["id"] for s in result["skipped"]}
    assert result["finalized"] > 0
    store = open_database(out_db)
    with store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        problems = [p for p in check(store) if p.kind in ("inspection", "readings", "sqlite")]
        assert problems == []
        n = store.conn.execute(
            "SELECT count(*) FROM inspections WHERE status = 'finalized'"
        ).fetchone()[0]
        assert n == result["finalized"]
        assert store.inspections.get(tampered) is None


def test_salvage_refuses_an_existing_output(demo_db, capsys, tmp_path):
    target = tmp_path / "exists.db"
    target.write_bytes(b"")
    code, _, err = run(capsys, "--db", str(demo_db), "salvage", "-o", str(target))
    assert code == 1 and "exists already" in err


def test_rotation_keeps_the_newest_n_and_the_setting_is_used(demo_db, capsys):
    assert run(capsys, "--db", str(demo_db), "backups", "--keep", "3")[0] == 0
    store = open_database(demo_db)
    try:
        made = [make_backup(store.conn, demo_db, "before-import", f"b{i}") for i in range(5)]
    finally:
        store.close()
    left = [b.path for b in list_backups(demo_db) if b.kind != "daily"]
    assert left == made[::-1][:3]
    code, out, _ = run(capsys, "--db", str(demo_db), "backups", "--json")
    listed = json.loads(out)
    assert listed["keep"] == 3 and len(listed["backups"]) == 4  # 3 + today's daily one


def test_a_half_written_backup_is_never_listed_nor_blocks_the_next(demo_db):
    folder = demo_db.parent / "backups"
    partial = folder / ".inspector-schema3-20260101-000000-000000.db.partial"
    partial.write_bytes(b"SQLite format 3\x00" + bytes(100))
    assert all(b.path != partial for b in list_backups(demo_db))
    store = open_database(demo_db)
    try:
        make_backup(store.conn, demo_db, "schema3")
    finally:
        store.close()
    assert not partial.exists()


KILLED_BACKUP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from inspector_app.store import open_database
    from inspector_app.store.backups import write_backup
    store = open_database(sys.argv[1])
    n = 0
    while True:
        write_backup(store.conn, Path(sys.argv[2]) / f"inspector-schema3-{n:06d}.db")
        n += 1
""")


def test_sigkill_during_backups_leaves_no_half_file_named_like_a_backup(demo_db, tmp_path):
    folder = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BACKUP, str(demo_db), str(folder)])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(list(folder.glob("inspector-*.db"))) < 3:
            time.sleep(0.01)
        time.sleep(random.Random(2).random() * 0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    real = sorted(folder.glob("inspector-*.db"))
    assert len(real) >= 3
    for path in real:
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", path
        finally:
            conn.close()
    assert newest_good_backup(demo_db, folder).path == real[-1]
    store = open_database(demo_db)  # and the next backup (and start) is not blocked
    try:
        write_backup(store.conn, folder / "inspector-schema3-next.db")
        prune(demo_db, 100, folder)
    finally:
        store.close()
    assert not list(folder.glob(".*partial*"))


def test_db_in_a_missing_folder_is_refused_and_nothing_is_created(tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "field.db"
    code, _, err = run(capsys, "--db", str(target), "list")
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
    assert not target.parent.exists()


def test_a_chosen_file_is_recognised_as_the_database_without_opening_it(store, db_path):
    assert dbmod.is_database_file(db_path)
    assert dbmod.is_database_file(Path(f"{db_path}-wal"))
    assert dbmod.is_database_file(db_path.with_name("inspector.db.lock"))
    other = db_path.parent / "photo.png"
    other.write_bytes(b"x")
    assert not dbmod.is_database_file(other)
    assert not dbmod.is_database_file(db_path.parent / "missing.png")


def test_no_checkpoint_on_close_is_checked_against_the_handle(store, tmp_path):
    assert dbmod.set_no_checkpoint_on_close(store.conn, store.path)
    # The handle is verified by its file name: another path refuses, nothing is set.
    assert not dbmod.set_no_checkpoint_on_close(store.conn, tmp_path / "other.db")


def test_closing_beside_another_connection_keeps_the_log(db_path):
    a = open_database(db_path)
    b = open_database(db_path)
    a.set_meta  # noqa: B018 - both are real stores
    with b.write("t", "x"):
        b.set_meta("k", "v")
    wal = Path(f"{db_path}-wal")
    size = wal.stat().st_size
    b.close()  # not alone: no checkpoint, the log stays as it is
    assert wal.exists() and wal.stat().st_size == size > 0
    assert a.meta("k") == "v"
    a.close()  # alone: folded into the database
    assert wal.stat().st_size == 0


def test_check_on_damage_the_open_did_not_see_exits_1_naming_the_backup(
    demo_db, capsys, monkeypatch
):
    """Pages changed behind the program's back with the time stamp put back (bit rot):
    the quick open does not look, the full check does, and says so without a traceback."""
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    st = demo_db.stat()
    scribble(demo_db, pages=8, seed=11)
    os.utime(demo_db, ns=(st.st_atime_ns, st.st_mtime_ns))
    for argv in (["check"], ["check", "--json"]):
        code, out, err = run(capsys, "--db", str(demo_db), *argv)
        assert code == 1
        assert "Traceback" not in out + err
        assert list_backups(demo_db)[0].path.name in out + err
        assert "restore --latest" in out + err
    # and from now on every open checks the file, so ordinary commands refuse it too
    code, _, err = run(capsys, "--db", str(demo_db), "list")
    assert code == 1 and "damaged" in err


def test_a_command_beside_an_open_window_does_not_recheck_a_large_file(db_path, monkeypatch):
    """The window checked the file when it opened it; a command beside it starts at once,
    while a later open when alone checks again if the file changed meanwhile."""
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    window = open_database(db_path)
    try:
        with window.write("t", "x"):
            window.set_meta("k", "v")  # the log is in use, not left over
        checks = []
        command = open_database(db_path, progress=lambda: checks.append(1))
        assert not command.conn._guard.alone_at_open
        assert not dbmod._needs_quick_check(db_path, command.conn._guard)
        command.close()
    finally:
        window.close()
    os.utime(db_path)
    alone = dbmod._Guard(db_path)
    try:
        alone.alone_at_open = True
        assert dbmod._needs_quick_check(db_path, alone)
    finally:
        alone.close_files()


HOLD_WRITER = textwrap.dedent("""
    import sys, time
    from inspector_app.store import open_database
    store = open_database(sys.argv[1])
    with store.write("t", "long import"):
        store.set_meta("k", "v")
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    store.close()
""")


def test_a_write_beside_another_process_s_write_waits_for_it(db_path, monkeypatch):
    """The writer lock (independent of SQLite's own locks) makes a second writer wait."""
    open_database(db_path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(db_path), "1.0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "holding"
        store = open_database(db_path)  # waits for the write to end, then opens
        t0 = time.monotonic()
        with store.write("t", "mine"):
            store.set_meta("mine", "1")
        store.close()
        assert time.monotonic() - t0 < 5
    finally:
        proc.wait(timeout=30)
    store = open_database(db_path)
    with store:
        assert store.meta("k") == "v" and store.meta("mine") == "1"


def test_a_write_that_cannot_wait_long_enough_says_so(db_path, monkeypatch):
    open_database(db_path).close()
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 300)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(db_path), "3.0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "holding"
        with pytest.raises(StoreError, match="being written by another program"):
            open_database(db_path)
    finally:
        proc.wait(timeout=30)


def test_the_database_is_refused_as_a_bundle_to_import(store, db_path, capsys):
    from inspector_app.domain.errors import InputError
    from inspector_app.services.sync import import_bundle

    for chosen in (db_path, Path(f"{db_path}-wal")):
        with pytest.raises(InputError, match="the database itself"):
            import_bundle(store, chosen)
