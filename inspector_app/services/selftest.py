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

The ``qt`` and ``chart`` steps import pyqtgraph (and through it PySide6) inside the step, so
the services layer still imports no Qt at module level; they exist because a missing Qt
plugin is the commonest way a frozen build breaks.
"""

from __future__ import annotations

import os
import platform
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

ACTOR = "self-test"
# the platform plugin a desktop session needs, per OS (offscreen alone cannot show a window)
NATIVE_PLATFORM_PLUGIN = {
    "linux": "libqxcb.so",
    "win32": "qwindows.dll",
    "darwin": "libqcocoa.dylib",
}


class SelfTestError(Exception):
    """A step ran but its result was wrong; the message is one sentence."""


@dataclass
class Context:
    """What the steps share: the temporary folder and what earlier steps made."""

    folder: Path
    db_path: Path
    store: Any = None
    instrument: Any = None
    inspection: Any = None
    identity: Any = None
    pdf: bytes = b""
    extra: dict = field(default_factory=dict)


# ---- steps --------------------------------------------------------------------------------


def running_glibc() -> str | None:
    """The C library this process runs on, e.g. ``2.36``; None when it is not glibc."""
    try:
        name, _, version = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
    except (AttributeError, ValueError, OSError):
        return None
    return version if name == "glibc" and version else None


def build_info() -> dict:
    """What a frozen build recorded about itself (``build-info.json``, written by
    packaging/desktop.py); empty when running from source."""
    import json

    base = getattr(sys, "_MEIPASS", None)
    if not base:
        return {}
    try:
        return json.loads((Path(base) / "build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def step_platform(ctx: Context) -> str:
    frozen = getattr(sys, "frozen", False)
    if not sys.platform.startswith("linux"):
        return f"{platform.system()} {platform.release()} {platform.machine()}"
    running = running_glibc()
    needed = build_info().get("glibc")
    if frozen and not needed:
        raise SelfTestError("this build does not record the glibc it needs (build-info.json)")
    if needed and running is None:
        raise SelfTestError(f"this build needs glibc {needed} or newer; this system has none")
    if needed and _version_key(running or "0") < _version_key(needed):
        raise SelfTestError(
            f"this build needs glibc {needed} or newer; this system has glibc {running}"
        )
    if needed:
        return f"glibc {running}; this build needs {needed} or newer"
    return f"glibc {running or 'none'}; from source, so no build floor"


def step_database(ctx: Context) -> str:
    from ..store import open_database
    from ..store.integrity import check
    from ..store.migrations import SCHEMA_VERSION, current_version

    ctx.store = open_database(ctx.db_path)
    version = current_version(ctx.store.conn)
    if version != SCHEMA_VERSION:
        raise SelfTestError(
            f"the new database is at schema version {version}, expected {SCHEMA_VERSION}"
        )
    problems = check(ctx.store)
    if problems:
        raise SelfTestError(
            f"the integrity check found {len(problems)} problem(s), first: {problems[0]}"
        )
    return f"new database, migrations 1-{SCHEMA_VERSION} applied, integrity ok"


#: a ``postgresql://`` URL here makes the ``postgres`` step connect to that office server
POSTGRES_ENV = "INSPECTOR_SELFTEST_POSTGRES"


def step_postgres(ctx: Context) -> str:
    """psycopg and its compiled part (``psycopg_binary``: the C module and the libpq it
    ships) load; with a URL in :data:`POSTGRES_ENV`, the server answers and its database
    is one this program can use."""
    import psycopg

    impl = psycopg.pq.__impl__
    if impl not in ("binary", "c"):
        raise SelfTestError(
            f"psycopg runs on its pure-Python fallback ({impl}): its compiled part "
            "(psycopg_binary, with libpq) is missing from this installation"
        )
    libpq = psycopg.pq.version()
    detail = f"psycopg {psycopg.__version__} ({impl}), libpq {libpq // 10000}.{libpq % 10000}"
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        return detail + f"; no server checked ({POSTGRES_ENV} not set)"
    from ..store.pg import PostgresTarget, is_postgres_url
    from ..store.pg.probe import probe

    if not is_postgres_url(url):
        raise SelfTestError(f"{POSTGRES_ENV} is not a postgresql:// URL")
    shown = str(PostgresTarget(url))  # without its password
    result = probe(url, timeout=10)
    if not result.ok:
        raise SelfTestError(
            f"the office server {shown} cannot be used ({result.kind}"
            + (f": {result.detail}" if result.detail else "")
            + ")"
        )
    schema = f"schema {result.version}" if result.version else "an empty database"
    return detail + f"; connected to {shown}, {schema}"


def step_resources(ctx: Context) -> str:
    from ..domain.forms import forms_dir, load_form
    from ..domain.rules import family_names
    from ..paths import resource_path

    families = family_names()
    if not families:
        raise SelfTestError(
            "the rules engine registered no instrument family (rules modules not found)"
        )
    for family in families:
        load_form(family)  # FormError names the file and key
    for parts in (
        ("resources", "fonts", "wqy-microhei.ttc"),
        ("resources", "icons", "inspector-app.png"),
    ):
        path = resource_path(*parts)
        if not path.is_file() or path.stat().st_size == 0:
            raise SelfTestError(f"the shipped file {'/'.join(parts)} is missing (looked at {path})")
    return f"{len(families)} families with forms ({forms_dir()}), font and icon present"


SCALE = {"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g", "accuracy_class": "III"}
SCALE_TESTS = [
    {
        "kind": "weighing",
        "zero": {"load": "0", "indication": "0", "added": "2"},
        "points": [
            {"load": "100", "indication": "100", "added": "2.5"},
            {"load": "2500", "indication": "2505", "added": "4"},
        ],
    },
]
# what JJG 539-2016 gives for those readings: (label, error, MPE, verdict)
SCALE_EXPECTED = [("100 g", "-0.5", "2.5", "pass"), ("2500 g", "3", "2.5", "fail")]


def step_rules(ctx: Context) -> str:
    from ..domain.rules import evaluate

    result = evaluate(
        {
            "family": "scale",
            "ruleset": "JJG 539-2016",
            "check": "subsequent",
            "instrument": SCALE,
            "tests": SCALE_TESTS,
        }
    )
    got = [
        (i["label"], i["error"], i["mpe"], i["verdict"])
        for t in result["tests"]
        for i in t["items"]
    ]
    want = [(label, Decimal(e), Decimal(m), v) for label, e, m, v in SCALE_EXPECTED]
    if [(label, Decimal(e), Decimal(m), v) for label, e, m, v in got] != want or result[
        "verdict"
    ] != "fail":
        raise SelfTestError(f"the rules engine judged a known scale reading wrongly: {got}")
    return "scale JJG 539-2016: 100 g error -0.5 g pass, 2500 g error 3 g > MPE 2.5 g fail"


def step_record(ctx: Context) -> str:
    from ..domain.credit_code import make_credit_code
    from ..domain.models import Inspection, Instrument, Premises, new_id
    from .inspections import save_and_evaluate

    store = ctx.store
    premises = store.premises.save(
        Premises(
            new_id(),
            "market_stall",
            "自检示例摊位 (self-test)",
            make_credit_code("92340100MA2TX8K5J"),
            "安徽省合肥市示例路1号",
            "合肥市",
        ),
        ACTOR,
    )
    metrology = {k: v for k, v in SCALE.items() if k != "accuracy_class"}
    ctx.instrument = store.instruments.save(
        Instrument(
            new_id(),
            premises.id,
            "scale",
            "示例衡器厂",
            "ST-15",
            "SELFTEST-1",
            "",
            "III",
            metrology,
        ),
        ACTOR,
    )
    tests = [
        {
            "kind": "weighing",
            "zero": {"load": "0", "indication": "0", "added": "2.5"},
            "points": [
                {"load": "100", "indication": "100", "added": "2.5"},
                {"load": "5000", "indication": "5005", "added": "5"},
                {"load": "15000", "indication": "15000", "added": "2"},
            ],
        }
    ]
    draft = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=ctx.instrument.id,
        premises_id=premises.id,
        family="scale",
        check="subsequent",
        ruleset="JJG 539-2016",
        inspector="自检 Self Test",
        started_at="2026-01-15T09:30",
        place="自检 self-test",
        tests=tests,
    )
    saved = save_and_evaluate(store, draft, ACTOR)
    if saved.verdict != "pass":
        raise SelfTestError(
            f"the demo inspection should pass but was judged {saved.verdict!r}: {saved.result}"
        )
    ctx.inspection = store.inspections.finalize(saved.id, ACTOR)
    if not ctx.inspection.content_hash:
        raise SelfTestError("the finalized inspection has no content hash")
    return f"inspection {ctx.inspection.id[:8]} evaluated (pass) and finalized"


def _headless_default() -> None:
    """Qt aborts the process without a display: fall back to the offscreen platform."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith(("linux", "freebsd", "openbsd")) and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def step_qt(ctx: Context) -> str:
    _headless_default()
    import pyqtgraph as pg
    from pyqtgraph.Qt import QtCore, QtGui

    app = pg.mkQApp()
    ctx.extra["qapp"] = app
    name = QtGui.QGuiApplication.platformName()
    wanted = next(
        (f for key, f in NATIVE_PLATFORM_PLUGIN.items() if sys.platform.startswith(key)), None
    )
    if wanted:
        dirs = [Path(p) / "platforms" for p in QtCore.QCoreApplication.libraryPaths()]
        if not any((d / wanted).is_file() for d in dirs):
            looked = ", ".join(str(d) for d in dirs) or "no plugin folder"
            raise SelfTestError(
                f"the Qt platform plugin {wanted} is missing (looked in {looked}); "
                "the window could not open on a desktop"
            )
    return f"Qt {QtCore.qVersion()} on the {name!r} platform, {wanted or 'native'} plugin present"


