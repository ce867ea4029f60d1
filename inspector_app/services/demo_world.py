"""The demo's record generator (:class:`Demo`): seeded, so the same seed gives the same
premises, instruments, standards and inspections (people, credit codes, phone numbers,
readings just inside or outside the limits, cheating findings) on every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
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


# the random bits a version 7 UUID keeps (12 after the version, 62 after the variant) and
# its version and variant bits
_V7_KEEP = (0xFFF << 64) | ((1 << 62) - 1)
_V7_SET = (0x7 << 76) | (0b10 << 62)


def row_id(bits: int, ms: int) -> str:
    """A version 7 UUID (RFC 9562): the time *ms* (milliseconds since 1970) in its first 48
    bits, 74 of the 128 random *bits* after the version and variant.

    The program gives its new records such ids (``domain.models.new_id``), and so does the
    demo: an inspection's id carries its start, a visit's and its sweep rows' ids the
    visit's, so a year of records arrives at the end of each index of ids, day after day,
    instead of at random places all over it (with a year of records those indexes outgrow
    the page cache, and a random insert reads and writes back a page most times)."""
    h = "%032x" % ((bits & _V7_KEEP) | _V7_SET | ((ms & 0xFFFF_FFFF_FFFF) << 80))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Demo:
    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        """A version 4 UUID from the generator: the text ``str(uuid.UUID(int=n, version=4))``
        gives for the same 128 random bits, formatted directly (the demo makes some 1.6
        million of them for 100,000 inspections)."""
        h = "%032x" % ((self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def uuid_at(self, ms: int) -> str:
        """A version 7 UUID of the time *ms* (:func:`row_id`) from the same 128 random bits
        :meth:`uuid` would take: the generator's stream is the same either way."""
        return row_id(self.rng.getrandbits(128), ms)

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
    # A reading is a nominal value shifted by a whole number of steps; the demo draws the
    # numbers from the generator and looks the texts up in _TEXT (keyed by texts and whole
    # numbers only: a key names one Decimal computation exactly), computing each the first
    # time with the same Decimal arithmetic and fmt. The generator is called in the same
    # order as before, so a seed gives the same readings (tests/services/test_demo_world.py).
    def _steps(self, sd: float, bad: bool) -> int:
        """An error in steps: usually small, sometimes (bad) well beyond the MPE."""
        r = self.rng
        return round(r.gauss(0, sd)) if not bad else r.choice((-1, 1)) * r.randint(4, 9)

    def _err(self, unit: Decimal, sd: float, bad: bool) -> Decimal:
        """An error in steps of *unit* (:meth:`_steps`)."""
        return unit * self._steps(sd, bad)

    def scale_tests(self, ins: Instrument, bad: bool) -> list[dict]:
        m = ins.metrology
        plan = _scale_plan(m)
        steps = self._steps
        last = len(plan.points) - 1
        points = [
            {"load": text, "indication": _shifted(memo, load, unit, steps(0.6, bad and i == last))}
            for i, (text, load, unit, memo) in enumerate(plan.points)
        ]
        ecc_text, ecc_load, ecc_unit, ecc_memo = plan.eccentricity
        positions = [
            {"indication": _shifted(ecc_memo, ecc_load, ecc_unit, steps(0.5, False))}
            for _ in range(5)
        ]
        rep_text, rep_load, rep_unit, rep_memo = plan.repeatability
        return [
            {"kind": "weighing", "points": points},
            {"kind": "eccentricity", "load": ecc_text, "positions": positions},
            {
                "kind": "repeatability",
                "load": rep_text,
                "indications": [
                    _shifted(rep_memo, rep_load, rep_unit, steps(0.3, False)) for _ in range(3)
                ],
            },
        ]

    def fuel_tests(self, bad: bool) -> list[dict]:
        r = self.rng
        randint = r.randint
        tests = []
        t_air = randint(50, 300)  # tenths of a degree: one visit, fuel and can near ambient
        for flow, n in (("Q1", 3), ("Q2", 3)):
            base = randint(-12, 12)  # systematic offset, relative, in units of 1e-4
            if bad and flow == "Q1":
                base = r.choice((-1, 1)) * randint(40, 80)
            runs = []
            for _ in range(n):
                # A preset delivery of 20.00 L into a 20 L standard can read to 1 mL.
                rel = randint(-3, 3)
                d_fuel = randint(-2, 2)
                d_can = randint(-3, 3)
                runs.append(
                    {
                        "indicated": "20",  # fmt(Decimal("20.00"))
                        "actual": _text(("actual", base, rel), _actual, base, rel),
                        "t_fuel": _text(("t_fuel", t_air, d_fuel), _tenths, t_air, d_fuel),
                        "t_can": _text(
                            ("t_can", t_air, d_fuel, d_can), _tenths, t_air, d_fuel, d_can
                        ),
                    }
                )
            tests.append({"kind": "volume", "flow": flow, "runs": runs})
        price = Decimal(randint(720, 860)) / 100
        volume = Decimal(randint(1000, 6000)) / 100
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
        steps = self._steps
        if family == "focimeter":
            lenses = []
            for nominal in ("-20", "-10", "-5", "5", "10", "20"):
                c = r.randint(-3, 3)
                k = steps(2, bad and nominal == "10")
                lenses.append(
                    {
                        "nominal": nominal,
                        "certified": _text(("cert", nominal, c), _certified, nominal, c, 100),
                        "reading": _text(("foci", nominal, c, k), _reading, nominal, c, 100, k),
                    }
                )
            k = steps(0.8, False)
            return [
                {"kind": "zero", "reading": _text(("zero", k), _times, _CENT, k)},
                {"kind": "vertex_power", "lenses": lenses},
            ]
        if family == "refractometer":
            eyes = []
            for nominal in ("-10", "-5", "0", "5", "10"):
                c = r.randint(-5, 5)
                readings = []
                for _ in range(3):
                    k = steps(0.3, bad and nominal == "-10")
                    readings.append(_text(("eye", nominal, c, k), _eye, nominal, c, k))
                eyes.append(
                    {
                        "nominal": nominal,
                        "certified": _text(("cert", nominal, c), _certified, nominal, c, 100),
                        "readings": readings,
                    }
                )
            pd = []
            for ref in ("55", "65", "75"):
                k = steps(0.5, False)
                pd.append({"reference": ref, "reading": _text(("pd5", ref, k), _pd, ref, "0.5", k)})
            return [{"kind": "sphere", "eyes": eyes}, {"kind": "pd", "items": pd}]
        if family == "trial_lens_set":
            lenses = []
            for n in ("-12", "-8", "-4", "-1", "1", "4", "8", "12"):
                k = steps(1.5, bad and n == "8")
                lenses.append({"nominal": n, "measured": _text(("lens", n, k), _pd, n, "0.01", k)})
            return [{"kind": "lenses", "lenses": lenses}]
        items = []
        for ref in ("55", "65", "75"):
            k = steps(1.5, bad and ref == "65")
            items.append({"reference": ref, "reading": _text(("pd1", ref, k), _pd, ref, "0.1", k)})
        return [{"kind": "pd", "items": items}]

    def checklist(self, family: str, cheat: tuple | None = None) -> dict:
        """Answers to every question of the family's form: each conforming, except the
        question a cheating finding (*cheat*, an entry of ``CHEATING``) was found by."""
        answers = clean_checklist(family)
        if cheat is not None:
            answers[cheat[4]] = cheat[5]
        return answers


