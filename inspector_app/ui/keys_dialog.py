"""Tools → Keys and trust: the inspector's signing identity and the certificates this
database trusts.

- Identity: create one (name, passphrase twice, at least 8 characters) or import a PKCS#12
  file issued by the office; once there, its name, SHA-256 fingerprint and expiry are shown
  and its certificate can be exported to a file (to hand to the office).
- Earlier certificates of this computer (after a key rotation) are listed with the window in
  which each was used: reports signed with them still verify here.
- Trusted certificates (``store.trust``): add from a PEM/DER file, remove the selected one.
  A CA certificate (the office's certification authority) is trusted as a CA: every
  certificate it issued is trusted, so one entry replaces hundreds of inspectors.

File dialogs and the PKCS#12 password prompt are module-level Qt calls (QFileDialog,
QInputDialog, QMessageBox) so tests can patch them. Key files live beside the database
(:func:`inspector_app.paths.keys_dir`); the private key never leaves that folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from .key_texts import KIND_TEXT, group_fingerprint, key_message
from .widgets import file_dialogs
from .widgets.language import follow_language


class KeysDialog(QDialog):
    identity_changed = Signal()
    trust_changed = Signal()

    def __init__(self, store, parent: QWidget | None = None, *, actor: str | None = None) -> None:
        super().__init__(parent)
        from ..paths import keys_dir

        self.setObjectName("keysDialog")
        self.store = store
        self.keys_dir = keys_dir(Path(store.path))
        self.actor = actor or _actor()
        self.message = ""

        # -- identity ------------------------------------------------------------------------
        self.identity_box = QGroupBox(self)
        ibox = QVBoxLayout(self.identity_box)
        self.none_label = QLabel(self)
        self.none_label.setWordWrap(True)
        self.create_form = QWidget(self)
        form = QFormLayout(self.create_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("identityName")
        self.name_edit.setMaxLength(64)
        self.pass1 = QLineEdit(self)
        self.pass1.setObjectName("passphrase1")
        self.pass2 = QLineEdit(self)
        self.pass2.setObjectName("passphrase2")
        for w in (self.pass1, self.pass2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.name_label, self.pass1_label, self.pass2_label = (
            QLabel(self),
            QLabel(self),
            QLabel(self),
        )
        for label, w in (
            (self.name_label, self.name_edit),
            (self.pass1_label, self.pass1),
            (self.pass2_label, self.pass2),
        ):
            label.setBuddy(w)
            form.addRow(label, w)
        buttons = QHBoxLayout()
        self.create_button = QPushButton(self)
        self.create_button.setObjectName("createIdentity")
        self.create_button.setDefault(True)
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("importPkcs12")
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.info = QWidget(self)
        info = QFormLayout(self.info)
        info.setContentsMargins(0, 0, 0, 0)
        self.id_name, self.id_fp, self.id_until = QLabel(self), QLabel(self), QLabel(self)
        self.id_fp.setObjectName("identityFingerprint")
        for value in (self.id_name, self.id_fp, self.id_until):
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.id_fp.setStyleSheet("font-family: monospace;")
        self.id_fp.setWordWrap(True)
        self.id_history = QLabel(self)
        self.id_history.setObjectName("identityHistory")
        self.id_history.setWordWrap(True)
        self.info_labels = [QLabel(self) for _ in range(4)]
        for label, value in zip(
            self.info_labels,
            (self.id_name, self.id_fp, self.id_until, self.id_history),
            strict=True,
        ):
            info.addRow(label, value)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportCertificate")
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        info.addRow("", row)
        ibox.addWidget(self.none_label)
        ibox.addWidget(self.create_form)
        ibox.addWidget(self.info)

        # -- trust -----------------------------------------------------------------------------
        self.trust_box = QGroupBox(self)
        tbox = QVBoxLayout(self.trust_box)
        self.trust_table = QTableWidget(0, 3, self)
        self.trust_table.setObjectName("trustTable")
        self.trust_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trust_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.trust_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trust_table.verticalHeader().setVisible(False)
        self.trust_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.trust_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.trust_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        self.trust_table.setTabKeyNavigation(False)
        tbox.addWidget(self.trust_table)
        trow = QHBoxLayout()
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addTrusted")
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("removeTrusted")
        trow.addWidget(self.add_button)
        trow.addWidget(self.remove_button)
        trow.addStretch(1)
        tbox.addLayout(trow)

        self.status = QLabel(self)
        self.status.setObjectName("keysStatus")
        self.status.setWordWrap(True)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.identity_box)
        layout.addWidget(self.trust_box, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.close_buttons)

        self.create_button.clicked.connect(self.create_identity)
        self.import_button.clicked.connect(self.import_pkcs12)
        self.export_button.clicked.connect(self.export_certificate)
        self.add_button.clicked.connect(self.add_trusted)
        self.remove_button.clicked.connect(self.remove_trusted)
        self.trust_table.itemSelectionChanged.connect(self._update_buttons)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.reload()
        self.resize(680, 560)

    # -- state -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._show_identity()
        self._load_trust()

    def _show_identity(self) -> None:
        from ..crypto.keys import KeyError_, common_name, has_identity, load_certificate_file

        cert = None
        if has_identity(self.keys_dir):
            try:
                cert = load_certificate_file(self.keys_dir)
            except KeyError_ as exc:
                self._say(key_message(exc), error=True)
        self.none_label.setVisible(cert is None)
        self.create_form.setVisible(cert is None)
        self.info.setVisible(cert is not None)
        if cert is not None:
            from ..crypto.keys import fingerprint

            self.id_name.setText(common_name(cert))
            self.id_fp.setText(group_fingerprint(fingerprint(cert)))
            self.id_until.setText(cert.not_valid_after_utc.date().isoformat())
            self._show_history()

    def _show_history(self) -> None:
        from ..crypto.keys import own_certificates

        earlier = [c for c in own_certificates(self.keys_dir) if c.retired_at]
        self.history = earlier
        if not earlier:
            self.id_history.setText(tr("none"))
            self.id_history.setToolTip("")
            return
        self.id_history.setText(
            tr("{n} kept: reports signed with them still verify here").format(n=len(earlier))
        )
        self.id_history.setToolTip(
            "\n".join(
                f"{group_fingerprint(c.fingerprint[:16])} …  "
                + tr("used {start} to {end}").format(
                    start=c.active_from[:10], end=(c.retired_at or "")[:10]
                )
                for c in earlier
            )
        )

    def _load_trust(self) -> None:
        keys = self.store.trust.list()
        self.trust_table.setRowCount(len(keys))
        for r, k in enumerate(keys):
            for c, text in enumerate(
                (
                    k.name,
                    tr(KIND_TEXT.get(k.kind, k.kind)),
                    group_fingerprint(k.fingerprint[:16]) + " …",
                )
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, k.fingerprint)
                item.setData(Qt.ItemDataRole.UserRole + 1, k.kind)
                item.setToolTip(k.fingerprint)
                self.trust_table.setItem(r, c, item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.trust_table.selectionModel().selectedRows()))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message = text
        self.status.setStyleSheet("color: #b00020;" if error else "color: #1e7b34;")
        self.status.setText(("⚠ " if error else "✔ ") + text)

    def _passphrase(self) -> bytes | None:
        from ..crypto.keys import MIN_PASSPHRASE

        p1, p2 = self.pass1.text(), self.pass2.text()
        if len(p1) < MIN_PASSPHRASE:
            self._say(
                tr("The passphrase must have at least {n} characters.").format(n=MIN_PASSPHRASE),
                error=True,
            )
            self.pass1.setFocus()
            return None
        if p1 != p2:
            self._say(tr("The two passphrases differ."), error=True)
            self.pass2.setFocus()
            self.pass2.selectAll()
            return None
        return p1.encode("utf-8")

    # -- identity ------------------------------------------------------------------------------
    def create_identity(self) -> bool:
        from ..crypto.keys import KeyError_, init_identity

        name = self.name_edit.text().strip()
        if not name:
            self._say(tr("Enter a name."), error=True)
            self.name_edit.setFocus()
            return False
        passphrase = self._passphrase()
        if passphrase is None:
            return False
        try:
            identity = init_identity(self.keys_dir, name, passphrase)
        except KeyError_ as exc:
            self._say(key_message(exc), error=True)
            return False
        self.pass1.clear()
        self.pass2.clear()
        self._say(tr("Identity created for {name}.").format(name=identity.name))
        self._show_identity()
        self.identity_changed.emit()
        return True

    def import_pkcs12(self) -> bool:
        from ..crypto.keys import KeyError_, import_pkcs12

        passphrase = self._passphrase()
        if passphrase is None:
            self._say(
                tr(
                    "Choose the passphrase that will protect the key here (the two fields above) first."
                ),
                error=True,
            )
            return False
        path = file_dialogs.get_open_file_name(
            self,
            tr("Import PKCS#12…").rstrip("…"),
            str(Path.home()),
            tr("PKCS#12 files (*.p12 *.pfx)"),
        )
        if not path:
            return False
        password, ok = QInputDialog.getText(
            self,
            tr("Import PKCS#12…").rstrip("…"),
            tr("Password of the PKCS#12 file:"),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return False
        try:
            data = Path(path).read_bytes()
            identity = import_pkcs12(
                self.keys_dir, data, password.encode("utf-8") or None, passphrase
            )
        except OSError as exc:
            self._say(
                tr("Cannot read {path}: {error}").format(path=path, error=exc.strerror), error=True
            )
            return False
        except KeyError_ as exc:
            self._say(key_message(exc), error=True)
            return False
        self.pass1.clear()
        self.pass2.clear()
        self._say(tr("Identity imported for {name}.").format(name=identity.name))
        self._show_identity()
        self.identity_changed.emit()
        return True

    def export_certificate(self) -> Path | None:
        from cryptography.hazmat.primitives import serialization

        from ..crypto.keys import KeyError_, load_certificate_file

        try:
            cert = load_certificate_file(self.keys_dir)
        except KeyError_ as exc:
            self._say(key_message(exc), error=True)
            return None
        suggestion = str(Path.home() / f"{self.id_name.text() or 'inspector'}.cert.pem")
        path = file_dialogs.get_save_file_name(
            self,
            tr("Export certificate…").rstrip("…"),
            suggestion,
            tr("Certificates (*.pem *.crt *.cer *.der)"),
        )
        if not path:
            return None
        out = Path(path)
        try:
            out.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        except OSError as exc:
            self._say(
                tr("Cannot read {path}: {error}").format(path=path, error=exc.strerror), error=True
            )
            return None
        self._say(tr("Certificate written to {path}.").format(path=out))
        return out

    # -- trust -----------------------------------------------------------------------------------
    def add_trusted(self) -> bool:
        from cryptography.hazmat.primitives import serialization

        from ..crypto.keys import KeyError_, common_name, fingerprint, load_certificate

        path = file_dialogs.get_open_file_name(
            self,
            tr("Add certificate…").rstrip("…"),
            str(Path.home()),
            tr("Certificates (*.pem *.crt *.cer *.der)"),
        )
        if not path:
            return False
        try:
            cert = load_certificate(Path(path).read_bytes())
        except OSError as exc:
            self._say(
                tr("Cannot read {path}: {error}").format(path=path, error=exc.strerror), error=True
            )
            return False
        except KeyError_ as exc:
            self._say(key_message(exc), error=True)
            return False
        from ..crypto.ca import is_ca_certificate

        name = common_name(cert).strip()[:200]
        kind = "ca" if is_ca_certificate(cert) else "certificate"
        added = self.store.trust.add(
            fingerprint(cert),
            name,
            kind,
            cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            self.actor,
        )
        if added and kind == "ca":
            self._say(
                tr("Trusted CA: {name}. Every certificate it issued is trusted now.").format(
                    name=name
                )
            )
        else:
            self._say(
                (tr("Trusted: {name}.") if added else tr("Already trusted: {name}.")).format(
                    name=name
                )
            )
        self._load_trust()
        if added:
            self.trust_changed.emit()
        return added

    def remove_trusted(self) -> bool:
        rows = self.trust_table.selectionModel().selectedRows()
        if not rows:
            self._say(tr("Select a certificate in the list first."), error=True)
            return False
        item = self.trust_table.item(rows[0].row(), 0)
        if item is None:
            return False
        fp, name = item.data(Qt.ItemDataRole.UserRole), item.text()
        answer = QMessageBox.question(
            self,
            tr("Remove"),
            tr(
                "Remove the trusted certificate of {name}? Bundles and reports signed with it will no longer be "
                "accepted."
            ).format(name=name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.store.trust.remove(fp, self.actor)
        self._say(tr("Removed: {name}.").format(name=name))
        self._load_trust()
        self.trust_changed.emit()
        return True

    # -- language ----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(tr("Keys and trust"))
        self.identity_box.setTitle(tr("Your signing identity"))
        self.none_label.setText(
            tr(
                "No signing identity on this computer yet. Reports, finalized records and bundles are signed with it."
            )
        )
        self.name_label.setText(tr("Name on the certificate") + ":")
        self.pass1_label.setText(tr("Passphrase") + ":")
        self.pass2_label.setText(tr("Passphrase again") + ":")
        self.create_button.setText(tr("Create identity"))
        self.import_button.setText(tr("Import PKCS#12…"))
        self.export_button.setText(tr("Export certificate…"))
        for label, key in zip(
            self.info_labels,
            ("Name", "Fingerprint (SHA-256)", "Valid until", "Earlier certificates"),
            strict=True,
        ):
            label.setText(tr(key) + ":")
        if getattr(self, "history", None) is not None:
            self._show_history()
        self.trust_box.setTitle(tr("Trusted certificates"))
        self.trust_table.setHorizontalHeaderLabels(
            [tr("Name"), tr("Kind"), tr("Fingerprint (SHA-256)")]
        )
        self.add_button.setText(tr("Add certificate…"))
        self.remove_button.setText(tr("Remove"))
        self.close_buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        for r in range(self.trust_table.rowCount()):  # the kind column, from what the rows hold
            item = self.trust_table.item(r, 1)
            if item is not None:
                kind = item.data(Qt.ItemDataRole.UserRole + 1) or ""
                item.setText(tr(KIND_TEXT.get(kind, kind)))


def _actor() -> str:
    from . import settings

    return settings.get("inspector_name") or "inspector"