def step_chart(ctx: Context) -> str:
    import pyqtgraph as pg
    import pyqtgraph.exporters

    from ..domain.rules import mpe_envelope

    if "qapp" not in ctx.extra:
        step_qt(ctx)
    items = [i for t in ctx.inspection.result["tests"] for i in t["items"] if "load" in i]
    loads = [Decimal(i["load"]) for i in items]
    envelope = mpe_envelope(
        "scale",
        ctx.inspection.ruleset,
        ctx.inspection.check,
        SCALE,
        [Decimal(x) for x in range(0, 15001, 250)],
    )
    plot = pg.PlotWidget(background="w")
    plot.resize(600, 360)
    plot.plot(
        [float(x) for x, _ in envelope],
        [float(m) for _, m in envelope],
        pen=pg.mkPen("#d97a00", width=2),
    )
    plot.plot(
        [float(x) for x, _ in envelope],
        [-float(m) for _, m in envelope],
        pen=pg.mkPen("#d97a00", width=2),
    )
    plot.plot(
        [float(x) for x in loads],
        [float(i["error"]) for i in items],
        pen=None,
        symbol="o",
        symbolBrush="#1b8a3c",
        symbolSize=10,
    )
    exporter = pyqtgraph.exporters.ImageExporter(plot.getPlotItem())
    exporter.parameters()["width"] = 600
    out = ctx.folder / "chart.png"
    exporter.export(str(out))
    data = out.read_bytes() if out.is_file() else b""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SelfTestError("the chart was not written as a PNG image")
    from pyqtgraph.Qt import QtGui

    image = QtGui.QImage(str(out))
    drawn = sum(
        1
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
        if image.pixelColor(x, y).name() != "#ffffff"
    )
    plot.close()
    plot.deleteLater()
    if image.isNull() or drawn < 50:
        raise SelfTestError(
            f"the chart image is blank ({image.width()}x{image.height()}, {drawn} drawn samples)"
        )
    return f"{image.width()}x{image.height()} PNG, {len(data) // 1024} kB, {len(items)} points and the ±MPE envelope"


