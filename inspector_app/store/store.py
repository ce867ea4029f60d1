"""The Store: repositories over one SQLite connection.

Every write goes through :meth:`Store.write`, which opens one ``BEGIN IMMEDIATE``
transaction, assigns a local change sequence number (ordering never depends on the clock)
and appends the audit entry in the same transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .db import transaction

if TYPE_CHECKING:
    from .attachments import AttachmentRepo
    from .inspections import InspectionRepo
    from .records import InstrumentRepo, PremisesRepo, StandardRepo
    from .sync import SyncRepo
    from .trust import TrustRepo


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        conn.row_factory = sqlite3.Row
        self.conn = conn
        self.path = path
        # "sqlite" (a file) or "postgresql" (the office server: store/pg).
        self.engine: str = getattr(conn, "engine", "sqlite")
        self._db: Any = None
        self._device_id: str | None = None

    # -- repositories: made on first use, so opening a database (every start of the
    # program) imports and builds only what the first screen reads -----------------------
    @cached_property
    def premises(self) -> PremisesRepo:
        from .records import PremisesRepo

        return PremisesRepo(self)

    @cached_property
    def instruments(self) -> InstrumentRepo:
        from .records import InstrumentRepo

        return InstrumentRepo(self)

    @cached_property
    def standards(self) -> StandardRepo:
        from .records import StandardRepo

        return StandardRepo(self)

    @cached_property
    def attachments(self) -> AttachmentRepo:
        from .attachments import AttachmentRepo

        return AttachmentRepo(self)

    @cached_property
    def inspections(self) -> InspectionRepo:
        from .inspections import InspectionRepo

        return InspectionRepo(self)

    @cached_property
    def trust(self) -> TrustRepo:
        from .trust import TrustRepo

        return TrustRepo(self)

    @cached_property
    def sync(self) -> SyncRepo:
        from .sync import SyncRepo

        return SyncRepo(self)

    @property
    def db(self) -> Any:
        """sqlite-utils over the same connection, for introspection and convenience reads
        (writes use :meth:`write`). Imported on first use: sqlite-utils pulls in numpy when
        it is installed, about a second of the program's start-up."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    # -- housekeeping -------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM local_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Set a local setting (call inside a write)."""
        self.conn.execute(
            "INSERT INTO local_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def device_id(self) -> str:
        """This database's device id, made once on first use and never recomputed."""
        if self._device_id is None:
            value = self.meta("device_id")
            if value is None:
                with transaction(self.conn):
                    value = self.meta("device_id")
                    if value is None:
                        from ..domain.models import new_id

                        value = new_id()
                        self.set_meta("device_id", value)
            self._device_id = value
        return self._device_id

    def next_change_seq(self) -> int:
        """The next local change number (call inside a write)."""
        value = int(self.meta("change_seq") or "0") + 1
        self.set_meta("change_seq", str(value))
        return value

    @contextlib.contextmanager
    def write(
        self,
        actor: str,
        action: str,
        entity: str = "",
        entity_id: str = "",
        detail: dict[str, Any] | None = None,
    ) -> Iterator[int]:
        """One atomic write with its audit entry; yields the change sequence number."""
        from . import audit  # (hashing and JSON: loaded with the first write, not at open)

        device = self.device_id
        with transaction(self.conn):
            seq = self.next_change_seq()
            yield seq
            audit.append(self.conn, device, actor, action, entity, entity_id, detail)

    def audit_entries(self, limit: int = 100) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM audit ORDER BY seq DESC LIMIT ?", (limit,)
        ).fetchall()

    def audit_head(self) -> tuple[int, str]:
        from . import audit

        return audit.head(self.conn)

    def fingerprint(self) -> str:
        """A hash of every row of every table: equal before and after a rejected import."""
        import hashlib

        h = hashlib.sha256()
        tables = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        for t in tables:
            h.update(t.encode())
            # Sorted in Python: WITHOUT ROWID and virtual tables have no rowid to order by.
            for text in sorted(
                repr(tuple(row)) for row in self.conn.execute(f'SELECT * FROM "{t}"')
            ):
                h.update(text.encode())
        return h.hexdigest()
