"""Enforcement cases: opening one from an inspection, a visit or a complaint, moving it
through its states, orders to correct with their follow-up, the decision, closure, the
deadlines that are due and the figures the office counts.

No Qt, no SQL here: the rules are in ``domain.cases`` and ``domain.deadlines``, the storage in
``store.cases``. Every change is one transaction with its audit entry and case event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

from ..domain import cases as dc
from ..domain import deadlines as dd
from ..domain.cases import ArticleRef, Case, CaseOfficer, Decision, Evidence, Order, Party, Service
from ..domain.errors import InputError
from ..store.cases import party_key
from .case_common import articles, as_date, device_code, repo, resolve
from .case_deadlines import work_calendar

# -- opening ------------------------------------------------------------------------------------


@dataclass
class Opened:
    case: Case
    warnings: list[str] = field(default_factory=list)


def open_case(
    store,
    *,
    actor: str,
    clue_date: str,
    officers: list[CaseOfficer],
    party: Party | None = None,
    inspection_id: str | None = None,
    visit_id: str | None = None,
    complaint: str | None = None,
    referral: str | None = None,
    premises_id: str | None = None,
    facts: str = "",
    violated: list[ArticleRef] | None = None,
    cheating: bool | None = None,
) -> Opened:
    """A new case at the clue stage. The party defaults to the premises of the inspection or
    visit; one case per party per event (the same inspection or visit twice for the same
    party is refused, naming the case that exists)."""
    sources = [s for s in (inspection_id, visit_id, complaint, referral) if s]
    if len(sources) != 1:
        raise InputError(
            "source", "open a case from one inspection, one visit, a complaint or a referral"
        )
    r = repo(store)
    evidence: list[Evidence] = []
    found_cheating = False
    source_text = ""
    if inspection_id:
        src = r.inspection_source(inspection_id)
        if src is None:
            raise InputError("from_inspection", f"no single inspection {inspection_id!r}")
        source = "inspection"
        premises_id = src["premises_id"]
        visit_id = src["visit_id"]
        evidence.append(Evidence("inspection", src["id"], src["started_at"][:10]))
        evidence += [Evidence("attachment", sha) for sha in src["attachments"]]
        found_cheating = any(f["cheating"] for f in src["findings"])
        if not facts:
            facts = "；".join(f["text"] for f in src["findings"])
        events = [("inspection", src["id"])]
        if src["visit_id"]:
            events.append(("visit", src["visit_id"]))
    elif visit_id:
        src = r.visit_source(visit_id)
        if src is None:
            raise InputError("from_visit", f"no single visit {visit_id!r}")
        source = "visit"
        visit_id = src["id"]
        premises_id = premises_id or src["premises_id"]
        evidence.append(Evidence("visit", src["id"], src["day"]))
        evidence += [Evidence("inspection", i) for i in src["inspections"]]
        found_cheating = src["cheating"]
        if not facts:
            facts = "；".join(dict.fromkeys(src["findings"]))
        events = [("visit", src["id"])] + [("inspection", i) for i in src["inspections"]]
    else:
        source = "complaint" if complaint else "referral"
        source_text = (complaint or referral or "").strip()
        events = []
    premises = r.premises(premises_id) if premises_id else None
    if premises_id and premises is None:
        raise InputError("premises", f"no premises {premises_id!r}")
    if party is None:
        if premises is None:
            raise InputError(
                "party", "name the party (a complaint has no premises to take it from)"
            )
        party = Party(
            kind="organisation" if premises["credit_code"] else "person",
            name=premises["name"],
            credit_code=premises["credit_code"],
            address=premises["address"],
        )
    party = dc.validate_party(party)
    officers = dc.validate_officers(officers)
    clue = as_date(clue_date, "clue_date")
    cat = articles()
    violated = violated or []
    warnings = dc.check_article_refs(cat, violated, "violated", "violated")
    for kind, ref in events:  # a visit and its inspections are one event
        for other in r.cases_with_evidence(kind, ref):
            if party_key(other.party) == party_key(party):
                raise InputError(
                    "source",
                    f"case {other.case_no} already covers {party.name} for this {kind}"
                    " (one case per party per event)",
                )
    case = Case(
        id=str(uuid.uuid4()),
        case_no=r.next_case_no(clue.year, device_code(store.device_id)),
        source=source,
        source_text=source_text,
        clue_date=clue.isoformat(),
        party=party,
        officers=officers,
        facts=facts.strip(),
        premises_id=premises_id,
        visit_id=visit_id,
        premises_kind=premises["kind"] if premises else "",
        violated=violated,
        cheating=found_cheating if cheating is None else cheating,
        dates={"clue": clue.isoformat()},
    )
    if len(officers) < dc.MIN_OFFICERS:
        warnings.append(
            f"only {len(officers)} officer(s): filing needs at least {dc.MIN_OFFICERS} with"
            " enforcement certificates"
        )
    r.create(case, evidence, actor)
    return Opened(case, warnings)


def add_evidence(store, ident: str, items: list[Evidence], actor: str) -> Case:
    case = resolve(store, ident)
    for i, e in enumerate(items):
        if e.kind not in dc.EVIDENCE_KINDS:
            raise InputError(
                f"evidence[{i}].kind", f"must be one of {', '.join(dc.EVIDENCE_KINDS)}"
            )
        if not e.ref.strip():
            raise InputError(f"evidence[{i}].ref", "is empty")
    if case.decided_hash:
        raise InputError("case", f"case {case.case_no} is decided; its evidence is sealed")
    repo(store).add_evidence(case, items, actor)
    return case


# -- states ---------------------------------------------------------------------------------------


def _stamp(case: Case, to: str, on: dt.date) -> None:
    last = max((dt.date.fromisoformat(v) for v in case.dates.values()), default=None)
    if last and on < last:
        raise InputError("on", f"{on} is before the case's last step ({last})")
    if on > dt.date.today() + dt.timedelta(days=1):
        raise InputError("on", f"{on} is in the future")
    case.status = to
    case.dates[to] = on.isoformat()


def advance(
    store,
    ident: str,
    to: str,
    *,
    on: str,
    actor: str,
    violated: list[ArticleRef] | None = None,
    penalty: list[ArticleRef] | None = None,
    facts: str | None = None,
    officers: list[CaseOfficer] | None = None,
    service_method: str | None = None,
    note: str = "",
    proposed: Decision | None = None,
) -> tuple[Case, list[str]]:
    """File, record the investigation, or serve the prior notice (decide, execute and close
    have their own functions). The prior notice may state the penalty *proposed*, checked
    against the law like a decision and kept in the notice's event (the 行政处罚告知书 prints
    it)."""
    if to not in ("filed", "investigated", "notified"):
        raise InputError("to", "advance moves a case to filed, investigated or notified")
    case = resolve(store, ident)
    prev = case.status
    cat = articles()
    warnings: list[str] = []
    if officers:
        case.officers = dc.validate_officers(officers)
    if facts is not None:
        case.facts = facts.strip()
    if violated:
        case.violated = violated
    if penalty:
        case.penalty = penalty
    warnings += dc.check_article_refs(cat, case.violated, "violated", "violated")
    warnings += dc.check_article_refs(cat, case.penalty, "penalty", "penalty")
    dc.check_transition(case, to)
    day = as_date(on, "on")
    if to == "filed":
        if not (case.party.credit_code or case.party.id_number):
            raise InputError(
                "party", "filing needs the party's unified social credit code or identity number"
            )
        if not case.facts:
            raise InputError("facts", "describe the facts before filing")
    if to == "notified":
        if not case.penalty:
            raise InputError("penalty", "the prior notice names the penalty article")
        method = service_method or "direct"
        if method not in dc.SERVICE_METHODS:
            raise InputError("service", f"must be one of {', '.join(dc.SERVICE_METHODS)}")
        case.services.append(Service("prior_notice", method, day.isoformat()))
    detail: dict = {"note": note} if note else {}
    if proposed is not None:
        if to != "notified":
            raise InputError("proposed", "a penalty is proposed with the prior notice")
        proposed, more = dc.check_decision(cat, case, proposed)
        warnings += more
        detail["proposed"] = json.loads(json.dumps(dataclasses.asdict(proposed), default=str))
    _stamp(case, to, day)
    repo(store).update(
        case,
        actor,
        to,
        previous_status=prev,
        on=day.isoformat(),
        detail=detail or None,
    )
    return case, warnings


def pause(store, ident: str, first: str, last: str, reason: str, actor: str) -> Case:
    """Days not counted in the time limits (testing, hearing, suspension)."""
    case = resolve(store, ident)
    a, b = as_date(first, "from"), as_date(last, "to")
    if b < a:
        raise InputError("to", f"{b} is before {a}")
    if not reason.strip():
        raise InputError("reason", "say why the time limit pauses (testing, hearing…)")
    if case.status in ("decided", "executed", "closed"):
        raise InputError("case", f"case {case.case_no} is {case.status}: no time limit runs")
    case.pauses.append({"first": a.isoformat(), "last": b.isoformat(), "reason": reason.strip()})
    repo(store).update(case, actor, "pause", previous_status=case.status, detail=case.pauses[-1])
    return case


@dataclass
class OrderTerms:
    """An order to correct (责令改正): its deadline (a date, or days from service: one of
    the two is needed; the window and the command line offer ``domain.cases.ORDER_DAYS``,
    the program's default, not a period a regulation sets), what is to be corrected, and
    whose work list its re-inspection goes on (default: the actor)."""

    deadline: str | None = None
    days: int | None = None
    text: str = ""
    inspector: str | None = None


def _make_order(store, case: Case, served: dt.date, terms: OrderTerms, actor: str):
    """The order with its deadline, the warnings, and the write of its re-inspection on a
    work list (run inside the case's write); checks everything, writes nothing."""
    d = dd.correction_deadline(
        work_calendar(store),
        served,
        days=terms.days,
        date=as_date(terms.deadline, "deadline") if terms.deadline else None,
    )
    o = Order(
        ordered_on=served.isoformat(),
        deadline=d.due.isoformat(),
        basis=d.basis,
        text=terms.text.strip(),
    )
    warnings = list(d.warnings)
    inspector = terms.inspector or actor
    if not case.premises_id:
        warnings.append("the case names no premises: no re-inspection was put on a work list")
        return o, warnings, None
    o.assignment_id = str(uuid.uuid4())
    note = f"复查 责令改正 {case.case_no}，期限 {o.deadline}"

    def followup(conn, seq):  # an earlier re-inspection of the case is reused: its id counts
        o.assignment_id = repo(store).upsert_followup(
            conn,
            o.assignment_id,
            case.premises_id,
            inspector,
            f"case:{case.id}",
            o.deadline,
            note,
            seq,
        )

    return o, warnings, followup


def _record_order(store, case: Case, o: Order, followup, terms: OrderTerms, actor: str) -> None:
    case.orders.append(o)
    case.services.append(Service("order", "direct", o.ordered_on))
    repo(store).update(
        case,
        actor,
        "order",
        previous_status=case.status,
        on=o.ordered_on,
        detail={"deadline": o.deadline, "inspector": terms.inspector or actor},
        extra=followup,
    )


def order(
    store,
    ident: str,
    *,
    on: str,
    actor: str,
    deadline: str | None = None,
    days: int | None = None,
    text: str = "",
    inspector: str | None = None,
) -> tuple[Case, Order, list[str]]:
    """An order to correct (责令改正) with its deadline, and the re-inspection it needs on the
    assignments list of *inspector* (default: the actor) due on the deadline."""
    case = resolve(store, ident)
    if case.status == "closed":
        raise InputError("case", f"case {case.case_no} is closed")
    terms = OrderTerms(deadline, days, text, inspector)
    o, warnings, followup = _make_order(store, case, as_date(on, "on"), terms, actor)
    _record_order(store, case, o, followup, terms, actor)
    return case, o, warnings


def record_check(
    store,
    ident: str,
    *,
    corrected: bool,
    on: str,
    actor: str,
    visit_id: str | None = None,
    inspection_id: str | None = None,
) -> Case:
    """The re-inspection of the latest order to correct: corrected or not, on which visit."""
    case = resolve(store, ident)
    open_orders = [o for o in case.orders if o.corrected is None]
    if not open_orders:
        raise InputError("case", f"case {case.case_no} has no order waiting for its re-inspection")
    o = open_orders[-1]
    day = as_date(on, "on")
    if day < dt.date.fromisoformat(o.ordered_on):
        raise InputError("on", f"{day} is before the order ({o.ordered_on})")
    r = repo(store)
    if visit_id:
        src = r.visit_source(visit_id)
        if src is None:
            raise InputError("visit", f"no single visit {visit_id!r}")
        visit_id = src["id"]
    if inspection_id:
        src = r.inspection_source(inspection_id)
        if src is None:
            raise InputError("inspection", f"no single inspection {inspection_id!r}")
        inspection_id = src["id"]
        visit_id = visit_id or src["visit_id"]
    o.corrected = corrected
    o.checked_on = day.isoformat()
    o.check_visit_id = visit_id or ""
    o.check_inspection_id = inspection_id or ""

    def extra(conn, seq):
        r.mark_followup_done(conn, o.assignment_id, visit_id)

    r.update(
        case,
        actor,
        "recheck",
        previous_status=case.status,
        on=day.isoformat(),
        detail={"corrected": corrected, "visit": visit_id, "inspection": inspection_id},
        extra=extra,
    )
    if inspection_id and not case.decided_hash:
        r.add_evidence(case, [Evidence("inspection", inspection_id, "re-inspection")], actor)
    return case


def decide(
    store,
    ident: str,
    decision: Decision,
    *,
    on: str,
    actor: str,
    penalty: list[ArticleRef] | None = None,
    service_method: str = "direct",
    served_on: str | None = None,
    public_notice: bool = False,
    order: OrderTerms | None = None,
) -> tuple[Case, list[str]]:
    """The decision, checked against the law, served, and sealed; with *order*, the order to
    correct it makes (served with it) in the same write: both are recorded, or neither."""
    case = resolve(store, ident)
    prev = case.status
    cat = articles()
    if penalty:
        case.penalty = penalty
    warnings = dc.check_article_refs(cat, case.penalty, "penalty", "penalty")
    dc.check_transition(case, "decided", simple=decision.procedure == "simple")
    decision, more = dc.check_decision(cat, case, decision)
    warnings += more
    if service_method not in dc.SERVICE_METHODS:
        raise InputError("service", f"must be one of {', '.join(dc.SERVICE_METHODS)}")
    day = as_date(on, "on")
    served = as_date(served_on, "served_on") if served_on else day
    if served < day:
        raise InputError("served_on", f"{served} is before the decision ({day})")
    if prev == "notified":
        reply = dd.reply_deadline(work_calendar(store), as_date(case.dates["notified"], "notified"))
        if day <= reply.due:
            raise InputError(
                "on",
                f"the party may reply to the prior notice until {reply.due}: decide after that",
            )
    case.decision = decision
    case.public_notice = public_notice
    _stamp(case, "decided", day)
    case.services.append(Service("decision", service_method, served.isoformat()))
    made = None
    if order is not None:  # checked before anything is written
        made = _make_order(store, case, served, order, actor)
        warnings += made[1]
    r = repo(store)
    case.decided_hash = dc.decided_hash(case, r.evidence(case.id))
    with r.one_write():
        r.update(
            case,
            actor,
            "decide",
            previous_status=prev,
            on=day.isoformat(),
            detail={"fine": str(decision.fine or ""), "decided_hash": case.decided_hash},
        )
        if order is not None and made is not None:
            _record_order(store, case, made[0], made[2], order, actor)
    return case, warnings


def execute(store, ident: str, *, on: str, actor: str, paid_on: str | None = None) -> Case:
    """The decision carried out (the fine paid, where there is one)."""
    case = resolve(store, ident)
    prev = case.status
    dc.check_transition(case, "executed")
    day = as_date(on, "on")
    if case.decision and case.decision.fine:
        case.paid_on = as_date(paid_on or on, "paid_on").isoformat()
    _stamp(case, "executed", day)
    repo(store).update(case, actor, "execute", previous_status=prev, on=day.isoformat())
    return case


def close(store, ident: str, *, on: str, actor: str, reason: str = "") -> Case:
    """Closure (结案): after execution, or without filing / on termination with a reason. An
    order to correct must have its re-inspection recorded first."""
    case = resolve(store, ident)
    prev = case.status
    dc.check_transition(case, "closed")
    if prev != "executed" and not reason.strip():
        raise InputError(
            "reason", f"a case closed while {prev} needs a reason (not filed, terminated…)"
        )
    waiting = [o for o in case.orders if o.corrected is None]
    if waiting:
        raise InputError(
            "case",
            f"the order to correct with deadline {waiting[-1].deadline} has no re-inspection"
            " recorded yet (case check)",
        )
    day = as_date(on, "on")
    _stamp(case, "closed", day)
    case.closure = {
        "reason": reason.strip(),
        "corrected": all(o.corrected for o in case.orders) if case.orders else None,
    }
    case.content_hash = dc.closed_hash(case, repo(store).evidence(case.id))
    repo(store).update(
        case,
        actor,
        "close",
        previous_status=prev,
        on=day.isoformat(),
        detail={"content_hash": case.content_hash, **case.closure},
    )
    return case


# -- deadlines -------------------------------------------------------------------------------------


# -- statistics ------------------------------------------------------------------------------------


# -- documents -------------------------------------------------------------------------------------


# -- the working-day calendar from the office ----------------------------------------------------
