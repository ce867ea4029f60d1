"""Labels printed on reports, in English (the key) and Chinese.

Registered with :mod:`inspector_app.i18n` so the window can reuse them; :func:`t` looks up
this catalogue first, so a report's wording never depends on what other modules register.
"""

from __future__ import annotations

import re

from .. import i18n

ZH: dict[str, str] = {
    # document kinds and verdicts
    "Verification certificate": "检定证书",
    "Notice of non-conformity": "检定结果通知书",
    "Inspection record": "检查记录",
    "Summary of inspections": "计量监督检查汇总报告",
    "PASS": "合格",
    "FAIL": "不合格",
    "CONFORMS": "符合",
    "DOES NOT CONFORM": "不符合",
    "pass": "合格",
    "fail": "不合格",
    "not_applicable": "不适用",
    "Report no.": "报告编号",
    "Page {page} of {pages}": "第 {page} 页 共 {pages} 页",
    "Record hash": "记录哈希",
    "Issued by": "签发机构",
    "Market Supervision Administration": "市场监督管理局",
    # banner sentences
    "All {n} items within the maximum permissible error.": "全部 {n} 项均在最大允许误差范围内。",
    "{failed} of {n} items outside the limits: {items}.": "{n} 项中有 {failed} 项不合格：{items}。",
    "Cheating found: {what}.": "发现计量作弊：{what}。",
    "Not conforming: {what}.": "不符合项：{what}。",
    "The instrument must not be used for trade until it has been repaired and verified again.": "该计量器具在修理并重新检定合格前不得用于贸易结算。",
    # sections
    "Premises": "受检单位",
    "Instrument": "计量器具",
    "Inspection": "检查信息",
    "Reference standards used": "使用的计量标准器",
    "Readings and results": "检定数据与结果",
    "Error chart": "误差曲线",
    "Checklist": "检查项目",
    "Findings": "发现的问题",
    "Photos": "现场照片",
    "Signatures": "签名",
    "Conclusion": "结论",
    "Warnings": "提示",
    "Verification of this document": "本文件的验证信息",
    # field names
    "Name": "名称",
    "Unified social credit code": "统一社会信用代码",
    "Address": "地址",
    "Market / stall": "市场 / 摊位",
    "Contact": "联系人",
    "Phone": "电话",
    "Kind": "类别",
    "Family": "器具类别",
    "Maker": "制造厂",
    "Model": "型号",
    "Serial no.": "出厂编号",
    "Pattern approval no.": "型式批准编号",
    "Accuracy class": "准确度等级",
    "Metrological data": "计量特性",
    "Seals": "封印",
    "Last verified": "上次检定",
    "Next due": "下次检定",
    "Check": "检查类型",
    "Rule set": "依据规程",
    "Inspector": "检查员",
    "Date": "日期",
    "Place": "地点",
    "Environment": "环境条件",
    "Record": "记录",
    "Revision": "版本",
    "Correction of revision {n}: {reason}": "更正第 {n} 版：{reason}",
    "Certificate no.": "证书编号",
    "Valid until": "有效期至",
    "Accuracy": "准确度",
    "expired on the inspection date": "检查日已过期",
    "No reference standards recorded.": "未记录计量标准器。",
    "No findings.": "未发现问题。",
    "No photos.": "无照片。",
    "Question": "项目",
    "Answer": "结果",
    "yes": "是",
    "no": "否",
    "na": "不适用",
    "Legal basis": "法律依据",
    "Severity": "严重程度",
    "Action": "处理措施",
    "cheating": "作弊",
    "minor": "轻微",
    "major": "严重",
    "critical": "重大",
    "Inspector signature": "检查员签名",
    "Representative of the premises": "受检单位代表签名",
    "not signed": "未签名",
    "Failed items": "不合格项目",
    "Tests of the verification programme not done": "未完成的检定项目",
    "Certificate": "证书信息",
    "MPE": "最大允许误差",
    "Notice": "通知书信息",
    "Notice no.": "通知书编号",
    "This certificate's no.": "证书编号",
    "certificate no.": "证号",
    "(assigned when finalized)": "（完成后编号）",
    "(numbered when the signed document is issued)": "（签发签名文件时编号）",
    "Instrument name": "计量器具名称",
    "Issuing body": "检定机构",
    "Authorisation certificate no.": "计量检定机构授权证书号",
    "Client": "委托（受检）单位",
    "Regulation": "检定依据",
    "Date of verification": "检定日期",
    "Verified by": "检定员",
    "Checked by": "核验员",
    "Approved by": "批准人",
    "Range / uncertainty or class": "测量范围 / 不确定度或准确度等级",
    "The results of this certificate apply to this instrument only.": "本证书检定结果仅对该计量器具有效。",
    "No verification certificate can be issued for this record:": "本记录不能出具检定证书，原因：",
    "Record id": "记录编号",
    "Content hash (SHA-256)": "内容哈希 (SHA-256)",
    "Finalized": "封存时间",
    "Digital signature": "数字签名",
    "Scan the code or run 'inspector-app verify FILE.pdf' to check this document.": "扫描二维码或运行 'inspector-app verify 文件.pdf' 可验证本文件。",
    "This is a draft: it is not finalized and has no legal effect.": "草稿：尚未封存，不具法律效力。",
    "This revision has been superseded by a correction.": "本版本已被更正版本取代。",
    "Numbers marked in these rules are not yet confirmed against the published regulation:": "以下规则的数值尚未与正式发布的规程核对：",
    "temperature": "温度",
    "humidity": "湿度",
    # readings table
    "No.": "序号",
    "Item": "项目",
    "Verdict": "判定",
    "Load L": "载荷 L",
    "Indication I": "示值 I",
    "Added load ΔL": "附加载荷 ΔL",
    "Error E": "误差 E",
    "Corrected error Ec": "修正误差 Ec",
    "MPE ±": "最大允许误差 ±",
    "Error": "误差",
    "Position": "位置",
    "V_J (L)": "加油机示值 V_J (L)",
    "Can / actual (L)": "标准罐 / 实际 (L)",
    "t_fuel (°C)": "油温 t_J (°C)",
    "t_can (°C)": "罐温 t_B (°C)",
    "Corrected volume (L)": "修正体积 V_Bt (L)",
    "Nominal": "标称值",
    "Certified": "标准值",
    "Reading": "读数",
    "Readings": "读数",
    "Mean": "平均值",
    "Reference": "参考值",
    "Measured": "测得值",
    "Unit price": "单价",
    "Volume": "体积",
    "Amount displayed": "显示金额",
    "Expected amount": "应付金额",
    "Weight": "重量",
    "Charged": "实收金额",
    "Before": "加载前示值",
    "Extra load": "附加载荷",
    "After": "加载后示值",
    "Required rise": "应升高",
    "Rise": "升高",
    "E0": "零点误差 E0",
    "Zero": "零点",
    "unit": "单位",
    # test kinds
    "weighing": "称量测试",
    "eccentricity": "偏载测试",
    "repeatability": "重复性测试",
    "zero": "零点",
    "discrimination": "鉴别力",
    "price": "计价",
    "classification": "分级",
    "volume": "示值误差与重复性",
    "mmq": "最小被测量",
    "amount": "付费金额误差",
    "vertex_power": "顶焦度示值误差",
    "prism": "棱镜度示值误差",
    "sphere": "球镜顶焦度示值误差",
    "pd": "瞳距",
    "lenses": "镜片顶焦度",
    "short_weight": "短缺量核称",
    "unloading": "卸载称量测试",
    "tare": "除皮称量测试",
    "security": "JJG 1204 防作弊核查",
    "cylinder": "柱镜顶焦度示值误差",
    "axis": "柱镜轴位示值误差",
    "residual_prism": "残余棱镜度",
    "parallax": "视差",
    "asymmetry": "左右对称性",
    "as_found": "调整前（发现时）",
    "as_left": "调整后（交付时）",
    "Error with the MPE envelope": "误差与最大允许误差包络",
    "load": "载荷",
    "run": "次序",
    "nominal": "标称值",
    "reference": "参考值",
    "error": "误差",
    # summary
    "Period": "统计期间",
    "from {a} to {b}": "{a} 至 {b}",
    "all dates": "全部日期",
    "Scope": "范围",
    "all premises": "全部受检单位",
    "Market": "市场",
    "City": "城市",
    "Premises inspected": "受检单位数",
    "Instruments inspected": "受检器具数",
    "Inspections": "检查次数",
    "Passed": "合格",
    "Failed": "不合格",
    "Pass rate": "合格率",
    "Cheating findings": "作弊问题",
    "Pass rate by family": "各类器具合格率",
    "Failures": "不合格记录",
    "Inspections by month": "各月检查次数",
    "Month": "月份",
    "Total": "合计",
    "None.": "无。",
    "Only finalized inspections, newest revision of each record.": "仅统计已封存检查，每条记录取最新版本。",
    "and {n} more": "另有 {n} 条",
    "Generated": "生成时间",
}

