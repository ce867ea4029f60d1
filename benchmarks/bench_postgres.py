"""The office on PostgreSQL against bare baselines measured in the same run.

    uv run python -m benchmarks.bench_postgres            # full: 2,000-inspection bundle, 100,000 for stats
    uv run python -m benchmarks.bench_postgres --quick    # 500 and 20,000
    uv run python -m benchmarks.run --only postgres       # the same, in the benchmark table

1. **Bundle import**: a signed field bundle (demo inspections, one small photo each) is
   imported into an empty PostgreSQL office database (``import_bundle``: validation,
   merge, audit, one transaction); the baseline is a bare ``COPY`` of the same rows
   (every table the import filled, taken from the imported database) into another empty
   database of the same schema in one transaction, same run, same server.
2. **Statistics page**: ``office_statistics`` (what the office's statistics page shows) for
   the whole year on a province-sized office database (100,000 inspections, copied in with
   COPY from a demo SQLite file), against the bare SQL of its headline numbers (totals by
   verdict, by family, by city and by month in four plain queries over the same rows), and
   the same page on the SQLite file itself.
3. **A keystroke in the search field** on the same database: typing a premises name one
   character at a time and then the same texts again (a correction: backspace and retype),
   each keystroke being what the window asks (the first page of 100 rows, newest first,
   and the exact count). Measured on PostgreSQL with the search-match cache (what the
   program does), without it (every keystroke looks its text up in premises, instruments
   and inspector names again, as before the cache could hit there), and on the SQLite file.

The server is a throwaway cluster in a temporary folder (durability left on). Without the
PostgreSQL server programs the benchmark is skipped with the reason.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

SIZES = {
    "full": {"bundle": 2000, "bundle_premises": 200, "stats": 100_000, "reps": 3},
    "quick": {"bundle": 500, "bundle_premises": 50, "stats": 20_000, "reps": 2},
    "smoke": {"bundle": 20, "bundle_premises": 5, "stats": 300, "reps": 1},
}
PASS = b"benchmark passphrase"


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def _bare_copy(src_store, dst_store) -> float:
    """Seconds to COPY every row of *src_store*'s tables into the empty *dst_store*."""
    src, dst = src_store.conn._pg, dst_store.conn._pg
    tables = [
        r[0]
        for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    rows = {}
    for t in tables:  # read first: the baseline is the writing
        rows[t] = src.execute(f'SELECT * FROM "{t}"').fetchall()
    cols = {
        t: [
            d.name
            for d in src.execute(f'SELECT * FROM "{t}" LIMIT 0').description  # type: ignore[union-attr]
        ]
        for t in tables
    }
    t0 = time.perf_counter()
    with dst.transaction():
        dst.execute("SET CONSTRAINTS ALL DEFERRED")
        for t in tables:
            dst.execute(f'ALTER TABLE "{t}" DISABLE TRIGGER USER')
            names = ", ".join(f'"{c}"' for c in cols[t])
            with dst.cursor().copy(f'COPY "{t}" ({names}) FROM STDIN') as copy:
                for row in rows[t]:
                    copy.write_row(tuple(row))
        dst.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for t in tables:
            dst.execute(f'ALTER TABLE "{t}" ENABLE TRIGGER USER')
    return time.perf_counter() - t0


def bench_import(cluster, work: Path, size: dict) -> dict:
    from inspector_app.crypto import keys
    from inspector_app.services.demo import generate
    from inspector_app.services.review import set_role
    from inspector_app.services.sync import export_bundle, import_bundle
    from inspector_app.store import open_database

    lap = open_database(work / "laptop.db")
    generate(lap, premises=size["bundle_premises"], inspections=size["bundle"], seed=2, photos=1)
    ident = keys.init_identity(work / "keys", "Benchmark Inspector", PASS)
    bundle = work / "field.zip"
    export_bundle(lap, ident, bundle, direction="field")
    lap.close()
    imports, copies, rows = [], [], 0
    template = None
    for i in range(size["reps"]):
        office = open_database(cluster.create_database(f"imp{i}"))
        office.trust.add(
            ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode()
        )
        set_role(office, "supervisor")
        t0 = time.perf_counter()
        report = import_bundle(office, bundle, backup=False)
        imports.append(time.perf_counter() - t0)
        if report.status != "imported":
            raise RuntimeError(f"import failed: {report.message()}")
        if template is None:
            template = cluster.create_database("empty_template")
            open_database(template).close()
        empty = open_database(cluster.create_database(f"copy{i}", template="empty_template"))
        copies.append(_bare_copy(office, empty))
        rows = sum(
            office.conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for (t,) in office.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        empty.close()
        office.close()
    imp, cp = _med(imports), _med(copies)
    return {
        "value": size["bundle"] / imp,
        "baseline": size["bundle"] / cp,
        "ratio": cp / imp,
        "unit": "inspections/s",
        "detail": {
            "inspections": size["bundle"],
            "bundle_mb": bundle.stat().st_size / 1e6,
            "rows": rows,
            "import_s_runs": [round(x, 3) for x in imports],
            "bare_copy_s_runs": [round(x, 3) for x in copies],
            "import_s": imp,
            "bare_copy_s": cp,
        },
    }


BARE_STATS = [
    "SELECT verdict, count(*) FROM inspections WHERE status = 'finalized'"
    " AND superseded_by IS NULL AND started_at >= %s AND started_at < %s GROUP BY verdict",
    "SELECT family, count(*), count(*) FILTER (WHERE verdict = 'fail') FROM inspections"
    " WHERE status = 'finalized' AND superseded_by IS NULL AND started_at >= %s"
    " AND started_at < %s GROUP BY family",
    "SELECT p.city, count(*) FROM inspections i JOIN premises p ON p.id = i.premises_id"
    " WHERE i.status = 'finalized' AND i.superseded_by IS NULL AND i.started_at >= %s"
    " AND i.started_at < %s GROUP BY p.city",
    "SELECT substr(started_at, 1, 7), count(*) FROM inspections WHERE status = 'finalized'"
    " AND superseded_by IS NULL AND started_at >= %s AND started_at < %s GROUP BY 1",
]


def bench_stats(cluster, work: Path, size: dict) -> dict:
    from inspector_app.services.demo import generate
    from inspector_app.services.office_stats import StatsFilter, office_statistics
    from inspector_app.store import open_database
    from inspector_app.store.pg.transfer import copy_sqlite_to_postgres

    src = open_database(work / "province.db")
    generate(src, premises=max(size["stats"] // 20, 10), inspections=size["stats"], seed=1)
    years = src.conn.execute(
        "SELECT min(substr(started_at, 1, 4)), max(substr(started_at, 1, 4)) FROM inspections"
    ).fetchone()
    f = StatsFilter(date_from=f"{years[0]}-01-01", date_to=f"{years[1]}-12-31")
    src.close()
    office = open_database(cluster.create_database("province"))
    t0 = time.perf_counter()
    counts = copy_sqlite_to_postgres(work / "province.db", office)
    copy_s = time.perf_counter() - t0
    office.conn._pg.execute("ANALYZE")
    lite = open_database(work / "province.db")
    page_pg, page_lite, bare = [], [], []
    lo, hi = f"{years[0]}-01-01", f"{int(years[1]) + 1}-01-01"
    for _ in range(size["reps"]):
        t0 = time.perf_counter()
        st = office_statistics(office, f)
        page_pg.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        st_lite = office_statistics(lite, f)
        page_lite.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for q in BARE_STATS:
            office.conn._pg.execute(q, (lo, hi)).fetchall()
        bare.append(time.perf_counter() - t0)
    if st.totals != st_lite.totals:
        raise RuntimeError("the statistics differ between the engines")
    pg_s, lite_s, bare_s = _med(page_pg), _med(page_lite), _med(bare)
    keys = bench_keystrokes(office, lite)
    return {
        "value": pg_s,
        "baseline": bare_s,
        "ratio": pg_s / bare_s,
        "unit": "s",
        "detail": {
            "inspections": counts.get("inspections", 0),
            "sweep_rows": counts.get("sweep_rows", 0),
            "copy_in_s": copy_s,
            "page_postgresql_s": pg_s,
            "page_sqlite_s": lite_s,
            "bare_sql_s": bare_s,
            "page_runs": [round(x, 3) for x in page_pg],
            **keys,
        },
    }


def bench_keystrokes(office, lite) -> dict:
    """Median seconds of one search keystroke (first page + count) on each engine."""
    from inspector_app.store import inspection_search as insp
    from inspector_app.store.inspections import InspectionFilter

    name = lite.conn.execute(
        "SELECT p.name FROM inspections i JOIN premises p ON p.id = i.premises_id"
        " GROUP BY p.name ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    typed = [name[:n] for n in range(1, min(len(name), 4) + 1)]
    texts = typed + typed[::-1]  # typed, then corrected back: each text a second time

    def keystrokes(store, *, cache: bool) -> list[float]:
        insp._MATCHES.clear()
        out = []
        for text in texts:
            if not cache:
                insp._MATCHES.clear()
            f = InspectionFilter(search=text)
            t0 = time.perf_counter()
            store.inspections.list(f, "started_at", True, 100, 0)
            store.inspections.count(f)
            out.append(time.perf_counter() - t0)
        return out

    with_cache = keystrokes(office, cache=True)
    without = keystrokes(office, cache=False)
    on_sqlite = keystrokes(lite, cache=True)
    half = len(typed)
    return {
        "keystroke_texts": texts,
        "keystroke_postgresql_s": _med(with_cache),
        "keystroke_postgresql_retyped_s": _med(with_cache[half:]),
        "keystroke_postgresql_no_cache_s": _med(without),
        "keystroke_postgresql_no_cache_retyped_s": _med(without[half:]),
        "keystroke_sqlite_s": _med(on_sqlite),
        "keystroke_runs_postgresql": [round(x, 4) for x in with_cache],
        "keystroke_runs_no_cache": [round(x, 4) for x in without],
    }


def run(mode: str = "quick") -> dict:
    """Both measurements; ``{"skipped": reason}`` without the server programs."""
    from inspector_app.store.pg.cluster import LocalCluster, find_bin_dir

    if find_bin_dir() is None:
        return {"skipped": "no PostgreSQL server programs (install the 'postgresql' package)"}
    size = SIZES[mode]
    with tempfile.TemporaryDirectory(prefix="inspector-bench-pg-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)
        cluster = LocalCluster(folder / "cluster")
        cluster.init()
        cluster.start()
        try:
            (folder / "imp").mkdir()
            (folder / "stats").mkdir()
            return {
                "import": bench_import(cluster, folder / "imp", size),
                "stats": bench_stats(cluster, folder / "stats", size),
            }
        finally:
            cluster.stop("immediate")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller data")
    p.add_argument("--smoke", action="store_true", help="tiny data (no timings)")
    p.add_argument("--json", type=Path, help="also write the result as JSON")
    args = p.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    res = run(mode)
    text = json.dumps(res, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    if "skipped" not in res:
        i, s = res["import"], res["stats"]
        print(
            f"import: {i['value']:.0f} inspections/s; bare COPY {i['baseline']:.0f}/s;"
            f" import = {i['ratio']:.2f} × COPY speed",
            file=sys.stderr,
        )
        print(
            f"statistics page: PostgreSQL {s['value']:.2f} s, SQLite {s['detail']['page_sqlite_s']:.2f} s,"
            f" bare SQL {s['baseline']:.3f} s ({s['ratio']:.1f} × bare)",
            file=sys.stderr,
        )
        d = s["detail"]
        print(
            f"search keystroke: PostgreSQL {d['keystroke_postgresql_s'] * 1000:.0f} ms"
            f" (retyped {d['keystroke_postgresql_retyped_s'] * 1000:.0f} ms),"
            f" without the match cache {d['keystroke_postgresql_no_cache_s'] * 1000:.0f} ms,"
            f" SQLite {d['keystroke_sqlite_s'] * 1000:.0f} ms",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
