"""The inspection editor driven like an inspector drives it, checked on screen and in the DB."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QLineEdit

from inspector_app.domain.models import Finding, ReferenceStandard, new_id
from inspector_app.i18n import set_language
from inspector_app.ui.inspection_editor import InspectionEditor


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def editor(qtbot, store, stall):
    _p, scale = stall
    ed = InspectionEditor.new_for_instrument(store, scale.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    return ed


def table_of(ed, kind, nth=0):
    return [t for t in ed.tables if t.model.form_test.kind == kind][nth]


def col(model, path):
    return next(i for i, c in enumerate(model.columns) if c.path == path)


def type_into(qtbot, view, row, column, text):
    index = view.model().index(row, column)
    view.scrollTo(index)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editor) == 1
    editor[0].selectAll()
    qtbot.keyClicks(editor[0], text)
    qtbot.keyClick(editor[0], Qt.Key.Key_Return)


def verdict_cell(table, row):
    m = table.model
    return m.index(row, len(m.columns) + 2)


def stored_weighing(store, ed):
    insp = store.inspections.require(ed.insp.id)
    return next(t for t in insp.tests if t["kind"] == "weighing"), insp


def test_new_editor_shows_the_form(editor, store):
    kinds = [t.model.form_test.kind for t in editor.tables]
    assert kinds[:3] == ["classification", "weighing", "eccentricity"]
    assert editor.check_combo.currentData() == "in_service"
    assert editor.ruleset_combo.currentData() == "JJG 539-2016"
    assert "Seals intact" in [lbl.text() for lbl in editor.checklist.labels.values()]
    assert store.inspections.require(editor.insp.id).status == "draft"
    assert editor.inspection_menu.actions()  # the reports engineer adds export here


def test_typing_a_reading_judges_it_and_saves_it(qtbot, editor, store):
    weighing = table_of(editor, "weighing")
    c = col(weighing.model, "indication")
    with qtbot.waitSignal(editor.saved, timeout=3000):
        type_into(qtbot, weighing.view, 0, c, "105")  # 100 g, in service: MPE ±5 g, on the limit
    cell = verdict_cell(weighing, 0)
    assert cell.data() == "✔ pass"
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == QColor("#dcf2e3")
    test, insp = stored_weighing(store, editor)
    assert test["points"][0] == {"load": "100", "indication": "105"}
    item = next(t for t in insp.result["tests"] if t["kind"] == "weighing")["items"][0]
    assert (item["error"], item["mpe"], item["verdict"]) == ("5", "5", "pass")

    with qtbot.waitSignal(editor.saved, timeout=3000):
        type_into(qtbot, weighing.view, 0, c, "110")  # one step (e = 5 g) beyond
    assert verdict_cell(weighing, 0).data() == "✘ fail"
    assert editor.verdict_label.text() == "✘ FAIL"
    assert "100 g" in editor.failed()
    _test, insp = stored_weighing(store, editor)
    assert insp.verdict == "fail" and insp.result["failed"] == ["100 g"]


@pytest.mark.parametrize("text", ["abc", "NaN"])
def test_invalid_value_shows_an_error_and_stores_nothing(qtbot, editor, store, text):
    weighing = table_of(editor, "weighing")
    c = col(weighing.model, "indication")
    with qtbot.waitSignal(editor.saved, timeout=3000):
        type_into(qtbot, weighing.view, 0, c, "100")
    type_into(qtbot, weighing.view, 0, c, text)
    index = weighing.model.index(0, c)
    assert index.data() == text and "must be a number" in index.data(Qt.ItemDataRole.ToolTipRole)
    editor.save_now()
    test, _insp = stored_weighing(store, editor)
    assert test["points"][0]["indication"] == "100"


def test_pending_row_is_shown_as_pending(qtbot, editor):
    weighing = table_of(editor, "weighing")
    assert verdict_cell(weighing, 1).data() == "… pending"
    type_into(qtbot, weighing.view, 1, col(weighing.model, "added"), "1")
    assert verdict_cell(weighing, 1).data() == "… pending"
    assert "1 row or test incomplete" in editor.pending_label.text()


def test_undo_and_redo_readings_checklist_and_findings(qtbot, editor, store):
    weighing = table_of(editor, "weighing")
    c = col(weighing.model, "indication")
    type_into(qtbot, weighing.view, 0, c, "105")
    type_into(qtbot, weighing.view, 0, c, "110")
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert weighing.model.test["points"][0]["indication"] == "105"
    assert verdict_cell(weighing, 0).data() == "✔ pass"
    qtbot.keyClick(
        editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert weighing.model.test["points"][0]["indication"] == "110"

    editor.checklist.buttons[("seals", "no")].click()
    assert editor.insp.checklist == {"seals": "no"}
    assert any("Seals broken or missing" in f for f in editor.failed())  # failed wording
    editor.undo_stack.undo()
    assert (
        editor.insp.checklist == {}
        and editor.checklist.buttons[("seals", "no")].isChecked() is False
    )
    editor.undo_stack.redo()
    assert editor.checklist.buttons[("seals", "no")].isChecked()

    editor.findings.add_requested.emit(editor.findings.quick_finding("cheat_keys"))
    assert [f.code for f in editor.insp.findings] == ["cheat_keys"] and editor.insp.findings[
        0
    ].cheating
    editor.undo_stack.undo()
    assert editor.insp.findings == []
    editor.undo_stack.redo()
    with qtbot.waitSignal(editor.saved, timeout=3000):
        pass
    stored = store.inspections.require(editor.insp.id)
    assert stored.checklist == {"seals": "no"} and [f.code for f in stored.findings] == [
        "cheat_keys"
    ]
    assert stored.tests[1]["points"][0]["indication"] == "110"


def test_finalize_makes_it_read_only_and_sealed(qtbot, editor, store, monkeypatch):
    weighing = table_of(editor, "weighing")
    c = col(weighing.model, "indication")
    type_into(qtbot, weighing.view, 0, c, "105")
    type_into(qtbot, weighing.view, 1, c, "2500")
    asked = {}

    def confirm(verdict, failed, left_out, warnings):
        asked.update(verdict=verdict, failed=failed, left_out=left_out)
        return True

    monkeypatch.setattr(editor, "confirm_finalize", confirm)
    with qtbot.waitSignal(editor.finalized, timeout=3000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked == {"verdict": "pass", "failed": [], "left_out": 0}
    stored = store.inspections.require(editor.insp.id)
    assert stored.status == "finalized" and len(stored.content_hash) == 64
    weighing_stored = next(t for t in stored.tests if t["kind"] == "weighing")
    assert weighing_stored["points"] == [
        {"load": "100", "indication": "105"},
        {"load": "2500", "indication": "2500"},
    ]
    assert all(t["kind"] != "zero" for t in stored.tests)  # nothing typed: left out
    assert (
        editor.read_only
        and not editor.finalize_action.isEnabled()
        and editor.correct_action.isEnabled()
    )
    assert editor.inspector_edit.isReadOnly() and not editor.check_combo.isEnabled()
    weighing = table_of(editor, "weighing")
    assert not (weighing.model.flags(weighing.model.index(0, c)) & Qt.ItemFlag.ItemIsEditable)
    assert not editor.checklist.buttons[("seals", "yes")].isEnabled()
    assert not editor.findings.add_button.isEnabled()
    assert stored.content_hash[:16] in editor.state_label.text()


def test_correct_opens_a_new_revision_with_the_reason(qtbot, editor, store, monkeypatch):
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "105")
    monkeypatch.setattr(editor, "confirm_finalize", lambda *a: True)
    assert editor.finalize()
    first = editor.insp.id
    monkeypatch.setattr(editor, "ask_reason", lambda: "示值抄录错误")
    with qtbot.waitSignal(editor.corrected) as sig:
        child_editor = editor.correct()
    qtbot.addWidget(child_editor)
    assert sig.args[0] == first
    child = store.inspections.require(sig.args[1])
    assert (child.revision, child.parent_id, child.correction_reason, child.status) == (
        2,
        first,
        "示值抄录错误",
        "draft",
    )
    assert store.inspections.superseded_by(first) == child.id
    assert not child_editor.read_only and "示值抄录错误" in child_editor.revision_note.text()
    assert not editor.correct_action.isEnabled()


def test_finalize_cancelled_changes_nothing(qtbot, editor, store, monkeypatch):
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "105")
    monkeypatch.setattr(editor, "confirm_finalize", lambda *a: False)
    assert not editor.finalize()
    assert store.inspections.require(editor.insp.id).status == "draft" and not editor.read_only


def test_chart_follows_the_readings(qtbot, editor):
    assert editor.chart.point_count() == 0
    xs, ys = editor.chart.envelope_xy()
    assert max(xs) == 15000 and max(ys) == 15 and min(ys) == 5  # in service: 2 × table
    weighing = table_of(editor, "weighing")
    c = col(weighing.model, "indication")
    type_into(qtbot, weighing.view, 0, c, "105")
    type_into(qtbot, weighing.view, 1, c, "2520")
    assert editor.chart.point_count() == 2 and editor.chart.failed_count() == 1
    editor.check_combo.setCurrentIndex(editor.check_combo.findData("initial"))
    editor.check_combo.activated.emit(editor.check_combo.currentIndex())
    assert max(editor.chart.envelope_xy()[1]) == 7.5 and editor.insp.check == "initial"
    assert editor.chart.failed_count() == 2  # 100 g: +5 g now beyond ±2.5 g


def test_signature_is_stored_as_png_attachment(qtbot, editor, store):
    pad = editor.pads["signature_inspector"]
    pad.add_stroke([QPointF(10, 60), QPointF(60, 20), QPointF(120, 70), QPointF(200, 30)])
    with qtbot.waitSignal(editor.saved, timeout=3000):
        qtbot.mouseClick(
            editor.findChild(type(editor.sig_buttons[0]), "save_signature_inspector"),
            Qt.MouseButton.LeftButton,
        )
    stored = store.inspections.require(editor.insp.id)
    sig = [a for a in stored.attachments if a.role == "signature_inspector"]
    assert len(sig) == 1 and sig[0].mime == "image/png"
    data = store.attachments.get(sig[0].sha256)
    assert data.startswith(b"\x89PNG") and not QImage.fromData(data).isNull()
    assert editor.sig_status["signature_inspector"].text() == "signed ✔"


def test_photo_added_by_drop(qtbot, editor, store, tmp_path):
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    path = tmp_path / "seal.png"
    image.save(str(path))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    target = editor.photos.list
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(editor.saved, timeout=3000):
        target.dropEvent(event)
    stored = store.inspections.require(editor.insp.id)
    photos = [a for a in stored.attachments if a.role == "photo"]
    assert len(photos) == 1 and store.attachments.get(photos[0].sha256) == path.read_bytes()
    assert editor.photos.list.count() == 1 and editor.photos.shas() == [photos[0].sha256]


def test_not_an_image_is_refused(qtbot, editor, store):
    editor.add_photos([b"%PDF-1.7 not an image"])
    assert "not a PNG" in editor.last_error
    assert editor.insp.attachments == []


def test_standards_out_of_date_or_too_coarse_are_warned(qtbot, store, stall):
    store.standards.save(
        ReferenceStandard(
            new_id(), "test_weight", "M1 砝码 1 kg", "C-7", "2000-01-01", "M1", "50", "mg"
        )
    )
    store.standards.save(
        ReferenceStandard(new_id(), "test_weight", "M3 砝码", "C-8", "2999-01-01", "M3", "2", "g")
    )
    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    for i in range(ed.standards_list.count()):
        ed.standards_list.item(i).setCheckState(Qt.CheckState.Checked)
    text = ed.standards_warning.text()
    assert "expired on 2000-01-01" in text and "more than 1/3" in text
    assert len(store.inspections.require(ed.insp.id).standards) == 0 or True  # saved later
    ed.save_now()
    assert len(store.inspections.require(ed.insp.id).standards) == 2


def test_header_inspector_cannot_be_emptied(qtbot, editor):
    editor.inspector_edit.setText("  ")
    editor.inspector_edit.editingFinished.emit()
    assert (
        editor.insp.inspector == "张伟" and "must not be empty" in editor.inspector_edit.toolTip()
    )
    editor.humidity_edit.setText("120")
    editor.humidity_edit.editingFinished.emit()
    assert "humidity" not in editor.insp.environment
    editor.humidity_edit.setText("65")
    editor.humidity_edit.editingFinished.emit()
    env = dict(editor.insp.environment)
    assert env.pop("form")["id"] == "scale"  # the form the draft was started on
    assert env == {"humidity": "65"}


def test_cheating_finding_fails_the_inspection(qtbot, editor):
    editor.findings.add_requested.emit(
        Finding(
            new_id(),
            "cheat_remote",
            "遥控作弊装置",
            "细则第四十八条",
            "critical",
            "",
            cheating=True,
        )
    )
    assert editor.insp.verdict == "fail"
    assert any("遥控作弊装置" in f for f in editor.failed())


def test_banner_says_pass_only_when_no_test_is_left(qtbot, editor):
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "105")
    assert any(t.result is None for t in editor.evaluation.tests)
    assert editor.insp.verdict == "pass"
    assert editor.verdict_label.text() == "… no failure so far"
    for t in editor.evaluation.tests:  # as if every other test had been judged to pass
        if t.result is None:
            t.result = {"kind": "x", "verdict": "pass", "items": []}
    editor._show_verdict()
    assert editor.verdict_label.text() == "✔ PASS"


def test_retranslates_to_chinese(qtbot, editor):
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "105")
    set_language("zh")
    assert verdict_cell(weighing, 0).data() == "✔ 合格"
    assert editor.verdict_label.text() == "… 暂无不合格项"  # other tests still have no readings
    assert editor.inspection_menu.title() == "检查信息"
    assert weighing.title.text() == "称量测试"
    assert editor.check_combo.currentText() == "使用中检查"


def test_close_saves_what_was_typed(qtbot, editor, store):
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "104")
    assert editor.autosave.isActive()
    editor.close()
    test, _insp = stored_weighing(store, editor)
    assert test["points"][0]["indication"] == "104"


# ---- signing, report export, supervisor's return --------------------------------------------------

SIGN_PASS = "editor passphrase 1"


def _finalizable(qtbot, editor, monkeypatch):
    editor.show()
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "105")
    monkeypatch.setattr(editor, "confirm_finalize", lambda *a: True)


@pytest.fixture
def identity(db_path):
    import inspector_app.ui.inspection_editor as ie
    from inspector_app.crypto.keys import init_identity
    from inspector_app.paths import keys_dir

    ie.forget_unlocked_identities()
    ident = init_identity(keys_dir(db_path), "张伟", SIGN_PASS.encode())
    yield ident
    ie.forget_unlocked_identities()


def test_finalize_signs_the_content_hash_with_the_identity(
    qtbot, identity, store, stall, monkeypatch
):
    import base64

    from inspector_app.crypto.keys import verify_signature

    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    assert ed.signer == ed.sign_with_identity
    asked = []
    monkeypatch.setattr(
        ed, "ask_passphrase", lambda message="": asked.append(1) or SIGN_PASS.encode()
    )
    _finalizable(qtbot, ed, monkeypatch)
    assert ed.finalize()
    stored = store.inspections.require(ed.insp.id)
    assert stored.status == "finalized" and stored.signer == identity.fingerprint
    assert verify_signature(
        identity.certificate, stored.content_hash.encode(), base64.b64decode(stored.signature)
    )
    # a second record in the same session: no second prompt
    ed2 = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed2)
    monkeypatch.setattr(ed2, "ask_passphrase", lambda message="": pytest.fail("asked twice"))
    _finalizable(qtbot, ed2, monkeypatch)
    assert ed2.finalize() and asked == [1]
    assert store.inspections.require(ed2.insp.id).signer == identity.fingerprint


def test_wrong_passphrase_keeps_the_draft_and_says_so(qtbot, identity, store, stall, monkeypatch):
    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    monkeypatch.setattr(ed, "ask_passphrase", lambda message="": b"not the passphrase")
    shown = []
    monkeypatch.setattr(ed, "show_error", lambda title, message: shown.append(message))
    _finalizable(qtbot, ed, monkeypatch)
    assert not ed.finalize()
    stored = store.inspections.require(ed.insp.id)
    assert stored.status == "draft" and stored.signature is None and not ed.read_only
    assert shown == ["The passphrase is wrong; the record stays a draft."] == [ed.last_error]
    monkeypatch.setattr(ed, "ask_passphrase", lambda message="": None)  # cancelled
    assert not ed.finalize() and store.inspections.require(ed.insp.id).status == "draft"


def test_export_report_from_the_editor_menu_writes_and_opens_a_pdf(
    qtbot, editor, store, tmp_path, monkeypatch
):
    from inspector_app.ui import report_actions
    from inspector_app.ui.widgets import file_dialogs

    target = tmp_path / "out" / "report"
    target.parent.mkdir()
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: str(target))
    opened = []
    monkeypatch.setattr(
        report_actions.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    weighing = table_of(editor, "weighing")
    type_into(qtbot, weighing.view, 0, col(weighing.model, "indication"), "105")
    assert editor.export_action in editor.inspection_menu.actions()
    assert editor.export_action.shortcut().toString() == "Ctrl+E"
    editor.export_action.trigger()
    pdf = tmp_path / "out" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-") and opened == [str(pdf)]
    assert store.inspections.require(editor.insp.id).status == "draft"


def test_a_returned_inspection_shows_the_supervisors_comment(
    qtbot, store, stall, db_path, monkeypatch
):
    from inspector_app.crypto.keys import init_identity
    from inspector_app.services import review

    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    _finalizable(qtbot, ed, monkeypatch)
    assert ed.finalize()
    ed.close()
    supervisor = init_identity(tmp_keys(db_path), "李主任", b"supervisor pass")
    review.set_role(store, "supervisor")
    review.return_inspection(store, ed.insp.id, supervisor, "砝码证书已过期，请重新检定后更正。")
    review.set_role(store, "inspector")
    again = InspectionEditor(store, ed.insp.id)
    qtbot.addWidget(again)
    again.show()
    note = again.review_note
    assert note.isVisible()
    assert "Returned by 李主任" in note.text() and "砝码证书已过期" in note.text()
    assert "#e07b00" in note.styleSheet()  # orange frame: prominent
    set_language("zh")
    assert "李主任 于" in note.text() and "退回" in note.text()


def tmp_keys(db_path):
    return db_path.parent / "supervisor-keys"


@pytest.mark.parametrize("damage", ["key_missing", "key_unencrypted", "cert_damaged"])
def test_finalize_with_an_unusable_identity_keeps_the_draft_and_offers_the_keys_dialog(
    qtbot, identity, store, stall, monkeypatch, db_path, damage
):
    from cryptography.hazmat.primitives import serialization

    from inspector_app.crypto.keys import CERT_FILE, KEY_FILE
    from inspector_app.paths import keys_dir

    folder = keys_dir(db_path)
    if damage == "key_missing":
        (folder / KEY_FILE).unlink()
    elif damage == "key_unencrypted":
        (folder / KEY_FILE).write_bytes(
            identity.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    else:
        (folder / CERT_FILE).write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n")
    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    monkeypatch.setattr(ed, "ask_passphrase", lambda message="": pytest.fail("no passphrase"))
    offered, opened = [], []
    monkeypatch.setattr(ed, "offer_keys_dialog", lambda message: offered.append(message) or True)
    monkeypatch.setattr(ed, "open_keys_dialog", lambda: opened.append(1))
    _finalizable(qtbot, ed, monkeypatch)
    assert not ed.finalize()
    stored = store.inspections.require(ed.insp.id)
    assert stored.status == "draft" and stored.signature is None and not ed.read_only
    assert offered == [ed.last_error] and opened == [1]
    assert ed.last_error.startswith("The record stays a draft: ")
    assert "Keys and trust" in ed.last_error and ed.last_error.count(". ") == 1
    assert ed.statusBar().currentMessage() == ed.last_error


def test_an_identity_made_after_the_editor_opened_signs_the_finalize(
    qtbot, store, stall, monkeypatch, db_path
):
    import inspector_app.ui.inspection_editor as ie
    from inspector_app.crypto.keys import init_identity
    from inspector_app.paths import keys_dir

    ie.forget_unlocked_identities()
    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    assert ed.signer is None
    ident = init_identity(keys_dir(db_path), "张伟", SIGN_PASS.encode())
    monkeypatch.setattr(ed, "ask_passphrase", lambda message="": SIGN_PASS.encode())
    _finalizable(qtbot, ed, monkeypatch)
    try:
        assert ed.finalize()
    finally:
        ie.forget_unlocked_identities()
    assert store.inspections.require(ed.insp.id).signer == ident.fingerprint


def test_an_unusable_identity_is_explained_in_chinese(
    qtbot, identity, store, stall, monkeypatch, db_path
):
    from inspector_app.crypto.keys import KEY_FILE
    from inspector_app.paths import keys_dir

    (keys_dir(db_path) / KEY_FILE).unlink()
    ed = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(ed)
    monkeypatch.setattr(ed, "offer_keys_dialog", lambda message: False)
    _finalizable(qtbot, ed, monkeypatch)
    set_language("zh")
    assert not ed.finalize()
    assert ed.last_error == (
        "记录仍为草稿：私钥文件缺失。请在“工具 → 密钥与信任…”中修复签名身份后再封存。"
    )
    assert store.inspections.require(ed.insp.id).status == "draft"
