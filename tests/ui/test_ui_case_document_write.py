"""The cases window saves a case's document atomically: when the disk fills up half way
through the PDF, no broken file is left under the name and an older file stays intact."""

from __future__ import annotations

import datetime as dt

from case_window_world import shown
from case_world import cheating_case
from disk_full import fill_disk

from inspector_app import i18n


def test_a_document_write_that_fails_leaves_no_broken_file(
    qtbot, store, stall, tmp_path, monkeypatch
):
    i18n.set_language("en")
    cheating_case(store, stall)
    win = shown(qtbot, store, dt.date(2025, 3, 4))
    win.doc_kind.setCurrentIndex(win.doc_kind.findData("filing"))
    win.sign.setChecked(False)
    folder = tmp_path / "out"
    folder.mkdir()
    kept = folder / "kept.pdf"
    kept.write_bytes(b"%PDF- the filing form printed yesterday")
    fill_disk(monkeypatch, folder)
    assert win.save_document(str(folder / "filing.pdf")) is None
    assert sorted(p.name for p in folder.iterdir()) == ["kept.pdf"]
    assert "the disk is full" in win.status.text()
    assert win.save_document(str(kept)) is None
    assert kept.read_bytes() == b"%PDF- the filing form printed yesterday"
    assert sorted(p.name for p in folder.iterdir()) == ["kept.pdf"]
    monkeypatch.undo()
    assert win.save_document(str(kept)) == kept
    assert kept.read_bytes().startswith(b"%PDF-1")
