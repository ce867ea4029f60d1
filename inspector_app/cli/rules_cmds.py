"""``inspector-app rules list|show|export|check|override|versions``: the rule sets, their
editions and clauses, and the rule data an office confirms (docs/rules.md, docs/evaluate.md).

``export`` writes a rule data file listing every number an office may replace, with its
built-in value; an office fills in the published values and a version string, ``check``
reads such a file and says what it would change, and ``override`` (supervisor database
only) signs it with the supervisor's identity and installs it as a new rule data version,
which office bundles carry to laptops. ``list`` and ``show`` name the installed version and
mark the values an office confirmed.
"""

from __future__ import annotations

import argparse
import json
import sys

from inspector_app.domain.errors import InputError

from .common import print_json, print_table


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    r = sub.add_parser(
        "rules",
        parents=[common],
        help="rule sets, editions in force, clauses and rule data",
        description="Show the rule sets the engine judges with, and read or prepare rule data files.",
    )
    rs = r.add_subparsers(dest="rules_command", metavar="ACTION", parser_class=type(r))
    rs.required = True

    p = rs.add_parser("list", parents=[common], help="every rule set with its dates and scope")
    p.add_argument("--family", metavar="F", help="only this family (e.g. scale, fuel_dispenser)")
    p.add_argument(
        "--date", metavar="DATE", help="mark the edition in force on this day (YYYY-MM-DD)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_list)

    p = rs.add_parser("show", parents=[common], help="the rules of one rule set with clauses")
    p.add_argument("ruleset", metavar="RULESET", help='a rule set name, e.g. "JJG 443-2023"')
    p.add_argument("--family", metavar="F", help="the family, when the name is ambiguous")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_show)

    p = rs.add_parser(
        "export", parents=[common], help="a rule data file of the numbers an office may confirm"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )
    p.add_argument("--family", metavar="F", help="only this family")
    p.add_argument(
        "--all",
        action="store_true",
        help="include rules already confirmed (default: only 🟡 and ❓)",
    )
    p.set_defaults(func=cmd_export)

    p = rs.add_parser(
        "check", parents=[common], help="read a rule data file and say what it changes"
    )
    p.add_argument("file", metavar="FILE", help="a rule data file (JSON)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_check)

    from .common import add_passphrase_option

    p = rs.add_parser(
        "override",
        parents=[common],
        help="sign and install a rule data file as a new version (supervisor database)",
        description="Lay the values of a rule data file over the installed rule data, sign the "
        "new version with your identity and make it the one evaluations use; the next office "
        "bundle carries it to the laptops.",
    )
    p.add_argument("file", metavar="FILE", help="a rule data file (JSON, as `rules export` writes)")
    p.add_argument(
        "--reason",
        metavar="TEXT",
        required=True,
        help="why the values change, e.g. the published document, clause and page",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_override)

    p = rs.add_parser(
        "versions", parents=[common], help="the rule data versions installed in this database"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_versions)


def _infos(family: str | None):
    from inspector_app.domain.rules import list_rulesets

    return list_rulesets(family)


def _load(args: argparse.Namespace) -> str:
    """Make the database's newest rule data version active (read-only; nothing is created)."""
    from ..store.rule_data import load_from_path
    from .common import db_path

    return load_from_path(db_path(args))


def cmd_list(args: argparse.Namespace) -> int:
    from inspector_app.domain.rules import edition_for, read_date
    from inspector_app.services.rule_data import confirmed_keys

    date = read_date(args.date, "--date") if args.date else None
    version = _load(args)
    office = confirmed_keys()
    rows = []
    for info in _infos(args.family):
        inf = info.in_force
        current = bool(date and inf and edition_for(info.family, date) == info.name)
        rows.append(
            {
                "family": info.family,
                "ruleset": info.name,
                "default": info.default,
                "in_force": None if inf is None else {"start": inf.start, "end": inf.end},
                "in_force_text": "—" if inf is None else inf.describe(),
                "scope": "" if inf is None else inf.scope,
                "rules": len(info.rules),
                "confirmed": sum(r.confirmed for r in info.rules),
                "office_values": sum((info.family, info.name, r.key) in office for r in info.rules),
                "rule_data": version,
                **({"in_force_on_date": current} if date else {}),
            }
        )
    if args.json:
        print_json(rows)
        return 0
    print(f"rule data: {version}")
    headers = ["family", "rule set", "in force", "confirmed", "office"] + (
        ["on date"] if date else []
    )
    print_table(
        headers,
        [
            [
                r["family"],
                r["ruleset"] + (" (default)" if r["default"] else ""),
                r["in_force_text"],
                f"{r['confirmed']}/{r['rules']}",
                str(r["office_values"] or ""),
            ]
            + (["←" if r["in_force_on_date"] else ""] if date else [])
            for r in rows
        ],
    )
    return 0


def _find(name: str, family: str | None):
    matches = [i for i in _infos(family) if name == i.name or name in i.aliases]
    if not matches:
        raise InputError(
            "ruleset", f"unknown rule set {name!r}; `inspector-app rules list` shows them"
        )
    if len(matches) > 1:
        fams = ", ".join(i.family for i in matches)
        raise InputError(
            "ruleset", f"{name!r} names rule sets of several families ({fams}); add --family"
        )
    return matches[0]


def cmd_show(args: argparse.Namespace) -> int:
    from inspector_app.domain.rules import docgen, ruledata
    from inspector_app.services.rule_data import confirmed_keys

    _load(args)
    office = confirmed_keys()
    info = _find(args.ruleset, args.family)
    rules = [
        {
            "key": r.key,
            "clause": r.clause,
            "confidence": r.confidence.value,
            "office": (info.family, info.name, r.key) in office,
            "summary": r.summary,
            "note": r.note,
            "data": ruledata.encode(r.data),
        }
        for r in info.rules
    ]
    if args.json:
        print_json(
            {
                "family": info.family,
                "ruleset": info.name,
                "title": info.title,
                "in_force": None
                if info.in_force is None
                else {
                    "start": info.in_force.start,
                    "end": info.in_force.end,
                    "scope": info.in_force.scope,
                },
                "rule_data": ruledata.active().version,
                "rules": rules,
            }
        )
        return 0
    print(f"{info.name} — {info.title}")
    print(f"in force: {info.in_force.describe() if info.in_force else 'no dates recorded'}")
    print(f"rule data: {ruledata.active().version}")
    print_table(
        ["rule", "mark", "office", "clause", "data"],
        [
            [
                r.key,
                r.confidence.mark,
                "office" if (info.family, info.name, r.key) in office else "",
                r.clause,
                docgen.render(r.data),
            ]
            for r in info.rules
        ],
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from inspector_app.domain.rules import ruledata

    overrides = []
    for info in _infos(args.family):
        for r in info.rules:
            if not ruledata.overridable(r.data) or (r.confirmed and not args.all):
                continue
            overrides.append(
                {
                    "family": info.family,
                    "ruleset": info.name,
                    "key": r.key,
                    "summary": r.summary,
                    "clause": r.clause,
                    "confidence": r.confidence.value,
                    "data": ruledata.encode(r.data),
                }
            )
    doc = {
        "version": "",
        "note": "Fill in the published values, set confidence to confirmed, give the clause "
        "and source, remove the rows you do not change, and name the version.",
        "overrides": overrides,
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise InputError("", f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"{len(overrides)} rules written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from inspector_app.domain.rules import list_rulesets, ruledata
    from inspector_app.domain.rules.request_json import loads_request

    try:
        with open(args.file, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError("", f"cannot read {args.file}: {exc.strerror or exc}") from None
    doc = loads_request(raw)
    if isinstance(doc.get("overrides"), list):  # rows of an export carry a summary: ignore it
        doc = {
            **doc,
            "overrides": [
                {k: v for k, v in o.items() if k != "summary"} if isinstance(o, dict) else o
                for o in doc["overrides"]
            ],
        }
    data = ruledata.parse(doc)
    builtin = {
        (i.family, i.name, r.key): r
        for i in list_rulesets(rule_data=ruledata.BUILTIN_DATA)
        for r in i.rules
    }
    changes = []
    for o in data.overrides:
        old = builtin[(o.family, o.ruleset, o.key)]
        changes.append(
            {
                "family": o.family,
                "ruleset": o.ruleset,
                "key": o.key,
                "from": ruledata.encode(old.data),
                "to": ruledata.encode(o.data),
                "confidence": o.confidence.value,
                "removes_warning": o.confidence.value == "confirmed",
                "clause": o.clause or old.clause,
            }
        )
    if args.json:
        print_json({"version": data.version, "changes": changes})
        return 0
    print(f"rule data {data.version}: {len(changes)} change(s)")
    for c in changes:
        mark = "confirmed" if c["removes_warning"] else c["confidence"]
        print(
            f"  {c['ruleset']} [{c['key']}]: {json.dumps(c['from'], ensure_ascii=False)} → "
            f"{json.dumps(c['to'], ensure_ascii=False)} ({mark}; {c['clause']})"
        )
    return 0


def _identity(args: argparse.Namespace):
    from ..crypto import keys
    from ..paths import keys_dir
    from .common import db_path, read_passphrase
    from .main import CliError

    kdir = keys_dir(db_path(args))
    if not keys.has_identity(kdir):
        raise CliError(
            "rule data is signed: create the supervisor's identity with "
            "'inspector-app keys init --name NAME'"
        )
    try:
        return keys.load_identity(kdir, read_passphrase(args))
    except keys.KeyError_ as exc:
        raise CliError(str(exc)) from None


def cmd_override(args: argparse.Namespace) -> int:
    from inspector_app.services import review, rule_data

    from .common import open_store

    doc = rule_data.read_override_file(args.file)
    store = open_store(args)
    try:
        review.require_supervisor(store)  # before asking for a passphrase
        identity = _identity(args)
        row = rule_data.override(store, doc, args.reason, identity, actor=identity.name)
    finally:
        store.close()
    info = rule_data.describe(row)
    if args.json:
        print_json(info)
        return 0
    print(
        f"rule data {row.version} installed (replaces {row.base}; {info['overrides']} office "
        f"value(s); signed by {row.created_by}); the next office bundle carries it to laptops"
    )
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    from inspector_app.services import rule_data

    from .common import open_store

    store = open_store(args)
    try:
        rows = [rule_data.describe(r) for r in rule_data.versions(store)]
    finally:
        store.close()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no rule data versions installed: the built-in data (builtin-2) is used")
        return 0
    print_table(
        ["version", "replaces", "values", "by", "at", "from", "reason"],
        [
            [
                r["version"] + (" (active)" if i == len(rows) - 1 else ""),
                r["base"],
                str(r["overrides"]),
                r["created_by"],
                r["created_at"][:16],
                r["source"],
                r["reason"],
            ]
            for i, r in enumerate(rows)
        ],
    )
    return 0
