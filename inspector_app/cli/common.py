"""Helpers shared by command modules: opening the store, printing tables and JSON."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..paths import resolve_db_path


def db_path(args: Namespace) -> Path:
    return resolve_db_path(getattr(args, "db", None))


def open_store(args: Namespace):
    from ..store import StoreError, open_database
    from .main import CliError

    try:
        # The first command of the day also keeps the day's backup (store/backups.py).
        store = open_database(db_path(args), daily_backup=True)
    except StoreError as exc:
        raise CliError(str(exc), 1) from None
    from ..store.rule_data import load_installed

    load_installed(store)  # the newest rule data version the office confirmed is active
    from ..store.forms import load_installed as load_forms

    load_forms(store)  # and the forms the office published
    return store


def print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    for row in [headers] + rows:
        print(
            "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
        )


def read_passphrase(args: Namespace, *, confirm: bool = False) -> bytes:
    """The passphrase from --passphrase-file, $INSPECTOR_PASSPHRASE or an interactive prompt;
    never from a plain argument."""
    import getpass
    import os

    from .main import CliError

    path = getattr(args, "passphrase_file", None)
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read the passphrase file {path} ({exc.strerror})") from None
        return text.rstrip("\r\n").encode("utf-8")
    env = os.environ.get("INSPECTOR_PASSPHRASE")
    if env:
        return env.encode("utf-8")
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(
            "a passphrase is needed: use --passphrase-file FILE or set INSPECTOR_PASSPHRASE"
        )
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Repeat the passphrase: ") != first:
        raise CliError("the two passphrases differ")
    return first.encode("utf-8")


def add_passphrase_option(parser) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the key passphrase from FILE (or set INSPECTOR_PASSPHRASE)",
    )


def read_file(path: str | Path, *, code: int = 2) -> bytes:
    """The bytes of the file the user named, or a CliError naming it (exit *code*, by
    default 2: a usage error)."""
    from .main import CliError

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path} ({exc.strerror})", code) from None


def write_file(path: str | Path, data: bytes, *, code: int = 2) -> None:
    """Write the file the user named atomically (``services.files.write_atomic``), or a
    CliError naming it (exit *code*, by default 2)."""
    from ..services.files import write_atomic

    with writing(path, code=code):
        write_atomic(Path(path), data)


@contextmanager
def writing(path: str | Path, *, code: int = 2) -> Iterator[None]:
    """Around a service that writes the file the user named (a report, a bundle, a list):
    an OSError becomes a CliError naming the file (exit *code*, by default 2)."""
    from .main import CliError

    try:
        yield
    except OSError as exc:
        raise CliError(f"cannot write {path} ({exc.strerror})", code) from None


def keys_dir_of(args: Namespace) -> Path:
    """The folder of this database's signing identity."""
    from ..paths import keys_dir

    return keys_dir(db_path(args))


def key_error(exc: Exception) -> Exception:
    """A key or certificate problem as a usage error (exit 2) with its one sentence."""
    from .main import CliError

    return CliError(str(exc), 2)


def p12_password(args: Namespace) -> bytes | None:
    """The PKCS#12 password: from --p12-password-file, INSPECTOR_P12_PASSWORD or a prompt
    (empty: none)."""
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
