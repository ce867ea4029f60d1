"""Focimeter rules: JJG 580-2005."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, mpe_envelope


def run(tests, instrument=None):
    if instrument is None:
        instrument = {"resolution": "0.01"}
    return evaluate(
        {"family": "focimeter", "check": "initial", "instrument": instrument, "tests": tests}
    )


@pytest.mark.parametrize(
    "resolution, mpe", [("0.01", "0.02"), ("0.125", "0.03"), ("manual", "0.03"), (0.01, "0.02")]
)
def test_zero_limit_follows_resolution(resolution, mpe):
    result = run([{"kind": "zero", "reading": mpe}], {"resolution": resolution})
    item = result["tests"][0]["items"][0]
    assert (item["mpe"], item["verdict"], item["unit"]) == (mpe, "pass", "D")
    over = run(
        [{"kind": "zero", "reading": str(-(Decimal(mpe) + Decimal("0.01")))}],
        {"resolution": resolution},
    )
    assert over["verdict"] == "fail"
    assert any("[zero]" in w for w in result["warnings"])


def test_zero_needs_resolution():
    with pytest.raises(InputError) as exc:
        run([{"kind": "zero", "reading": 0}], {})
    assert exc.value.path == "instrument.resolution"
    with pytest.raises(InputError) as exc:
        run([{"kind": "zero", "reading": 0}], {"resolution": "fine"})
    assert exc.value.path == "instrument.resolution"


@pytest.mark.parametrize(
    "nominal, mpe",
    [
        ("0", "0.06"),
        ("-5", "0.06"),
        ("5", "0.06"),
        ("5.25", "0.09"),
        ("10", "0.09"),
        ("-15", "0.12"),
        ("20", "0.18"),
        ("25", "0.25"),
    ],
)
def test_vertex_power_bands(nominal, mpe):
    on = run(
        [
            {
                "kind": "vertex_power",
                "lenses": [
                    {
                        "nominal": nominal,
                        "certified": nominal,
                        "reading": str(Decimal(nominal) + Decimal(mpe)),
                    }
                ],
            }
        ]
    )
    item = on["tests"][0]["items"][0]
    assert (item["mpe"], item["verdict"], item["label"]) == (mpe, "pass", f"{nominal} D")
    beyond = run(
        [
            {
                "kind": "vertex_power",
                "lenses": [
                    {
                        "nominal": nominal,
                        "certified": nominal,
                        "reading": str(Decimal(nominal) + Decimal(mpe) + Decimal("0.01")),
                    }
                ],
            }
        ]
    )
    assert beyond["verdict"] == "fail"
    assert any("[vertex_power]" in w and "not confirmed" in w for w in on["warnings"])


def test_error_is_against_the_certified_value():
    item = run(
        [
            {
                "kind": "vertex_power",
                "lenses": [{"nominal": "-5", "certified": "-5.01", "reading": "-5.07"}],
            }
        ]
    )["tests"][0]["items"][0]
    assert item["error"] == "-0.06" and item["verdict"] == "pass"


def test_outside_the_table_is_refused():
    with pytest.raises(InputError) as exc:
        run(
            [
                {
                    "kind": "vertex_power",
                    "lenses": [{"nominal": "25.25", "certified": 25, "reading": 25}],
                }
            ]
        )
    assert exc.value.path == "tests[0].lenses[0].nominal"
    with pytest.raises(InputError) as exc:
        run([{"kind": "prism", "items": [{"nominal": "6", "certified": 6, "reading": 6}]}])
    assert exc.value.path == "tests[0].items[0].nominal"


def test_prism():
    result = run(
        [
            {
                "kind": "prism",
                "items": [
                    {"nominal": 5, "certified": "5.02", "reading": "5.12"},
                    {"nominal": 2, "certified": 2, "reading": "2.11"},
                ],
            }
        ]
    )
    assert [i["verdict"] for i in result["tests"][0]["items"]] == ["pass", "fail"]
    assert result["tests"][0]["items"][0]["unit"] == "Δ"


def test_invalid_lens_fields():
    with pytest.raises(InputError) as exc:
        run([{"kind": "vertex_power", "lenses": [{"nominal": 5, "certified": 5}]}])
    assert exc.value.path == "tests[0].lenses[0].reading"


def test_envelope_is_symmetric():
    env = mpe_envelope("focimeter", None, "initial", {}, ["-10", "10", "12"])
    assert [m for _, m in env] == [Decimal("0.09"), Decimal("0.09"), Decimal("0.12")]
