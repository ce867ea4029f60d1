"""Entry point of the ``inspector-app`` console script.

Each command group lives in its own module under ``inspector_app.cli`` and exposes
``register(subparsers, common)``; a parser it adds sets ``func=<callable(args) -> int>``.
Command modules import heavy libraries (Qt, reportlab, pyHanko) inside their functions so
that ``inspector-app list`` stays fast.

Exit status: 0 success; 1 a check/verification/import ran and found a problem; 2 bad usage
or invalid input. Errors are one sentence on standard error (JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sqlite3
import sys
from typing import NoReturn

from inspector_app.domain.errors import InputError

from .examples import add_examples

# One line per command module; each adds its sub-commands.
COMMAND_MODULES = [
    "inspector_app.cli.data_cmds",
    "inspector_app.cli.evaluate_cmd",
    "inspector_app.cli.rules_cmds",
    "inspector_app.cli.forms_cmds",
    "inspector_app.cli.report_cmds",
    "inspector_app.cli.keys_cmds",
    "inspector_app.cli.trust_cmds",
    "inspector_app.cli.bundle_cmds",
    "inspector_app.cli.review_cmds",
    "inspector_app.cli.stats_cmds",
    "inspector_app.cli.ca_cmds",
    "inspector_app.cli.visit_cmds",
    "inspector_app.cli.campaign_cmds",
    "inspector_app.cli.case_cmds",
    "inspector_app.cli.office_cmds",
]


class CliError(Exception):
    """A failure to report as one sentence; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse prints usage + exits 2; keep it short
        self.print_usage(sys.stderr)
        print(f"inspector-app: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    db_help = (
        "database file, or an office database's postgresql:// URL"
        " (default: $INSPECTOR_DB or the user data directory)"
    )
    # Sub-commands accept --db too (after their name); SUPPRESS keeps a sub-parser from
    # overwriting a --db given before the sub-command with its own default.
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    parser = _Parser(
        prog="inspector-app",
        description="Field inspection for legal metrology. Without a sub-command, opens the window.",
    )
    parser.add_argument("--db", metavar="PATH", default=None, help=db_help)
    parser.add_argument("--lang", choices=["zh", "en"], help="language of the window")
    parser.add_argument(
        "--self-test", action="store_true", help="run the built-in self test and exit"
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    add_examples(parser)  # the epilog of every --help: inspector_app/cli/examples.py
    return parser


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def report_error(args: argparse.Namespace, message: str, *, path: str = "") -> None:
    if wants_json(args):
        print(
            json.dumps({"error": {"path": path, "message": message}}, ensure_ascii=False),
            file=sys.stderr,
        )
    else:
        print(f"inspector-app: {message}", file=sys.stderr)


def _storage_message(exc: sqlite3.DatabaseError, args: argparse.Namespace) -> str:
    from inspector_app.store.db import disk_full_message
    from inspector_app.store.opening import damaged_message

    text = str(exc)
    path = _db_path_or_none(args)
    if path is not None:
        full = disk_full_message(path, exc)
        if full:
            return full
    elif "full" in text:
        return "the disk is full (or the file size limit was reached); the last change was not saved and the database is as it was before it"
    if "locked" in text or "busy" in text:
        return "the database is in use by another program; close it and try again"
    if not isinstance(exc, sqlite3.OperationalError) or "malformed" in text:
        if path is not None:
            return damaged_message(path, text)
        return f"the database is damaged ({text})"
    if "disk I/O" in text:
        return "the database file could not be read or written (disk I/O error); check that the disk is still attached and healthy, then try again"
    return f"the database could not be written ({text})"


def _db_path_or_none(args: argparse.Namespace):
    try:
        from inspector_app.paths import resolve_db_path

        return resolve_db_path(getattr(args, "db", None)).absolute()
    except Exception:  # noqa: BLE001 - only used to word a message
        return None


def print_version(args: argparse.Namespace) -> None:
    from inspector_app.logs import versions
    from inspector_app.paths import data_paths

    for key, value in versions().items():
        print(f"{key} {value}")
    for key, value in data_paths(getattr(args, "db", None)).items():
        print(f"{key}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print_version(args)
        return 0
    if args.self_test:
        from inspector_app.services.selftest import run_self_test

        return run_self_test()
    func = getattr(args, "func", None)
    if func is None:
        from inspector_app.ui.app import run_gui

        return run_gui(db=args.db, lang=args.lang)
    from inspector_app import logs

    logs.setup("cli")
    try:
        return _run(func, args)
    finally:
        logs.shutdown()


def _run(func, args: argparse.Namespace) -> int:
    from inspector_app import logs

    try:
        return int(func(args) or 0)
    except InputError as exc:
        report_error(
            args, exc.message if not exc.path else f"{exc.path}: {exc.message}", path=exc.path
        )
        return 2
    except CliError as exc:
        report_error(args, str(exc))
        return exc.code
    except sqlite3.DatabaseError as exc:
        logs.log_exception(f"command {getattr(args, 'command', '')}", exc)
        report_error(args, _storage_message(exc, args))
        return 1
    except KeyboardInterrupt:
        report_error(args, "interrupted")
        return 130
    except BrokenPipeError:
        # stdout closed early (e.g. piped into `head`); not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug of ours: one sentence here, the traceback in the log
        logs.log_exception(f"command {getattr(args, 'command', '')}", exc)
        report_error(
            args,
            f"unexpected error ({type(exc).__name__}: {exc}); everything saved before it is kept, "
            f"and the details are in {logs.log_file()}",
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
