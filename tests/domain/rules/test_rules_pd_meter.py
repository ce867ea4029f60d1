"""PD meter rules: JJG 952-2014, configurable unconfirmed limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, mpe_envelope


def run(items):
    return evaluate(
        {
            "family": "pd_meter",
            "check": "initial",
            "instrument": {},
            "tests": [{"kind": "pd", "items": items}],
        }
    )


def test_reference_sleeves():
    result = run(
        [
            {"reference": 55, "reading": 56},
            {"reference": 65, "reading": "63.9"},
            {"reference": 75, "reading": 75},
        ]
    )
    assert [i["verdict"] for i in result["tests"][0]["items"]] == ["pass", "fail", "pass"]
    assert [i["label"] for i in result["tests"][0]["items"]] == ["55 mm", "65 mm", "75 mm"]
    assert any("[pd]" in w and "not confirmed" in w for w in result["warnings"])


def test_invalid():
    with pytest.raises(InputError) as exc:
        run([{"reference": 0, "reading": 1}])
    assert exc.value.path == "tests[0].items[0].reference"


def test_envelope():
    assert mpe_envelope("pd_meter", None, "initial", {}, [55, 75]) == [
        (Decimal(55), Decimal(1)),
        (Decimal(75), Decimal(1)),
    ]
