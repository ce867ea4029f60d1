"""The goods part of an inspection report: a prepackaged batch and a retail recheck.

A prepackaged batch makes the report a 定量包装商品净含量检验报告 (net content inspection
report): the batch and its product, the sampling (plan, sample size, method, who sampled
where, the seal), every package's net content with its T1/T2 mark, T, 2T, the mean, s, λ,
λ·s and the limit Qn − λ·s, the average and single-package checks and the labelling
findings. A retail short-weight recheck gets the goods, category, unit price, settled
weight and amount, recheck method, actual weight and the shortfall against the permitted
deviation. :func:`goods_section` returns None for every other family, whose readings the
generic tables show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from .fonts import FONT
from .labels import t
from .layout import NAVY, P, _kv_table, _section

if TYPE_CHECKING:
    from ..domain.models import Inspection, Instrument
    from .report_data import ReportData

TITLES = {
    "prepackaged": (
        "定量包装商品净含量检验报告",
        "Net content inspection report of prepackaged goods",
    ),
    "retail_goods": ("零售商品短缺量核查记录", "Retail short-weight recheck record"),
}
ZH = {
    "Batch inspected": "受检批",
    "Product": "商品名称",
    "Brand": "商标（品牌）",
    "Producer": "生产者",
    "Producer's credit code": "生产者统一社会信用代码",
    "Batch no.": "生产批号",
    "Production date": "生产日期",
    "Kind of product": "商品类别",
    "Quantity": "计量方式",
    "Nominal quantity Qn": "标注净含量 Qn",
    "Batch size N": "检验批量 N",
    "Sampling": "抽样",
    "Sampling plan": "抽样方案",
    "Sample size n (required / inspected)": "样本量 n（规定 / 实检）",
    "Sampling method": "抽样方法",
    "Sampled by": "抽样人",
    "Place of sampling": "抽样地点",
    "Sample sealed": "封样",
    "Sampling form no.": "抽样单编号",
    "Results": "检验结果",
    "Tolerable deficiency T": "允许短缺量 T",
    "2T": "2T",
    "Rounding of T": "T 的修约",
    "T1 packages (T < d ≤ 2T): found / allowed": "T < d ≤ 2T 的件数：实有 / 允许",
    "T2 packages (d > 2T): found / allowed": "d > 2T 的件数：实有 / 允许",
    "Mean net content": "平均实际含量",
    "Standard deviation s": "样本标准偏差 s",
    "Correction λ·s (λ)": "修正值 λ·s（λ）",
    "Limit Qn − λ·s": "限值 Qn − λ·s",
    "Average requirement (mean ≥ Qn − λ·s)": "平均实际含量要求（≥ Qn − λ·s）",
    "Single packages": "单件实际含量",
    "Batch verdict": "批判定",
    "conforms": "合格",
    "does not conform": "不合格",
    "not applicable (N ≤ 10)": "不适用（N ≤ 10，不计算平均）",
    "Package readings": "逐件检验数据",
    "No.": "序号",
    "Net": "实际含量",
    "Mark": "判定",
    "Labelling": "净含量标注",
    "No labelling findings.": "净含量标注未发现问题。",
    "C mark": "C 标志",
    "up": "进位",
    "half_up": "四舍五入",
    "systematic": "等距抽样",
    "stratified": "分层抽样",
    "simple_random": "简单随机抽样",
    "yes": "是",
    "no": "否",
    "mass": "质量",
    "volume": "体积",
    "length": "长度",
    "area": "面积",
    "count": "计数",
    "food": "食品",
    "beverage": "饮料、酒类",
    "daily_chemical": "日用化学品",
    "agricultural": "农资",
    "building": "建材",
    "other": "其他",
    "Recheck": "核称",
    "Goods": "商品名称",
    "Category": "商品类别",
    "Row of the table": "适用负偏差档",
    "Unit price": "单价",
    "Settled weight": "结算重量",
    "Amount settled": "结算金额",
    "Recheck method": "核称方法",
    "Actual weight": "核称重量",
    "Shortfall": "短缺量",
    "Permitted shortfall": "允许短缺量（负偏差）",
    "Money paid for the shortfall": "短缺部分金额",
    "Verdict": "结论",
    "original_instrument": "原计量器具核称",
    "high_accuracy": "高准确度核称",
    "equal_accuracy": "等准确度核称",
    "staple": "粮食、蔬菜、水果",
    "meat": "肉、蛋、禽、水产品、糕点、糖果、调味品",
    "dried": "干菜、山珍",
    "gold": "金饰品",
    "silver": "银饰品",
    "by unit price": "按单价",
    "≤ 6 yuan/kg": "≤ 6 元/千克",
    "6–30 yuan/kg": "6～30 元/千克",
    "30–100 yuan/kg": "30～100 元/千克",
    "> 100 yuan/kg": "> 100 元/千克",
    "grain, vegetables, fruit": "粮食、蔬菜、水果",
    "meat, eggs, poultry, aquatic products, pastry, sweets, condiments": "肉、蛋、禽、水产品、糕点、糖果、调味品",
    "dried vegetables, delicacies": "干菜、山珍",
    "gold jewellery": "金饰品",
    "silver jewellery": "银饰品",
    "The sampling plan of JJF 1070-2023 has not been read; the 2005 plan was applied.": "尚未核对 JJF 1070-2023 的抽样方案，本报告按 2005 年抽样方案判定。",
}
LABEL_QUESTIONS = ("label_words", "label_unit", "label_height", "label_visible", "label_digits")
MARK_BG = {"t1": colors.HexColor("#fff1cc"), "t2": colors.HexColor("#fdecea")}
BLOCKS = 6  # package columns side by side


def tx(text: str, lang: str) -> str:
    """This section's words (and the shared report labels) in *lang*."""
    return ZH.get(text, t(text, lang)) if lang == "zh" else text


