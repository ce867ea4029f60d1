"""Export and import dialogs: real widgets, work in a background job, reports on screen and
in the database."""

from __future__ import annotations

import zipfile

import pytest

from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.services.demo import generate
from inspector_app.store import open_database
from inspector_app.ui.bundle_dialogs import ExportBundleDialog, ImportBundleDialog

PASS = "dialog passphrase"


@pytest.fixture
def pair(tmp_path):
    lap_db, off_db = tmp_path / "lap" / "lap.db", tmp_path / "off" / "off.db"
    lap_db.parent.mkdir()
    off_db.parent.mkdir()
    ident = keys.init_identity(keys_dir(lap_db), "Inspector Zhao", PASS.encode())
    with open_database(lap_db) as lap, open_database(off_db) as off:
        generate(lap, premises=3, inspections=9, seed=31)
        off.trust.add(ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode())
        _ = off.device_id
    return lap_db, off_db, tmp_path


def _export(qtbot, lap_db, out, passphrase=PASS):
    dlg = ExportBundleDialog(lap_db)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.path_edit.setText(str(out))
    dlg.passphrase.setText(passphrase)
    return dlg


def test_export_dialog_writes_a_bundle(qtbot, pair):
    lap_db, off_db, tmp = pair
    out = tmp / "field.zip"
    dlg = _export(qtbot, lap_db, out)
    with qtbot.waitSignal(dlg.exported, timeout=30000) as blocker:
        qtbot.mouseClick(dlg.go, qtbot_button())
    result = blocker.args[0]
    assert result.counts["inspections"] == 9
    assert zipfile.is_zipfile(out)
    assert "9" in dlg.status.text() and str(out) in dlg.status.text()
    assert dlg.passphrase.text() == ""  # not kept around
    assert dlg.go.isEnabled() and not dlg.cancel_button.isEnabled()
    with open_database(lap_db) as s:
        assert s.conn.execute("SELECT count(*) FROM sync_exports").fetchone()[0] == 1


def test_export_dialog_reports_a_wrong_passphrase(qtbot, pair):
    lap_db, off_db, tmp = pair
    dlg = _export(qtbot, lap_db, tmp / "x.zip", passphrase="not the passphrase")
    qtbot.mouseClick(dlg.go, qtbot_button())
    qtbot.waitUntil(lambda: "passphrase" in dlg.status.text() and dlg.go.isEnabled(), timeout=30000)
    assert not (tmp / "x.zip").exists()
    with open_database(lap_db) as s:
        assert s.conn.execute("SELECT count(*) FROM sync_exports").fetchone()[0] == 0


def test_export_dialog_asks_for_a_file_and_passphrase(qtbot, pair):
    lap_db, _, tmp = pair
    dlg = ExportBundleDialog(lap_db)
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.go, qtbot_button())
    assert "file" in dlg.status.text().lower() or "文件" in dlg.status.text()
    dlg.path_edit.setText(str(tmp / "y.zip"))
    qtbot.mouseClick(dlg.go, qtbot_button())
    assert "passphrase" in dlg.status.text() or "口令" in dlg.status.text()
    assert dlg.job is None


def test_import_dialog_shows_counts_then_already_imported(qtbot, pair):
    lap_db, off_db, tmp = pair
    out = tmp / "field.zip"
    dlg = _export(qtbot, lap_db, out)
    with qtbot.waitSignal(dlg.exported, timeout=30000):
        qtbot.mouseClick(dlg.go, qtbot_button())
    imp = ImportBundleDialog(off_db)
    qtbot.addWidget(imp)
    imp.show()
    imp.path_edit.setText(str(out))
    with qtbot.waitSignal(imp.imported, timeout=30000) as blocker:
        qtbot.mouseClick(imp.go, qtbot_button())
    report = blocker.args[0]
    assert report.status == "imported"
    assert imp.report_box.isVisible()
    assert imp.counts["new"].text() == str(report.new) and report.new > 9
    assert imp.counts["conflicts"].text() == "0"
    assert "Inspector Zhao" in imp.status.text()
    with open_database(off_db) as s:
        assert s.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == 9
    with qtbot.waitSignal(imp.imported, timeout=30000) as blocker:
        qtbot.mouseClick(imp.go, qtbot_button())
    assert blocker.args[0].status == "already_imported"
    assert "already" in imp.status.text() or "已导入" in imp.status.text()


def test_import_dialog_shows_the_rejection_and_changes_nothing(qtbot, pair):
    lap_db, off_db, tmp = pair
    out = tmp / "field.zip"
    dlg = _export(qtbot, lap_db, out)
    with qtbot.waitSignal(dlg.exported, timeout=30000):
        qtbot.mouseClick(dlg.go, qtbot_button())
    bad = tmp / "bad.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("../escape.txt", b"x")
    with open_database(off_db) as s:
        before = s.fingerprint()
    imp = ImportBundleDialog(off_db)
    qtbot.addWidget(imp)
    imp.show()
    imp.path_edit.setText(str(bad))
    with qtbot.waitSignal(imp.imported, timeout=30000) as blocker:
        qtbot.mouseClick(imp.go, qtbot_button())
    assert blocker.args[0].status == "rejected"
    assert "stage 1" in imp.status.text() or "第 1 步" in imp.status.text()
    assert "'..'" in imp.reason.text() and "../escape.txt" in imp.reason.text()
    assert imp.counts["new"].text() == "–"
    with open_database(off_db) as s:
        assert s.fingerprint() == before


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _exported(qtbot, pair):
    lap_db, off_db, tmp = pair
    out = tmp / "field.zip"
    dlg = _export(qtbot, lap_db, out)
    with qtbot.waitSignal(dlg.exported, timeout=30000):
        qtbot.mouseClick(dlg.go, qtbot_button())
    imp = ImportBundleDialog(off_db)
    qtbot.addWidget(imp)
    imp.show()
    imp.path_edit.setText(str(out))
    return imp, off_db


