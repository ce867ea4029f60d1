"""Where the enforcement-case tests start from (services, window, command line, documents):
a finalized inspection of the stall's scale with a cheating finding, the case opened from
it, and that case taken to its prior notice, ready for the decision."""

from __future__ import annotations

from stall_world import stall_inspection

from inspector_app.domain.cases import ArticleRef, CaseOfficer
from inspector_app.domain.models import Finding, new_id
from inspector_app.services import cases as cs

OFFICERS = [CaseOfficer("李建国", "34010020230001"), CaseOfficer("张伟", "34010020230002")]
CHEAT = [ArticleRef("jmsc-2025-trader-duties", "2025")]
PENALTY = [ArticleRef("jlfsxz-2022-48", "2022")]


def cheating_inspection(
    store,
    stall,
    day: str = "2025-03-03",
    *,
    finding: str = "秤内加装作弊按键",
    inspector: str = "李建国",
    visit: bool = True,
) -> str:
    """A finalized inspection of the stall's scale on *day* with a cheating *finding*, made in
    a visit (现场检查) unless *visit* is false; its id."""
    return stall_inspection(
        store,
        stall,
        f"{day}T09:20+08:00",
        visit=visit,
        inspector=inspector,
        checklist={"cheat_keys": "yes"},
        findings=[Finding(new_id(), "cheat_keys", finding, cheating=True)],
    ).id


def cheating_case(store, stall, clue: str = "2025-03-03", *, officers=OFFICERS, **inspection):
    """The case (a clue) opened on *clue* from a cheating inspection of that day."""
    inspection_id = cheating_inspection(store, stall, clue, **inspection)
    return cs.open_case(
        store,
        actor=officers[0].name,
        clue_date=clue,
        officers=officers,
        inspection_id=inspection_id,
    ).case


def notified_case(store, stall):
    """A case from 2025-03-03 filed on 03-05, investigated on 03-10 and served its prior
    notice on 03-12 (the party may reply until 03-19): ready for the decision."""
    case = cheating_case(store, stall)
    cs.advance(store, case.id, "filed", on="2025-03-05", actor="李建国", violated=CHEAT)
    cs.advance(store, case.id, "investigated", on="2025-03-10", actor="李建国")
    cs.advance(store, case.id, "notified", on="2025-03-12", actor="李建国", penalty=PENALTY)
    return case
