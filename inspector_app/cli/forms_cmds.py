"""``inspector-app forms list|show|publish``: the inspection forms, their versions and
content hashes, and the revised forms an office publishes (docs/cli.md).

``show FAMILY --toml`` prints the form in use as TOML: an office edits it (for example adds
a checklist item) and ``publish`` (supervisor database only) validates it, signs it with the
supervisor's identity and stores it as a new version, which new drafts use and the next
office bundle carries to laptops. A draft keeps the form it was started on.
"""

from __future__ import annotations

import argparse
import sys

from .common import print_json, print_table


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    f = sub.add_parser(
        "forms",
        parents=[common],
        help="inspection forms, their versions and the office's revised forms",
        description="Show the inspection forms with their version and content hash, and "
        "publish a revised form from the office.",
    )
    fs = f.add_subparsers(dest="forms_command", metavar="ACTION", parser_class=type(f))
    fs.required = True

    p = fs.add_parser("list", parents=[common], help="every family's form in use and its versions")
    p.add_argument("--family", metavar="F", help="only this family, with every version")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_list)

    p = fs.add_parser("show", parents=[common], help="one form: version, hash, checklist, tests")
    p.add_argument("family", metavar="FAMILY", help="an instrument family, e.g. scale")
    p.add_argument(
        "form_version", metavar="VERSION", nargs="?", help="this version (default: the one in use)"
    )
    p.add_argument(
        "--toml", action="store_true", help="print the form's TOML text (to edit and publish)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_show)

    from .common import add_passphrase_option

    p = fs.add_parser(
        "publish",
        parents=[common],
        help="sign and store a revised form as a new version (supervisor database)",
        description="Check a revised form file like a shipped one, sign it with your identity "
        "and make it the form new drafts use; the next office bundle carries it to laptops.",
    )
    p.add_argument("family", metavar="FAMILY", help="the instrument family of the form")
    p.add_argument("file", metavar="FILE", help="the revised form (TOML)")
    p.add_argument("--reason", metavar="TEXT", required=True, help="why the form changes")
    p.add_argument("--form-version", metavar="V", default="", help="its version (default office-N)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_publish)


def _load(args: argparse.Namespace) -> None:
    """Install the database's published forms (the store is opened and closed)."""
    from .common import open_store

    open_store(args).close()  # open_store installs the published forms


def _family(name: str) -> str:
    from inspector_app.domain.rules import registry

    from .main import CliError

    if registry.get(name) is None:
        known = ", ".join(f.name for f in registry.families())
        raise CliError(f"no instrument family is called {name!r} (one of: {known})")
    return name


def _versions(family: str) -> list:
    """Every form version of *family* this program holds, oldest first."""
    from inspector_app.domain import forms

    return [forms.builtin_form(family), *forms.published(family)]


def _summary(form, in_use: bool) -> dict:
    return {
        "family": form.family,
        "version": form.version,
        "hash": form.hash,
        "in_use": in_use,
        "checklist": len(form.checklist),
        "tests": len(form.tests),
    }


def _toml(args: argparse.Namespace, form) -> str:
    """The form's TOML text: the shipped file, or the text the office published (kept in
    the database)."""
    from inspector_app.domain import forms
    from inspector_app.store.forms import get_version

    from .common import open_store

    if form.version == forms.BUILTIN_VERSION:
        return form.path.read_text("utf-8")
    store = open_store(args)
    try:
        row = get_version(store.conn, form.family, form.version)
    finally:
        store.close()
    return row.toml if row is not None else ""


def cmd_list(args: argparse.Namespace) -> int:
    from inspector_app.domain import forms
    from inspector_app.domain.rules import registry

    _load(args)
    families = [_family(args.family)] if args.family else [f.name for f in registry.families()]
    rows = []
    for family in families:
        current = forms.load_form(family)
        shown = _versions(family) if args.family else [current]
        rows += [_summary(f, f.version == current.version) for f in shown]
    if args.json:
        print_json(rows)
        return 0
    print_table(
        ["family", "version", "hash", "checklist", "tests"],
        [
            [
                r["family"],
                r["version"] + (" (in use)" if r["in_use"] and args.family else ""),
                r["hash"][:16],
                str(r["checklist"]),
                str(r["tests"]),
            ]
            for r in rows
        ],
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from inspector_app.domain import forms

    from .main import CliError

    _load(args)
    family = _family(args.family)
    current = forms.load_form(family)
    form = current
    if args.form_version:
        found = [f for f in _versions(family) if f.version == args.form_version]
        if not found:
            raise CliError(f"the {family} form has no version {args.form_version!r} here")
        form = found[-1]
    if args.toml:
        sys.stdout.write(_toml(args, form))
        return 0
    info = {
        **_summary(form, form.version == current.version),
        "label": {"zh": form.label.zh, "en": form.label.en},
        "checklist_items": [
            {"key": q.key, "group": q.group, "zh": q.label.zh, "en": q.label.en}
            for q in form.checklist
        ],
        "test_kinds": [t.kind for t in form.tests],
    }
    if args.json:
        print_json(info)
        return 0
    print(f"{form.family} form {form.version}{' (in use)' if info['in_use'] else ''}")
    print(f"hash: {form.hash}")
    print(f"checklist ({len(form.checklist)}):")
    for q in form.checklist:
        print(f"  {q.key}  [{q.group}]  {q.label.zh} / {q.label.en}")
    print(f"tests ({len(form.tests)}): {', '.join(info['test_kinds'])}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from inspector_app.services import forms as service
    from inspector_app.services import review

    from .common import open_store
    from .rules_cmds import _identity

    family = _family(args.family)
    text = service.read_form_file(args.file)
    store = open_store(args)
    try:
        review.require_supervisor(store)  # before asking for a passphrase
        identity = _identity(args)
        row = service.publish(
            store, family, text, args.reason, identity, args.form_version, actor=identity.name
        )
    finally:
        store.close()
    info = service.describe(row)
    if args.json:
        print_json(info)
        return 0
    print(
        f"{family} form {row.version} published (hash {row.hash[:16]}…; signed by "
        f"{row.created_by}); new drafts use it and the next office bundle carries it to laptops"
    )
    return 0
