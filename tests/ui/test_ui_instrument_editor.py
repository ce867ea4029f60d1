"""Instrument editor: family-specific nameplate fields, live class/e/Max plausibility."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from inspector_app import i18n
from inspector_app.ui.instrument_editor import InstrumentEditor


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def new_scale(qtbot, store, premises_id, **metrology):
    dialog = InstrumentEditor(store, None, premises_id=premises_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fields["family"].setCurrentIndex(dialog.fields["family"].findData("scale"))
    dialog.fields["accuracy_class"].setCurrentText(metrology.pop("cls", "III"))
    for key, value in metrology.items():
        w = dialog.metro_fields["scale"][key]
        w.clear()
        qtbot.keyClicks(w, value)
    return dialog


def test_family_switch_shows_its_nameplate_fields(qtbot, store, stall):
    p, _ = stall
    dialog = InstrumentEditor(store, None, premises_id=p.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fields["family"].setCurrentIndex(dialog.fields["family"].findData("fuel_dispenser"))
    assert dialog.metro_fields["fuel_dispenser"]["qmax"].isVisible()
    assert not dialog.metro_fields["scale"]["max"].isVisible()
    assert [dialog.fields["accuracy_class"].itemText(i) for i in range(3)] == ["0.5", "0.3", "1.0"]


def test_implausible_class_e_max_is_flagged_at_the_field(qtbot, store, stall):
    p, _ = stall
    dialog = new_scale(qtbot, store, p.id, max="15000", e="3")
    assert "1, 2 or 5" in dialog.warnings["e"].text()
    dialog.metro_fields["scale"]["e"].clear()
    qtbot.keyClicks(dialog.metro_fields["scale"]["e"], "1000")  # n = 15
    assert "n = Max/e = 15" in dialog.warnings["max"].text()
    dialog.metro_fields["scale"]["e"].clear()
    qtbot.keyClicks(dialog.metro_fields["scale"]["e"], "5")
    assert not dialog.warnings["max"].text() and not dialog.warnings["e"].text()


def test_implausible_scale_asks_before_saving(qtbot, store, stall, monkeypatch):
    p, _ = stall
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    dialog = new_scale(qtbot, store, p.id, max="15000", e="1000")
    count = len(store.instruments.list())
    dialog.accept()
    assert asked and "implausible" in asked[0]
    assert len(store.instruments.list()) == count and dialog.isVisible()


def test_bad_number_is_shown_at_its_field_and_nothing_saved(qtbot, store, stall):
    p, _ = stall
    dialog = new_scale(qtbot, store, p.id, max="15 kg", e="5")
    before = store.fingerprint()
    dialog.accept()
    assert "must be a number" in dialog.metro_errors["scale"].message("instrument.max")
    assert store.fingerprint() == before
    dialog.fields["last_verified"].setText("2026-13-01")
    dialog.metro_fields["scale"]["max"].setText("15000")
    dialog.accept()
    assert "date" in dialog.errors.message("instrument.last_verified")
    assert store.fingerprint() == before


def test_valid_scale_is_saved_with_its_metrology(qtbot, store, stall):
    p, _ = stall
    dialog = new_scale(qtbot, store, p.id, max="30", e="0.01", min="0.2")
    dialog.metro_fields["scale"]["unit"].setCurrentIndex(1)  # kg
    dialog.fields["serial"].setText("S-NEW-1")
    dialog.fields["next_due"].setText("2027-03-01")
    assert not dialog.check_classification()
    dialog.accept()
    saved = store.instruments.get(dialog.saved_instrument.id)
    assert saved.metrology == {"max": "30", "e": "0.01", "min": "0.2", "unit": "kg"}
    assert (
        saved.serial == "S-NEW-1"
        and saved.next_due == "2027-03-01"
        and saved.accuracy_class == "III"
    )


def test_edit_keeps_fields_the_form_does_not_show(qtbot, store, stall):
    p, ins = stall
    ins.metrology["ranges"] = [{"max": "6000", "e": "2"}, {"max": "15000", "e": "5"}]
    store.instruments.save(ins)
    dialog = InstrumentEditor(store, store.instruments.get(ins.id))
    qtbot.addWidget(dialog)
    assert dialog.metro_fields["scale"]["max"].text() == "15000"
    dialog.fields["seals"].setText("铅封完好")
    dialog.accept()
    saved = store.instruments.get(ins.id)
    assert saved.seals == "铅封完好" and saved.metrology["ranges"][0]["e"] == "2"
