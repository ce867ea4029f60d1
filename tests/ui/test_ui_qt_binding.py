"""Guard against a Qt binding that loses references to None/True (PySide6 6.12.0 on
Python 3.11): the interpreter aborts after a few thousand signal emissions or void calls."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    ping = Signal()


def test_signal_emit_keeps_references_to_true(qapp):
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.ping.emit()
    assert sys.getrefcount(True) >= before - 5


def test_void_calls_keep_references_to_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 5


def test_python_import_is_back_and_no_module_asks_for_a_pyside_feature():
    """``inspector_app.ui`` puts Python's own ``__import__`` back in place of PySide's (which
    reads the source of every module imported after Qt, for ``from __feature__ import ...``):
    right only while no module of the program asks for such a feature."""
    import subprocess
    import sys
    from pathlib import Path

    import inspector_app

    # in a fresh process, as the program starts (the test session has imported Qt in other
    # orders already): after the window's package, then the widgets, the hook is gone
    probe = (
        "import builtins, inspector_app.ui, PySide6.QtWidgets;"
        "print(builtins.__import__.__name__, builtins.__import__ is builtins.__orig_import__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] != "__feature_import__" and out[1] == "True", out
    root = Path(inspector_app.__file__).parent
    asking = [p for p in root.rglob("*.py") if "__feature__" in p.read_text(encoding="utf-8")]
    assert asking == [root / "ui" / "__init__.py"]  # (only the sentence explaining this)
