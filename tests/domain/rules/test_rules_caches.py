"""The number caches of the rules engine stay bounded and never change a result."""

from inspector_app.domain.rules import core, evaluate, inputs

REQUEST = {
    "family": "scale",
    "check": "initial",
    "instrument": {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"},
    "tests": [
        {
            "kind": "weighing",
            "points": [
                {"load": str(100 * k), "indication": str(100 * k + k % 5)} for k in range(1, 30)
            ],
        }
    ],
}


def test_caches_are_cleared_when_full_and_results_do_not_change(monkeypatch):
    expected = evaluate(REQUEST)
    monkeypatch.setattr(core, "_FMT_MAX", 3)
    monkeypatch.setattr(inputs, "_PARSED_MAX", 3)
    core._FMT.clear()
    inputs._PARSED.clear()
    assert evaluate(REQUEST) == expected
    assert len(core._FMT) <= 3 and len(inputs._PARSED) <= 3
