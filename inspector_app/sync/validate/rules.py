"""The rules, again: every finalized inspection's verdicts are recomputed with this program's
rules and must match what the laptop judged; the signature and times are checked with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import eq
from typing import TYPE_CHECKING, Any

from ...domain.errors import InputError
from ...domain.models import (
    Inspection,
    Instrument,
)
from ...domain.numbers import parse_decimal
from ..format import (
    BundleContent,
    ProblemList,
)
from .times import _check_times

if TYPE_CHECKING:
    from ...domain.forms import Form
    from ...store.sync import SyncRepo


# -- the rules, again ------------------------------------------------------------------------
def _judgement(result: dict[str, Any] | None) -> list[tuple[str, object]]:
    """What a result judges, flattened to (path, value): each test's items (error, MPE and
    verdict), then the test's verdict. Labels and rule citations are not compared: their
    wording may change between versions of the program without changing a judgement."""
    result = result if isinstance(result, dict) else {}
    tests = result.get("tests")
    tests = tests if isinstance(tests, list) else []
    out: list[tuple[str, object]] = [("result.tests", len(tests))]
    for t_i, test in enumerate(tests):
        test = test if isinstance(test, dict) else {}
        p = f"result.tests[{t_i}]"
        items = test.get("items")
        items = items if isinstance(items, list) else []
        out.append((f"{p}.items", len(items)))
        for i_i, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            out.append((f"{p}.items[{i_i}].error", item.get("error")))
            out.append((f"{p}.items[{i_i}].mpe", item.get("mpe")))
            out.append((f"{p}.items[{i_i}].verdict", item.get("verdict")))
        out.append((f"{p}.verdict", test.get("verdict")))  # after its items: name the item
    return out


def _same(have: object, want: object) -> bool:
    """Equal, or equal numbers written differently (``0.50`` and ``0.5``)."""
    if have == want:
        return True
    if type(have) is not str or type(want) is not str:
        return False
    try:
        return parse_decimal(have, "") == parse_decimal(want, "")
    except InputError:
        return False


# Forms by (family, version, hash): a version and hash name one text, so the parsed form can
# be kept; a record without a reference gets the shipped file, which does not change either.
_FORMS: dict[tuple[str, str | None, str | None], Form | None] = {}


def _form_of(x: Inspection) -> Form | None:
    """The form the record was filled against (``environment.form``: id, version, hash), not
    the newest one: an office may have published a revised form since the draft began."""
    env = x.environment if isinstance(x.environment, dict) else {}
    ref = env.get("form")
    version = ref.get("version") if isinstance(ref, dict) else None
    digest = ref.get("hash") if isinstance(ref, dict) else None
    key = (x.family, version, digest)
    if key in _FORMS:
        return _FORMS[key]
    from ...domain.forms import form_for

    try:
        form = form_for(x.family, ref if isinstance(ref, dict) else None)
    except Exception:  # noqa: BLE001 - a family without a form has no checklist findings
        form = None
    if ref is None or (form is not None and (form.version, form.hash) == (version, digest)):
        _FORMS[key] = form  # else the newest form stood in: it may change, so ask again
    return form


def _other_failures(x: Inspection) -> bool:
    """Whether the inspection fails on something besides its readings: a checklist answer
    its form counts as a finding, or a cheating finding (what the editor adds)."""
    if any(f.cheating for f in x.findings):
        return True
    form = _form_of(x)
    if form is None:
        return False
    keys, answers = _finding_answers(form)
    return any(map(eq, map(x.checklist.get, keys), answers))


# A form's checklist as (the keys, the answers that make a finding), by the form's identity:
# each entry holds its form, so that the id is not reused while it is kept.
_FINDING_ANSWERS: dict[int, tuple[Form, tuple[str, ...], tuple[str, ...]]] = {}


def _finding_answers(form: Form) -> tuple[tuple[str, ...], tuple[str, ...]]:
    kept = _FINDING_ANSWERS.get(id(form))
    if kept is None or kept[0] is not form:
        questions = [q for q in form.checklist if q.finding_if is not None]
        kept = (form, tuple(q.key for q in questions), tuple(q.finding_if for q in questions))
        if len(_FINDING_ANSWERS) >= 1000:
            _FINDING_ANSWERS.clear()
        _FINDING_ANSWERS[id(form)] = kept
    return kept[1], kept[2]


def _instrument_payload(ins: Instrument) -> dict[str, Any]:
    payload = dict(ins.metrology)
    if ins.accuracy_class:
        payload["accuracy_class"] = ins.accuracy_class
    return payload


def _judged_alike(stored: object, computed: dict[str, Any]) -> bool:
    """Whether a stored result judges every item as *computed* does (no paths built: the
    common case; :func:`_judgement` names the difference when there is one)."""
    if type(stored) is not dict:
        return False
    st, ct = stored.get("tests"), computed["tests"]
    if type(st) is not list or len(st) != len(ct):
        return False
    for s, c in zip(st, ct, strict=True):
        if type(s) is not dict or s.get("verdict") != c.get("verdict"):
            return False
        si, ci = s.get("items"), c.get("items") or []
        if type(si) is not list or len(si) != len(ci):
            return False
        for a, b in zip(si, ci, strict=True):
            if type(a) is not dict or a.get("verdict") != b.get("verdict"):
                return False
            if not (_same(a.get("error"), b.get("error")) and _same(a.get("mpe"), b.get("mpe"))):
                return False
    return True


def _check_rules(
    x: Inspection,
    ins: Instrument,
    where: str,
    problems: ProblemList,
    cache: dict[Any, Any],
    tests_text: bytes | None,
) -> None:
    """Evaluate the readings again with this program's rules engine: the stored results must
    be what the readings give, and the verdict must follow (fail when a reading fails, or a
    checklist answer or a cheating finding does; pass otherwise)."""
    from ...domain.rules import evaluate

    # judged again under the rule data version the record was judged with (a result
    # without one was judged under builtin-1, before every clause was named)
    version = x.result.get("rule_data", "builtin-1") if type(x.result) is dict else "builtin-1"
    key = (x.family, x.ruleset, x.check, x.instrument_id, tests_text, str(version))
    computed = cache.get(key)
    if computed is None:
        try:
            computed = evaluate(
                {
                    "family": x.family,
                    "ruleset": x.ruleset,
                    "check": x.check,
                    "instrument": _instrument_payload(ins),
                    "tests": x.tests,
                    "rule_data": version,
                }
            )
        except InputError as exc:
            path = exc.path
            if path.startswith("instrument"):
                path = f"instrument {ins.id}: {path}"
            else:
                path = f"inspection.{path}" if path else "inspection"
            computed = f"{path}: the readings cannot be judged: {exc.message}"
        except ArithmeticError as exc:  # pragma: no cover - parse_decimal bounds every number
            computed = f"inspection.tests: the readings cannot be judged ({exc!r})"
        if len(cache) < 10_000 and tests_text is not None:
            cache[key] = computed
    if isinstance(computed, str):
        problems.add(where, computed)
        return
    if not _judged_alike(x.result, computed):
        for (path, have), (_, want) in zip(
            _judgement(x.result), _judgement(computed), strict=False
        ):
            if not _same(have, want):
                problems.add(
                    where,
                    f"inspection.{path}: the record says {_shown(have)} but its readings give "
                    f"{_shown(want)} under {x.ruleset}",
                )
                return
    readings_verdict = computed["verdict"]
    expected = "fail" if readings_verdict == "fail" or _other_failures(x) else "pass"
    stored_result = (x.result or {}).get("verdict")
    if stored_result not in (readings_verdict, expected):
        problems.add(
            where,
            f"inspection.result.verdict: the record says {_shown(stored_result)} but its "
            f"readings give {_shown(readings_verdict)} under {x.ruleset}",
        )
    elif x.verdict != expected:
        problems.add(
            where,
            f"inspection.verdict: the record says {_shown(x.verdict)} but its readings, "
            f"checklist and findings give {_shown(expected)} under {x.ruleset}",
        )


def _shown(v: object) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, int):
        return str(v)
    return repr(str(v))


def _instruments(content: BundleContent, repo: SyncRepo) -> dict[str, Instrument]:
    """The instruments the bundle's inspections name: the bundle's, else this database's."""
    instruments = {ins.id: ins for ins, _h, _v in content.instruments}
    wanted = sorted({x.instrument_id for x in content.inspections} - set(instruments))
    if wanted:
        instruments.update((ins.id, ins) for ins in repo.instruments(wanted))
    return instruments


