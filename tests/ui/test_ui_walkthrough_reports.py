"""Reports from the window: no silent unsigned notice, and Verify PDF… in the window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from inspector_app import i18n
from inspector_app.crypto.keys import init_identity
from inspector_app.paths import keys_dir
from inspector_app.services.demo import generate
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui import main_window as mw
from inspector_app.ui import report_actions

PASSPHRASE = "ui passphrase 9"


@pytest.fixture
def world(store, db_path, qtbot, monkeypatch):
    i18n.set_language("en")
    generate(store, premises=4, inspections=8, seed=9)
    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(report_actions.QDesktopServices, "openUrl", lambda url: None)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(str(a[2])))
    finalized = [
        s.id for s in store.inspections.list(InspectionFilter(status="finalized"), limit=100)
    ]
    return parent, finalized


def test_export_without_identity_asks_and_cancel_writes_nothing(
    world, store, db_path, tmp_path, monkeypatch
):
    parent, ids = world
    asked = []
    monkeypatch.setattr(
        report_actions, "offer_identity", lambda p: asked.append(1) or report_actions.CANCEL
    )
    out = tmp_path / "r.pdf"
    assert report_actions.export_report(parent, store, db_path, ids[0], path=out) is None
    assert asked == [1] and not out.exists()


def test_export_without_identity_can_create_one_and_signs(
    world, store, db_path, tmp_path, monkeypatch
):
    parent, ids = world
    monkeypatch.setattr(report_actions, "offer_identity", lambda p: report_actions.CREATE)
    monkeypatch.setattr(
        report_actions,
        "create_identity",
        lambda p, s: init_identity(
            keys_dir(db_path), store.inspections.get(ids[0]).inspector, PASSPHRASE.encode()
        ),
    )
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASSPHRASE, True))
    out = report_actions.export_report(
        parent, store, db_path, ids[0], path=tmp_path / "s.pdf", open_result=False
    )
    from inspector_app.services.verify import verify_report

    assert verify_report(out.read_bytes(), store, db_path).status == "VALID"


def test_export_unsigned_on_purpose(world, store, db_path, tmp_path, monkeypatch):
    parent, ids = world
    monkeypatch.setattr(report_actions, "offer_identity", lambda p: report_actions.UNSIGNED)
    out = report_actions.export_report(
        parent, store, db_path, ids[0], path=tmp_path / "u.pdf", open_result=False
    )
    assert out.read_bytes().startswith(b"%PDF-")


def test_verify_pdf_from_the_tools_menu(qtbot, world, store, db_path, tmp_path, monkeypatch):
    parent, ids = world
    name = store.inspections.get(ids[0]).inspector
    init_identity(keys_dir(db_path), name, PASSPHRASE.encode())
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASSPHRASE, True))
    signed = report_actions.export_report(
        parent, store, db_path, ids[0], path=tmp_path / "v.pdf", open_result=False
    )
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(("ok", a[2])))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(("bad", a[2])))  # noqa
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    action = win.actions_by_name["verify_pdf"]
    assert action in win.menus["tools"].actions()
    from inspector_app.ui.widgets import file_dialogs

    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: str(signed))
    action.trigger()
    assert shown[-1][0] == "ok" and "VALID" in shown[-1][1] and name in shown[-1][1]
    # a changed byte: not valid, said in Chinese in the Chinese window
    data = bytearray(signed.read_bytes())
    i = data.index(b"/Producer") if b"/Producer" in data else len(data) // 3
    data[i + 2] ^= 1
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    i18n.set_language("zh")
    try:
        win.verify_pdf(str(bad))
    finally:
        i18n.set_language("en")
    assert shown[-1][0] == "bad" and "有效</b>" not in shown[-1][1]
