"""Commands over the local database: demo, list, show, check, backup, restore, backups,
salvage."""

from __future__ import annotations

import dataclasses
import sys
import time

from .common import db_path, open_store, print_json, print_table


def register(sub, common) -> None:
    p = sub.add_parser(
        "demo", parents=[common], help="fill the database with a reproducible demo data set"
    )
    p.add_argument(
        "--premises", type=int, default=200, metavar="N", help="number of premises (default: 200)"
    )
    p.add_argument(
        "--inspections",
        type=int,
        default=2000,
        metavar="N",
        help="number of inspections (default: 2000)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="the same seed gives the same data, ids included (default: 1)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("list", parents=[common], help="list inspections")
    p.add_argument(
        "--family", metavar="F", help="only this instrument family, e.g. scale or fuel_dispenser"
    )
    p.add_argument(
        "--verdict", choices=["pass", "fail"], help="only passed or only failed inspections"
    )
    p.add_argument(
        "--status", choices=["draft", "finalized"], help="only drafts or only finalized inspections"
    )
    p.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="text in the premises, instrument or inspector, or the start of an id",
    )
    p.add_argument(
        "--limit", type=int, default=50, metavar="N", help="at most N rows (default: 50)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "show", parents=[common], help="one inspection with readings, results and findings"
    )
    p.add_argument("id", help="inspection id (or its first 6+ characters)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "check", parents=[common], help="integrity check, audit chain, finalized-record hashes"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", parents=[common], help="consistent, checked copy of the database")
    p.add_argument("file", help="the backup file to write")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="verified restore from a backup")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "file", nargs="?", help="a backup file; the database it replaces is kept beside it"
    )
    which.add_argument(
        "--latest",
        action="store_true",
        help="the newest good backup the program made itself (backups/ beside the database)",
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "backups", parents=[common], help="list the program's own backups; set how many are kept"
    )
    p.add_argument(
        "--keep", type=int, metavar="N", help="keep the newest N import and migration backups"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser(
        "salvage",
        parents=[common],
        help="copy every readable, intact finalized record of a damaged database into a new one",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the new database (must not exist)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_salvage)


def cmd_demo(args) -> int:
    import sqlite3

    from ..services.demo import generate
    from .main import CliError

    for name in ("premises", "inspections"):
        value = getattr(args, name)
        if value < 0 or value > 1_000_000:
            raise CliError(f"--{name} must be between 0 and 1000000")
    store = open_store(args)
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> bool:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} inspections", end="", file=sys.stderr, flush=True)
        return True

    try:
        counts = generate(store, args.premises, args.inspections, args.seed, progress=progress)
    except sqlite3.IntegrityError:
        raise CliError(
            f"demo data with seed {args.seed} is already in this database; choose another --seed"
        ) from None
    finally:
        store.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"loaded {counts['premises']} premises, {counts['instruments']} instruments and "
        f"{counts['inspections']} inspections in {time.perf_counter() - t0:.1f} s into {db_path(args)}"
    )
    return 0


def cmd_list(args) -> int:
    from ..store.inspections import InspectionFilter

    store = open_store(args)
    with store:
        f = InspectionFilter(
            family=args.family, verdict=args.verdict, status=args.status, search=args.search
        )
        rows = store.inspections.list(f, limit=max(1, min(args.limit, 100_000)))
        total = store.inspections.count(f)
    if args.json:
        print_json({"total": total, "inspections": [dataclasses.asdict(r) for r in rows]})
        return 0
    print_table(
        ["id", "date", "family", "check", "verdict", "status", "premises", "instrument"],
        [
            [
                r.id[:8],
                r.started_at[:10],
                r.family,
                r.check,
                r.verdict or "-",
                r.status,
                r.premises_name,
                r.instrument_label,
            ]
            for r in rows
        ],
    )
    print(f"({len(rows)} of {total})")
    return 0


def _find(store, ident: str):
    from ..domain.errors import InputError

    insp = store.inspections.get(ident)
    if insp is not None:
        return insp
    if len(ident) >= 6:
        rows = store.conn.execute(
            "SELECT id FROM inspections WHERE id LIKE ? LIMIT 2", (ident + "%",)
        ).fetchall()
        if len(rows) == 1:
            return store.inspections.get(rows[0][0])
        if len(rows) > 1:
            raise InputError(
                "id", f"{ident!r} matches more than one inspection; give more characters"
            )
    raise InputError("id", f"no inspection with id {ident!r}")


def cmd_show(args) -> int:
    store = open_store(args)
    with store:
        insp = _find(store, args.id)
        premises = store.premises.get(insp.premises_id)
        instrument = store.instruments.get(insp.instrument_id)
    if args.json:
        print_json(
            {
                "inspection": dataclasses.asdict(insp),
                "premises": dataclasses.asdict(premises),
                "instrument": dataclasses.asdict(instrument),
            }
        )
        return 0
    print(f"inspection {insp.id}  revision {insp.revision}  {insp.status}")
    print(
        f"  {insp.started_at}  {insp.family}  {insp.check}  {insp.ruleset}  inspector {insp.inspector}"
    )
    print(f"  premises   {premises.name}  {premises.address}")
    print(
        f"  instrument {instrument.maker} {instrument.model}  serial {instrument.serial}  {instrument.metrology}"
    )
    if insp.correction_reason:
        print(f"  corrects {insp.parent_id}: {insp.correction_reason}")
    for test in (insp.result or {}).get("tests", []):
        print(f"  {test['kind']}: {test['verdict']}")
        for item in test.get("items", []):
            print(
                f"    {item.get('label', ''):<16} error {item.get('error')} {item.get('unit', '')}"
                f"  MPE {item.get('mpe')}  {item.get('verdict')}  [{item.get('rule', '')}]"
            )
    for f in insp.findings:
        print(
            f"  finding ({f.severity}{', cheating' if f.cheating else ''}): {f.text}  — {f.legal_basis}"
        )
    for w in (insp.result or {}).get("warnings", []):
        print(f"  warning: {w}")
    print(f"  verdict: {insp.verdict or '-'}")
    if insp.content_hash:
        print(f"  content hash {insp.content_hash}")
    return 0


