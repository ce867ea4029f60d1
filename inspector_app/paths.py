"""Where data lives: the database, keys and trust list, and the shipped resources.

Defaults: ``inspector.db`` in the user data directory (platformdirs); ``--db PATH`` or
``INSPECTOR_DB`` chooses another. Keys live in ``keys/`` beside the database file.
Shipped files (forms, fonts, icons) are read through :func:`resource_path`, which works
from a source tree, an installed wheel and a PyInstaller build alike.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

APP_NAME = "inspector-app"


def default_db_path() -> Path:
    env = os.environ.get("INSPECTOR_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "inspector.db"


def resolve_db_path(db: str | os.PathLike | None) -> Path:
    path = Path(db).expanduser() if db else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def keys_dir(db_path: Path) -> Path:
    return db_path.parent / "keys"


def resource_path(*parts: str) -> Path:
    """A shipped file or folder: ``resource_path("resources", "fonts", "wqy-microhei.ttc")``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen).joinpath(*parts)
    packaged = resources.files("inspector_app") / "_data"
    if packaged.is_dir():
        return Path(str(packaged)).joinpath(*parts)
    return Path(__file__).resolve().parent.parent.joinpath(*parts)
