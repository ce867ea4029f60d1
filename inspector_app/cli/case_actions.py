"""What each ``inspector-app case …`` sub-command does (its options are declared in
:mod:`.case_cmds`): the arguments read into the case service's terms (officers, articles,
days, amounts in yuan), the service called, the result printed as text or JSON.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from ..domain.errors import InputError
from .common import (
    db_path,
    open_store,
    print_json,
    print_table,
    read_passphrase,
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


def _day(text: str | None, where: str) -> str:
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
    if not value.is_finite() or value.as_tuple().exponent < -2:
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


def _print_case(store, case, as_json: bool, warnings=(), today=None) -> None:
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
            clue_date=_day(args.clue_date, "clue_date"),
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
        _print_case(store, opened.case, args.json, opened.warnings)
    return 0


def cmd_list(args) -> int:
    from ..services import case_lists

    today = dt.date.fromisoformat(_day(args.today, "today"))
    store = open_store(args)
    with store:
        rows = case_lists.list_cases(store, status=args.status, overdue=args.overdue, today=today)
    if args.json:
        print_json({"cases": rows, "today": today.isoformat()})
        return 0
    if not rows:
        print("no cases" + (" overdue" if args.overdue else ""))
        return 0
    print_table(
        ["case", "status", "party", "next deadline", "overdue", "fine"],
        [
            [
                r["case_no"],
                r["status"],
                r["party"][:24],
                f"{r['next_deadline']['key']} {r['next_deadline']['due']}"
                if r["next_deadline"]
                else "-",
                ", ".join(r["overdue"]) or "-",
                r["fine"] or "-",
            ]
            for r in rows
        ],
    )
    return 0


def cmd_show(args) -> int:
    from ..services import case_common, case_lists

    today = dt.date.fromisoformat(_day(args.today, "today"))
    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        if args.json:
            _print_case(store, case, True, today=today)
            return 0
        data = case_lists.summary(store, case, today)
    print(f"case        {case.case_no}  ({case.id})")
    print(f"status      {case.status}   source {case.source}  clue {case.clue_date}")
    p = case.party
    print(f"party       {p.name} ({p.kind})  {p.credit_code or p.id_number}  {p.address}")
    if p.legal_rep:
        print(f"legal rep.  {p.legal_rep}")
    print("officers    " + ", ".join(f"{o.name} ({o.certificate_no})" for o in case.officers))
    print(f"facts       {case.facts or '-'}")
    for key, label in (("violated", "violated"), ("penalty", "penalty")):
        for ref in data[key]:
            flag = "" if ref["confidence"] == "confirmed" else f"  [{ref['confidence']}]"
            print(f"{label:<12}{ref['citation_zh']}{flag}")
    if case.decision:
        d = case.decision
        parts = [d.procedure]
        if d.warning:
            parts.append("warning")
        if d.order_to_correct:
            parts.append("order to correct")
        if d.fine:
            parts.append(f"fine ¥{d.fine}")
        if d.confiscation:
            parts.append("confiscation: " + ", ".join(d.confiscation))
        print("decision    " + "; ".join(parts))
    for o in case.orders:
        state = (
            "waiting" if o.corrected is None else ("corrected" if o.corrected else "not corrected")
        )
        print(f"order       {o.ordered_on} → {o.deadline} ({o.basis}); {state}")
    for d in data["deadlines"]:
        late = "  OVERDUE" if d["overdue"] else ""
        print(f"deadline    {d['key']:<10} {d['due']}{late}")
        for w in d["warnings"]:
            print(f"            warning: {w}")
    for e in data["evidence"]:
        print(f"evidence    {e['kind']:<13} {e['ref']}  {e['note']}")
    for e in data["events"]:
        print(f"event       {e['on_date'] or e['at'][:10]}  {e['action']:<12} {e['actor']}")
    if case.decided_hash:
        print(f"sealed      decided {case.decided_hash}")
    if case.content_hash:
        print(f"sealed      closed  {case.content_hash}")
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
            on=_day(args.on, "on"),
            actor=_actor(args, case),
            violated=_refs(args.violated, "violated"),
            penalty=_refs(args.penalty, "penalty"),
            facts=args.facts,
            officers=_officers(args.officer) or None,
            service_method=args.service,
            note=args.note,
        )
        _print_case(store, case, args.json, warnings)
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
            _day(args.first, "from"),
            _day(args.last, "to"),
            args.reason,
            _actor(args, case),
        )
        _print_case(store, case, args.json)
    return 0


def cmd_order(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case, order, warnings = svc.order(
            store,
            case.id,
            on=_day(args.on, "on"),
            actor=_actor(args, case),
            deadline=_day(args.deadline, "deadline") if args.deadline else None,
            days=args.days,
            text=args.text,
            inspector=args.inspector,
        )
        if args.json:
            _print_case(store, case, True, warnings)
            return 0
    print_warnings(warnings)
    print(f"case {case.case_no}: order to correct by {order.deadline} ({order.basis})")
    if order.assignment_id:
        print(f"re-inspection on the work list, due {order.deadline} ({order.assignment_id[:8]})")
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
            on=_day(args.on, "on"),
            actor=_actor(args, case),
            visit_id=args.visit,
            inspection_id=args.inspection,
        )
        _print_case(store, case, args.json)
    return 0


def cmd_decide(args) -> int:
    from ..domain.cases import Decision
    from ..services import case_common
    from ..services import cases as svc

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
            on=_day(args.on, "on"),
            actor=_actor(args, case),
            penalty=_refs(args.penalty, "penalty"),
            service_method=args.service,
            served_on=_day(args.served_on, "served_on") if args.served_on else None,
            public_notice=args.public_notice,
        )
        _print_case(store, case, args.json, warnings)
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
            on=_day(args.on, "on"),
            actor=_actor(args, case),
            paid_on=_day(args.paid_on, "paid_on") if args.paid_on else None,
        )
        _print_case(store, case, args.json)
    return 0


def cmd_close(args) -> int:
    from ..services import case_common
    from ..services import cases as svc

    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        case = svc.close(
            store, case.id, on=_day(args.on, "on"), actor=_actor(args, case), reason=args.reason
        )
        _print_case(store, case, args.json)
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
        _print_case(store, case_common.resolve(store, case.id), args.json)
    return 0


def cmd_articles(args) -> int:
    from ..services.case_common import articles

    cat = articles()
    rows = [
        {
            "id": a.id,
            "regulation": a.regulation,
            "edition": a.edition,
            "article": a.article,
            "role": a.role,
            "citation_zh": cat.cite(a, "zh"),
            "citation_en": cat.cite(a, "en"),
            "zh": a.zh,
            "en": a.en,
            "range": a.range_text(),
            "confiscation": list(a.confiscation),
            "confidence": a.confidence,
            "note": a.note,
        }
        for a in cat.articles.values()
    ]
    if args.json:
        print_json({"version": cat.version, "articles": rows})
        return 0
    print_table(
        ["id", "edition", "role", "range", "confidence"],
        [[r["id"], r["edition"], r["role"], r["range"], r["confidence"]] for r in rows],
    )
    return 0


def cmd_calendar(args) -> int:
    from pathlib import Path

    from ..services import case_deadlines

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("file", f"cannot read {args.file} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError("file", f"{args.file} is not UTF-8 text") from None
    store = open_store(args)
    with store:
        cal = case_deadlines.install_calendar(store, text, args.by or "cli")
        in_use = case_deadlines.work_calendar(store)
    result = {
        "version": cal.version,
        "years": sorted(cal.known_years),
        "in_use": in_use.version,
    }
    if args.json:
        print_json(result)
    else:
        years = ", ".join(map(str, result["years"])) or "none"
        print(f"calendar {cal.version} stored (years {years}); in use: {in_use.version}")
    return 0


def cmd_document(args) -> int:
    from pathlib import Path

    from ..crypto.keys import KeyError_
    from ..services import case_common, case_documents
    from ..services.reports import load_signer
    from .main import CliError

    out = Path(args.output)
    if out.is_dir():
        raise CliError(f"{out} is a folder; give a file name ending in .pdf")
    identity = None
    if args.sign:
        try:
            identity = load_signer(db_path(args), read_passphrase(args))
        except KeyError_ as exc:
            raise CliError(str(exc)) from None
        print_warnings(identity.warnings, "inspector-app: warning: ")
    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        pdf = case_documents.case_document(
            store,
            case.id,
            args.kind,
            lang=args.lang,
            identity=identity,
            authority=args.authority,
        )
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise CliError(f"cannot write {out} ({exc.strerror})") from None
    signed = f", signed by {identity.name}" if identity else ""
    if args.json:
        print_json(
            {"file": str(out), "case_no": case.case_no, "kind": args.kind, "signed": bool(identity)}
        )
    else:
        what = case_documents.DOCUMENT_NAMES[args.kind][1].lower()
        print(f"wrote {out} ({what} of case {case.case_no}{signed})")
    return 0
