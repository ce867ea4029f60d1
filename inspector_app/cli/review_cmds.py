"""Office review commands: role, review list / approve / return / comments. Statistics and
the list export are in :mod:`.stats_cmds`."""

from __future__ import annotations

from .common import (
    add_passphrase_option,
    db_path,
    open_store,
    print_json,
    print_table,
    read_passphrase,
)
from .options import iso_date

FAMILY_CHOICES = [
    "scale",
    "fuel_dispenser",
    "focimeter",
    "refractometer",
    "trial_lens_set",
    "pd_meter",
]


def register(sub, common) -> None:
    p = sub.add_parser(
        "role",
        parents=[common],
        help="show or choose this database's role (inspector or supervisor); under an office "
        "the office mode needs a supervisor or viewer certificate from the office CA",
    )
    p.add_argument(
        "role",
        nargs="?",
        choices=["inspector", "supervisor"],
        help="the new role; without it, show the current one",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_role)

    r = sub.add_parser("review", parents=[common], help="supervisor review of imported inspections")
    rs = r.add_subparsers(dest="review_command", metavar="ACTION", parser_class=type(r))
    rs.required = True

    p = rs.add_parser("list", parents=[common], help="the review queue (pending by default)")
    p.add_argument(
        "--inspector", metavar="X", help="only inspections by this inspector (exact name)"
    )
    p.add_argument("--market", metavar="M", help="only premises in this market (exact name)")
    p.add_argument(
        "--family",
        metavar="F",
        choices=FAMILY_CHOICES,
        help="only this instrument family: " + ", ".join(FAMILY_CHOICES),
    )
    p.add_argument("--verdict", metavar="V", choices=["pass", "fail"], help="pass or fail")
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD (included)"
    )
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD (included)")
    p.add_argument(
        "--state",
        choices=["pending", "approved", "returned", "all"],
        default="pending",
        help="which reviews to list (default: pending)",
    )
    p.add_argument(
        "--limit", type=int, default=200, metavar="N", help="at most N rows (default: 200)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_review_list)

    p = rs.add_parser("approve", parents=[common], help="approve an inspection (a signed review)")
    p.add_argument("id", help="inspection id (or its first 6+ characters)")
    p.add_argument(
        "--comment", default="", metavar="TEXT", help="optional note kept with the approval"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_review_decide, decision="approved")

    p = rs.add_parser(
        "return", parents=[common], help="return an inspection to its inspector with a comment"
    )
    p.add_argument("id", help="inspection id (or its first 6+ characters)")
    p.add_argument(
        "--comment",
        required=True,
        metavar="TEXT",
        help="what the inspector must fix (travels back to the laptop)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_passphrase_option(p)
    p.set_defaults(func=cmd_review_decide, decision="returned")

    p = rs.add_parser(
        "comments",
        parents=[common],
        help="the reviews of an inspection (and of the revisions it corrects); any role",
    )
    p.add_argument("id", help="inspection id (or its first 6+ characters)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_review_comments)


def cmd_role(args) -> int:
    from ..services import review

    store = open_store(args)
    with store:
        if args.role:
            review.set_role(store, args.role, actor="cli", db_path=db_path(args))
        role, chosen = review.get_role(store), review.role_is_set(store)
        office = review.under_office(store)
        grant = review.office_grant(store, db_path(args)) if office else None
    if args.json:
        print_json(
            {
                "role": role,
                "chosen": chosen,
                "under_office": office,
                "account": grant.as_dict() if grant else None,
            }
        )
    else:
        print(role if chosen else f"{role} (not chosen yet; the default)")
        if grant is not None:
            print(
                f"account: {grant.role} ({grant.holder}, issued by {grant.office})"
                if grant.role
                else f"account: none ({grant.problem})"
            )
    return 0


def _identity(args):
    from ..crypto import keys
    from ..paths import keys_dir
    from .main import CliError

    kdir = keys_dir(db_path(args))
    if not keys.has_identity(kdir):
        raise CliError(
            "a review is signed: create the supervisor's identity with 'inspector-app keys init --name NAME'"
        )
    try:
        return keys.load_identity(kdir, read_passphrase(args))
    except keys.KeyError_ as exc:
        raise CliError(str(exc)) from None


def cmd_review_list(args) -> int:
    from ..services import review
    from ..store.review import ReviewFilter

    store = open_store(args)
    with store:
        review.require_supervisor(store, minimum="viewer")
        f = ReviewFilter(
            inspector=args.inspector,
            market=args.market,
            family=args.family,
            verdict=args.verdict,
            date_from=iso_date(args.date_from, "from"),
            date_to=iso_date(args.date_to, "to"),
            state=None if args.state == "all" else args.state,
        )
        rows = review.queue(store, f, limit=max(1, min(args.limit, 100_000)))
        total = review.queue_count(store, f)
    if args.json:
        import dataclasses

        print_json({"total": total, "inspections": [dataclasses.asdict(r) for r in rows]})
        return 0
    print_table(
        ["id", "date", "inspector", "family", "verdict", "state", "premises", "market"],
        [
            [
                r.id[:8],
                r.started_at[:10],
                r.inspector,
                r.family,
                (r.verdict or "-") + (" !" if r.cheating else ""),
                r.state,
                r.premises_name,
                r.market,
            ]
            for r in rows
        ],
    )
    print(f"({len(rows)} of {total})")
    return 0


def cmd_review_decide(args) -> int:
    from ..services import review

    store = open_store(args)
    with store:
        review.require_supervisor(store)  # before asking for a passphrase
        if args.decision == "returned" and not args.comment.strip():
            from ..domain.errors import InputError

            raise InputError("comment", "say why the inspection is returned")
        identity = _identity(args)
        r = review.decide(
            store, args.id, args.decision, identity, args.comment, actor=identity.name
        )
    if args.json:
        print_json(r.as_dict())
    else:
        verb = "approved" if r.decision == "approved" else "returned to its inspector"
        print(f"inspection {r.inspection_id[:8]} {verb}; review {r.id[:8]} signed by {r.reviewer}")
    return 0


def cmd_review_comments(args) -> int:
    from ..services import review

    store = open_store(args)
    with store:
        inspection_id = review.resolve_inspection_id(store, args.id)
        rows = review.reviews_for(store, inspection_id)
        checks = [review.verify_review(store, r, db_path(args)) for r in rows]
    if args.json:
        print_json(
            {
                "inspection_id": inspection_id,
                "reviews": [
                    dict(r.as_dict(), signature_check=c.status)
                    for r, c in zip(rows, checks, strict=True)
                ],
            }
        )
        return 0
    if not rows:
        print("no reviews")
        return 0
    for r, c in zip(rows, checks, strict=True):
        earlier = f" (on earlier revision {r.inspection_id[:8]})" if r.inherited else ""
        print(f"{r.at[:16]}  {r.decision.upper()}  by {r.reviewer}  signature {c.status}{earlier}")
        if r.comment:
            print(f"    {r.comment}")
    return 0