def cmd_check(args) -> int:
    import sqlite3

    from ..store.integrity import check
    from ..store.opening import damaged_message

    store = open_store(args)
    with store:
        try:
            problems = check(store)
            n = store.conn.execute(
                "SELECT count(*) FROM inspections WHERE status = 'finalized'"
            ).fetchone()[0]
            audit_n = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
            from ..store.reports import certificate_ledger

            voids = [r for r in certificate_ledger(store, None) if r["status"] == "void"]
        except sqlite3.DatabaseError as exc:
            from .main import CliError

            if store.conn._guard:
                store.conn._guard.damaged = True
            raise CliError(damaged_message(store.path, str(exc)), 1) from None
        damaged = any(p.kind == "sqlite" for p in problems)
        if damaged and store.conn._guard:
            store.conn._guard.damaged = True  # no checkpoint into a damaged file on close
    offer = damaged_message(store.path, problems[0].message) if damaged else ""
    if args.json:
        out = {
            "ok": not problems,
            "finalized_checked": n,
            "audit_entries": audit_n,
            "problems": [p.as_dict() for p in problems],
            # void certificate numbers are accounted for (not problems); listed for the audit
            "certificate_voids": [
                {k: r[k] for k in ("number", "void_reason", "voided_at", "voided_by")}
                for r in voids
            ],
        }
        if offer:
            out["recovery"] = offer
        print_json(out)
    else:
        for p in problems:
            print(f"MISMATCH {p.kind}: {p.message}")
        for r in voids:
            print(f"void certificate number {r['number']}: {r['void_reason']}")
        status = "OK" if not problems else f"{len(problems)} problem(s)"
        print(f"{status}: {n} finalized inspections and {audit_n} audit entries checked")
        if offer:
            print(offer)
    return 1 if problems else 0


def cmd_backup(args) -> int:
    from ..store import StoreError
    from ..store.integrity import backup
    from .main import CliError

    store = open_store(args)
    with store:
        try:
            path = backup(store, args.file)
        except StoreError as exc:
            raise CliError(str(exc)) from None
    print(f"backup written to {path} (integrity checked)")
    return 0


def cmd_restore(args) -> int:
    from ..store import StoreError
    from ..store.backups import newest_good_backup, restore
    from .main import CliError

    target = db_path(args).absolute()
    source = args.file
    if args.latest:
        found = newest_good_backup(target)
        if found is None:
            raise CliError(
                f"no good backup of {target} was found in {target.parent / 'backups'}", 1
            )
        source = found.path
    try:
        path, kept = restore(source, target)
    except StoreError as exc:
        raise CliError(str(exc), 1) from None
    aside = f"; the previous file was kept as {kept}" if kept else ""
    print(f"restored {path} from {source}{aside}")
    return 0


def cmd_backups(args) -> int:
    from ..store.backups import KEEP_DAILY, keep_setting, list_backups, prune
    from .main import CliError

    if args.keep is not None and not 1 <= args.keep <= 1000:
        raise CliError("--keep must be between 1 and 1000")
    store = open_store(args)
    with store:
        if args.keep is not None:
            with store.write("cli", "set_backup_keep", "local_meta", "backup.keep"):
                store.set_meta("backup.keep", str(args.keep))
            prune(store.path, args.keep)
        keep = keep_setting(store.conn)
        path = store.path
    found = list_backups(path)
    if args.json:
        print_json(
            {
                "keep": keep,
                "keep_daily": KEEP_DAILY,
                "folder": str(path.parent / "backups"),
                "backups": [b.as_dict() for b in found],
            }
        )
        return 0
    print_table(
        ["time", "kind", "size", "file"],
        [
            [f"{b.when:%Y-%m-%d %H:%M:%S}", b.kind, f"{b.size / 1e6:.1f} MB", b.path.name]
            for b in found
        ],
    )
    print(
        f"({len(found)} backups in {path.parent / 'backups'}; the newest {keep} import and "
        f"migration backups and {KEEP_DAILY} daily ones are kept)"
    )
    return 0


def cmd_salvage(args) -> int:
    from ..store import StoreError
    from ..store.salvage import salvage
    from .main import CliError

    try:
        result = salvage(db_path(args).absolute(), args.output)
    except StoreError as exc:
        raise CliError(str(exc), 1) from None
    if args.json:
        print_json(result.as_dict())
    else:
        print(
            f"salvaged {result.finalized} finalized inspections (each matching its content hash) "
            f"and {result.other_rows} other rows into {result.output}"
        )
        if result.schema_from:
            print(
                "the damaged file's own schema could not be read: its tables were found "
                f"through the schema of the backup {result.schema_from}"
            )
        for ident, why in result.skipped:
            print(f"SKIPPED {ident}: {why}")
    return 1 if result.skipped else 0
