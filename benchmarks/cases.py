"""Benchmark cases, each run in a fresh subprocess by ``benchmarks/run.py``:
``python -m benchmarks.cases NAME JSON-ARGS`` prints one JSON line ``RESULT {...}``.

Every case measures the program's own code path and, where the issue names one, a bare
baseline the same way in the same run, so the ratio is what counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

T0 = time.perf_counter()  # as early as possible: start-up is measured from the parent anyway


def emit(result: dict) -> None:
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- 1 and 6: start-up to the first paint, peak memory ------------------------------------------


def _paint_watch(widget):
    """An event filter on the window *widget* noticing its first paint (a window is painted
    as a whole: it gets the paint event with its children's). On the window alone: an
    application-wide filter would put a Python call in front of every event of a big window
    and weigh on it more than on a bare one."""
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        painted = False

        def eventFilter(self, obj, event):  # noqa: N802 - Qt name
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watch = Watch(widget)
    widget.installEventFilter(watch)
    return watch


def _wait(app, cond, timeout: float = 120.0) -> bool:
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def case_window_bare(args: dict) -> None:
    """A bare QMainWindow with a QTableView (1,000 x 9 cells) at the size the program's
    window first opens at, shown until first painted."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([sys.argv[0]])
    win = QMainWindow()
    view = QTableView(win)
    model = QStandardItemModel(1000, 9, view)
    view.setModel(model)
    win.setCentralWidget(view)
    win.resize(1280, 760)
    watch = _paint_watch(win)
    win.show()
    _wait(app, lambda: watch.painted)
    painted = time.perf_counter() - T0
    painted_cpu = time.process_time()
    print("PAINTED", flush=True)
    if args.get("scroll"):
        view.scrollToBottom()
        app.processEvents()
    emit({"painted_in_process_s": painted, "painted_cpu_s": painted_cpu, "peak_rss_mb": rss_mb()})


def case_window_app(args: dict) -> None:
    """The program's main window on the 100k database, started as ``inspector-app`` starts
    it (``ui.app.run_gui``: log, language, damage check, office mode, everything before
    the first paint and what follows it); the event loop is replaced by one that notes the
    first paint, waits for the first page of rows and its count, and closes the window."""
    from PySide6.QtWidgets import QApplication

    from inspector_app.ui import app as app_module
    from inspector_app.ui import first_paint, settings
    from inspector_app.ui.main_window import PAGES, MainWindow

    page = args.get("page", "inspections")
    out: dict = {}
    watch: list = []
    program_after_first_paint = first_paint.after_first_paint

    def watched(window, work, *a, **k):  # run_gui calls it right after showing the window
        if isinstance(window, MainWindow) and not watch:
            watch.append(_paint_watch(window))
        return program_after_first_paint(window, work, *a, **k)

    first_paint.after_first_paint = watched

    def timed_loop(app) -> int:
        win = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        _wait(app, lambda: watch[0].painted)
        out["painted_in_process_s"] = time.perf_counter() - T0
        out["painted_cpu_s"] = time.process_time()
        out["window_size"] = [win.width(), win.height()]
        print("PAINTED", flush=True)
        # the page shown last (the home folder of this run says so: case_prepare_home)
        assert win.current_page_key() == page, win.current_page_key()
        model = win.inspections_page.model
        _wait(app, lambda: model.loaded_once)
        out["first_page_in_process_s"] = time.perf_counter() - T0
        _wait(app, lambda: not model.counting)  # the exact count follows the first page
        out["rows"] = model.total
        if args.get("scroll"):
            table = win.inspections_page.table
            last_page = (model.total - 1) // model.page_size
            t = time.perf_counter()
            table.scrollToBottom()
            _wait(app, lambda: last_page in model.loaded_pages(), timeout=300)
            out["scroll_to_end_s"] = time.perf_counter() - t
            # and back through the table in page steps, as a user holding Page Up would
            bar = table.verticalScrollBar()
            steps = 0
            while bar.value() > 0 and steps < args.get("page_ups", 50):
                bar.setValue(max(0, bar.value() - bar.pageStep()))
                app.processEvents()
                steps += 1
            app.processEvents()
            out["pages_cached"] = len(model.loaded_pages())
        out["peak_rss_mb"] = rss_mb()
        win.close()
        return 0

    _app = app_module.make_application([sys.argv[0]])  # (kept: run_gui reuses it)
    if settings.load_geometry("page") is None:  # a home folder case_prepare_home did not set
        settings.save_geometry("page", [k for k, _t, _i in PAGES].index(page))
    app_module._exec = timed_loop
    # A database without a role asks the first-start questions (modal) after the first paint:
    # a measurement answers none of them.
    app_module._first_questions = lambda *_a: out.setdefault("first_start_questions", True)
    status = app_module.run_gui(args["db"])
    if status != 0 or "rows" not in out:
        raise SystemExit(f"the window did not start (exit {status})")
    emit(out)


def case_prepare_home(args: dict) -> None:
    """Writes the settings file of a fresh home folder as a user's earlier session left it:
    the page shown last (the timed start-up then reads it, as every later start does)."""
    from PySide6.QtCore import QCoreApplication

    from inspector_app.ui import settings
    from inspector_app.ui.main_window import PAGES

    QCoreApplication([sys.argv[0]])
    QCoreApplication.setOrganizationName(settings.ORG_NAME)
    QCoreApplication.setApplicationName(settings.APP_NAME)
    page = args.get("page", "inspections")
    settings.save_geometry("page", [k for k, _t, _i in PAGES].index(page))
    emit({"settings": str(settings.settings_path())})


# ---- 2: search as you type --------------------------------------------------------------------

QUERIES = ["王伟", "合肥市蜀", "宝岛眼镜", "ACS-", "s201", "tm-1", "蔬菜"]


def case_search(args: dict) -> None:
    """Each query typed one character at a time; every keystroke runs what the window's
    table model runs (``ui.models.inspections``): the first page with its review markers,
    which is what the user waits for (``ms``), then the exact count in the background
    (``count_ms``, not waited for). A single Latin letter is searched only after 400 ms of
    quiet (``deferred``); it is measured as if the user had paused."""
    from inspector_app.store import open_database
    from inspector_app.store.inspections import InspectionFilter
    from inspector_app.ui.models.inspections import count_query, first_page_query, search_delay_ms

    store = open_database(Path(args["db"]))
    page = args.get("page", 100)
    store.inspections.count()  # the window has counted once before anyone types
    out = []
    for q in args.get("queries", QUERIES):
        for n in range(1, min(len(q), 4) + 1):
            f = InspectionFilter(search=q[:n])
            t = time.perf_counter()
            rows, _reviews = first_page_query(store, f, "started_at", True, page)
            first_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            total = count_query(store, f) if len(rows) == page else len(rows)
            count_ms = (time.perf_counter() - t) * 1000
            out.append(
                {
                    "query": q[:n],
                    "ms": first_ms,
                    "count_ms": count_ms,
                    "total": total,
                    "rows": len(rows),
                    "deferred": search_delay_ms(q[:n]) > 0,
                }
            )
    store.close()
    emit({"keystrokes": out})


ONE_LETTER = ["王", "张", "合", "宝", "A", "s", "t", "1"]


def case_year(args: dict) -> None:
    """A province's year on the 100k database (its inspections, visits and sweep rows):
    the exact count of one-letter searches (what the window counts after the first page),
    the dashboard (its figures, cases and attention tiles, as the page asks the reader for
    them) and the office statistics page (the year, its last three months, the year in two
    cities), each call timed on its own, *reps* times."""
    import datetime as dt

    from inspector_app.services import stats
    from inspector_app.services.goods_stats import goods_statistics
    from inspector_app.services.office_stats import StatsFilter, cities, office_statistics
    from inspector_app.store import open_database
    from inspector_app.store.inspections import InspectionFilter
    from inspector_app.ui.dashboard import _attention, _case_figures
    from inspector_app.ui.models.inspections import count_query

    store = open_database(Path(args["db"]))
    reps = args.get("reps", 5)
    first, last = store.conn.execute(
        "SELECT min(substr(started_at, 1, 10)), max(substr(started_at, 1, 10)) FROM inspections"
    ).fetchone()
    last_day = dt.date.fromisoformat(last)
    counts = {
        "visits": store.conn.execute("SELECT count(*) FROM visits").fetchone()[0],
        "inspections": store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0],
    }
    with contextlib.suppress(Exception):
        counts["sweep_rows"] = store.conn.execute("SELECT count(*) FROM visit_rows").fetchone()[0]
    year = StatsFilter(date_from=first, date_to=last)
    months = sorted(
        {
            r[0]
            for r in store.conn.execute("SELECT DISTINCT substr(started_at, 1, 7) FROM inspections")
        }
    )
    city_names = cities(store)

    def month_filter(m: str) -> StatsFilter:
        y, mo = int(m[:4]), int(m[5:])
        nxt = dt.date(y + mo // 12, mo % 12 + 1, 1)
        return StatsFilter(date_from=f"{m}-01", date_to=(nxt - dt.timedelta(days=1)).isoformat())

    calls = {
        "count_one_letter": [
            (q, lambda q=q: count_query(store, InspectionFilter(search=q))) for q in ONE_LETTER
        ],
        "dashboard": [
            ("figures", lambda: stats.dashboard(store, today=last_day)),
            ("cases", lambda: _case_figures(store)),
            ("attention", lambda: _attention(store)),
        ],
        "statistics": [("year", lambda: office_statistics(store, year))]
        + [(m, lambda m=m: office_statistics(store, month_filter(m))) for m in months[-3:]]
        + [
            (c, lambda c=c: office_statistics(store, StatsFilter(first, last, city=c)))
            for c in city_names[:2]
        ]
        + [
            ("goods year", lambda: goods_statistics(store, year)),
            ("cities", lambda: cities(store)),
        ],
    }
    out = {"counts": counts, "months": len(months)}
    for group, items in calls.items():
        first_ms = {}
        for label, fn in items:  # once each first: the page cache as a user meets it
            t = time.perf_counter()
            fn()  # (also what a process judges once: a sealed record's failed questions)
            first_ms[label] = round((time.perf_counter() - t) * 1000, 1)
        times = []
        slowest = []
        for _ in range(reps):
            for label, fn in items:
                t = time.perf_counter()
                fn()
                ms = (time.perf_counter() - t) * 1000
                times.append(ms)
                slowest.append((ms, label))
        out[group] = {
            "first_ms": first_ms,
            "ms": times,
            "slowest": [
                {"what": label, "ms": round(ms, 1)} for ms, label in sorted(slowest)[-3:][::-1]
            ],
        }
    store.close()
    emit(out)


# ---- 3: demo data -----------------------------------------------------------------------------


def case_demo(args: dict) -> None:
    from inspector_app.services import demo
    from inspector_app.services.demo import generate
    from inspector_app.store import open_database

    if args.get("photo") == "camera":
        # the demo's small stand-in PNGs replaced by camera-size JPEGs (benchmarks/photos.py);
        # a set this small is generated in this process, where the replacement applies
        from benchmarks.photos import camera_photos

        assert args["inspections"] < demo.PARALLEL_FROM
        demo.tiny_png = camera_photos(args["seed"])

    path = Path(args["db"])
    store = open_database(path)
    t = time.perf_counter()
    counts = generate(
        store,
        premises=args["premises"],
        inspections=args["inspections"],
        seed=args["seed"],
        photos=args.get("photos", 0),
    )
    seconds = time.perf_counter() - t
    store.close()
    emit({"seconds": seconds, "counts": counts, "per_s": counts["inspections"] / seconds})


# ---- 4: bundles -------------------------------------------------------------------------------

BUNDLE_TABLES = (  # what a field bundle of all inspections carries
    "premises",
    "instruments",
    "inspections",
    "inspection_tests",
    "readings",
    "findings",
    "attachments",
    "inspection_attachments",
    "visits",
    "sweep_rows",
    "campaigns",
    "audit",
)


def case_bundle(args: dict) -> None:
    """Export the source database's inspections (all) as a signed bundle (or, with *bundle*
    and *keys* in *args*, take the one an earlier run exported from the same source); read
    every entry of it with a bare ``zipfile`` loop (the MB/s a bare read of the same bytes reaches);
    import it, as the program does (backup included), into an empty database that trusts
    the signer, noting the peak memory, timed until the database file holds it (the close
    waits for the import's checkpoint; *import_answered_s*: until the import returned);
    then the raw baseline: the same rows of the same tables with ``executemany`` into bare
    tables (no indexes, triggers or checks), whose commit makes its own checkpoint."""
    import sqlite3
    import zipfile

    from inspector_app.crypto import keys
    from inspector_app.services import sync
    from inspector_app.store import open_database

    work = Path(args["work"])
    src = open_database(Path(args["db"]))
    export_s: float | None = None
    if args.get("bundle"):  # exported by an earlier run of this case: imported again here
        bundle = Path(args["bundle"])
        ident = keys.load_identity(Path(args["keys"]), b"benchmark")
    else:
        ident = keys.init_identity(work / "keys-src", "Benchmark Inspector", b"benchmark")
        bundle = work / "bench.bundle"
        t = time.perf_counter()
        sync.export_bundle(src, ident, bundle, all=True)
        export_s = time.perf_counter() - t
    n = src.conn.execute("SELECT count(*) FROM inspections").fetchone()[0]
    photos, photo_bytes = src.conn.execute("SELECT count(*), sum(size) FROM attachments").fetchone()
    src.close()
    export_rss = rss_mb()

    t = time.perf_counter()
    read_bytes = 0
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    read_bytes += len(chunk)
    zip_read_s = time.perf_counter() - t

    dst = open_database(work / "office.db")
    _ = dst.device_id
    dst.trust.add(
        ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode(), "bench"
    )
    t = time.perf_counter()
    report = sync.import_bundle(dst, bundle)
    answered_s = time.perf_counter() - t
    import_rss = rss_mb()
    # until the import's checkpoint (a background thread after a large import's commit)
    # has copied the log into the database file and the close has folded it in: the raw
    # baseline's commit makes SQLite's automatic checkpoint itself, so the two compare alike
    dst.close()
    import_s = time.perf_counter() - t
    dst = open_database(work / "office.db")
    imported = dst.conn.execute("SELECT count(*) FROM inspections").fetchone()[0]
    dst.close()

    src = sqlite3.connect(str(args["db"]))
    present = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables = [t for t in BUNDLE_TABLES if t in present]
    rows = {tname: [tuple(r) for r in src.execute(f"SELECT * FROM {tname}")] for tname in tables}
    cols = {tname: [c[1] for c in src.execute(f"PRAGMA table_info({tname})")] for tname in tables}
    src.close()
    raw = sqlite3.connect(str(work / "raw.db"), isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    for tname in tables:
        raw.execute(f"CREATE TABLE {tname} ({', '.join(cols[tname])})")
    t = time.perf_counter()
    raw.execute("BEGIN")
    for tname in tables:
        raw.executemany(
            f"INSERT INTO {tname} VALUES ({', '.join('?' for _ in cols[tname])})", rows[tname]
        )
    raw.execute("COMMIT")
    raw_s = time.perf_counter() - t
    raw.close()
    emit(
        {
            "inspections": n,
            "photos": photos,
            "rows": sum(len(v) for v in rows.values()),
            "bundle_bytes": bundle.stat().st_size,
            "bundle": str(bundle),
            "keys": args.get("keys") or str(work / "keys-src"),
            "photo_bytes": photo_bytes or 0,
            "zip_read_bytes": read_bytes,
            "export_s": export_s,
            "import_s": import_s,
            "import_answered_s": answered_s,
            "raw_s": raw_s,
            "zip_read_s": zip_read_s,
            "export_peak_rss_mb": export_rss if export_s is not None else None,
            "import_peak_rss_mb": import_rss,
            "backup": report.backup,
            "import_status": report.status,
            "imported": imported,
            "rejection": getattr(report, "rejection", None),
        }
    )


def case_backup(args: dict) -> None:
    """The cost of one before-import backup of the 100k database: the program's verified
    copy (``store.backups.write_backup``: online backup, integrity_check, fsync, rename)
    against a bare online backup of the same file, each written anew."""
    import sqlite3

    from inspector_app.store import open_database
    from inspector_app.store.backups import write_backup

    work = Path(args["work"])
    store = open_database(Path(args["db"]))
    size = Path(args["db"]).stat().st_size
    t = time.perf_counter()
    write_backup(store.conn, work / "verified.db")
    backup_s = time.perf_counter() - t
    (work / "verified.db").unlink()
    t = time.perf_counter()
    dest = sqlite3.connect(str(work / "bare.db"))
    store.conn.backup(dest)
    dest.close()
    bare_s = time.perf_counter() - t
    (work / "bare.db").unlink()
    store.close()
    emit({"backup_s": backup_s, "bare_copy_s": bare_s, "db_mb": size / 1e6})


# ---- 5: reports -------------------------------------------------------------------------------


def _bare_signed_page(identity, font_path: str) -> bytes:
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from inspector_app.reports.signing import _asn1

    if "BenchCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BenchCJK", font_path, subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("BenchCJK", 14)
    c.drawString(72, 770, "计量监督检查记录 Inspection report")
    for i in range(30):
        c.drawString(72, 740 - i * 20, f"示值误差 {i}: +0.5 g  最大允许误差 ±5 g  合格")
    c.showPage()
    c.save()
    cert, key, chain = _asn1(identity)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    pdf_signer = signers.PdfSigner(
        meta, signer, new_field_spec=fields.SigFieldSpec("Sig", on_page=0, box=(380, 40, 560, 100))
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()), strict=False)
    return pdf_signer.sign_pdf(writer).getvalue()


def case_report(args: dict) -> None:
    """One signed report (the program) vs a bare reportlab page with the CJK font plus a
    pyHanko signature, both warmed up once, medians of *reps*."""
    from inspector_app.crypto import keys
    from inspector_app.paths import keys_dir, resource_path
    from inspector_app.services.reports import make_report
    from inspector_app.store import open_database

    db = Path(args["db"])
    store = open_database(db)
    identity = keys.load_identity(keys_dir(db), args["passphrase"].encode())
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM inspections ORDER BY started_at LIMIT ?", (args["reps"] + 1,)
        )
    ]
    font = str(resource_path("resources", "fonts", "wqy-microhei.ttc"))
    make_report(store, ids[0], identity=identity)
    _bare_signed_page(identity, font)
    app_t, bare_t = [], []
    for i in ids[1:]:
        t = time.perf_counter()
        pdf = make_report(store, i, identity=identity)
        app_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        bare = _bare_signed_page(identity, font)
        bare_t.append(time.perf_counter() - t)
    store.close()
    emit(
        {
            "app_s": statistics.median(app_t),
            "bare_s": statistics.median(bare_t),
            "app_bytes": len(pdf),
            "bare_bytes": len(bare),
            "reps": len(app_t),
        }
    )


