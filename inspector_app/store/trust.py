"""The trust list: certificates whose bundles and reports this database accepts.

Certificates are parsed by ``inspector_app.crypto``; this module only stores them.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError

if TYPE_CHECKING:
    from .store import Store


@dataclass
class TrustedKey:
    fingerprint: str
    name: str
    kind: str
    public_pem: str


class TrustRepo:
    """Trusted certificates. ``kind``: ``certificate`` (an inspector), ``office`` (an office
    countersigner), ``ca`` (a certification authority: what it issues is trusted); bundle
    keys keep the kinds the bundle code gives them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.revocations = RevocationRepo(store)

    def add(self, fingerprint: str, name: str, kind: str, public_pem: str, actor: str = "") -> bool:
        """Enrol a key; returns False when it was trusted already (nothing changes)."""
        if self.get(fingerprint) is not None:
            return False
        with self.store.write(
            actor, "trust.add", "trusted_key", fingerprint, {"name": name}
        ) as seq:
            self.store.conn.execute(
                "INSERT INTO trusted_keys (fingerprint, name, kind, public_pem, added_seq) VALUES (?, ?, ?, ?, ?)",
                (fingerprint, name, kind, public_pem, seq),
            )
        return True

    def get(self, fingerprint: str) -> TrustedKey | None:
        row = self.store.conn.execute(
            "SELECT fingerprint, name, kind, public_pem FROM trusted_keys WHERE fingerprint = ?",
            (fingerprint,),
        ).fetchone()
        return None if row is None else TrustedKey(*row)

    def list(self) -> list[TrustedKey]:
        return [
            TrustedKey(*r)
            for r in self.store.conn.execute(
                "SELECT fingerprint, name, kind, public_pem FROM trusted_keys ORDER BY name, fingerprint"
            )
        ]

    def find(self, prefix: str) -> TrustedKey:
        """The one trusted key whose fingerprint starts with *prefix* (at least 8 hex digits)."""
        prefix = prefix.strip().lower()
        if len(prefix) < 8:
            raise InputError("id", "give at least the first 8 characters of the fingerprint")
        matches = [k for k in self.list() if k.fingerprint.startswith(prefix)]
        if not matches:
            raise InputError("id", f"no trusted key with fingerprint {prefix}…")
        if len(matches) > 1:
            raise InputError("id", f"{prefix} matches more than one key; give more characters")
        return matches[0]

    def remove(self, fingerprint: str, actor: str = "") -> None:
        with self.store.write(actor, "trust.remove", "trusted_key", fingerprint):
            cur = self.store.conn.execute(
                "DELETE FROM trusted_keys WHERE fingerprint = ?", (fingerprint,)
            )
            if cur.rowcount == 0:
                raise InputError("id", f"no trusted key with fingerprint {fingerprint}")


@dataclass
class RevocationRow:
    issuer_fingerprint: str
    serial: str
    revoked_at: str
    reason: str
    subject: str


class RevocationRepo:
    """Certificates revoked by an office CA, from a moment on (recorded at the office by
    ``ca revoke``, carried to laptops in office bundles)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        issuer_fingerprint: str,
        serial: str,
        revoked_at: str,
        reason: str = "",
        subject: str = "",
        actor: str = "",
    ) -> bool:
        """Record a revocation; False when it is known already (an earlier time wins: a
        revocation is never moved later)."""
        row = self.store.conn.execute(
            "SELECT revoked_at FROM revocations WHERE issuer_fingerprint = ? AND serial = ?",
            (issuer_fingerprint, serial),
        ).fetchone()
        if row is not None and row[0] <= revoked_at:
            return False
        with self.store.write(
            actor,
            "trust.revoke",
            "revocation",
            f"{issuer_fingerprint[:16]}:{serial}",
            {"revoked_at": revoked_at, "reason": reason},
        ) as seq:
            self.store.conn.execute(
                "INSERT OR REPLACE INTO revocations (issuer_fingerprint, serial, revoked_at, "
                "reason, subject, added_seq) VALUES (?, ?, ?, ?, ?, ?)",
                (issuer_fingerprint, serial, revoked_at, reason, subject, seq),
            )
        return True

    def list(self) -> list[RevocationRow]:
        return [
            RevocationRow(*r)
            for r in self.store.conn.execute(
                "SELECT issuer_fingerprint, serial, revoked_at, reason, subject FROM revocations "
                "ORDER BY revoked_at, serial"
            )
        ]

    def merge(self, rows: builtins.list[dict[str, Any]], seq: int) -> int:
        """Revocations from an office bundle, inside the import's transaction: new ones are
        added, a known one moves only to an earlier time. Returns how many changed."""
        changed = 0
        for r in rows:
            cur = self.store.conn.execute(
                "INSERT INTO revocations (issuer_fingerprint, serial, revoked_at, reason, subject,"
                " added_seq) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer_fingerprint, serial)"
                " DO UPDATE SET revoked_at = excluded.revoked_at, reason = excluded.reason,"
                " added_seq = excluded.added_seq WHERE excluded.revoked_at < revoked_at",
                (
                    r["issuer_fingerprint"],
                    r["serial"],
                    r["revoked_at"],
                    r.get("reason", ""),
                    r.get("subject", ""),
                    seq,
                ),
            )
            changed += cur.rowcount
        return changed
