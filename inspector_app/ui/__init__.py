"""The desktop window (PySide6). Holds no business logic: buttons call services, tables
show item models, long work runs in :mod:`inspector_app.ui.workers`.

Entry point: :func:`inspector_app.ui.app.run_gui` (``inspector-app`` without a sub-command).
Import PySide6-heavy modules lazily from here.

One thing is done here, before any window module loads: PySide6 replaces Python's
``__import__`` with its own, which serves ``from __feature__ import snake_case`` (a
PySide option this program never uses) and, for that, reads the source of every module
imported after Qt to see whether it mentions PySide6 — about a hundred files on the way to
the window's first paint. Python's own import, which PySide keeps as
``builtins.__orig_import__``, is put back. (``tests/ui/test_ui_qt_binding.py`` checks that
no module asks for a ``__feature__``.)
"""

import builtins

import PySide6.QtCore  # noqa: F401 - PySide's import hook is installed with QtCore

_python_import = getattr(builtins, "__orig_import__", None)
# (by name: PySide 6.10 keeps two distinct function objects for the hook)
if _python_import is not None and getattr(builtins.__import__, "__name__", "") == (
    "__feature_import__"
):
    builtins.__import__ = _python_import
