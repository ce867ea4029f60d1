"""Settings → Certificate numbers…: the ledger in a table, voiding the selected number with
a reason (audited), a gap named under the table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector_app import i18n
from inspector_app.services.reports import report_data
from inspector_app.store.reports import certificate_ledger
from inspector_app.ui.certificate_numbers import CertificateNumbersDialog


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def test_void_the_selected_number_with_a_reason(qtbot, store, samples):
    number = report_data(store, samples.scale.id, issue=True).certificate_no
    dlg = CertificateNumbersDialog(store, actor="王主任")
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 0).text() == number
    assert dlg.table.item(0, 2).text() == "issued" and not dlg.gaps.isVisible()
    assert not dlg.void_button.isEnabled()  # nothing selected
    dlg.table.selectRow(0)
    assert dlg.void_button.isEnabled()
    # cancelled: nothing happens; an empty reason: refused with one sentence
    dlg.ask_reason = lambda number: None
    qtbot.mouseClick(dlg.void_button, Qt.MouseButton.LeftButton)
    assert certificate_ledger(store)[0]["status"] == "issued"
    dlg.ask_reason = lambda number: "   "
    qtbot.mouseClick(dlg.void_button, Qt.MouseButton.LeftButton)
    assert certificate_ledger(store)[0]["status"] == "issued" and dlg.error.message()
    dlg.ask_reason = lambda number: "打印错误，未交付"
    qtbot.mouseClick(dlg.void_button, Qt.MouseButton.LeftButton)
    row = certificate_ledger(store)[0]
    assert row["status"] == "void" and row["voided_by"] == "王主任"
    assert row["void_reason"] == "打印错误，未交付"
    assert store.audit_entries(1)[0]["action"] == "certificate.void"
    assert dlg.table.item(0, 2).text() == "void" and f"{number} is void" in dlg.message.text()
    dlg.table.selectRow(0)
    assert not dlg.void_button.isEnabled()  # void already
    # a deleted ledger row is named under the table
    report_data(store, samples.scale.id, issue=True)  # the next number, 000002
    store.conn.execute("DELETE FROM certificate_numbers WHERE number = ?", (number,))
    dlg.reload()
    assert dlg.gaps.isVisible() and "Number 1 of 2026 is missing" in dlg.gaps.text()
    i18n.set_language("zh")
    assert dlg.windowTitle() != "Certificate numbers"


def test_settings_opens_the_ledger(qtbot, store, monkeypatch):
    from inspector_app.ui import settings as st

    opened = []
    monkeypatch.setattr(
        "inspector_app.ui.certificate_numbers.CertificateNumbersDialog.exec",
        lambda self: opened.append(self.store) or 0,
    )
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    parent.store = store
    qtbot.addWidget(parent)
    dlg = st.SettingsDialog(parent)  # a child of parent: closed with it
    assert dlg.numbers_button.text().replace("&", "") == "Certificate numbers…"
    qtbot.mouseClick(dlg.numbers_button, Qt.MouseButton.LeftButton)
    assert opened == [store]
