"""Keys and trust dialog: a CA certificate is trusted as a CA; earlier certificates of this
computer are listed after a key rotation; key-file errors read in Chinese."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector_app.crypto import ca, keys
from inspector_app.i18n import set_language
from inspector_app.paths import keys_dir
from inspector_app.ui.key_texts import key_message
from inspector_app.ui.keys_dialog import KeysDialog
from inspector_app.ui.widgets import file_dialogs

PASS = b"office pass 1"


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_a_ca_certificate_is_trusted_as_a_ca(qtbot, store, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization

    root = ca.init_ca(tmp_path / "ca", "合肥市市场监督管理局", PASS)
    pem = tmp_path / "ca.pem"
    pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    dlg = KeysDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: str(pem))
    with qtbot.waitSignal(dlg.trust_changed, timeout=5000):
        qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    assert store.trust.list()[0].kind == "ca"
    assert dlg.trust_table.item(0, 1).text() == "Certification authority (CA)"
    assert "Every certificate it issued is trusted" in dlg.status.text()
    set_language("zh")
    assert dlg.trust_table.item(0, 1).text() == "证书颁发机构 (CA)"


def test_earlier_certificates_are_shown_after_a_rotation(qtbot, store, db_path):
    first = keys.init_identity(keys_dir(db_path), "王敏", PASS)
    dlg = KeysDialog(store)
    qtbot.addWidget(dlg)
    assert dlg.id_history.text() == "none"
    keys.rotate_identity(keys_dir(db_path), b"another passphrase")
    dlg.reload()
    assert dlg.id_history.text().startswith("1 kept")
    assert first.fingerprint[:4].upper() in dlg.id_history.toolTip()
    set_language("zh")
    assert dlg.id_history.text().startswith("保留 1 个")


def test_key_file_errors_in_chinese(tmp_path):
    keys.init_identity(tmp_path / "k", "王敏", PASS)
    (tmp_path / "k" / keys.KEY_FILE).unlink()
    with pytest.raises(keys.KeyUnavailable) as exc:
        keys.load_identity(tmp_path / "k", PASS)
    set_language("zh")
    text = key_message(exc.value)
    assert text.startswith("私钥文件") and "不存在" in text
