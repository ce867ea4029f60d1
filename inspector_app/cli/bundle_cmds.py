"""Sync commands: bundle export / inspect / import, conflicts list / resolve."""

from __future__ import annotations

import sys

from .common import (
    add_passphrase_option,
    db_path,
    open_store,
    print_json,
    print_table,
    read_passphrase,
    writing,
)


def register(sub, common) -> None:
    p = sub.add_parser(
        "bundle", parents=[common], help="signed sync bundles: export, inspect, import"
    )
    bsub = p.add_subparsers(dest="bundle_command", metavar="ACTION", parser_class=type(p))
    bsub.required = True

    e = bsub.add_parser(
        "export", parents=[common], help="write a signed bundle of what the other side lacks"
    )
    e.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the bundle file to write (.zip)"
    )
    e.add_argument("--all", action="store_true", help="everything, not only what is unacknowledged")
    e.add_argument(
        "--direction",
        choices=["field", "office"],
        default="field",
        help="field: inspections for the office (default); office: reference data and "
        "acknowledgements for the laptops",
    )
    e.add_argument(
        "--to-province",
        action="store_true",
        help="a city office's bundle for its province: every record approved here, with its "
        "origin (supervisor database)",
    )
    e.add_argument(
        "--office-name",
        default="",
        metavar="NAME",
        help="with --to-province: this office's name (default: the signing certificate's "
        "organisation)",
    )
    e.add_argument("--city", default="", metavar="C", help="with --to-province: this office's city")
    e.add_argument(
        "--province",
        default="",
        metavar="P",
        help="with --to-province: the province (default: read from the addresses)",
    )
    e.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_passphrase_option(e)
    e.set_defaults(func=cmd_export)

    i = bsub.add_parser(
        "inspect", parents=[common], help="manifest, signer and counts, without importing"
    )
    i.add_argument("file", help="the bundle file")
    i.add_argument("--json", action="store_true", help="print JSON instead of text")
    i.set_defaults(func=cmd_inspect)

    m = bsub.add_parser(
        "import", parents=[common], help="verify and merge a bundle, all or nothing"
    )
    m.add_argument("file", help="the bundle file")
    m.add_argument("--json", action="store_true", help="print JSON instead of text")
    m.set_defaults(func=cmd_import)

    c = sub.add_parser("conflicts", parents=[common], help="records that changed on both sides")
    csub = c.add_subparsers(dest="conflicts_command", metavar="ACTION", parser_class=type(c))
    csub.required = True
    cl = csub.add_parser("list", parents=[common], help="open conflicts")
    cl.add_argument("--all", action="store_true", help="include resolved conflicts")
    cl.add_argument("--json", action="store_true", help="print JSON instead of text")
    cl.set_defaults(func=cmd_conflicts_list)
    cr = csub.add_parser("resolve", parents=[common], help="decide a conflict")
    cr.add_argument("id", help="conflict id, as shown by conflicts list")
    cr.add_argument(
        "--keep",
        required=True,
        metavar="REVISION|local|incoming",
        help="'local', 'incoming', or the id of the revision to keep",
    )
    cr.add_argument("--json", action="store_true", help="print JSON instead of text")
    cr.set_defaults(func=cmd_conflicts_resolve)


