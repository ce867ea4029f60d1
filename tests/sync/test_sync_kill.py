"""A process killed with SIGKILL in the middle of an import leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import open_database

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from inspector_app.store import open_database
    from inspector_app.services import sync as service
    from inspector_app.sync import merge

    db, bundle, marker = sys.argv[1:4]
    real = merge.merge_tombstones

    def stall(*args, **kwargs):
        real(*args, **kwargs)
        # every inspection is written by now, inside the open transaction
        Path(marker).write_text("inside")
        time.sleep(120)

    merge.merge_tombstones = stall
    store = open_database(db)
    service.import_bundle(store, bundle)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_during_import_leaves_the_database_as_it_was(world, tmp_path):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=40, inspections=1000, seed=11)
    bundle = export_bundle(lap.store, lap.identity, tmp_path / "big.zip")
    before = office.store.fingerprint()
    office.close()
    marker = tmp_path / "inside.txt"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(office.path), bundle.path, str(marker)],
        env=dict(os.environ),
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never reached the transaction"
            time.sleep(0.05)
        # the child is inside the transaction with 1000 inspections written but not committed
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    store = open_database(office.path)
    try:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.fingerprint() == before
        assert store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM bundle_ledger").fetchone()[0] == 0
        # and the same bundle imports cleanly afterwards
        report = import_bundle(store, bundle.path)
        assert report.status == "imported", report.message()
        assert report.tables["inspections"] == {"new": 1000}
    finally:
        store.close()
        office.store = open_database(office.path)  # the fixture closes it
