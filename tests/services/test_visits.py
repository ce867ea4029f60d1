"""Visits: validation, the sweep (pre-filled, judged at once, rest all OK, CSV import all or
nothing), sealing and immutability, every new inspection in a visit, and the data migration
that gathers existing inspections into one visit per premises and day."""

from __future__ import annotations

import sqlite3

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.domain.visits import (
    Officer,
    SweepRow,
    Visit,
    failed_duties,
    load_duties,
    validate_visit,
    visit_hash,
)
from inspector_app.services import drafts
from inspector_app.services import visits as vs
from inspector_app.store.inspections import RecordStateError

MARKET = "合肥市周谷堆农产品批发市场"


def _market(store, stalls=4):
    ids = []
    for n in range(stalls):
        p = store.premises.save(
            Premises(
                new_id(),
                "market_stall",
                f"摊位{n}",
                city="合肥市",
                market=MARKET,
                stall_no=f"A{n:03d}",
            )
        )
        i = store.instruments.save(
            Instrument(
                new_id(),
                p.id,
                "scale",
                "友声",
                "ACS-30",
                f"S{n:04d}",
                "",
                "III",
                {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
            )
        )
        ids.append(i.id)
    return ids


def _visit(**kw):
    base = dict(
        id=new_id(),
        kind="routine",
        started_at="2026-12-04T09:30+08:00",
        inspector="张伟",
        premises_id="p",
    )
    base.update(kw)
    return Visit(**base)


def test_enforcement_work_needs_two_officers_with_certificates():
    with pytest.raises(InputError) as e:
        validate_visit(
            _visit(kind="campaign", officers=[Officer("张伟", ""), Officer("李娜", "皖A002")]),
            final=True,
        )
    assert e.value.path == "visit.officers[0].certificate_no"
    one = _visit(kind="covert", officers=[Officer("张伟", "皖A001")])
    validate_visit(one)  # a draft may be built up
    with pytest.raises(InputError) as e:
        validate_visit(one, final=True)
    assert e.value.path == "visit.officers" and "two officers" in e.value.message
    two = _visit(kind="covert", officers=[Officer("张伟", "皖A001"), Officer("李娜", "皖A002")])
    assert len(validate_visit(two, final=True).officers) == 2
    routine = _visit(officers=[Officer("张伟")])
    assert validate_visit(routine, final=True).kind == "routine"


def test_time_needs_its_offset():
    with pytest.raises(InputError) as e:
        validate_visit(_visit(started_at="2026-12-04T09:30"))
    assert e.value.path == "visit.started_at" and "offset" in e.value.message
    with pytest.raises(InputError):
        validate_visit(_visit(started_at="yesterday"))


def test_duties_forms_read_and_judge_like_checklist_items():
    for name in ("market", "optical", "fuel"):
        form = load_duties(name)
        assert all(
            d.article and d.label.zh and d.label.en and d.finding_text.zh for d in form.duties
        )
    market = load_duties("market")
    keys = {d.key for d in market.duties}
    assert {"fair_scale", "instrument_register", "entry_agreement", "stop_cheating"} <= keys
    failed = failed_duties(
        market, {"fair_scale": "no", "entry_agreement": "na", "stop_cheating": "yes"}
    )
    assert [d.key for d in failed] == ["fair_scale"]
    with pytest.raises(InputError) as e:
        validate_visit(_visit(duty_set="market", duties={"fair_scal": "no"}))
    assert e.value.path == "visit.duties.fair_scal"


def test_market_visit_prefills_the_sweep_and_judges_quick_readings(store):
    _market(store)
    v = vs.new_visit(store, inspector="张伟", market=MARKET)
    organiser = store.premises.get(v.premises_id)
    assert organiser.kind == "market" and v.duty_set == "market"
    rows = vs.repo(store).rows(v.id)
    assert len(rows) == 4 and all(r.instrument_id and not r.checked for r in rows)
    # 10 kg on a class III scale with e = 10 g: verification MPE 10 g, in service 20 g
    rows[0].load, rows[0].indication = "10", "10.02"  # exactly on the in-service MPE: passes
    rows[1].load, rows[1].indication = "10", "10.03"
    rows[2].seal = "no"
    saved = vs.save_rows(store, v.id, rows, "张伟")
    assert (saved[0].error, saved[0].mpe, saved[0].quick_verdict) == ("0.02", "0.02", "pass")
    assert saved[1].quick_verdict == "fail" and saved[1].verdict == "fail"
    assert saved[2].verdict == "fail" and saved[2].failed_checks() == ["seal"]
    with pytest.raises(RecordStateError) as e:
        vs.finalize(store, v.id)
    assert "1 instrument(s) not yet checked" in e.value.message
    assert vs.mark_rest_ok(store, v.id) == 1
    detail = vs.visit_detail(store, v.id)
    assert detail["counts"] == {
        "rows": 4,
        "checked": 4,
        "failed": 2,
        "cheating": 0,
        "full_inspections": 0,
        "duties_failed": 0,
    }


def test_csv_import_names_every_bad_line_and_imports_nothing(store, tmp_path):
    ids = _market(store, 3)
    v = vs.new_visit(store, inspector="张伟", market=MARKET)
    before = store.fingerprint()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "instrument_id,identity_code,mark,seal,load,indication,cheating\n"
        f"{ids[0]},,yes,yes,10,10.00,no\n"
        f"{ids[1]},,maybe,yes,,,no\n"
        f"{ids[2]},,yes,yes,10,,no\n"
        ",,yes,yes,,,no\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        vs.import_csv(store, v.id, bad)
    msg = e.value.message
    assert "3 bad line(s)" in msg
    assert "line 3, mark" in msg and "line 4, indication" in msg and "line 5, identity_code" in msg
    assert store.fingerprint() == before
    good = tmp_path / "good.csv"
    good.write_text(
        "instrument_id,identity_code,label,mark,seal,load,indication,cheating\n"
        f"{ids[0]},,,yes,yes,10,10.00,no\n"
        ",YBM-3401-000777,新摊位 电子秤,yes,yes,,,yes\n",
        encoding="utf-8",
    )
    assert vs.import_csv(store, v.id, good) == {"updated": 1, "added": 1, "rows": 4}
    rows = vs.repo(store).rows(v.id)
    assert rows[0].quick_verdict == "pass" and rows[3].identity_code == "YBM-3401-000777"
    assert rows[3].cheating == "yes" and rows[3].verdict == "fail"


def test_finalized_visit_is_sealed_and_immutable(store):
    _market(store, 2)
    v = vs.new_visit(
        store,
        inspector="张伟",
        market=MARKET,
        kind="campaign",
        officers=[Officer("张伟", "皖A001"), Officer("李娜", "皖A002")],
    )
    vs.mark_rest_ok(store, v.id)
    vs.set_duties(store, v.id, {"fair_scale": "no"}, "张伟")
    sealed = vs.finalize(store, v.id, "张伟")
    r = vs.repo(store)
    assert sealed.content_hash == visit_hash(r.get(v.id), r.rows(v.id))
    with pytest.raises(sqlite3.IntegrityError, match="finalized visit"):
        store.conn.execute("UPDATE visits SET notes = 'x' WHERE id = ?", (v.id,))
    with pytest.raises(sqlite3.IntegrityError, match="finalized visit"):
        store.conn.execute("UPDATE sweep_rows SET seal = 'no' WHERE visit_id = ?", (v.id,))
    with pytest.raises(sqlite3.IntegrityError, match="finalized visit"):
        store.conn.execute("DELETE FROM visits WHERE id = ?", (v.id,))
    with pytest.raises(RecordStateError):
        vs.save_rows(store, v.id, r.rows(v.id))
    actions = [e["action"] for e in store.audit_entries(20)]
    assert "visit.finalize" in actions


def test_new_inspections_join_todays_visit_and_full_inspection_from_a_row(store, stall):
    p, scale = stall
    a = drafts.new_draft(store, scale.id, "张伟")
    r = vs.repo(store)
    visit_id = r.visit_of(a.id)
    assert visit_id and r.get(visit_id).premises_id == p.id
    b = drafts.new_draft(store, scale.id, "张伟")
    assert r.visit_of(b.id) == visit_id, "the same premises on the same day: the same visit"
    rows = [
        SweepRow(
            id=new_id(),
            visit_id=visit_id,
            seq=0,
            instrument_id=scale.id,
            seal="no",
            load="10000",
            indication="10030",
        )
    ]
    vs.save_rows(store, visit_id, rows)
    insp_id = vs.full_inspection(store, visit_id, 0, "张伟")
    insp = store.inspections.get(insp_id)
    assert insp.checklist["seals"] == "no" and "10000" in insp.notes
    assert r.visit_of(insp_id) == visit_id and r.rows(visit_id)[0].inspection_id == insp_id
    assert vs.full_inspection(store, visit_id, 0, "张伟") == insp_id  # opened once


def test_migration_gathers_inspections_into_one_visit_per_premises_and_day(tmp_path):
    from inspector_app.store import open_database
    from inspector_app.store.db import connect, transaction
    from inspector_app.store.migrations import MIGRATIONS

    path = tmp_path / "v5.db"
    conn = connect(path)
    for number in range(1, 6):  # as the program before visits left the file
        with transaction(conn):
            MIGRATIONS[number - 1].up(conn)
            conn.execute(f"PRAGMA user_version = {number}")
    with transaction(conn):
        conn.execute(
            "INSERT INTO premises (id, kind, name, address) VALUES ('p1', 'market_stall', '摊', '长江路')"
        )
        conn.execute(
            "INSERT INTO premises (id, kind, name) VALUES ('p2', 'optical_shop', '眼镜店')"
        )
        conn.execute(
            "INSERT INTO instruments (id, premises_id, family) VALUES ('i1', 'p1', 'scale')"
        )
        conn.execute(
            "INSERT INTO instruments (id, premises_id, family) VALUES ('i2', 'p2', 'focimeter')"
        )
        for n, (ins, prem, started, status) in enumerate(
            [
                ("i1", "p1", "2026-11-02T09:00+08:00", "finalized"),
                ("i1", "p1", "2026-11-02T23:30+08:00", "finalized"),
                ("i1", "p1", "2026-11-03T10:00+08:00", "draft"),
                ("i2", "p2", "2026-11-02T11:00+08:00", "finalized"),
            ]
        ):
            conn.execute(
                "INSERT INTO inspections (id, record_id, revision, instrument_id, premises_id, family,"
                " check_kind, ruleset, inspector, started_at, status, content_hash, finalized_at)"
                " VALUES (?, ?, 1, ?, ?, 'scale', 'in_service', 'JJG 539-2016', '张伟', ?, ?, ?, ?)",
                (
                    f"x{n}",
                    f"r{n}",
                    ins,
                    prem,
                    started,
                    status,
                    "h" if status == "finalized" else None,
                    started if status == "finalized" else None,
                ),
            )
    conn.close()
    store = open_database(path, backup_dir=tmp_path / "backups")
    with store:
        rows = store.conn.execute(
            "SELECT i.id, v.id, v.premises_id, v.day, v.status, v.content_hash, v.place"
            " FROM inspections i JOIN visits v ON v.id = i.visit_id ORDER BY i.id"
        ).fetchall()
        assert len(rows) == 4, "every inspection belongs to a visit"
        visits = {r[1]: (r[2], r[3], r[4]) for r in rows}
        assert sorted(visits.values()) == [
            ("p1", "2026-11-02", "finalized"),  # the local day of 23:30+08:00 is still the 2nd
            ("p1", "2026-11-03", "draft"),
            ("p2", "2026-11-02", "finalized"),
        ]
        r = vs.repo(store)
        for visit_id, (_, _, status) in visits.items():
            v = r.get(visit_id)
            if status == "finalized":
                assert v.content_hash == visit_hash(v, r.rows(visit_id))
            assert [o.name for o in v.officers] == ["张伟"]
        with pytest.raises(sqlite3.IntegrityError, match="stays in its visit|belongs to a visit"):
            store.conn.execute("UPDATE inspections SET visit_id = NULL WHERE id = 'x0'")
