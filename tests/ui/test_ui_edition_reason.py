"""Choosing another rule edition in the inspection editor asks for a reason (one line):
cancelled or empty, nothing changes; given, the record keeps it with the change, the audit
trail has it, and the office's review panel shows it."""

from __future__ import annotations

import json

import pytest

from inspector_app import i18n
from inspector_app.ui.inspection_editor import InspectionEditor


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def _other_edition(editor) -> str:
    combo = editor.ruleset_combo
    others = [combo.itemData(i) for i in range(combo.count())]
    others = [r for r in others if r != editor.insp.ruleset]
    assert others, "the scale family offers more than one edition"
    return others[0]


def _choose(editor, ruleset: str) -> None:
    combo = editor.ruleset_combo
    combo.setCurrentIndex(combo.findData(ruleset))
    combo.activated.emit(combo.currentIndex())


def _audit(store, inspection_id):
    return [
        json.loads(r[0])
        for r in store.conn.execute(
            "SELECT detail FROM audit WHERE action = 'inspection.edition' AND entity_id = ?",
            (inspection_id,),
        )
    ]


def test_a_rule_set_change_needs_a_reason(qtbot, store, stall, monkeypatch, db_path):
    _p, scale = stall
    editor = InspectionEditor.new_for_instrument(store, scale.id, "张伟")
    qtbot.addWidget(editor)
    first = editor.insp.ruleset
    other = _other_edition(editor)
    asked = []

    def cancel(old, new):
        asked.append((old, new))
        return None

    monkeypatch.setattr(editor, "ask_edition_reason", cancel)
    _choose(editor, other)
    assert asked == [(first, other)]
    assert editor.insp.ruleset == first and editor.ruleset_combo.currentData() == first
    assert "须说明理由" in editor.statusBar().currentMessage()
    monkeypatch.setattr(editor, "ask_edition_reason", lambda old, new: "   ")
    _choose(editor, other)
    assert editor.insp.ruleset == first and _audit(store, editor.insp.id) == []

    monkeypatch.setattr(editor, "ask_edition_reason", lambda old, new: "型式批准证书注明旧规程")
    _choose(editor, other)
    assert editor.insp.ruleset == other
    change = {"from": first, "to": other, "reason": "型式批准证书注明旧规程"}
    assert editor.insp.environment["edition_changes"] == [change]
    assert _audit(store, editor.insp.id) == [change]
    assert editor.save_now()
    stored = store.inspections.require(editor.insp.id)
    assert stored.ruleset == other and stored.environment["edition_changes"] == [change]
    # one undo puts back both the rule set and the reason
    editor.undo_stack.undo()
    assert editor.insp.ruleset == first and "edition_changes" not in editor.insp.environment

    from inspector_app.ui.office import review_panel as rp

    panel = rp.ReviewPanel(store, rp.IdentityCache(db_path))
    qtbot.addWidget(panel)
    panel.show_inspection(stored.id)
    text = panel.values["check"].text()
    assert f"依据规程由 {first} 改为 {other}：型式批准证书注明旧规程" in text
    i18n.set_language("en")
    panel.show_inspection(stored.id)
    assert f"Rule set changed from {first} to {other}" in panel.values["check"].text()
