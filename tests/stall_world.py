"""A finalized inspection of the stall's scale (the ``stall`` fixture of tests/conftest.py),
the set-up that the case, office statistics, rule data and certificate tests share: built
with the fields a test names, saved, judged by the rules engine and finalized in one call."""

from __future__ import annotations

import copy
import dataclasses

from inspector_app.domain.models import Inspection, new_id
from inspector_app.services.inspections import save_and_evaluate
from inspector_app.services.visits import visit_for_inspection

#: 10,050 g shown for 10 kg: the in-service check of the class III scale fails
FAILING_READING = [{"kind": "weighing", "points": [{"load": "10000", "indication": "10050"}]}]


def stall_inspection(
    store, stall, started_at: str, *, visit: bool = False, actor: str = "test", **fields
) -> Inspection:
    """The stall's scale checked in service under JJG 539-2016 by 李建国 at *started_at*
    with :data:`FAILING_READING`, unless *fields* say otherwise (check, ruleset, checklist,
    tests, findings, standards, inspector…); saved and evaluated, put in a visit (现场检查)
    when *visit*, finalized."""
    premises, scale = stall
    insp = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=scale.id,
        premises_id=premises.id,
        family="scale",
        check="in_service",
        ruleset="JJG 539-2016",
        inspector="李建国",
        started_at=started_at,
        tests=copy.deepcopy(FAILING_READING),
    )
    saved = save_and_evaluate(store, dataclasses.replace(insp, **fields), actor)
    if visit:
        visit_for_inspection(store, saved.id, actor)
    return store.inspections.finalize(saved.id, actor)
