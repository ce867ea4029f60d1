"""The supervisor's review panel: enough to judge a record, a confirmation before approving,
and the language followed at once."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from inspector_app import i18n
from inspector_app.services.demo import generate
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui.office import review_panel as rp


@pytest.fixture
def panel(qtbot, store, db_path):
    i18n.set_language("en")
    generate(store, premises=6, inspections=40, seed=4)
    p = rp.ReviewPanel(store, rp.IdentityCache(db_path))
    qtbot.addWidget(p)
    p.show()
    yield p
    i18n.set_language("en")
    p.inspection_id = None  # the store closes after this fixture


def _failing(store, with_findings: bool):
    for s in store.inspections.list(
        InspectionFilter(status="finalized", verdict="fail"), limit=200
    ):
        insp = store.inspections.require(s.id)
        if bool(insp.findings) == with_findings and insp.result.get("failed"):
            return insp
    pytest.skip("the demo data set has no such inspection")  # pragma: no cover


def test_review_shows_failed_items_checklist_and_photos(panel, store):
    insp = _failing(store, with_findings=True)
    panel.show_inspection(insp.id)
    assert panel.failed_label.isVisible()
    assert "✘" in panel.failed_label.text()
    assert "Checklist" in panel.checklist_label.text()
    assert "Photos" in panel.photos_title.text()


def test_approving_a_fail_without_findings_asks_plainly(panel, store, monkeypatch):
    insp = _failing(store, with_findings=True)
    store_insp = dataclasses.replace(insp, findings=[])
    asked = []

    def question(_parent, title, text, *a):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(rp.QMessageBox, "question", question)
    panel.inspection_id = insp.id
    assert panel.confirm_approve(store_insp) is False
    assert "FAILED and has no findings" in asked[-1]
    monkeypatch.setattr(panel.identities, "get", lambda _p: pytest.fail("no key asked"))
    assert panel.decide("approved") is False  # "No": nothing recorded, no passphrase asked


def test_review_panel_follows_a_language_switch(panel, store):
    insp = _failing(store, with_findings=True)
    panel.show_inspection(insp.id)
    i18n.set_language("zh")
    assert "检查项目" in panel.checklist_label.text()
    assert "不合格" in panel.values["verdict"].text()
    severities = [panel.findings.item(r, 3).text() for r in range(panel.findings.rowCount())]
    assert not any(s in ("major", "minor") for s in severities)


def test_review_queue_shows_the_kind_of_check_and_a_short_date(qtbot):
    from inspector_app.store.review import QueueRow
    from inspector_app.ui.office.review_queue import COLUMNS, QueueModel

    model = QueueModel()
    model.set_rows(
        [
            QueueRow(
                "i",
                "r",
                1,
                "2026-12-04T17:50:12+08:00",
                "fuel_dispenser",
                "subsequent",
                "fail",
                "张伟",
                "中石化",
                "",
                "合肥市",
                "F1",
                "bundle",
                "pending",
                False,
            )
        ],
        1,
    )
    cells = {COLUMNS[c]: model.index(0, c).data() for c in range(len(COLUMNS))}
    assert cells["Date"] == "2026-12-04 17:50"
    assert cells["Kind of check"] == "Subsequent verification"
    assert (
        model.index(0, COLUMNS.index("Verdict")).data(Qt.ItemDataRole.ForegroundRole).name()
        == "#c0392b"
    )
