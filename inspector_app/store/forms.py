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

if TYPE_CHECKING:
    from .store import Store

COLUMNS = (
    "family",
    "version",
    "hash",
    "toml",
    "created_by",
    "created_at",
    "reason",
    "signature",
    "signer_cert",
    "source",
    "audit_seq",
)


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


def _has_table(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'form_versions'"
        ).fetchone()
        is not None
    )


def list_versions(conn: sqlite3.Connection, family: str | None = None) -> list[FormRow]:
    """Every stored version (of *family*), oldest first."""
    if not _has_table(conn):
        return []
    sql = f"SELECT {', '.join(COLUMNS)}, seq FROM form_versions"
    args: tuple[Any, ...] = ()
    if family is not None:
        sql += " WHERE family = ?"
        args = (family,)
    return [FormRow(*r) for r in conn.execute(sql + " ORDER BY seq", args)]


def get_version(conn: sqlite3.Connection, family: str, version: str) -> FormRow | None:
    if not _has_table(conn):
        return None
    r = conn.execute(
        f"SELECT {', '.join(COLUMNS)}, seq FROM form_versions WHERE family = ? AND version = ?",
        (family, version),
    ).fetchone()
    return None if r is None else FormRow(*r)


def insert_version(conn: sqlite3.Connection, row: FormRow, audit_seq: int) -> None:
    """Add a version (inside the caller's audited write)."""
    values = [getattr(row, c) for c in COLUMNS[:-1]] + [audit_seq]
    conn.execute(
        f"INSERT INTO form_versions ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(COLUMNS))})",
        values,
    )


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
