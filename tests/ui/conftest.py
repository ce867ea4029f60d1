"""The window's tests run with Python's garbage collector only in the test's (the window's)
thread, as the window runs (``ui.gui_gc``): automatic collection off during each test, one
full collection after it. Otherwise a reader thread may free a Qt object of an earlier
test's window and stop both threads for good."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True)
def collect_in_the_window_thread():
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()
