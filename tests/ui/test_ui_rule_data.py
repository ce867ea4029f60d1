"""A record judged under an older rule data version says so: in the editor (beside the
verdict), in the office review panel and in the report PDF; a record judged under the rule
data in use says nothing."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from stall_world import stall_inspection

from inspector_app import i18n
from inspector_app.crypto import keys
from inspector_app.domain.models import Inspection, ReferenceStandard, new_id
from inspector_app.domain.rules import ruledata
from inspector_app.services import rule_data as rd
from inspector_app.services.reports import build_report
from inspector_app.services.review import set_role

PASS = b"correct horse battery"
PD = {"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "pd", "data": "0.5"}


@pytest.fixture(autouse=True)
def builtin_after():
    yield
    for v in ruledata.versions()[2:]:
        ruledata.uninstall(v)


def _record(store, stall) -> Inspection:
    w = store.standards.save(
        ReferenceStandard(
            new_id(), "test_weight", "M1 砝码组", "JZ-1", "2027-12-31", "M1", mpe="0.5", unit="g"
        )
    )
    return stall_inspection(
        store,
        stall,
        "2026-03-14T09:20",
        actor="t",
        checklist={"seals": "yes"},
        tests=[{"kind": "weighing", "points": [{"load": "10000", "indication": "10005"}]}],
        standards=[w.id],
    )


def _office_override(store, tmp_path):
    set_role(store, "supervisor")
    ident = keys.init_identity(tmp_path / "keys", "County Office", PASS)
    rd.override(store, {"version": "hf-2027-1", "overrides": [PD]}, "published", ident)


def test_editor_and_review_panel_say_the_record_rests_on_older_rule_data(
    qtbot, store, stall, tmp_path, db_path
):
    lang = i18n.current_language()
    i18n.set_language("zh")
    try:
        _editor_and_panel(qtbot, store, stall, tmp_path, db_path)
    finally:
        i18n.set_language(lang)


def _editor_and_panel(qtbot, store, stall, tmp_path, db_path):
    from inspector_app.ui.inspection_editor import InspectionEditor
    from inspector_app.ui.office import review_panel as rp

    insp = _record(store, stall)
    assert insp.result["rule_data"] == "builtin-2"
    editor = InspectionEditor(store, insp.id)
    qtbot.addWidget(editor)
    assert "规则数据" not in editor.pending_label.text()  # judged under the data in use
    _office_override(store, tmp_path)
    editor = InspectionEditor(store, insp.id)
    qtbot.addWidget(editor)
    text = editor.pending_label.text()
    assert "本记录按规则数据版本 builtin-2 判定，现行版本为 hf-2027-1" in text
    panel = rp.ReviewPanel(store, rp.IdentityCache(db_path))
    qtbot.addWidget(panel)
    panel.show_inspection(insp.id)
    assert "builtin-2" in panel.values["verdict"].text()
    assert "hf-2027-1" in panel.values["verdict"].text()
    i18n.set_language("en")
    panel.show_inspection(insp.id)
    assert "Judged under rule data builtin-2; hf-2027-1 is in use now" in (
        panel.values["verdict"].text()
    )


def test_report_pdf_carries_the_caveat(store, stall, tmp_path):
    insp = _record(store, stall)

    def text(lang):
        path = tmp_path / f"r-{lang}.pdf"
        path.write_bytes(build_report(store, insp.id, lang).pdf)
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        return "".join(out.stdout.decode("utf-8").split())

    assert "规则数据版本" not in text("zh")
    _office_override(store, tmp_path)
    assert "本记录按规则数据版本builtin-2判定，现行版本为hf-2027-1" in text("zh")
    assert "Judgedunderruledatabuiltin-2;hf-2027-1isinusenow" in text("en")


def test_supervisor_window_confirms_a_value_signed(qtbot, store, db_path, monkeypatch):
    from inspector_app.domain.rules import evaluate
    from inspector_app.paths import keys_dir
    from inspector_app.ui.office import dialogs
    from inspector_app.ui.office import review_panel as rp
    from inspector_app.ui.office.rule_data_dialog import RuleDataDialog

    set_role(store, "supervisor")
    keys.init_identity(keys_dir(db_path), "County Office", PASS)
    asked = []
    monkeypatch.setattr(dialogs, "ask_passphrase", lambda *a, **k: asked.append(1) or PASS)
    dlg = RuleDataDialog(store, rp.IdentityCache(db_path), actor="supervisor")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitActive(dlg)
    assert dlg.select("JJG 952-2014", "pd")
    row = dlg.current()
    assert row["data"] == "1" and dlg.state(row) == "unconfirmed"
    assert dlg.value.toPlainText() == "1"
    # a bad value and a missing reason are refused before the key is asked for; nothing lost
    dlg.value.setPlainText("-1")
    qtbot.keyClicks(dlg.reason, "published text")
    assert dlg.save() is False and "overrides[0].data" in dlg.message.text()
    assert asked == [] and dlg.reason.text() == "published text"
    dlg.value.setPlainText("0.5")
    dlg.reason.clear()
    assert dlg.save() is False and asked == []
    qtbot.keyClicks(dlg.reason, "JJG 952-2014 5.2, p. 3")
    qtbot.keyClicks(dlg.source, "JJG 952-2014 p. 3")
    # Ctrl+S signs and saves (sent to the window, as a real key press reaches the shortcut map)
    QTest.keyClick(dlg.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1], dlg.message.text()
    assert "office-1" in dlg.message.text() and "office-1" in dlg.version_label.text()
    row = dlg.current()
    assert (row["ruleset"], row["key"], row["data"]) == ("JJG 952-2014", "pd", "0.5")
    assert dlg.state(row) == "office"
    (v,) = rd.versions(store)
    assert v.reason == "JJG 952-2014 5.2, p. 3" and v.created_by == "County Office"
    req = {
        "family": "pd_meter",
        "ruleset": "JJG 952-2014",
        "check": "subsequent",
        "instrument": {},
        "tests": [{"kind": "pd", "items": [{"reference": "62", "reading": "62.5"}]}],
    }
    assert evaluate(req)["rule_data"] == "office-1"
    # the filter of open values no longer lists it
    dlg.only_open.setChecked(True)
    assert not dlg.select("JJG 952-2014", "pd") and dlg.select("JJG 952-2014", "asymmetry")


def test_office_menu_opens_the_rule_data_window_for_a_supervisor_only(qtbot, store):
    from inspector_app.ui import main_window as mw
    from inspector_app.ui import office
    from inspector_app.ui.office.rule_data_dialog import RuleDataDialog

    set_role(store, "supervisor")
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    mode = office.install(win)
    action = mode.actions["office_rule_data"]
    assert action in mode.menu.actions() and action.isEnabled()
    action.trigger()
    dialogs = win.findChildren(RuleDataDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()
    mode.set_role("inspector")
    assert not action.isEnabled() and mode.show_rule_data() is None
    win.close()
