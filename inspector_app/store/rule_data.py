"""Rule data versions kept in the database (table ``rule_data_versions``, append-only) and
the one function that makes the newest of them the active rule data of this process.

Signing and checking signatures is the services' business (``services.rule_data``); here
rows are stored, listed and installed into :mod:`inspector_app.domain.rules.ruledata`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, cast

from ..domain.rules import ruledata
from .signed_versions import insert_row, select_rows

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class RuleDataRow:
    version: str
    base: str
    values_json: str  # canonical JSON of the whole version (ruledata.to_json)
    created_by: str
    created_at: str  # ISO 8601, UTC
    reason: str
    signature: str  # v1:<certificate SHA-256>:<base64>
    signer_cert: str  # PEM
    source: str = "local"  # local | bundle
    audit_seq: int = 0
    seq: int = 0

    @property
    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = json.loads(self.values_json)
        return values

    def bundle_record(self) -> dict[str, Any]:
        """The form an office bundle carries (records/rule_data.jsonl)."""
        d = asdict(self)
        for k in ("source", "audit_seq", "seq", "values_json"):
            d.pop(k)
        d["values"] = self.values
        return d


def canonical(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


TABLE = "rule_data_versions"


def list_versions(conn: sqlite3.Connection) -> list[RuleDataRow]:
    """Every stored version, oldest first (the last one is the newest)."""
    return select_rows(conn, TABLE, RuleDataRow)


def get_version(conn: sqlite3.Connection, version: str) -> RuleDataRow | None:
    rows = select_rows(conn, TABLE, RuleDataRow, "version = ?", (version,))
    return rows[0] if rows else None


def newest(conn: sqlite3.Connection) -> RuleDataRow | None:
    rows = list_versions(conn)
    return rows[-1] if rows else None


def insert_version(conn: sqlite3.Connection, row: RuleDataRow, audit_seq: int) -> None:
    """Add a version (inside the caller's audited write)."""
    insert_row(conn, TABLE, row, audit_seq)


# -- the active rule data of this process ------------------------------------------------
_LOADED: set[str] = set()  # versions this module installed (the domain may hold others)


def load_installed(store_or_conn: Store | sqlite3.Connection) -> str:
    """Install every rule data version stored in the database and make the newest the
    active one; versions installed from another database before are forgotten. Returns the
    active version. Called when a database is opened and after a version is added."""
    # (a Store, or a connection of either engine: the office server's stands in for sqlite3's)
    conn = cast("sqlite3.Connection", getattr(store_or_conn, "conn", store_or_conn))
    try:
        rows = list_versions(conn)
    except sqlite3.Error:  # an old schema opened without migrating: built-in data only
        rows = []
    return _install_rows(rows)


def load_from_path(path: str | os.PathLike[str]) -> str:
    """:func:`load_installed` for a command that does not otherwise open the database
    (``evaluate``, ``rules list``): read-only, nothing created, migrated or locked; a
    missing or unreadable file leaves the built-in data active."""
    from pathlib import Path

    rows: list[RuleDataRow] = []
    from .pg import is_postgres_url

    if is_postgres_url(path):  # the office database on a server: read its versions there
        from .pg import open_postgres

        try:
            store = open_postgres(path, migrate=False)
        except Exception:  # noqa: BLE001 - unreachable: the built-in data, as for a missing file
            return _install_rows(rows)
        try:
            return _install_rows(list_versions(store.conn))
        finally:
            store.close()
    p = Path(path)
    if p.is_file():
        try:
            conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                rows = list_versions(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            rows = []
    return _install_rows(rows)


def _install_rows(rows: list[RuleDataRow]) -> str:
    was_loaded = ruledata.active().version in _LOADED
    for version in list(_LOADED):
        ruledata.uninstall(version)
    _LOADED.clear()
    for row in rows:
        try:
            data = ruledata.parse(row.values, "rule_data")
        except Exception:  # a version this program cannot read any more stays unused
            continue
        ruledata.install(data, activate=False)
        _LOADED.add(data.version)
    if rows and rows[-1].version in _LOADED:
        ruledata.install(ruledata.get(rows[-1].version))  # type: ignore[arg-type]
    elif was_loaded:
        ruledata.uninstall(ruledata.active().version)
    return ruledata.active().version
