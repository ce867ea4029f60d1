"""Office statistics per period and region: premises inspected by kind, instruments checked
by family, pass rate, failures by cause, cheating cases, by city and by month. No Qt; the SQL
is in :mod:`inspector_app.store.office_stats`. Rates are Decimal percentages (one decimal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..store import office_stats as q
from ..store.office_stats import StatsFilter

__all__ = ["OfficeStats", "StatsFilter", "month_period", "office_statistics", "percent", "cities"]


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class OfficeStats:
    filter: StatsFilter
    totals: dict
    premises_by_kind: list[dict] = field(default_factory=list)
    instruments_by_family: list[dict] = field(default_factory=list)
    failures_by_cause: list[dict] = field(default_factory=list)
    failed_tests: list[dict] = field(default_factory=list)
    failed_questions: list[dict] = field(default_factory=list)
    by_city: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)
    cheating_cases: list[dict] = field(default_factory=list)

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.totals["passed"], self.totals["judged"])

    def as_dict(self) -> dict:
        d = asdict(self)
        d["pass_rate"] = None if self.pass_rate is None else str(self.pass_rate)
        for rows in (d["instruments_by_family"], d["by_city"], d["by_month"]):
            for r in rows:
                if isinstance(r.get("pass_rate"), Decimal):
                    r["pass_rate"] = str(r["pass_rate"])
        return d


def month_period(day: dt.date | None = None, back: int = 0) -> tuple[str, str]:
    """(first day, last day) of the month of *day*, *back* months earlier."""
    day = day or dt.date.today()
    index = day.year * 12 + day.month - 1 - back
    first = dt.date(index // 12, index % 12 + 1, 1)
    nxt = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return first.isoformat(), (nxt - dt.timedelta(days=1)).isoformat()


def office_statistics(store, f: StatsFilter | None = None) -> OfficeStats:
    f = f or StatsFilter()
    d = q.distinct(store, f)  # the distinct premises and instruments, counted once
    k = q.kept(store, f)  # the kept counts, read once
    stats = OfficeStats(filter=f, totals=q.totals(store, f, d, k))
    stats.premises_by_kind = [
        {"kind": k, "premises": n, "inspections": m}
        for k, n, m in q.premises_by_kind(store, f, d, k)
    ]
    stats.instruments_by_family = [
        {
            "family": fam,
            "instruments": n,
            "inspections": m,
            "passed": p,
            "failed": x,
            "pass_rate": percent(p, p + x),
        }
        for fam, n, m, p, x in q.instruments_by_family(store, f, d, k)
    ]
    stats.failures_by_cause = [
        {"code": c, "example": t, "inspections": n} for c, t, n in q.failures_by_cause(store, f)
    ]
    stats.failed_tests = [{"test": k, "inspections": n} for k, n in q.failed_tests(store, f)]
    stats.failed_questions = failed_questions(store, f)
    stats.by_city = [
        {"city": c, "inspections": n, "passed": p, "failed": x, "pass_rate": percent(p, p + x)}
        for c, n, p, x in q.by_city(store, f, k)
    ]
    stats.by_month = [
        {
            "month": mo,
            "inspections": n,
            "passed": p,
            "failed": x,
            "cheating": c,
            "pass_rate": percent(p, p + x),
        }
        for mo, n, p, x, c in q.by_month(store, f, k)
    ]
    keys = (
        "inspection_id",
        "started_at",
        "premises",
        "city",
        "family",
        "inspector",
        "code",
        "text",
        "legal_basis",
    )
    stats.cheating_cases = [dict(zip(keys, r, strict=True)) for r in q.cheating_cases(store, f)]
    return stats


# inspection id -> (its form's identity, the (family, question) keys it failed). A counted
# inspection is sealed, so what it failed never changes while its form stays the same; the
# statistics page re-reads only the records it has not judged yet in this process.
_QUESTIONS: dict[str, tuple[tuple[str, str, str], tuple[tuple[str, str], ...]]] = {}
_QUESTIONS_MAX = 200_000
# [((the failed records (id, family), their forms' identities), the rows counted)]: the
# page asked again for the same records under the same forms (a sealed record's answers
# never change) gets the same rows without counting them again
_LAST_QUESTIONS: list[tuple[Any, list[dict]]] = []
# (form identity, question key) -> the failed item (its wording) as that form words it
_ITEMS: dict[tuple[tuple[str, str, str], str], Any] = {}
# family -> (the form file's path, modification time and size; the form read from it):
# parsing the TOML of every form on each page cost more than counting the questions.
_FORM_FILES: dict[str, tuple[tuple[str, int, int] | None, Any]] = {}


def _current_form(family: str, directory: Any) -> Any:
    """:func:`~inspector_app.domain.forms.load_form` of *family* (None for a family
    without a form): an office's published version as it is installed, else the form file
    in *directory*, parsed again only when its path, modification time or size changed."""
    from ..domain.forms import load_form, published

    versions = published(family)
    if versions:
        return versions[-1]
    path = directory / f"{family}.toml"
    try:
        st = path.stat()
        stamp: tuple[str, int, int] | None = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    hit = _FORM_FILES.get(family)
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1]
    try:
        form = load_form(family)
    except Exception:  # a family without a form: its questions are not counted
        form = None
    _FORM_FILES[family] = (stamp, form)
    return form


def _identity(form: Any, family: str) -> tuple[str, str, str]:
    if not form:
        return (family, "", "")
    return (family, getattr(form, "version", ""), getattr(form, "hash", ""))


def failed_questions(store, f: StatsFilter) -> list[dict]:
    """Checklist questions failed in the period (answered with their form's ``finding_if``
    answer: a cheating indicator answered "no" is not counted), most frequent first, with
    their non-conforming wording in both languages."""
    import json
    from collections import Counter
    from itertools import chain

    from ..domain.failed_items import question_failures
    from ..domain.forms import forms_dir

    directory = forms_dir()
    forms: dict[str, Any] = {}
    current: dict[str, tuple[str, str, str]] = {}  # family -> its form's identity now

    def identity(family: str) -> tuple[str, str, str]:
        ident = current.get(family)
        if ident is None:
            forms[family] = _current_form(family, directory)
            ident = current[family] = _identity(forms[family], family)
        return ident

    heads = q.failed_heads(store, f)  # family -> its failed records' ids
    # the same failed records judged by the same forms: the same rows as last time
    judged = tuple((family, identity(family), tuple(ids)) for family, ids in sorted(heads.items()))
    if _LAST_QUESTIONS and _LAST_QUESTIONS[0][0] == judged:
        return [dict(r) for r in _LAST_QUESTIONS[0][1]]
    found: list[tuple[tuple[str, str], ...]] = []
    todo = []
    memo = _QUESTIONS
    seen, judge = memo.get, found.append
    for family, ids in heads.items():
        ident = current[family]
        for inspection_id in ids:
            hit = seen(inspection_id)
            if hit is not None and hit[0] == ident:
                judge(hit[1])
            else:
                todo.append(inspection_id)
    for inspection_id, family, raw in q.checklists(store, todo):
        ident = identity(family)
        form = forms[family]
        items: list[Any] = []
        if form is not None:
            try:
                checklist = json.loads(raw)
            except ValueError:
                checklist = None
            if checklist is not None:
                items = question_failures(form, checklist)
        for item in items:
            _ITEMS.setdefault((ident, item.key), item)
        if len(memo) >= _QUESTIONS_MAX:
            memo.clear()
        keys = tuple((family, item.key) for item in items)
        memo[inspection_id] = (ident, keys)
        found.append(keys)
    rows = []
    for (family, key), n in Counter(chain.from_iterable(found)).items():
        item = _ITEMS[(current[family], key)]
        rows.append(
            {
                "family": family,
                "question": key,
                "text_zh": item.wording.zh if item.wording else key,
                "text_en": item.wording.en if item.wording else key,
                "cheating": item.cheating,
                "inspections": n,
            }
        )
    rows.sort(key=lambda r: (-r["inspections"], r["family"], r["question"]))
    _LAST_QUESTIONS[:] = [(judged, [dict(r) for r in rows])]
    return rows


def cities(store) -> list[str]:
    return q.cities(store)
