"""Drafts: judging complete rows while typing, refusing bad cells, finalizable copies,
default tests from the form, and the standards-adequacy checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Inspection, Instrument, ReferenceStandard, new_id
from inspector_app.services import chart_data, drafts, standards_check

SCALE = Instrument(
    "i",
    "p",
    "scale",
    accuracy_class="III",
    metrology={"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"},
)


def draft(tests, check="in_service", family="scale", started_at="2026-03-02T09:30") -> Inspection:
    from inspector_app.domain.rules import default_ruleset

    return Inspection(
        new_id(),
        new_id(),
        "i",
        "p",
        family,
        check,
        default_ruleset(family),
        "张伟",
        started_at=started_at,
        tests=tests,
    )


def test_paths_read_and_write_nested_values():
    row: dict = {}
    drafts.set_path(row, "can.neck_reading", "12")
    drafts.set_path(row, "readings[1]", "0.5")
    assert row == {"can": {"neck_reading": "12"}, "readings": [None, "0.5"]}
    assert drafts.get_path(row, "can.neck_reading") == "12"
    assert drafts.get_path(row, "readings[0]") is None
    drafts.set_path(row, "readings[1]", None)
    drafts.set_path(row, "can.neck_reading", None)
    assert row == {}


@pytest.mark.parametrize("text", ["abc", "NaN", "inf", "1e400", "1,5"])
def test_parse_cell_refuses_non_numbers(text):
    with pytest.raises(InputError) as info:
        drafts.parse_cell(text, "tests[0].points[0].indication")
    assert info.value.path == "tests[0].points[0].indication"


def test_parse_cell_keeps_the_typed_decimal():
    assert drafts.parse_cell(" 10.50 ", "x") == "10.50"
    assert drafts.parse_cell("1e3", "x") == "1000"
    assert drafts.parse_cell("", "x") is None


def test_rows_are_blank_pending_invalid_or_judged():
    insp = draft(
        [
            {
                "kind": "weighing",
                "points": [
                    {"load": "100", "indication": "105"},
                    {"load": "2500"},
                    {},
                    {"load": "100", "indication": "110"},
                ],
            },
            {"kind": "repeatability", "load": "7500", "indications": ["7500", None, "7505"]},
        ]
    )
    ev = drafts.evaluate_draft(insp, SCALE)
    rows = ev.tests[0].rows
    assert rows[0].status == "pass" and rows[0].items[0]["mpe"] == "5"  # exactly on the MPE passes
    assert rows[1].status == "pending" and rows[1].field == "indication"
    assert rows[2].status == "blank"
    assert rows[3].status == "fail"
    assert ev.tests[1].rows[1].status == "blank"
    assert [i["verdict"] for i in ev.tests[1].extra] == ["pass"]  # the range item
    assert ev.verdict == "fail"
    assert ev.result["failed"] == ["100 g"]


def test_a_value_the_engine_refuses_is_named_at_its_cell():
    insp = draft([{"kind": "weighing", "points": [{"load": "100", "indication": "100"}]}])
    assert drafts.check_cell(insp, SCALE, 0, 0, "load", "20000") == "is above Max + 9e = 15045 g"
    assert drafts.check_cell(insp, SCALE, 0, 0, "load", "15000") is None
    assert insp.tests[0]["points"][0]["load"] == "100"  # unchanged


def test_judged_only_drops_what_was_not_judged():
    insp = draft(
        [
            {
                "kind": "weighing",
                "points": [{"load": "100", "indication": "105"}, {"load": "2500"}],
            },
            {"kind": "zero"},
        ]
    )
    ev = drafts.evaluate_draft(insp, SCALE)
    assert drafts.left_out(insp, ev) == 0  # only seeded loads, nothing typed beyond them
    insp.tests[1]["indication"] = "0"
    ev = drafts.evaluate_draft(insp, SCALE)
    assert drafts.left_out(insp, ev) == 1
    sealed = drafts.judged_only(insp, ev)
    assert sealed.tests == [{"kind": "weighing", "points": [{"load": "100", "indication": "105"}]}]
    again = drafts.evaluate_draft(sealed, SCALE)
    assert again.result == ev.result


def test_new_draft_seeds_the_form_default_points(store, stall):
    _p, scale = stall
    insp = drafts.new_draft(store, scale.id, "张伟")
    stored = store.inspections.require(insp.id)
    assert (
        stored.status == "draft"
        and stored.ruleset == "JJG 539-2016"
        and stored.check == "in_service"
    )
    weighing = next(t for t in stored.tests if t["kind"] == "weighing")
    assert [p["load"] for p in weighing["points"]] == ["100", "2500", "10000", "15000"]
    assert [t["load"] for t in stored.tests if t["kind"] == "repeatability"] == ["7500", "15000"]


def test_new_draft_refuses_an_unknown_instrument(store):
    with pytest.raises(InputError):
        drafts.new_draft(store, new_id(), "张伟")


def weights(mpe: str, unit: str = "g", valid_until: str = "2027-01-01") -> ReferenceStandard:
    return ReferenceStandard(
        new_id(), "test_weight", "M1 砝码组", "C-1", valid_until, "M1", mpe, unit
    )


def test_expired_standard_is_warned():
    insp = draft([{"kind": "weighing", "points": [{"load": "100", "indication": "100"}]}])
    out = standards_check.check_standards(insp, SCALE, [weights("0.5", valid_until="2026-03-01")])
    assert [w.kind for w in out] == ["expired"]
    assert (
        standards_check.check_standards(insp, SCALE, [weights("0.5", valid_until="2026-03-02")])
        == []
    )


def test_test_weights_must_be_within_a_third_of_the_scale_mpe():
    # in service at 100 g the scale's MPE is 5 g: weights up to 5/3 g are good enough
    insp = draft([{"kind": "weighing", "points": [{"load": "100", "indication": "100"}]}])
    assert standards_check.check_standards(insp, SCALE, [weights("1.6")]) == []
    bad = standards_check.check_standards(insp, SCALE, [weights("1.7")])
    assert [w.kind for w in bad] == ["not_accurate_enough"] and "100 g" in bad[0].message
    assert (
        standards_check.check_standards(insp, SCALE, [weights("1700", "mg")])[0].kind
        == "not_accurate_enough"
    )
    initial = draft(insp.tests, check="initial")  # MPE 2.5 g at 100 g
    assert (
        standards_check.check_standards(initial, SCALE, [weights("1")])[0].kind
        == "not_accurate_enough"
    )
    assert standards_check.check_standards(insp, SCALE, [weights("")])[0].kind == "unknown"


def test_chart_series_of_a_scale_has_points_and_a_stepped_envelope():
    insp = draft(
        [
            {
                "kind": "weighing",
                "points": [
                    {"load": "100", "indication": "105"},
                    {"load": "10000", "indication": "10015"},
                ],
            }
        ]
    )
    ev = drafts.evaluate_draft(insp, SCALE)
    s = chart_data.chart_series(insp, SCALE, ev)
    assert [(p.x, p.error, p.verdict) for p in s.points] == [
        (Decimal(100), Decimal(5), "pass"),
        (Decimal(10000), Decimal(15), "fail"),
    ]
    env = dict(s.envelope)
    assert env[Decimal(2500)] == 5 and env[Decimal(2505)] == 10 and env[Decimal(15000)] == 15
    assert s.x_unit == "g" and s.y_unit == "g"


def test_chart_series_of_fuel_runs_counts_runs():
    fuel = Instrument(
        "i",
        "p",
        "fuel_dispenser",
        accuracy_class="0.5",
        metrology={"fuel": "gasoline", "qmax": "50", "qmin": "5", "mmq": "2"},
    )
    runs = [
        {"indicated": "20.08", "actual": "20", "t_fuel": "20", "t_can": "20"},
        {"indicated": "20.01", "actual": "20", "t_fuel": "20", "t_can": "20"},
    ]
    insp = draft([{"kind": "volume", "runs": runs}], check="subsequent", family="fuel_dispenser")
    ev = drafts.evaluate_draft(insp, fuel)
    s = chart_data.chart_series(insp, fuel, ev)
    assert [p.x for p in s.points] == [1, 2]
    assert s.points[0].verdict == "fail" and s.y_unit == "%"
    assert [x for x, _m in s.envelope] == [1, 2]
