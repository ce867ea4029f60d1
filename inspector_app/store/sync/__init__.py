"""All SQL of sync bundles: export selection, merge writes, the ledger, acknowledgements,
conflicts, tombstones, known record versions and the audit chains of other devices.

Reads may run anywhere; every write method must be called inside ``store.write(...)`` (one
``BEGIN IMMEDIATE`` transaction), which the sync service opens for the whole import.
Get the repository with :func:`sync_repo(store)`. One module per kind of record:
:mod:`.inspections` (with attachments), :mod:`.records` (premises, instruments, standards,
tombstones), :mod:`.ledger` (bundles, devices, acknowledgements, audit chains),
:mod:`.conflicts` and :mod:`.reviews` (reviews and assignments); :class:`SyncRepo` is
them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import BATCH, ENTITY_TABLES
from .conflicts import ConflictRow, ConflictRows
from .inspections import InspectionRows
from .ledger import LedgerRow, LedgerRows
from .records import RecordRows
from .reviews import ReviewRows

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["BATCH", "ENTITY_TABLES", "ConflictRow", "LedgerRow", "SyncRepo", "sync_repo"]


class SyncRepo(InspectionRows, RecordRows, LedgerRows, ConflictRows, ReviewRows):
    """Every read and write of sync bundles on one store."""


def sync_repo(store: Store) -> SyncRepo:
    """The store's sync repository (``store.sync``)."""
    return store.sync
