"""Loading evaluate requests from JSON text exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import request_json
from inspector_app.domain.rules.request_json import loads_request


def test_numbers_become_decimals():
    req = loads_request('{"a": 0.1, "b": 20, "c": [2.675, -1e-3], "d": "x"}')
    assert req == {
        "a": Decimal("0.1"),
        "b": Decimal(20),
        "c": [Decimal("2.675"), Decimal("-0.001")],
        "d": "x",
    }
    assert isinstance(req["b"], Decimal)


def test_bytes_with_bom():
    assert loads_request('\ufeff{"a": "秤"}'.encode()) == {"a": "秤"}


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('{"a": NaN}', "NaN"),
        ('{"a": Infinity}', "Infinity"),
        ('{"a": -Infinity}', "-Infinity"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"t": [{"load": 1, "load": 2}]}', "duplicate key 'load'"),
        ('{"a": "\\ud800"}', "lone surrogate"),
        ('{"\\udfff": 1}', "lone surrogate"),
        ('{"a": ["\\udc00"]}', "lone surrogate"),
        ('{"a": 1', "malformed JSON"),
        ("", "malformed JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('"text"', "must be a JSON object"),
        ("[" * 100000 + "]" * 100000, "malformed JSON"),
    ],
)
def test_rejected(text, fragment):
    with pytest.raises(InputError) as exc:
        loads_request(text)
    assert exc.value.path == ""
    assert fragment in exc.value.message


def test_invalid_utf8():
    with pytest.raises(InputError) as exc:
        loads_request(b'{"a": "\xff"}')
    assert "UTF-8" in exc.value.message


def test_too_large(monkeypatch):
    monkeypatch.setattr(request_json, "MAX_TEXT", 10)
    with pytest.raises(InputError) as exc:
        loads_request('{"a": "0123456789"}')
    assert "too large" in exc.value.message
