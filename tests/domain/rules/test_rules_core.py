"""Building blocks: bands, rules, rule sets, display of quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.rules.core import (
    Confidence,
    Context,
    Rule,
    band_lookup,
    bands,
    item,
    ruleset,
    show,
    test_result,
    within,
)

D = Decimal


def test_band_lookup_is_upper_inclusive():
    table = bands(("500", "0.5"), ("2000", "1"), (None, "1.5"))
    assert [band_lookup(table, D(x)).value for x in ("0", "500", "500.1", "2000", "1E+9")] == [
        D("0.5"),
        D("0.5"),
        D(1),
        D(1),
        D("1.5"),
    ]
    with pytest.raises(LookupError):
        band_lookup(bands(("5", "1")), D(6))


def test_pass_rule_equality_passes():
    assert within(D("-0.30"), D("0.3"))
    assert not within(D("0.3000000001"), D("0.3"))


@pytest.mark.parametrize(
    "value, limit, places, shown",
    [
        (D("2.50"), None, 6, "2.5"),
        (D("10"), D(10), 6, "10"),
        (D(1) / D(3), None, 3, "0.333"),
        (D("0.3311630"), D("0.3"), 3, "0.331"),
        (D("0.30004"), D("0.3"), 3, "0.30004"),
        (D("-0.30004"), D("0.3"), 3, "-0.30004"),
        (D("0.29996"), D("0.3"), 3, "0.3"),
        (None, None, 3, None),
    ],
)
def test_show_never_crosses_the_limit(value, limit, places, shown):
    assert show(value, limit, places) == shown


def test_show_0_29996_rounds_to_the_limit_and_still_passes():
    # rounding onto the limit is fine: the exact value passes, and so does the shown one
    assert within(D(show(D("0.29996"), D("0.3"), 3)), D("0.3"))


def test_confidence_marks():
    assert [c.mark for c in Confidence] == ["✅", "🟡", "❓"]


def test_rule_warning_text():
    r = Rule("k", "JJG 1 2.3", Confidence.SECONDARY, "a rule", note="Why.")
    assert r.warning("RS") == (
        "RS [k] a rule: seen only in a secondary source; check against the "
        "published text (JJG 1 2.3). Why."
    )
    u = Rule("k", "c", Confidence.UNCONFIRMED, "s")
    assert "not confirmed" in u.warning("RS") and not u.confirmed


def test_context_warns_once_and_only_for_unconfirmed():
    rs = ruleset(
        "f",
        "RS",
        "t",
        "s",
        [Rule("a", "c", Confidence.CONFIRMED, "s"), Rule("b", "c", Confidence.UNCONFIRMED, "s")],
    )
    ctx = Context(rs, "initial", None)
    ctx.rule("a")
    ctx.rule("b")
    ctx.rule("b")
    assert len(ctx.warnings) == 1


def test_with_rule_returns_a_changed_copy():
    rs = ruleset("f", "RS", "t", "s", [Rule("a", "c", Confidence.UNCONFIRMED, "s", D(1))])
    new = rs.with_rule("a", data=D(2))
    assert new.rule("a").data == D(2) and rs.rule("a").data == D(1)


def test_item_and_test_result():
    r = Rule("a", "clause", Confidence.CONFIRMED, "s")
    ok = item("x", error=D("-1"), mpe=D(1), unit="g", rule=r, extra="y")
    bad = item("y", error=None, mpe=None, unit="", rule=r, passed=False)
    assert ok == {
        "label": "x",
        "error": "-1",
        "mpe": "1",
        "unit": "g",
        "verdict": "pass",
        "rule": "clause",
        "extra": "y",
    }
    assert test_result("k", [ok])["verdict"] == "pass"
    assert test_result("k", [ok, bad], n="3") == {
        "kind": "k",
        "verdict": "fail",
        "n": "3",
        "items": [ok, bad],
    }
