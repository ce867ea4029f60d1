"""Trial lens set rules: JJG 579-2025 placeholder table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, mpe_envelope


def run(lenses):
    return evaluate(
        {
            "family": "trial_lens_set",
            "check": "initial",
            "instrument": {},
            "tests": [{"kind": "lenses", "lenses": lenses}],
        }
    )


@pytest.mark.parametrize(
    "nominal, mpe",
    [
        ("3", "0.06"),
        ("-3.25", "0.09"),
        ("6", "0.09"),
        ("9", "0.12"),
        ("12", "0.15"),
        ("15", "0.18"),
        ("-20", "0.25"),
    ],
)
def test_placeholder_bands(nominal, mpe):
    n = Decimal(nominal)
    on = run([{"nominal": nominal, "measured": str(n - Decimal(mpe))}])
    assert on["tests"][0]["items"][0]["mpe"] == mpe and on["verdict"] == "pass"
    assert (
        run([{"nominal": nominal, "measured": str(n + Decimal(mpe) + Decimal("0.01"))}])["verdict"]
        == "fail"
    )
    assert any("[lens_power]" in w and "placeholder" in w for w in on["warnings"])


def test_invalid():
    with pytest.raises(InputError) as exc:
        run([{"nominal": 1}])
    assert exc.value.path == "tests[0].lenses[0].measured"


def test_envelope():
    assert mpe_envelope("trial_lens_set", None, "initial", {}, ["0.25"]) == [
        (Decimal("0.25"), Decimal("0.06"))
    ]
