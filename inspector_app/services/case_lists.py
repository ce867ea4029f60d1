"""Cases as lists and figures: one case with its evidence, events, deadlines and cited
articles; the case list with each case's next deadline and what is overdue; the case
statistics of a period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from decimal import Decimal

from ..domain.cases import Case
from .case_common import articles, as_date, repo
from .case_deadlines import deadlines, work_calendar


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
        date_from = as_date(date_from, "from")
    if isinstance(date_to, str):
        date_to = as_date(date_to, "to")
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