def _progress(stage: str, done: int, total: int) -> bool:
    if sys.stderr.isatty():
        print(f"\r{stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)
    return True


def cmd_export(args) -> int:
    from ..crypto import keys
    from ..paths import keys_dir
    from ..services.sync import export_bundle
    from .main import CliError

    kdir = keys_dir(db_path(args))
    if not keys.has_identity(kdir):
        raise CliError(
            "no signing identity yet; create one with 'inspector-app keys init --name NAME'"
        )
    passphrase = read_passphrase(args)
    try:
        identity = keys.load_identity(kdir, passphrase)
    except keys.KeyError_ as exc:
        raise CliError(str(exc)) from None
    if getattr(args, "to_province", False):
        return _export_to_province(args, identity)
    store = open_store(args)
    with store, writing(args.output, code=1):
        result = export_bundle(
            store,
            identity,
            args.output,
            all=args.all,
            direction=args.direction,
            progress=_progress,
            actor=identity.name,
        )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(result.as_dict())
    else:
        counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        print(
            f"wrote {result.path} ({result.direction}, bundle {result.bundle_id}): {counts}; "
            f"{result.size} bytes, signed by {identity.name}"
        )
    return 0


def _export_to_province(args, identity) -> int:
    from ..services.province import export_to_province

    store = open_store(args)
    with store, writing(args.output, code=1):
        result = export_to_province(
            store,
            identity,
            args.output,
            office_name=args.office_name,
            city=args.city,
            province=args.province,
            actor=identity.name,
        )
    if args.json:
        print_json(result.as_dict())
    else:
        o = result.office
        print(
            f"wrote {result.path} (to the province, bundle {result.bundle_id}): "
            f"{result.records} approved records of {o['name']} ({o['province']}{o['city']}); "
            f"{result.size} bytes, signed by {identity.name}"
        )
    return 0


def _import_city_bundle(args) -> int:
    from ..services.province import import_city_bundle

    store = open_store(args)
    with store:
        result = import_city_bundle(store, args.file, actor="import")
    if args.json:
        print_json(result.as_dict())
        return 0
    print(
        f"kept {result.new} records of {result.office['name']} "
        f"({result.held} held already; bundle {result.bundle_id})"
    )
    return 0


def cmd_inspect(args) -> int:
    from ..services.sync import inspect_bundle
    from ..sync.format import BundleRejected
    from .main import CliError

    store = open_store(args)
    with store:
        try:
            info = inspect_bundle(args.file, store)
        except BundleRejected as exc:
            raise CliError(str(exc), 1) from None
    if args.json:
        print_json(info)
        return 0
    from ..sync.format import escape_text as esc

    print(
        f"bundle     {info['bundle_id']}  ({info['direction']}, format version {info['format_version']})"
    )
    print(f"file       {esc(info['file'])}  {info['size']} bytes, {info['entries']} entries")
    print(f"made       {esc(info['created_at'])} on device {info['source_device']}")
    print(
        f"signer     {esc(info['signer']['name'])}  {info['signer']['fingerprint'][:16]}…  {info['trust'].upper()}"
        + (f" ({esc(info['trust_reason'])})" if info["trust_reason"] else "")
    )
    print(f"audit head entry {info['audit_head']['seq']}  {info['audit_head']['hash'][:16]}…")
    for table, n in info["counts"].items():
        print(f"  {table:<12} {n}")
    print(f"  {'attachments':<12} {info['attachments']}")
    if info.get("already_imported"):
        print("already imported into this database")
    return 0


def cmd_import(args) -> int:
    from ..services.sync import import_bundle
    from ..sync.province import is_province_bundle
    from .main import report_error

    if is_province_bundle(args.file):  # a city office's records, kept by the province
        return _import_city_bundle(args)

    store = open_store(args)
    with store:
        report = import_bundle(store, args.file, progress=_progress, actor="import")
    if sys.stderr.isatty():
        print(file=sys.stderr)
    rejection = report.rejection or {}
    if args.json:
        print_json(report.as_dict())
        if not report.ok:
            report_error(args, report.message(), path=rejection.get("entry", ""))
        return 0 if report.ok else 1
    if not report.ok:
        report_error(args, report.message())
        _print_problems(rejection)
        print("nothing was changed", file=sys.stderr)
        return 1
    print(report.message())
    for table, counts in report.tables.items():
        print(f"  {table:<12} " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if report.conflicts:
        print(f"{report.conflicts} conflict(s) to decide: inspector-app conflicts list")
    for w in report.warnings:
        print(f"warning: {w['entry']}: {w['reason']}")
    if report.warning_count > len(report.warnings):
        print(f"warning: … and {report.warning_count - len(report.warnings)} more")
    return 0


def _print_problems(rejection: dict) -> None:
    """Every problem of a rejected bundle, one a line (the texts are escaped already)."""
    problems = rejection.get("problems") or []
    count = rejection.get("problem_count", len(problems))
    if count <= 1:
        return
    for p in problems:
        where = f"{p['entry']}: " if p["entry"] else ""
        print(f"  {where}{p['reason']}", file=sys.stderr)
    if count > len(problems):
        print(f"  … and {count - len(problems)} more", file=sys.stderr)


def cmd_conflicts_list(args) -> int:
    from ..services.sync import list_conflicts

    store = open_store(args)
    with store:
        rows = list_conflicts(store, include_resolved=args.all)
    if args.json:
        print_json({"conflicts": [c.as_dict() for c in rows]})
        return 0
    if not rows:
        print("no open conflicts")
        return 0
    table = []
    for c in rows:
        d = c.as_dict()
        inc = d["incoming"]
        label = inc.get("id") or (inc.get("data") or {}).get("id") or inc.get("entity_id", "")
        rev = f" rev {inc['revision']}" if "revision" in inc else ""
        table.append(
            [
                c.id[:8],
                c.entity,
                f"{label[:8]}{rev}",
                c.reason,
                "resolved: " + (c.resolution or "") if c.resolved else "open",
            ]
        )
    print_table(["id", "entity", "record", "reason", "state"], table)
    print("decide with: inspector-app conflicts resolve ID --keep local|incoming|REVISION-ID")
    return 0


def cmd_conflicts_resolve(args) -> int:
    from ..services.sync import resolve_conflict

    store = open_store(args)
    with store:
        kept = resolve_conflict(store, args.id, args.keep, actor="cli")
    if args.json:
        print_json({"id": args.id, "kept": kept})
    else:
        print(f"conflict {args.id} resolved: kept {kept}")
    return 0