def case_batch(args: dict) -> None:
    from inspector_app.services.batch_export import batch_export
    from inspector_app.store import open_database

    db = Path(args["db"])
    store = open_database(db)
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM inspections ORDER BY started_at LIMIT ?", (args["n"],)
        )
    ]
    store.close()
    t = time.perf_counter()
    result = batch_export(
        db,
        ids,
        Path(args["out"]),
        passphrase=args["passphrase"].encode(),
        workers=args.get("workers"),
    )
    seconds = time.perf_counter() - t
    emit(
        {
            "seconds": seconds,
            "written": len(result.written),
            "failed": result.failed[:3],
            "n": len(ids),
            "workers": args.get("workers") or os.cpu_count(),
        }
    )


def case_rules(args: dict) -> None:
    """The rules engine alone (benchmarks/rules_bench.py)."""
    from benchmarks.rules_bench import case_rules as judge

    emit(judge(args))


CASES = {
    "window_bare": case_window_bare,
    "window_app": case_window_app,
    "prepare_home": case_prepare_home,
    "search": case_search,
    "year": case_year,
    "demo": case_demo,
    "bundle": case_bundle,
    "backup": case_backup,
    "report": case_report,
    "batch": case_batch,
    "rules": case_rules,
}

if __name__ == "__main__":
    CASES[sys.argv[1]](json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
