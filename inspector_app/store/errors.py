"""The storage errors: each message is one sentence for the user. At the bottom of the store:
imports nothing of the program.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """The database cannot be used as asked; the message is one sentence for the user."""


class DatabaseTooNewError(StoreError):
    pass


class DatabaseDamagedError(StoreError):
    """The file fails SQLite's own check: nothing was written; a backup is offered."""

    def __init__(self, message: str, path: Path, detail: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.detail = detail


class DiskFullError(StoreError):
    pass
