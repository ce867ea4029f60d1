"""The demo's market sweeps: rows and seals made in worker processes are the rows and seals
made in the main process, and the old way of making them (a SweepRow each, sealed by
``visit_hash``) gives the same hashes."""

import random
import sqlite3
import uuid

from inspector_app.domain.visits import Officer, SweepRow, Visit, visit_hash
from inspector_app.services import demo, demo_sweeps
from inspector_app.services.demo_world import Demo
from inspector_app.store import bulk_visits, open_database
from inspector_app.store.integrity import check


def _table(path, table):
    return sqlite3.connect(path).execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_visits_made_in_worker_processes_are_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_sweeps, "BATCH_ROWS", 300)  # several tasks
    monkeypatch.setattr(demo_sweeps, "PARALLEL_FROM", 0)
    monkeypatch.setattr(bulk_visits, "SET_ASIDE_FROM", 0)  # the bulk path for the rows too
    spawned = []
    real = demo_sweeps.Maker._hand

    def hand(maker, window):
        if maker.pool is not None and maker.tasks:
            spawned.append(window)
        real(maker, window)

    monkeypatch.setattr(demo_sweeps.Maker, "_hand", hand)
    counts = {}
    for name, workers in (("serial.db", 1), ("parallel.db", 2)):
        store = open_database(tmp_path / name)
        counts[name] = demo.generate(store, premises=30, inspections=600, seed=3, workers=workers)
        assert check(store) == []
        store.close()
    # only the second run made its rows in worker processes, the first tasks while the
    # visits were still being drawn
    assert spawned and spawned[0] == demo_sweeps.EARLY
    assert counts["serial.db"] == counts["parallel.db"]
    assert counts["serial.db"]["sweep_rows"] > 3 * demo_sweeps.BATCH_ROWS
    for table in ("visits", "sweep_rows", "inspections", "assignments"):
        serial = _table(tmp_path / "serial.db", table)
        assert serial == _table(tmp_path / "parallel.db", table), table
        assert serial


def test_a_seal_from_row_values_is_visit_hash():
    r = random.Random(2)
    visit = Visit(
        str(uuid.UUID(int=r.getrandbits(128))),
        "campaign",
        "2026-03-04T09:15+08:00",
        "张伟",
        premises_id="p1",
        market="周谷堆市场",
        officers=[Officer("张伟", "3401000001"), Officer("李娜", "3401000002")],
        duty_set="market",
        duties={"fair_scale": "yes", "register": "no"},
        status="finalized",
        finalized_at="2026-03-04T11:02+08:00",
    )
    rows = [
        SweepRow(f"r{i}", visit.id, i, f"i{i}", "s1", f"SN{i}", f"A{i} 摊 · 秤", "yes", "yes")
        for i in range(4)
    ]
    rows[1].load, rows[1].indication, rows[1].quick_verdict = "1000", "1005", "pass"
    rows[2].rest_ok, rows[3].inspection_id, rows[3].cheating = True, "x", "yes"
    values = [tuple(getattr(row, k) for k in demo_sweeps.FIELDS) for row in rows]
    assert demo_sweeps.seal(visit, values) == visit_hash(visit, rows)
    assert demo_sweeps.seal(visit, []) == visit_hash(visit, [])
    values[2] = (*values[2][:-2], False, None)  # another row: another seal
    assert demo_sweeps.seal(visit, values) != visit_hash(visit, rows)


def test_ids_are_the_uuid_modules_text():
    a, b = Demo(9), random.Random(9)
    for _ in range(2000):
        assert a.uuid() == str(uuid.UUID(int=b.getrandbits(128), version=4))


