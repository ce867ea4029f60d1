"""A setting set to what it already reads as (its value, or its default when unset) leaves the
settings file alone (the window confirms the database's role at every start); a changed one
is written at once."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from inspector_app.ui import settings


def _on_disk(name: str):
    return QSettings(str(settings.settings_path()), QSettings.Format.IniFormat).value(
        f"settings/{name}"
    )


def test_an_unchanged_value_is_not_written_again_and_a_new_one_is(qapp):
    settings.save_geometry("page", 1)  # the file exists
    path = settings.settings_path()
    before = path.stat().st_mtime_ns, path.stat().st_ino
    settings.set_value("role", "inspector")  # unset: the default, what get() reads already
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    assert _on_disk("role") is None and settings.get("role") == "inspector"
    settings.set_value("role", "supervisor")
    assert _on_disk("role") == "supervisor"
    before = path.stat().st_mtime_ns, path.stat().st_ino
    settings.set_value("role", "supervisor")
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before  # not rewritten
    settings.set_value("role", "inspector")
    assert _on_disk("role") == "inspector"
    assert settings.get("role") == "inspector"
    settings.set_value("page_size", "250")  # kept as what get() reads: an int
    settings.set_value("page_size", 250)
    assert settings.get("page_size") == 250 and int(_on_disk("page_size")) == 250
