"""Option shapes and parsing helpers shared by the command modules (``case``, ``visit`` …).

A sub-command is added with :func:`add_action` (the common options, an optional record id)
and :func:`add_json_option`; repeated ``--officer NAME:CERT`` and ``KEY=VALUE`` arguments
are read by :func:`split_officers` and :func:`key_values`, which name the bad argument in a
one-sentence :class:`~inspector_app.domain.errors.InputError`; warnings go to standard
error through :func:`print_warnings`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from ..domain.errors import InputError

JSON_HELP = "print JSON instead of text"


def add_json_option(parser) -> None:
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def add_action(
    actions,
    common,
    name: str,
    help_text: str,
    func: Callable[..., int],
    *,
    ident: str | None = None,
):
    """Add sub-command *name* to *actions* (an argparse sub-parsers object) with the common
    options; *ident* is the help of a leading record-id argument (none when it is None).
    Its own options follow, then :func:`add_json_option` where it can print JSON."""
    q = actions.add_parser(name, parents=[common], help=help_text)
    if ident is not None:
        q.add_argument("id", help=ident)
    q.set_defaults(func=func)
    return q


def add_officer_option(parser, metavar: str, help_text: str) -> None:
    """A repeatable ``--officer`` (collected into a list, empty by default)."""
    parser.add_argument("--officer", action="append", default=[], metavar=metavar, help=help_text)


def split_officers(
    values: Iterable[str], *, certificate_required: bool, where: str = "officer"
) -> list[tuple[str, str]]:
    """(name, enforcement certificate number) of each ``NAME:CERT`` text, both stripped; when
    *certificate_required* a text without the colon is refused."""
    out = []
    for i, v in enumerate(values):
        name, sep, cert = v.partition(":")
        if certificate_required and not sep:
            raise InputError(f"{where}[{i}]", f"{v!r}: write NAME:CERTIFICATE_NO")
        out.append((name.strip(), cert.strip()))
    return out


def key_values(values: Iterable[str], where: str, shape: str) -> dict[str, str]:
    """``KEY=VALUE`` texts as a dict (both sides stripped; a later key wins); a text without
    ``=`` is refused as not being *shape* (e.g. ``"KEY=yes|no|na"``)."""
    out: dict[str, str] = {}
    for text in values:
        key, sep, value = text.partition("=")
        if not sep:
            raise InputError(where, f"{text!r} is not {shape}")
        out[key.strip()] = value.strip()
    return out


def print_warnings(warnings: Iterable[str], prefix: str = "warning: ") -> None:
    """Each warning on its own line of standard error."""
    for w in warnings:
        print(f"{prefix}{w}", file=sys.stderr)


def iso_date(value: str | None, path: str) -> str | None:
    """*value* as an ISO date (None when empty); InputError naming *path* otherwise."""
    import datetime as dt

    from ..domain.errors import InputError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(path, f"{value!r} is not a date (use YYYY-MM-DD)") from None
