"""One definition of a failed item: finding_if answers, readings outside the MPE,
verification programme gaps, cheating findings."""

from __future__ import annotations

import datetime as dt

import pytest

from inspector_app.domain.failed_items import (
    INCOMPLETE,
    QUESTION,
    READING,
    failed_items,
    nonconforming,
)
from inspector_app.domain.forms import FormError, load_form
from inspector_app.domain.models import Finding
from inspector_app.domain.verification_cycle import add_months, programme_missing, valid_until


def test_cheating_indicators_answered_no_are_not_failed_items():
    form = load_form("scale")
    cheats = {q.key: "no" for q in form.checklist if q.group == "cheating"}
    assert len(cheats) >= 5
    legal = {q.key: "yes" for q in form.checklist if q.group == "legal"}
    items = failed_items(
        family="scale", check="in_service", checklist={**cheats, **legal}, result={}, form=form
    )
    assert items == []


def test_failed_question_is_named_by_its_non_conforming_wording():
    form = load_form("scale")
    items = failed_items(
        family="scale",
        check="in_service",
        checklist={"seals": "no", "remote_control": "yes"},
        result={},
        form=form,
    )
    assert [i.kind for i in items] == [QUESTION, QUESTION]
    assert items[0].text("zh") == "铅封（封印）不完好或缺失"
    assert "完好" in form.checklist[2].label.zh and "不完好" not in form.checklist[2].label.zh
    assert items[0].text("en") == "Seals broken or missing"
    assert items[1].cheating and "遥控" in items[1].text("zh")


def test_reading_carries_value_and_limit():
    result = {
        "tests": [
            {
                "kind": "weighing",
                "verdict": "fail",
                "items": [
                    {
                        "label": "load 100",
                        "error": "7.5",
                        "mpe": "5",
                        "unit": "g",
                        "verdict": "fail",
                    },
                    {"label": "load 200", "error": "5", "mpe": "5", "unit": "g", "verdict": "pass"},
                ],
            }
        ]
    }
    items = failed_items(family="scale", check="in_service", checklist={}, result=result)
    assert len(items) == 1 and items[0].kind == READING
    assert items[0].text("zh") == "load 100：测得 7.5 g，允许 ±5 g"
    assert items[0].text("en") == "load 100: found 7.5 g, permitted ±5 g"


def test_fuel_dispenser_at_one_flow_rate_is_an_incomplete_programme():
    one_flow = {
        "tests": [
            {
                "kind": "volume",
                "flow": "Q1",
                "verdict": "pass",
                "items": [{"label": f"r{i}", "verdict": "pass"} for i in range(3)],
            }
        ]
    }
    missing = programme_missing("fuel_dispenser", "subsequent", one_flow)
    assert len(missing) == 1 and missing[0].have == 1 and missing[0].need == 2
    items = failed_items(family="fuel_dispenser", check="subsequent", checklist={}, result=one_flow)
    assert [i.kind for i in items] == [INCOMPLETE]
    assert nonconforming(items) == []
    two = {"tests": one_flow["tests"] + [{**one_flow["tests"][0], "flow": "Q3"}]}
    assert programme_missing("fuel_dispenser", "subsequent", two) == []
    assert len(programme_missing("fuel_dispenser", "initial", two)) == 1
    # in-service and covert checks have no verification programme
    assert programme_missing("fuel_dispenser", "in_service", one_flow) == []


def test_cheating_finding_is_a_failed_item_once():
    form = load_form("scale")
    f = Finding("1", "remote_control", "遥控器", cheating=True)
    g = Finding("2", "other_cheat", "作弊芯片", cheating=True)
    h = Finding("3", "note", "秤盘脏", cheating=False)
    items = failed_items(
        family="scale",
        check="in_service",
        checklist={"remote_control": "yes"},
        result={},
        findings=[f, g, h],
        form=form,
    )
    assert [i.key for i in items] == ["remote_control", "other_cheat"]


@pytest.mark.parametrize(
    "day, months, minus, expected",
    [
        ("2013-05-08", 12, True, "2014-05-07"),
        ("2013-05-08", 12, False, "2014-05-08"),
        ("2024-08-31", 6, False, "2025-02-28"),
        ("2024-08-31", 6, True, "2025-02-27"),
        ("2024-02-29", 12, True, "2025-02-27"),
    ],
)
def test_valid_until(day, months, minus, expected):
    got = valid_until(dt.date.fromisoformat(day), "scale", minus_one_day=minus, months=months)
    assert got.isoformat() == expected


def test_family_cycles():
    d = dt.date(2026, 4, 2)
    assert valid_until(d, "fuel_dispenser").isoformat() == "2026-10-01"
    assert valid_until(d, "scale").isoformat() == "2027-04-01"
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_a_question_failed_by_no_needs_its_failed_wording(tmp_path):
    from inspector_app.domain.forms import load_form as lf

    (tmp_path / "pd_meter.toml").write_text(
        'schema = 1\nfamily = "pd_meter"\nlabel = { zh = "瞳距仪", en = "PD meter" }\n'
        '[units]\nmm = { zh = "毫米", en = "mm" }\n'
        '[[checklist]]\nkey = "seals"\ngroup = "legal"\nlabel = { zh = "封印完好", en = "Seals intact" }\n'
        '[[tests]]\nkind = "pd"\nlabel = { zh = "瞳距", en = "PD" }\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError) as exc:
        lf("pd_meter", tmp_path)
    assert exc.value.key == "checklist[0].finding_text"
