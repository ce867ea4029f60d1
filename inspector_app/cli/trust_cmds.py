"""``inspector-app trust …``: the certificates whose reports and bundles are trusted (an
inspector, an office countersigner, or a CA whose every certificate is trusted), and the
certificates the office CA has revoked."""

from __future__ import annotations

from .common import (
    key_error,
    open_store,
    print_json,
    print_table,
    read_file,
)


def register(sub, common) -> None:
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


def cmd_trust_add(args) -> int:
    from cryptography.hazmat.primitives import serialization

    from ..crypto.keys import KeyError_, common_name, fingerprint, load_certificate
    from .main import CliError

    data = read_file(args.file)
    try:
        cert = load_certificate(data)
    except KeyError_ as exc:
        raise key_error(exc) from None
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
