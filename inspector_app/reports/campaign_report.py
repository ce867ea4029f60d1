"""The campaign summary (专项检查总结): a special campaign's scope, progress (premises
assigned, visited, with findings, overdue; per inspector and per county) and figures (per
kind of premises: premises inspected, instruments checked, swept and fully inspected,
failed, cheating, pass rate to two decimals), opening with the paragraph the bureau writes
("检查眼镜制配场所2496家，眼镜制配计量器具8319台件…"). It is drawn in the page frame of the
period summary (:func:`.summary_report.framed_report`), embeds its content, and is signed by
the program's signing function like the other summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..domain.canonical import canonical_bytes
from .charts import GREEN, RED, bar_chart
from .fonts import FONT, register_fonts
from .inspection_report import BuiltReport, P, _grid, _kv_table, _section, esc, local_time, styles
from .labels import t as _label
from .summary_report import framed_report

CAMPAIGN_PREFIX = "ZXBG"

ZH = {
    "Campaign summary": "专项检查总结",
    "Campaign": "专项",
    "Campaign period": "专项期间",
    "Kinds of premises": "场所类别",
    "Regions": "地区",
    "Focus items": "检查重点",
    "all kinds": "全部类别",
    "all regions": "全部地区",
    "none": "无",
    "Only sealed visits of the campaign; each instrument counted once per visit.": "仅统计本专项已封存的现场检查；每次检查中每台计量器具只计一次。",
    "Premises assigned": "分派场所",
    "Premises visited": "已检查场所",
    "With findings": "发现问题场所",
    "Overdue": "逾期未检查",
    "Instruments checked": "检查计量器具",
    "Pass rate": "合格率",
    "Progress": "进度",
    "Figures by kind of premises": "按场所类别统计",
    "Kind of premises": "场所类别",
    "Premises": "场所",
    "Visits": "检查次数",
    "Checked": "检查器具",
    "Swept": "巡查",
    "Full": "全面检查",
    "Failed": "不合格",
    "Cheating": "作弊",
    "Total": "合计",
    "Progress by inspector": "按检查人员统计进度",
    "Progress by county": "按区县统计进度",
    "Figures by county": "按区县统计",
    "City": "市",
    "Inspector": "检查人员",
    "County": "区县",
    "Assigned": "已分派",
    "Visited": "已检查",
    "Visited %": "完成率",
    "Not yet visited": "尚未检查的场所",
    "Due": "截止日期",
    "Passed": "合格",
    "Instruments by kind of premises": "按场所类别的器具检查结果",
    "(no county in the address)": "（地址中无区县）",
    "No premises assigned.": "未分派场所。",
    "All assigned premises were visited.": "分派场所已全部检查。",
    "Generated": "生成时间",
}

KIND_LABELS = {
    "market": ("集贸市场", "markets"),
    "market_stall": ("市场摊位", "market stalls"),
    "optical_shop": ("眼镜制配场所", "eyeglass shops"),
    "filling_station": ("加油站", "filling stations"),
    "shop": ("商店", "shops"),
    "producer": ("生产企业", "producers"),
    "supermarket": ("超市", "supermarkets"),
}


def t(text: str, lang: str, **kw: object) -> str:
    if lang == "zh" and text in ZH:
        out = ZH[text]
        return out.format(**kw) if kw else out
    return _label(text, lang, **kw)


def kind_label(kind: str, lang: str) -> str:
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    return zh if lang == "zh" else en


def paragraph(stats: dict[str, Any], lang: str) -> str:
    """The figures as the bureau writes them in its yearly paragraph, in *lang*."""
    by_kind = stats["by_kind"]
    tot = stats["totals"]
    if lang == "zh":
        parts = []
        for e in by_kind:
            unit = "个" if e["kind"] == "market" else "家"
            parts.append(
                f"检查{kind_label(e['kind'], 'zh')}{e['premises']}{unit}，"
                f"计量器具{e['checked']}台件"
            )
        if not parts:
            return "本专项尚无已封存的现场检查。"
        tail = f"，不合格{tot['failed']}台件，发现作弊{tot['cheating']}台件"
        if tot["pass_rate"] is not None:
            tail += f"，合格率{tot['pass_rate']}%"
        return "，".join(parts) + tail + "。"
    parts = [
        f"{e['premises']} {kind_label(e['kind'], 'en')} with {e['checked']} instruments"
        for e in by_kind
    ]
    if not parts:
        return "No sealed visit of this campaign yet."
    text = "Inspected " + ", ".join(parts)
    failed = "1 instrument" if tot["failed"] == 1 else f"{tot['failed']} instruments"
    text += f"; {failed} failed, {tot['cheating']} with cheating"
    if tot["pass_rate"] is not None:
        text += f"; pass rate {tot['pass_rate']} %"
    return text + "."


def campaign_content(
    progress: dict[str, Any], stats: dict[str, Any], lang: str, authority: str
) -> bytes:
    """The canonical JSON the report is made from (embedded; its SHA-256 is the content
    hash a signature binds). The work list is summarised by its figures and open rows."""
    p = {k: v for k, v in progress.items() if k != "assignments"}
    p["open"] = [
        {k: a[k] for k in ("premises_name", "kind", "county", "inspector", "due_date", "overdue")}
        for a in progress["assignments"]
        if not a["done_visit_id"]
    ]
    return canonical_bytes(
        {
            "kind": "campaign_summary",
            "progress": p,
            "statistics": stats,
            "lang": lang,
            "authority": authority,
        }
    )


def campaign_number(content_hash: str, campaign: dict[str, Any]) -> str:
    return f"{CAMPAIGN_PREFIX}-{campaign['date_to'].replace('-', '')}-{content_hash[:8].upper()}"


def _headline(cells: list[tuple[str, str]], width: float, red: tuple[int, ...]) -> Table:
    s = styles()
    n = len(cells)
    big = [
        [Paragraph(f'<font size="18">{esc(v)}</font>', s["cellc"]) for _, v in cells],
        [Paragraph(esc(k), s["cellc"]) for k, _ in cells],
    ]
    table = Table(big, colWidths=[width / n] * n, rowHeights=[26, None])
    style: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
        ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    style += [("TEXTCOLOR", (i, 0), (i, 0), RED) for i in red]
    table.setStyle(TableStyle(style))
    return table


def _groups(
    groups: list[dict[str, Any]], first: str, lang: str, width: float, blank: str = ""
) -> Table:
    rows = [
        [
            g["name"] or blank,
            str(g["assigned"]),
            str(g["visited"]),
            f"{g['visited_rate']} %" if g["visited_rate"] is not None else "—",
            str(g["findings"]),
            str(g["overdue"]),
        ]
        for g in groups
    ]
    return _grid(
        [
            t(first, lang),
            t("Assigned", lang),
            t("Visited", lang),
            t("Visited %", lang),
            t("With findings", lang),
            t("Overdue", lang),
        ],
        rows,
        [width - 5 * 24 * mm] + [24 * mm] * 5,
        ["fail" if g["overdue"] else None for g in groups],
    )


def build_campaign_report(
    progress: dict[str, Any],
    stats: dict[str, Any],
    *,
    lang: str = "zh",
    authority: str = "",
    for_signing: bool = False,
    signer_name: str = "",
    generated: str | None = None,
) -> BuiltReport:
    """The campaign summary as a ``BuiltReport`` (see :func:`.summary_report.framed_report`)
    from ``services.campaigns.campaign_progress`` and ``visit_statistics`` of the campaign."""
    import hashlib

    font = register_fonts()
    width = 180 * mm  # A4 less the frame's margins
    c = progress["campaign"]
    content = campaign_content(progress, stats, lang, authority)
    number = campaign_number(hashlib.sha256(content).hexdigest(), c)
    period = f"{c['date_from']} – {c['date_to']}"
    kinds = ", ".join(kind_label(k, lang) for k in c["kinds"]) or t("all kinds", lang)
    body: list[Any] = [
        _kv_table(
            [
                (t("Campaign", lang), c["name"]),
                (t("Campaign period", lang), period),
                (t("Kinds of premises", lang), kinds),
                (t("Regions", lang), "、".join(c["regions"]) or t("all regions", lang)),
                (t("Focus items", lang), "; ".join(c["focus"]) or t("none", lang)),
                (
                    t("Generated", lang),
                    local_time(
                        generated or dt.datetime.now().astimezone().isoformat(timespec="seconds")
                    ),
                ),
                (
                    "",
                    t(
                        "Only sealed visits of the campaign; each instrument counted once per visit.",
                        lang,
                    ),
                ),
            ],
            width,
        ),
        Spacer(1, 6),
        P(paragraph(stats, lang), "base"),
        Spacer(1, 6),
    ]
    tot, st = progress["totals"], stats["totals"]
    body.append(
        _headline(
            [
                (t("Premises assigned", lang), str(tot["assigned"])),
                (t("Premises visited", lang), str(tot["visited"])),
                (t("With findings", lang), str(tot["findings"])),
                (t("Overdue", lang), str(tot["overdue"])),
                (t("Instruments checked", lang), str(st["checked"])),
                (t("Pass rate", lang), f"{st['pass_rate']} %" if st["pass_rate"] else "—"),
            ],
            width,
            red=(2, 3),
        )
    )

    # figures by kind of premises, as the bureau counts
    body += _section(t("Figures by kind of premises", lang), lang)
    rows = [
        [
            kind_label(e["kind"], lang),
            str(e["premises"]),
            str(e["visits"]),
            str(e["checked"]),
            str(e["swept"]),
            str(e["full"]),
            str(e["failed"]),
            str(e["cheating"]),
            f"{e['pass_rate']} %" if e["pass_rate"] else "—",
        ]
        for e in stats["by_kind"]
    ]
    rows.append(
        [
            t("Total", lang),
            str(st["premises"]),
            str(st["visits"]),
            str(st["checked"]),
            str(st["swept"]),
            str(st["full"]),
            str(st["failed"]),
            str(st["cheating"]),
            f"{st['pass_rate']} %" if st["pass_rate"] else "—",
        ]
    )
    body.append(
        _grid(
            [
                t("Kind of premises", lang),
                t("Premises", lang),
                t("Visits", lang),
                t("Checked", lang),
                t("Swept", lang),
                t("Full", lang),
                t("Failed", lang),
                t("Cheating", lang),
                t("Pass rate", lang),
            ],
            rows,
            [width - 8 * 18 * mm] + [18 * mm] * 8,
        )
    )
    if stats["by_kind"]:
        body.append(Spacer(1, 4))
        body.append(
            bar_chart(
                [kind_label(e["kind"], lang) for e in stats["by_kind"]],
                [
                    (
                        t("Passed", lang),
                        [e["checked"] - e["failed"] for e in stats["by_kind"]],
                        GREEN,
                    ),
                    (t("Failed", lang), [e["failed"] for e in stats["by_kind"]], RED),
                ],
                width=width,
                height=50 * mm,
                font=font,
                title=t("Instruments by kind of premises", lang),
            )
        )

    if stats.get("by_county"):
        body += _section(t("Figures by county", lang), lang)
        body.append(
            _grid(
                [
                    t("City", lang),
                    t("County", lang),
                    t("Premises", lang),
                    t("Checked", lang),
                    t("Failed", lang),
                    t("Cheating", lang),
                    t("Pass rate", lang),
                ],
                [
                    [
                        g["city"] or "—",
                        g["county"] or t("(no county in the address)", lang),
                        str(g["premises"]),
                        str(g["checked"]),
                        str(g["failed"]),
                        str(g["cheating"]),
                        f"{g['pass_rate']} %" if g["pass_rate"] else "—",
                    ]
                    for g in stats["by_county"]
                ],
                [width - 6 * 22 * mm - 8 * mm] + [30 * mm] + [22 * mm] * 5,
                ["fail" if g["failed"] else None for g in stats["by_county"]],
            )
        )

    body += _section(t("Progress by inspector", lang), lang)
    body.append(_groups(progress["by_inspector"], "Inspector", lang, width))
    body += _section(t("Progress by county", lang), lang)
    body.append(
        _groups(progress["by_county"], "County", lang, width, t("(no county in the address)", lang))
    )

    body += _section(t("Not yet visited", lang), lang)
    open_rows = [a for a in progress["assignments"] if not a["done_visit_id"]]
    if open_rows:
        body.append(
            _grid(
                [t("Premises", lang), t("County", lang), t("Inspector", lang), t("Due", lang)],
                [
                    [a["premises_name"], a["county"], a["inspector"], a["due_date"] or "—"]
                    for a in open_rows
                ],
                [width - 90 * mm, 30 * mm, 30 * mm, 30 * mm],
                ["fail" if a["overdue"] else None for a in open_rows],
            )
        )
    else:
        key = (
            "All assigned premises were visited."
            if progress["assignments"]
            else "No premises assigned."
        )
        body.append(P(t(key, lang), "small"))

    return framed_report(
        body,
        title=f"{t('Campaign summary', lang)}：{c['name']}"
        if lang == "zh"
        else f"{t('Campaign summary', lang)}: {c['name']}",
        period=period,
        number=number,
        content=content,
        lang=lang,
        authority=authority,
        for_signing=for_signing,
        signer_name=signer_name,
    )
