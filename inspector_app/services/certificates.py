"""The issuing body, its gap-free certificate and notice numbers (taken only when a signed
document is issued, voided with a reason, never reused), their audit, and when a 检定证书 may
be issued for an inspection (the blockers, one sentence each).

No Qt here; the ledger's SQL lives in :mod:`inspector_app.store.reports`.
"""

from __future__ import annotations

from ..domain.errors import InputError

AUTHORITY_META = "report.authority"


def _visit_date(insp):
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(insp.started_at).date()
    except (TypeError, ValueError):
        return None


def issuing_body(store):
    """The issuing body configured in Settings (defaults when none is)."""
    from ..domain.issuing_body import IssuingBody
    from ..store.reports import get_issuing_body

    row = get_issuing_body(store)
    if row is None:
        return IssuingBody(name_zh=store.meta(AUTHORITY_META) or "")
    return IssuingBody.from_dict(row)


def save_issuing_body(store, body, actor: str = "settings") -> None:
    """Store the issuing body (one audited write)."""
    import datetime as dt

    from ..store.reports import save_issuing_body as _save

    values = body.as_dict()
    values["updated_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    for key in ("name_zh", "name_en", "address", "postcode", "phone", "authorisation_no"):
        values[key] = str(values.get(key) or "").strip()
    if values["authorised"] and not values["authorisation_no"]:
        raise InputError(
            "authorisation_no",
            "an authorised verification body needs its authorisation certificate number",
        )
    with store.write(actor, "issuing_body.save", "issuing_body", values["id"]):
        _save(store.conn, values)


def certificate_number(store, insp, kind: str, body=None) -> str:
    """This inspection's certificate / notice number (taken once, never reused)."""
    from ..store.reports import certificate_number_for, take_certificate_number

    body = body or issuing_body(store)
    existing = certificate_number_for(store.conn, body.id, insp.id, kind)
    if existing:
        return existing
    day = _visit_date(insp)
    year = day.year if day else int((insp.finalized_at or "0000")[:4] or 0)
    import datetime as dt

    with store.write("report", "certificate.number", "inspection", insp.id):
        return take_certificate_number(
            store.conn,
            body.id,
            body.cert_prefix,
            year,
            kind,
            insp.id,
            insp.record_id,
            dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        )


def issued_numbers(store, inspection_id: str) -> set[str]:
    """The certificate / notice numbers issued (not void) for this inspection."""
    from ..store.reports import issued_numbers_of

    return set(issued_numbers_of(store.conn, inspection_id))


def void_number(store, number: str, reason: str, actor: str = "") -> dict:
    """Void an issued certificate or notice number with a reason (one audited write): its
    document was never delivered or is withdrawn. The number is never reused; the next
    signed issue of that document takes the next number of the sequence. InputError (one
    sentence) for an unknown number, one void already, or no reason."""
    import datetime as dt

    from ..domain.text import clean_text
    from ..store.reports import certificate_number_row, void_certificate_number

    number = (number or "").strip()
    reason = clean_text(reason, "reason", max_len=500, required=True)
    row = certificate_number_row(store.conn, number)
    if row is None:
        raise InputError("number", f"no certificate or notice number {number!r} was issued here")
    if row["status"] == "void":
        raise InputError("number", f"number {number} was voided already ({row['void_reason']})")
    at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with store.write(
        actor,
        "certificate.void",
        "inspection",
        row["inspection_id"],
        {"number": number, "reason": reason},
    ):
        if not void_certificate_number(store.conn, number, reason, at, actor):
            raise InputError("number", f"number {number} could not be voided")
    return {**row, "status": "void", "void_reason": reason, "voided_at": at, "voided_by": actor}


def certificate_audit(store) -> list:
    """The audit of the issuing body's certificate numbers, one sentence each (``Label``):
    every number missing from a year's sequence (a ledger row deleted), and every void
    number with its reason. Empty when every number is accounted for as issued."""
    from ..domain.forms import Label
    from ..store.reports import certificate_ledger, certificate_number_gaps

    body = issuing_body(store)
    out = [
        Label(
            f"{year} 年证书编号序列缺少第 {seq} 号（账簿记录被删除）。",
            f"Certificate number {seq} of {year} is missing from the ledger (a row was deleted).",
        )
        for year, seq in certificate_number_gaps(store, body.id)
    ]
    for row in certificate_ledger(store, body.id):
        if row["status"] == "void":
            out.append(
                Label(
                    f"证书编号 {row['number']} 已作废：{row['void_reason']}。",
                    f"Certificate number {row['number']} is void: {row['void_reason']}.",
                )
            )
    return out


def certificate_blockers(store, insp, *, instrument=None, standards=None) -> list:
    """Why a 检定证书 may not be issued for *insp*, one sentence each (a ``Label`` with zh and
    en); empty when it may. Only a passing initial or subsequent verification can give a
    certificate; the record can always be finalized and printed as a 检查记录 instead.

    Asked for: the issuing body is configured as an authorised verification body; the
    regulation's test programme is complete; at least one reference standard is recorded,
    valid on the visit date and adequate; no verdict rests on an unconfirmed (❓) rule."""
    from ..domain.forms import Label
    from ..domain.verification_cycle import VERIFICATION_CHECKS, programme_missing

    if insp.check not in VERIFICATION_CHECKS or insp.verdict != "pass":
        return []
    out: list = []
    body = issuing_body(store)
    if not body.authorised:
        out.append(
            Label(
                "签发机构未设置为授权的计量检定机构（设置 → 签发机构）。",
                "The issuing body is not configured as an authorised verification body "
                "(Settings → Issuing body).",
            )
        )
    elif not body.authorisation_no:
        out.append(
            Label(
                "签发机构的计量检定机构授权证书号未填写。",
                "The issuing body's authorisation certificate number is missing.",
            )
        )
    if instrument is None:
        instrument = store.instruments.get(insp.instrument_id)
    metrology = instrument.metrology if instrument is not None else {}
    for m in programme_missing(insp.family, insp.check, insp.result, metrology):
        out.append(
            Label(
                f"检定项目不完整：{m.text('zh')}。",
                f"The test programme is incomplete: {m.text('en')}.",
            )
        )
    if standards is None:
        standards = [s for s in (store.standards.get(i) for i in insp.standards) if s is not None]
    if not standards:
        out.append(Label("未记录所用的计量标准器。", "No reference standard is recorded."))
    else:
        out += _standard_blockers(insp, instrument, standards)
    for key, clause in _unconfirmed_rules(insp):
        out.append(
            Label(
                f"结论依据的规则“{key}”（{clause}）的数值尚未核实，不能出具检定证书。",
                f"The verdict rests on rule “{key}” ({clause}), whose number is not confirmed; "
                "no certificate can be issued on it.",
            )
        )
    return out


def _standard_blockers(insp, instrument, standards) -> list:
    import datetime as dt

    from ..domain.forms import Label
    from .standards_check import check_standards

    day = _visit_date(insp)
    out = []
    for s in standards:
        if not s.valid_until:
            out.append(
                Label(
                    f"计量标准器“{s.name}”未记录有效期。",
                    f"The reference standard “{s.name}” has no validity date recorded.",
                )
            )
            continue
        try:
            until = dt.date.fromisoformat(s.valid_until)
        except ValueError:
            until = None
        if until is None or (day is not None and until < day):
            out.append(
                Label(
                    f"计量标准器“{s.name}”在检定日已过有效期（{s.valid_until}）。",
                    f"The reference standard “{s.name}” had expired on the visit date "
                    f"({s.valid_until}).",
                )
            )
    if instrument is not None:
        for w in check_standards(insp, instrument, standards):
            name = next((s.name for s in standards if s.id == w.standard_id), w.standard_id)
            if w.kind == "not_accurate_enough":
                out.append(
                    Label(
                        f"计量标准器“{name}”的准确度不足（最大允许误差超过被检器具的 1/3）。",
                        f"The reference standard “{name}” is not accurate enough (its MPE is "
                        "more than 1/3 of the instrument's).",
                    )
                )
            elif w.kind == "unknown":
                out.append(
                    Label(
                        f"计量标准器“{name}”未记录最大允许误差，无法确认其准确度足够。",
                        f"The reference standard “{name}” has no MPE recorded, so its adequacy "
                        "cannot be shown.",
                    )
                )
    return out


def _unconfirmed_rules(insp) -> list[tuple[str, str]]:
    """(rule key, clause) of the ❓ rules the stored result used."""
    import re

    from ..domain.rules import list_rulesets

    keys = []
    for w in (insp.result or {}).get("warnings", []) or []:
        m = re.match(r"^.*? \[(\w+)\]", str(w))
        if m and m.group(1) not in keys:
            keys.append(m.group(1))
    if not keys:
        return []
    from ..domain.rules import ruledata

    # the rule data the verdict was judged with (an office value confirmed later does not
    # confirm a verdict reached on the placeholder; re-judge the record for that)
    version = (insp.result or {}).get("rule_data")
    judged_with = ruledata.get(version) if isinstance(version, str) else None
    try:
        infos = [
            i
            for i in list_rulesets(insp.family, rule_data=judged_with)
            if i.name == insp.ruleset or insp.ruleset in i.aliases
        ]
    except Exception:  # an unknown family: nothing to look up
        return []
    out = []
    for info in infos[:1]:
        for rule in info.rules:
            if rule.key in keys and rule.confidence.value == "unconfirmed":
                out.append((rule.key, rule.clause))
    return out
