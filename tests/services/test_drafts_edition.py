"""A new draft gets the edition in force on its date; a draft judged under another edition
says so; a draft's result names its rule data version."""

from __future__ import annotations

import dataclasses

from inspector_app.domain.models import Instrument, new_id
from inspector_app.services import drafts


def test_new_draft_gets_the_edition_in_force_and_warns_when_changed(store, stall):
    premises, _scale = stall
    ins = store.instruments.save(
        Instrument(new_id(), premises.id, "fuel_dispenser", metrology={"fuel": "gasoline"})
    )
    draft = drafts.new_draft(store, ins.id, "张伟")
    assert draft.ruleset == "JJG 443-2023"  # in force since 2024-05-01
    tests = [{"kind": "volume", "runs": [{"error": "0.1"}, {"error": "0"}, {"error": "0.05"}]}]
    now = dataclasses.replace(draft, tests=tests)
    ev = drafts.evaluate_draft(now, ins)
    assert ev.result["rule_data"] == "builtin-2"
    assert not any("was not the edition in force" in w for w in ev.result["warnings"])
    old = dataclasses.replace(now, ruleset="JJG 443-2015")
    warned = drafts.evaluate_draft(old, ins).result["warnings"]
    assert any("JJG 443-2015 was not the edition in force" in w for w in warned)
    back_then = dataclasses.replace(old, started_at="2024-04-30T10:00+08:00")
    warned = drafts.evaluate_draft(back_then, ins).result["warnings"]
    assert not any("was not the edition in force" in w for w in warned)
    undated = dataclasses.replace(old, started_at="")
    assert drafts.evaluate_draft(undated, ins).result["verdict"] == "pass"
