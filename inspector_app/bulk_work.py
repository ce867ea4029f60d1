"""No cyclic garbage collection while bulk work holds hundreds of thousands of young objects.

A bundle's import builds its records (dicts and lists, no cycles among them) and keeps
them until its merge is written. The cyclic collector would walk all of them again and
again and could free none: a third of the import's time when it runs on its own, and in
the window, whose thread collects the generations that are due once a second
(``ui.gui_gc``), 0.3 s of collections during a 10,000-inspection import, each one holding
the window still. :func:`quiet` turns automatic collection off for the block, and the
window's collector asks :func:`in_progress` and waits.

Blocks may overlap (two imports in two threads): collection is back, as it was before the
first of them, when the last one ends. The block must let go of its objects before it ends,
or the first collection afterwards walks every one of them, all still young.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


def in_progress() -> bool:
    """Whether some bulk work is running in any thread (then nothing should collect)."""
    return _depth > 0


@contextmanager
def quiet() -> Iterator[None]:
    """Run the block with automatic collection off (see the module's text)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
