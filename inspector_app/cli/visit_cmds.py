"""``visit new|list|show|sweep|finalize``: visits (现场检查) and their sweep of instruments."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .common import open_store, print_json, print_table
from .options import (
    add_action,
    add_json_option,
    add_officer_option,
    key_values,
    split_officers,
)

KINDS = ["routine", "campaign", "covert", "complaint", "follow_up"]
VISIT_ID = "visit id (or its first 6+ characters)"


def register(sub, common) -> None:
    vp = sub.add_parser(
        "visit", help="visits: premises or a whole market, officers, sweep of instruments"
    )
    vs = vp.add_subparsers(dest="visit_command", metavar="ACTION", required=True)

    p = add_action(
        vs,
        common,
        "new",
        "start a visit; its sweep is pre-filled from the register of the premises or market",
        cmd_new,
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--premises", metavar="ID", help="the premises visited (id)")
    where.add_argument("--market", metavar="NAME", help="a whole market with its stalls (name)")
    p.add_argument(
        "--kind", choices=KINDS, default="routine", help="kind of visit (default routine)"
    )
    add_officer_option(
        p,
        "NAME[:CERT]",
        "an officer present, with the enforcement certificate number (repeat; two at least"
        " for campaign, covert, complaint and follow-up work)",
    )
    p.add_argument(
        "--inspector", metavar="NAME", help="who keeps the record (default: first officer)"
    )
    p.add_argument("--at", metavar="TIME", help="date and time with offset (default: now)")
    p.add_argument("--campaign", metavar="C", help="campaign name or id")
    p.add_argument("--place", default="", help="where (default: the premises' address)")
    p.add_argument("--notes", default="", help="free notes on the visit")
    p.add_argument("--no-prefill", action="store_true", help="start with an empty sweep")
    p.add_argument(
        "--covert",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a covert test purchase: purchased_at, nozzle, receipt_no, amount_paid,"
        " volume_displayed, volume_measured (repeat)",
    )
    add_json_option(p)

    p = add_action(vs, common, "list", "list visits, newest first", cmd_list)
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day (included)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day (included)")
    p.add_argument("--kind", choices=KINDS, help="only this kind of visit")
    p.add_argument("--campaign", metavar="C", help="campaign name or id")
    p.add_argument(
        "--status", choices=["draft", "finalized"], help="only drafts or only sealed visits"
    )
    p.add_argument("--search", default="", help="text in the premises, market, place or inspector")
    p.add_argument("--limit", type=int, default=500, help="at most this many (default 500)")
    add_json_option(p)

    p = add_action(
        vs,
        common,
        "show",
        "one visit: officers, duties, sweep rows",
        cmd_show,
        ident=VISIT_ID,
    )
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the duties")
    add_json_option(p)

    p = add_action(
        vs,
        common,
        "sweep",
        "import sweep rows from CSV (all or nothing; every bad line named with its field)",
        cmd_sweep,
        ident=VISIT_ID,
    )
    p.add_argument("--file", required=True, metavar="ROWS.csv", help="UTF-8 CSV with a header row")
    p.add_argument("--rest-ok", action="store_true", help="then mark every unchecked row OK")
    add_json_option(p)

    p = add_action(
        vs,
        common,
        "duties",
        "answer duties of the premises (KEY=yes|no|na ...)",
        cmd_duties,
        ident=VISIT_ID,
    )
    p.add_argument(
        "answers", nargs="+", metavar="KEY=ANSWER", help="e.g. fair_scale=no (keys: visit show)"
    )
    add_json_option(p)

    p = add_action(
        vs,
        common,
        "finalize",
        "seal a visit (content hash)",
        cmd_finalize,
        ident=VISIT_ID,
    )
    p.add_argument("--rest-ok", action="store_true", help="mark every unchecked row OK first")
    add_json_option(p)


def _officers(values: list[str]):
    from ..domain.visits import Officer

    return [
        Officer(name, cert) for name, cert in split_officers(values, certificate_required=False)
    ]


def cmd_new(args) -> int:
    from ..domain.errors import InputError
    from ..services import campaigns
    from ..services import visits as vs

    officers = _officers(args.officer)
    inspector = args.inspector or (officers[0].name if officers else "")
    if not inspector:
        raise InputError("inspector", "name the inspector (--inspector) or an officer (--officer)")
    with open_store(args) as store:
        campaign_id = campaigns.repo(store).resolve(args.campaign).id if args.campaign else None
        v = vs.new_visit(
            store,
            inspector=inspector,
            premises_id=args.premises,
            market=args.market or "",
            kind=args.kind,
            started_at=args.at,
            officers=officers or None,
            campaign_id=campaign_id,
            place=args.place,
            notes=args.notes,
            prefill=not args.no_prefill,
        )
        if args.covert:
            covert = key_values(args.covert, "covert", "FIELD=VALUE")
            v = vs.repo(store).save(dataclasses.replace(v, covert=covert), inspector)
        detail = vs.visit_detail(store, v.id)
    if args.json:
        print_json(detail)
    else:
        print(
            f"visit {v.id} started: {detail['premises_name']}, {detail['counts']['rows']} instruments to sweep"
        )
    return 0


def cmd_list(args) -> int:
    from ..services import campaigns
    from ..services import visits as vs

    with open_store(args) as store:
        campaign_id = campaigns.repo(store).resolve(args.campaign).id if args.campaign else None
        rows = vs.repo(store).list(
            date_from=args.date_from,
            date_to=args.date_to,
            kind=args.kind,
            campaign_id=campaign_id,
            status=args.status,
            search=args.search,
            limit=args.limit,
        )
    if args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    print_table(
        ["id", "day", "kind", "state", "premises", "instruments", "checked", "failed", "full"],
        [
            [
                r.id[:8],
                r.day,
                r.kind,
                r.status,
                r.premises_name,
                str(r.rows),
                str(r.checked),
                str(r.failed),
                str(r.inspections),
            ]
            for r in rows
        ],
    )
    return 0


def cmd_show(args) -> int:
    from ..services import visits as vs

    with open_store(args) as store:
        d = vs.visit_detail(store, vs.repo(store).resolve(args.id), args.lang)
    if args.json:
        print_json(d)
        return 0
    print(f"visit      {d['id']}  ({d['status']})")
    print(f"premises   {d['premises_name']}  {d['city']}")
    print(f"when       {d['started_at']}   kind {d['kind']}")
    print(
        "officers   "
        + "; ".join(f"{o['name']} {o['certificate_no']}".strip() for o in d["officers"])
    )
    if d["content_hash"]:
        print(f"sealed     {d['content_hash']}")
    c = d["counts"]
    print(
        f"sweep      {c['rows']} instruments, {c['checked']} checked, {c['failed']} failed,"
        f" {c['cheating']} cheating, {c['full_inspections']} full inspections"
    )
    for item in d["duty_items"]:
        mark = {"yes": "✓", "no": "✗", "na": "-", "": "?"}[item["answer"]]
        print(f"  {mark} {item['label']}  [{item['article']}]")
    rows = [
        [
            str(r["seq"] + 1),
            r["label"] or r["identity_code"],
            r["verdict"] or "-",
            ",".join(r["failed"]),
            f"{r['error']}/{r['mpe']}" if r["mpe"] else "",
            (r["inspection_id"] or "")[:8],
        ]
        for r in d["rows"]
    ]
    if rows:
        print_table(["#", "instrument", "verdict", "failed", "error/MPE", "inspection"], rows)
    return 0


def cmd_sweep(args) -> int:
    from ..services import visits as vs

    with open_store(args) as store:
        visit_id = vs.repo(store).resolve(args.id)
        result = vs.import_csv(store, visit_id, Path(args.file))
        if args.rest_ok:
            result["rest_ok"] = vs.mark_rest_ok(store, visit_id)
        result["counts"] = vs.visit_detail(store, visit_id)["counts"]
    if args.json:
        print_json(result)
    else:
        c = result["counts"]
        print(
            f"{result['updated']} rows updated, {result['added']} added; {c['checked']} of"
            f" {c['rows']} checked, {c['failed']} failed"
        )
    return 0


def cmd_duties(args) -> int:
    from ..services import visits as vs

    answers = key_values(args.answers, "answers", "KEY=yes|no|na")
    with open_store(args) as store:
        visit_id = vs.repo(store).resolve(args.id)
        vs.set_duties(store, visit_id, answers)
        items = vs.visit_detail(store, visit_id)["duty_items"]
    if args.json:
        print_json(items)
    else:
        failed = [i["label"] for i in items if i["failed"]]
        print(f"{len(answers)} answers kept; {len(failed)} duties failed")
    return 0


def cmd_finalize(args) -> int:
    from ..services import visits as vs

    with open_store(args) as store:
        visit_id = vs.repo(store).resolve(args.id)
        if args.rest_ok:
            vs.mark_rest_ok(store, visit_id)
        v = vs.finalize(store, visit_id)
    if args.json:
        print_json({"id": v.id, "status": v.status, "content_hash": v.content_hash})
    else:
        print(f"visit {v.id} finalized, content hash {v.content_hash}")
    return 0
