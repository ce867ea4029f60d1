"""Demo data for the goods families: prepackaged batches at producers and supermarkets, and
short-weight rechecks at market stalls.

Made with their own random generator (seeded from the demo seed), so adding them leaves the
instrument inspections of a data set as they were. Batches follow the sampling plan (the
sample the plan asks for, readings scattered a little above the label), about one in twenty
fails (a lean filling line or one badly short package); rechecks mostly find the weight
right, some find goods short beyond the permitted deviation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..domain.canonical import content_hash
from ..domain.models import Finding, Inspection, Instrument, Premises
from ..domain.numbers import fmt
from ..store.attachments import sniff_mime

BATCH_SHARE = 50  # one inspection in 50 of a data set is a prepackaged batch
RECHECK_SHARE = 80  # and one in 80 a retail short-weight recheck
MIN_TOTAL = 40  # smaller data sets stay instrument inspections only
MIN_PREMISES = 10  # and so do data sets of fewer premises

PRODUCTS = [  # name, kind, quantity, Qn, unit, resolution of the balance in that unit
    ("五常大米", "food", "mass", "5", "kg", "0.001"),
    ("小麦粉", "food", "mass", "2.5", "kg", "0.001"),
    ("白砂糖", "food", "mass", "400", "g", "0.1"),
    ("食用植物调和油", "food", "volume", "5", "L", "0.001"),
    ("酿造酱油", "food", "volume", "500", "mL", "0.1"),
    ("饮用纯净水", "beverage", "volume", "550", "mL", "0.1"),
    ("洗衣粉", "daily_chemical", "mass", "1.5", "kg", "0.001"),
    ("抽取式面巾纸", "daily_chemical", "count", "100", "pcs", "1"),
    ("复合肥料", "agricultural", "mass", "40", "kg", "0.01"),
    ("腻子粉", "building", "mass", "20", "kg", "0.01"),
]
PRODUCER_WORDS = ["丰源", "皖香", "金穗", "徽味", "江淮", "瑞丰", "绿源", "恒信"]
SUPERMARKETS = ["华润万家", "永辉超市", "合家福超市", "苏果超市"]
CAMPAIGNS = [
    "2026年定量包装商品净含量专项监督抽查",
    "“双节”市场计量专项检查",
    "“质量月”计量抽查",
]
RECHECK_GOODS = [  # goods, category, price range (yuan/kg)
    ("青菜", "staple", (3, 8)),
    ("苹果", "staple", (6, 14)),
    ("猪肉", "meat", (24, 36)),
    ("鲈鱼", "meat", (26, 40)),
    ("鸡蛋", "meat", (9, 14)),
    ("香菇干", "dried", (60, 120)),
    ("牛肉", None, (70, 95)),
]
PLAN_N = ((8, 8), (30, 10), (60, 13), (200, 50))  # batch size N → sample n (2005 plan)


def counts(total: int, premises: int) -> tuple[int, int, int]:
    """(prepackaged batches, retail rechecks, producers and supermarkets among the premises)
    of a data set of *total* inspections at *premises* premises."""
    if total < MIN_TOTAL or premises < MIN_PREMISES:
        return 0, 0, 0
    return total // BATCH_SHARE, total // RECHECK_SHARE, max(2, min(12, premises // 10))


def goods_premises(
    demo, stalls: list[Premises], cities: list[tuple[str, str, list[str]]], count: int
) -> tuple[list[Premises], list[Instrument], list[Instrument]]:
    """*count* producers and supermarkets with their products (prepackaged "instruments"),
    and the trader's scale of some market stalls (retail_goods "instruments")."""
    r = demo.rng
    premises, products, scales = [], [], []
    if count:
        for i in range(count):
            city, code, districts = r.choice(cities)
            if i % 3 == 2:
                name = f"{r.choice(SUPERMARKETS)}（{city}{r.choice(districts)}店）"
                kind = "supermarket"
            else:
                name = f"安徽{r.choice(PRODUCER_WORDS)}{r.choice(('食品', '粮油', '日化', '实业'))}有限公司"
                kind = "producer"
            p = Premises(
                demo.uuid(),
                kind,
                name,
                demo.credit_code(code, False),
                f"安徽省{city}{r.choice(districts)}工业园区{r.randint(1, 99)}号",
                city,
                "",
                "",
                demo.person(),
                demo.phone(),
            )
            premises.append(p)
            for product in r.sample(PRODUCTS, 3):
                name_, kind_, *_ = product
                producer = (
                    p.name
                    if kind == "producer"
                    else f"安徽{r.choice(PRODUCER_WORDS)}{r.choice(('食品', '粮油'))}有限公司"
                )
                products.append(
                    Instrument(
                        demo.uuid(),
                        p.id,
                        "prepackaged",
                        metrology={
                            "product": name_,
                            "brand": r.choice(PRODUCER_WORDS),
                            "producer": producer,
                            "producer_credit_code": demo.credit_code(code, False),
                            "product_kind": kind_,
                        },
                    )
                )
    for stall in stalls[: max(0, min(len(stalls), 30))]:
        scales.append(
            Instrument(demo.uuid(), stall.id, "retail_goods", "上海友声衡器有限公司", "TCS-30")
        )
    return premises, products, scales


