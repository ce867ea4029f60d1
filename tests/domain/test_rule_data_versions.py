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


def test_a_table_keyed_by_accuracy_class_reads_its_json_keys():
    """OIML R 117-1's line A is keyed by the class as a number (Decimal 0.5); its JSON form
    writes the key as text ("0.5"): an office value for one class is read, kept through the
    JSON form, and used; an unknown class is an input error naming it."""
    from inspector_app.domain.rules import mpe_envelope

    line_a = {
        "family": "fuel_dispenser",
        "ruleset": "OIML R 117-1",
        "key": "line_a",
        "data": {"0.5": "0.4"},
    }
    data = ruledata.parse({"version": "office-r117", "overrides": [line_a]})
    (o,) = data.overrides
    assert o.data[Decimal("0.5")] == Decimal("0.4") and o.data[Decimal("1.0")] == Decimal("1.0")
    assert ruledata.parse(ruledata.to_json(data)) == data
    ruledata.install(data)
    ((_, mpe),) = mpe_envelope("fuel_dispenser", "OIML R 117-1", "initial", {}, ["20"])
    assert mpe == Decimal("0.4")  # class 0.5 by default, now at the office's 0.4 %
    with pytest.raises(InputError) as exc:
        ruledata.parse({"version": "t", "overrides": [{**line_a, "data": {"0.7": "1"}}]})
    assert exc.value.path == "overrides[0].data.0.7"
