"""A killed writer and a full disk leave the database as it was before that write."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.store import open_database
from inspector_app.store.integrity import check

WRITER = textwrap.dedent("""
    import sys, dataclasses
    from inspector_app.store import open_database
    from inspector_app.domain.models import Inspection, new_id
    from inspector_app.services.inspections import save_and_evaluate
    store = open_database(sys.argv[1])
    p = store.premises.list()[0]; ins = store.instruments.list()[0]
    n = 0
    while True:
        x = Inspection(new_id(), new_id(), ins.id, p.id, "scale", "in_service", "JJG 539-2016", "kill-test",
                       tests=[{"kind": "weighing", "points": [{"load": "1000", "indication": str(1000 + n % 3)}]}])
        x = save_and_evaluate(store, x)
        store.inspections.finalize(x.id)
        print(x.id, flush=True)   # acknowledged: the commit has returned
        n += 1
""")


def test_sigkill_mid_write_loses_no_acknowledged_record(db_path, stall):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    acked = []
    try:
        while len(acked) < 40:
            line = proc.stdout.readline()
            assert line, "the writer died on its own"
            acked.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    acked += [line.strip() for line in proc.stdout.read().splitlines() if line.strip()]
    store = open_database(db_path)
    with store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {
            r[0]
            for r in store.conn.execute("SELECT id FROM inspections WHERE status = 'finalized'")
        }
        assert set(acked) <= stored
        assert check(store) == []


FULL_DISK = textwrap.dedent("""
    import resource, signal, os, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    path = sys.argv[1]
    limit = os.path.getsize(path) + os.path.getsize(path + "-wal") + 64 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from inspector_app.cli.main import main
    sys.exit(main(["--db", path, "demo", "--premises", "50", "--inspections", "3000", "--seed", "7"]))
""")


def test_full_disk_gives_a_clear_error_and_an_intact_database(db_path, stall):
    store = open_database(db_path)
    before = store.fingerprint()
    store.close()
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(db_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert "disk is full" in proc.stderr
    assert "Traceback" not in proc.stderr
    store = open_database(db_path)
    with store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.fingerprint() == before
        assert check(store) == []


BAD_PREMISES = [
    {"name": "x" * 10_000},
    {"name": ""},
    {"credit_code": "91110000600037341X"},
    {"latitude": "NaN"},
    {"name": "lone \udc00 surrogate"},
]


@pytest.mark.parametrize("change", BAD_PREMISES)
def test_bad_premises_store_nothing(store, change):
    before = store.fingerprint()
    p = Premises(new_id(), "market_stall", "正常名称", "91110000600037341L")
    for k, v in change.items():
        setattr(p, k, v)
    with pytest.raises(InputError):
        store.premises.save(p)
    assert store.fingerprint() == before


@pytest.mark.parametrize(
    "metrology",
    [
        {"max": "NaN", "e": "5"},
        {"max": "Infinity", "e": "5"},
        {"max": "-15000", "e": "5"},
        {"max": "1e400", "e": "5"},
        {"max": "15000", "e": "five"},
        {"max": "", "e": "5"},
    ],
)
def test_bad_instruments_store_nothing(store, stall, metrology):
    p, _ = stall
    before = store.fingerprint()
    with pytest.raises(InputError):
        store.instruments.save(
            Instrument(new_id(), p.id, "scale", accuracy_class="III", metrology=metrology)
        )
    assert store.fingerprint() == before


def test_sql_looking_search_is_just_text(store, stall):
    assert store.premises.list("'; DROP TABLE premises; --") == []
    assert store.premises.list("100%") == []
    assert store.premises.list("_") == []
    assert len(store.premises.list("蔬菜")) == 1
    assert store.conn.execute("SELECT count(*) FROM premises").fetchone()[0] == 1


def test_search_finds_any_part_of_names_codes_and_serials(store, stall):
    p, i = stall
    for query in ("王芳", "蔬菜", "芳蔬", "周谷堆", "92340100", "a012"):
        assert [x.id for x in store.premises.list(query)] == [p.id], query
    for query in ("友声", "ACS", "acs-15", "2023000123", "王芳"):
        assert [x.id for x in store.instruments.list(search=query)] == [i.id], query


def test_a_locked_database_waits_then_fails_cleanly(db_path, stall):
    other = sqlite3.connect(db_path, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    store = open_database(db_path)
    store.conn.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            store.premises.save(Premises(new_id(), "shop", "锁测试"))
    finally:
        other.rollback()
        other.close()
    assert store.premises.list("锁测试") == []
    store.close()
