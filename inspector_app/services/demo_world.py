"""The demo's record generator (:class:`Demo`): seeded, so the same seed gives the same
premises, instruments, standards and inspections (people, credit codes, phone numbers,
readings just inside or outside the limits, cheating findings) on every run.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from ..domain.credit_code import ALPHABET, make_credit_code
from ..domain.models import Instrument, Premises
from ..domain.numbers import fmt
from .demo_data import (
    CITIES,
    DISPENSER_MODELS,
    FOCIMETERS,
    FUEL_BRANDS,
    GIVEN,
    GOODS,
    MARKET_NAMES,
    OPTICAL_BRANDS,
    REFRACTOMETERS,
    SCALE_MODELS,
    STREETS,
    SURNAMES,
    clean_checklist,
)

# the version 4 and variant bits of a UUID (what ``uuid.UUID(int=..., version=4)`` sets)
_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID_SET = (0x8000 << 48) | (0x4000 << 64)


class Demo:
    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        """A version 4 UUID from the generator: the text ``str(uuid.UUID(int=n, version=4))``
        gives for the same 128 random bits, formatted directly (the demo makes some 1.6
        million of them for 100,000 inspections)."""
        h = "%032x" % ((self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))

    def credit_code(self, division: str, individual: bool) -> str:
        head = "92" if individual else "91"
        body = "".join(self.rng.choice(ALPHABET) for _ in range(9))
        return make_credit_code(head + division + body)

    def phone(self) -> str:
        return (
            "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))
        )

    # -- premises and instruments -----------------------------------------------------
    def premises(self, n: int) -> tuple[list[Premises], list[Instrument]]:
        r = self.rng
        premises, instruments = [], []
        markets: list[tuple[str, str, str, str]] = []
        for city, code, districts in CITIES:
            for _ in range(2):
                district = r.choice(districts)
                markets.append(
                    (
                        city,
                        code,
                        district,
                        f"{city}{district}{r.choice(STREETS)}{r.choice(MARKET_NAMES)}",
                    )
                )
        for i in range(n):
            roll = r.random()
            city, code, district, market = r.choice(markets)
            street = f"{r.choice(STREETS)}{r.randint(1, 399)}号"
            if roll < 0.7:
                owner = self.person()
                goods = r.choice(GOODS)
                p = Premises(
                    self.uuid(),
                    "market_stall",
                    f"{owner}{goods}摊",
                    self.credit_code(code, True),
                    f"安徽省{city}{district}{street}",
                    city,
                    market,
                    f"{r.choice('ABCDE')}{r.randint(1, 120):03d}",
                    owner,
                    self.phone(),
                )
                for _ in range(r.choice((1, 1, 2))):
                    instruments.append(self.scale(p.id))
            elif roll < 0.85:
                brand = r.choice(FUEL_BRANDS)
                p = Premises(
                    self.uuid(),
                    "filling_station",
                    f"{brand}{city}{r.choice(STREETS)}加油站{i % 7 + 1}号",
                    self.credit_code(code, False),
                    f"安徽省{city}{district}{street}",
                    city,
                    "",
                    "",
                    self.person(),
                    self.phone(),
                )
                for nozzle in range(1, r.choice((3, 5, 7))):
                    instruments.append(self.dispenser(p.id, nozzle))
            else:
                brand = r.choice(OPTICAL_BRANDS)
                p = Premises(
                    self.uuid(),
                    "optical_shop",
                    f"{brand}{city}{r.choice(STREETS)}店",
                    self.credit_code(code, False),
                    f"安徽省{city}{district}{street}",
                    city,
                    "",
                    "",
                    self.person(),
                    self.phone(),
                )
                instruments += [self.focimeter(p.id), self.refractometer(p.id)]
                if r.random() < 0.6:
                    instruments.append(
                        self.simple(p.id, "trial_lens_set", "苏州六六视觉", "JP-266")
                    )
                if r.random() < 0.5:
                    instruments.append(self.simple(p.id, "pd_meter", "上海光学仪器厂", "PD-82II"))
            premises.append(p)
        return premises, instruments

    def _serial(self, prefix: str) -> str:
        return f"{prefix}{self.rng.randint(2015, 2025)}{self.rng.randint(0, 999999):06d}"

    def scale(self, premises_id: str) -> Instrument:
        maker, model, mx, e, ranges = self.rng.choice(SCALE_MODELS)
        metrology: dict[str, Any] = {
            "max": mx,
            "e": e,
            "d": e,
            "min": fmt(Decimal(ranges[0]["e"] if ranges else e) * 20),
            "unit": "g",
        }
        if ranges:
            metrology["ranges"] = ranges
        return Instrument(
            self.uuid(),
            premises_id,
            "scale",
            maker,
            model,
            self._serial("S"),
            f"{self.rng.choice(['皖', '沪', '浙'])}制{self.rng.randint(10, 99)}000{self.rng.randint(100, 999)}",
            "III",
            metrology,
            "铅封完好",
        )

    def dispenser(self, premises_id: str, nozzle: int) -> Instrument:
        maker, model = self.rng.choice(DISPENSER_MODELS)
        fuel = "diesel" if nozzle % 3 == 0 else "gasoline"
        return Instrument(
            self.uuid(),
            premises_id,
            "fuel_dispenser",
            maker,
            model,
            self._serial("F"),
            f"{self.rng.randint(10, 99)}F{self.rng.randint(1000, 9999)}",
            "0.5",
            {"fuel": fuel, "qmax": "50", "qmin": "5", "mmq": "2", "nozzle": str(nozzle)},
            "三处铅封完好",
        )

    def focimeter(self, premises_id: str) -> Instrument:
        maker, model, res = self.rng.choice(FOCIMETERS)
        return Instrument(
            self.uuid(),
            premises_id,
            "focimeter",
            maker,
            model,
            self._serial("J"),
            "",
            "",
            {"resolution": res, "range_min": "-25", "range_max": "25"},
        )

    def refractometer(self, premises_id: str) -> Instrument:
        maker, model = self.rng.choice(REFRACTOMETERS)
        return Instrument(
            self.uuid(),
            premises_id,
            "refractometer",
            maker,
            model,
            self._serial("R"),
            "",
            "",
            {"range_min": "-20", "range_max": "20", "has_pd": True},
        )

    def simple(self, premises_id: str, family: str, maker: str, model: str) -> Instrument:
        return Instrument(
            self.uuid(), premises_id, family, maker, model, self._serial("O"), "", "", {}
        )

    # -- readings -----------------------------------------------------------------------
    def _err(self, unit: Decimal, sd: float, bad: bool) -> Decimal:
        """An error in steps of *unit*: usually small, sometimes (bad) well beyond the MPE."""
        steps = (
            round(self.rng.gauss(0, sd))
            if not bad
            else self.rng.choice((-1, 1)) * self.rng.randint(4, 9)
        )
        return unit * steps

    def scale_tests(self, ins: Instrument, bad: bool) -> list[dict]:
        m = ins.metrology
        e, mx = Decimal(m["e"]), Decimal(m["max"])
        loads = [Decimal(m["min"]), e * 500, e * 2000, mx]
        loads = sorted({x for x in loads if x <= mx})
        points = []
        for i, load in enumerate(loads):
            # Multi-interval scales read in steps of the partial range's interval.
            step = next(
                (Decimal(rg["e"]) for rg in m.get("ranges", []) if load <= Decimal(rg["max"])), e
            )
            err = self._err(step / 2, 0.6, bad and i == len(loads) - 1)
            points.append({"load": fmt(load), "indication": fmt(load + err)})
        ecc_load = (mx / 3).quantize(e)
        positions = [{"indication": fmt(ecc_load + self._err(e / 2, 0.5, False))} for _ in range(5)]
        rep_load = (mx / 2).quantize(e)
        return [
            {"kind": "weighing", "points": points},
            {"kind": "eccentricity", "load": fmt(ecc_load), "positions": positions},
            {
                "kind": "repeatability",
                "load": fmt(rep_load),
                "indications": [fmt(rep_load + self._err(e, 0.3, False)) for _ in range(3)],
            },
        ]

    def fuel_tests(self, bad: bool) -> list[dict]:
        r = self.rng
        tests = []
        temperature = Decimal(r.randint(50, 300)) / 10  # one visit: fuel and can near ambient
        for flow, n in (("Q1", 3), ("Q2", 3)):
            base = Decimal(r.randint(-12, 12)) / 10000  # systematic offset, relative
            if bad and flow == "Q1":
                base = Decimal(r.choice((-1, 1)) * r.randint(40, 80)) / 10000
            runs = []
            for _ in range(n):
                # A preset delivery of 20.00 L into a 20 L standard can read to 1 mL.
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

    def optical_tests(self, family: str, bad: bool) -> list[dict]:
        r = self.rng
        step = Decimal("0.01")
        if family == "focimeter":
            lenses = []
            for nominal in ("-20", "-10", "-5", "5", "10", "20"):
                cert = Decimal(nominal) + Decimal(r.randint(-3, 3)) / 100
                err = self._err(step, 2, bad and nominal == "10")
                lenses.append(
                    {"nominal": nominal, "certified": fmt(cert), "reading": fmt(cert + err)}
                )
            return [
                {"kind": "zero", "reading": fmt(self._err(step, 0.8, False))},
                {"kind": "vertex_power", "lenses": lenses},
            ]
        if family == "refractometer":
            eyes = []
            for nominal in ("-10", "-5", "0", "5", "10"):
                cert = Decimal(nominal) + Decimal(r.randint(-5, 5)) / 100
                readings = [
                    fmt(cert + self._err(Decimal("0.25"), 0.3, bad and nominal == "-10"))
                    for _ in range(3)
                ]
                eyes.append({"nominal": nominal, "certified": fmt(cert), "readings": readings})
            pd = [
                {
                    "reference": ref,
                    "reading": fmt(Decimal(ref) + self._err(Decimal("0.5"), 0.5, False)),
                }
                for ref in ("55", "65", "75")
            ]
            return [{"kind": "sphere", "eyes": eyes}, {"kind": "pd", "items": pd}]
        if family == "trial_lens_set":
            lenses = [
                {"nominal": n, "measured": fmt(Decimal(n) + self._err(step, 1.5, bad and n == "8"))}
                for n in ("-12", "-8", "-4", "-1", "1", "4", "8", "12")
            ]
            return [{"kind": "lenses", "lenses": lenses}]
        items = [
            {
                "reference": ref,
                "reading": fmt(Decimal(ref) + self._err(Decimal("0.1"), 1.5, bad and ref == "65")),
            }
            for ref in ("55", "65", "75")
        ]
        return [{"kind": "pd", "items": items}]

    def checklist(self, family: str, cheat: tuple | None = None) -> dict:
        """Answers to every question of the family's form: each conforming, except the
        question a cheating finding (*cheat*, an entry of ``CHEATING``) was found by."""
        answers = clean_checklist(family)
        if cheat is not None:
            answers[cheat[4]] = cheat[5]
        return answers
