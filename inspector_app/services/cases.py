"""Enforcement cases: opening one from an inspection, a visit or a complaint, moving it
through its states, orders to correct with their follow-up, the decision, closure, the
deadlines that are due and the figures the office counts.

No Qt, no SQL here: the rules are in ``domain.cases`` and ``domain.deadlines``, the storage in
``store.cases``. Every change is one transaction with its audit entry and case event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain import cases as dc
from ..domain import deadlines as dd
from ..domain.cases import ArticleRef, Case, CaseOfficer, Decision, Evidence, Order, Party, Service
from ..domain.errors import InputError
from ..store.cases import CaseRepo, party_key


def repo(store) -> CaseRepo:
    return CaseRepo(store)


_ARTICLES: dc.ArticleCatalogue | None = None


def articles() -> dc.ArticleCatalogue:
    global _ARTICLES
    if _ARTICLES is None:
        _ARTICLES = dc.load_articles()
    return _ARTICLES


def work_calendar(store) -> dd.WorkCalendar:
    """The shipped holiday calendar, or the newer one an office stored in this database."""
    stored = repo(store).data_file("cn_workdays")
    return dd.load_calendar(newer_text=stored[1] if stored else None)


def install_calendar(store, text: str, actor: str) -> dd.WorkCalendar:
    """Keep an office's newer calendar file in the database (checked before it is kept)."""
    cal = dd.parse_calendar(text, "calendar file")
    if not cal.version:
        raise InputError("calendar file", "has no version")
    repo(store).set_data_file("cn_workdays", cal.version, text, actor)
    return cal


def _day(text, where: str) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError(where, f"{text!r} is not a date (YYYY-MM-DD)") from None


# Letters only (no I, L, O: read aloud or copied by hand they pass for 1 and 0), so the
# code never looks like the year or the running number around it.
_CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"


def device_code(device_id: str) -> str:
    """The four-letter code of a device inside its case numbers (``2025-KMPX-0001``): the
    same on every run of one database, different between laptops without any coordination
    (23**4 = 279,841 codes; two devices that still draw the same code and number are caught
    by the bundle merge as a taken case number)."""
    n = int.from_bytes(hashlib.sha256(device_id.encode("utf-8")).digest()[:8], "big")
    out = []
    for _ in range(4):
        n, k = divmod(n, len(_CODE_LETTERS))
        out.append(_CODE_LETTERS[k])
    return "".join(out)


