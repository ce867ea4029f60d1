"""``inspector-app case …``: enforcement cases from the command line.

case new (--from-inspection ID | --from-visit ID | --complaint TEXT | --referral TEXT) …
case list [--status S] [--overdue]        case show ID
case file|investigate|notify ID …         case pause ID --from D --to D --reason R
case order ID [--deadline D | --days N]   case check ID --corrected yes|no
case decide ID … [--order [--deadline D | --days N] [--text T] [--inspector NAME]]
case execute ID      case close ID
case evidence ID --kind K --ref R         case articles        case calendar FILE

The options of every sub-command are declared here; what each does is in
:mod:`.case_actions` (the sub-commands that change a case) and :mod:`.case_views` (those
that read one, the articles and calendar, and the documents).
"""

from __future__ import annotations

from .case_actions import (
    cmd_advance,
    cmd_check,
    cmd_close,
    cmd_decide,
    cmd_evidence,
    cmd_execute,
    cmd_new,
    cmd_order,
    cmd_pause,
)
from .case_views import cmd_articles, cmd_calendar, cmd_document, cmd_list, cmd_show
from .common import add_passphrase_option
from .options import add_action, add_json_option, add_officer_option


def register(sub, common) -> None:
    p = sub.add_parser("case", help="enforcement cases (案件): open, order, decide, close")
    cs = p.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    def add(name: str, help_text: str, func, *, ident: bool = True, by: bool = True):
        q = add_action(
            cs,
            common,
            name,
            help_text,
            func,
            ident="case number (e.g. 2025-0001) or 6+ characters of its id" if ident else None,
        )
        if by:
            q.add_argument(
                "--by", metavar="NAME", help="who makes this change (default: the first officer)"
            )
        add_json_option(q)
        return q

    q = add("new", "open a case at the clue stage", cmd_new, ident=False)
    src = q.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-inspection", metavar="ID", help="the inspection that found it")
    src.add_argument("--from-visit", metavar="ID", help="the visit (现场检查) that found it")
    src.add_argument("--complaint", metavar="TEXT", help="a complaint: what it says")
    src.add_argument("--referral", metavar="TEXT", help="a referral: from whom, what")
    q.add_argument("--clue-date", metavar="DATE", help="when the clue was found (default: today)")
    add_officer_option(
        q,
        "NAME:CERT",
        "an officer and enforcement certificate no. (repeat; two are needed to file)",
    )
    q.add_argument("--premises", metavar="ID", help="the premises (for a complaint or referral)")
    q.add_argument(
        "--party-kind",
        choices=["organisation", "person"],
        help="the party is an organisation or a person",
    )
    q.add_argument("--party", metavar="NAME", help="the party's name (default: the premises')")
    q.add_argument("--credit-code", metavar="CODE", help="unified social credit code (GB 32100)")
    q.add_argument("--id-number", metavar="NO", help="a person's identity number (GB 11643)")
    q.add_argument("--address", metavar="TEXT", help="the party's address")
    q.add_argument("--legal-rep", metavar="NAME", help="legal representative")
    q.add_argument("--facts", metavar="TEXT", help="the facts (default: the findings' text)")
    _articles_option(q, "--violated", "violated article id (see case articles); repeat")
    q.add_argument(
        "--cheating",
        choices=["yes", "no"],
        help="a cheating case (default: whether the source recorded a cheating finding)",
    )

    q = add("list", "cases, with the next deadline", cmd_list, ident=False, by=False)
    q.add_argument(
        "--status",
        choices=["clue", "filed", "investigated", "notified", "decided", "executed", "closed"],
        help="only cases in this state",
    )
    q.add_argument("--overdue", action="store_true", help="only cases with a deadline passed")
    q.add_argument(
        "--today", metavar="DATE", help="judge deadlines as of this day (default: today)"
    )

    q = add(
        "show",
        "one case: party, articles, decision, deadlines, evidence, events",
        cmd_show,
        by=False,
    )
    q.add_argument(
        "--today", metavar="DATE", help="judge deadlines as of this day (default: today)"
    )

    for name, to, text in (
        ("file", "filed", "file the case (立案)"),
        ("investigate", "investigated", "record the investigation as done"),
        ("notify", "notified", "serve the prior notice (行政处罚告知)"),
    ):
        q = add(name, text, cmd_advance)
        q.set_defaults(to=to)
        q.add_argument("--on", metavar="DATE", help="the day (default: today)")
        q.add_argument("--facts", metavar="TEXT", help="replace the facts")
        add_officer_option(q, "NAME:CERT", "replace the officers (repeat)")
        _articles_option(q, "--violated", "violated article id; repeat")
        _articles_option(q, "--penalty", "penalty article id; repeat")
        q.add_argument(
            "--service",
            choices=["direct", "lodged", "post", "electronic", "entrusted", "forwarded", "notice"],
            help="how the prior notice was served (notify; default: direct)",
        )
        q.add_argument("--note", default="", help="a note for the case's history")
        if to == "notified":
            q.add_argument(
                "--propose-fine", metavar="YUAN", help="the fine the prior notice proposes"
            )
            q.add_argument(
                "--propose-gains",
                metavar="YUAN",
                help="illegal gains or goods value, where the proposed fine is a multiple",
            )
            q.add_argument(
                "--propose-warning", action="store_true", help="the notice proposes a warning"
            )
            q.add_argument(
                "--propose-confiscate",
                action="append",
                default=[],
                choices=["instrument", "gains", "goods"],
                help="confiscation the notice proposes (repeat)",
            )

    q = add("pause", "days not counted in the time limits (testing, hearing)", cmd_pause)
    q.add_argument("--from", dest="first", required=True, metavar="DATE", help="first day paused")
    q.add_argument("--to", dest="last", required=True, metavar="DATE", help="last day paused")
    q.add_argument("--reason", required=True, help="why: testing, hearing, suspension")

    q = add("order", "order to correct (责令改正) with a deadline and a follow-up", cmd_order)
    _order_terms_options(q, standalone=True)

    q = add("check", "record the re-inspection of the latest order to correct", cmd_check)
    q.add_argument("--corrected", required=True, choices=["yes", "no"], help="corrected or not")
    q.add_argument("--on", metavar="DATE", help="the day of the re-inspection (default: today)")
    q.add_argument("--visit", metavar="ID", help="the re-inspection visit")
    q.add_argument("--inspection", metavar="ID", help="the re-inspection's inspection")

    q = add("decide", "the decision, checked against the penalty article, sealed", cmd_decide)
    q.add_argument("--on", metavar="DATE", help="the day of the decision (default: today)")
    _articles_option(q, "--penalty", "penalty article id (see case articles); repeat")
    q.add_argument("--warning", action="store_true", help="a warning")
    q.add_argument(
        "--order",
        action="store_true",
        help="the decision orders correction; with --deadline or --days the order itself"
        " (its deadline and re-inspection) is written with the decision; with only --text or"
        " --inspector, the order gets the default 7 days from service, as in the cases window",
    )
    q.add_argument("--fine", metavar="YUAN", help="the fine in yuan")
    q.add_argument(
        "--gains", metavar="YUAN", help="illegal gains or goods value, where the fine is a multiple"
    )
    q.add_argument(
        "--confiscate",
        action="append",
        default=[],
        choices=["instrument", "gains", "goods"],
        help="what is confiscated (repeat)",
    )
    q.add_argument(
        "--simple",
        action="store_true",
        help="on-the-spot procedure (≤ ¥200 person, ≤ ¥3,000 organisation)",
    )
    q.add_argument("--decision-no", default="", metavar="NO", help="the decision's number")
    q.add_argument(
        "--service",
        default="direct",
        choices=["direct", "lodged", "post", "electronic", "entrusted", "forwarded", "notice"],
        help="how the decision was served (default: direct)",
    )
    q.add_argument("--served-on", metavar="DATE", help="the day it was served (default: --on)")
    q.add_argument(
        "--public-notice", action="store_true", help="the decision is made public (公示)"
    )
    _order_terms_options(q, standalone=False)

    q = add("execute", "the decision carried out (fine paid)", cmd_execute)
    q.add_argument("--on", metavar="DATE", help="the day (default: today)")
    q.add_argument("--paid-on", metavar="DATE", help="the day the fine was paid (default: --on)")

    q = add("close", "close the case (结案), sealed", cmd_close)
    q.add_argument("--on", metavar="DATE", help="the day (default: today)")
    q.add_argument(
        "--reason", default="", help="needed when closing before execution (not filed, terminated)"
    )

    q = add("evidence", "add evidence to a case not yet decided", cmd_evidence)
    q.add_argument(
        "--kind",
        required=True,
        choices=[
            "inspection",
            "visit",
            "photo",
            "attachment",
            "pdf",
            "sampling_form",
            "record",
            "test_report",
        ],
        help="what the evidence is",
    )
    q.add_argument("--ref", required=True, help="its id, file hash or document number")
    q.add_argument("--note", default="", help="what it shows")

    q = add(
        "document",
        "a document of the case as a signed PDF, zh or en (on-site record, filing form, order"
        " to correct, prior notice, decision, closure form)",
        cmd_document,
        by=False,
    )
    q.add_argument(
        "--kind",
        choices=["site_record", "filing", "order", "notice", "decision", "closure"],
        default="order",
        help="site_record: 现场检查笔录; filing: 立案审批表; order: 责令改正通知书 (default);"
        " notice: 行政处罚告知书; decision: 行政处罚决定书; closure: 结案审批表",
    )
    q.add_argument("-o", "--output", required=True, metavar="FILE", help="the PDF to write")
    q.add_argument("--lang", choices=["zh", "en"], default="zh", help="language (default zh)")
    q.add_argument(
        "--authority", default="", help="the authority's name (default: the issuing body)"
    )
    q.add_argument(
        "--sign", action="store_true", help="sign with your key (an officer of the case)"
    )
    add_passphrase_option(q)

    add(
        "articles",
        "the articles a case may cite, with edition and range",
        cmd_articles,
        ident=False,
        by=False,
    )

    q = add(
        "calendar",
        "store a newer holiday calendar file sent by the office",
        cmd_calendar,
        ident=False,
    )
    q.add_argument("file", help="a cn_workdays.toml file")


def _order_terms_options(q, *, standalone: bool) -> None:
    """The terms of an order to correct: its deadline (a date or days from service), what is
    to be corrected, who re-inspects; without a deadline ``case order`` takes the default days,
    ``case decide`` takes them with --order (read by :func:`.case_actions.order_terms`). Only ``case order`` has
    its own --on: a decision's order is served with the decision."""
    from ..domain.cases import ORDER_DAYS

    g = q.add_mutually_exclusive_group()
    g.add_argument("--deadline", metavar="DATE", help="the deadline the order names")
    g.add_argument(
        "--days",
        type=int,
        metavar="N",
        help=f"N days from service of the order (default: {ORDER_DAYS}, as the cases window offers)",
    )
    if standalone:
        q.add_argument("--on", metavar="DATE", help="the day the order is served (default: today)")
    q.add_argument("--text", default="", help="what is to be corrected")
    q.add_argument(
        "--inspector", metavar="NAME", help="who re-inspects (default: the one giving the order)"
    )


def _articles_option(q, flag: str, help_text: str) -> None:
    q.add_argument(flag, action="append", default=[], metavar="ARTICLE[@EDITION]", help=help_text)
