"""What the ``inspector-app case …`` sub-commands that read do: list, show, articles, the
holiday calendar, and a case's documents as PDF (their options are declared in
:mod:`.case_cmds`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.errors import InputError
from .case_actions import day_arg, print_case
from .common import (
    db_path,
    open_store,
    print_json,
    print_table,
    read_passphrase,
    write_file,
)
from .options import (
    print_warnings,
)


def cmd_list(args) -> int:
    from ..services import case_lists

    today = dt.date.fromisoformat(day_arg(args.today, "today"))
    store = open_store(args)
    with store:
        rows = case_lists.list_cases(store, status=args.status, overdue=args.overdue, today=today)
    if args.json:
        print_json({"cases": rows, "today": today.isoformat()})
        return 0
    if not rows:
        print("no cases" + (" overdue" if args.overdue else ""))
        return 0
    print_table(
        ["case", "status", "party", "next deadline", "overdue", "fine"],
        [
            [
                r["case_no"],
                r["status"],
                r["party"][:24],
                f"{r['next_deadline']['key']} {r['next_deadline']['due']}"
                if r["next_deadline"]
                else "-",
                ", ".join(r["overdue"]) or "-",
                r["fine"] or "-",
            ]
            for r in rows
        ],
    )
    return 0


def cmd_show(args) -> int:
    from ..services import case_common, case_lists

    today = dt.date.fromisoformat(day_arg(args.today, "today"))
    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        if args.json:
            print_case(store, case, True, today=today)
            return 0
        data = case_lists.summary(store, case, today)
    print(f"case        {case.case_no}  ({case.id})")
    print(f"status      {case.status}   source {case.source}  clue {case.clue_date}")
    p = case.party
    print(f"party       {p.name} ({p.kind})  {p.credit_code or p.id_number}  {p.address}")
    if p.legal_rep:
        print(f"legal rep.  {p.legal_rep}")
    print("officers    " + ", ".join(f"{o.name} ({o.certificate_no})" for o in case.officers))
    print(f"facts       {case.facts or '-'}")
    for key, label in (("violated", "violated"), ("penalty", "penalty")):
        for ref in data[key]:
            flag = "" if ref["confidence"] == "confirmed" else f"  [{ref['confidence']}]"
            print(f"{label:<12}{ref['citation_zh']}{flag}")
    if case.decision:
        d = case.decision
        parts = [d.procedure]
        if d.warning:
            parts.append("warning")
        if d.order_to_correct:
            parts.append("order to correct")
        if d.fine:
            parts.append(f"fine ¥{d.fine}")
        if d.confiscation:
            parts.append("confiscation: " + ", ".join(d.confiscation))
        print("decision    " + "; ".join(parts))
    for o in case.orders:
        state = (
            "waiting" if o.corrected is None else ("corrected" if o.corrected else "not corrected")
        )
        print(f"order       {o.ordered_on} → {o.deadline} ({o.basis}); {state}")
    for d in data["deadlines"]:
        late = "  OVERDUE" if d["overdue"] else ""
        print(f"deadline    {d['key']:<10} {d['due']}{late}")
        for w in d["warnings"]:
            print(f"            warning: {w}")
    for e in data["evidence"]:
        print(f"evidence    {e['kind']:<13} {e['ref']}  {e['note']}")
    for e in data["events"]:
        print(f"event       {e['on_date'] or e['at'][:10]}  {e['action']:<12} {e['actor']}")
    if case.decided_hash:
        print(f"sealed      decided {case.decided_hash}")
    if case.content_hash:
        print(f"sealed      closed  {case.content_hash}")
    return 0


def cmd_articles(args) -> int:
    from ..services.case_common import articles

    cat = articles()
    rows: list[dict[str, Any]] = [
        {
            "id": a.id,
            "regulation": a.regulation,
            "edition": a.edition,
            "article": a.article,
            "role": a.role,
            "citation_zh": cat.cite(a, "zh"),
            "citation_en": cat.cite(a, "en"),
            "zh": a.zh,
            "en": a.en,
            "range": a.range_text(),
            "confiscation": list(a.confiscation),
            "confidence": a.confidence,
            "note": a.note,
        }
        for a in cat.articles.values()
    ]
    if args.json:
        print_json({"version": cat.version, "articles": rows})
        return 0
    print_table(
        ["id", "edition", "role", "range", "confidence"],
        [[r["id"], r["edition"], r["role"], r["range"], r["confidence"]] for r in rows],
    )
    return 0


def cmd_calendar(args) -> int:
    from pathlib import Path

    from ..services import case_deadlines

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("file", f"cannot read {args.file} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError("file", f"{args.file} is not UTF-8 text") from None
    store = open_store(args)
    with store:
        cal = case_deadlines.install_calendar(store, text, args.by or "cli")
        in_use = case_deadlines.work_calendar(store)
    result = {
        "version": cal.version,
        "years": sorted(cal.known_years),
        "in_use": in_use.version,
    }
    if args.json:
        print_json(result)
    else:
        years = ", ".join(map(str, result["years"])) or "none"
        print(f"calendar {cal.version} stored (years {years}); in use: {in_use.version}")
    return 0


def cmd_document(args) -> int:
    from pathlib import Path

    from ..crypto.keys import KeyError_
    from ..services import case_common, case_documents
    from ..services.reports import load_signer
    from .main import CliError

    out = Path(args.output)
    if out.is_dir():
        raise CliError(f"{out} is a folder; give a file name ending in .pdf")
    identity = None
    if args.sign:
        try:
            identity = load_signer(db_path(args), read_passphrase(args))
        except KeyError_ as exc:
            raise CliError(str(exc)) from None
        print_warnings(identity.warnings, "inspector-app: warning: ")
    store = open_store(args)
    with store:
        case = case_common.resolve(store, args.id)
        pdf = case_documents.case_document(
            store,
            case.id,
            args.kind,
            lang=args.lang,
            identity=identity,
            authority=args.authority,
        )
    write_file(out, pdf)  # atomically: a failed write leaves no half PDF under the name
    signed = f", signed by {identity.name}" if identity else ""
    if args.json:
        print_json(
            {"file": str(out), "case_no": case.case_no, "kind": args.kind, "signed": bool(identity)}
        )
    else:
        what = case_documents.DOCUMENT_NAMES[args.kind][1].lower()
        print(f"wrote {out} ({what} of case {case.case_no}{signed})")
    return 0