CHECKLIST_FALLBACK = {
    "nameplate": ("铭牌标识完整", "Nameplate complete"),
    "seals_intact": ("封印完好", "Seals intact"),
    "verification_valid": ("检定合格标志在有效期内", "Verification mark valid"),
    "type_approval": ("有型式批准标志", "Pattern approval mark present"),
    "self_lock": ("自锁功能已启用", "Self-lock enabled"),
    "level": ("水平状态良好", "Level"),
}


def _register() -> None:
    """Share the longer phrases with the window. Short generic words ("Verdict", "Family")
    stay private: the report's wording for them (a table column) may differ from a window's,
    and one English key must have one Chinese text in the shared catalogue."""
    i18n.register(
        {key: value for key, value in ZH.items() if len(key.split()) >= 3 and key not in _PRIVATE}
    )


_PRIVATE = {"Premises inspected", "No findings.", "Passphrase of your signing key:"}


_register()


# units printed in a Chinese document (metric symbols such as g, kg, L, mm, D stay symbols)
UNITS_ZH = {"yuan": "元", "yuan/kg": "元/千克", "yuan/L": "元/升", "%RH": "%RH"}


def unit(text: str, lang: str) -> str:
    """A unit as printed: money in 元 in Chinese documents, symbols unchanged."""
    return UNITS_ZH.get(text, text) if lang == "zh" else text


