"""Rule data in the domain: an MPE table per accuracy class can be replaced by an office
value, and a stored result judged under another version than the active one says so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, ruledata

TABLE_1204 = {
    "family": "scale",
    "ruleset": "JJG 1204-2025",
    "key": "mpe_table",
    "data": {"III": [["500", "0.5"], ["2000", "1"], [None, "1.5"]]},
}


@pytest.fixture(autouse=True)
def builtin_after():
    yield
    for v in ruledata.versions()[2:]:
        ruledata.uninstall(v)


def test_a_class_table_is_replaced_and_other_classes_kept():
    data = ruledata.parse({"version": "t", "overrides": [TABLE_1204]})
    (o,) = data.overrides
    assert o.data["III"][0].upper == Decimal("500") and o.data["III"][2].upper is None
    assert o.data["IIII"][0].upper == Decimal("50")  # not given: the built-in table stays
    with pytest.raises(InputError) as exc:
        ruledata.parse(
            {
                "version": "t",
                "overrides": [{**TABLE_1204, "data": {"III": [["500", "0.5"], ["400", "1"]]}}],
            }
        )
    assert exc.value.path == "overrides[0].data.III[1]"


def test_stale_note_names_both_versions():
    assert ruledata.stale_note(None) is None
    assert ruledata.stale_note({"verdict": None}) is None
    assert ruledata.stale_note({"verdict": "pass", "rule_data": "builtin-2"}) is None
    zh, en = ruledata.stale_note({"verdict": "pass"})  # before rule_data was recorded
    assert "builtin-1" in zh and "builtin-2" in zh
    assert en.startswith("Judged under rule data builtin-1; builtin-2 is in use now")
    ruledata.install(ruledata.parse({"version": "office-1", "overrides": [TABLE_1204]}))
    result = evaluate(
        {
            "family": "scale",
            "ruleset": "JJG 1204-2025",
            "check": "initial",
            "instrument": {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"},
            "tests": [{"kind": "weighing", "points": [{"load": "10000", "indication": "10005"}]}],
        }
    )
    assert result["rule_data"] == "office-1" and ruledata.stale_note(result) is None
    assert "office-1" in ruledata.stale_note({"verdict": "fail", "rule_data": "builtin-2"})[1]
