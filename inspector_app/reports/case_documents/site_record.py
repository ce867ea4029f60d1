"""现场检查笔录 (on-site inspection record) of the visit a case came from: when, where, who
(with their enforcement certificates), the statement that they showed their credentials and
told the party of its rights and duties (市场监督管理行政处罚程序规定), what was
inspected and found, the evidence taken, a space for the party's statement and the
signature lines."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Spacer

from ..inspection_report import BuiltReport, P
from .frame import DocumentFrame, common_content, evidence_lines, list_sep, pick, zh_en
from .tables import OFFICERS_ON_SITE, officers_row, signature_lines

SITE_RECORD_PREFIX = "XCBL"  # 现场笔录

FAMILY_LABELS = {
    "scale": ("电子计价秤", "price-computing scale"),
    "fuel_dispenser": ("燃油加油机", "fuel dispenser"),
    "focimeter": ("焦度计", "focimeter"),
    "refractometer": ("验光仪", "refractometer"),
    "trial_lens_set": ("验光镜片箱", "trial lens set"),
    "pd_meter": ("瞳距仪", "PD meter"),
    "prepackaged": ("定量包装商品", "prepackaged goods"),
    "retail_goods": ("零售商品", "retail goods"),
}
VERDICT_LABELS = {"pass": ("合格", "pass"), "fail": ("不合格", "fail")}


def site_record_content(
    case: dict[str, Any],
    visit: dict[str, Any],
    authority: str,
    evidence: list[dict[str, Any]],
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The on-site inspection record of the visit the case came from: when, where, who (with
    their certificates), what was inspected and found, the evidence taken."""
    # the visit's officers when each carries an enforcement certificate number, else the
    # case's (who must carry them)
    officers = visit.get("officers") or []
    if not officers or not all(o.get("certificate_no") for o in officers):
        officers = case["officers"]
    return common_content(case, "site_record", authority, lang, signer) | {
        "officers": officers,
        "visit": {
            "id": visit["id"],
            "started_at": visit["started_at"],
            "day": visit["day"],
            "place": visit.get("place") or visit.get("address") or visit.get("market") or "",
            "premises": visit.get("premises_name") or visit.get("market") or "",
            "notes": visit.get("notes", ""),
        },
        "instruments": [
            {
                "family": i["family"],
                "maker": i.get("maker", ""),
                "model": i.get("model", ""),
                "serial": i.get("serial", ""),
                "verdict": i.get("verdict") or "",
            }
            for i in visit.get("inspections", [])
        ],
        "findings": [f["text"] for f in visit.get("findings", [])],
        "facts": case["facts"],
        "evidence": evidence_lines(evidence, lang),
    }


def build_site_record(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    v = content["visit"]
    d = DocumentFrame(
        content, "现场检查笔录", "On-site Inspection Record", SITE_RECORD_PREFIX, v["day"]
    )
    sep = list_sep(lang)
    instruments = []
    for i in content["instruments"]:
        family = pick(FAMILY_LABELS.get(i["family"], (i["family"], i["family"])), lang)
        verdict = pick(VERDICT_LABELS.get(i["verdict"], (i["verdict"], i["verdict"])), lang)
        name = " ".join(x for x in (family, i["maker"], i["model"]) if x)
        serial = f" {zh_en('出厂编号', 'serial', lang)} {i['serial']}" if i["serial"] else ""
        instruments.append(f"{name}{serial}: {verdict or '—'}")
    d.kv(
        [
            (zh_en("检查时间", "Time", lang), v["started_at"].replace("T", " ")),
            (zh_en("检查地点", "Place", lang), v["place"] or "—"),
            (zh_en("被检查场所", "Premises", lang), v["premises"] or "—"),
            officers_row(content["officers"], lang, OFFICERS_ON_SITE),
        ]
    )
    d.story.append(Spacer(1, 6))
    d.story.append(
        P(
            zh_en(
                "执法人员向当事人出示了执法证件，说明了检查的依据和目的，告知当事人有申请执法人员"
                "回避的权利以及如实提供情况、配合检查的义务。",
                "The officers showed their enforcement certificates, stated the basis and purpose "
                "of the inspection, and told the party of the right to ask for an officer to "
                "withdraw and of the duty to give true information and to cooperate.",
                lang,
            ),
            "lead",
        )
    )
    d.story.append(Spacer(1, 6))
    d.kv(
        [
            (zh_en("检查的计量器具", "Instruments inspected", lang), sep.join(instruments) or "—"),
            (
                zh_en("现场发现的问题", "Found on site", lang),
                sep.join(content["findings"]) or content["facts"] or "—",
            ),
            (zh_en("提取的证据", "Evidence taken", lang), sep.join(content["evidence"]) or "—"),
            (zh_en("备注", "Notes", lang), v["notes"] or "—"),
            (zh_en("当事人意见", "The party's statement", lang), "\n\n"),
        ]
    )
    tail = [
        Spacer(1, 4),
        P(
            zh_en(
                "以上笔录已向当事人宣读（或交其阅读），当事人确认无误。",
                "This record was read out to (or read by) the party, who confirmed it.",
                lang,
            ),
            "small",
        ),
        *signature_lines(
            [
                ("当事人签名", "Party's signature"),
                ("执法人员签名", "Officers' signatures"),
                ("记录人", "Recorded by"),
            ],
            lang,
        ),
    ]
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


# 行政处罚告知书 --------------------------------------------------------------------------------
