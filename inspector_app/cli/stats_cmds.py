"""Office figures: stats (per period, region, campaign or kind of premises) and export-list
(a filtered inspection list or the review queue as CSV or XLSX)."""

from __future__ import annotations

import sys

from .common import (
    open_store,
    print_json,
    print_table,
    writing,
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
    p = sub.add_parser("stats", parents=[common], help="statistics per period and region")
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD (included)"
    )
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD (included)")
    p.add_argument("--month", metavar="YYYY-MM", help="shorthand for --from/--to of one month")
    p.add_argument("--city", metavar="C", help="only premises in this city (exact name)")
    p.add_argument("--market", metavar="M", help="only premises in this market (exact name)")
    p.add_argument(
        "--by",
        choices=["province", "city", "county", "origin"],
        help="inspections and pass rates per province, city, county (区/县) or origin (the "
        "laptop or city office a record came from), including records received from city offices",
    )
    p.add_argument("--campaign", metavar="C", help="visit figures of this campaign (name or id)")
    p.add_argument(
        "--kind",
        metavar="KIND",
        help="visit figures for this kind of premises (market, optical_shop…)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "export-list", parents=[common], help="export a filtered inspection list to CSV or XLSX"
    )
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from the file name")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the file to write (.csv or .xlsx)"
    )
    p.add_argument("--family", choices=FAMILY_CHOICES, help="only this instrument family")
    p.add_argument(
        "--verdict", choices=["pass", "fail"], help="only passed or only failed inspections"
    )
    p.add_argument(
        "--status", choices=["draft", "finalized"], help="only drafts or only finalized inspections"
    )
    p.add_argument("--market", metavar="M", help="only premises in this market (exact name)")
    p.add_argument(
        "--inspector", metavar="X", help="only inspections by this inspector (exact name)"
    )
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD (included)"
    )
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD (included)")
    p.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="text in the premises, instrument or inspector, or the start of an id",
    )
    p.add_argument(
        "--queue",
        choices=["pending", "approved", "returned", "all"],
        help="export the review queue in this state instead (supervisor database)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_export_list)


def _month(value: str) -> tuple[str, str]:
    import datetime as dt

    from ..domain.errors import InputError
    from ..services.office_stats import month_period

    try:
        first = dt.date.fromisoformat(value + "-01")
    except ValueError:
        raise InputError("month", f"{value!r} is not a month (use YYYY-MM)") from None
    return month_period(first)


def _stats_by(args, date_from: str | None, date_to: str | None) -> int:
    """stats --by province|city|county|origin: this database's inspections and the records
    received from city offices, grouped."""
    from ..services.province import statistics_by

    store = open_store(args)
    with store:
        rows = statistics_by(store, args.by, date_from, date_to)
    if args.json:
        print_json(
            {
                "by": args.by,
                "from": date_from,
                "to": date_to,
                "rows": [
                    {**r, "pass_rate": None if r["pass_rate"] is None else str(r["pass_rate"])}
                    for r in rows
                ],
            }
        )
        return 0
    keys = {
        "province": ["province"],
        "city": ["province", "city"],
        "county": ["province", "city", "county"],
        "origin": ["origin"],
    }[args.by]
    print_table(
        [*keys, "inspections", "judged", "passed", "failed", "pass rate"],
        [
            [
                *(r[k] or "-" for k in keys),
                str(r["inspections"]),
                str(r["judged"]),
                str(r["passed"]),
                str(r["failed"]),
                "-" if r["pass_rate"] is None else f"{r['pass_rate']} %",
            ]
            for r in rows
        ],
    )
    return 0


def cmd_stats(args) -> int:
    from ..services.goods_stats import goods_statistics
    from ..services.office_stats import StatsFilter, office_statistics

    date_from, date_to = args.date_from, args.date_to
    if args.month:
        date_from, date_to = _month(args.month)
    if getattr(args, "campaign", None) or getattr(args, "kind", None):
        from .campaign_cmds import cmd_visit_stats  # counted over visits, as the bureau counts

        args.date_from, args.date_to = iso_date(date_from, "from"), iso_date(date_to, "to")
        return cmd_visit_stats(args)
    if getattr(args, "by", None):
        return _stats_by(args, iso_date(date_from, "from"), iso_date(date_to, "to"))
    store = open_store(args)
    with store:
        st = office_statistics(
            store,
            StatsFilter(
                date_from=iso_date(date_from, "from"),
                date_to=iso_date(date_to, "to"),
                city=args.city,
                market=args.market,
            ),
        )
        goods = goods_statistics(store, st.filter)  # prepackaged batches, retail rechecks
        from ..services.case_lists import case_statistics

        cases = case_statistics(
            store, st.filter.date_from, st.filter.date_to, city=args.city, market=args.market
        )
    if args.json:
        print_json({**st.as_dict(), "goods": goods, "cases": cases})
        return 0
    t = st.totals
    period = (
        f"{date_from or 'start'} .. {date_to or 'today'}"
        + (f", {args.city}" if args.city else "")
        + (f", {args.market}" if args.market else "")
    )
    print(f"period       {period}")
    print(
        f"inspections  {t['inspections']}  (premises {t['premises']}, instruments {t['instruments']})"
    )
    rate = "-" if st.pass_rate is None else f"{st.pass_rate} %"
    print(f"pass rate    {rate}  ({t['passed']} passed, {t['failed']} failed)")
    print(f"cheating     {t['cheating']} inspections with a cheating finding")
    print(
        f"cases        {cases['opened']} opened, {cases['closed']} closed, {cases['decided']}"
        f" decided; fines ¥{cases['fines']}; premises punished {cases['premises_punished']};"
        f" cheating cases {cases['cheating_cases']}"
    )
    sections = [
        (
            "premises by kind",
            ["kind", "premises", "inspections"],
            [[r["kind"], str(r["premises"]), str(r["inspections"])] for r in st.premises_by_kind],
        ),
        (
            "instruments by family",
            ["family", "instruments", "inspections", "passed", "failed", "pass %"],
            [
                [
                    r["family"],
                    str(r["instruments"]),
                    str(r["inspections"]),
                    str(r["passed"]),
                    str(r["failed"]),
                    str(r["pass_rate"] or "-"),
                ]
                for r in st.instruments_by_family
            ],
        ),
        (
            "failures by cause",
            ["cause", "inspections", "example"],
            [
                [r["code"] or "(no finding)", str(r["inspections"]), r["example"][:40]]
                for r in st.failures_by_cause
            ],
        ),
        (
            "by city",
            ["city", "inspections", "passed", "failed", "pass %"],
            [
                [
                    r["city"],
                    str(r["inspections"]),
                    str(r["passed"]),
                    str(r["failed"]),
                    str(r["pass_rate"] or "-"),
                ]
                for r in st.by_city
            ],
        ),
        (
            "cheating cases",
            ["date", "premises", "city", "finding"],
            [
                [r["started_at"][:10], r["premises"], r["city"], r["text"][:40]]
                for r in st.cheating_cases
            ],
        ),
    ]
    sections += goods_sections(goods)
    sections.append(
        (
            "cases by penalty article",
            ["article", "edition", "cases"],
            [[r["article_id"], r["edition"], str(r["cases"])] for r in cases["by_article"]],
        )
    )
    for title, headers, rows in sections:
        if rows:
            print(f"\n{title}")
            print_table(headers, rows)
    return 0


def goods_sections(goods: dict) -> list:
    """Text tables of the goods statistics: prepackaged batches (pass rate to two decimals)
    by producer, kind of product, city and campaign; retail rechecks by market."""
    pre, rr = goods["prepackaged"], goods["retail_rechecks"]
    out = []
    if pre["batches"]:
        out.append(
            (
                "prepackaged batches",
                ["batches", "passed", "failed", "pass %"],
                [[str(pre["batches"]), str(pre["passed"]), str(pre["failed"]), pre["pass_rate"]]],
            )
        )
        for by in ("producer", "product_kind", "city", "campaign"):
            out.append(
                (
                    f"prepackaged batches by {by.replace('_', ' ')}",
                    [by.replace("_", " "), "batches", "passed", "failed", "pass %"],
                    [
                        [r[by] or "-", str(r["batches"]), str(r["passed"]), str(r["failed"])]
                        + [r["pass_rate"] or "-"]
                        for r in pre[f"by_{by}"]
                    ],
                )
            )
    out.append(
        (
            "short-weight rechecks by market",
            ["market", "rechecks", "short", "short %"],
            [
                [r["market"] or "-", str(r["rechecks"]), str(r["short"]), r["short_rate"] or "-"]
                for r in rr["by_market"]
            ],
        )
    )
    return out


def cmd_export_list(args) -> int:
    from ..domain.errors import InputError
    from ..services import table_export
    from ..services.review import require_supervisor
    from ..store.inspections import InspectionFilter
    from ..store.review import ReviewFilter

    fmt = table_export.format_for(args.output, args.format)
    store = open_store(args)
    with store:
        with writing(args.output, code=1):
            if args.queue:
                require_supervisor(store, minimum="viewer")
                if args.status or args.search:
                    raise InputError(
                        "queue",
                        "--status and --search do not apply to the review queue (filter it "
                        "by --family, --verdict, --market, --inspector, --from and --to)",
                    )
                queue = ReviewFilter(
                    inspector=args.inspector,
                    market=args.market,
                    family=args.family,
                    verdict=args.verdict,
                    date_from=iso_date(args.date_from, "from"),
                    date_to=iso_date(args.date_to, "to"),
                    state=None if args.queue == "all" else args.queue,
                )
                n = table_export.export_queue(store, args.output, fmt, queue)
            else:
                f = InspectionFilter(
                    family=args.family,
                    verdict=args.verdict,
                    status=args.status,
                    market=args.market,
                    inspector=args.inspector,
                    search=args.search,
                    date_from=iso_date(args.date_from, "from"),
                    date_to=iso_date(args.date_to, "to"),
                )
                n = table_export.export_inspections(store, args.output, fmt, f)
    if args.json:
        print_json({"file": args.output, "format": fmt, "rows": n})
    else:
        print(f"wrote {args.output} ({fmt}, {n} rows)", file=sys.stdout)
    return 0
