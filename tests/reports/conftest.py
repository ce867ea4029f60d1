"""Sample inspections for report tests: a passing scale verification with standards, photos
and signatures; a failing fuel dispenser with metal-can runs; an in-service focimeter."""

from __future__ import annotations

import struct
import subprocess
import zlib
from dataclasses import dataclass

import pytest

from inspector_app.crypto.keys import init_identity
from inspector_app.domain.credit_code import make_credit_code
from inspector_app.domain.issuing_body import IssuingBody
from inspector_app.domain.models import (
    AttachmentRef,
    Finding,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
    new_id,
)
from inspector_app.paths import keys_dir
from inspector_app.services.certificates import save_issuing_body
from inspector_app.services.inspections import save_and_evaluate

PASSPHRASE = b"correct horse 42"

AUTHORISED_BODY = IssuingBody(
    name_zh="合肥市计量测试研究院",
    name_en="Hefei Institute of Metrology and Testing",
    address="安徽省合肥市包河区花园大道 88 号",
    postcode="230051",
    phone="0551-63350000",
    authorisation_no="（皖）法计（2024）01001号",
    authorised=True,
    cert_prefix="HF",
)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class Samples:
    scale: Inspection
    fuel: Inspection
    focimeter: Inspection


def _finalize(store, insp: Inspection) -> Inspection:
    saved = save_and_evaluate(store, insp, "test")
    return store.inspections.finalize(saved.id, "test")


@pytest.fixture
def office_confirmed_scale_rules():
    """As an office does once it has the published text: the placeholder (❓) numbers of
    the scale rule set are confirmed for this test, so a scale verification may give a
    certificate; the registry is restored afterwards."""
    from inspector_app.domain.rules import override_rule, registry
    from inspector_app.domain.rules.core import Confidence

    original = registry.get("scale")
    for rs in original.rulesets:
        for rule in rs.rules.values():
            if rule.confidence is Confidence.UNCONFIRMED:
                override_rule("scale", rs.name, rule.key, confidence=Confidence.CONFIRMED)
    yield
    registry.register(original)


