"""Every inspection belongs to a visit: a draft stored by any path (not only through the
services) joins the draft visit of its premises and day or a new one, in the same
transaction; a correction stays in the visit of the revision it corrects; schema 11 gathers
the inspections that still lack a visit and the database refuses to take one out of it."""

from __future__ import annotations

import sqlite3

import pytest

from inspector_app.domain.models import Inspection, new_id
from inspector_app.domain.visits import visit_hash
from inspector_app.services import drafts
from inspector_app.services import visits as vs
from inspector_app.store.inspections import RecordStateError


def _raw_draft(store, stall, started="2026-11-02T09:00+08:00", check="in_service"):
    p, i = stall
    insp = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=i.id,
        premises_id=p.id,
        family="scale",
        check=check,
        ruleset="JJG 539-2016",
        inspector="张伟",
        started_at=started,
    )
    return store.inspections.save_draft(insp, "张伟")


def _visit_of(store, inspection_id):
    return store.conn.execute(
        "SELECT visit_id FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()[0]


def test_a_draft_stored_directly_joins_a_visit(store, stall):
    a = _raw_draft(store, stall)
    va = _visit_of(store, a.id)
    assert va is not None
    v = vs.repo(store).require(va)
    assert (v.premises_id, v.day, v.kind, v.status) == (
        stall[0].id,
        "2026-11-02",
        "routine",
        "draft",
    )
    assert [o.name for o in v.officers] == ["张伟"]
    b = _raw_draft(store, stall, started="2026-11-02T15:00+08:00")  # same premises and day
    assert _visit_of(store, b.id) == va
    c = _raw_draft(store, stall, started="2026-11-03T09:00+08:00")  # another day
    assert _visit_of(store, c.id) not in (None, va)
    d = _raw_draft(store, stall, started="2026-11-04T09:00+08:00", check="covert")
    covert = vs.repo(store).require(_visit_of(store, d.id))
    assert covert.kind == "covert" and covert.officers == []
    # through the services: the same, one visit
    e = drafts.new_draft(store, stall[1].id, "张伟")
    assert _visit_of(store, e.id) is not None


def test_a_correction_stays_in_the_visit_of_what_it_corrects(store, stall):
    import dataclasses

    insp = _raw_draft(store, stall)
    visit_id = _visit_of(store, insp.id)
    judged = dataclasses.replace(insp, result={"verdict": "pass", "tests": []}, verdict="pass")
    store.inspections.save_draft(judged, "张伟")
    store.inspections.finalize(insp.id, "张伟")
    vs.repo(store).finalize(visit_id, "张伟")  # the visit is sealed meanwhile
    child = store.inspections.correct(insp.id, "typo in the place", "张伟")
    assert child.parent_id == insp.id
    assert _visit_of(store, child.id) == visit_id


def test_the_database_refuses_to_take_an_inspection_out_of_its_visit(store, stall):
    a = _raw_draft(store, stall)
    with pytest.raises(sqlite3.IntegrityError, match="belongs to a visit"):
        store.conn.execute("UPDATE inspections SET visit_id = NULL WHERE id = ?", (a.id,))
    with pytest.raises(RecordStateError, match="1 inspection"):
        vs.repo(store).delete_draft(_visit_of(store, a.id))
    empty = vs.new_visit(store, inspector="张伟", premises_id=stall[0].id, prefill=False)
    vs.repo(store).delete_draft(empty.id)
    assert vs.repo(store).get(empty.id) is None


def test_schema_11_gathers_the_inspections_without_a_visit(tmp_path):
    from inspector_app.store import open_database
    from inspector_app.store.db import connect, transaction
    from inspector_app.store.migrations import MIGRATIONS

    path = tmp_path / "v10.db"
    conn = connect(path)
    for number in range(1, 11):  # as the program before this version left the file
        with transaction(conn):
            MIGRATIONS[number - 1].up(conn)
            conn.execute(f"PRAGMA user_version = {number}")
    with transaction(conn):
        conn.execute(
            "INSERT INTO premises (id, kind, name, address) VALUES ('p1', 'market_stall', '摊', '长江路')"
        )
        conn.execute(
            "INSERT INTO instruments (id, premises_id, family) VALUES ('i1', 'p1', 'scale')"
        )
        conn.execute(
            "INSERT INTO visits (id, kind, started_at, day, inspector, premises_id,"
            " officers_json, status, content_hash, finalized_at) VALUES ('v0', 'routine',"
            " '2026-11-01T09:00+08:00', '2026-11-01', '张伟', 'p1', '[]', 'finalized', 'h', 'x')"
        )
        for n, (started, status, record, revision, visit) in enumerate(
            [
                ("2026-11-01T09:00+08:00", "finalized", "r0", 1, "v0"),
                ("2026-11-05T10:00+08:00", "draft", "r0", 2, None),  # a correction of r0
                ("2026-11-02T09:00+08:00", "finalized", "r1", 1, None),
                ("2026-11-02T23:30+08:00", "finalized", "r2", 1, None),
                ("2026-11-03T10:00+08:00", "draft", "r3", 1, None),
            ]
        ):
            conn.execute(
                "INSERT INTO inspections (id, record_id, revision, instrument_id, premises_id,"
                " family, check_kind, ruleset, inspector, started_at, status, content_hash,"
                " finalized_at, visit_id) VALUES (?, ?, ?, 'i1', 'p1', 'scale', 'in_service',"
                " 'JJG 539-2016', '张伟', ?, ?, ?, ?, ?)",
                (
                    f"x{n}",
                    record,
                    revision,
                    started,
                    status,
                    "h" if status == "finalized" else None,
                    started if status == "finalized" else None,
                    visit,
                ),
            )
    conn.close()
    store = open_database(path, backup_dir=tmp_path / "backups")
    with store:
        visit_of = dict(store.conn.execute("SELECT id, visit_id FROM inspections"))
        assert None not in visit_of.values(), "every inspection belongs to a visit"
        assert visit_of["x1"] == "v0"  # the correction joins its record's visit
        assert visit_of["x2"] == visit_of["x3"] != "v0"  # one visit per premises and day
        r = vs.repo(store)
        gathered = r.require(visit_of["x2"])
        assert (gathered.day, gathered.status, gathered.place) == (
            "2026-11-02",
            "finalized",
            "长江路",
        )
        assert gathered.content_hash == visit_hash(gathered, r.rows(gathered.id))
        assert r.require(visit_of["x4"]).status == "draft"
        with pytest.raises(sqlite3.IntegrityError, match="belongs to a visit"):
            store.conn.execute("UPDATE inspections SET visit_id = NULL WHERE id = 'x4'")
