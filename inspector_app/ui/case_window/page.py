"""The page of one case: its particulars, the articles, the decision and orders, the
deadlines (overdue ones in red), the evidence, and the history, each event a line saying
who did what in the window's language ("2025-03-20  张三 作出决定", "2025-03-20  Zhang San
decided the penalty"); and the legal steps that may come next."""

from __future__ import annotations

from html import escape
from typing import Any

from ...i18n import current_language, tr, trc
from .texts import t


def did(action: str, to_status: str) -> str:
    """What an event of the case did, as the verb phrase of a sentence whose subject is the
    person who did it; an action this program does not know is shown as stored."""
    phrases = {
        "open": trc("case history", "recorded the clue"),
        "clue": trc("case history", "recorded the clue"),
        "filed": trc("case history", "filed the case"),
        "investigated": trc("case history", "finished the investigation"),
        "notified": trc("case history", "served the prior notice"),
        "decide": trc("case history", "decided the penalty"),
        "decided": trc("case history", "decided the penalty"),
        "execute": trc("case history", "recorded the penalty as carried out"),
        "executed": trc("case history", "recorded the penalty as carried out"),
        "close": trc("case history", "closed the case"),
        "closed": trc("case history", "closed the case"),
        "pause": trc("case history", "paused the time limit"),
        "order": trc("case history", "ordered the party to correct"),
        "order.assignment": trc("case history", "put the re-inspection on a work list"),
        "recheck": trc("case history", "recorded the re-inspection"),
        "corrected": trc("case history", "recorded the correction"),
        "evidence": trc("case history", "added evidence"),
        "evidence.added": trc("case history", "added evidence"),
    }
    if action in phrases:
        return phrases[action]
    return t(to_status) if action == to_status else action


def history_line(event: dict[str, Any]) -> str:
    """One event of the case: its date, then who did what."""
    day = event["on_date"] or event["at"][:10]
    what = did(event["action"], event["to_status"])
    who = (event.get("actor") or "").strip()
    return f"{day}  {who} {what}" if who else f"{day}  {what}"


def case_html(case: Any, data: dict[str, Any]) -> str:
    """The case page as HTML (*data* from ``services.case_lists.summary``)."""

    def row(label: str, value: str) -> str:
        return f"<tr><td style='color:#555;padding-right:12px'>{escape(t(label))}</td><td>{value}</td></tr>"

    lang = current_language()
    p = case.party

    def cites(key: str) -> str:
        field = "citation_zh" if lang == "zh" else "citation_en"
        return "<br>".join(escape(a[field]) for a in data[key]) or "—"

    head = (
        f"<h2>{escape(case.case_no)} · {escape(p.name)}</h2>"
        f"<p><b>{escape(t(case.status))}</b>"
        + (
            f" · <span style='color:#b00020'>{escape(tr('cheating case'))}</span>"
            if case.cheating
            else ""
        )
        + (f" · {escape(tr('sealed'))}" if case.decided_hash else "")
        + "</p>"
    )
    rows = [
        row("Party", escape(p.name)),
        row("Credit code / ID", escape(p.credit_code or p.id_number or "—")),
        row("Address", escape(p.address or "—")),
        row(
            "Source",
            escape(t(case.source)) + (f": {escape(case.source_text)}" if case.source_text else ""),
        ),
        row("Clue found on", escape(case.clue_date)),
        row("Facts", escape(case.facts or "—")),
        row(
            "Officers",
            escape(", ".join(f"{o.name} ({o.certificate_no})" for o in case.officers) or "—"),
        ),
        row("Violated", cites("violated")),
        row("Penalty article", cites("penalty")),
    ]
    if case.decision is not None:
        from ...reports.case_documents import decision_lines

        lines = decision_lines(data["decision"], lang)
        no = case.decision.decision_no
        rows.append(row("Decision", escape((no + " " if no else "") + "; ".join(lines))))
    if case.orders:
        items = []
        for o in case.orders:
            state = (
                tr("awaiting re-inspection")
                if o.corrected is None
                else f"{tr('corrected') if o.corrected else tr('not corrected')} {o.checked_on}"
            )
            items.append(escape(f"{o.ordered_on} → {o.deadline}: {state}"))
        rows.append(row("Orders to correct", "<br>".join(items)))
    dls = []
    for d in data["deadlines"]:
        text = escape(f"{tr('case deadline: ' + d['key'])} {d['due']}")
        dls.append(
            f"<span style='color:#b00020'><b>{text} ({escape(trc('case', 'overdue'))})</b></span>"
            if d["overdue"]
            else text
        )
    rows.append(row("Deadlines", "<br>".join(dls) or escape(tr("none"))))
    ev = [
        escape(
            f"{i}. {t(e['kind'])} {e['ref'][:16]}{'…' if len(e['ref']) > 16 else ''} {e['note']}"
        )
        for i, e in enumerate(data["evidence"], start=1)
    ]
    rows.append(row("Evidence", "<br>".join(ev) or "—"))
    history = [escape(history_line(e)) for e in data["events"]]
    rows.append(row("History", "<br>".join(history)))
    return head + "<table cellspacing='2'>" + "".join(rows) + "</table>"


def next_steps(case: Any) -> list[str]:
    """The legal steps that may follow the case's state, in the order they are offered."""
    s = case.status
    nxt = {
        "clue": ["file", "simple"],
        "filed": ["investigate"],
        "investigated": ["notify"],
        "notified": ["decide"],
        "decided": ["execute"],
        "executed": ["close"],
    }.get(s, [])
    if s != "closed":
        if any(o.corrected is None for o in case.orders):
            nxt.append("recheck")
        nxt.append("order")
    if s in ("clue", "filed", "investigated", "notified"):
        nxt.append("close")
    return list(dict.fromkeys(nxt))