@pytest.fixture
def samples(store, stall, office_confirmed_scale_rules) -> Samples:
    premises, scale = stall
    weights = store.standards.save(
        ReferenceStandard(
            new_id(),
            "test_weight",
            "M1 等级砝码组 1 mg–20 kg",
            "JZ-2025-0117",
            "2027-03-31",
            "M1",
            mpe="0.5",
            unit="g",
            serial="W-88",
        )
    )
    save_issuing_body(store, AUTHORISED_BODY)
    photo = store.attachments.add(png(64, 48, (200, 120, 40)), "test")
    sig_i = store.attachments.add(png(120, 40, (20, 20, 20)), "test")
    sig_r = store.attachments.add(png(110, 40, (40, 40, 90)), "test")
    scale_insp = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=scale.id,
        premises_id=premises.id,
        family="scale",
        check="subsequent",
        ruleset="JJG 539-2016",
        inspector="李建国",
        started_at="2026-03-14T09:20",
        place="合肥市周谷堆农产品批发市场 A012",
        environment={"temperature": "18.5", "humidity": "62"},
        checklist={"nameplate": "yes", "seals": "yes", "verification_valid": "yes"},
        tests=[
            {
                "kind": "weighing",
                "zero": {"load": "0", "indication": "0", "added": "2"},
                "points": [
                    {"load": "100", "indication": "100", "added": "2.5"},
                    {"load": "2500", "indication": "2505", "added": "5"},
                    {"load": "10000", "indication": "10005", "added": "3.5"},
                    {"load": "15000", "indication": "15000", "added": "1.5"},
                ],
            },
            {
                "kind": "eccentricity",
                "load": "5000",
                "positions": [
                    {"indication": "5000"},
                    {"indication": "5005"},
                    {"indication": "4995"},
                    {"indication": "5000"},
                    {"indication": "5005"},
                ],
            },
            {"kind": "repeatability", "load": "7500", "indications": ["7505", "7500", "7505"]},
        ],
        standards=[weights.id],
        attachments=[
            AttachmentRef(photo, "photo", "秤体铭牌"),
            AttachmentRef(sig_i, "signature_inspector"),
            AttachmentRef(sig_r, "signature_representative"),
        ],
    )
    station = store.premises.save(
        Premises(
            new_id(),
            "filling_station",
            "中国石化合肥长江路加油站",
            make_credit_code("91340100MA2RX8K5J"),
            "安徽省合肥市蜀山区长江路1号",
            "合肥市",
            "",
            "",
            "赵敏",
            "13955100001",
        )
    )
    dispenser = store.instruments.save(
        Instrument(
            new_id(),
            station.id,
            "fuel_dispenser",
            "正星科技股份有限公司",
            "JKJ-2242",
            "F2024000321",
            "24F1234",
            "0.5",
            {"fuel": "gasoline", "qmax": "50", "qmin": "5", "mmq": "2", "nozzle": "3"},
            "三处铅封完好",
        )
    )
    can = store.standards.save(
        ReferenceStandard(
            new_id(), "metal_can", "二等标准金属量器 20 L", "JL-2025-2231", "2026-12-31", "二等"
        )
    )
    fuel = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=dispenser.id,
        premises_id=station.id,
        family="fuel_dispenser",
        check="subsequent",
        ruleset="JJG 443-2023",
        inspector="李建国",
        started_at="2026-04-02T14:05",
        place=station.address,
        environment={"temperature": "24", "humidity": "55"},
        checklist={"seals": "no", "self_lock": "yes"},
        tests=[
            {
                "kind": "volume",
                "flow": "Q1",
                "runs": [
                    {
                        "indicated": "20.00",
                        "can": {
                            "nominal": "20",
                            "reference_mark": "66",
                            "neck_reading": "31",
                            "ml_per_mm": "2",
                            "material": "stainless_steel",
                        },
                        "t_fuel": "24",
                        "t_can": "24",
                    },
                    {"indicated": "20.02", "actual": "19.991", "t_fuel": "23.5", "t_can": "23.1"},
                    {"indicated": "19.98", "actual": "19.952", "t_fuel": "23.8", "t_can": "23.6"},
                ],
            },
            {
                "kind": "amount",
                "unit_price": "7.89",
                "volume": "25.36",
                "amount_displayed": "200.09",
            },
        ],
        findings=[
            Finding(
                new_id(),
                "seal_broken",
                "编码器铅封被破坏",
                "JJG 443-2023 铅封要求；《计量法》第九条",
                "critical",
                "立案调查",
                cheating=True,
            )
        ],
        standards=[can.id],
    )
    shop = store.premises.save(
        Premises(
            new_id(),
            "optical_shop",
            "宝岛眼镜合肥淮河路店",
            make_credit_code("91340100MA2RX9K5J"),
            "安徽省合肥市庐阳区淮河路5号",
            "合肥市",
        )
    )
    foci = store.instruments.save(
        Instrument(
            new_id(),
            shop.id,
            "focimeter",
            "拓普康(Topcon)",
            "CL-300",
            "J2021000777",
            "",
            "",
            {"resolution": "0.01", "range_min": "-25", "range_max": "25"},
        )
    )
    focimeter = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=foci.id,
        premises_id=shop.id,
        family="focimeter",
        check="in_service",
        ruleset="JJG 580-2005",
        inspector="王敏",
        started_at="2026-05-20T10:00",
        place=shop.address,
        environment={"temperature": "21.3"},
        tests=[
            {"kind": "zero", "reading": "0.01"},
            {
                "kind": "vertex_power",
                "lenses": [
                    {"nominal": "-10", "certified": "-10.02", "reading": "-9.99"},
                    {"nominal": "-5", "certified": "-4.98", "reading": "-4.97"},
                    {"nominal": "5", "certified": "5.01", "reading": "5.03"},
                    {"nominal": "10", "certified": "9.97", "reading": "10.01"},
                ],
            },
        ],
    )
    return Samples(
        _finalize(store, scale_insp), _finalize(store, fuel), _finalize(store, focimeter)
    )


@pytest.fixture
def identity(db_path):
    return init_identity(keys_dir(db_path), "李建国", PASSPHRASE)


@pytest.fixture
def pdf_text():
    """Text of a PDF file as poppler's pdftotext extracts it (what a search finds)."""

    def extract(path) -> str:
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
        )
        return out.stdout.decode("utf-8")

    return extract
