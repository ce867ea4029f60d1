"""Issuing body in Settings (stored in the database) and Finalize saying why no certificate."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from inspector_app.services.certificates import issuing_body
from inspector_app.ui import settings
from inspector_app.ui.finalize_dialog import FinalizeDialog


class Host(QWidget):
    def __init__(self, store):
        super().__init__()
        self.store = store


def test_settings_edit_the_issuing_body_in_the_database(qtbot, store):
    host = Host(store)
    qtbot.addWidget(host)
    dialog = settings.SettingsDialog(host)  # a child of host: deleted with it
    e = dialog.body_editors
    e["name_zh"].setText("合肥市计量测试研究院")
    e["name_en"].setText("Hefei Institute of Metrology")
    e["address"].setText("合肥市包河区花园大道 88 号")
    e["phone"].setText("0551-63350000")
    e["authorised"].setChecked(True)
    e["authorisation_no"].setText("")
    dialog.accept()  # authorised without its authorisation number: refused, nothing saved
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "authorisation" in dialog.body_error.text() or "授权" in dialog.body_error.text()
    assert not issuing_body(store).authorised
    e["authorisation_no"].setText("（皖）法计（2024）01001号")
    e["inspector_cert_no"].setText("皖JD-0042")
    dialog.editors["inspector_name"].setText("李建国")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    body = issuing_body(store)
    assert body.authorised and body.name_zh == "合肥市计量测试研究院"
    assert body.authorisation_no == "（皖）法计（2024）01001号" and body.minus_one_day
    assert store.meta("inspector.cert_no:李建国") == "皖JD-0042"
    again = settings.SettingsDialog(host)  # reopened: the stored values are shown
    assert again.body_editors["address"].text() == "合肥市包河区花园大道 88 号"


def test_settings_without_a_database_have_no_issuing_body_section(qtbot):
    dialog = settings.SettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.body_editors == {} and dialog.body_box.isHidden()


def test_finalize_names_what_stops_a_certificate(qtbot):
    reasons = ["No reference standard is recorded.", "The test programme is incomplete: …"]
    dlg = FinalizeDialog("pass", [], 0, [], None, reasons)
    qtbot.addWidget(dlg)
    assert not dlg.blockers_label.isHidden()
    assert all(r in dlg.blockers_label.text() for r in reasons)
    plain = FinalizeDialog("pass", [], 0, [], None, [])
    qtbot.addWidget(plain)
    assert plain.blockers_label.isHidden()


def test_the_issuing_bodys_text_fields_show_a_whole_name(qtbot, store):
    # The section's long check-box labels used to squeeze its text fields to about 100 px,
    # cutting the body's name, address and authorisation number.
    from inspector_app import i18n

    before = i18n.current_language()
    i18n.set_language("zh")
    try:
        host = Host(store)
        qtbot.addWidget(host)
        dialog = settings.SettingsDialog(host)
        dialog.show()
        qtbot.waitExposed(dialog)
        e = dialog.body_editors
        e["authorisation_no"].setText("(皖)法计(2024)01005号")
        for key in ("name_zh", "name_en", "address", "authorisation_no", "inspector_cert_no"):
            assert e[key].width() >= settings.BODY_FIELD_MIN_WIDTH, key
        metrics = e["authorisation_no"].fontMetrics()
        assert (
            metrics.horizontalAdvance(e["authorisation_no"].text()) < e["authorisation_no"].width()
        )
        dialog.close()
    finally:
        i18n.set_language(before)
