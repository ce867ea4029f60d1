"""Refractometer rules: JJG 892-2022 carrying the 2011 numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, mpe_envelope


def run(tests, instrument=None):
    return evaluate(
        {
            "family": "refractometer",
            "check": "subsequent",
            "instrument": instrument or {},
            "tests": tests,
        }
    )


def test_sphere_mean_of_readings():
    result = run(
        [
            {
                "kind": "sphere",
                "eyes": [
                    {"nominal": "-5", "certified": "-5.02", "readings": ["-5.25", "-5.25", "-5.26"]}
                ],
            }
        ]
    )
    item = result["tests"][0]["items"][0]
    # mean −5.253333…, error −0.233333…
    assert item["mean"] == "-5.253"
    assert item["error"] == "-0.233"
    assert (item["mpe"], item["unit"], item["verdict"]) == ("0.25", "m⁻¹", "pass")
    assert any("2011" in w for w in result["warnings"])
    assert not any("[sphere_boundary]" in w for w in result["warnings"])


@pytest.mark.parametrize(
    "nominal, mpe", [("10", "0.25"), ("-10", "0.25"), ("10.25", "0.5"), ("-20", "0.5")]
)
def test_sphere_bands(nominal, mpe):
    n = Decimal(nominal)
    on = run(
        [
            {
                "kind": "sphere",
                "eyes": [
                    {"nominal": nominal, "certified": nominal, "readings": [str(n + Decimal(mpe))]}
                ],
            }
        ]
    )
    assert on["tests"][0]["items"][0]["mpe"] == mpe and on["verdict"] == "pass"
    beyond = run(
        [
            {
                "kind": "sphere",
                "eyes": [
                    {
                        "nominal": nominal,
                        "certified": nominal,
                        "readings": [str(n - Decimal(mpe) - Decimal("0.01"))],
                    }
                ],
            }
        ]
    )
    assert beyond["verdict"] == "fail"


def test_boundary_at_10_warns():
    result = run(
        [{"kind": "sphere", "eyes": [{"nominal": "-10", "certified": "-10", "readings": ["-10"]}]}]
    )
    assert any("[sphere_boundary]" in w for w in result["warnings"])


def test_pd():
    result = run(
        [
            {
                "kind": "pd",
                "items": [{"reference": 65, "reading": 66}, {"reference": 55, "reading": "53.9"}],
            }
        ]
    )
    assert [i["verdict"] for i in result["tests"][0]["items"]] == ["pass", "fail"]
    assert result["failed"] == ["55 mm"]


def test_pd_not_applicable_without_pd_function():
    result = run(
        [
            {"kind": "pd", "items": []},
            {"kind": "sphere", "eyes": [{"nominal": 0, "certified": 0, "readings": [0]}]},
        ],
        {"has_pd": False},
    )
    assert result["tests"][0] == {"kind": "pd", "verdict": "not_applicable", "items": []}
    assert result["verdict"] == "pass"


@pytest.mark.parametrize(
    "tests, instrument, path",
    [
        ([{"kind": "pd", "items": [{"reference": 65}]}], {}, "tests[0].items[0].reading"),
        (
            [{"kind": "pd", "items": [{"reference": 65, "reading": 65}]}],
            {"has_pd": "yes"},
            "instrument.has_pd",
        ),
        (
            [{"kind": "sphere", "eyes": [{"nominal": 0, "certified": 0, "readings": []}]}],
            {},
            "tests[0].eyes[0].readings",
        ),
        (
            [{"kind": "sphere", "eyes": [{"nominal": 0, "certified": 0, "readings": [0], "x": 1}]}],
            {},
            "tests[0].eyes[0].x",
        ),
    ],
)
def test_invalid(tests, instrument, path):
    with pytest.raises(InputError) as exc:
        run(tests, instrument)
    assert exc.value.path == path


def test_envelope():
    assert [m for _, m in mpe_envelope("refractometer", None, "initial", {}, [-12, 0, 10])] == [
        Decimal("0.50"),
        Decimal("0.25"),
        Decimal("0.25"),
    ]
