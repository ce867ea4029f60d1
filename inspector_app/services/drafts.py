"""Drafts as the editor sees them: building an inspection from form input, judging the
complete rows while the inspector is still typing (the standards used are checked in
:mod:`.standards_check`, the error chart drawn from :mod:`.chart_data`).

No Qt here. The window keeps every typed value in ``Inspection.tests`` (incomplete rows
included, so that nothing typed is lost), and asks :func:`evaluate_draft` what the rules
engine says about the rows that are complete:

- a row whose input cells are all empty is *blank* and ignored;
- a row the engine cannot judge because a value is still missing is *pending*;
- a value the engine refuses (e.g. a load above Max + 9e) is *invalid*, with the
  :class:`InputError` message at that cell; :func:`check_cell` lets the editor refuse such a
  value before it is stored.

The result stored with the draft (``Inspection.result``) is the rules engine's result over
the judged rows; :func:`finalizable` removes blank and pending rows before finalizing, so a
finalized record's ``tests`` always re-evaluate to its ``result``.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import InputError
from ..domain.models import Inspection, Instrument, checks_for, new_id
from ..domain.numbers import fmt
from .draft_paths import PATH_RE, get_path, rows_key, set_path
from .draft_paths import parse_cell as parse_cell  # the editor reads it from here
from .inspections import instrument_payload

BLANK = "blank"
PENDING = "pending"
INVALID = "invalid"
PASS = "pass"
FAIL = "fail"
JUDGED = (PASS, FAIL, "t1", "t2")  # a prepackaged package's T1/T2 shortfall is judged too

_MAX_ROUNDS = 500


# ---- evaluating a draft ------------------------------------------------------------------


@dataclass
class RowState:
    status: str = BLANK  # blank / pending / invalid / pass / fail
    items: list[dict] = field(default_factory=list)  # result items judged on this row
    message: str = ""  # why pending / invalid
    field: str | None = None  # the field path of the value at fault


@dataclass
class TestState:
    status: str = PENDING  # pending / pass / fail
    rows: dict[int, RowState] = field(default_factory=dict)
    extra: list[dict] = field(default_factory=list)  # items not on one row (spread, …)
    result: dict | None = None
    message: str = ""
    field: str | None = None  # a test-level field at fault

    def row(self, i: int) -> RowState:
        return self.rows.get(i) or RowState()


@dataclass
class DraftEvaluation:
    result: dict | None
    tests: list[TestState]
    error: InputError | None = None  # not attributable to a test (instrument, rule set…)

    @property
    def verdict(self) -> str | None:
        return None if self.result is None else self.result["verdict"]

    @property
    def pending(self) -> int:
        """Rows (or whole tests) still waiting for values."""
        n = 0
        for t in self.tests:
            if t.status == PENDING and not t.rows:
                n += 1
            n += sum(1 for r in t.rows.values() if r.status in (PENDING, INVALID))
        return n


def _is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, Mapping):
        return all(_is_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_is_blank(v) for v in value)
    return False


def _request(insp: Inspection, instrument: Instrument, tests: list[dict]) -> dict:
    request = {
        "family": insp.family,
        "ruleset": insp.ruleset,
        "check": insp.check,
        "instrument": instrument_payload(instrument),
        "tests": tests,
    }
    try:  # the inspection date: the result warns when the edition was not in force then
        request["date"] = dt.date.fromisoformat((insp.started_at or "")[:10]).isoformat()
    except ValueError:
        pass
    return request


def _evaluate(request: dict) -> dict:
    from ..domain.rules import evaluate

    return evaluate(request)


def evaluate_draft(insp: Inspection, instrument: Instrument) -> DraftEvaluation:
    """Judge the complete rows of *insp*; say which rows are blank, pending or invalid.

    Each test is judged on its own: a row the engine cannot judge is set aside (pending when
    a value is missing, invalid when a value is refused) and the test judged again without it.
    """
    states = [TestState() for _ in insp.tests]
    results: list[tuple[int, str | None, list[int], dict]] = []
    warnings: list[str] = []
    ruleset = insp.ruleset
    rule_data = None
    for ti, test in enumerate(insp.tests):
        key = rows_key(test)
        excluded: set[int] = set()
        if key is not None:
            for ri, row in enumerate(test[key]):
                if _is_blank(row):
                    excluded.add(ri)
                    states[ti].rows[ri] = RowState(BLANK)
        for _ in range(_MAX_ROUNDS):
            clean = copy.deepcopy(test)
            kept = list(range(len(test[key]))) if key else []
            if key:
                kept = [ri for ri in kept if ri not in excluded]
                clean[key] = [clean[key][ri] for ri in kept]
            try:
                result = _evaluate(_request(insp, instrument, [clean]))
            except InputError as exc:
                target = _locate(exc.path, [(ti, key, kept)])
                if target is None:
                    return DraftEvaluation(None, states, exc)
                _, bad_row, fpath = target
                if bad_row is None or key is None:
                    value = get_path(test, fpath) if fpath else None
                    rows_field = fpath is not None and fpath == key
                    status = PENDING if rows_field or _is_blank(value) else INVALID
                    states[ti] = TestState(
                        status, states[ti].rows, message=exc.message, field=fpath
                    )
                    break
                row = test[key][bad_row]
                value = get_path(row, fpath) if fpath is not None else row
                excluded.add(bad_row)
                states[ti].rows[bad_row] = RowState(
                    PENDING if _is_blank(value) else INVALID, message=exc.message, field=fpath
                )
                continue
            ruleset = result["ruleset"]
            rule_data = result.get("rule_data")
            for w in result["warnings"]:
                if w not in warnings:
                    warnings.append(w)
            results.append((ti, key, kept, result["tests"][0]))
            break
    for ti, key, kept, tres in results:
        st = states[ti]
        st.result = tres
        st.status = tres["verdict"]
        items = list(tres["items"])
        if key:
            for k, ri in enumerate(kept):
                if k < len(items):
                    st.rows[ri] = RowState(items[k]["verdict"], [items[k]])
            st.extra = items[len(kept) :]
        else:
            st.rows[0] = RowState(items[0]["verdict"] if items else PASS, items[:1])
            st.extra = items[1:]
    if not results:
        return DraftEvaluation(None, states)
    from ..domain.rules import combine

    result = {
        "family": insp.family,
        "ruleset": ruleset,
        "check": insp.check,
        **combine(insp.check, [r[3] for r in results]),
        "warnings": warnings,
    }
    if rule_data is not None:  # the rule data version the verdict rests on
        result["rule_data"] = rule_data
    return DraftEvaluation(result, states)


def _locate(
    path: str, maps: list[tuple[int, str | None, list[int]]]
) -> tuple[int, int | None, str | None] | None:
    """(test index, row index or None, field path) in the draft for an engine error path."""
    m = PATH_RE.match(path or "")
    if not m:
        return None
    k, key, idx, rest = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if k >= len(maps):
        return None
    ti, rkey, kept = maps[k]
    if key is not None and key == rkey and idx is not None:
        ri = kept[int(idx)] if int(idx) < len(kept) else None
        if ri is None:
            return ti, None, key
        return ti, ri, rest if rest is not None else ""
    if key is None:
        return ti, None, None
    fpath = key + (f"[{idx}]" if idx is not None else "") + (f".{rest}" if rest else "")
    return ti, None, fpath


def check_cell(
    insp: Inspection,
    instrument: Instrument,
    test_index: int,
    row: int | None,
    fpath: str,
    value: str | None,
    key: str | None = None,
) -> str | None:
    """The message for a value the rules engine would refuse at this cell, else None.

    *row* None means a test-level field; *key* names the list holding the rows (default:
    the test's first list). The inspection is not changed.
    """
    target = copy.deepcopy(insp.tests[test_index])
    trial = dataclasses.replace(insp, tests=[target])
    if row is None:
        set_path(target, fpath, value)
    else:
        key = key or rows_key(target)
        if key is None:
            raise ValueError("the test has no rows")
        rows = target.setdefault(key, [])
        while len(rows) <= row:
            rows.append({} if fpath else None)
        if fpath:
            set_path(rows[row], fpath, value)
        else:
            rows[row] = value
    ev = evaluate_draft(trial, instrument)
    st = ev.tests[0]
    if row is None:
        if st.status == INVALID and st.field == fpath:
            return st.message
        return None
    rs = st.row(row)
    if rs.status == INVALID and rs.field == fpath:
        return rs.message
    return None


def apply_evaluation(
    insp: Inspection, ev: DraftEvaluation, extra_failed: list[str] | None = None
) -> Inspection:
    """*insp* with ``result`` and ``verdict`` from *ev* (fail too when *extra_failed*)."""
    result = ev.result
    verdict = ev.verdict
    if extra_failed:
        verdict = FAIL
    if result is None and not extra_failed:
        return dataclasses.replace(insp, result=None, verdict=None)
    return dataclasses.replace(insp, result=result, verdict=verdict)


def failed_items(ev: DraftEvaluation, extra_failed: list[str] | None = None) -> list[str]:
    return list((ev.result or {}).get("failed", [])) + list(extra_failed or [])


def finalizable(insp: Inspection) -> Inspection:
    """A copy without blank rows and without tests that have nothing typed in them."""
    out = copy.deepcopy(insp)
    tests = []
    for test in out.tests:
        key = rows_key(test)
        if key is not None:
            test[key] = [r for r in test[key] if not _is_blank(r)]
            if not test[key]:
                continue
        tests.append(test)
    out.tests = tests
    return out


def judged_only(insp: Inspection, ev: DraftEvaluation) -> Inspection:
    """A copy keeping only the rows and tests the rules engine judged (for finalizing):
    blank, pending and invalid rows and tests without a result are left out, so the
    finalized ``tests`` evaluate to exactly the stored ``result``."""
    out = copy.deepcopy(insp)
    tests = []
    for test, st in zip(out.tests, ev.tests, strict=True):
        if st.result is None:
            continue
        key = rows_key(test)
        if key is not None:
            test[key] = [row for ri, row in enumerate(test[key]) if st.row(ri).status in JUDGED]
        tests.append(test)
    out.tests = tests
    return out


SEED_KEYS = frozenset({"kind", "load", "volume", "nominal", "reference", "flow"})


def _typed(value: Any) -> bool:
    """Whether anything beyond the seeded default points was typed."""
    if isinstance(value, Mapping):
        return any(_typed(v) for k, v in value.items() if k not in SEED_KEYS)
    if isinstance(value, list):
        return any(_typed(v) for v in value)
    return not _is_blank(value)


def left_out(insp: Inspection, ev: DraftEvaluation) -> int:
    """Rows typed into but not judged, plus tests typed into but without a result: what
    :func:`judged_only` leaves out of a finalized record."""
    n = 0
    for test, st in zip(insp.tests, ev.tests, strict=True):
        key = rows_key(test)
        if st.result is None:
            n += 1 if _typed(test) else 0
        elif key is not None:
            n += sum(
                1
                for ri, row in enumerate(test[key])
                if st.row(ri).status not in JUDGED and _typed(row)
            )
    return n


# ---- new drafts ----------------------------------------------------------------------------


def now_iso() -> str:
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat(timespec="minutes")


def new_draft(
    store,
    instrument_id: str,
    inspector: str,
    check: str = "in_service",
    tests: list[dict] | None = None,
    actor: str = "",
) -> Inspection:
    """Create and store a draft for an instrument: the family's default rule set, and the
    form's default test points for this instrument (unless *tests* are given)."""
    from ..domain.rules import edition_for

    ins = store.instruments.get(instrument_id)
    if ins is None:
        raise InputError("inspection.instrument_id", "the instrument does not exist")
    premises = store.premises.get(ins.premises_id)
    if check not in checks_for(ins.family):  # a prepackaged batch has its own check
        check = checks_for(ins.family)[0]
    from ..domain import forms

    form = forms.load_form(ins.family)  # the newest form the office published, or the file
    if tests is None:
        tests = default_tests(ins, form)
    started = now_iso()  # the edition in force on this day governs the inspection
    insp = Inspection(
        id=new_id(),
        record_id=new_id(),
        instrument_id=ins.id,
        premises_id=ins.premises_id,
        family=ins.family,
        check=check,
        ruleset=edition_for(ins.family, started, instrument_payload(ins)),
        inspector=inspector,
        started_at=started,
        place=premises.address if premises else "",
        environment={"form": form.ref},  # the form's id, version and hash it is filled on
        tests=tests,
    )
    ev = evaluate_draft(insp, ins)
    insp = apply_evaluation(insp, ev)
    insp = store.inspections.save_draft(insp, actor or inspector)
    from .visit_start import visit_for_inspection  # every inspection belongs to a visit

    visit_for_inspection(store, insp.id, actor or inspector)
    return insp


def default_tests(ins: Instrument, form=None) -> list[dict]:
    """The form's default tests for *ins*: each test with its default points (loads,
    nominal powers… computed from the nameplate). A test whose point is a test-level field
    (repeatability at ½ Max and at Max) is repeated once per point."""
    from ..domain import forms

    form = form or forms.load_form(ins.family)
    payload = instrument_payload(ins)
    out: list[dict] = []
    for ft in form.tests:
        try:
            points = forms.default_points(ft, payload)
        except InputError:
            points = []
        item_keys = {f.key for f in ft.item_fields}
        if ft.list and ft.point_field in item_keys:
            out.append(
                {"kind": ft.kind, ft.list: [{k: fmt(v) for k, v in p.items()} for p in points]}
            )
        elif points:
            out += [{"kind": ft.kind, **{k: fmt(v) for k, v in p.items()}} for p in points]
        else:
            out.append({"kind": ft.kind})
    return out


LEGAL_BASIS = {
    "cheating": "《中华人民共和国计量法实施细则》第四十八条",
    "legal": "《中华人民共和国计量法》第九条；《计量法实施细则》第四十三条",
    "mpe": "《中华人民共和国计量法》第九条；《计量法实施细则》第四十三条",
}
"""Default legal basis of a quick-added finding, by checklist group (editable afterwards)."""


def checklist_failures(form, checklist: Mapping[str, str], lang: str = "en") -> list[str]:
    """Labels of the questions answered with their ``finding_if`` answer (a failed item)."""
    out = []
    for q in form.checklist:
        if checklist.get(q.key) == q.finding_if:
            out.append(q.label.get(lang))
    return out


# ---- reference standards -------------------------------------------------------------------


# ---- chart series --------------------------------------------------------------------------
