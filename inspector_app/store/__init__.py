"""The local SQLite store: the only package that contains SQL.

``open_database(path)`` returns a :class:`Store`; repositories hang off it
(``store.premises``, ``store.instruments``, ``store.inspections``, ...).
"""

from .db import DatabaseTooNewError, StoreError
from .opening import open_database
from .store import Store

__all__ = ["DatabaseTooNewError", "Store", "StoreError", "open_database"]
