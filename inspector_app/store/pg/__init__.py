"""The office database on PostgreSQL: the same Store contract as the laptop's SQLite file.

A database named by a ``postgresql://`` (or ``postgres://``) URL instead of a path is opened
here. :class:`~.connection.PgConnection` offers the part of the ``sqlite3`` connection API
the store uses (``execute``/``executemany``, rows addressable by name and index,
``in_transaction``, the same exception classes) over psycopg 3, and maps each distinct SQL
text once to PostgreSQL (``?`` placeholders, ``INSERT OR IGNORE``/``OR REPLACE``,
``group_concat``, ``json_extract``, ``rowid``, the few ``PRAGMA``\\ s). The translation is
cached per SQL text and only ever runs on this engine: the laptop's SQLite path never sees
it. The schema comes from the same numbered migrations (see :mod:`.migrations`), so both
engines have one schema version.

Concurrency: a write (``Store.write``, i.e. ``BEGIN IMMEDIATE`` on SQLite) takes a
transaction-scoped advisory lock, so office writes are serialized exactly where SQLite
serialized them and the audit chain stays one chain whatever the number of writers; reads
never wait.

For other modules: ``store.engine`` is ``"sqlite"`` or ``"postgresql"``;
:func:`is_postgres_url` tells a URL from a path; :class:`PostgresTarget` is what
``paths.resolve_db_path`` returns for a URL (it stands where a ``Path`` stood: ``.parent``
is a local folder for keys and backups, ``str()`` hides the password).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Store

_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


# The local stand-in path of each target this process made (see PostgresTarget.__fspath__)
# -> its URL, so that ``Path(target)`` handed back to open_database still opens the server.
_STAND_INS: dict[str, str] = {}


def is_postgres_url(value: object) -> bool:
    """Whether *value* (a str, Path or target) names a PostgreSQL database."""
    if isinstance(value, PostgresTarget):
        return True
    if isinstance(value, str) and _URL.match(value):
        return True
    return bool(_STAND_INS) and isinstance(value, str | Path) and str(value) in _STAND_INS


def url_of(value: object) -> str:
    """The URL a target, URL or stand-in path names."""
    if isinstance(value, PostgresTarget):
        return value.url
    return _STAND_INS.get(str(value), str(value))


def _mask(url: str) -> str:
    """The URL with its password, if any, replaced by ``***``."""
    return re.sub(r"^(\w+://[^:/@]+:)[^@]*@", r"\1***@", url)


class PostgresTarget:
    """A PostgreSQL database where the program expected a database file's ``Path``.

    ``parent`` is a local folder for what lives beside a database file (keys, the CA,
    backups): ``office/<host-port-dbname>`` under the user data directory, so two offices'
    keys never mix. Nothing here ever opens a file named after the URL."""

    def __init__(self, url: str) -> None:
        self.url = url_of(url)

    def __fspath__(self) -> str:
        """A local stand-in path (``<parent>/office.postgresql``, never created), so code
        that does ``Path(store.path)`` finds the keys folder beside it; handed back to
        ``open_database`` it opens this server again, never a file of that name."""
        stand_in = str(self.parent / "office.postgresql")
        _STAND_INS[stand_in] = self.url
        return stand_in

    # -- what a Path offered ----------------------------------------------------------
    def __str__(self) -> str:
        return _mask(self.url)

    def __repr__(self) -> str:
        return f"PostgresTarget({_mask(self.url)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PostgresTarget) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def expanduser(self) -> PostgresTarget:
        return self

    def absolute(self) -> PostgresTarget:
        return self

    def resolve(self) -> PostgresTarget:
        return self

    def exists(self) -> bool:
        return True

    def is_file(self) -> bool:
        return False

    @property
    def name(self) -> str:
        return self.dbname

    @property
    def dbname(self) -> str:
        import psycopg.conninfo

        try:
            return str(psycopg.conninfo.conninfo_to_dict(self.url).get("dbname") or "postgres")
        except Exception:  # noqa: BLE001 - a malformed URL is refused when it is opened
            return "postgres"

    @property
    def parent(self) -> Path:
        import platformdirs

        from ...paths import APP_NAME

        base = os.environ.get("INSPECTOR_OFFICE_DIR")
        if base:
            return Path(base).expanduser()
        import hashlib  # (here: this package is read at every start, an office or not)

        tag = hashlib.sha256(_strip_password(self.url).encode()).hexdigest()[:12]
        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        folder = root / "office" / f"{self.dbname}-{tag}"
        folder.mkdir(parents=True, exist_ok=True)  # a database file's folder always exists
        return folder


def _strip_password(url: str) -> str:
    return re.sub(r"^(\w+://[^:/@]+):[^@]*@", r"\1@", url)


def open_postgres(target: str | os.PathLike[str], *, migrate: bool = True) -> Store:
    """Connect to the database *target* names (a URL or :class:`PostgresTarget`), bring
    its schema up to date, and return a Store over it."""
    import sqlite3

    from ..db import StoreError
    from ..store import Store
    from .connection import PgConnection
    from .migrations import migrate as run_migrations

    target = PostgresTarget(url_of(target))

    try:
        conn = PgConnection(target.url)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot connect to the office database {target} ({exc})") from None
    try:
        if migrate:
            run_migrations(conn, str(target))
    except BaseException:
        conn.close()
        raise
    return Store(conn, target)  # type: ignore[arg-type]
