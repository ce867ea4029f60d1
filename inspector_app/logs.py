"""A log a user can send: one rotating file in the user's log directory.

What is written: errors (with their traceback), imports, exports, migrations, backups and
restores, with record and bundle ids and counts, never names, addresses, readings or
passphrases. Native crashes (a segfault in a library) are written by :mod:`faulthandler`
to ``crash.log`` in the same folder.

``setup()`` is called once by the window and by the command line; before that (and in the
tests) :func:`log_event` writes nothing.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import logging
import os
import sys
import threading
from pathlib import Path

from .paths import APP_NAME

LOG_NAME = "inspector.log"
CRASH_NAME = "crash.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5

logger = logging.getLogger("inspector_app")
logger.propagate = False
logger.addHandler(logging.NullHandler())
_state: dict = {}


class RotatingLog(logging.FileHandler):
    """The log file, kept under *max_bytes*: when a line would reach it, the file becomes
    ``inspector.log.1`` (the older ones move up to ``.{backups}``, the oldest is dropped) and
    a new file starts. What ``logging.handlers.RotatingFileHandler`` does, without importing
    ``logging.handlers`` (sockets, pickle and queues the window's start-up never needs).
    ``emit`` runs under the handler's lock (``Handler.handle``)."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
        except Exception:  # noqa: BLE001 - a log that cannot rotate still logs
            self.handleError(record)
        super().emit(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        line = f"{self.format(record)}{self.terminator}"
        self.stream.seek(0, os.SEEK_END)
        return self.stream.tell() + len(line.encode("utf-8")) >= self.max_bytes

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for i in range(self.backups - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        if os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


def log_dir() -> Path:
    env = os.environ.get("INSPECTOR_LOG_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_NAME


def setup(kind: str = "cli", *, announce: bool = True) -> Path | None:
    """Send the log to the rotating file and native crashes to ``crash.log``; returns the
    log file (None if the folder cannot be written: the program still runs). The start line
    with the program's version is written now, or with *announce* false by :func:`log_start`
    (the window writes it after its first paint: reading the version costs the start-up)."""
    if _state.get("file"):
        return _state["file"]
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingLog(folder / LOG_NAME, MAX_BYTES, BACKUP_COUNT)
    except OSError:
        return None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        crash = open(folder / CRASH_NAME, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        _state["faulthandler_was_enabled"] = faulthandler.is_enabled()
        faulthandler.enable(file=crash, all_threads=True)
        _state["crash"] = crash
    except OSError:
        pass
    _state["file"] = folder / LOG_NAME
    _state["handler"] = handler
    if announce:
        log_start(kind)
    return _state["file"]


def log_start(kind: str) -> None:
    """The start line: which program, its version, the platform (once per setup)."""
    if not _state.get("file") or _state.get("announced"):
        return
    _state["announced"] = True
    from . import __version__

    logger.info("start %s %s (%s)", kind, __version__, sys.platform)


def shutdown() -> None:
    """Undo :func:`setup` (for tests)."""
    handler = _state.pop("handler", None)
    if handler is not None:
        logger.removeHandler(handler)
        handler.close()
    crash = _state.pop("crash", None)
    if crash is not None:
        faulthandler.disable()
        crash.close()
        if _state.pop("faulthandler_was_enabled", False):  # e.g. under pytest
            with contextlib.suppress(Exception):
                if sys.__stderr__ is not None:
                    faulthandler.enable(file=sys.__stderr__, all_threads=True)
    _state.pop("file", None)
    _state.pop("announced", None)


def log_event(event: str, **fields) -> None:
    """One line: the event and its fields (ids, counts, file names of our own backups)."""
    logger.info("%s %s", event, json.dumps(fields, ensure_ascii=False, default=str))


def log_exception(where: str, exc: BaseException) -> None:
    logger.error("uncaught exception in %s", where, exc_info=(type(exc), exc, exc.__traceback__))


def details(exc_type, exc, tb) -> str:
    """The text a user can copy: versions and the traceback."""
    import traceback

    return (
        "\n".join(f"{k}: {v}" for k, v in versions().items())
        + "\n\n"
        + "".join(traceback.format_exception(exc_type, exc, tb))
    )


def install_excepthooks(show=None) -> None:
    """Log every uncaught exception, in any thread; call *show(text)* as well if given
    (the window passes a function that shows a dialog)."""

    def hook(exc_type, exc, tb):
        logger.error("uncaught exception", exc_info=(exc_type, exc, tb))
        if show is not None and not issubclass(exc_type, KeyboardInterrupt):
            try:
                show(details(exc_type, exc, tb))
                return
            except Exception:  # noqa: BLE001 - never fail inside the hook
                pass
        sys.__excepthook__(exc_type, exc, tb)

    def thread_hook(args):
        if args.exc_type is SystemExit:
            return
        logger.error(
            "uncaught exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
        if show is not None:
            try:
                show(details(args.exc_type, args.exc_value, args.exc_traceback))
                return
            except Exception:  # noqa: BLE001
                pass
        threading.__excepthook__(args)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def versions() -> dict[str, str]:
    """Program, Python, Qt and SQLite versions (Qt without starting it)."""
    import platform
    import sqlite3

    from . import __version__

    try:
        import PySide6
        from PySide6 import QtCore

        qt = f"{QtCore.qVersion()} (PySide6 {PySide6.__version__})"
    except Exception:  # noqa: BLE001 - Qt missing or broken must not stop --version
        qt = "not available"
    return {
        "Inspector": __version__,
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "Qt": qt,
        "SQLite": sqlite3.sqlite_version,
        "System": platform.platform(),
    }
