"""The inspection editor's signing: when this computer has a signing identity (Tools → Keys
and trust), finalize signs the content hash with it. The passphrase is asked once per
session (:meth:`Signing.ask_passphrase`); the signature is ``base64(DER ECDSA-SHA256 over the
hash's UTF-8 bytes)`` and the signer the certificate's SHA-256 fingerprint. A wrong
passphrase, or an identity that cannot be used, leaves the record a draft with one sentence
saying why; a record is never finalized unsigned when an identity exists."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from ...domain.errors import InputError
from ...i18n import current_language, tr
from .base import EditorBase

# keys folder -> unlocked Identity: the passphrase is asked once per session
_UNLOCKED: dict[str, Any] = {}


def forget_unlocked_identities() -> None:
    _UNLOCKED.clear()


class Signing(EditorBase):
    _unlocked: Any

    def _keys_dir(self) -> Path:
        from ...paths import keys_dir

        return keys_dir(Path(self.store.path))

    def _has_identity(self) -> bool:
        from ...crypto.keys import has_identity

        return has_identity(self._keys_dir())

    def ask_passphrase(self, message: str = "") -> bytes | None:
        """The signing key's passphrase from a password prompt; None when cancelled (tests replace this)."""
        label = (message + "\n" if message else "") + tr(
            "Passphrase of your signing key (asked once per session):"
        )
        text, ok = QInputDialog.getText(
            self, tr("Sign the record"), label, QLineEdit.EchoMode.Password
        )
        return text.encode("utf-8") if ok else None

    def unlock_identity(self) -> bool:
        """Unlock the identity (asked once per session); a clear message when it fails."""
        from ...crypto.keys import KeyError_, load_identity

        key = str(self._keys_dir())
        identity = _UNLOCKED.get(key)
        if identity is None:
            passphrase = self.ask_passphrase()
            if passphrase is None:
                self.last_error = tr("Finalizing was cancelled; the record stays a draft.")
                self.statusBar().showMessage(self.last_error)
                return False
            try:
                identity = load_identity(self._keys_dir(), passphrase)
            except KeyError_ as exc:
                wrong = "passphrase" in str(exc)
                self.last_error = (
                    tr("The passphrase is wrong; the record stays a draft.")
                    if wrong
                    else tr("Could not finalize: {message}").format(message=str(exc))
                )
                self.statusBar().showMessage(self.last_error)
                self.show_error(tr("Sign the record"), self.last_error)
                return False
            _UNLOCKED[key] = identity
        self._unlocked = identity
        return True

    def identity_usable(self) -> bool:
        """Before finalizing: the signing identity's files are checked. When an identity
        exists but cannot be used (key or certificate missing, damaged, unencrypted,
        expired), the record stays a draft with one sentence saying why and how to fix it,
        and the Keys and trust dialog is offered; it is never finalized unsigned."""
        from ...crypto.keys import KeyUnavailable, check_identity_files

        try:
            present = check_identity_files(self._keys_dir())
        except KeyUnavailable as exc:
            self.last_error = tr(
                "The record stays a draft: {message}. Fix the signing identity in "
                "Tools → Keys and trust…, then finalize again."
            ).format(message=_key_problem(exc))
            self.statusBar().showMessage(self.last_error)
            if self.offer_keys_dialog(self.last_error):
                self.open_keys_dialog()
            return False
        if present and self.signer is None:
            self.signer = self.sign_with_identity  # an identity made after the editor opened
        return True

    def offer_keys_dialog(self, message: str) -> bool:
        """Say why the record cannot be finalized; True when the user asks for the Keys and
        trust dialog (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("Sign the record"))
        box.setText(message)
        keys = box.addButton(tr("Keys and trust…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setDefaultButton(keys)
        box.exec()
        return box.clickedButton() is keys

    def open_keys_dialog(self) -> None:
        """Tools → Keys and trust… (tests replace this)."""
        from ..keys_dialog import KeysDialog

        KeysDialog(self.store, self).exec()

    def show_error(self, title: str, message: str) -> None:
        """A modal warning (tests replace this)."""
        QMessageBox.warning(self, title, message)

    def sign_with_identity(self, content_hash: str) -> tuple[str, str]:
        """The store's finalize calls this with the content hash: (base64 signature, fingerprint)."""
        identity = self._unlocked or _UNLOCKED.get(str(self._keys_dir()))
        if identity is None:
            raise InputError("inspection.signature", "the signing key is locked")
        signature = base64.b64encode(identity.sign(content_hash.encode("utf-8"))).decode("ascii")
        return signature, identity.fingerprint


def _key_problem(exc: Exception) -> str:
    """Why the signing identity cannot be used: the full sentence (with the file) in English,
    the kind of problem in the window's language otherwise."""
    text = str(exc).rstrip(".")
    if current_language() == "en":
        return text
    if "no signing identity" in text:
        return tr("the certificate file is missing")
    if "private key file" in text:
        if "missing" in text:
            return tr("the private key file is missing")
        if "not encrypted" in text:
            return tr("the private key file is not encrypted")
        if "cannot be read" in text:
            return tr("the private key file cannot be read")
        return tr("the private key file is damaged")
    if "certificate file" in text:
        if "cannot be read" in text:
            return tr("the certificate file cannot be read")
        return tr("the certificate file is damaged")
    if "nothing can be signed" in text:
        return tr("the certificate has expired or is not valid yet")
    return text