def goods_title(insp: Inspection, lang: str) -> str | None:
    """The document title of a prepackaged batch or a retail recheck; None for others."""
    pair = TITLES.get(insp.family)
    return None if pair is None else (pair[0] if lang == "zh" else pair[1])


VERDICT_TEXT = {
    ("prepackaged", True): (
        "检验结论：该批定量包装商品净含量合格。",
        "Conclusion: the net content of this batch conforms.",
    ),
    ("prepackaged", False): (
        "检验结论：该批定量包装商品净含量不合格。",
        "Conclusion: the net content of this batch does NOT conform.",
    ),
    ("retail_goods", True): (
        "核查结论：商品量短缺未超过允许负偏差。",
        "Finding: any shortfall is within the permitted deviation.",
    ),
    ("retail_goods", False): (
        "核查结论：商品量短缺超过允许负偏差。",
        "Finding: the goods were short beyond the permitted deviation.",
    ),
}
CLOSING = {
    "prepackaged": (
        "该批商品净含量不符合要求，应责令改正（《定量包装商品计量监督管理办法》）。",
        "The batch does not meet the net-content requirements; correction is to be ordered "
        "(定量包装商品计量监督管理办法).",
    ),
    "retail_goods": (
        "商品量短缺超过允许负偏差，应责令改正（《零售商品称重计量监督管理办法》）。",
        "The goods were short beyond the permitted deviation; correction is to be ordered "
        "(零售商品称重计量监督管理办法).",
    ),
}


def goods_verdict_text(insp: Inspection, lang: str, passed: bool) -> str | None:
    """The conclusion's headline for a batch or a recheck (None for instruments)."""
    pair = VERDICT_TEXT.get((insp.family, passed))
    return None if pair is None else pair[0 if lang == "zh" else 1]


def goods_closing(insp: Inspection, lang: str) -> str | None:
    """What follows a failed batch or recheck, instead of 'repair and verify again'."""
    pair = CLOSING.get(insp.family)
    return None if pair is None else pair[0 if lang == "zh" else 1]


