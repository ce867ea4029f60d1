"""The demo's enforcement cases: a few of the cheating scales the demo found, taken through
the case service's legal steps (filed, investigated, notified, decided, some carried out and
closed), so the case window and the case statistics have something to show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

CASE_VIOLATED = ("jmsc-2025-trader-duties", "2025")
CASE_PENALTY = ("jlfsxz-2022-48", "2022")  # up to ¥2,000 (计量法实施细则 Art. 48)


def make_cases(
    store, demo, certificates: dict[str, str], limit: int = 8, actor: str = "demo"
) -> dict:
    """A few enforcement cases from the demo's cheating scales, through the case service:
    filed, investigated, noticed, decided after the party's reply period, and some carried
    out and closed. Cases whose steps would fall after today are left earlier on."""
    from ..domain.cases import ArticleRef, CaseOfficer, Decision
    from ..domain.deadlines import reply_deadline
    from . import cases as cs

    r = demo.rng
    today = dt.date.today()
    rows = store.conn.execute(
        "SELECT DISTINCT i.id, i.started_at, i.inspector FROM inspections i"
        " JOIN findings f ON f.inspection_id = i.id AND f.cheating = 1"
        " WHERE i.family = 'scale' AND i.status = 'finalized'"
        " AND NOT EXISTS (SELECT 1 FROM case_evidence e WHERE e.kind = 'inspection'"
        " AND e.ref = i.id) ORDER BY i.started_at, i.id LIMIT ?",
        (limit,),
    ).fetchall()
    names = sorted(certificates)
    counts = {"cases": 0, "decided": 0, "closed": 0}
    cal = cs.work_calendar(store)
    for iid, started, inspector in rows:
        clue = dt.date.fromisoformat(started[:10])
        other = r.choice([n for n in names if n != inspector] or names)
        officers = [
            CaseOfficer(inspector, certificates.get(inspector) or "3400000000"),
            CaseOfficer(other, certificates[other]),
        ]
        if len({o.name for o in officers}) < 2:
            continue
        case = cs.open_case(
            store, actor=actor, clue_date=clue.isoformat(), officers=officers, inspection_id=iid
        ).case
        counts["cases"] += 1
        filed = clue + dt.timedelta(days=r.randint(1, 4))
        investigated = filed + dt.timedelta(days=r.randint(5, 12))
        notified = investigated + dt.timedelta(days=r.randint(1, 3))
        decided = reply_deadline(cal, notified).due + dt.timedelta(days=r.randint(1, 4))
        if decided > today:
            continue  # too recent: left at the clue stage
        cs.advance(
            store,
            case.id,
            "filed",
            on=filed.isoformat(),
            actor=actor,
            violated=[ArticleRef(*CASE_VIOLATED)],
        )
        cs.advance(store, case.id, "investigated", on=investigated.isoformat(), actor=actor)
        cs.advance(
            store,
            case.id,
            "notified",
            on=notified.isoformat(),
            actor=actor,
            penalty=[ArticleRef(*CASE_PENALTY)],
        )
        fine = Decimal(r.choice((500, 800, 1000, 1500, 2000)))
        cs.decide(
            store,
            case.id,
            Decision(fine=fine, confiscation=["instrument"]),
            on=decided.isoformat(),
            actor=actor,
        )
        counts["decided"] += 1
        executed = decided + dt.timedelta(days=r.randint(3, 14))
        if r.random() < 0.6 and executed + dt.timedelta(days=3) <= today:
            cs.execute(store, case.id, on=executed.isoformat(), actor=actor)
            cs.close(
                store,
                case.id,
                on=(executed + dt.timedelta(days=3)).isoformat(),
                actor=actor,
            )
            counts["closed"] += 1
    return counts
