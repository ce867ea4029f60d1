"""An inspection's stored results: the check of all their errors and MPEs at once
(``validate.inspections._judged_known``, in C) only lets through what the check item by item
(``_check_judged``) accepts, and a result it is unsure of gets the item-by-item check's own
refusal, with its path."""

from __future__ import annotations

import copy

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.sync.validate import values as V
from inspector_app.sync.validate.inspections import _check_judged, _judged_known

GOOD = [
    {
        "kind": "volume",
        "verdict": "pass",
        "items": [
            {"error": "-0.102", "mpe": "0.3", "verdict": "pass", "label": "Q1 run 1"},
            {"error": None, "mpe": "0.3", "verdict": "pass"},
            {"label": "no numbers"},
        ],
    },
    {"kind": "amount", "verdict": "pass", "items": []},
    {"kind": "visual", "verdict": "pass"},  # no items at all
]


def _variants() -> list[object]:
    out: list[object] = [copy.deepcopy(GOOD)]
    for bad in ("", " ", "abc", "NaN", "1e999", "１２", 12, 1.5, True, [], {}, "0.50", "-0"):
        for k in ("error", "mpe"):
            v = copy.deepcopy(GOOD)
            v[0]["items"][0][k] = bad
            out.append(v)
    for shape in ("x", 3, None, ["x"], [["x"]], [3], {"error": "1"}):
        v = copy.deepcopy(GOOD)
        v[0]["items"] = shape
        out.append(v)
    for test in ("x", 3, None, ["x"]):
        v = copy.deepcopy(GOOD)
        v[1] = test
        out.append(v)
    return out


def _outcome(result_tests: list) -> tuple[str, str] | None:
    try:
        _check_judged(result_tests, "inspection")
    except InputError as exc:
        return exc.path, exc.message
    return None


@pytest.mark.parametrize("remembered", [False, True])
def test_the_check_at_once_agrees_with_the_check_item_by_item(remembered):
    V._forget()
    try:
        if remembered:  # the decimals found valid before, as the walk over the result leaves them
            V._DECIMAL_OK.update({"-0.102", "0.3", "0.50", "-0"})
        refused = 0
        for tests in _variants():
            want = _outcome(tests)
            if _judged_known(tests):
                assert want is None, tests
            refused += want is not None
        assert refused > 10
        # the common shape (every test with items, every item with both) is decided at once
        common = [{"items": [{"error": "-0.102", "mpe": "0.3"}, {"error": None, "mpe": "0.3"}]}]
        assert _judged_known(common + [{"items": []}]) is remembered
        assert not _judged_known(copy.deepcopy(GOOD))  # unsure: looked at item by item
        assert _outcome(copy.deepcopy(GOOD)) is None
    finally:
        V._forget()
