"""What the ``inspector-app case …`` sub-commands that change a case do (their options are
declared in :mod:`.case_cmds`): the arguments read into the case service's terms (officers,
articles, days, amounts in yuan), the service called, the case printed as text or JSON. The
sub-commands that only read (list, show, articles) or produce something (calendar,
document) are in :mod:`.case_views`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from ..domain.errors import InputError
from .common import (
    open_store,
    print_json,
)
from .options import (
    print_warnings,
    split_officers,
)


def _refs(values: list[str], where: str):
    from ..domain.cases import ArticleRef
    from ..services.case_common import articles

    cat = articles()
    out = []
    for i, v in enumerate(values):
        ident, _, edition = v.partition("@")
        art = cat.get(ident.strip(), edition.strip() or None, f"{where}[{i}]")
        out.append(ArticleRef(art.id, art.edition))
    return out


def _officers(values: list[str]):
    from ..domain.cases import CaseOfficer

    return [
        CaseOfficer(name, cert) for name, cert in split_officers(values, certificate_required=True)
    ]


def day_arg(text: str | None, where: str) -> str:
    """*text* as an ISO date, today when empty; InputError naming *where* otherwise."""
    if not text:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(where, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _money(text: str | None, where: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        raise InputError(where, f"{text!r} is not an amount in yuan") from None
    exponent = value.as_tuple().exponent  # a letter for NaN and infinity, else the int
    if not value.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise InputError(where, f"{text!r} is not an amount in yuan (at most 2 decimals)")
    return value


def _actor(args, case=None) -> str:
    if getattr(args, "by", None):
        return args.by
    officers = _officers(getattr(args, "officer", []) or [])
    if officers:
        return officers[0].name
    if case is not None and case.officers:
        return case.officers[0].name
    raise InputError("by", "say who makes this change (--by NAME)")


def print_case(store, case, as_json: bool, warnings=(), today=None) -> None:
    """The case's summary as JSON, or its number, status, party and deadlines as text."""
    from ..services.case_lists import summary

    data = summary(store, case, today)
    if warnings:
        data["warnings"] = list(warnings)
    if as_json:
        print_json(data)
        return
    print_warnings(warnings)
    print(f"case {case.case_no}  {case.status}  ({case.id[:8]})")
    print(f"party     {case.party.name}  {case.party.credit_code or case.party.id_number}")
    for d in data["deadlines"]:
        late = "  OVERDUE" if d["overdue"] else ""
        print(f"deadline  {d['key']:<10} {d['due']}  {d['basis']}{late}")
        for w in d["warnings"]:
            print(f"          warning: {w}")


def cmd_new(args) -> int:
    from ..domain.cases import Party
    from ..services import cases as svc

    party = None
    if (args.address or args.legal_rep) and not args.party:
        raise InputError("party", "--address and --legal-rep need --party")
    if args.party or args.credit_code or args.id_number:
        if not args.party:
            raise InputError("party", "name the party (--party) with its code")
        party = Party(
            kind=args.party_kind or ("person" if args.id_number else "organisation"),
            name=args.party,
            credit_code=args.credit_code or "",
            id_number=args.id_number or "",
            address=args.address or "",
            legal_rep=args.legal_rep or "",
        )
    officers = _officers(args.officer)
    store = open_store(args)
    with store:
        opened = svc.open_case(
            store,
            actor=_actor(args),
            clue_date=day_arg(args.clue_date, "clue_date"),
            officers=officers,
            party=party,
            inspection_id=args.from_inspection,
            visit_id=args.from_visit,
            complaint=args.complaint,
            referral=args.referral,
            premises_id=args.premises,
            facts=args.facts or "",
            violated=_refs(args.violated, "violated"),
            cheating=None if args.cheating is None else args.cheating == "yes",
        )
        print_case(store, opened.case, args.json, opened.warnings)
    return 0


