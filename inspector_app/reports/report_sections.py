"""The sections of an inspection report that say what was found: the verdict banner, the
instrument's metrological data, the failed items, the findings and the rule-set title and
warnings. The closing sections (conclusion, signatures, certificate or notice particulars,
verification block) are in :mod:`.closing_sections`."""

from __future__ import annotations

import dataclasses
import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..domain.failed_items import INCOMPLETE, FailedItem, inspection_failed_items
from ..domain.models import FAMILY_LABELS, Finding, Instrument
from ..i18n import pick
from .charts import GREEN, RED
from .fonts import FONT
from .labels import CHECKLIST_FALLBACK, item_label, t, unit
from .layout import (
    GREY,
    esc,
    styles,
)
from .prepackaged_section import (
    goods_sentence,
    goods_title,
    product_text,
)
from .report_data import KIND_TITLES, ReportData, data_kind


def metrology_text(instrument: Instrument, lang: str) -> str:
    m = instrument.metrology or {}
    if instrument.family == "prepackaged":  # the product of a batch
        return product_text(instrument, lang)
    if instrument.family == "scale":
        unit = m.get("unit", "g")
        parts = [f"Max {m.get('max', '—')} {unit}"]
        if m.get("min"):
            parts.append(f"Min {m['min']} {unit}")
        if m.get("ranges"):
            parts.append(
                "; ".join(f"≤ {r.get('max')} {unit}: e = {r.get('e')} {unit}" for r in m["ranges"])
            )
        else:
            parts.append(f"e = {m.get('e', '—')} {unit}")
            parts.append(f"d = {m.get('d', m.get('e', '—'))} {unit}")
        return ", ".join(parts)
    if instrument.family == "fuel_dispenser":
        fuel = {
            "gasoline": ("汽油", "gasoline"),
            "diesel": ("柴油", "diesel"),
            "kerosene": ("煤油", "kerosene"),
        }
        f = m.get("fuel", "")
        parts = [pick(fuel[f], lang) if f in fuel else str(f)]
        for key, label, unit in (
            ("qmax", "Qmax", "L/min"),
            ("qmin", "Qmin", "L/min"),
            ("mmq", "MMQ", "L"),
        ):
            if m.get(key):
                parts.append(f"{label} {m[key]} {unit}")
        if m.get("nozzle"):
            parts.append(("枪号 " if lang == "zh" else "nozzle ") + str(m["nozzle"]))
        return ", ".join(parts)
    parts = []
    if m.get("range_min") is not None and m.get("range_max") is not None:
        parts.append(
            ("测量范围 " if lang == "zh" else "range ") + f"{m['range_min']} … {m['range_max']} D"
        )
    if m.get("resolution"):
        parts.append(("分度值 " if lang == "zh" else "resolution ") + f"{m['resolution']} D")
    if "has_pd" in m:
        parts.append(
            ("带瞳距功能" if m["has_pd"] else "无瞳距功能")
            if lang == "zh"
            else ("with PD function" if m["has_pd"] else "no PD function")
        )
    for k, v in m.items():
        if k not in ("range_min", "range_max", "resolution", "has_pd"):
            parts.append(f"{k} {v}")
    return ", ".join(parts)


_WARNING_KEY = re.compile(r"^(.*?) \[(\w+)\] .*?: (seen only in a secondary source|not confirmed)")


def zh_warnings(ruleset: str, warnings: list[str]) -> list[str]:
    """The rules engine's caveats (English sentences with the rule's summary) said in
    Chinese: how many rules of the rule set rest on a secondary source and how many on an
    unconfirmed number. The English document lists each rule with its clause."""
    secondary = unconfirmed = other = 0
    for w in warnings:
        m = _WARNING_KEY.match(str(w))
        if m is None:
            other += 1
        elif m.group(3).startswith("seen only"):
            secondary += 1
        else:
            unconfirmed += 1
    out = []
    if secondary:
        out.append(
            f"{ruleset} 中本报告用到的 {secondary} 条规则的数值仅见于二手资料，待对照正式发布文本核实。"
        )
    if unconfirmed:
        out.append(
            f"{ruleset} 中本报告用到的 {unconfirmed} 条规则的数值尚未核实（凭记忆或占位），"
            "不能作为出具证书的依据。"
        )
    if other:
        out.append(f"另有 {other} 条提示，详见英文版报告。")
    return out


_LATIN_TAIL = re.compile(r"\s+[A-Za-z][A-Za-z0-9 ,.;:()/'-]*$")


def ruleset_title(title: str, lang: str) -> str:
    """A rule set's title in the document's language: titles are "中文 English"; a Chinese
    document keeps the Chinese part, an English one the English part when there is one."""
    if not title:
        return ""
    m = _LATIN_TAIL.search(title)
    if m and m.start() > 0:
        return title[: m.start()].strip() if lang == "zh" else m.group(0).strip()
    return title


def _instrument_line(data: ReportData, lang: str) -> str:
    ins = data.instrument
    return " ".join(
        x
        for x in (
            specific_name(data, lang),
            ins.maker,
            ins.model,
            ins.serial,
        )
        if x
    )


def failed(data: ReportData) -> list[FailedItem]:
    """The failed items (one definition: ``domain.failed_items``)."""
    if data.failed is None:
        data.failed = inspection_failed_items(data.inspection, data.form, data.instrument.metrology)
    return data.failed


def failed_items(data: ReportData, lang: str, *, incomplete: bool = False) -> list[str]:
    """What did not conform, one line each: readings with value and limit, checklist
    questions in their non-conforming wording, cheating findings; with *incomplete* the
    tests of the verification programme that were not done instead."""
    return [
        _failed_text(data, i, lang) for i in failed(data) if (i.kind == INCOMPLETE) == incomplete
    ]


