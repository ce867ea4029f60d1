"""The rule data window speaks the window's language: every rule's summary has its Chinese
in the catalogue, and the zh window shows it (the en window the English)."""

from __future__ import annotations

import re

import pytest

from inspector_app import i18n
from inspector_app.domain.rules import list_rulesets
from inspector_app.services.review import set_role

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_rule_summary_has_its_chinese():
    summaries = {r.summary for info in list_rulesets(None) for r in info.rules}
    assert len(summaries) > 50
    missing = sorted(s for s in summaries if not CJK.search(i18n.tr(s, "zh")))
    assert missing == []
    assert i18n.tr("zero-setting accuracy |E0| ≤ 0.25 e", "zh") == "置零准确度 |E0| ≤ 0.25 e"


@pytest.fixture
def restore_language():
    lang = i18n.current_language()
    yield
    i18n.set_language(lang)


def test_the_zh_window_shows_chinese_summaries(qtbot, store, db_path, restore_language):
    from inspector_app.ui.office import review_panel as rp
    from inspector_app.ui.office.rule_data_dialog import RuleDataDialog

    set_role(store, "supervisor")
    i18n.set_language("zh")
    dlg = RuleDataDialog(store, rp.IdentityCache(db_path), actor="supervisor")
    qtbot.addWidget(dlg)
    dlg.show()
    shown = [dlg.table.item(n, 2).text() for n in range(dlg.table.rowCount())]
    assert shown and all(CJK.search(t) for t in shown), [t for t in shown if not CJK.search(t)]
    assert dlg.select("JJG 952-2014", "pd")
    assert "瞳距读数最大允许误差" in dlg.selected_label.text()
    i18n.set_language("en")  # the window follows the language switch
    assert dlg.table.item(0, 2).text() == dlg.rows[0]["summary"]
    assert not CJK.search(dlg.table.item(0, 2).text())
