"""A realistic, reproducible demo data set.

Premises in Anhui cities (market stalls, filling stations, optical shops) with valid
unified social credit codes, instruments with plausible nameplates, and a year of
inspections whose readings scatter realistically around zero, with some failures and
some cheating findings. The same seed always gives the same data, IDs included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import struct
import uuid
import zlib
from collections.abc import Callable
from decimal import Decimal

from ..domain.canonical import content_hash
from ..domain.credit_code import ALPHABET, make_credit_code
from ..domain.models import AttachmentRef, Finding, Inspection, Instrument, Premises
from ..domain.numbers import fmt
from ..store.attachments import sniff_mime
from ..store.bulk import Prepared, load_records, prepare
from . import demo_goods, demo_visits

CITIES = [  # (city, administrative division code, districts)
    ("合肥市", "340100", ["蜀山区", "包河区", "庐阳区", "瑶海区"]),
    ("芜湖市", "340200", ["镜湖区", "鸠江区", "弋江区"]),
    ("蚌埠市", "340300", ["蚌山区", "龙子湖区", "禹会区"]),
    ("安庆市", "340800", ["迎江区", "大观区", "宜秀区"]),
    ("黄山市", "341000", ["屯溪区", "黄山区", "徽州区"]),
    ("阜阳市", "341200", ["颍州区", "颍东区", "颍泉区"]),
    ("六安市", "341500", ["金安区", "裕安区"]),
]
MARKET_NAMES = ["农贸市场", "菜市场", "农产品批发市场", "综合市场"]
STREETS = [
    "长江路",
    "淮河路",
    "黄山路",
    "望江路",
    "人民路",
    "解放路",
    "中山路",
    "胜利路",
    "健康路",
    "和平路",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华红玉梅建国志文斌"
GOODS = ["蔬菜", "水果", "猪肉", "牛羊肉", "水产", "禽蛋", "干货", "豆制品", "粮油", "熟食"]
OPTICAL_BRANDS = ["宝岛眼镜", "精益眼镜", "大明眼镜", "明视眼镜", "亮视点眼镜"]
FUEL_BRANDS = ["中国石化", "中国石油", "中化石油"]

SCALE_MODELS = [  # maker, model, Max (g), e (g), ranges
    ("上海友声衡器有限公司", "ACS-15-YZ", "15000", "5", None),
    ("凯丰集团有限公司", "ACS-30-JC", "30000", "10", None),
    (
        "大华电子秤有限公司",
        "TM-15A",
        "15000",
        "5",
        [{"max": "6000", "e": "2"}, {"max": "15000", "e": "5"}],
    ),
    (
        "顶尖电子科技有限公司",
        "PS1X-6/15",
        "15000",
        "5",
        [{"max": "6000", "e": "2"}, {"max": "15000", "e": "5"}],
    ),
    ("永康市华鹰衡器有限公司", "TCS-150", "150000", "50", None),
]
DISPENSER_MODELS = [
    ("北京三盈联合石油技术有限公司", "CS46"),
    ("正星科技股份有限公司", "JKJ-2242"),
    ("托肯恒山科技(广州)有限公司", "Quantium 510"),
]
FOCIMETERS = [
    ("拓普康(Topcon)", "CL-300", "0.01"),
    ("尼德克(NIDEK)", "LM-7", "0.01"),
    ("上海光学仪器厂", "JDY-1", "0.125"),
]
REFRACTOMETERS = [
    ("拓普康(Topcon)", "KR-800"),
    ("尼德克(NIDEK)", "ARK-1"),
    ("重庆远视科技", "RM-9600"),
]

CHEATING = [  # code, finding, legal basis, family, the form's question and its answer
    (
        "cheat_password",
        "按键输入密码后示值放大（密码秤）",
        "《计量法实施细则》第四十八条",
        "scale",
        "cheat_keys",
        "yes",
    ),
    (
        "cheat_remote",
        "称体内发现遥控作弊装置",
        "《计量法实施细则》第四十八条",
        "scale",
        "remote_control",
        "yes",
    ),
    (
        "cheat_unit_price",
        "单价按1/100输入，实收金额与显示金额不符",
        "《零售商品称重计量监督管理办法》第五条",
        "scale",
        "unit_price_divided",
        "yes",
    ),
    (
        "seal_broken",
        "计量传感器铅封被破坏",
        "JJG 443-2023 铅封要求；《计量法》第九条",
        "fuel_dispenser",
        "seals",
        "no",
    ),
    (
        "pulse_equivalent",
        "主板脉冲当量被改动，示值大于实际出油量",
        "《计量法实施细则》第四十八条",
        "fuel_dispenser",
        "pulse_equivalent",
        "yes",
    ),
]
NONCONFORMITY = (
    "mpe_exceeded",
    "示值误差超出最大允许误差",
    "《计量法》第九条、《计量法实施细则》第四十三条",
)


class Demo:
    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

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
        metrology = {
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


_FORMS: dict[str, object] = {}


def family_form(family: str):
    """The family's inspection form (domain/forms.py), read once per process."""
    if family not in _FORMS:
        from ..domain.forms import load_form

        _FORMS[family] = load_form(family)
    return _FORMS[family]