def batch_test(demo, product: Instrument, bad: bool) -> dict:
    r = demo.rng
    name, _kind, quantity, qn, unit, step = next(
        p for p in PRODUCTS if p[0] == product.metrology["product"]
    )
    nominal, resolution = Decimal(qn), Decimal(step)
    batch_size, n = r.choice(PLAN_N)
    shift = Decimal(r.randint(2, 8)) / 1000  # filled a little above the label
    if bad and r.random() < 0.5:
        shift = -Decimal(r.randint(20, 40)) / 1000  # a lean filling line: the average fails
    spread = nominal * Decimal("0.004")
    values = []
    for _ in range(n):
        v = nominal * (1 + shift) + spread * Decimal(r.randint(-100, 100)) / 100
        values.append((v / resolution).to_integral_value() * resolution)
    if bad and shift > 0:
        values[r.randrange(n)] = (nominal * Decimal("0.9") / resolution).to_integral_value() * (
            resolution
        )  # one package 10 % short: beyond 2T
    return {
        "kind": "net_content",
        "quantity": quantity,
        "nominal": qn,
        "unit": unit,
        "batch_size": batch_size,
        "sampling": {
            "method": r.choice(("systematic", "stratified", "simple_random")),
            "sampled_by": "、".join(demo.person() for _ in range(2)),
            "place": r.choice(("成品库", "货架", "仓库")),
            "sealed": True,
            "seal_no": f"F-{r.randint(1, 9999):04d}",
            "campaign": r.choice(CAMPAIGNS),
        },
        "units": [{"net": fmt(v)} for v in values],
    }


def recheck_test(demo, bad: bool) -> dict:
    r = demo.rng
    goods, category, (lo, hi) = r.choice(RECHECK_GOODS)
    price = Decimal(r.randint(lo * 10, hi * 10)) / 10
    settled = Decimal(r.randint(300, 3000)) / 1000
    short = Decimal(r.randint(15, 60) if bad else r.randint(-2, 1)) / 1000
    test = {
        "kind": "short_weight",
        "goods": goods,
        "unit_price": fmt(price),
        "settled_weight": fmt(settled),
        "amount": fmt((settled * price).quantize(Decimal("0.01"))),
        "actual_weight": fmt(settled - short),
        "recheck": r.choice(("high_accuracy", "high_accuracy", "original_instrument")),
    }
    if category:
        test["category"] = category
    return test


def goods_inspections(
    demo,
    products: list[Instrument],
    scales: list[Instrument],
    batches: int,
    rechecks: int,
    addresses: dict[str, str],
    inspectors: list[str],
    start: dt.datetime,
    photos: int = 0,
    make_photo=None,
) -> tuple[list[Inspection], list[bytes]]:
    """*batches* sealed batch inspections and *rechecks* sealed rechecks over a year, and
    the bytes of their photos (*photos* each, made by *make_photo()*)."""
    import hashlib

    from ..domain.models import AttachmentRef
    from ..domain.rules import default_ruleset, evaluate
    from .demo_data import clean_checklist

    r = demo.rng
    out, blobs = [], []
    jobs = [("prepackaged", products)] * (batches if products else 0)
    jobs += [("retail_goods", scales)] * (rechecks if scales else 0)
    for k, (family, pool) in enumerate(jobs):
        ins = r.choice(pool)
        bad = r.random() < (0.05 if family == "prepackaged" else 0.15)
        if family == "prepackaged":
            tests, check = [batch_test(demo, ins, bad)], "batch"
        else:
            tests, check = [recheck_test(demo, bad)], "in_service"
        result = evaluate(
            {
                "family": family,
                "ruleset": default_ruleset(family),
                "check": check,
                "instrument": dict(ins.metrology),
                "tests": tests,
            }
        )
        day = start + dt.timedelta(days=(k * 360) // max(len(jobs), 1))
        findings = []
        if result["verdict"] == "fail":
            text, basis = (
                ("定量包装商品净含量不合格", "《定量包装商品计量监督管理办法》")
                if family == "prepackaged"
                else ("商品量短缺超过允许负偏差", "《零售商品称重计量监督管理办法》第五条")
            )
            findings.append(
                Finding(
                    demo.uuid_at(int(day.timestamp()) * 1000),
                    f"{family}_short",
                    text,
                    basis,
                    "major",
                    "责令改正",
                )
            )
        when = day + dt.timedelta(minutes=r.randint(0, 480))
        at = int(when.timestamp()) * 1000  # ids of the start, as the program makes them
        insp = Inspection(
            id=demo.uuid_at(at),
            record_id=demo.uuid_at(at),
            instrument_id=ins.id,
            premises_id=ins.premises_id,
            family=family,
            check=check,
            ruleset=result["ruleset"],
            inspector=r.choice(inspectors),
            started_at=when.isoformat(timespec="minutes"),
            place=addresses.get(ins.premises_id, ""),
            checklist=clean_checklist(family),
            tests=tests,
            result=result,
            verdict=result["verdict"],
            findings=findings,
            status="finalized",
            finalized_at=(when + dt.timedelta(minutes=40)).isoformat(timespec="minutes"),
        )
        for n in range(photos):
            data = make_photo()
            blobs.append(data)
            insp.attachments.append(
                AttachmentRef(
                    hashlib.sha256(data).hexdigest(),
                    "photo",
                    f"照片 {n + 1}",
                    sniff_mime(data) or "image/png",
                )
            )
        insp.content_hash = content_hash(insp)
        out.append(insp)
    return out, blobs