def resolve(store, ident: str) -> Case:
    found = repo(store).find(ident)
    if not found:
        raise InputError("case", f"no case {ident!r} (give its number or 6+ characters of its id)")
    if len(found) > 1:
        numbers = ", ".join(c.case_no for c in found[:5])
        raise InputError(
            "case", f"{ident!r} matches {len(found)} cases ({numbers}); give the full number"
        )
    return found[0]


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
    clue = _day(clue_date, "clue_date")
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
    day = _day(on, "on")
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
    a, b = _day(first, "from"), _day(last, "to")
    if b < a:
        raise InputError("to", f"{b} is before {a}")
    if not reason.strip():
        raise InputError("reason", "say why the time limit pauses (testing, hearing…)")
    if case.status in ("decided", "executed", "closed"):
        raise InputError("case", f"case {case.case_no} is {case.status}: no time limit runs")
    case.pauses.append({"first": a.isoformat(), "last": b.isoformat(), "reason": reason.strip()})
    repo(store).update(case, actor, "pause", previous_status=case.status, detail=case.pauses[-1])
    return case


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
    cal = work_calendar(store)
    served = _day(on, "on")
    d = dd.correction_deadline(
        cal, served, days=days, date=_day(deadline, "deadline") if deadline else None
    )
    o = Order(
        ordered_on=served.isoformat(),
        deadline=d.due.isoformat(),
        basis=d.basis,
        text=text.strip(),
    )
    warnings = list(d.warnings)
    extra = None
    if case.premises_id:
        aid = str(uuid.uuid4())
        o.assignment_id = aid
        note = f"复查 责令改正 {case.case_no}，期限 {o.deadline}"

        def extra(conn, seq, aid=aid, note=note):
            o.assignment_id = repo(store).upsert_followup(
                conn,
                aid,
                case.premises_id,
                inspector or actor,
                f"case:{case.id}",
                o.deadline,
                note,
                seq,
            )
    else:
        warnings.append("the case names no premises: no re-inspection was put on a work list")
    case.orders.append(o)
    case.services.append(Service("order", "direct", served.isoformat()))
    r = repo(store)
    r.update(
        case,
        actor,
        "order",
        previous_status=case.status,
        on=served.isoformat(),
        detail={"deadline": o.deadline, "inspector": inspector or actor},
        extra=extra,
    )
    if extra is not None:  # the id the assignment really has (an earlier one is reused)
        case = resolve(store, case.id)
        if case.orders[-1].assignment_id != o.assignment_id:
            case.orders[-1].assignment_id = o.assignment_id
            r.update(case, actor, "order.assignment", previous_status=case.status)
    return case, case.orders[-1], warnings


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
    day = _day(on, "on")
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
) -> tuple[Case, list[str]]:
    """The decision, checked against the law, served, and sealed."""
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
    day = _day(on, "on")
    served = _day(served_on, "served_on") if served_on else day
    if served < day:
        raise InputError("served_on", f"{served} is before the decision ({day})")
    if prev == "notified":
        reply = dd.reply_deadline(work_calendar(store), _day(case.dates["notified"], "notified"))
        if day <= reply.due:
            raise InputError(
                "on",
                f"the party may reply to the prior notice until {reply.due}: decide after that",
            )
    case.decision = decision
    case.public_notice = public_notice
    _stamp(case, "decided", day)
    case.services.append(Service("decision", service_method, served.isoformat()))
    case.decided_hash = dc.decided_hash(case, repo(store).evidence(case.id))
    repo(store).update(
        case,
        actor,
        "decide",
        previous_status=prev,
        on=day.isoformat(),
        detail={"fine": str(decision.fine or ""), "decided_hash": case.decided_hash},
    )
    return case, warnings


def execute(store, ident: str, *, on: str, actor: str, paid_on: str | None = None) -> Case:
    """The decision carried out (the fine paid, where there is one)."""
    case = resolve(store, ident)
    prev = case.status
    dc.check_transition(case, "executed")
    day = _day(on, "on")
    if case.decision and case.decision.fine:
        case.paid_on = _day(paid_on or on, "paid_on").isoformat()
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
    day = _day(on, "on")
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


def deadlines(store, case: Case, today: dt.date | None = None, cal=None) -> list[dict]:
    """The deadlines running for *case*, each with whether it is overdue today."""
    cal = cal or work_calendar(store)
    today = today or dt.date.today()
    pauses = [dd.Pause(_day(p["first"], "pause"), _day(p["last"], "pause")) for p in case.pauses]
    out: list[dd.Deadline] = []
    if case.status == "clue":
        out.append(dd.filing_deadline(cal, _day(case.clue_date, "clue_date"), pauses))
    if case.status in ("filed", "investigated", "notified"):
        out.append(dd.decision_deadline(cal, _day(case.dates["filed"], "filed"), pauses))
    if case.status == "notified":
        out.append(dd.reply_deadline(cal, _day(case.dates["notified"], "notified")))
    if case.status == "decided" and case.decision and case.decision.fine:
        served = [s for s in case.services if s.document == "decision"]
        out.append(dd.payment_deadline(cal, _day(served[-1].date, "served")))
    for o in case.orders:
        if o.corrected is None:
            out.append(dd.Deadline("correction", _day(o.deadline, "deadline"), o.basis))
    result = []
    for d in out:
        item = d.as_dict()
        # the reply window is the party's: it is not "overdue" for the office
        item["overdue"] = d.key != "reply" and today > d.due
        result.append(item)
    return result


