"""Attachments (photos, drawn signatures), content-addressed by SHA-256 and stored once."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from ..domain.errors import InputError

if TYPE_CHECKING:
    from .store import Store

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_MIME = {"image/png", "image/jpeg", "image/webp"}


def sniff_mime(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class AttachmentRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, data: bytes, actor: str = "") -> str:
        """Store *data* once; returns its SHA-256. Only PNG, JPEG and WebP images are kept."""
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise InputError(
                "attachment", f"is too large ({len(data)} bytes, at most {MAX_ATTACHMENT_BYTES})"
            )
        mime = sniff_mime(data)
        if mime is None:
            raise InputError("attachment", "is not a PNG, JPEG or WebP image")
        sha = hashlib.sha256(data).hexdigest()
        conn = self.store.conn
        if conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)).fetchone():
            return sha
        with self.store.write(actor, "attachment.add", "attachment", sha, {"size": len(data)}):
            conn.execute(
                "INSERT OR IGNORE INTO attachments (sha256, size, mime, data) VALUES (?, ?, ?, ?)",
                (sha, len(data), mime, data),
            )
        return sha

    def get(self, sha: str) -> bytes | None:
        row = self.store.conn.execute(
            "SELECT data FROM attachments WHERE sha256 = ?", (sha,)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def mime(self, sha: str) -> str | None:
        row = self.store.conn.execute(
            "SELECT mime FROM attachments WHERE sha256 = ?", (sha,)
        ).fetchone()
        return None if row is None else row[0]

    def verify(self) -> list[str]:
        """SHA-256 of every stored attachment that no longer matches its content."""
        bad = []
        for sha, data in self.store.conn.execute("SELECT sha256, data FROM attachments"):
            if hashlib.sha256(bytes(data)).hexdigest() != sha:
                bad.append(sha)
        return bad