# ---- the texts of readings, computed once ---------------------------------------------------

_CENT = Decimal("0.01")
_TEXT: dict[tuple[Any, ...], str] = {}
_TEXT_MAX = 200_000


def _text(key: tuple[Any, ...], compute: Callable[..., str], *args: Any) -> str:
    """``compute(*args)``, remembered under *key* (texts and whole numbers that name the
    computation exactly)."""
    s = _TEXT.get(key)
    if s is None:
        if len(_TEXT) >= _TEXT_MAX:
            _TEXT.clear()
        s = _TEXT[key] = compute(*args)
    return s


def _actual(base: int, rel: int) -> str:
    """What the can holds after a preset 20.00 L at a relative error of (base + rel) / 1e4."""
    offset = Decimal(base) / 10000 + Decimal(rel) / 10000
    return fmt((Decimal("20.00") / (1 + offset)).quantize(Decimal("0.001")))


def _tenths(t: int, *deltas: int) -> str:
    """A temperature of *t* tenths of a degree, plus each delta in tenths, in turn."""
    value = Decimal(t) / 10
    for d in deltas:
        value = value + Decimal(d) / 10
    return fmt(value)


def _certified(nominal: str, c: int, per: int) -> str:
    return fmt(Decimal(nominal) + Decimal(c) / per)


def _reading(nominal: str, c: int, per: int, k: int) -> str:
    return fmt(Decimal(nominal) + Decimal(c) / per + _CENT * k)


def _eye(nominal: str, c: int, k: int) -> str:
    return fmt(Decimal(nominal) + Decimal(c) / 100 + Decimal("0.25") * k)


def _pd(ref: str, unit: str, k: int) -> str:
    return fmt(Decimal(ref) + Decimal(unit) * k)


def _times(unit: Decimal, k: int) -> str:
    return fmt(unit * k)


def _shifted(memo: dict[int, str], load: Decimal, unit: Decimal, k: int) -> str:
    """``fmt(load + unit * k)``, remembered in the load's own *memo*."""
    s = memo.get(k)
    if s is None:
        s = memo[k] = fmt(load + unit * k)
    return s


_Load = tuple[str, Decimal, Decimal, dict[int, str]]  # text, load, unit of error, memo


class _ScalePlan:
    """The loads of a scale's tests, each as (text, load, unit of error, memo of readings)."""

    __slots__ = ("points", "eccentricity", "repeatability")

    def __init__(self, m: dict[str, Any]) -> None:
        e, mx = Decimal(m["e"]), Decimal(m["max"])
        loads = [Decimal(m["min"]), e * 500, e * 2000, mx]
        self.points: list[_Load] = []
        for load in sorted({x for x in loads if x <= mx}):
            # Multi-interval scales read in steps of the partial range's interval.
            step = next(
                (Decimal(rg["e"]) for rg in m.get("ranges", []) if load <= Decimal(rg["max"])), e
            )
            self.points.append((fmt(load), load, step / 2, {}))
        ecc_load = (mx / 3).quantize(e)
        rep_load = (mx / 2).quantize(e)
        self.eccentricity: _Load = (fmt(ecc_load), ecc_load, e / 2, {})
        self.repeatability: _Load = (fmt(rep_load), rep_load, e, {})


_PLANS: dict[tuple[Any, ...], _ScalePlan] = {}


def _scale_plan(m: dict[str, Any]) -> _ScalePlan:
    """The plan of a nameplate, remembered when its numbers are texts (as the demo writes
    them: a text names its Decimal exactly), made afresh otherwise."""
    ranges = m.get("ranges") or ()
    key = (m["e"], m["max"], m["min"], *(v for rg in ranges for v in (rg["e"], rg["max"])))
    if not all(type(v) is str for v in key):
        return _ScalePlan(m)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= 10_000:
            _PLANS.clear()
        plan = _PLANS[key] = _ScalePlan(m)
    return plan
