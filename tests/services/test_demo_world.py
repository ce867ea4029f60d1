"""The demo's readings, looked up instead of computed, are what the plain Decimal arithmetic
gives for the same draws: a reference generator (the computation written out) fed from a
generator with the same seed gives the same tests and leaves it in the same state."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from inspector_app.domain.models import Instrument
from inspector_app.domain.numbers import fmt
from inspector_app.services import demo_world
from inspector_app.services.demo_world import Demo


class Reference:
    """The readings computed in full on every call (the generator as first written)."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def err(self, unit: Decimal, sd: float, bad: bool) -> Decimal:
        r = self.rng
        steps = round(r.gauss(0, sd)) if not bad else r.choice((-1, 1)) * r.randint(4, 9)
        return unit * steps

    def scale(self, m: dict, bad: bool) -> list[dict]:
        e, mx = Decimal(m["e"]), Decimal(m["max"])
        loads = sorted({x for x in [Decimal(m["min"]), e * 500, e * 2000, mx] if x <= mx})
        points = []
        for i, load in enumerate(loads):
            step = next(
                (Decimal(rg["e"]) for rg in m.get("ranges", []) if load <= Decimal(rg["max"])), e
            )
            err = self.err(step / 2, 0.6, bad and i == len(loads) - 1)
            points.append({"load": fmt(load), "indication": fmt(load + err)})
        ecc = (mx / 3).quantize(e)
        positions = [{"indication": fmt(ecc + self.err(e / 2, 0.5, False))} for _ in range(5)]
        rep = (mx / 2).quantize(e)
        return [
            {"kind": "weighing", "points": points},
            {"kind": "eccentricity", "load": fmt(ecc), "positions": positions},
            {
                "kind": "repeatability",
                "load": fmt(rep),
                "indications": [fmt(rep + self.err(e, 0.3, False)) for _ in range(3)],
            },
        ]

    def fuel(self, bad: bool) -> list[dict]:
        r = self.rng
        tests = []
        temperature = Decimal(r.randint(50, 300)) / 10
        for flow, n in (("Q1", 3), ("Q2", 3)):
            base = Decimal(r.randint(-12, 12)) / 10000
            if bad and flow == "Q1":
                base = Decimal(r.choice((-1, 1)) * r.randint(40, 80)) / 10000
            runs = []
            for _ in range(n):
                indicated = Decimal("20.00")
                rel = base + Decimal(r.randint(-3, 3)) / 10000
                actual = (indicated / (1 + rel)).quantize(Decimal("0.001"))
                t_fuel = temperature + Decimal(r.randint(-2, 2)) / 10
                t_can = t_fuel + Decimal(r.randint(-3, 3)) / 10
                runs.append(
                    {
                        "indicated": fmt(indicated),
                        "actual": fmt(actual),
                        "t_fuel": fmt(t_fuel),
                        "t_can": fmt(t_can),
                    }
                )
            tests.append({"kind": "volume", "flow": flow, "runs": runs})
        price = Decimal(r.randint(720, 860)) / 100
        volume = Decimal(r.randint(1000, 6000)) / 100
        amount = (price * volume).quantize(Decimal("0.01"))
        tests.append(
            {
                "kind": "amount",
                "unit_price": fmt(price),
                "volume": fmt(volume),
                "amount_displayed": fmt(amount),
            }
        )
        return tests

    def optical(self, family: str, bad: bool) -> list[dict]:
        r = self.rng
        step = Decimal("0.01")
        if family == "focimeter":
            lenses = []
            for nominal in ("-20", "-10", "-5", "5", "10", "20"):
                cert = Decimal(nominal) + Decimal(r.randint(-3, 3)) / 100
                err = self.err(step, 2, bad and nominal == "10")
                lenses.append(
                    {"nominal": nominal, "certified": fmt(cert), "reading": fmt(cert + err)}
                )
            return [
                {"kind": "zero", "reading": fmt(self.err(step, 0.8, False))},
                {"kind": "vertex_power", "lenses": lenses},
            ]
        if family == "refractometer":
            eyes = []
            for nominal in ("-10", "-5", "0", "5", "10"):
                cert = Decimal(nominal) + Decimal(r.randint(-5, 5)) / 100
                readings = [
                    fmt(cert + self.err(Decimal("0.25"), 0.3, bad and nominal == "-10"))
                    for _ in range(3)
                ]
                eyes.append({"nominal": nominal, "certified": fmt(cert), "readings": readings})
            pd = [
                {
                    "reference": ref,
                    "reading": fmt(Decimal(ref) + self.err(Decimal("0.5"), 0.5, False)),
                }
                for ref in ("55", "65", "75")
            ]
            return [{"kind": "sphere", "eyes": eyes}, {"kind": "pd", "items": pd}]
        if family == "trial_lens_set":
            lenses = [
                {"nominal": n, "measured": fmt(Decimal(n) + self.err(step, 1.5, bad and n == "8"))}
                for n in ("-12", "-8", "-4", "-1", "1", "4", "8", "12")
            ]
            return [{"kind": "lenses", "lenses": lenses}]
        items = [
            {
                "reference": ref,
                "reading": fmt(Decimal(ref) + self.err(Decimal("0.1"), 1.5, bad and ref == "65")),
            }
            for ref in ("55", "65", "75")
        ]
        return [{"kind": "pd", "items": items}]


@pytest.mark.parametrize("seed", [1, 7, "bulk/3"])
def test_readings_are_the_plain_computation_of_the_same_draws(seed):
    _, instruments = Demo(seed).premises(300)
    families = {i.family for i in instruments}
    assert families == {
        "scale",
        "fuel_dispenser",
        "focimeter",
        "refractometer",
        "trial_lens_set",
        "pd_meter",
    }
    assert any(i.metrology.get("ranges") for i in instruments), "multi-interval scales too"
    demo, ref, pick = Demo(f"{seed}/t"), Reference(f"{seed}/t"), random.Random(seed)
    for _ in range(2000):
        ins = pick.choice(instruments)
        bad = pick.random() < 0.3
        if ins.family == "scale":
            got, want = demo.scale_tests(ins, bad), ref.scale(ins.metrology, bad)
        elif ins.family == "fuel_dispenser":
            got, want = demo.fuel_tests(bad), ref.fuel(bad)
        else:
            got, want = demo.optical_tests(ins.family, bad), ref.optical(ins.family, bad)
        assert got == want
    assert demo.rng.getstate() == ref.rng.getstate()


def test_a_nameplate_with_numbers_not_texts_is_planned_afresh():
    """Only texts name a Decimal exactly (2.0 == Decimal("2.0") but quantizes otherwise):
    a nameplate with other numbers is not remembered, and reads as computed."""
    m = {"e": Decimal("0.5"), "max": Decimal("15.0"), "min": Decimal("10")}
    before = len(demo_world._PLANS)
    got = Demo("n").scale_tests(Instrument("i", "p", "scale", "", "", "", "", "", m), False)
    assert got == Reference("n").scale(m, False)
    assert len(demo_world._PLANS) == before
