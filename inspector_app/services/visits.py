"""Visit use-cases: start a visit (pre-filling the sweep from the register), keep every new
inspection in a visit, judge sweep rows, import them from CSV, "rest all OK", open a full
inspection from a row, and seal the visit."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import Any

from ..domain.errors import InputError
from ..domain.models import new_id
from ..domain.visits import (
    ROW_CHECKS,
    SweepRow,
    Visit,
    failed_duties,
    judge_quick,
    load_duties,
    rest_all_ok,
    validate_row,
)
from . import drafts
from .inspections import instrument_payload

# opening a visit sits below the drafts (a new draft joins its visit there); public here too
from .visit_start import (  # noqa: F401
    market_premises,
    new_visit,
    now_iso,
    register_rows,
    repo,
    row_label,
    visit_for_inspection,
)

CSV_FIELDS = (
    "instrument_id",
    "identity_code",
    "label",
    *ROW_CHECKS,
    "load",
    "indication",
    "cheating",
    "note",
)
"""Columns of a sweep CSV (header row required; unknown columns are refused)."""


def add_instrument_row(store, visit_id: str, instrument_id: str, actor: str = "") -> SweepRow:
    """Add an instrument found on the spot (already saved in the register) as a new,
    unchecked row at the end of a draft visit's sweep; an instrument already in the sweep
    is refused by name. Returns the row."""
    r = repo(store)
    visit = r.require(visit_id)
    ins = store.instruments.get(instrument_id)
    if ins is None:
        raise InputError("row.instrument_id", f"no instrument {instrument_id}")
    rows = r.rows(visit_id)
    if any(x.instrument_id == instrument_id for x in rows):
        raise InputError(
            "row.instrument_id", f"{ins.serial or instrument_id} is in the sweep already"
        )
    p = store.premises.get(ins.premises_id)
    if visit.market and (p is None or (p.market != visit.market and p.id != visit.premises_id)):
        raise InputError("row.instrument_id", f"the instrument is not at the market {visit.market}")
    if not visit.market and ins.premises_id != visit.premises_id:
        raise InputError("row.instrument_id", "the instrument is registered at other premises")
    row = SweepRow(
        id=new_id(),
        visit_id=visit_id,
        seq=max((x.seq for x in rows), default=-1) + 1,
        instrument_id=ins.id,
        premises_id=ins.premises_id,
        identity_code=ins.serial,
        label=row_label(
            p.stall_no if p else "", p.name if p else "", ins.maker, ins.model, ins.serial
        ),
    )
    saved = r.replace_rows(visit_id, [*rows, row], actor or visit.inspector)
    return saved[-1]


def judge_row(store, visit: Visit, row: SweepRow) -> SweepRow:
    """Validate a row and judge its quick reading against the in-service MPE."""
    row = validate_row(row)
    family, payload = "", None
    if row.instrument_id:
        ins = store.instruments.get(row.instrument_id)
        if ins is not None:
            family, payload = ins.family, instrument_payload(ins)
    return judge_quick(row, payload, family, visit.started_at)


def save_rows(store, visit_id: str, rows: list[SweepRow], actor: str = "") -> list[SweepRow]:
    r = repo(store)
    visit = r.require(visit_id)
    judged = []
    for i, row in enumerate(rows):
        try:
            judged.append(judge_row(store, visit, row))
        except InputError as exc:
            raise InputError(f"rows[{i}].{exc.path.split('.')[-1]}", exc.message) from None
    return r.replace_rows(visit_id, judged, actor)


def mark_rest_ok(store, visit_id: str, actor: str = "") -> int:
    """ "Rest all OK": every unchecked row confirmed in order; returns how many."""
    r = repo(store)
    rows = r.rows(visit_id)
    n = rest_all_ok(rows)
    if n:
        r.replace_rows(visit_id, rows, actor)
    return n


def import_csv(store, visit_id: str, path: Path, actor: str = "") -> dict:
    """Import sweep rows from a CSV file (UTF-8, header row; columns :data:`CSV_FIELDS`).
    A line that names an instrument already in the sweep (by id or identity code) updates
    that row; others are added. All or nothing: every bad line is named with its field."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError("file", f"cannot read {path} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError("file", f"{path} is not UTF-8 text") from None
    r = repo(store)
    visit = r.require(visit_id)
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in CSV_FIELDS]
    if not header:
        raise InputError("file", f"{path} is empty; the first line must name the columns")
    if unknown:
        raise InputError(
            "file", f"unknown column(s) {', '.join(unknown)}; columns are {', '.join(CSV_FIELDS)}"
        )
    rows = r.rows(visit_id)
    by_instrument = {x.instrument_id: x for x in rows if x.instrument_id}
    by_code = {x.identity_code: x for x in rows if x.identity_code}
    problems: list[str] = []
    updated = added = 0
    for line_no, raw in enumerate(reader, start=2):
        rec: dict[str, Any] = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(rec.values()):
            continue
        target = by_instrument.get(rec.get("instrument_id", "")) or by_code.get(
            rec.get("identity_code", "")
        )
        if rec.get("instrument_id") and target is None:
            ins = store.instruments.get(rec["instrument_id"])
            if ins is None:
                problems.append(
                    f"line {line_no}, instrument_id: no instrument {rec['instrument_id']}"
                )
                continue
        base = target or SweepRow(id=new_id(), visit_id=visit_id, seq=len(rows))
        candidate = dataclasses.replace(
            base, **{k: v for k, v in rec.items() if k in CSV_FIELDS and (v or k in ROW_CHECKS)}
        )
        candidate.rest_ok = False
        try:
            candidate = judge_row(store, visit, candidate)
        except InputError as exc:
            problems.append(f"line {line_no}, {exc.path.split('.')[-1]}: {exc.message}")
            continue
        if target is None:
            rows.append(candidate)
            if candidate.instrument_id:
                by_instrument[candidate.instrument_id] = candidate
            if candidate.identity_code:
                by_code[candidate.identity_code] = candidate
            added += 1
        else:
            rows[rows.index(target)] = candidate
            updated += 1
    if problems:
        raise InputError(
            "file", f"{len(problems)} bad line(s), nothing imported: " + "; ".join(problems)
        )
    r.replace_rows(visit_id, rows, actor)
    return {"updated": updated, "added": added, "rows": len(rows)}


