"""The documents along a case's procedure as signed PDFs (现场检查笔录, 立案审批表, 责令改正通知书,
行政处罚告知书, 行政处罚决定书, 结案审批表): which a case can print now, and each built by
:mod:`inspector_app.reports.case_documents` from the case as stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..domain import deadlines as dd
from ..domain.cases import Case
from ..domain.errors import InputError
from .case_common import articles, as_date, repo, resolve
from .case_deadlines import work_calendar

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
            dd.Pause(as_date(p["first"], "pause"), as_date(p["last"], "pause")) for p in case.pauses
        ]
        due = dd.filing_deadline(cal, as_date(case.clue_date, "clue"), pauses)
        content = docs.filing_content(
            data, authority, citations, evidence, due.due.isoformat(), lang, signer=signer
        )
        build = docs.build_filing_document
    elif kind == "site_record":
        visit = r.visit_record(case.visit_id) if case.visit_id else None
        if visit is None:  # available_documents offered it: the visit is held here
            raise InputError("case", f"case {case.case_no} was not opened from a visit held here")
        content = docs.site_record_content(data, visit, authority, evidence, lang, signer=signer)
        build = docs.build_site_record
    elif kind == "notice":
        notified = case.dates["notified"]
        reply = dd.reply_deadline(cal, as_date(notified, "notified"))
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
            notified,
            reply.due.isoformat(),
            lang,
            signer=signer,
        )
        build = docs.build_notice_document
    elif kind == "decision":
        decided = case.dates["decided"]
        served = [s.date for s in case.services if s.document == "decision"] or [decided]
        pay = dd.payment_deadline(cal, as_date(served[-1], "served"))
        if "notified" in case.dates:
            reply_due = dd.reply_deadline(cal, as_date(case.dates["notified"], "notified")).due
            note = (
                f"本局已于{case.dates['notified']}向当事人送达行政处罚告知书，告知拟作出的行政处罚"
                f"内容及事实、理由、依据，以及陈述、申辩和要求听证的权利（期限至{reply_due}）。"
                if lang == "zh"
                else f"The prior notice was served on {case.dates['notified']}, stating the "
                "intended penalty with its facts, reasons and basis and the rights to a "
                f"statement, defence and hearing (until {reply_due})."
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
    from .signing import sign_built

    return sign_built(built, identity, DOCUMENT_NAMES[kind][1])


def order_document(store, ident: str, **kwargs) -> bytes:
    """The order to correct of the case's latest order (see :func:`case_document`)."""
    return case_document(store, ident, "order", **kwargs)