def summary(store, case: Case, today: dt.date | None = None) -> dict:
    cat = articles()
    data = case.as_dict()
    data["evidence"] = [dataclasses.asdict(e) for e in repo(store).evidence(case.id)]
    data["events"] = repo(store).events(case.id)
    data["deadlines"] = deadlines(store, case, today)
    data["overdue"] = any(d["overdue"] for d in data["deadlines"])
    for key in ("violated", "penalty"):
        data[key] = [
            {
                **ref,
                "citation_zh": cat.cite(cat.get(ref["article_id"]), "zh"),
                "citation_en": cat.cite(cat.get(ref["article_id"]), "en"),
                "confidence": cat.get(ref["article_id"]).confidence,
            }
            for ref in data[key]
        ]
    return data


def list_cases(
    store, *, status: str | None = None, overdue: bool = False, today: dt.date | None = None
) -> list[dict]:
    cal = work_calendar(store)
    out = []
    for case in repo(store).all(status):
        dls = deadlines(store, case, today, cal)
        late = [d for d in dls if d["overdue"]]
        if overdue and not late:
            continue
        nxt = min((d for d in dls if d["key"] != "reply"), key=lambda d: d["due"], default=None)
        out.append(
            {
                "id": case.id,
                "case_no": case.case_no,
                "status": case.status,
                "source": case.source,
                "clue_date": case.clue_date,
                "party": case.party.name,
                "premises_kind": case.premises_kind,
                "fine": str(case.decision.fine) if case.decision and case.decision.fine else "",
                "next_deadline": nxt,
                "overdue": [d["key"] for d in late],
                "overdue_deadlines": [{"key": d["key"], "due": d["due"]} for d in late],
                "cheating": case.cheating,
            }
        )
    return out


# -- statistics ------------------------------------------------------------------------------------


def _in(day: str | None, date_from: dt.date | None, date_to: dt.date | None) -> bool:
    if not day:
        return False
    d = dt.date.fromisoformat(day[:10])
    return (date_from is None or d >= date_from) and (date_to is None or d <= date_to)


def case_statistics(
    store,
    date_from: dt.date | str | None = None,
    date_to: dt.date | str | None = None,
    *,
    city: str | None = None,
    market: str | None = None,
) -> dict:
    """Cases opened (by clue date) and closed in the period; decided in the period: by penalty
    article, by kind of premises, fines, premises punished (each party once), and cheating
    cases counted as cases (one case per party per event). *city* and *market* keep the
    cases of premises there."""
    if isinstance(date_from, str):
        date_from = _day(date_from, "from")
    if isinstance(date_to, str):
        date_to = _day(date_to, "to")
    rows = [
        r
        for r in repo(store).rows_for_stats()
        if (not city or r["city"] == city) and (not market or r["market"] == market)
    ]
    opened = [r for r in rows if _in(r["clue_date"], date_from, date_to)]
    dates = {r["id"]: json.loads(r["dates_json"]) for r in rows}
    closed = [r for r in rows if _in(dates[r["id"]].get("closed"), date_from, date_to)]
    decided = [r for r in rows if _in(dates[r["id"]].get("decided"), date_from, date_to)]
    by_article: Counter = Counter()
    for r in decided:
        for ref in json.loads(r["penalty_json"]):
            by_article[(ref["article_id"], ref["edition"])] += 1
    by_kind = Counter(r["premises_kind"] or "(none)" for r in decided)
    fines = sum((Decimal(r["fine"]) for r in decided if r["fine"]), Decimal(0))
    punished = {r["party_key"] for r in decided}
    punished_premises = {r["premises_id"] for r in decided if r["premises_id"]}
    cat = articles()
    return {
        "opened": len(opened),
        "closed": len(closed),
        "decided": len(decided),
        "open_now": sum(1 for r in rows if r["status"] != "closed"),
        "fines": str(fines),
        "parties_punished": len(punished),
        "premises_punished": len(punished_premises),
        "cheating_cases": sum(1 for r in opened if r["cheating"]),
        "by_article": [
            {
                "article_id": a,
                "edition": e,
                "citation": cat.cite(cat.get(a), "zh") if a in cat.articles else a,
                "cases": n,
            }
            for (a, e), n in by_article.most_common()
        ],
        "by_premises_kind": [{"kind": k, "cases": n} for k, n in by_kind.most_common()],
    }