def clean_checklist(family: str) -> dict[str, str]:
    """The form's own questions, each answered the way that is not a finding."""
    return {
        q.key: ("no" if q.finding_if == "yes" else "yes") for q in family_form(family).checklist
    }


def tiny_png(rng: random.Random, size: int = 8) -> bytes:
    """A small, valid, unique-enough RGB PNG (a stand-in for a photo in bulk tests)."""
    raw = b"".join(b"\x00" + rng.randbytes(size * 3) for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


CHUNK = 5000  # inspections per transaction (and per worker task)
PARALLEL_FROM = 8000  # below this, worker processes cost more than they save
ANHUI = dt.timezone(dt.timedelta(hours=8), "CST")
START = dt.datetime(2025, 11, 20, 8, 30, tzinfo=ANHUI)  # times carry their offset (+08:00)


def _chunk(
    seed: int,
    index: int,
    first: int,
    count: int,
    total: int,
    instruments: list[Instrument],
    addresses: dict[str, str],
    inspectors: list[str],
    photos: int,
) -> tuple[list[Inspection], list[bytes]]:
    """Inspections *first* .. *first + count* of the data set, evaluated and sealed.

    Each chunk has its own generator seeded from (seed, index), so the data set is the same
    whether chunks are made in this process or in worker processes, in any order.
    """
    from ..domain.rules import default_ruleset, evaluate
    from .inspections import instrument_payload

    demo = Demo(f"{seed}/{index}")
    r = demo.rng
    records, blobs = [], []
    for k in range(first, first + count):
        ins = r.choice(instruments)
        family = ins.family
        check = (
            "in_service"
            if family == "scale"
            else r.choice(("subsequent", "subsequent", "in_service"))
        )
        if family == "fuel_dispenser" and r.random() < 0.1:
            check = "covert"
        bad = r.random() < 0.06
        cheat = family in ("scale", "fuel_dispenser") and r.random() < 0.012
        if family == "scale":
            tests = demo.scale_tests(ins, bad)
        elif family == "fuel_dispenser":
            tests = demo.fuel_tests(bad)
        else:
            tests = demo.optical_tests(family, bad)
        result = evaluate(
            {
                "family": family,
                "ruleset": default_ruleset(family),
                "check": check,
                "instrument": instrument_payload(ins),
                "tests": tests,
            }
        )
        findings = []
        if result["verdict"] == "fail":
            code, text, basis = NONCONFORMITY
            findings.append(
                Finding(
                    demo.uuid(),
                    code,
                    f"{text}：{', '.join(result['failed'][:3])}",
                    basis,
                    "major",
                    "停止使用，限期整改",
                )
            )
        found = None
        if cheat:
            found = r.choice([c for c in CHEATING if c[3] == family])
            code, text, basis = found[:3]
            findings.append(
                Finding(demo.uuid(), code, text, basis, "critical", "立案调查", cheating=True)
            )
        # Visits spread over a year of working days, during office hours (08:30-17:00).
        day = START + dt.timedelta(days=(k * 360) // max(total, 1))
        if day.weekday() == 6:
            day += dt.timedelta(days=1)
        when = day + dt.timedelta(minutes=r.randint(0, 510))
        insp = Inspection(
            id=demo.uuid(),
            record_id=demo.uuid(),
            instrument_id=ins.id,
            premises_id=ins.premises_id,
            family=family,
            check=check,
            ruleset=result["ruleset"],
            inspector=r.choice(inspectors),
            started_at=when.isoformat(timespec="minutes"),
            place=addresses[ins.premises_id],
            environment={
                "temperature": fmt(Decimal(r.randint(50, 320)) / 10),
                "humidity": str(r.randint(35, 85)),
            },
            checklist=demo.checklist(family, found),
            tests=tests,
            result=result,
            verdict="fail" if (result["verdict"] == "fail" or cheat) else "pass",
            findings=findings,
            status="finalized",
            finalized_at=(when + dt.timedelta(minutes=25)).isoformat(timespec="minutes"),
        )
        for n in range(photos):
            data = tiny_png(r)
            blobs.append(data)
            insp.attachments.append(
                AttachmentRef(
                    hashlib.sha256(data).hexdigest(), "photo", f"照片 {n + 1}", sniff_mime(data)
                )
            )
        insp.content_hash = content_hash(insp)
        records.append(insp)
    return records, blobs


def generate(
    store,
    premises: int = 200,
    inspections: int = 2000,
    seed: int = 1,
    progress: Callable[[int, int], bool] | None = None,
    actor: str = "demo",
    photos: int = 0,
    workers: int | None = None,
) -> dict:
    """Fill *store* with demo data; ``progress(done, total)`` may return False to cancel.

    With *photos*, each inspection gets that many small PNG attachments (for bulk tests).
    Large sets are evaluated in worker processes (*workers*, default: the CPU count) while
    this process writes; the data is the same either way.
    """
    demo = Demo(seed)
    # prepackaged batches and retail rechecks: their own generator, a share of the total
    # inspections; producers and supermarkets a share of the premises
    total, goods = inspections, Demo(f"{seed}/goods")
    n_batches, n_rechecks, n_goods = demo_goods.counts(total, premises)
    prem, instruments = demo.premises(max(1, premises - n_goods))
    stalls = [p for p in prem if p.kind == "market_stall"]
    g_prem, products, scales = demo_goods.goods_premises(goods, stalls, CITIES, n_goods)
    n_rechecks = n_rechecks if scales else 0
    inspections = total - n_batches - n_rechecks
    prem += g_prem
    addresses = {p.id: p.address for p in prem}
    inspectors = [demo.person() for _ in range(6)]
    tasks = [
        (
            seed,
            i,
            first,
            min(CHUNK, inspections - first),
            inspections,
            instruments,
            addresses,
            inspectors,
            photos,
        )
        for i, first in enumerate(range(0, inspections, CHUNK))
    ]
    counts = load_records(
        store, prem, instruments + products + scales, [], actor=actor, action="demo.load"
    )
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if inspections >= PARALLEL_FROM else 1
    pool = None
    if workers > 1 and len(tasks) > 1:
        import concurrent.futures
        import multiprocessing

        # spawn, not fork: this may run in a thread of the window's process.
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn")
        )
        chunks = pool.map(_chunk_task, tasks)
    else:
        chunks = (_chunk_task(t) for t in tasks)
    done = 0
    try:
        for records, blobs in chunks:
            if blobs:
                with store.write(actor, "demo.photos", detail={"photos": len(blobs)}):
                    for data in blobs:
                        store.attachments.add(data, actor)
            c = load_records(store, [], [], records, actor=actor, action="demo.load")
            counts["inspections"] += c["inspections"]
            done += c["inspections"]
            if progress is not None and progress(done, total) is False:
                return counts
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if n_batches or n_rechecks:
        records, blobs = demo_goods.goods_inspections(
            goods,
            products,
            scales,
            n_batches,
            n_rechecks,
            addresses,
            inspectors,
            START,
            photos,
            lambda: tiny_png(goods.rng),
        )
        if blobs:
            with store.write(actor, "demo.photos", detail={"photos": len(blobs)}):
                for data in blobs:
                    store.attachments.add(data, actor)
        c = load_records(store, [], [], records, actor=actor, action="demo.load")
        counts["inspections"] += c["inspections"]
        if progress is not None:
            progress(counts["inspections"], total)
    # visits (with market sweeps, duties, covert purchases) and campaigns: their own generator
    counts.update(
        demo_visits.make_visits(
            store,
            Demo(f"{seed}/visits"),
            prem,
            instruments + products + scales,
            inspectors,
            actor,
        )
    )
    from .province import fill_counties

    fill_counties(store, actor)  # the county of each premises, read from its address
    return counts


def _chunk_task(task: tuple) -> tuple[Prepared, list[bytes]]:
    """One chunk as table rows: the JSON and row building happen in the worker too."""
    records, blobs = _chunk(*task)
    return prepare(records), blobs