def full_inspection(store, visit_id: str, seq: int, inspector: str) -> str:
    """Open a full inspection for the instrument of sweep row *seq*, with what the row
    already holds (legal checks, cheating sign, quick reading as a note); returns its id."""
    r = repo(store)
    rows = r.rows(visit_id)
    row = next((x for x in rows if x.seq == seq), None)
    if row is None:
        raise InputError("row", f"the visit has no row {seq + 1}")
    if row.inspection_id:
        return row.inspection_id
    if not row.instrument_id:
        raise InputError(
            f"rows[{seq}].instrument_id",
            "add the instrument to the register before a full inspection",
        )
    insp = drafts.new_draft(store, row.instrument_id, inspector, "in_service", actor=inspector)
    checklist = dict(insp.checklist)
    for key, question in (
        ("mark", "verification_valid"),
        ("seal", "seals"),
        ("nameplate", "nameplate"),
        ("approval", "type_approval"),
    ):
        if getattr(row, key) in ("yes", "no"):
            checklist[question] = getattr(row, key)
    notes = insp.notes
    if row.load:
        notes = f"现场快速核查：{row.load} 砝码示值 {row.indication}，误差 {row.error}" + (
            f"，使用中允差 ±{row.mpe}" if row.mpe else ""
        )
    if row.note:
        notes = f"{notes}\n{row.note}".strip()
    insp = dataclasses.replace(insp, checklist=checklist, notes=notes)
    store.inspections.save_draft(insp, inspector)
    if r.visit_of(insp.id) != visit_id:
        r.attach_inspection(insp.id, visit_id, inspector)
    rows[rows.index(row)] = dataclasses.replace(row, inspection_id=insp.id)
    r.replace_rows(visit_id, rows, inspector)
    return insp.id


def set_duties(store, visit_id: str, answers: dict[str, str], actor: str = "") -> Visit:
    r = repo(store)
    v = r.require(visit_id)
    if not v.duty_set:
        raise InputError("visit.duties", "these premises have no duties form")
    v = dataclasses.replace(v, duties={**v.duties, **answers})
    return r.save(v, actor)


def finalize(store, visit_id: str, actor: str = "") -> Visit:
    return repo(store).finalize(visit_id, actor)


def visit_detail(store, visit_id: str, lang: str = "zh") -> dict:
    """Everything about one visit as plain data (for ``visit show --json`` and the window)."""
    r = repo(store)
    v = r.require(visit_id)
    rows = r.rows(visit_id)
    premises = store.premises.get(v.premises_id) if v.premises_id else None
    duties = []
    failed = []
    if v.duty_set:
        form = load_duties(v.duty_set)
        failed = [d.key for d in failed_duties(form, v.duties)]
        duties = [
            {
                "key": d.key,
                "label": d.label.get(lang),
                "article": d.article,
                "answer": v.duties.get(d.key, ""),
                "failed": d.key in failed,
                "failed_wording": d.finding_text.get(lang) if d.key in failed else "",
            }
            for d in form.duties
        ]
    data = dataclasses.asdict(v)
    data.update(
        premises_name=premises.name if premises else v.market,
        city=premises.city if premises else "",
        rows=[
            {**dataclasses.asdict(x), "verdict": x.verdict, "failed": x.failed_checks()}
            for x in rows
        ],
        duty_items=duties,
        inspections=r.inspection_ids(visit_id),
        photos=r.photos(visit_id),
        counts={
            "rows": len(rows),
            "checked": sum(1 for x in rows if x.checked or x.quick_verdict),
            "failed": sum(1 for x in rows if x.verdict == "fail"),
            "cheating": sum(1 for x in rows if x.cheating == "yes"),
            "full_inspections": sum(1 for x in rows if x.inspection_id),
            "duties_failed": len(failed),
        },
    )
    return data