# -- documents -------------------------------------------------------------------------------------


DOCUMENT_KINDS = ("site_record", "filing", "order", "notice", "decision", "closure")
DOCUMENT_NAMES = {
    "site_record": ("现场检查笔录", "On-site inspection record"),
    "filing": ("立案审批表", "Case filing approval form"),
    "order": ("责令改正通知书", "Order to correct"),
    "notice": ("行政处罚告知书", "Prior notice of administrative penalty"),
    "decision": ("行政处罚决定书", "Administrative penalty decision"),
    "closure": ("结案审批表", "Case closure approval form"),
}


def proposed_penalty(store, case: Case) -> dict | None:
    """The penalty proposed when the prior notice was served (kept in that event)."""
    for e in reversed(repo(store).events(case.id)):
        if e["action"] == "notified":
            return e["detail"].get("proposed")
    return None


def available_documents(store, case: Case) -> list[str]:
    """The documents this case can print now, in the order of the procedure."""
    out = []
    if case.visit_id and repo(store).visit_record(case.visit_id) is not None:
        out.append("site_record")
    out.append("filing")
    if case.orders:
        out.append("order")
    if "notified" in case.dates:
        out.append("notice")
    if case.decision is not None and case.decided_hash:
        out.append("decision")
    if case.status in ("executed", "closed"):
        out.append("closure")
    return out