def goods_sentence(insp: Inspection, lang: str) -> str | None:
    """The banner's sentence for a batch: packages, T1/T2 against the plan, the average."""
    if insp.family != "prepackaged":
        return None
    parts = []
    for _raw, res in _tests(insp, "net_content"):
        u = res.get("unit", "")
        n, t1, t1a, t2 = (
            res.get("sample_size"),
            res.get("t1_count"),
            res.get("t1_allowed"),
            res.get("t2_count"),
        )
        if lang == "zh":
            text = f"抽检 {n} 件：T1 类短缺 {t1} 件（允许 {t1a} 件），T2 类短缺 {t2} 件"
        else:
            text = f"{n} packages: {t1} T1 shortfall(s) ({t1a} allowed), {t2} T2"
        if "limit" in res:
            ge = "≥" if res.get("average_ok") else "<"
            if lang == "zh":
                text += f"；平均实际含量 {res['mean']} {u} {ge} Qn − λ·s = {res['limit']} {u}"
            else:
                text += f"; mean {res['mean']} {u} {ge} Qn − λ·s = {res['limit']} {u}"
        parts.append(text + ("。" if lang == "zh" else "."))
    return " ".join(parts) or None


def product_text(instrument: Instrument, lang: str) -> str:
    """One line naming a batch's product: name, brand, producer, batch no., date."""
    m = instrument.metrology or {}
    parts = [str(m[k]) for k in ("product", "brand", "producer") if m.get(k)]
    for key, label in (("batch_no", "Batch no."), ("production_date", "Production date")):
        if m.get(key):
            parts.append(f"{tx(label, lang)} {m[key]}")
    return " · ".join(parts)


def goods_section(data: ReportData, lang: str, width: float) -> list[Any] | None:
    """Flowables replacing the generic readings tables for the goods families."""
    insp = data.inspection
    if insp.family == "prepackaged":
        return _prepackaged(data, lang, width)
    if insp.family == "retail_goods":
        return _retail(data, lang, width)
    return None


