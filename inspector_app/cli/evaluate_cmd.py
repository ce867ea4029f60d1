"""``inspector-app evaluate [FILE]``: the rules engine, JSON in and JSON out (docs/evaluate.md).

Reads one request from FILE or standard input and writes the result to standard output;
exit 0 whatever the verdict. Invalid input (and an unreadable file) writes
``{"error": {"path": ..., "message": ...}}`` to standard error and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from inspector_app.domain.errors import InputError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "evaluate",
        parents=[common],
        help="judge readings against a rule set (JSON in, JSON out)",
        description="Read one evaluate request (JSON) from FILE or standard input and write the result.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="request file (default: standard input)")
    p.set_defaults(func=run)


def _read(path: str | None) -> str | bytes:
    if path is None or path == "-":
        return sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError("", f"cannot read {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from inspector_app.domain.rules import evaluate
    from inspector_app.domain.rules.request_json import loads_request

    from ..store.rule_data import load_from_path
    from .common import db_path

    load_from_path(db_path(args))  # the rule data version the office installed, if any
    try:
        result = evaluate(loads_request(_read(args.file)))
    except InputError as exc:
        print(json.dumps(exc.as_json(), ensure_ascii=False), file=sys.stderr)
        return 2
    except ArithmeticError:
        # parse_decimal bounds every number it reads; this is the last guard, so that a value
        # beyond the decimal context is an input error, never a traceback
        error = InputError("", "a number is out of range for exact arithmetic")
        print(json.dumps(error.as_json(), ensure_ascii=False), file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
