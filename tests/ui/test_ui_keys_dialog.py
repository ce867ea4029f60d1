"""Tools → Keys and trust: create the identity, export its certificate, trust and untrust
certificates; checked on screen, on disk and in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from inspector_app.crypto import keys
from inspector_app.i18n import set_language
from inspector_app.paths import keys_dir
from inspector_app.ui.keys_dialog import KeysDialog
from inspector_app.ui.widgets import file_dialogs


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def dialog(qtbot, store):
    dlg = KeysDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_create_identity_checks_the_passphrase_then_writes_the_keys(qtbot, dialog, db_path):
    folder = keys_dir(db_path)
    assert dialog.create_form.isVisible() and not dialog.info.isVisible()
    dialog.name_edit.setText("张伟")  # (QTest.keyClicks aborts on non-Latin text)
    qtbot.keyClicks(dialog.pass1, "short")
    qtbot.keyClicks(dialog.pass2, "short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "at least 8 characters" in dialog.status.text() and not keys.has_identity(folder)
    dialog.pass1.setText("long enough 1")
    dialog.pass2.setText("long enough 2")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "differ" in dialog.status.text() and not keys.has_identity(folder)
    dialog.pass2.setText("long enough 1")
    with qtbot.waitSignal(dialog.identity_changed, timeout=5000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert keys.has_identity(folder)
    identity = keys.load_identity(folder, b"long enough 1")
    assert identity.name == "张伟"
    assert dialog.info.isVisible() and not dialog.create_form.isVisible()
    assert dialog.id_fp.text().replace(" ", "").lower() == identity.fingerprint
    assert dialog.id_until.text() == identity.certificate.not_valid_after_utc.date().isoformat()
    assert dialog.pass1.text() == "" and dialog.pass2.text() == ""  # not kept around


def test_export_certificate_writes_the_pem(qtbot, store, db_path, tmp_path, monkeypatch):
    identity = keys.init_identity(keys_dir(db_path), "王芳", b"pass phrase 1")
    dlg = KeysDialog(store)
    qtbot.addWidget(dlg)
    out = tmp_path / "wang.cert.pem"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: str(out))
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    cert = keys.load_certificate(out.read_bytes())
    assert keys.fingerprint(cert) == identity.fingerprint and str(out) in dlg.status.text()
    assert b"PRIVATE" not in out.read_bytes()


def test_add_and_remove_a_trusted_certificate(qtbot, dialog, store, tmp_path, monkeypatch):
    other = keys.init_identity(tmp_path / "office-keys", "李主任", b"office pass 1")
    cert_file = tmp_path / "li.pem"
    cert_file.write_bytes(other.certificate_pem())
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: str(cert_file))
    with qtbot.waitSignal(dialog.trust_changed, timeout=5000):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    trusted = store.trust.get(other.fingerprint)
    assert trusted is not None and trusted.name == "李主任"
    assert dialog.trust_table.rowCount() == 1 and dialog.trust_table.item(0, 0).text() == "李主任"
    assert (
        store.conn.execute("SELECT count(*) FROM audit WHERE action = 'trust.add'").fetchone()[0]
        == 1
    )
    # the same file again changes nothing
    assert not dialog.add_trusted() and "Already trusted" in dialog.status.text()
    assert len(store.trust.list()) == 1
    # not a certificate: a clear message, nothing stored
    cert_file.write_bytes(b"hello")
    assert not dialog.add_trusted() and "not an X.509 certificate" in dialog.status.text()
    # remove, after confirming
    assert not dialog.remove_button.isEnabled()
    dialog.trust_table.selectRow(0)
    assert dialog.remove_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not dialog.remove_trusted() and store.trust.get(other.fingerprint) is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.trust_changed, timeout=5000):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert store.trust.get(other.fingerprint) is None and dialog.trust_table.rowCount() == 0


def test_dialog_speaks_chinese(qtbot, dialog):
    set_language("zh")
    assert dialog.windowTitle() == "密钥与信任"
    assert dialog.create_button.text() == "创建签名身份"
    dialog.name_edit.setText("张伟")
    dialog.pass1.setText("123")
    dialog.create_identity()
    assert "口令至少需要 8 个字符" in dialog.status.text()