def t(text: str, lang: str, **kw: object) -> str:
    out = ZH.get(text, text) if lang == "zh" else text
    return out.format(**kw) if kw else out


_LABEL_PATTERNS = [
    (re.compile(r"^position (\d+)$"), "位置 {0}"),
    (re.compile(r"^(.*)run (\d+)$"), "{0}第 {1} 次"),
    (re.compile(r"^(.*) #(\d+)$"), "{0} 第 {1} 次"),
    (re.compile(r"^(.*)repeatability$"), "{0}重复性"),
    (re.compile(r"^(.*) range$"), "{0} 极差"),
    (re.compile(r"^zero$"), "零点"),
    (re.compile(r"^amount$"), "付费金额"),
    (re.compile(r"^amount displayed$"), "显示金额"),
    (re.compile(r"^amount charged$"), "实收金额"),
    (re.compile(r"^unit price ÷100$"), "单价缩小100倍"),
    (re.compile(r"^#(\d+)$"), "第 {0} 件"),  # a package of a prepackaged batch
    (re.compile(r"^average below the limit$"), "平均实际含量低于 Qn − λ·s"),
]


def item_label(label: str, lang: str) -> str:
    """Item labels come from the rules engine in English; translate the usual shapes."""
    if lang != "zh":
        return label
    for pattern, template in _LABEL_PATTERNS:
        m = pattern.match(label)
        if m:
            return template.format(*m.groups())
    return label