@pytest.fixture
def held_merge(monkeypatch):
    """The merge waits (inside its transaction) until the test lets it go."""
    import threading

    from inspector_app.sync import merge

    started, go = threading.Event(), threading.Event()
    real = merge.merge

    def held(*args, **kwargs):
        started.set()
        go.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(merge, "merge", held)
    yield started, go
    go.set()


def test_cancel_is_disabled_once_the_merge_runs(qtbot, pair, held_merge):
    started, go = held_merge
    imp, off_db = _exported(qtbot, pair)
    qtbot.mouseClick(imp.go, qtbot_button())
    qtbot.waitUntil(started.is_set, timeout=30000)
    qtbot.waitUntil(lambda: not imp.cancel_button.isEnabled(), timeout=5000)
    assert imp.is_running()
    assert (
        "can no longer be cancelled" in imp.stage_label.text()
        or "不能取消" in imp.stage_label.text()
    )
    with qtbot.waitSignal(imp.imported, timeout=30000):
        go.set()


def test_a_cancel_during_the_merge_reports_the_import_that_was_saved(qtbot, pair, held_merge):
    """Cancel pressed while the merge ran used to say "Cancelled; nothing was changed."
    although every record had been imported."""
    started, go = held_merge
    imp, off_db = _exported(qtbot, pair)
    qtbot.mouseClick(imp.go, qtbot_button())
    qtbot.waitUntil(started.is_set, timeout=30000)
    imp.job.cancel()  # a click that landed just before the button was disabled
    with qtbot.waitSignal(imp.imported, timeout=30000) as blocker:
        go.set()
    report = blocker.args[0]
    assert report.status == "imported"
    text = imp.status.text()
    assert "nothing was changed" not in text and "未做任何更改" not in text
    assert "too late" in text or "取消太晚" in text
    assert imp.counts["new"].text() == str(report.new)
    with open_database(off_db) as s:
        assert s.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == 9
    assert imp.go.isEnabled() and not imp.cancel_button.isEnabled()


def test_a_cancel_before_the_merge_changes_nothing_and_says_so(qtbot, pair, monkeypatch):
    from inspector_app.sync import validate

    imp, off_db = _exported(qtbot, pair)
    with open_database(off_db) as s:
        before = s.fingerprint()
    real = validate.parse_records

    def cancel_then_parse(opened, *args, **kwargs):
        imp.job.cancel()  # the user's click, while the records are being checked
        return real(opened, *args, **kwargs)

    monkeypatch.setattr("inspector_app.sync.importing.parse.parse_records", cancel_then_parse)
    qtbot.mouseClick(imp.go, qtbot_button())
    qtbot.waitUntil(lambda: not imp.is_running(), timeout=30000)
    qtbot.waitUntil(lambda: imp.status.text() != "", timeout=5000)
    assert "nothing was changed" in imp.status.text() or "未做任何更改" in imp.status.text()
    with open_database(off_db) as s:
        assert s.fingerprint() == before


def test_the_dialog_shows_hostile_names_escaped(qtbot, pair):
    imp, off_db = _exported(qtbot, pair)
    src = imp.path_edit.text()
    with zipfile.ZipFile(src) as z:
        items = [(i.filename, z.read(i)) for i in z.infolist()]
    bad = pair[2] / "names.zip"
    with zipfile.ZipFile(bad, "w") as z:
        for n, d in items:
            z.writestr(n, d)
        z.writestr("records/evil\u202etxt.jsonl", b"x")
    imp.path_edit.setText(str(bad))
    with qtbot.waitSignal(imp.imported, timeout=30000):
        qtbot.mouseClick(imp.go, qtbot_button())
    assert "\u202e" not in imp.reason.text() and "\\u202e" in imp.reason.text()


def test_the_dialog_lists_every_bad_record(qtbot, pair):
    import hashlib
    import json

    imp, off_db = _exported(qtbot, pair)
    lap_db = pair[0]
    identity = keys.load_identity(keys_dir(lap_db), PASS.encode())
    with zipfile.ZipFile(imp.path_edit.text()) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    objs = [json.loads(x) for x in items["records/inspections.jsonl"].splitlines()]
    for o in (objs[2], objs[5]):
        o["verdict"] = "maybe"
    items["records/inspections.jsonl"] = b"".join(
        json.dumps(o, ensure_ascii=False).encode() + b"\n" for o in objs
    )
    manifest = json.loads(items["manifest.json"])
    for name, data in items.items():
        if name in manifest["entries"]:
            manifest["entries"][name] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
    items["manifest.json"] = json.dumps(manifest).encode()
    items["signature.der"] = identity.sign(items["manifest.json"])
    bad = pair[2] / "two-bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    imp.path_edit.setText(str(bad))
    with qtbot.waitSignal(imp.imported, timeout=30000) as blocker:
        qtbot.mouseClick(imp.go, qtbot_button())
    assert blocker.args[0].rejection["problem_count"] == 2
    assert "(2" in imp.reason.text() or "（2" in imp.reason.text()
    assert imp.details.isVisible()
    listed = imp.details.toPlainText().splitlines()
    assert listed == [
        "• records/inspections.jsonl line 3: inspection.verdict: must be pass or fail",
        "• records/inspections.jsonl line 6: inspection.verdict: must be pass or fail",
    ]
