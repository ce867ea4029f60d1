"""docs/rules.md is generated from the rule-set data and must match it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from inspector_app.domain.rules import docgen, list_rulesets
from inspector_app.domain.rules.core import Band

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_committed_docs_match_the_rule_data():
    assert DOC.read_text(encoding="utf-8") == docgen.generate(), (
        "docs/rules.md is stale: run `python -m inspector_app.domain.rules.docgen > docs/rules.md`"
    )


def test_every_rule_is_documented_with_clause_and_mark():
    text = docgen.generate()
    for info in list_rulesets():
        assert f"### {info.name}" in text
        for rule in info.rules:
            assert (
                f"| `{rule.key}` | {docgen.cell(rule.clause)} | {rule.confidence.mark} {rule.confidence.value} |"
                in text
            )


def test_render():
    assert docgen.render(None) == "—"
    assert docgen.render(Decimal("0.50")) == "0.5"
    assert docgen.render(Band(None, Decimal(2))) == "above: 2"
    assert docgen.render({"a": Decimal(1)}) == "a: 1"
    assert docgen.render((Decimal(1), None)) == "(1, —)"
    assert docgen.render("x") == "x"
    assert docgen.cell("|a|\nb") == "\\|a\\| b"


def test_main_writes_the_document(capsys):
    assert docgen.main() == 0
    assert capsys.readouterr().out == docgen.generate()
