"""Office load run: importers and reviewers on one office database at the same time.

Several laptops make demo inspections and each exports two overlapping field bundles (its
new records, then all of them again under another bundle id). Then, at the same time,
``--importers`` processes import every bundle (each in another order, so the same records
arrive through several importers at once) and ``--reviewers`` processes approve or return
pending inspections for the given time (and then until the imports are done and nothing is
pending), deliberately choosing among the same few oldest pending ones so two supervisors
often decide the same inspection at the same moment. ``--office-db URL`` runs the office
on an empty, migrated PostgreSQL database instead of a SQLite file.

Afterwards the office database is checked: every finalized inspection of every laptop is
there once with its content hash (nothing lost, nothing duplicated), every inspection has
at most one review and one decision row, every review is the one its process was told it
won and has exactly one audit entry (every final state explained by the audit), the audit
chain is one valid chain, and ``check`` finds nothing.

    uv run python -m benchmarks.office_load --minutes 3
    uv run python -m benchmarks.office_load --seconds 10 --json out.json

Every wait has a timeout; a process that does not finish in time is stopped and the run
fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue as queue_mod
import random
import sys
import tempfile
import time
from pathlib import Path

PASS = "office load run passphrase"
BUSY_WORDS = ("in use", "locked", "try again")


# -- the world -------------------------------------------------------------------------------
def build(folder: Path, laptops: int = 4, inspections: int = 6, office_db: str = "") -> dict:
    """Laptops with demo data and two overlapping bundles each; an office that trusts them
    (a SQLite file in *folder*, or the PostgreSQL database *office_db* names)."""
    from inspector_app.crypto import keys
    from inspector_app.paths import keys_dir
    from inspector_app.services import review as rv
    from inspector_app.services.demo import generate
    from inspector_app.services.sync import export_bundle
    from inspector_app.store import open_database

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "office").mkdir()
    if office_db:
        from inspector_app.store.pg import PostgresTarget

        os.environ.setdefault("INSPECTOR_OFFICE_DIR", str(folder / "office"))
        office_path = PostgresTarget(office_db)
    else:
        office_path = folder / "office" / "office.db"
    office = open_database(office_path)
    office_id = keys.init_identity(keys_dir(office_path), "张主任", PASS.encode())
    rv.set_role(office, "supervisor", "张主任")
    bundles, expected = [], {}
    for n in range(laptops):
        (folder / f"lap{n}").mkdir()
        path = folder / f"lap{n}" / f"lap{n}.db"
        lap = open_database(path)
        ident = keys.init_identity(keys_dir(path), f"检查员{n}", PASS.encode())
        office.trust.add(
            ident.fingerprint, ident.name, "certificate", ident.certificate_pem().decode(), "load"
        )
        lap.trust.add(
            office_id.fingerprint,
            office_id.name,
            "office",
            office_id.certificate_pem().decode(),
            "load",
        )
        generate(lap, premises=3, inspections=inspections, seed=100 + n)
        for kind, full in (("a", False), ("b", True)):
            out = folder / f"lap{n}-{kind}.zip"
            export_bundle(lap, ident, out, all=full, direction="field")
            bundles.append(str(out))
        for r in lap.conn.execute(
            "SELECT id, content_hash FROM inspections WHERE status = 'finalized'"
        ):
            expected[r[0]] = r[1]
        lap.close()
    office.close()
    office_ref = office_db or str(office_path)
    return {"office": office_ref, "bundles": bundles, "expected": expected}


# -- the workers -----------------------------------------------------------------------------
def _target(office: str):
    from inspector_app.store.pg import PostgresTarget, is_postgres_url

    return PostgresTarget(office) if is_postgres_url(office) else Path(office)


def _busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(w in text for w in BUSY_WORDS)


def importer(name: str, office: str, bundles: list[str], start, results, seconds: float) -> None:
    from inspector_app.services.sync import import_bundle
    from inspector_app.store import open_database

    start.wait(timeout=120)
    deadline = time.time() + seconds
    store = open_database(_target(office))
    try:
        for bundle in bundles:
            for _attempt in range(20):
                if time.time() > deadline + 60:
                    results.put((name, "import-timeout", bundle, ""))
                    return
                try:
                    report = import_bundle(store, Path(bundle))
                except Exception as exc:  # noqa: BLE001 - reported to the parent
                    if _busy(exc):
                        results.put((name, "busy", bundle, str(exc)))
                        time.sleep(0.05)
                        continue
                    results.put((name, "error", bundle, f"{type(exc).__name__}: {exc}"))
                    break
                if report.status == "rejected":
                    message = report.message()
                    if any(w in message.lower() for w in BUSY_WORDS):
                        results.put((name, "busy", bundle, message))
                        time.sleep(0.05)
                        continue
                    results.put((name, "error", bundle, message))
                    break
                results.put((name, "import", bundle, report.status))
                break
    finally:
        store.close()
        results.put((name, "done", "", ""))


def reviewer(
    name: str, office: str, seed: int, start, results, seconds: float, imports_done
) -> None:
    """Decide pending inspections for *seconds*, and after that until the importers are
    done and nothing is pending (at most two minutes more)."""
    from inspector_app.crypto import keys
    from inspector_app.paths import keys_dir
    from inspector_app.services import review as rv
    from inspector_app.store import open_database

    rng = random.Random(seed)
    identity = keys.load_identity(keys_dir(Path(_target(office))), PASS.encode())
    start.wait(timeout=120)
    deadline = time.time() + seconds
    store = open_database(_target(office))
    try:
        while time.time() < deadline + 120:
            try:
                pending = rv.review_repo(store).queue_ids(rv.ReviewFilter())
            except Exception as exc:  # noqa: BLE001
                if _busy(exc):
                    continue
                results.put((name, "error", "", f"{type(exc).__name__}: {exc}"))
                return
            if not pending:
                if time.time() >= deadline and imports_done.is_set():
                    break
                time.sleep(0.05)
                continue
            target = rng.choice(pending[-3:])  # the oldest few: the others choose them too
            decision = rng.choice(("approved", "approved", "returned"))
            try:
                r = rv.decide(store, target, decision, identity, "load run: 请复核", name)
            except rv.AlreadyDecided as exc:
                results.put((name, "lost", target, exc.message))
            except Exception as exc:  # noqa: BLE001
                kind = "busy" if _busy(exc) else "error"
                results.put((name, kind, target, f"{type(exc).__name__}: {exc}"))
            else:
                results.put((name, "won", target, r.id))
    finally:
        store.close()
        results.put((name, "done", "", ""))


# -- the run ---------------------------------------------------------------------------------
def run(world: dict, seconds: float, importers: int = 4, reviewers: int = 4) -> list[tuple]:
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(importers + reviewers)
    imports_done = ctx.Event()
    results = ctx.Queue()
    bundles = world["bundles"]
    procs = []
    for n in range(importers):
        order = bundles[n * 2 :] + bundles[: n * 2]
        if n % 2:
            order = order[::-1]
        procs.append(
            ctx.Process(
                target=importer, args=(f"imp{n}", world["office"], order, start, results, seconds)
            )
        )
    for n in range(reviewers):
        procs.append(
            ctx.Process(
                target=reviewer,
                args=(f"rev{n}", world["office"], n, start, results, seconds, imports_done),
            )
        )
    for p in procs:
        p.start()
    out, done, importers_done = [], 0, 0
    limit = time.time() + 15 + seconds + 240
    try:
        while done < len(procs):
            left = limit - time.time()
            if left <= 0:
                out.append(("run", "error", "", "the workers did not finish in time"))
                break
            try:
                item = results.get(timeout=min(left, 30))
            except queue_mod.Empty:
                if not any(p.is_alive() for p in procs):
                    out.append(("run", "error", "", "a worker ended without reporting"))
                    break
                continue
            if item[1] == "done":
                done += 1
                if item[0].startswith("imp"):
                    importers_done += 1
                    if importers_done == importers:
                        imports_done.set()
            else:
                out.append(item)
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)
                out.append((p.name, "error", "", "killed after the time limit"))
    return out


def verify(world: dict, outcomes: list[tuple]) -> dict:
    """What the office database holds against what the workers were told."""
    from inspector_app.store import open_database
    from inspector_app.store.audit import verify_chain
    from inspector_app.store.integrity import check

    problems: list[str] = []
    store = open_database(_target(world["office"]))
    try:
        conn = store.conn
        held = dict(
            conn.execute("SELECT id, content_hash FROM inspections WHERE status = 'finalized'")
        )
        lost = [i for i in world["expected"] if i not in held]
        changed = [i for i, h in world["expected"].items() if i in held and held[i] != h]
        problems += [f"inspection {i} lost" for i in lost]
        problems += [f"inspection {i} arrived with another content hash" for i in changed]
        dup_records = conn.execute(
            "SELECT count(*) FROM (SELECT record_id, revision FROM inspections"
            " GROUP BY record_id, revision HAVING count(*) > 1) x"
        ).fetchone()[0]
        if dup_records:
            problems.append(f"{dup_records} record revisions held twice")
        twice = conn.execute(
            "SELECT count(*) FROM (SELECT inspection_id FROM reviews GROUP BY inspection_id"
            " HAVING count(*) > 1) x"
        ).fetchone()[0]
        if twice:
            problems.append(f"{twice} inspections decided twice")
        reviews = {
            r[0]: (r[1], r[2])
            for r in conn.execute("SELECT id, inspection_id, decision FROM reviews")
        }
        decisions = dict(conn.execute("SELECT review_id, inspection_id FROM review_decisions"))
        if set(decisions) != set(reviews):
            problems.append("the decision rows do not match the reviews")
        won = {o[3]: o[2] for o in outcomes if o[1] == "won"}
        for rid, iid in won.items():
            if reviews.get(rid, (None,))[0] != iid:
                problems.append(f"review {rid} was reported won but is not stored")
        for rid in reviews:
            if rid not in won:
                problems.append(f"review {rid} is stored but no reviewer was told it won")
        audited: dict[str, int] = {}
        for r in conn.execute(
            "SELECT detail FROM audit WHERE action IN ('review.approve', 'review.return')"
        ):
            rid = json.loads(r[0] or "{}").get("review")
            audited[rid] = audited.get(rid, 0) + 1
        for rid in reviews:
            if audited.get(rid) != 1:
                problems.append(f"review {rid} has {audited.get(rid, 0)} audit entries")
        for rid in audited:
            if rid not in reviews:
                problems.append(f"audit entry of review {rid} without the review")
        chain = verify_chain(conn)
        problems += [f"audit chain: {p}" for p in chain]
        found = check(store)
        problems += [f"check: {p.message}" for p in found]
        errors = [o for o in outcomes if o[1] in ("error", "import-timeout")]
        problems += [f"{o[0]}: {o[3]}" for o in errors]
        summary = {
            "inspections_expected": len(world["expected"]),
            "inspections_held": len(held),
            "reviews": len(reviews),
            "won": len(won),
            "lost": sum(1 for o in outcomes if o[1] == "lost"),
            "busy": sum(1 for o in outcomes if o[1] == "busy"),
            "imports": sum(1 for o in outcomes if o[1] == "import"),
            "imported_new": sum(1 for o in outcomes if o[1] == "import" and o[3] == "imported"),
            "audit_entries": conn.execute("SELECT count(*) FROM audit").fetchone()[0],
            "problems": problems,
        }
    finally:
        store.close()
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    length = ap.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="how long the reviewers work")
    length.add_argument("--seconds", type=float, help="how long the reviewers work")
    ap.add_argument("--importers", type=int, default=4)
    ap.add_argument("--reviewers", type=int, default=4)
    ap.add_argument("--laptops", type=int, default=4)
    ap.add_argument("--inspections", type=int, default=40, help="per laptop (default: 40)")
    ap.add_argument("--folder", help="where to build the databases (default: a temporary one)")
    ap.add_argument(
        "--office-db",
        default="",
        metavar="URL",
        help="run the office on this (empty, migrated) PostgreSQL database instead of a file",
    )
    ap.add_argument("--json", help="write the summary to this file")
    args = ap.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else 60 * (args.minutes or 1)
    with tempfile.TemporaryDirectory(prefix="office-load-") as tmp:
        folder = Path(args.folder) if args.folder else Path(tmp) / "run"
        os.environ.setdefault("XDG_STATE_HOME", str(folder / "state"))
        t0 = time.perf_counter()
        world = build(folder, args.laptops, args.inspections, args.office_db)
        built = time.perf_counter() - t0
        outcomes = run(world, seconds, args.importers, args.reviewers)
        summary = verify(world, outcomes)
        summary["build_seconds"] = round(built, 1)
        summary["run_seconds"] = round(time.perf_counter() - t0 - built, 1)
        summary["engine"] = "postgresql" if args.office_db else "sqlite"
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
