"""Reference standards: expiry shown with words and colour; editor validation."""

from __future__ import annotations

import datetime as dt

import pytest

from inspector_app import i18n
from inspector_app.domain.models import ReferenceStandard, new_id
from inspector_app.ui.standards_dialog import StandardEditor, StandardsPage


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def test_page_shows_expired_standards_in_words(qtbot, store):
    past = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    soon = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    store.standards.save(
        ReferenceStandard(new_id(), "test_weight", "M1 weights 1 g–10 kg", "JL-2025-001", past)
    )
    store.standards.save(ReferenceStandard(new_id(), "metal_can", "20 L can", "JL-2025-002", soon))
    page = StandardsPage(store)
    qtbot.addWidget(page)
    page.refresh()
    texts = {
        page.model.data(page.model.index(r, 0)): page.model.data(page.model.index(r, 6))
        for r in range(2)
    }
    assert texts["M1 weights 1 g–10 kg"].startswith("✗ Expired")
    assert "Expires in 5 days" in texts["20 L can"]
    assert page.summary.text() == "2 standards · 1 expired · 1 expiring within 30 days"
    i18n.set_language("zh")
    assert "已过期" in page.model.data(page.model.index(0, 6)) or "已过期" in page.model.data(
        page.model.index(1, 6)
    )
    assert "1 件已过期" in page.summary.text()


def test_editor_rejects_a_bad_date_at_the_field(qtbot, store):
    dialog = StandardEditor(store)
    qtbot.addWidget(dialog)
    dialog.fields["name"].setText("Reference lens set")
    dialog.fields["kind"].setCurrentIndex(dialog.fields["kind"].findData("reference_lens"))
    dialog.fields["valid_until"].setText("next year")
    dialog.accept()
    assert "date" in dialog.errors.message("standard.valid_until")
    assert store.standards.list() == []
    dialog.fields["valid_until"].setText("2027-01-31")
    dialog.fields["mpe"].setText("-1")
    dialog.accept()
    assert dialog.errors.message("standard.mpe")
    assert store.standards.list() == []
    dialog.fields["mpe"].setText("0.02")
    dialog.fields["unit"].setText("D")
    dialog.accept()
    [saved] = store.standards.list()
    assert (
        saved.valid_until == "2027-01-31" and saved.mpe == "0.02" and saved.kind == "reference_lens"
    )
