"""The office's certification authority: ca init, issue, revoke, list, cert.

The CA lives in ``ca/`` beside the office database (key encrypted with the passphrase from
``--passphrase-file`` or ``INSPECTOR_PASSPHRASE``). ``ca init`` also trusts the new CA in
this database; ``ca revoke`` records the revocation in the database too, so the next office
bundle carries it to the laptops.
"""

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
)


def register(sub, common) -> None:
    ca = sub.add_parser(
        "ca",
        parents=[common],
        help="the office's certification authority: issue and revoke inspector certificates",
    )
    cs = ca.add_subparsers(
        dest="ca_command", metavar="COMMAND", required=True, parser_class=sub._parser_class
    )
    p = cs.add_parser(
        "init", parents=[common], help="create the office CA (key + CA certificate, 10 years)"
    )
    p.add_argument("--name", required=True, metavar="ORG", help="the organisation running the CA")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_ca_init)

    p = cs.add_parser(
        "issue",
        parents=[common],
        help="issue a signing certificate (digitalSignature + nonRepudiation) to an inspector "
        "or an office countersigner",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--csr", metavar="FILE", help="the laptop's request ('keys csr'); its key stays there"
    )
    src.add_argument(
        "--name", metavar="NAME", help="issue with a new key, delivered as PKCS#12 (-o FILE.p12)"
    )
    p.add_argument(
        "--registration-no", default="", metavar="N", help="the inspector's registration number"
    )
    p.add_argument(
        "--organization", default="", metavar="ORG", help="organisation (default: the CA's)"
    )
    p.add_argument(
        "--role",
        choices=["inspector", "viewer", "supervisor", "administrator", "office"],
        default="inspector",
        help="the account the office grants, carried in the certificate: inspector (default), "
        "viewer (reads the office database), supervisor (reviews, countersigns 核验员/批准人, "
        "overrides rule data, makes office bundles), administrator (a supervisor who also "
        "runs the office); office: the older name of supervisor",
    )
    p.add_argument(
        "--days", type=int, default=3 * 365, metavar="N", help="validity in days (default: 1095)"
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="certificate (PEM) or FILE.p12 to write",
    )
    p.add_argument(
        "--p12-password-file",
        metavar="FILE",
        help="password of the PKCS#12 file made with --name (or set INSPECTOR_P12_PASSWORD)",
    )
    add_passphrase_option(p)
    p.set_defaults(func=cmd_ca_issue)

    p = cs.add_parser(
        "revoke",
        parents=[common],
        help="revoke a certificate from a moment on; travels to laptops in office bundles",
    )
    p.add_argument("serial", help="the certificate's serial number (decimal, or 0x hex)")
    p.add_argument(
        "--time",
        metavar="T",
        help="revoked from this moment (ISO 8601 with time zone, e.g. 2026-05-01T08:00+08:00; "
        "default: now)",
    )
    p.add_argument(
        "--reason",
        default="unspecified",
        choices=[
            "unspecified",
            "key_compromise",
            "affiliation_changed",
            "superseded",
            "cessation_of_operation",
        ],
        help="why (default: unspecified)",
    )
    add_passphrase_option(p)
    p.set_defaults(func=cmd_ca_revoke)

    p = cs.add_parser("list", parents=[common], help="the certificates this CA issued")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_ca_list)

    p = cs.add_parser(
        "cert", parents=[common], help="write the CA certificate (for 'trust add' on laptops)"
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the PEM file to write")
    p.set_defaults(func=cmd_ca_cert)


def _ca_dir(args) -> Path:
    return db_path(args).parent / "ca"


def cmd_ca_init(args) -> int:
    from cryptography.hazmat.primitives import serialization

    from ..crypto import ca
    from ..crypto.keys import KeyError_, common_name, fingerprint

    passphrase = read_passphrase(args, confirm=True)
    try:
        cert = ca.init_ca(_ca_dir(args), args.name, passphrase)
    except KeyError_ as exc:
        raise key_error(exc) from None
    fp = fingerprint(cert)
    store = open_store(args)
    with store:
        store.trust.add(
            fp,
            common_name(cert),
            "ca",
            cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            actor="cli",
        )
    print(f"created the CA {common_name(cert)} in {_ca_dir(args)}; SHA-256 {fp}")
    print("laptops trust it with 'inspector-app trust add' of the file from 'ca cert'")
    return 0


def cmd_ca_issue(args) -> int:
    from cryptography.hazmat.primitives import serialization

    from ..crypto import ca
    from ..crypto.keys import KeyError_, common_name, fingerprint

    csr = read_file(args.csr) if args.csr else None
    p12_pass = None
    if not args.csr:
        from .common import p12_password

        p12_pass = p12_password(args)
    passphrase = read_passphrase(args)
    try:
        issued = ca.issue(
            _ca_dir(args),
            passphrase,
            csr_pem=csr,
            name=args.name or "",
            registration_no=args.registration_no,
            organization=args.organization,
            role=args.role,
            days=args.days,
            p12_password=p12_pass,
        )
    except KeyError_ as exc:
        raise key_error(exc) from None
    cert = issued.certificate
    if issued.p12 is not None:
        write_file(args.output, issued.p12)
    else:
        chain = cert.public_bytes(serialization.Encoding.PEM) + ca.ca_certificate(
            _ca_dir(args)
        ).public_bytes(serialization.Encoding.PEM)
        write_file(args.output, chain)
    print(
        f"issued to {common_name(cert)} ({args.role}): serial {cert.serial_number}, valid "
        f"until {cert.not_valid_after_utc.date()}, SHA-256 {fingerprint(cert)}; wrote {args.output}"
    )
    if issued.p12 is not None and not p12_pass:
        print(
            "inspector-app: warning: the PKCS#12 file has no password; hand it over in person",
            file=sys.stderr,
        )
    return 0


def cmd_ca_revoke(args) -> int:
    from ..crypto import ca
    from ..crypto.keys import KeyError_

    passphrase = read_passphrase(args)
    try:
        rev = ca.revoke(_ca_dir(args), passphrase, args.serial, args.time, args.reason)
    except KeyError_ as exc:
        raise key_error(exc) from None
    store = open_store(args)
    with store:
        store.trust.revocations.add(
            rev.issuer_fingerprint,
            rev.serial,
            rev.revoked_at,
            rev.reason,
            rev.subject,
            actor="cli",
        )
    print(
        f"revoked serial {rev.serial} ({rev.subject}) from {rev.revoked_at}; the next office "
        "bundle carries the revocation to the laptops"
    )
    return 0


def cmd_ca_list(args) -> int:
    from ..crypto import ca
    from ..crypto.keys import KeyError_

    try:
        ca.ca_certificate(_ca_dir(args))
        rows = ca.issued(_ca_dir(args))
    except KeyError_ as exc:
        raise key_error(exc) from None
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no certificates issued yet")
        return 0
    print_table(
        ["serial", "name", "registration", "role", "valid until", "revoked from"],
        [
            [
                r["serial"],
                r["name"],
                r.get("registration_no", ""),
                r["role"],
                r["not_after"][:10],
                (r["revoked"] or {}).get("revoked_at", ""),
            ]
            for r in rows
        ],
    )
    return 0


def cmd_ca_cert(args) -> int:
    from cryptography.hazmat.primitives import serialization

    from ..crypto import ca
    from ..crypto.keys import KeyError_

    try:
        cert = ca.ca_certificate(_ca_dir(args))
    except KeyError_ as exc:
        raise key_error(exc) from None
    write_file(args.output, cert.public_bytes(serialization.Encoding.PEM))
    print(f"wrote {args.output}")
    return 0
