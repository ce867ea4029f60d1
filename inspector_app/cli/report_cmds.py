"""Commands for signed documents: report, summary, verify, certificate (the ledger of
certificate and notice numbers). The signing identity is managed in :mod:`.keys_cmds`, the
trusted certificates in :mod:`.trust_cmds`."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import (
    add_passphrase_option,
    db_path,
    key_error,
    open_store,
    print_json,
    print_table,
    read_file,
    read_passphrase,
    write_file,
    writing,
)


def register(sub, common) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        help="one inspection's PDF report (certificate, notice or record)",
    )
    p.add_argument("id", help="inspection id (or its first 6+ characters)")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE.pdf", help="the PDF file to write"
    )
    p.add_argument("--sign", action="store_true", help="sign with this inspector's key (PAdES)")
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of the PDF (default: zh)"
    )
    p.add_argument("--authority", metavar="TEXT", help="issuing authority printed in the header")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "summary", parents=[common], help="summary report for a period, a premises or a market"
    )
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD (included)"
    )
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD (included)")
    p.add_argument("--premises", metavar="ID", help="only this premises (its id)")
    p.add_argument(
        "--city", metavar="CITY", help="only premises in this city (as recorded on the premises)"
    )
    p.add_argument("--market", metavar="M", help="only premises in this market (exact name)")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE.pdf", help="the PDF file to write"
    )
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of the PDF (default: zh)"
    )
    p.add_argument("--authority", metavar="TEXT", help="issuing authority printed in the header")
    p.add_argument("--sign", action="store_true", help="sign with this device's key (PAdES)")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser(
        "verify",
        parents=[common],
        help="check every signature of a signed report and its record: VALID (exit 0), "
        "MODIFIED-AFTER-SIGNING (3), INVALID (4), UNTRUSTED (5), UNREADABLE (6), "
        "WRONG-SIGNER (7), INDETERMINATE (8), REVOKED (9), SUPERSEDED (10)",
    )
    p.add_argument("file", metavar="FILE.pdf", help="the signed PDF to check")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_verify)

    cert = sub.add_parser(
        "certificate",
        parents=[common],
        help="the ledger of certificate and notice numbers: list, void",
    )
    cs = cert.add_subparsers(dest="certificate_command", required=True, metavar="COMMAND")
    p = cs.add_parser(
        "list",
        parents=[common],
        help="every number issued (issued or void, with the reason), and any gap in a sequence",
    )
    p.add_argument("--void", action="store_true", help="only the void numbers")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_certificate_list)
    p = cs.add_parser(
        "void",
        parents=[common],
        help="void an issued number whose document was never delivered or is withdrawn "
        "(audited; the number is never reused, the next signed issue takes a new one)",
    )
    p.add_argument("number", help="the certificate or notice number, e.g. HF2026-000012")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is void")
    p.add_argument("--by", required=True, metavar="NAME", help="who voids it (kept in the audit)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_certificate_void)


def cmd_report(args) -> int:
    from ..crypto.keys import KeyError_
    from ..services.reports import export_report, load_signer
    from .data_cmds import _find
    from .main import CliError

    out = Path(args.output)
    if out.is_dir():
        raise CliError(f"{out} is a folder; give a file name ending in .pdf")
    identity = None
    if args.sign:
        try:
            identity = load_signer(db_path(args), read_passphrase(args))
        except KeyError_ as exc:
            raise key_error(exc) from None
        for warning in identity.warnings:
            print(f"inspector-app: warning: {warning}", file=sys.stderr)
    store = open_store(args)
    with store:
        insp = _find(store, args.id)
        with writing(out):
            export_report(
                store,
                db_path(args),
                insp.id,
                out,
                args.lang,
                identity=identity,
                authority=args.authority,
            )
        from ..services.batch_export import document_number

        number = document_number(store, insp.id)  # as printed (JCJL when no certificate)
    signed = f", signed by {identity.name}" if identity else ""
    print(f"wrote {out} (report {number}{signed})")
    return 0


def cmd_summary(args) -> int:
    from ..crypto.keys import KeyError_
    from ..services.reports import load_signer
    from ..services.summary import build_summary

    identity = None
    if getattr(args, "sign", False):
        try:
            identity = load_signer(db_path(args), read_passphrase(args))
        except KeyError_ as exc:
            raise key_error(exc) from None
        for warning in identity.warnings:
            print(f"inspector-app: warning: {warning}", file=sys.stderr)
    store = open_store(args)
    with store:
        pdf = build_summary(
            store,
            date_from=args.date_from,
            date_to=args.date_to,
            premises_id=args.premises,
            market=args.market,
            city=args.city,
            lang=args.lang,
            authority=args.authority,
            identity=identity,
        )
    out = Path(args.output)
    write_file(out, pdf)
    print(f"wrote {out}")
    return 0


def cmd_verify(args) -> int:
    from ..services.verify import verify_report
    from ..store import open_database
    from ..store.db import is_database_file
    from .main import CliError

    path = Path(args.file)
    dbp = db_path(args)
    if is_database_file(path, extra=[dbp]):  # compared by stat: the file is never opened
        raise CliError(f"{path} is the program's database (or a file beside it), not a PDF report")
    data = read_file(path)
    store = open_database(dbp) if dbp.exists() else None  # never create a database just to verify
    try:
        result = verify_report(data, store, dbp)
    finally:
        if store is not None:
            store.close()
    if args.json:
        print_json({"file": str(path), **result.as_dict()})
    else:
        print(f"{result.status}  {path}")
        if result.signer:
            print(f"  signer:  {result.signer} (certificate SHA-256 {result.signer_fingerprint})")
        if result.signing_time:
            print(f"  signed:  {result.signing_time}")
        if result.report_no:
            print(f"  report:  {result.report_no}")
            print(f"  record hash: {result.record_hash}")
        record = {
            "matches": "matches the record in this database",
            "mismatch": "DOES NOT match the record in this database",
            "not in database": "not in this database (not cross-checked)",
            "not checked": "not checked",
        }[result.record_check]
        print(f"  record:  {record}")
        if result.superseded_by:
            print(f"  superseded by revision {result.superseded_by}")
        print(f"  {result.reason}")
        if len(result.signatures) > 1 or result.status != "VALID":
            for n, sig in enumerate(result.signatures, 1):
                role = f", {sig.role}" if sig.role else ""
                print(
                    f"  signature {n} ({sig.field}{role}): {sig.status}; {sig.signer or '?'}, "
                    f"{sig.signing_time or 'no time'}; covers {sig.covers or '?'} "
                    f"(bytes {sig.byte_range})"
                )
                if sig.status != "VALID" and sig.reason:
                    print(f"    {sig.reason}")
        for d in result.details:
            print(f"  note: {d}")
    return result.exit_code


def cmd_certificate_list(args) -> int:
    from ..store.reports import all_number_gaps, certificate_ledger

    store = open_store(args)
    with store:
        rows = certificate_ledger(store, None)
        gaps = all_number_gaps(store.conn)
    if args.void:
        rows = [r for r in rows if r["status"] == "void"]
    keys = (
        "number",
        "kind",
        "status",
        "inspection_id",
        "issued_at",
        "void_reason",
        "voided_at",
        "voided_by",
    )
    if args.json:
        print_json(
            {
                "numbers": [{k: r.get(k, "") for k in keys} for r in rows],
                "gaps": [{"body": b, "year": y, "seq": n} for b, y, n in gaps],
            }
        )
        return 1 if gaps else 0
    if rows:
        print_table(
            ["number", "kind", "status", "inspection", "issued", "void reason"],
            [
                [
                    r["number"],
                    r["kind"],
                    r["status"],
                    r["inspection_id"][:8],
                    r["issued_at"][:16],
                    r["void_reason"],
                ]
                for r in rows
            ],
        )
    else:
        print("no numbers issued" if not args.void else "no void numbers")
    for body, year, seq in gaps:
        print(f"GAP: number {seq} of {year} (issuing body {body}) is missing from the ledger")
    return 1 if gaps else 0


def cmd_certificate_void(args) -> int:
    from ..services.certificates import void_number

    store = open_store(args)
    with store:
        row = void_number(store, args.number, args.reason, actor=args.by)
    if args.json:
        print_json(row)
    else:
        print(
            f"void: {row['number']} ({row['kind']} of inspection {row['inspection_id']}): "
            f"{row['void_reason']}; the next signed issue takes a new number"
        )
    return 0