def _value(value: object, lang: str, suffix: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tx("yes" if value else "no", lang)
    return f"{tx(str(value), lang)}{suffix}"


def _tests(insp: Inspection, kind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(raw test, judged test) pairs of *kind*."""
    raw = insp.tests or []
    judged = (insp.result or {}).get("tests", [])
    return [
        (raw[i] if i < len(raw) else {}, j)
        for i, j in enumerate(judged)
        if isinstance(j, dict) and j.get("kind") == kind
    ]


def _prepackaged(data: ReportData, lang: str, width: float) -> list[Any]:
    insp, ins = data.inspection, data.instrument
    m = ins.metrology or {}
    story: list[Any] = []
    for raw, res in _tests(insp, "net_content"):
        unit = res.get("unit", "")
        u = f" {unit}"
        given = raw.get("sampling")
        sampling: dict[str, Any] = given if isinstance(given, dict) else {}
        story += _section(tx("Batch inspected", lang), lang)
        story.append(
            _kv_table(
                [
                    (tx("Product", lang), _value(m.get("product"), lang)),
                    (tx("Brand", lang), _value(m.get("brand"), lang)),
                    (tx("Producer", lang), _value(m.get("producer"), lang)),
                    (
                        tx("Producer's credit code", lang),
                        _value(m.get("producer_credit_code"), lang),
                    ),
                    (tx("Batch no.", lang), _value(m.get("batch_no"), lang)),
                    (tx("Production date", lang), _value(m.get("production_date"), lang)),
                    (tx("Kind of product", lang), _value(m.get("product_kind"), lang)),
                    (tx("Quantity", lang), _value(res.get("quantity"), lang)),
                    (tx("Nominal quantity Qn", lang), _value(res.get("nominal"), lang, u)),
                    (tx("Batch size N", lang), _value(res.get("batch_size"), lang)),
                ],
                width,
            )
        )
        story += _section(tx("Sampling", lang), lang)
        story.append(
            _kv_table(
                [
                    (tx("Sampling plan", lang), f"{insp.ruleset} · {res.get('plan', '')}"),
                    (
                        tx("Sample size n (required / inspected)", lang),
                        f"{res.get('sample_size_required')} / {res.get('sample_size')}",
                    ),
                    (tx("Sampling method", lang), _value(sampling.get("method"), lang)),
                    (tx("Sampled by", lang), _value(sampling.get("sampled_by"), lang)),
                    (tx("Place of sampling", lang), _value(sampling.get("place"), lang)),
                    (
                        tx("Sample sealed", lang),
                        _value(sampling.get("sealed"), lang)
                        + (f" · {sampling['seal_no']}" if sampling.get("seal_no") else ""),
                    ),
                    (tx("Sampling form no.", lang), _value(sampling.get("form_no"), lang)),
                    ("", ""),
                ],
                width,
            )
        )
        if any("[plan]" in w for w in (insp.result or {}).get("warnings", [])):
            story.append(
                P(
                    tx(
                        "The sampling plan of JJF 1070-2023 has not been read; the 2005 plan was applied.",
                        lang,
                    ),
                    "warn",
                )
            )
        story += _section(tx("Results", lang), lang)
        story.append(_kv_table(_result_pairs(res, lang, u), width))
        story += _section(tx("Package readings", lang), lang)
        story.append(_packages(res, lang, width))
        story.append(Spacer(1, 3))
    story += _section(tx("Labelling", lang), lang)
    story += _labelling(data, lang, width)
    return story


def _result_pairs(res: dict[str, Any], lang: str, u: str) -> list[tuple[str, str]]:
    def verdict(ok: bool | None) -> str:
        if ok is None:
            return tx("not applicable (N ≤ 10)", lang)
        return tx("conforms" if ok else "does not conform", lang)

    singles = res.get("t1_count", 0) <= res.get("t1_allowed", 0) and res.get(
        "t2_count", 0
    ) <= res.get("t2_allowed", 0)
    lam = res.get("lambda")
    return [
        (tx("Tolerable deficiency T", lang), _value(res.get("t"), lang, u)),
        (tx("2T", lang), _value(res.get("two_t"), lang, u)),
        (tx("Rounding of T", lang), _value(res.get("t_rounding"), lang)),
        (
            tx("T1 packages (T < d ≤ 2T): found / allowed", lang),
            f"{res.get('t1_count')} / {res.get('t1_allowed')}",
        ),
        (
            tx("T2 packages (d > 2T): found / allowed", lang),
            f"{res.get('t2_count')} / {res.get('t2_allowed')}",
        ),
        (tx("Single packages", lang), verdict(singles)),
        (tx("Mean net content", lang), _value(res.get("mean"), lang, u)),
        (tx("Standard deviation s", lang), _value(res.get("s"), lang, u)),
        (
            tx("Correction λ·s (λ)", lang),
            "—" if lam is None else f"{res.get('lambda_s', '—')}{u} ({lam})",
        ),
        (tx("Limit Qn − λ·s", lang), _value(res.get("limit"), lang, u)),
        (tx("Average requirement (mean ≥ Qn − λ·s)", lang), verdict(res.get("average_ok"))),
        (tx("Batch verdict", lang), verdict(res.get("verdict") == "pass")),
    ]


def _packages(res: dict[str, Any], lang: str, width: float) -> Table:
    """Every package: number, net content, mark (✔, T1, T2), six packages a row; T1 and T2
    cells shaded."""
    items = res.get("items", [])
    rows_n = max(1, -(-len(items) // BLOCKS))
    head = [tx("No.", lang), tx("Net", lang), tx("Mark", lang)] * BLOCKS
    body = [[""] * (3 * BLOCKS) for _ in range(rows_n)]
    style: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for i, it in enumerate(items):
        r, b = i % rows_n, i // rows_n
        verdict = it.get("verdict")
        mark = {"pass": "✓", "t1": "T1", "t2": "T2"}.get(verdict, str(verdict))
        body[r][3 * b : 3 * b + 3] = [
            str(it.get("label", "")).lstrip("#"),
            str(it.get("actual", "")),
            mark,
        ]
        if verdict in MARK_BG:
            cells = ((3 * b, r + 1), (3 * b + 2, r + 1))
            style += [("BACKGROUND", cells[0], cells[1], MARK_BG[verdict])]
            style += [("TEXTCOLOR", (3 * b + 2, r + 1), cells[1], colors.HexColor("#b00020"))]
    block = width / BLOCKS
    widths = [block * 0.24, block * 0.5, block * 0.26] * BLOCKS
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _label_requirement(res: dict[str, Any], lang: str) -> str:
    """What the label of this Qn must show, and whether its unit does."""
    lab = res.get("labelling")
    if not lab:
        return ""
    units = "/".join(u.replace("2", "²") for u in lab["units_allowed"])
    unit = str(res.get("unit", "")).replace("2", "²")
    ok = tx("conforms" if lab["unit_conforms"] else "does not conform", lang)
    if lang == "zh":
        return (
            f"标注要求：净含量字符高度不低于 {lab['min_height_mm']} mm；计量单位应为 {units}"
            f"（标注 {unit}，{ok}）；数字 {lab['significant_digits']} 位有效数字"
            + ("" if lab["digits_ok"] else "（推荐不超过三位）")
        )
    return (
        f"Label requirements: characters at least {lab['min_height_mm']} mm high; unit {units} "
        f"(labelled {unit}: {ok}); {lab['significant_digits']} significant digits"
        + ("" if lab["digits_ok"] else " (at most three recommended)")
    )


def _labelling(data: ReportData, lang: str, width: float) -> list[Any]:
    out = [
        P(line, "small")
        for _raw, res in _tests(data.inspection, "net_content")
        if (line := _label_requirement(res, lang))
    ]
    form = data.form
    answers = data.inspection.checklist or {}
    lines = []
    if form is not None:
        for q in form.checklist:
            if (
                q.key in LABEL_QUESTIONS + ("c_mark_unlisted",)
                and answers.get(q.key) == q.finding_if
            ):
                lines.append(q.failed_wording(lang))
    if not lines:
        return out + [P(tx("No labelling findings.", lang), "small")]
    return out + [P(f"• {line}", "warn") for line in lines]


def _retail(data: ReportData, lang: str, width: float) -> list[Any]:
    insp = data.inspection
    story: list[Any] = []
    for raw, res in _tests(insp, "short_weight"):
        item = (res.get("items") or [{}])[0]
        category = res.get("category")
        story += _section(tx("Recheck", lang), lang)
        story.append(
            _kv_table(
                [
                    (tx("Goods", lang), _value(raw.get("goods"), lang)),
                    (
                        tx("Category", lang),
                        _value(category, lang) if category else tx("by unit price", lang),
                    ),
                    (
                        tx("Unit price", lang),
                        _value(raw.get("unit_price"), lang, " " + _yuan(lang) + "/kg"),
                    ),
                    (tx("Row of the table", lang), _value(res.get("band"), lang)),
                    (tx("Settled weight", lang), _value(raw.get("settled_weight"), lang, " kg")),
                    (
                        tx("Amount settled", lang),
                        _value(raw.get("amount"), lang, " " + _yuan(lang)),
                    ),
                    (tx("Recheck method", lang), _value(raw.get("recheck"), lang)),
                    (tx("Actual weight", lang), _value(raw.get("actual_weight"), lang, " kg")),
                    (tx("Shortfall", lang), _value(res.get("shortfall"), lang, " g")),
                    (tx("Permitted shortfall", lang), _value(item.get("mpe"), lang, " g")),
                    (
                        tx("Money paid for the shortfall", lang),
                        _value(res.get("value_short"), lang, " " + _yuan(lang)),
                    ),
                    (
                        tx("Verdict", lang),
                        tx(
                            "conforms" if res.get("verdict") == "pass" else "does not conform", lang
                        ),
                    ),
                ],
                width,
            )
        )
        story.append(Spacer(1, 3 * mm))
    return story


def _yuan(lang: str) -> str:
    return "元" if lang == "zh" else "yuan"
