"""check recomputes every sealed visit's content hash with its sweep rows and photos, and
names the visit whose record was changed by SQL behind the database's back (its guarding
trigger dropped first, as a hex editor or a script would)."""

from __future__ import annotations

import dataclasses
import io

from PIL import Image

from inspector_app.cli.main import main
from inspector_app.domain.visits import Officer
from inspector_app.services import visits as vs
from inspector_app.store import integrity

OFFICERS = [Officer("张三", "34010001"), Officer("李四", "34010002")]


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def _sealed_visit(store, stall, photos=()):
    premises, _instrument = stall
    v = vs.new_visit(store, inspector="张三", premises_id=premises.id, kind="complaint")
    vs.repo(store).save(dataclasses.replace(v, officers=OFFICERS), "张三")
    if photos:
        shas = [store.attachments.add(p, "张三") for p in photos]
        vs.repo(store).set_photos(v.id, shas, "张三")
    assert vs.mark_rest_ok(store, v.id, "张三") == 1
    return vs.finalize(store, v.id, "张三")


def _visit_problems(store):
    return [p for p in integrity.check(store) if p.kind == "visit"]


def test_untouched_sealed_visit_passes(store, stall):
    _sealed_visit(store, stall, photos=[_png("red")])
    assert integrity.check(store) == []


def test_changed_sweep_row_is_named(store, stall):
    v = _sealed_visit(store, stall)
    store.conn.execute("DROP TRIGGER sweep_rows_finalized_no_update")
    store.conn.execute("UPDATE sweep_rows SET seal = 'no' WHERE visit_id = ?", (v.id,))
    store.conn.commit()
    problems = _visit_problems(store)
    assert [p.ref for p in problems] == [v.id]
    assert "no longer matches its content hash" in problems[0].message


def test_changed_visit_header_is_named_with_the_audit_hash(store, stall):
    v = _sealed_visit(store, stall)
    store.conn.execute("DROP TRIGGER visits_finalized_no_update")
    store.conn.execute("UPDATE visits SET notes = '改过' WHERE id = ?", (v.id,))
    store.conn.commit()
    assert [p.ref for p in _visit_problems(store)] == [v.id]
    # the hash itself rewritten to match: the audit log still holds the sealed one
    store.conn.execute(
        "UPDATE visits SET content_hash = ? WHERE id = ?",
        (vs.repo(store).require(v.id).content_hash[::-1], v.id),
    )
    store.conn.commit()
    messages = [p.message for p in _visit_problems(store)]
    assert any("was sealed with hash" in m for m in messages), messages


def test_swapped_photo_is_named(store, stall):
    v = _sealed_visit(store, stall, photos=[_png("red")])
    other = store.attachments.add(_png("blue"), "张三")
    store.conn.execute("DROP TRIGGER visit_photos_finalized_no_update")
    store.conn.execute("UPDATE visit_photos SET sha256 = ? WHERE visit_id = ?", (other, v.id))
    store.conn.commit()
    problems = _visit_problems(store)
    assert [p.ref for p in problems] == [v.id]


def test_deleted_sealed_visit_is_named(store, stall):
    v = _sealed_visit(store, stall)
    conn = store.conn
    for name in ("visits_finalized_no_delete", "sweep_rows_finalized_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM sweep_rows WHERE visit_id = ?", (v.id,))
    conn.execute("DELETE FROM visits WHERE id = ?", (v.id,))
    conn.commit()
    messages = [p.message for p in _visit_problems(store)]
    assert any(v.id in m and "no longer in the database" in m for m in messages), messages


def test_check_command_names_the_tampered_visit(store, stall, db_path, capsys):
    v = _sealed_visit(store, stall)
    assert main(["--db", str(db_path), "check"]) == 0
    capsys.readouterr()
    store.conn.execute("DROP TRIGGER sweep_rows_finalized_no_update")
    store.conn.execute("UPDATE sweep_rows SET mark = 'no' WHERE visit_id = ?", (v.id,))
    store.conn.commit()
    code = main(["--db", str(db_path), "check"])
    out = capsys.readouterr().out
    assert code == 1 and v.id in out
