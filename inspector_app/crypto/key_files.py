"""The key folder's files on disk: written atomically and private to their owner (mode 0600,
also when an older file was there), a private key file that others can read made private
with a warning, and an encrypted key's PKCS #8 envelope checked for damage (so that a key
whose envelope parses and will not open means a wrong passphrase, not a damaged file).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)  # O_CREAT's mode does not apply to a file left over from before
    os.replace(tmp, path)


def key_file_warning(path: Path) -> str | None:
    """Others can read the key file: say so and make it private (mode 0600)."""
    if os.name == "nt":
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return None
    try:
        os.chmod(path, 0o600)
        fixed = "its permissions were set to owner-only (0600)"
    except OSError:
        fixed = "its permissions could not be changed; make it readable by you only"
    return f"the private key file {path} could be read by other users ({oct(mode)}); {fixed}"


def encrypted_envelope_intact(data: bytes) -> bool:
    """Whether *data* is a well-formed PEM ``ENCRYPTED PRIVATE KEY`` (PKCS #8
    EncryptedPrivateKeyInfo: algorithm, parameters and ciphertext all parse), whatever the
    ciphertext decrypts to."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import pem

    try:
        _kind, _headers, der = pem.unarmor(data)
        info = asn1_keys.EncryptedPrivateKeyInfo.load(der, strict=True)
        info.native  # noqa: B018 - parse every field now
        return bool(info["encrypted_data"].native)
    except Exception:  # noqa: BLE001 - any parse failure: the file itself is damaged
        return False
