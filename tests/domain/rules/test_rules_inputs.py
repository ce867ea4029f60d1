"""Field readers with paths."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import inputs as f


def test_join():
    assert f.join("", "tests") == "tests"
    assert f.join("tests", 0) == "tests[0]"
    assert f.join("tests[0]", "load") == "tests[0].load"


@pytest.mark.parametrize(
    "call, path",
    [
        (lambda: f.obj(1, "x"), "x"),
        (lambda: f.only({"a": 1, "b": 2}, ("a",), "t"), "t.b"),
        (lambda: f.number({}, "load", "p"), "p.load"),
        (lambda: f.number({"load": True}, "load", "p"), "p.load"),
        (lambda: f.integer({"n": "1.5"}, "n", "p", default=4, minimum=1), "p.n"),
        (lambda: f.integer({"n": 0}, "n", "p", default=4, minimum=1), "p.n"),
        (lambda: f.choice({}, "c", "p", ("a", "b")), "p.c"),
        (lambda: f.choice({"c": 1}, "c", "p", ("a", "b")), "p.c"),
        (lambda: f.text({"t": 1}, "t", "p"), "p.t"),
        (lambda: f.boolean({"b": "true"}, "b", "p", default=True), "p.b"),
        (lambda: f.array({"l": "x"}, "l", "p"), "p.l"),
        (lambda: f.array({"l": [1]}, "l", "p", minimum=2), "p.l"),
        (lambda: f.objects({"l": [{}, 1]}, "l", "p"), "p.l[1]"),
        (lambda: f.numbers({"l": ["1", ""]}, "l", "p"), "p.l[1]"),
    ],
)
def test_errors_name_the_path(call, path):
    with pytest.raises(InputError) as exc:
        call()
    assert exc.value.path == path


def test_defaults():
    assert f.number({}, "t", "p", default=0) == Decimal(0)
    assert f.optional_number({"x": None}, "x", "p") is None
    assert f.integer({}, "n", "p", default=4, minimum=1) == 4
    assert f.choice({"c": None}, "c", "p", ("a",), default="a") == "a"
    assert f.text({}, "t", "p") is None
    assert f.boolean({}, "b", "p", default=False) is False
    assert f.numbers({"l": [1, "2.5"]}, "l", "p") == [Decimal(1), Decimal("2.5")]
