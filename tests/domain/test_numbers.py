import json
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
        "1²",
        "１２ｋｇ",
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


HUGE = ["1E+999999999", "-1e+999999999", "1E+99999999999999999", "9E+16", "1e-999999999", "0E+99"]


@pytest.mark.parametrize("text", HUGE)
def test_exponents_beyond_the_context_are_input_errors(text):
    """abs() of 1E+999999999 used to raise decimal.Overflow instead of an InputError."""
    for value in (text, Decimal(text)):
        with pytest.raises(InputError) as info:
            parse_decimal(value, "instrument.max")
        assert info.value.path == "instrument.max"
        assert "range" in info.value.message or "decimal places" in info.value.message


@pytest.mark.parametrize("text", HUGE[:2])
def test_evaluate_reports_a_huge_exponent_at_its_field(text):
    from inspector_app.domain.rules import evaluate
    from inspector_app.domain.rules.request_json import loads_request

    request = {
        "family": "scale",
        "check": "initial",
        "instrument": {"max": text, "e": "5", "unit": "g", "accuracy_class": "III"},
        "tests": [],
    }
    with pytest.raises(InputError) as info:
        evaluate(request)
    assert info.value.path == "instrument.max"
    # the same number written as a JSON number (parse_float=Decimal)
    raw = json.dumps(request).replace(f'"{text}"', text)
    with pytest.raises(InputError) as info:
        evaluate(loads_request(raw))
    assert info.value.path == "instrument.max"


def test_evaluate_command_exits_2_with_the_field(tmp_path, capsys):
    from inspector_app.cli.main import main

    path = tmp_path / "r.json"
    path.write_text(
        '{"family":"scale","check":"initial","instrument":{"max":1E+999999999,"e":"5",'
        '"unit":"g","accuracy_class":"III"},"tests":[]}',
        encoding="utf-8",
    )
    assert main(["evaluate", str(path)]) == 2
    err = json.loads(capsys.readouterr().err)
    assert err["error"]["path"] == "instrument.max"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("１５０００", Decimal("15000")),
        ("０．５", Decimal("0.5")),
        ("－３．２５", Decimal("-3.25")),
        ("\u22123", Decimal("-3")),  # U+2212 MINUS SIGN
        ("１Ｅ３", Decimal("1E3")),
        ("\u3000１２\u3000", Decimal("12")),  # ideographic spaces around
    ],
)
def test_full_width_digits_read_as_numbers(typed, expected):
    assert parse_decimal(typed, "x") == expected


def test_only_full_width_forms_are_normalised():
    from inspector_app.domain.numbers import ascii_digits

    assert ascii_digits("１５０００") == "15000"
    # NFKC would turn these into other numbers; they stay as typed (and are refused)
    for text in ("10²", "①", "½", "١٢"):
        assert ascii_digits(text) == text
        with pytest.raises(InputError, match=repr(text)):
            parse_decimal(text, "x")
    # an error names what was typed, not a normalised form
    with pytest.raises(InputError, match="'１２ｋｇ'"):
        parse_decimal("１２ｋｇ", "x")


def test_the_editor_cell_refuses_a_huge_exponent_at_the_cell():
    """What the readings table does with a typed cell (services.drafts): a field error."""
    from inspector_app.domain.models import Inspection, Instrument
    from inspector_app.services import drafts

    with pytest.raises(InputError) as info:
        drafts.parse_cell("1E+999999999", "tests[0].points[0].indication")
    assert info.value.path == "tests[0].points[0].indication"
    assert drafts.parse_cell("１５００５", "x") == "15005"  # full-width typing is kept as ASCII
    ins = Instrument(
        "i1", "p1", "scale", metrology={"max": "15000", "e": "5", "unit": "g"}, accuracy_class="III"
    )
    insp = Inspection(
        "x1",
        "r1",
        "i1",
        "p1",
        "scale",
        "in_service",
        "JJG 539-2016",
        "t",
        tests=[{"kind": "weighing", "points": [{"load": "100", "indication": "1E+999999999"}]}],
    )
    ev = drafts.evaluate_draft(insp, ins)  # a draft holding the text (pasted, older file)
    row = ev.tests[0].row(0)
    assert row.status == drafts.INVALID and row.field == "indication"
    assert "out of range" in row.message
