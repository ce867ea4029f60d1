"""``inspector-app keys …``: this computer's signing identity (create, rotate, request and
take a certificate from the office CA, import a PKCS#12 identity, export and show the
certificate, the history of its own certificates)."""

from __future__ import annotations

from typing import Any

from .common import (
    add_passphrase_option,
    db_path,
    key_error,
    keys_dir_of,
    p12_password,
    print_json,
    print_table,
    read_file,
    read_passphrase,
    write_file,
)


def register(sub, common) -> None:
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


def cmd_keys_init(args) -> int:
    from ..crypto.keys import KeyError_, init_identity

    passphrase = read_passphrase(args, confirm=True)
    try:
        identity = init_identity(
            keys_dir_of(args),
            args.name,
            passphrase,
            organization=args.organization,
            registration_no=args.registration_no,
            office=args.office,
            overwrite=args.replace,
        )
    except KeyError_ as exc:
        raise key_error(exc) from None
    print(f"created the signing identity {identity.name} in {keys_dir_of(args)}")
    print(f"certificate SHA-256 {identity.fingerprint}")
    if args.replace:
        print("the previous certificate is kept in the history ('keys history')")
    return 0


def cmd_keys_rotate(args) -> int:
    from ..crypto.keys import KeyError_, rotate_identity

    passphrase = read_passphrase(args, confirm=True)
    try:
        identity = rotate_identity(
            keys_dir_of(args),
            passphrase,
            name=args.name,
            organization=args.organization,
            registration_no=args.registration_no,
        )
    except KeyError_ as exc:
        raise key_error(exc) from None
    print(f"new signing identity {identity.name}; certificate SHA-256 {identity.fingerprint}")
    print(
        "the previous certificate is kept in the history: reports signed with it still verify "
        "here; send the new certificate to the office ('keys export-cert' or 'keys csr')"
    )
    return 0


def cmd_keys_csr(args) -> int:
    from ..crypto.keys import KeyError_, make_csr
    from ..services.reports import load_signer

    try:
        identity = load_signer(db_path(args), read_passphrase(args))
        csr = make_csr(
            identity, organization=args.organization, registration_no=args.registration_no
        )
    except KeyError_ as exc:
        raise key_error(exc) from None
    write_file(args.output, csr)
    print(f"wrote {args.output}; take it to the office CA ('inspector-app ca issue --csr FILE')")
    return 0


def cmd_keys_import_cert(args) -> int:
    from ..crypto.keys import KeyError_, common_name, fingerprint, import_certificate

    data = read_file(args.file)
    try:
        cert = import_certificate(keys_dir_of(args), data)
    except KeyError_ as exc:
        raise key_error(exc) from None
    print(
        f"now signing with the certificate issued to {common_name(cert)} by "
        f"{cert.issuer.rfc4514_string()}; SHA-256 {fingerprint(cert)}"
    )
    return 0


def cmd_keys_history(args) -> int:
    from ..crypto.keys import common_name, own_certificates

    rows: list[dict[str, Any]] = [
        {
            "fingerprint": c.fingerprint,
            "name": common_name(c.certificate),
            "issuer": c.certificate.issuer.rfc4514_string(),
            "valid_from": c.certificate.not_valid_before_utc.isoformat(timespec="seconds"),
            "valid_until": c.certificate.not_valid_after_utc.isoformat(timespec="seconds"),
            "retired_at": c.retired_at,
        }
        for c in own_certificates(keys_dir_of(args))
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

    try:
        cert = load_certificate_file(keys_dir_of(args))
    except KeyError_ as exc:
        raise key_error(exc) from None
    from cryptography.hazmat.primitives import serialization

    write_file(args.output, cert.public_bytes(serialization.Encoding.PEM))
    print(f"wrote {args.output}")
    return 0


def cmd_keys_import(args) -> int:
    from ..crypto.keys import KeyError_, import_pkcs12

    p12 = read_file(args.file)
    p12_pass = p12_password(args)
    passphrase = read_passphrase(args, confirm=True)
    try:
        identity = import_pkcs12(keys_dir_of(args), p12, p12_pass, passphrase)
    except KeyError_ as exc:
        raise key_error(exc) from None
    print(
        f"imported the signing identity {identity.name}; certificate SHA-256 {identity.fingerprint}"
    )
    return 0


def cmd_keys_show(args) -> int:
    from ..crypto.keys import KeyError_, common_name, fingerprint, load_certificate_file

    try:
        cert = load_certificate_file(keys_dir_of(args))
    except KeyError_ as exc:
        raise key_error(exc) from None
    info = {
        "name": common_name(cert),
        "fingerprint": fingerprint(cert),
        "valid_until": cert.not_valid_after_utc.date().isoformat(),
        "keys_dir": str(keys_dir_of(args)),
    }
    if args.json:
        print_json(info)
    else:
        print(f"{info['name']}  SHA-256 {info['fingerprint']}  valid until {info['valid_until']}")
    return 0
