"""The duties of the premises in the visit editor: each duty's wording is as wide as its
answer box, so it wraps only where the box's width ends (a form row used to keep a wrapped
label at its own narrow width, about 160 px, and broke "负责" into "负 / 责")."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from inspector_app import i18n
from inspector_app.domain.models import Premises, new_id
from inspector_app.services import visits as vs
from inspector_app.ui.visit_editor import VisitEditor


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_duty_reads_across_the_whole_box(qtbot, store, lang):
    i18n.set_language(lang)
    market = "合肥市周谷堆农产品批发市场"
    store.premises.save(Premises(new_id(), "market_stall", "摊位01", market=market, stall_no="A01"))
    visit = vs.new_visit(store, inspector="t", market=market)
    assert visit.duty_set == "market"
    editor = VisitEditor(store, visit.id)
    qtbot.addWidget(editor)
    editor.resize(1366, 740)
    editor.show()
    qtbot.waitExposed(editor)
    QApplication.processEvents()
    assert len(editor.duty_labels) >= 3
    short = 0
    for key, label in editor.duty_labels.items():
        box = editor.duty_boxes[key]
        assert label.width() >= box.width() - 2, (key, label.width(), box.width())
        metrics = label.fontMetrics()
        if metrics.horizontalAdvance(label.text()) < label.contentsRect().width() - 4:
            short += 1  # it fits on one line: it is shown on one line
            assert label.height() < 2 * metrics.lineSpacing(), (key, label.text())
    assert short >= 1  # the check above ran on a real label