def step_print(ctx: Context) -> str:
    from reportlab.graphics import renderPDF

    from ..reports.inspection_charts import inspection_chart
    from ..reports.fonts import register_fonts

    font = register_fonts()
    drawing = inspection_chart(ctx.inspection, ctx.instrument, "zh", font, 480, 240)
    if drawing is None or not drawing.contents:
        raise SelfTestError("the report chart has nothing to draw for the demo inspection")
    pdf = renderPDF.drawToString(drawing)
    if not pdf.startswith(b"%PDF-"):
        raise SelfTestError("the report chart did not render to PDF")
    return f"vector chart with {len(drawing.contents)} parts, {len(pdf) // 1024} kB PDF"


def step_identity(ctx: Context) -> str:
    from ..crypto.keys import init_identity
    from ..paths import keys_dir

    passphrase = secrets.token_hex(16).encode("ascii")
    ctx.identity = init_identity(keys_dir(ctx.db_path), "自检 Self Test", passphrase)
    return f"P-256 key, self-signed certificate {ctx.identity.fingerprint[:16]}"


def step_report(ctx: Context) -> str:
    from .reports import make_report

    ctx.pdf = make_report(ctx.store, ctx.inspection.id, "zh", identity=ctx.identity)
    if not ctx.pdf.startswith(b"%PDF-") or b"/ByteRange" not in ctx.pdf:
        raise SelfTestError("the report is not a signed PDF")
    (ctx.folder / "report.pdf").write_bytes(ctx.pdf)
    return f"signed PDF, {len(ctx.pdf) // 1024} kB"


def step_verify(ctx: Context) -> str:
    from .verify import verify_report

    result = verify_report(ctx.pdf, ctx.store, ctx.db_path)
    if result.status != "VALID" or result.record_check != "matches":
        raise SelfTestError(
            f"the signed report verified as {result.status} (record {result.record_check}): "
            f"{result.reason}"
        )
    tampered = bytearray(ctx.pdf)
    at = ctx.pdf.index(b"/ByteRange")
    at = ctx.pdf.index(b"BT", at) if b"BT" in ctx.pdf[at:] else len(ctx.pdf) // 3
    tampered[at] ^= 0x01
    bad = verify_report(bytes(tampered), ctx.store, ctx.db_path)
    if bad.status == "VALID":
        raise SelfTestError("a report with one changed byte still verified as VALID")
    return f"VALID, signer {result.signer}, record hash matches; a changed byte gives {bad.status}"


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
