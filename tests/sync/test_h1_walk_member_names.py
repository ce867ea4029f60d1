"""The walk over untrusted nested values remembers the member names it found no longer than 100
characters (``values._KEYS``), so that an object whose names were all seen before is not
measured again: it still refuses exactly what the walk that names the place refuses, before
and after the names are remembered, and a name of 101 characters is never remembered."""

from __future__ import annotations

import random

from inspector_app.domain.errors import InputError
from inspector_app.sync.validate import values as V

SHORT = "k" * 100
LONG = "k" * 101


def _named_ok(obj: object) -> bool:
    try:
        V._walk_named(obj, "v")
    except InputError:
        return False
    return True


def _value(rng: random.Random, depth: int) -> object:
    names = ["error", "mpe", SHORT, LONG, "x" * 99, "ｋ" * 101]
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(["0.1", "yes", "NaN", "", None, 3])
    if rng.random() < 0.6:
        return {rng.choice(names): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def test_remembered_names_change_no_verdict_of_the_walk():
    rng = random.Random(101)
    values = [{"tests": _value(rng, 0)} for _ in range(600)]
    values += [
        {"items": [{SHORT: "1"}, {SHORT: "2"}]},
        {"items": [{SHORT: "1"}, {LONG: "2"}]},
        {"items": [{LONG: "1"}]},
        {LONG: "1"},
        {SHORT: {LONG: "1"}},
    ]
    try:
        V._forget()
        verdicts = [_named_ok(v) for v in values]
        assert True in verdicts and False in verdicts
        for _round in range(3):  # the names are remembered from the first round on
            assert [V._values_ok(v) for v in values] == verdicts
            assert SHORT in V._KEYS and LONG not in V._KEYS
            assert all(len(k) <= 100 for k in V._KEYS)
    finally:
        V._forget()
    assert not V._KEYS


def test_a_long_name_is_refused_after_short_ones_were_remembered():
    try:
        V._walk_values({"items": [{SHORT: "1"}, {"error": "0.1"}]}, "result")
        assert {SHORT, "error"} <= V._KEYS
        try:
            V._walk_values({"items": [{SHORT: "1"}, {LONG: "0.1"}]}, "result")
        except InputError as exc:
            assert (exc.path, exc.message) == (
                "result.items[1]",
                "has a field name that is too long",
            )
        else:  # pragma: no cover - the assertion's message
            raise AssertionError("a name of 101 characters was accepted")
    finally:
        V._forget()
