"""Helpers shared by command modules: opening the store, printing tables and JSON."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from ..paths import resolve_db_path


def db_path(args: Namespace) -> Path:
    return resolve_db_path(getattr(args, "db", None))


def open_store(args: Namespace):
    from ..store import StoreError, open_database
    from .main import CliError

    try:
        return open_database(db_path(args))
    except StoreError as exc:
        raise CliError(str(exc), 1) from None


def print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    for row in [headers] + rows:
        print("  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths)).rstrip())