def test_row_ids_are_version_7_uuids_in_time_order():
    """A sweep row's id is a version 7 UUID of its visit's time plus its number: the ids of
    later rows sort after earlier ones; the rest of the id is the generator's bits."""
    r = random.Random(5)
    start = 1_767_225_600_000  # 2026-01-01T00:00Z
    ids = [demo_sweeps.row_id(r.getrandbits(128), start + n) for n in range(50)]
    ids += [demo_sweeps.row_id(r.getrandbits(128), start + 86_400_000 + n) for n in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 100
    for n, text in enumerate(ids[:50]):
        u = uuid.UUID(text)
        assert str(u) == text and u.version == 7 and u.variant == uuid.RFC_4122
        assert u.int >> 80 == start + n
    bits = random.Random(6).getrandbits(128)
    u = uuid.UUID(demo_sweeps.row_id(bits, start))
    assert u.int & ((1 << 62) - 1) == bits & ((1 << 62) - 1)
    assert (u.int >> 64) & 0xFFF == (bits >> 64) & 0xFFF


def test_rows_made_from_the_registers_texts_seal_as_visit_hash():
    """Rows in order are written from the register's cut texts; every kind of row (in
    order, rest all OK, quick reading, linked to a failed inspection) seals as visit_hash
    seals the same rows made SweepRows."""
    from inspector_app.domain.models import Instrument, Premises
    from inspector_app.services.inspections import instrument_payload

    plate = {"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"}
    pairs = [
        (
            Premises(
                f"s{i}", "market_stall", f'王芳"蔬菜\\摊{i}', market="周谷堆", stall_no=f"A{i}"
            ),
            Instrument(f"i{i}", f"s{i}", "scale", "友声", "ACS-15", f"SN{i}", "", "III", plate),
        )
        for i in range(5)
    ]
    reg = demo_sweeps.register(pairs, instrument_payload)
    visit = Visit("v1", "routine", "2026-04-01T09:00+08:00", "张伟", "m1", market="周谷堆")
    visit.finalized_at = "2026-04-01T10:00+08:00"
    found = {
        "i3": ("insp", "fail", "no", False, None),
        "i4": ("insp2", "fail", "yes", True, ("5000", "5020")),
    }
    draws = [
        ("u0", None),
        ("u1", demo_sweeps.REST),
        ("u2", ("1000", "1005")),
        ("u3", None),
        ("u4", None),
    ]
    rows, texts = demo_sweeps.rows_of(visit, reg, found, draws)
    assert texts == [demo_sweeps.row_text(r) for r in rows]
    made = [SweepRow(**dict(zip(demo_sweeps.FIELDS, r, strict=True))) for r in rows]
    assert [r.rest_ok for r in made] == [False, True, False, False, False]
    assert made[2].quick_verdict == "pass" and made[4].quick_verdict == "fail"
    assert made[3].seal == "no" and made[4].cheating == "yes"
    assert demo_sweeps.sealed(visit, texts) == visit_hash(visit, made)


def test_demo_visits_and_sweep_rows_carry_their_visits_time(tmp_path):
    import datetime as dt

    store = open_database(tmp_path / "t.db")
    demo.generate(store, premises=30, inspections=300, seed=3, workers=1)
    rows = store.conn.execute(
        "SELECT r.id, r.seq, v.started_at FROM sweep_rows r JOIN visits v ON v.id = r.visit_id"
    ).fetchall()
    assert len(rows) > 100
    for rid, seq, started in rows:
        u = uuid.UUID(rid)
        ms = round(dt.datetime.fromisoformat(started).timestamp()) * 1000
        assert u.version == 7 and u.int >> 80 == ms + seq
    visits = store.conn.execute("SELECT id, started_at FROM visits").fetchall()
    assert len(visits) > 10
    for vid, started in visits:
        u = uuid.UUID(vid)
        ms = round(dt.datetime.fromisoformat(started).timestamp()) * 1000
        assert u.version == 7 and u.int >> 80 == ms
    store.close()


def test_a_visits_rows_are_drawn_from_its_own_seed():
    """The rows' draws come from the visit's own generator (its seed taken from the visits'
    stream), so they are the same wherever they are made; a scale inspected in the visit
    is never drawn a reading, and each row's id carries the visit's start plus its number."""
    from decimal import Decimal

    from inspector_app.domain.models import Instrument, Premises
    from inspector_app.services.inspections import instrument_payload

    plate = {"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"}
    pairs = [
        (
            Premises(f"s{i}", "market_stall", f"摊{i}", market="周谷堆", stall_no=f"A{i}"),
            Instrument(f"i{i}", f"s{i}", "scale", "友声", "ACS-15", f"SN{i}", "", "III", plate),
        )
        for i in range(400)
    ]
    reg = demo_sweeps.register(pairs, instrument_payload)
    found = {"i7": ("insp", "pass", "yes", False, None)}
    ms = 1_775_000_000_000
    first = demo_sweeps.draw(random.Random(11), reg, found, ms)
    assert first == demo_sweeps.draw(random.Random(11), reg, found, ms)
    assert first != demo_sweeps.draw(random.Random(12), reg, found, ms)
    assert len(first) == len(pairs) and first[7][1] is None
    assert [uuid.UUID(uid).int >> 80 for uid, _ in first] == [ms + n for n in range(400)]
    kinds = {"in order": 0, "rest": 0, "read": 0}
    for _uid, drawn in first:
        if drawn is None:
            kinds["in order"] += 1
        elif drawn == demo_sweeps.REST:
            kinds["rest"] += 1
        else:
            load, indication = map(Decimal, drawn)
            assert load in (Decimal(1000), Decimal(2500), Decimal(5000))
            assert abs(indication - load) <= 5
            kinds["read"] += 1
    assert all(kinds.values())  # every kind of row occurs among 400
