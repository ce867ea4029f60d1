"""The office database chosen in Settings, without widgets (the window reads it at start-up,
before any Settings box exists): its URL, kept in the settings file without a password, and
the libpq password file beside the settings that ``PGPASSFILE`` points at. The Settings box
that edits them is :mod:`.office_db`."""

from __future__ import annotations

import os
from pathlib import Path

SETTING = "office_db"


def passfile_path() -> Path:
    from . import settings

    return settings.settings_path().parent / "pgpass"


def use_passfile() -> None:
    """Point libpq at the program's password file (a PGPASSFILE already set wins)."""
    path = passfile_path()
    if not os.environ.get("PGPASSFILE") and path.exists():
        os.environ["PGPASSFILE"] = str(path)


def office_url() -> str:
    """The office database URL chosen in Settings ("" for the laptop's file)."""
    from . import settings

    return str(settings.qsettings().value(f"settings/{SETTING}", "") or "").strip()


def save_office_url(url: str) -> None:
    from . import settings

    s = settings.qsettings()
    s.setValue(f"settings/{SETTING}", url.strip())
    s.sync()
