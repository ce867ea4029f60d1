"""Where data lives: the database, keys and trust list, and the shipped resources.

Defaults: ``inspector.db`` in the user data directory (platformdirs); ``--db PATH`` or
``INSPECTOR_DB`` chooses another. Keys live in ``keys/`` beside the database file.
Shipped files (forms, fonts, icons) are read through :func:`resource_path`, which works
from a source tree, an installed wheel and a PyInstaller build alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "inspector-app"


def _db_target(db: str | os.PathLike) -> Path:
    """A database file's path, or, for a ``postgresql://`` URL, the office server's target
    (store/pg: it stands where the path stood; its ``parent`` is a local folder for keys)."""
    if not isinstance(db, Path) and str(db).lower().startswith("postgres"):
        from .store.pg import PostgresTarget, is_postgres_url

        if is_postgres_url(str(db)) or isinstance(db, PostgresTarget):
            return PostgresTarget(str(getattr(db, "url", db)))  # type: ignore[return-value]
    return Path(db).expanduser()


def default_db_path() -> Path:
    env = os.environ.get("INSPECTOR_DB")
    if env:
        return _db_target(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "inspector.db"


def resolve_db_path(db: str | os.PathLike | None) -> Path:
    """The database file to use. Only the default folder (the user data directory) is
    created; a ``--db`` or ``INSPECTOR_DB`` naming a folder that does not exist is refused
    when the database is opened, so a typo never silently starts an empty database."""
    if db:
        return _db_target(db)
    path = default_db_path()
    if not os.environ.get("INSPECTOR_DB"):
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


def data_paths(db: str | os.PathLike | None = None) -> dict[str, str]:
    """Where things live, for ``inspector-app --version`` and bug reports."""
    from .logs import log_dir

    path = _db_target(db) if db else default_db_path()
    return {
        "database": str(path),
        "backups": str(path.parent / "backups"),
        "keys": str(keys_dir(path)),
        "log": str(log_dir()),
    }


def keys_dir(db_path: Path) -> Path:
    return db_path.parent / "keys"


def resource_path(*parts: str) -> Path:
    """A shipped file or folder: ``resource_path("resources", "fonts", "wqy-microhei.ttc")``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen).joinpath(*parts)
    # an installed wheel keeps the data in the package's ``_data`` folder; a source tree has
    # ``forms/`` and ``resources/`` beside the package. Both are plain folders next to this
    # file, so no importlib.resources (with its zipfile machinery) on every start.
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if packaged.is_dir():
        return packaged.joinpath(*parts)
    source = here.parent
    if source.joinpath(*parts[:1]).exists():
        return source.joinpath(*parts)
    from importlib import resources  # an unusual install (a package not on the file system)

    found = resources.files("inspector_app") / "_data"
    if found.is_dir():
        return Path(str(found)).joinpath(*parts)
    return source.joinpath(*parts)
