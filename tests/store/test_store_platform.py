"""Windows behaviour, simulated on Linux: network paths, the language guess, the locks."""

from __future__ import annotations

import locale
from pathlib import Path

import pytest

from inspector_app import i18n
from inspector_app.store import filesystems, locks, open_database
from inspector_app.store.db import StoreError


@pytest.fixture
def windows(monkeypatch):
    """Windows as seen by the store: drive types from a table instead of GetDriveTypeW."""
    drives = {"C:\\": 3, "D:\\": 2, "Z:\\": filesystems.DRIVE_REMOTE}
    monkeypatch.setattr(filesystems, "_on_windows", lambda: True)
    monkeypatch.setattr(filesystems, "_drive_type", lambda root: drives.get(root.upper(), 0))
    return drives


@pytest.mark.parametrize(
    "path, reason",
    [
        ("\\\\server\\share\\inspector.db", "a network share"),
        ("//server/share/inspector.db", "a network share"),
        ("\\\\?\\UNC\\server\\share\\inspector.db", "a network share"),
        ("Z:\\inspector\\inspector.db", "a mapped network drive"),
        ("z:/inspector.db", "a mapped network drive"),
        ("C:\\Users\\wang\\inspector.db", None),
        ("\\\\?\\C:\\Users\\wang\\inspector.db", None),
        ("D:\\inspector.db", None),  # a USB stick is a local disk
    ],
)
def test_windows_network_paths_are_recognised(windows, path, reason):
    assert filesystems.network_reason(Path(path)) == reason


def test_opening_a_database_on_a_share_is_refused_in_one_sentence(windows):
    with pytest.raises(StoreError) as info:
        open_database("\\\\server\\share\\inspector.db")
    message = str(info.value)
    assert "a network share" in message and "local disk" in message and "\n" not in message


def test_linux_network_mounts_are_still_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(filesystems, "_filesystem_type", lambda p: "cifs")
    with pytest.raises(StoreError, match="network file system"):
        open_database(tmp_path / "inspector.db")


@pytest.mark.parametrize(
    "name, lang",
    [
        ("Chinese (Simplified)_China", "zh"),
        ("Chinese (Traditional)_Taiwan", "zh"),
        ("Chinese_China", "zh"),
        ("zh_CN.UTF-8", "zh"),
        ("zh-Hans-CN", "zh"),
        ("English_United States", "en"),
        ("en_US", "en"),
        ("", "en"),
        ("C", "en"),
    ],
)
def test_locale_names_of_every_system(name, lang):
    assert i18n.language_from_locale_name(name) == lang


@pytest.fixture
def no_locale_env(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    yield
    i18n.use_system_locale(None)


def test_the_window_s_locale_source_decides(no_locale_env, monkeypatch):
    monkeypatch.setattr(locale, "getlocale", lambda: ("English_United States", "1252"))
    i18n.use_system_locale(lambda: "zh_CN")
    assert i18n.system_language() == "zh"
    i18n.use_system_locale(lambda: "en_GB")
    assert i18n.system_language() == "en"


def test_windows_without_qt_reads_python_s_windows_locale_name(no_locale_env, monkeypatch):
    monkeypatch.setattr(locale, "getlocale", lambda: ("Chinese (Simplified)_China", "936"))
    monkeypatch.setattr(i18n, "_windows_locale_name", lambda: "")
    assert i18n.system_language() == "zh"


def test_windows_user_locale_from_the_system_call(no_locale_env, monkeypatch):
    monkeypatch.setattr(locale, "getlocale", lambda: (None, None))
    monkeypatch.setattr(i18n.os, "name", "nt")
    monkeypatch.setattr(i18n, "_windows_locale_name", lambda: "zh-CN")
    assert i18n.system_language() == "zh"


def test_the_locks_come_from_a_cross_platform_library(db_path):
    """Presence, writer and migration locks are portalocker locks on files beside the
    database (flock on POSIX, LockFileEx on Windows)."""
    import portalocker

    store = open_database(db_path)
    try:
        guard = store.conn._guard
        assert guard.presence.held == "shared"
        other = locks.FileLock(guard.presence.path)
        assert not other.try_acquire(True)  # someone is present: nobody may fold the log
        assert other.try_acquire(False)
        other.close()
        with guard.writing():
            probe = open(guard.writer.path, "a+b")  # noqa: SIM115
            try:
                with pytest.raises(portalocker.exceptions.LockException):
                    portalocker.lock(
                        probe, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
                    )
            finally:
                probe.close()
    finally:
        store.close()
