"""The self-test's steps that draw, print, sign and send (see :mod:`.selftest`): Qt starts
and its native platform plugin ships, pyqtgraph renders the error chart, reportlab draws the
report's vector chart, a throwaway identity signs the inspection report and the signed PDF
verifies against the record, and a signed bundle of the records is imported into a fresh
database. Qt and pyqtgraph are imported inside the steps only.
"""

from __future__ import annotations

import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path

from .selftest_steps import ACTOR, NATIVE_PLATFORM_PLUGIN, SCALE, Context, SelfTestError


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

    from ..reports.fonts import register_fonts
    from ..reports.inspection_charts import inspection_chart

    font = register_fonts()
    drawing = inspection_chart(ctx.inspection, ctx.instrument, "zh", font, 480, 240)
    if drawing is None or not drawing.contents:
        raise SelfTestError("the report chart has nothing to draw for the demo inspection")
    pdf: bytes = renderPDF.drawToString(drawing)  # type: ignore[assignment]  # bytes; the stubs say str
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


def step_bundle(ctx: Context) -> str:
    """A signed field bundle of the self-test's records (the bundle writer, msgspec's JSON
    lines, the signature) is imported into a fresh database that trusts its signer (the
    reader, every check of the import, the merge): the inspection arrives with its hash.
    ISA-L, which inflates a large bundle's records, inflates a deflate stream."""
    import zlib

    from ..store import open_database
    from ..sync.entries import fast_zlib
    from .sync import export_bundle, import_bundle

    # the records' inflater (ISA-L) ships and inflates what zlib deflated
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    sample = b'{"id":"selftest"}\n' * 1000
    inflater = fast_zlib.decompressobj(-15)
    if fast_zlib is zlib or inflater.decompress(packer.compress(sample) + packer.flush()) != sample:
        raise SelfTestError(
            "ISA-L (the isal package) is missing or does not inflate a deflate stream"
        )
    path = ctx.folder / "selftest-bundle.zip"
    sent = export_bundle(ctx.store, ctx.identity, path, actor=ACTOR)
    office = open_database(ctx.folder / "office.db")
    try:
        who = ctx.identity
        office.trust.add(who.fingerprint, who.name, "inspector", who.certificate_pem().decode())
        report = import_bundle(office, path, actor=ACTOR, backup=False)
        if report.status != "imported":
            raise SelfTestError(
                f"the self-test's bundle was {report.status} by a fresh database: "
                + report.as_dict()["message"]
            )
        got = office.inspections.get(ctx.inspection.id)
        if got is None or got.content_hash != ctx.inspection.content_hash:
            raise SelfTestError("the imported inspection differs from the one exported")
    finally:
        office.close()
    return (
        f"signed bundle {sent.bundle_id[:8]}, {sent.size // 1024} kB, imported into a fresh "
        f"database: {report.new} records new, the inspection's hash matches"
    )