class Judge:
    """The verdicts of a bundle's inspections judged again one at a time, as
    :func:`_check_inspections` judges them (its other checks aside): for an import whose
    other checks run in a worker process at the same time (``sync.importing.overlap``),
    this process judging the inspections the worker has not reached."""

    def __init__(self, content: BundleContent, repo: SyncRepo) -> None:
        self.inspections = content.inspections
        self.instruments = _instruments(content, repo)
        self.texts = content.inspection_json
        self.cache: dict[Any, Any] = {}
        self.problems = ProblemList(4)

    def alike(self, i: int) -> bool:
        """Whether the rules engine gives the *i*-th inspection the results and verdict it
        carries (False on any problem; the import then names it)."""
        x = self.inspections[i]
        ins = self.instruments.get(x.instrument_id)
        if ins is None:
            return False
        _check_rules(x, ins, "", self.problems, self.cache, self.texts.get(x.id, {}).get("tests"))
        return not self.problems


def _check_inspections(
    content: BundleContent,
    repo: SyncRepo,
    certificates: dict[str, Any],
    now: dt.datetime,
    problems: ProblemList,
    judges: Callable[[int], bool] | None = None,
) -> None:
    """Per inspection: times possible (and plausible, else a warning), the signature valid
    with a known key, the results what the readings give (with *judges*, of the
    inspections whose index it says this process judges: :class:`Judge` judges the others
    in another process)."""
    from ...store.integrity import signature_problem

    instruments = _instruments(content, repo)
    cache: dict[str, Any] = {}
    naive: list[str] = []
    texts = content.inspection_json
    for i, x in enumerate(content.inspections):
        where = content.where(x.id)
        _check_times(x, where, now, problems, content, naive)
        sig = signature_problem(x.content_hash, x.signature, x.signer, certificates)
        if sig is not None:
            problems.add(where, f"inspection.{sig[0]}: {sig[1]}")
        ins = instruments.get(x.instrument_id)
        # (no instrument: named already, the instrument does not resolve)
        if ins is not None and (judges is None or judges(i)):
            tests_text = texts.get(x.id, {}).get("tests")
            _check_rules(x, ins, where, problems, cache, tests_text)
    if naive:
        content.warn(
            naive[0],
            f"{len(naive)} inspection(s) carry a finalization time without a UTC offset; "
            "it is kept as written (the laptop's local time)",
        )
