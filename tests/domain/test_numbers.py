from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import fmt, parse_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", Decimal("2.5")),
        (2, Decimal(2)),
        (Decimal("0.30"), Decimal("0.30")),
        ("1e3", Decimal("1000")),
        (" -0.125 ", Decimal("-0.125")),
        (0.1, Decimal("0.1")),
    ],
)
def test_valid_numbers_are_exact(value, expected):
    assert parse_decimal(value, "x") == expected


@pytest.mark.parametrize(
    "value",
    [
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        float("nan"),
        float("inf"),
        "",
        "   ",
        "abc",
        "1,5",
        "0x10",
        "1e400",
        "1_000",
        True,
        None,
        [],
        {},
        "１２",
    ],
)
def test_invalid_numbers_are_refused_with_the_path(value):
    with pytest.raises(InputError) as info:
        parse_decimal(value, "tests[0].points[1].load")
    assert info.value.path == "tests[0].points[1].load"
    assert info.value.message


def test_sign_constraints():
    with pytest.raises(InputError, match="greater than zero"):
        parse_decimal("0", "max", positive=True)
    with pytest.raises(InputError, match="negative"):
        parse_decimal("-1", "min", non_negative=True)
    assert parse_decimal(None, "d", allow_none=True) is None


def test_fmt_has_no_exponent():
    assert fmt(Decimal("1E+1")) == "10"
    assert fmt(Decimal("0.0500")) == "0.05"
    assert fmt(Decimal("-2.50")) == "-2.5"
    assert fmt(None) is None
