"""Commands for reports, keys and trust: report, summary, verify, keys, trust."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import (
    add_passphrase_option,
    db_path,
    open_store,
    print_json,
    print_table,
    read_passphrase,
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

    keys = sub.add_parser("keys", parents=[common], help="this inspector's signing identity")
    ks = keys.add_subparsers(
        dest="keys_command", metavar="COMMAND", required=True, parser_class=sub._parser_class
    )
    p = ks.add_parser(
        "init", parents=[common], help="create the signing identity (key + self-signed certificate)"
    )
    p.add_argument(
        "--name", required=True, help="your name, as printed on reports and certificates"
    )
    p.add_argument(
        "--organization", default="", metavar="ORG", help="organisation in the certificate"
    )
    p.add_argument(
        "--registration-no", default="", metavar="N", help="your inspector registration number"
    )
    p.add_argument(
        "--office",
        action="store_true",
        help="an office countersigner's key (核验员/批准人): it may sign any inspector's report",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the current identity; its certificate is kept in the history",
    )
    add_passphrase_option(p)
    p.set_defaults(func=cmd_keys_init)
    p = ks.add_parser(
        "rotate",
        parents=[common],
        help="new key and certificate; the old certificate stays in the history, so reports "
        "signed with it still verify here",
    )
    p.add_argument("--name", help="name in the new certificate (default: the current one)")
    p.add_argument(
        "--organization", default=None, metavar="ORG", help="organisation in the certificate"
    )
    p.add_argument(
        "--registration-no", default=None, metavar="N", help="your inspector registration number"
    )
    add_passphrase_option(p)
    p.set_defaults(func=cmd_keys_rotate)
    p = ks.add_parser(
        "csr",
        parents=[common],
        help="write a certificate signing request for the office CA (the key stays here)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the request to write")
    p.add_argument(
        "--registration-no", default="", metavar="N", help="your inspector registration number"
    )
    p.add_argument("--organization", default="", metavar="ORG", help="organisation to request")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_keys_csr)
    p = ks.add_parser(
        "import-cert",
        parents=[common],
        help="take the certificate the office CA issued for this key (PEM, with the CA after it)",
    )
    p.add_argument("file", metavar="FILE", help="the certificate file from the office")
    p.set_defaults(func=cmd_keys_import_cert)
    p = ks.add_parser(
        "history",
        parents=[common],
        help="this computer's own certificates, current and earlier, with when each was used",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_keys_history)
    p = ks.add_parser(
        "export-cert",
        parents=[common],
        help="write the public certificate (for the office's trust list)",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the certificate file to write (PEM)"
    )
    p.set_defaults(func=cmd_keys_export)
    p = ks.add_parser(
        "import-p12", parents=[common], help="take an identity issued by an office CA (PKCS#12)"
    )
    p.add_argument("file", metavar="FILE.p12", help="the PKCS#12 file from the office")
    p.add_argument(
        "--p12-password-file",
        metavar="FILE",
        help="the PKCS#12 password (or set INSPECTOR_P12_PASSWORD; empty when neither)",
    )
    add_passphrase_option(p)
    p.set_defaults(func=cmd_keys_import)
    p = ks.add_parser("show", parents=[common], help="name and fingerprint of the signing identity")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_keys_show)

    trust = sub.add_parser(
        "trust", parents=[common], help="certificates whose reports and bundles are trusted"
    )
    ts = trust.add_subparsers(
        dest="trust_command", metavar="COMMAND", required=True, parser_class=sub._parser_class
    )
    p = ts.add_parser(
        "add",
        parents=[common],
        help="trust a certificate file (PEM or DER); a CA certificate makes every "
        "certificate it issued trusted",
    )
    p.add_argument("file", help="the certificate file (PEM or DER)")
    p.add_argument("--name", help="name to show (default: the certificate's common name)")
    p.add_argument(
        "--as",
        dest="kind",
        choices=["inspector", "office", "ca"],
        help="what the certificate is trusted as (default: ca for a CA certificate, "
        "else inspector); office: a countersigner for any inspector's report",
    )
    p.set_defaults(func=cmd_trust_add)
    p = ts.add_parser(
        "revocations", parents=[common], help="certificates the office CA has revoked"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_trust_revocations)
    p = ts.add_parser("list", parents=[common], help="the trusted certificates")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_trust_list)
    p = ts.add_parser("remove", parents=[common], help="stop trusting a certificate")
    p.add_argument("id", help="fingerprint (at least its first 8 characters)")
    p.set_defaults(func=cmd_trust_remove)


def _keys_dir(args) -> Path:
    from ..paths import keys_dir

    return keys_dir(db_path(args))


def _key_error(exc) -> Exception:
    from .main import CliError

    return CliError(str(exc), 2)


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
            raise _key_error(exc) from None
        for warning in identity.warnings:
            print(f"inspector-app: warning: {warning}", file=sys.stderr)
    store = open_store(args)
    with store:
        insp = _find(store, args.id)
        try:
            export_report(
                store,
                db_path(args),
                insp.id,
                out,
                args.lang,
                identity=identity,
                authority=args.authority,
            )
        except OSError as exc:
            raise CliError(f"cannot write {out} ({exc.strerror})") from None
        from ..services.batch_export import document_number

        number = document_number(store, insp.id)  # as printed (JCJL when no certificate)
    signed = f", signed by {identity.name}" if identity else ""
    print(f"wrote {out} (report {number}{signed})")
    return 0


def cmd_summary(args) -> int:
    from ..crypto.keys import KeyError_
    from ..services.files import write_atomic
    from ..services.reports import load_signer
    from ..services.summary import build_summary
    from .main import CliError

    identity = None
    if getattr(args, "sign", False):
        try:
            identity = load_signer(db_path(args), read_passphrase(args))
        except KeyError_ as exc:
            raise _key_error(exc) from None
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
    try:
        write_atomic(out, pdf)
    except OSError as exc:
        raise CliError(f"cannot write {out} ({exc.strerror})") from None
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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path} ({exc.strerror})") from None
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


def cmd_keys_init(args) -> int:
    from ..crypto.keys import KeyError_, init_identity

    passphrase = read_passphrase(args, confirm=True)
    try:
        identity = init_identity(
            _keys_dir(args),
            args.name,
            passphrase,
            organization=args.organization,
            registration_no=args.registration_no,
            office=args.office,
            overwrite=args.replace,
        )
    except KeyError_ as exc:
        raise _key_error(exc) from None
    print(f"created the signing identity {identity.name} in {_keys_dir(args)}")
    print(f"certificate SHA-256 {identity.fingerprint}")
    if args.replace:
        print("the previous certificate is kept in the history ('keys history')")
    return 0


def cmd_keys_rotate(args) -> int:
    from ..crypto.keys import KeyError_, rotate_identity

    passphrase = read_passphrase(args, confirm=True)
    try:
        identity = rotate_identity(
            _keys_dir(args),
            passphrase,
            name=args.name,
            organization=args.organization,
            registration_no=args.registration_no,
        )
    except KeyError_ as exc:
        raise _key_error(exc) from None
    print(f"new signing identity {identity.name}; certificate SHA-256 {identity.fingerprint}")
    print(
        "the previous certificate is kept in the history: reports signed with it still verify "
        "here; send the new certificate to the office ('keys export-cert' or 'keys csr')"
    )
    return 0


def cmd_keys_csr(args) -> int:
    from ..crypto.keys import KeyError_, make_csr
    from ..services.files import write_atomic
    from ..services.reports import load_signer
    from .main import CliError

    try:
        identity = load_signer(db_path(args), read_passphrase(args))
        csr = make_csr(
            identity, organization=args.organization, registration_no=args.registration_no
        )
    except KeyError_ as exc:
        raise _key_error(exc) from None
    try:
        write_atomic(Path(args.output), csr)
    except OSError as exc:
        raise CliError(f"cannot write {args.output} ({exc.strerror})") from None
    print(f"wrote {args.output}; take it to the office CA ('inspector-app ca issue --csr FILE')")
    return 0


def cmd_keys_import_cert(args) -> int:
    from ..crypto.keys import KeyError_, common_name, fingerprint, import_certificate
    from .main import CliError

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file} ({exc.strerror})") from None
    try:
        cert = import_certificate(_keys_dir(args), data)
    except KeyError_ as exc:
        raise _key_error(exc) from None
    print(
        f"now signing with the certificate issued to {common_name(cert)} by "
        f"{cert.issuer.rfc4514_string()}; SHA-256 {fingerprint(cert)}"
    )
    return 0


def cmd_keys_history(args) -> int:
    from ..crypto.keys import common_name, own_certificates

    rows = [
        {
            "fingerprint": c.fingerprint,
            "name": common_name(c.certificate),
            "issuer": c.certificate.issuer.rfc4514_string(),
            "valid_from": c.certificate.not_valid_before_utc.isoformat(timespec="seconds"),
            "valid_until": c.certificate.not_valid_after_utc.isoformat(timespec="seconds"),
            "retired_at": c.retired_at,
        }
        for c in own_certificates(_keys_dir(args))
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no signing identity yet")
        return 0
    print_table(
        ["fingerprint", "name", "valid from", "valid until", "in use until"],
        [
            [
                r["fingerprint"][:16],
                r["name"],
                r["valid_from"][:10],
                r["valid_until"][:10],
                r["retired_at"] or "now (current)",
            ]
            for r in rows
        ],
    )
    return 0


def cmd_keys_export(args) -> int:
    from ..crypto.keys import KeyError_, load_certificate_file
    from ..services.files import write_atomic
    from .main import CliError

    try:
        cert = load_certificate_file(_keys_dir(args))
    except KeyError_ as exc:
        raise _key_error(exc) from None
    from cryptography.hazmat.primitives import serialization

    try:
        write_atomic(Path(args.output), cert.public_bytes(serialization.Encoding.PEM))
    except OSError as exc:
        raise CliError(f"cannot write {args.output} ({exc.strerror})") from None
    print(f"wrote {args.output}")
    return 0


def _p12_password(args) -> bytes | None:
    import os

    from .main import CliError

    if args.p12_password_file:
        try:
            return (
                Path(args.p12_password_file)
                .read_text(encoding="utf-8")
                .rstrip("\r\n")
                .encode("utf-8")
                or None
            )
        except OSError as exc:
            raise CliError(f"cannot read {args.p12_password_file} ({exc.strerror})") from None
    env = os.environ.get("INSPECTOR_P12_PASSWORD")
    if env is not None:
        return env.encode("utf-8") or None
    if sys.stdin and sys.stdin.isatty():
        import getpass

        return getpass.getpass("PKCS#12 password (empty for none): ").encode("utf-8") or None
    return None


def cmd_keys_import(args) -> int:
    from ..crypto.keys import KeyError_, import_pkcs12
    from .main import CliError

    try:
        p12 = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file} ({exc.strerror})") from None
    p12_password = _p12_password(args)
    passphrase = read_passphrase(args, confirm=True)
    try:
        identity = import_pkcs12(_keys_dir(args), p12, p12_password, passphrase)
    except KeyError_ as exc:
        raise _key_error(exc) from None
    print(
        f"imported the signing identity {identity.name}; certificate SHA-256 {identity.fingerprint}"
    )
    return 0


def cmd_keys_show(args) -> int:
    from ..crypto.keys import KeyError_, common_name, fingerprint, load_certificate_file

    try:
        cert = load_certificate_file(_keys_dir(args))
    except KeyError_ as exc:
        raise _key_error(exc) from None
    info = {
        "name": common_name(cert),
        "fingerprint": fingerprint(cert),
        "valid_until": cert.not_valid_after_utc.date().isoformat(),
        "keys_dir": str(_keys_dir(args)),
    }
    if args.json:
        print_json(info)
    else:
        print(f"{info['name']}  SHA-256 {info['fingerprint']}  valid until {info['valid_until']}")
    return 0


def cmd_trust_add(args) -> int:
    from cryptography.hazmat.primitives import serialization

    from ..crypto.keys import KeyError_, common_name, fingerprint, load_certificate
    from .main import CliError

    try:
        cert = load_certificate(Path(args.file).read_bytes())
    except OSError as exc:
        raise CliError(f"cannot read {args.file} ({exc.strerror})") from None
    except KeyError_ as exc:
        raise _key_error(exc) from None
    from ..crypto.ca import is_ca_certificate

    fp = fingerprint(cert)
    name = (args.name or common_name(cert)).strip()[:200]
    kind = args.kind or ("ca" if is_ca_certificate(cert) else "inspector")
    if kind == "ca" and not is_ca_certificate(cert):
        raise CliError("the certificate is not a CA certificate (no CA basic constraint)")
    if kind != "ca" and is_ca_certificate(cert):
        raise CliError("a CA certificate is trusted as a CA only ('--as ca')")
    store = open_store(args)
    with store:
        added = store.trust.add(
            fp,
            name,
            kind,
            cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            actor="cli",
        )
    what = {"ca": " (CA: every certificate it issued)", "office": " (office countersigner)"}
    print(f"{'trusted' if added else 'already trusted'}: {name}{what.get(kind, '')}  SHA-256 {fp}")
    return 0


def cmd_trust_list(args) -> int:
    store = open_store(args)
    with store:
        keys = store.trust.list()
    if args.json:
        print_json([{"fingerprint": k.fingerprint, "name": k.name, "kind": k.kind} for k in keys])
        return 0
    if not keys:
        print("no trusted certificates")
        return 0
    print_table(
        ["fingerprint", "name", "kind"], [[k.fingerprint[:16], k.name, k.kind] for k in keys]
    )
    return 0


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


def cmd_trust_remove(args) -> int:
    store = open_store(args)
    with store:
        key = store.trust.find(args.id)
        store.trust.remove(key.fingerprint, actor="cli")
    print(f"removed: {key.name}  SHA-256 {key.fingerprint}")
    return 0


def cmd_trust_revocations(args) -> int:
    store = open_store(args)
    with store:
        rows = store.trust.revocations.list()
    if args.json:
        print_json(
            [
                {
                    "issuer_fingerprint": r.issuer_fingerprint,
                    "serial": r.serial,
                    "revoked_at": r.revoked_at,
                    "reason": r.reason,
                    "subject": r.subject,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print("no revoked certificates")
        return 0
    print_table(
        ["serial", "name", "revoked from", "reason", "CA"],
        [[r.serial, r.subject, r.revoked_at, r.reason, r.issuer_fingerprint[:16]] for r in rows],
    )
    return 0