def cmd_advance(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        proposed = None
        if args.to == "notified" and (
            args.propose_fine or args.propose_warning or args.propose_confiscate
        ):
            from ..domain.cases import Decision

            proposed = Decision(
                warning=args.propose_warning,
                fine=_money(args.propose_fine, "propose_fine"),
                illegal_gains=_money(args.propose_gains, "propose_gains"),
                confiscation=list(args.propose_confiscate),
            )
        case, warnings = svc.advance(
            store,
            case.id,
            args.to,
            proposed=proposed,
            on=day_arg(args.on, "on"),
            actor=_actor(args, case),
            violated=_refs(args.violated, "violated"),
            penalty=_refs(args.penalty, "penalty"),
            facts=args.facts,
            officers=_officers(args.officer) or None,
            service_method=args.service,
            note=args.note,
        )
        print_case(store, case, args.json, warnings)
    return 0


def cmd_pause(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case = svc.pause(
            store,
            case.id,
            day_arg(args.first, "from"),
            day_arg(args.last, "to"),
            args.reason,
            _actor(args, case),
        )
        print_case(store, case, args.json)
    return 0


def order_terms(args, *, decision: bool = False):
    """The terms of an order to correct read from --deadline/--days, --text and --inspector
    (``case order``; ``case decide --order`` when *decision*, then None if none is given).
    A decision's terms without --order are a usage error (exit 2); an order (``case order``,
    or a decision's text or inspector) without a deadline takes ``domain.cases.ORDER_DAYS``
    days, as the cases window offers (:func:`defaulted` tells)."""
    from ..domain import cases as dc
    from ..services.cases import OrderTerms
    from .main import CliError

    deadline = day_arg(args.deadline, "deadline") if args.deadline else None
    if decision:
        named = [
            flag
            for flag, given in (
                ("--deadline", deadline is not None),
                ("--days", args.days is not None),
                ("--text", bool(args.text)),
                ("--inspector", bool(args.inspector)),
            )
            if given
        ]
        if not named:
            return None
        if not args.order:
            raise CliError(f"{named[0]} is a term of the order to correct: add --order")
    if deadline is None and args.days is None:
        return OrderTerms(days=dc.ORDER_DAYS, text=args.text, inspector=args.inspector)
    return OrderTerms(deadline=deadline, days=args.days, text=args.text, inspector=args.inspector)


def defaulted(args) -> bool:
    """The order's days are the default: neither --deadline nor --days was given."""
    return not args.deadline and args.days is None


def _print_order(case, order, default: bool = False) -> None:
    """The order's deadline and its re-inspection; *default*: says that the days were."""
    how = "; the default, as neither --deadline nor --days was given" if default else ""
    print(f"case {case.case_no}: order to correct by {order.deadline} ({order.basis}{how})")
    if order.assignment_id:
        print(f"re-inspection on the work list, due {order.deadline} ({order.assignment_id[:8]})")


def cmd_order(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        terms = order_terms(args)
        case, order, warnings = svc.order(
            store,
            case.id,
            on=day_arg(args.on, "on"),
            actor=_actor(args, case),
            deadline=terms.deadline,
            days=terms.days,
            text=terms.text,
            inspector=terms.inspector,
        )
        if args.json:
            print_case(store, case, True, warnings)
            return 0
    print_warnings(warnings)
    _print_order(case, order, defaulted(args))
    return 0


def cmd_check(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case = svc.record_check(
            store,
            case.id,
            corrected=args.corrected == "yes",
            on=day_arg(args.on, "on"),
            actor=_actor(args, case),
            visit_id=args.visit,
            inspection_id=args.inspection,
        )
        print_case(store, case, args.json)
    return 0


def cmd_decide(args) -> int:
    from ..domain.cases import Decision
    from ..services import case_common
    from ..services import cases as svc

    terms = order_terms(args, decision=True)
    decision = Decision(
        procedure="simple" if args.simple else "general",
        warning=args.warning,
        order_to_correct=args.order,
        fine=_money(args.fine, "fine"),
        illegal_gains=_money(args.gains, "gains"),
        confiscation=list(args.confiscate),
        decision_no=args.decision_no,
    )
    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case, warnings = svc.decide(
            store,
            case.id,
            decision,
            on=day_arg(args.on, "on"),
            actor=_actor(args, case),
            penalty=_refs(args.penalty, "penalty"),
            service_method=args.service,
            served_on=day_arg(args.served_on, "served_on") if args.served_on else None,
            public_notice=args.public_notice,
            order=terms,
        )
        print_case(store, case, args.json, warnings)
    if terms is not None and not args.json:
        _print_order(case, case.orders[-1], defaulted(args))
    return 0


def cmd_execute(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case = svc.execute(
            store,
            case.id,
            on=day_arg(args.on, "on"),
            actor=_actor(args, case),
            paid_on=day_arg(args.paid_on, "paid_on") if args.paid_on else None,
        )
        print_case(store, case, args.json)
    return 0


def cmd_close(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case = svc.close(
            store, case.id, on=day_arg(args.on, "on"), actor=_actor(args, case), reason=args.reason
        )
        print_case(store, case, args.json)
    return 0


def cmd_evidence(args) -> int:
    from ..domain.cases import Evidence
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        svc.add_evidence(
            store, case.id, [Evidence(args.kind, args.ref, args.note)], _actor(args, case)
        )
        print_case(store, case_common.resolve(store, case.id), args.json)
    return 0
