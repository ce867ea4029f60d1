"""The log file rotates itself (``logs.RotatingLog``): what logging's rotating handler did,
without importing ``logging.handlers`` on the window's start-up."""

from __future__ import annotations

import logging

from inspector_app import logs


def _record(text: str) -> logging.LogRecord:
    return logging.LogRecord("inspector_app", logging.INFO, __file__, 1, text, None, None)


def test_the_log_rotates_at_its_size_and_keeps_its_backups(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    path = folder / "inspector.log"
    handler = logs.RotatingLog(path, max_bytes=200, backups=2)
    try:
        for i in range(12):  # 12 lines of 50 bytes: 3 lines a file
            handler.handle(_record(f"{i:02d} " + "x" * 46))
    finally:
        handler.close()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["inspector.log", "inspector.log.1", "inspector.log.2"]  # the oldest gone
    for p in folder.iterdir():
        assert p.stat().st_size < 200
    newest = path.read_text(encoding="utf-8").splitlines()
    previous = (folder / "inspector.log.1").read_text(encoding="utf-8").splitlines()
    assert [line[:2] for line in newest] == ["09", "10", "11"]
    assert [line[:2] for line in previous] == ["06", "07", "08"]


def test_a_line_in_chinese_is_counted_in_bytes(tmp_path):
    path = tmp_path / "inspector.log"
    handler = logs.RotatingLog(path, max_bytes=100, backups=1)
    try:
        handler.handle(_record("计量" * 10))  # 60 bytes in UTF-8, 20 characters
        handler.handle(_record("计量" * 10))  # 120 bytes together: a new file
    finally:
        handler.close()
    assert (tmp_path / "inspector.log.1").read_text(encoding="utf-8") == "计量" * 10 + "\n"
    assert path.read_text(encoding="utf-8") == "计量" * 10 + "\n"
