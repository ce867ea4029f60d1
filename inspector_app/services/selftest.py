"""``inspector-app --self-test``: prove that this installation (a source tree, a wheel or the
frozen PyInstaller build) has every piece it needs, headless, in a few seconds.

Each step runs the real code path on throwaway data in a temporary folder (the user's
database, keys and settings are never touched) and prints one line with its timing::

    self-test: inspector-app 0.1.0 (frozen, linux, Python 3.11.7)
      ok  database     42 ms  new database, migrations 1-2 applied, integrity ok
      ...
    self-test passed: 9 steps in 1.9 s

The first failing step stops the run: one line on standard error names it and the cause,
and the exit status is 1. Steps (``STEPS``, in order):

platform   the OS; on Linux the running glibc against the one the frozen build needs
database   open a temporary database (runs every migration), integrity check
postgres   psycopg's compiled part (with its libpq) loads; with a ``postgresql://`` URL in
           ``INSPECTOR_SELFTEST_POSTGRES``, that office server answers and its database fits
resources  every form file loads and validates; the CJK font and the icon are present
rules      the rules engine judges a known scale reading (pass and fail, exact errors)
record     a demo premises, instrument and inspection saved, evaluated and finalized
qt         Qt starts (offscreen when there is no display) and the native platform plugin ships
chart      pyqtgraph renders an error chart to a PNG image (ImageExporter)
print      the report's vector error chart (reportlab) draws into a PDF
identity   a throwaway signing identity (P-256 key, self-signed certificate)
report     the inspection report PDF is built and PAdES-signed
verify     the signed PDF verifies as VALID against the database record
bundle     a signed bundle of those records is exported and imported into a fresh database
           (writer, msgspec, signature, reader and every check of the import)

The ``qt`` and ``chart`` steps import pyqtgraph (and through it PySide6) inside the step, so
the services layer still imports no Qt at module level; they exist because a missing Qt
plugin is the commonest way a frozen build breaks.

The runner and the step list are here; the steps are in :mod:`.selftest_steps` (platform to
record) and :mod:`.selftest_output` (qt to bundle).
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .selftest_output import (
    step_bundle,
    step_chart,
    step_identity,
    step_print,
    step_qt,
    step_report,
    step_verify,
)
from .selftest_steps import (
    Context,
    SelfTestError,
    step_database,
    step_platform,
    step_postgres,
    step_record,
    step_resources,
    step_rules,
)

# ---- steps --------------------------------------------------------------------------------


Step = Callable[[Context], str]
STEPS: list[tuple[str, Step]] = [
    ("platform", step_platform),
    ("database", step_database),
    ("postgres", step_postgres),
    ("resources", step_resources),
    ("rules", step_rules),
    ("record", step_record),
    ("qt", step_qt),
    ("chart", step_chart),
    ("print", step_print),
    ("identity", step_identity),
    ("report", step_report),
    ("verify", step_verify),
    ("bundle", step_bundle),
]


# ---- runner -------------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or "no message"
    path = getattr(exc, "path", "")
    if path:
        text = f"{path}: {text}"
    text = " ".join(text.split())
    if len(text) > 400:
        text = text[:397] + "..."
    return text if isinstance(exc, SelfTestError) else f"{type(exc).__name__}: {text}"


def header() -> str:
    from .. import __version__

    kind = "frozen" if getattr(sys, "frozen", False) else "source"
    return (
        f"self-test: inspector-app {__version__} ({kind}, {sys.platform}, "
        f"Python {platform.python_version()})"
    )


def run_self_test(
    out: TextIO | None = None,
    err: TextIO | None = None,
    steps: list[tuple[str, Step]] | None = None,
) -> int:
    """Run every step; 0 when all pass, 1 (and one line naming the step) at the first failure."""
    out = out or sys.stdout
    err = err or sys.stderr
    steps = STEPS if steps is None else steps
    width = max(len(name) for name, _ in steps)
    print(header(), file=out, flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="inspector-selftest-") as tmp:
        ctx = Context(folder=Path(tmp), db_path=Path(tmp) / "selftest.db")
        try:
            for name, func in steps:
                t0 = time.perf_counter()
                try:
                    detail = func(ctx)
                except BaseException as exc:  # noqa: BLE001 - the point is to name any failure
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    ms = (time.perf_counter() - t0) * 1000
                    print(f"  FAIL {name:<{width}} {ms:6.0f} ms", file=out, flush=True)
                    print(
                        f"self-test FAILED at step {name!r}: {_one_line(exc)}", file=err, flush=True
                    )
                    return 1
                ms = (time.perf_counter() - t0) * 1000
                print(f"  ok   {name:<{width}} {ms:6.0f} ms  {detail}", file=out, flush=True)
        finally:
            if ctx.store is not None:
                ctx.store.close()
    total = time.perf_counter() - started
    print(f"self-test passed: {len(steps)} steps in {total:.1f} s", file=out, flush=True)
    return 0
