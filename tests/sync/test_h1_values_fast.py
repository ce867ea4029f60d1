"""The quick walk over untrusted nested values (``validate.values._values_ok``) decides exactly
what the walk that names the place (``_walk_named``) accepts, now that it also remembers
longer texts (a result's warnings) and skips the look-ups it already made: the same good and
bad values go through both, twice (the second time from the texts remembered)."""

from __future__ import annotations

import random

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.text import NOTE_MAX
from inspector_app.sync.validate import values as V

WARNING = (
    "JJG 443-2023 [volume_formula] E_V = (V_J − V_Bt)/V_Bt × 100 %, V_Bt = V_B[1 + β_Y(t_J − "
    "t_B) + β_B(t_B − 20)]: seen only in a secondary source; check against the published text"
)
GOOD_TEXTS = ["", "yes", "20.012", "-0.102", "照片 1", WARNING, WARNING * 3, "x" * NOTE_MAX, "1e5"]
BAD_TEXTS = [
    " NaN ",
    "inf",
    " " * 150 + "Infinity",  # longer than the short texts remembered
    "１２．５",  # full-width digits
    "1" * 80,  # beyond the decimal range
    " " * 200 + "1.2e99999",
    "x" * (NOTE_MAX + 1),
]


def _named_ok(obj: object) -> bool:
    try:
        V._walk_named(obj, "v")
    except InputError:
        return False
    return True


def _nest(rng: random.Random, leaves: list[object], depth: int) -> object:
    """A result-like value: objects of texts, lists of such objects, a list of warnings."""
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(leaves)
    if rng.random() < 0.5:
        return {f"k{i}": _nest(rng, leaves, depth + 1) for i in range(rng.randint(0, 4))}
    return [_nest(rng, leaves, depth + 1) for _ in range(rng.randint(0, 4))]


def test_the_quick_walk_accepts_exactly_what_the_named_walk_accepts():
    rng = random.Random(7)
    leaves: list[object] = [*GOOD_TEXTS, *BAD_TEXTS, 0, 10**15, 10**15 + 1, True, None]
    values = [{"items": _nest(rng, leaves, 0)} for _ in range(400)]
    values += [
        {"warnings": [WARNING, WARNING]},
        {"tests": [{"items": [{"error": "0.1", "mpe": "0.3"}, {"error": "0.2", "mpe": "0.3"}]}]},
        {"tests": [{"items": [{"error": "0.1", "mpe": " " * 120 + "nan"}]}]},
        {"deep": [[[[[[[[[[[[["too deep"]]]]]]]]]]]]]},
        {"empty": [[], {}, [[]]]},
    ]
    try:
        verdicts = [_named_ok(v) for v in values]
        assert True in verdicts and False in verdicts
        for _round in range(2):  # the second time, the good texts are remembered
            assert [V._values_ok(v) for v in values] == verdicts
    finally:
        V._forget()


def test_longer_good_texts_are_remembered_within_bounds_and_forgotten():
    try:
        V._forget()
        assert V._values_ok({"warnings": [WARNING]})
        assert WARNING in V._OK and V._LONG_KEPT[0] == 1
        assert not V._values_ok({"x": [" " * 150 + "Infinity"]})
        assert " " * 150 + "Infinity" not in V._OK
        too_long = "y" * (V.LONG_LEN + 1)
        assert V._values_ok({"x": [too_long]}) and too_long not in V._OK
        V._forget()
        assert not V._OK and V._LONG_KEPT[0] == 0
    finally:
        V._forget()


@pytest.mark.parametrize("bad", BAD_TEXTS)
def test_a_bad_text_is_named_by_the_walk_after_a_good_one_was_remembered(bad):
    try:
        V._walk_values({"warnings": [WARNING]}, "result")
        with pytest.raises(InputError) as exc:
            V._walk_values({"tests": [{"items": [{"note": WARNING}, {"note": bad}]}]}, "result")
        assert exc.value.path == "result.tests[0].items[1].note"
    finally:
        V._forget()
