"""The family registry: a new family is one registered module away."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.rules import evaluate, family_names, list_rulesets, registry
from inspector_app.domain.rules.core import Confidence, Family, Rule, item, ruleset, test_result


@pytest.fixture
def restore_registry():
    saved = dict(registry._FAMILIES)
    yield
    registry._FAMILIES.clear()
    registry._FAMILIES.update(saved)


def test_registering_a_family_makes_it_evaluable(restore_registry):
    rs = ruleset(
        "taximeter",
        "JJG 517-2016",
        "出租汽车计价器",
        "test",
        [
            Rule(
                "distance",
                "JJG 517-2016 5.1",
                Confidence.UNCONFIRMED,
                "distance error (%)",
                Decimal(1),
            )
        ],
    )

    def t_distance(ctx, test, path):
        rule = ctx.rule("distance")
        return test_result(
            "distance",
            [item("1 km", error=Decimal(test["error"]), mpe=rule.data, unit="%", rule=rule)],
        )

    registry.register(
        Family(
            "taximeter",
            99,
            "出租汽车计价器",
            "Taximeter",
            (rs,),
            lambda d, p: None,
            {"distance": t_distance},
            lambda ctx, x, p: Decimal(1),
            "km → %",
        )
    )
    assert family_names()[-1] == "taximeter"
    assert [i.name for i in list_rulesets("taximeter")] == ["JJG 517-2016"]
    result = evaluate(
        {"family": "taximeter", "check": "initial", "tests": [{"kind": "distance", "error": "1"}]}
    )
    assert result["verdict"] == "pass" and len(result["warnings"]) == 1


def test_get_unknown():
    assert registry.get("nope") is None