def _failed_text(data: ReportData, item: FailedItem, lang: str) -> str:
    if item.kind == "question" and item.wording is None:
        return _question_label(data, item.key, lang)
    if item.unit:
        item = dataclasses.replace(item, unit=unit(item.unit, lang))
    return item.text(lang, item_label)


# actions the quick-add menu writes, in both languages
QUICK_ACTIONS = (("立案调查", "Open a case"),)


def finding_text(data: ReportData, f: Finding, lang: str) -> str:
    """A finding's text in the document's language: a quick-added finding (its code is a
    checklist question's key and its text is that question's wording in either language)
    prints the form's non-conforming wording in *lang*; a text the inspector wrote is
    printed as written."""
    form = data.form
    if form is not None:
        for q in form.checklist:
            if q.key != f.code:
                continue
            known = {q.label.zh, q.label.en}
            if q.finding_text is not None:
                known |= {q.finding_text.zh, q.finding_text.en}
            if f.text.strip() in known:
                return q.failed_wording(lang)
    return f.text


def finding_action(action: str, lang: str) -> str:
    for zh, en in QUICK_ACTIONS:
        if action.strip() in (zh, en):
            return zh if lang == "zh" else en
    return action or "—"


def _question_label(data: ReportData, qid: str, lang: str) -> str:
    if qid in data.checklist_labels:
        return pick(data.checklist_labels[qid], lang)
    if qid in CHECKLIST_FALLBACK:
        return pick(CHECKLIST_FALLBACK[qid], lang)
    return qid


def _verdict_banner(data: ReportData, lang: str, width: float) -> Table:
    s = styles()
    insp = data.inspection
    kind = data_kind(data)
    ok = insp.verdict == "pass"
    if kind == "record":
        word_key = "CONFORMS" if ok else "DOES NOT CONFORM"
    else:
        word_key = "PASS" if ok else "FAIL"
    if insp.verdict is None:
        word, sub = ("未判定" if lang == "zh" else "NO VERDICT"), ""
    else:
        word = t(word_key, "zh") if lang == "zh" else word_key
        # an English document shows the Chinese word too; a Chinese one stays Chinese
        sub = "" if lang == "zh" else t(word_key, "zh")
    result = insp.result or {}
    n_items = sum(len(x.get("items", [])) for x in result.get("tests", []))
    failed_lines = failed_items(data, lang)
    readings_failed = [i.key for i in failed(data) if i.kind == "reading"]
    if ok:
        sentence = t("All {n} items within the maximum permissible error.", lang, n=n_items)
    elif readings_failed:
        sentence = t(
            "{failed} of {n} items outside the limits: {items}.",
            lang,
            failed=len(readings_failed),
            n=n_items,
            items=", ".join(item_label(x, lang) for x in readings_failed[:6])
            + (" …" if len(readings_failed) > 6 else ""),
        )
    else:
        sentence = t("Not conforming: {what}.", lang, what="; ".join(failed_lines[:4]) or "—")
    sentence = goods_sentence(insp, lang) or sentence  # a batch: packages and average
    cheats = [f.text for f in insp.findings if f.cheating]
    if cheats:
        sentence += " " + t("Cheating found: {what}.", lang, what="; ".join(cheats))
    color = GREEN if ok else (RED if insp.verdict == "fail" else GREY)
    left = [
        Paragraph(
            esc(word),
            s["verdict"]
            if len(word) <= 4
            else ParagraphStyle("v2", parent=s["verdict"], fontSize=19, leading=24),
        )
    ]
    if sub:
        left.append(Paragraph(esc(sub), s["verdict_en"]))
    title = goods_title(insp, lang) or t(KIND_TITLES[kind], lang)
    right = [
        Paragraph(esc(title), s["title"]),
        Paragraph(esc(_instrument_line(data, lang)), s["lead"]),
        Paragraph(
            esc(f"{data.premises.name} · {(insp.started_at or '')[:16].replace('T', ' ')}"),
            s["lead"],
        ),
        Spacer(1, 3),
        Paragraph(esc(sentence), ParagraphStyle("sent", parent=s["lead"], textColor=color)),
    ]
    table = Table([[left, right]], colWidths=[48 * mm, width - 48 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (0, 0), color),
                ("BOX", (0, 0), (-1, -1), 1.5, color),
                ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


# Model prefixes of Chinese scales (JJG 539 practice): ACS price-computing, TCS platform,
# SCS vehicle/ground scales; otherwise the family's name.
_SCALE_MODELS = (
    ("ACS", ("电子计价秤", "Electronic price-computing scale")),
    ("TCS", ("电子台秤", "Electronic platform scale")),
    ("SCS", ("电子汽车衡", "Electronic vehicle scale")),
    ("JCS", ("电子计数秤", "Electronic counting scale")),
)


def specific_name(data: ReportData, lang: str) -> str:
    """The instrument's specific name (电子计价秤 rather than 衡器): from the metrology
    data's ``name`` when recorded, the model prefix, or a price test for scales."""
    ins, insp = data.instrument, data.inspection
    m = ins.metrology or {}
    if m.get("name"):
        return str(m["name"])
    if ins.family == "scale":
        model = (ins.model or "").upper().replace(" ", "")
        for prefix, names in _SCALE_MODELS:
            if model.startswith(prefix):
                return pick(names, lang)
        if any(t.get("kind") == "price" for t in insp.tests) or m.get("price"):
            return pick(_SCALE_MODELS[0][1], lang)
        return "电子秤（数字指示秤）" if lang == "zh" else "Digital indicating scale"
    if ins.family == "fuel_dispenser":
        return "燃油加油机" if lang == "zh" else "Fuel dispenser"
    return pick(FAMILY_LABELS.get(ins.family, (ins.family, ins.family)), lang)
