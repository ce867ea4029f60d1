"""Form versions kept in the database (table ``form_versions``, append-only) and the one
function that installs them as the published forms of this process.

Signing and checking signatures is the services' business (``services.forms``); here rows
are stored, listed and installed into :mod:`inspector_app.domain.forms`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, cast

from ..domain import forms
from .signed_versions import insert_row, select_rows

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class FormRow:
    family: str
    version: str
    hash: str  # SHA-256 of the TOML text (domain.forms.form_hash)
    toml: str  # the whole form as the office published it
    created_by: str
    created_at: str  # ISO 8601, UTC
    reason: str
    signature: str  # v1:<certificate SHA-256>:<base64>
    signer_cert: str  # PEM
    source: str = "local"  # local | bundle
    audit_seq: int = 0
    seq: int = 0

    def bundle_record(self) -> dict[str, Any]:
        """The form an office bundle carries (records/forms.jsonl)."""
        d = asdict(self)
        for k in ("source", "audit_seq", "seq"):
            d.pop(k)
        return d


TABLE = "form_versions"


def list_versions(conn: sqlite3.Connection, family: str | None = None) -> list[FormRow]:
    """Every stored version (of *family*), oldest first."""
    if family is None:
        return select_rows(conn, TABLE, FormRow)
    return select_rows(conn, TABLE, FormRow, "family = ?", (family,))


def get_version(conn: sqlite3.Connection, family: str, version: str) -> FormRow | None:
    rows = select_rows(conn, TABLE, FormRow, "family = ? AND version = ?", (family, version))
    return rows[0] if rows else None


def insert_version(conn: sqlite3.Connection, row: FormRow, audit_seq: int) -> None:
    """Add a version (inside the caller's audited write)."""
    insert_row(conn, TABLE, row, audit_seq)


def load_installed(store_or_conn: Store | sqlite3.Connection) -> dict[str, str]:
    """Install every form version stored in the database as this process's published forms
    (the newest of a family is the one new drafts use); returns family → newest version.
    A version this program cannot read any more stays unused."""
    # (a Store, or a connection of either engine: the office server's stands in for sqlite3's)
    conn = cast("sqlite3.Connection", getattr(store_or_conn, "conn", store_or_conn))
    try:
        rows = list_versions(conn)
    except sqlite3.Error:  # an old schema opened without migrating: the built-in forms
        rows = []
    installed = []
    for row in rows:
        try:
            installed.append(
                forms.parse_form_text(row.family, row.toml.encode("utf-8"), row.version)
            )
        except (forms.FormError, ValueError):
            continue
    forms.install_published(installed)
    return {f.family: f.version for f in installed}
