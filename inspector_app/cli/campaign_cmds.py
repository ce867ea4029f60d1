"""``campaign new|list|show|assign``: special campaigns (专项) and their work lists; and the
visit figures ``stats --campaign C --kind KIND`` prints."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import (
    add_passphrase_option,
    db_path,
    open_store,
    print_json,
    print_table,
    read_passphrase,
    write_file,
)


def register(sub, common) -> None:
    cp = sub.add_parser("campaign", help="special campaigns: period, kinds, regions, work lists")
    cs = cp.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)

    p = cs.add_parser("new", parents=[common], help="define a campaign")
    p.add_argument("name", help="the campaign's name (unique)")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="first day")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE", help="last day")
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="KIND",
        help="kind of premises (market, market_stall, optical_shop, filling_station…; repeat)",
    )
    p.add_argument(
        "--region", action="append", default=[], metavar="R", help="city or county (repeat)"
    )
    p.add_argument(
        "--focus", action="append", default=[], metavar="TEXT", help="focus item (repeat)"
    )
    p.add_argument("--notes", default="", help="free notes")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_new)

    p = cs.add_parser("list", parents=[common], help="campaigns with their progress")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_list)

    p = cs.add_parser("show", parents=[common], help="one campaign: work list, progress, figures")
    p.add_argument("campaign", help="name or id")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_show)

    p = cs.add_parser(
        "progress",
        parents=[common],
        help="progress: premises assigned, visited, with findings, per inspector and county",
    )
    p.add_argument("campaign", help="name or id")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_progress)

    p = cs.add_parser(
        "report", parents=[common], help="the campaign summary PDF (zh/en, signed with --sign)"
    )
    p.add_argument("campaign", help="name or id")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE.pdf", help="the PDF file to write"
    )
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of the PDF (default: zh)"
    )
    p.add_argument("--authority", metavar="TEXT", help="issuing authority printed in the header")
    p.add_argument("--sign", action="store_true", help="sign with this device's key (PAdES)")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_report)

    p = cs.add_parser("assign", parents=[common], help="assign premises or markets to an inspector")
    p.add_argument("campaign", help="name or id")
    p.add_argument("--inspector", required=True, metavar="NAME", help="who does the visits")
    p.add_argument("--premises", action="append", default=[], metavar="ID", help="repeat")
    p.add_argument("--market", action="append", default=[], metavar="NAME", help="repeat")
    p.add_argument("--due", metavar="DATE", help="due date (default: the campaign's last day)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_assign)


def cmd_new(args) -> int:
    from ..services import campaigns

    with open_store(args) as store:
        c = campaigns.new_campaign(
            store,
            args.name,
            args.date_from,
            args.date_to,
            args.kind,
            args.region,
            args.focus,
            args.notes,
        )
    if args.json:
        from ..store.campaigns import as_dict

        print_json(as_dict(c))
    else:
        print(f"campaign {c.id} {c.name} ({c.date_from} .. {c.date_to})")
    return 0


def cmd_list(args) -> int:
    from ..services import campaigns
    from ..store.campaigns import as_dict

    with open_store(args) as store:
        r = campaigns.repo(store)
        items = [{**as_dict(c), "progress": r.progress(c.id)} for c in r.list()]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "name", "from", "to", "assigned", "done", "overdue"],
        [
            [
                c["id"][:8],
                c["name"],
                c["date_from"],
                c["date_to"],
                str(c["progress"]["assigned"]),
                str(c["progress"]["done"]),
                str(c["progress"]["overdue"]),
            ]
            for c in items
        ],
    )
    return 0


def cmd_show(args) -> int:
    from ..services import campaigns

    with open_store(args) as store:
        r = campaigns.repo(store)
        c = r.resolve(args.campaign)
        stats = campaigns.visit_statistics(store, campaign=c.id)
        data = {**stats["campaign"], "assignments": r.assignments(c.id), "statistics": stats}
    if args.json:
        print_json(data)
        return 0
    p = data["progress"]
    print(f"campaign   {c.name}  {c.date_from} .. {c.date_to}")
    print(f"kinds      {', '.join(c.kinds) or '-'}   regions {', '.join(c.regions) or '-'}")
    print(f"focus      {'; '.join(c.focus) or '-'}")
    print(f"progress   {p['done']} of {p['assigned']} done, {p['overdue']} overdue")
    print(f"summary    {campaigns.sentence(stats)}")
    if data["assignments"]:
        print_table(
            ["premises", "kind", "inspector", "due", "done"],
            [
                [
                    a["premises_name"],
                    a["kind"],
                    a["inspector"],
                    a["due_date"] or "",
                    "✓" if a["done_visit_id"] else "",
                ]
                for a in data["assignments"]
            ],
        )
    return 0


def cmd_progress(args) -> int:
    from ..services import campaigns

    with open_store(args) as store:
        p = campaigns.campaign_progress(store, args.campaign)
    if args.json:
        print_json(p)
        return 0
    tot = p["totals"]
    print(f"campaign   {p['campaign']['name']}")
    print(
        f"progress   {tot['visited']} of {tot['assigned']} visited"
        f" ({tot['visited_rate'] or '-'} %), {tot['findings']} with findings,"
        f" {tot['overdue']} overdue"
    )
    for title, key in (("inspector", "by_inspector"), ("county", "by_county")):
        print()
        print_table(
            [title, "assigned", "visited", "visited %", "findings", "overdue"],
            [
                [
                    g["name"] or "-",
                    str(g["assigned"]),
                    str(g["visited"]),
                    g["visited_rate"] or "-",
                    str(g["findings"]),
                    str(g["overdue"]),
                ]
                for g in p[key]
            ],
        )
    return 0


def cmd_report(args) -> int:
    from ..crypto.keys import KeyError_
    from ..services import campaigns
    from ..services.reports import load_signer
    from .common import key_error

    identity = None
    if args.sign:
        try:
            identity = load_signer(db_path(args), read_passphrase(args))
        except KeyError_ as exc:
            raise key_error(exc) from None
        for warning in identity.warnings:
            print(f"inspector-app: warning: {warning}", file=sys.stderr)
    with open_store(args) as store:
        pdf = campaigns.campaign_report(
            store, args.campaign, lang=args.lang, authority=args.authority, identity=identity
        )
    out = Path(args.output)
    write_file(out, pdf)
    signed = f", signed by {identity.name}" if identity else ""
    print(f"wrote {out}{signed}")
    return 0


def cmd_assign(args) -> int:
    from ..services import campaigns

    with open_store(args) as store:
        ids = campaigns.assign(
            store, args.campaign, args.inspector, args.premises, args.market, args.due
        )
    if args.json:
        print_json({"assignments": ids})
    else:
        print(f"{len(ids)} assignment(s) for {args.inspector}")
    return 0


def cmd_visit_stats(args) -> int:
    """``stats --campaign C --kind KIND``: the bureau's figures over finalized visits."""
    from ..services import campaigns

    with open_store(args) as store:
        st = campaigns.visit_statistics(
            store,
            campaign=args.campaign,
            premises_kind=args.kind,
            date_from=args.date_from,
            date_to=args.date_to,
            city=args.city,
            county=getattr(args, "county", None),
        )
    if args.json:
        print_json(st)
        return 0
    t = st["totals"]
    print(
        f"visits       {t['visits']}  (markets {t['markets']}, premises {t['premises']}, covert {t['covert']})"
    )
    print(
        f"instruments  {t['checked']} checked ({t['swept']} swept, {t['full']} fully inspected),"
        f" {t['failed']} failed, {t['cheating']} with cheating"
    )
    print(f"pass rate    {t['pass_rate'] or '-'} %   duties failed {t['duties_failed']}")
    print_table(
        ["kind", "premises", "checked", "swept", "full", "failed", "cheating", "pass rate"],
        [
            [
                e["kind"],
                str(e["premises"]),
                str(e["checked"]),
                str(e["swept"]),
                str(e["full"]),
                str(e["failed"]),
                str(e["cheating"]),
                e["pass_rate"] or "-",
            ]
            for e in st["by_kind"]
        ],
    )
    if st["by_county"]:
        print()
        print_table(
            ["city", "county", "premises", "checked", "failed", "cheating", "pass rate"],
            [
                [
                    g["city"] or "-",
                    g["county"] or "-",
                    str(g["premises"]),
                    str(g["checked"]),
                    str(g["failed"]),
                    str(g["cheating"]),
                    g["pass_rate"] or "-",
                ]
                for g in st["by_county"]
            ],
        )
    print(campaigns.sentence(st))
    return 0