def case_document(
    store,
    ident: str,
    kind: str = "order",
    *,
    lang: str = "zh",
    identity=None,
    authority: str = "",
    today: dt.date | None = None,
) -> bytes:
    """A document of the case as a PDF: ``site_record`` (现场检查笔录 of the visit the case
    came from), ``filing`` (立案审批表), ``order`` (责令改正通知书 of the latest order),
    ``notice`` (行政处罚告知书), ``decision`` (行政处罚决定书) or ``closure`` (结案审批表),
    signed with *identity* (one of the case's officers, or an office key) when given."""
    from ..reports import case_documents as docs

    case = resolve(store, ident)
    if kind not in DOCUMENT_KINDS:
        raise InputError("kind", f"a case document is one of {', '.join(DOCUMENT_KINDS)}")
    if kind == "order" and not case.orders:
        raise InputError("case", f"case {case.case_no} has no order to correct")
    if kind not in available_documents(store, case):
        why = {
            "site_record": "was not opened from a visit (现场检查) held in this database",
            "notice": "has had no prior notice served",
            "decision": "is not decided",
            "closure": "is neither carried out nor closed",
        }.get(kind, "cannot have this document yet")
        raise InputError("kind", f"case {case.case_no} {why}")
    if identity is not None and identity.name not in [o.name for o in case.officers]:
        from ..crypto.ca import is_office_certificate

        if not is_office_certificate(identity.certificate):
            raise InputError(
                "identity", f"{identity.name} is not an officer of case {case.case_no}"
            )
    cat = articles()
    citations = {
        key: [cat.cite(cat.get(r.article_id, r.edition), lang) for r in getattr(case, key)]
        for key in ("violated", "penalty")
    }
    if not authority:
        try:
            from .certificates import issuing_body

            authority = issuing_body(store).name(lang) or ""
        except Exception:  # noqa: BLE001 - the issuing body is optional here
            authority = ""
    signer = identity.name if identity is not None else ""
    r = repo(store)
    evidence = [dataclasses.asdict(e) for e in r.evidence(case.id)]
    data = case.as_dict()
    cal = work_calendar(store)
    if kind == "order":
        content = docs.order_content(
            data, dataclasses.asdict(case.orders[-1]), authority, citations, lang, signer=signer
        )
        build = docs.build_order_document
    elif kind == "filing":
        pauses = [
            dd.Pause(_day(p["first"], "pause"), _day(p["last"], "pause")) for p in case.pauses
        ]
        due = dd.filing_deadline(cal, _day(case.clue_date, "clue"), pauses)
        content = docs.filing_content(
            data, authority, citations, evidence, due.due.isoformat(), lang, signer=signer
        )
        build = docs.build_filing_document
    elif kind == "site_record":
        visit = r.visit_record(case.visit_id)
        content = docs.site_record_content(data, visit, authority, evidence, lang, signer=signer)
        build = docs.build_site_record
    elif kind == "notice":
        served = case.dates["notified"]
        reply = dd.reply_deadline(cal, _day(served, "notified"))
        ranges = [
            f"{cat.cite(a, lang)}: {a.range_text()}"
            for a in (cat.get(x.article_id, x.edition) for x in case.penalty)
        ]
        content = docs.notice_content(
            data,
            authority,
            citations,
            evidence,
            proposed_penalty(store, case),
            ranges,
            served,
            reply.due.isoformat(),
            lang,
            signer=signer,
        )
        build = docs.build_notice_document
    elif kind == "decision":
        decided = case.dates["decided"]
        served = [s.date for s in case.services if s.document == "decision"] or [decided]
        pay = dd.payment_deadline(cal, _day(served[-1], "served"))
        if "notified" in case.dates:
            due = dd.reply_deadline(cal, _day(case.dates["notified"], "notified")).due
            note = (
                f"本局已于{case.dates['notified']}向当事人送达行政处罚告知书，告知拟作出的行政处罚"
                f"内容及事实、理由、依据，以及陈述、申辩和要求听证的权利（期限至{due}）。"
                if lang == "zh"
                else f"The prior notice was served on {case.dates['notified']}, stating the "
                "intended penalty with its facts, reasons and basis and the rights to a "
                f"statement, defence and hearing (until {due})."
            )
        elif case.decision is not None and case.decision.procedure == "simple":
            note = (
                "本案适用简易程序，当场作出行政处罚决定。"
                if lang == "zh"
                else "This decision was made on the spot under the simple procedure."
            )
        else:
            note = ""
        content = docs.decision_content(
            data,
            authority,
            citations,
            evidence,
            decided,
            served[-1],
            pay.due.isoformat(),
            note,
            lang,
            signer=signer,
        )
        build = docs.build_decision_document
    else:
        content = docs.closure_content(data, authority, citations, lang, signer=signer)
        build = docs.build_closure_document
    built = build(content, for_signing=identity is not None, signer_name=signer)
    if identity is None:
        return built.pdf
    from ..reports.signing import SigningError, sign_pdf

    try:
        return sign_pdf(built.pdf, identity, built.signature_box, reason=DOCUMENT_NAMES[kind][1])
    except SigningError as exc:
        raise InputError("identity", str(exc)) from None


def order_document(store, ident: str, **kwargs) -> bytes:
    """The order to correct of the case's latest order (see :func:`case_document`)."""
    return case_document(store, ident, "order", **kwargs)


# -- the working-day calendar from the office ----------------------------------------------------


def check_calendars(store, content) -> None:
    """Stage 4 of an import for the calendar an office bundle carries: it must be signed by a
    trusted office key (the check rule data versions get), else the whole bundle is refused
    naming why; a field bundle never carries one (the reader refuses the table there)."""
    from ..sync.cases import CALENDAR_TABLE, calendar_payload
    from ..sync.format import BundleRejected
    from .rule_data import check_office_signature

    for n, rec in enumerate(getattr(content, CALENDAR_TABLE), start=1):
        check = check_office_signature(
            store,
            rec,
            calendar_payload(rec),
            "the signature does not match the calendar's text and version",
            "only the office sends the working-day calendar",
        )
        if not check.ok:
            raise BundleRejected(
                4,
                f"records/{CALENDAR_TABLE}.jsonl line {n}",
                f"calendar.signature: calendar {rec['version']!r} refused: {check.reason}",
            )
