"""Properties of the net-content rules that must hold for any batch."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inspector_app.domain.rules import evaluate, mpe_envelope

PLAN_N = {30: 10, 60: 13, 200: 50}


def judge(batch_size, values, nominal="500"):
    request = {
        "family": "prepackaged",
        "check": "batch",
        "instrument": {},
        "tests": [
            {
                "kind": "net_content",
                "quantity": "mass",
                "nominal": nominal,
                "unit": "g",
                "batch_size": batch_size,
                "units": [{"net": str(v)} for v in values],
            }
        ],
    }
    return evaluate(request)["tests"][0]


readings = st.decimals(min_value=Decimal("480"), max_value=Decimal("520"), places=2)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(PLAN_N)), st.data(), readings)
def test_adding_a_package_at_or_above_qn_never_fails_a_passing_average(batch_size, data, extra):
    """A batch passing on the average still passes when a package at least as heavy as its
    label joins the sample (the mean may move either way and s may fall, but together they
    never cross the limit Qn − λ·s)."""
    values = data.draw(st.lists(readings, min_size=PLAN_N[batch_size], max_size=PLAN_N[batch_size]))
    before = judge(batch_size, values)
    assume(before["average_ok"] is True)
    assume(extra >= Decimal(500))
    after = judge(batch_size, values + [extra])
    assert after["average_ok"] is True


QUANTITY_UNITS = [
    ("mass", "g", Decimal("50000")),
    ("mass", "kg", Decimal("50")),
    ("volume", "mL", Decimal("50000")),
    ("volume", "L", Decimal("50")),
    ("length", "m", Decimal("1000")),
    ("area", "m2", Decimal("1000")),
    ("count", "pcs", Decimal("100000")),
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(QUANTITY_UNITS),
    st.sampled_from(["up", "half_up"]),
    st.lists(st.decimals(min_value=0, max_value=1, places=6), min_size=2, max_size=6),
)
def test_t_never_decreases_as_qn_grows(qu, rounding, fractions):
    quantity, unit, top = qu
    qns = sorted({(top * fr).quantize(Decimal("0.001")) for fr in fractions})
    if quantity == "count":
        qns = sorted({q.to_integral_value() for q in qns})
    qns = [q for q in qns if q > 0]
    assume(len(qns) >= 2)
    ts = [
        t
        for _, t in mpe_envelope(
            "prepackaged",
            None,
            "batch",
            {"quantity": quantity, "unit": unit, "t_rounding": rounding},
            qns,
        )
    ]
    assert ts == sorted(ts)
    assert all(t >= 0 for t in ts)


def test_t_is_monotone_across_every_band_edge():
    edges = ["50", "100", "200", "300", "500", "1000", "10000", "15000"]
    xs = []
    for e in edges:
        d = Decimal(e)
        xs += [d - Decimal("0.01"), d, d + Decimal("0.01")]
    for rounding in ("up", "half_up"):
        ts = [
            t for _, t in mpe_envelope("prepackaged", None, "batch", {"t_rounding": rounding}, xs)
        ]
        assert ts == sorted(ts)
