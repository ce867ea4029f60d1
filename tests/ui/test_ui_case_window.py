"""The enforcement cases window driven through its widgets: a cheating scale's case goes from
clue to closed by the step forms (a refused step keeps the form open with the sentence and
what was typed), the page shows party, articles, deadlines, evidence and history, the
documents of each stage are saved as PDFs, and the window opens from the Enforcement menu
and from an overdue case on Today's work, all by keyboard where a person would."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from case_window_world import activate, shown
from case_world import cheating_case, cheating_inspection, notified_case
from pypdf import PdfReader
from PySide6.QtCore import Qt

from inspector_app import i18n
from inspector_app.services import case_common, case_documents
from inspector_app.services import cases as cs
from inspector_app.ui import main_window as mw


@pytest.fixture
def notified(store, stall):
    """The case served its prior notice on 2025-03-12: ready for the decision form."""
    return notified_case(store, stall)


def _check(listbox, article_id: str) -> None:
    for i in range(listbox.count()):
        item = listbox.item(i)
        if item.data(Qt.ItemDataRole.UserRole).id == article_id:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(article_id)


def _set_date(form, key: str, day: str) -> None:
    from PySide6.QtCore import QDate

    form.fields[key].setDate(QDate.fromString(day, "yyyy-MM-dd"))


def _step(qtbot, win, key: str, day: str, fill=None):
    assert key in win.step_buttons, (key, list(win.step_buttons))
    qtbot.mouseClick(win.step_buttons[key], Qt.MouseButton.LeftButton)
    form = win.form
    assert form is not None and form.isVisible()
    _set_date(form, "on", day)
    if fill is not None:
        fill(form)
    form.buttons.button(form.buttons.StandardButton.Ok).click()
    return form


def _pdf_text(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_a_case_from_clue_to_closure_in_the_window(qtbot, store, stall, tmp_path):
    i18n.set_language("zh")
    case = cheating_case(store, stall)
    win = shown(qtbot, store, dt.date(2025, 3, 4))
    assert win.table.rowCount() == 1
    assert win.table.item(0, 0).text() == case.case_no
    assert win.table.item(0, 1).text() == "线索"
    assert "2025-03-24" in win.table.item(0, 3).text()  # 15 working days to file
    html = win.page.toPlainText()
    assert "王芳蔬菜摊" in html and "秤内加装作弊按键" in html and "作弊案件" in html
    assert "李建国 (34010020230001)" in html and "登记线索" in html
    assert list(win.step_buttons) == ["file", "simple", "order", "close"]
    docs = [win.doc_kind.itemData(i) for i in range(win.doc_kind.count())]
    assert docs == ["site_record", "filing"]

    # filing without the violated article is refused in the form; nothing is lost
    form = _step(qtbot, win, "file", "2025-03-05")
    assert form.isVisible() and "violated article" in form.error.text()
    _check(form.fields["violated"], "jmsc-2025-trader-duties")
    form.buttons.button(form.buttons.StandardButton.Ok).click()
    assert not form.isVisible()
    assert case_common.repo(store).get(case.id).status == "filed"
    assert win.table.item(0, 1).text() == "已立案"
    assert "集贸市场计量监督管理办法" in win.page.toPlainText()

    _step(qtbot, win, "investigate", "2025-03-10")

    def notify(form):
        _check(form.fields["penalty"], "jlfsxz-2022-48")
        form.fields["fine"].setText("１５００")  # full-width digits typed by an IME
        form.fields["confiscate"].setChecked(True)

    _step(qtbot, win, "notify", "2025-03-12", notify)
    assert (
        case_documents.proposed_penalty(store, case_common.repo(store).get(case.id))["fine"]
        == "1500"
    )

    # the decision starts from the proposal; before the reply window ends it is refused
    form = _step(qtbot, win, "decide", "2025-03-18")
    assert form.fields["fine"].text() == "1500" and form.fields["confiscate"].isChecked()
    assert form.isVisible() and "2025-03-19" in form.error.text()
    _set_date(form, "on", "2025-03-20")
    form.fields["decision_no"].setText("皖合市监罚〔2025〕7号")
    form.buttons.button(form.buttons.StandardButton.Ok).click()
    decided = case_common.repo(store).get(case.id)
    assert decided.status == "decided" and decided.decided_hash
    assert "已封存" in win.page.toPlainText() and "罚款人民币1500元" in win.page.toPlainText()

    out = win.save_document(str(tmp_path / "decision.pdf"))
    assert out is not None and "行政处罚决定书" in _pdf_text(out)

    _step(qtbot, win, "execute", "2025-03-28")
    _step(qtbot, win, "close", "2025-04-01")
    closed = case_common.repo(store).get(case.id)
    assert closed.status == "closed" and closed.content_hash
    assert win.table.item(0, 1).text() == "已结案" and win.step_buttons == {}
    assert win.doc_kind.currentData() == "closure"
    out = win.save_document(str(tmp_path / "closure.pdf"))
    assert "结案审批表" in _pdf_text(out)
    history = win.page.toPlainText()
    for words in ("已立案", "已调查", "已告知", "作出决定", "执行", "结案"):
        assert words in history


def test_filters_keyboard_and_english(qtbot, store, stall):
    i18n.set_language("en")
    case = cheating_case(store, stall)
    win = shown(qtbot, store, dt.date(2025, 4, 1))
    assert win.table.item(0, 4).text() == "overdue"  # the filing deadline has passed
    assert win.table.item(0, 1).text() == "clue"
    activate(qtbot, win)
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.search.hasFocus()
    qtbot.keyClicks(win.search, "no such party")
    assert win.table.rowCount() == 0 and "Choose a case" in win.page.toPlainText()
    win.search.clear()
    win.only_overdue.setChecked(True)
    assert win.table.rowCount() == 1
    win.state_filter.setCurrentIndex(win.state_filter.findData("closed"))
    assert win.table.rowCount() == 0
    assert win.select_case(case.id) and win.table.rowCount() == 1  # filters cleared
    i18n.set_language("zh")
    assert win.windowTitle() == "执法案件" and win.table.item(0, 1).text() == "线索"


def test_opened_from_the_menu_and_from_an_overdue_case(qtbot, store, stall):
    i18n.set_language("zh")
    last_week = (dt.date.today() - dt.timedelta(days=8)).isoformat()
    case = cheating_case(store, stall, last_week)
    cs.order(store, case.id, on=last_week, days=3, actor="李建国")
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    assert win.menus["enforcement"].title() == "执法(&N)"
    action = win.actions_by_name["cases"]
    assert action.shortcut().toString() == "Ctrl+Shift+J" and action.text() == "案件(&C)…"
    action.trigger()
    cases = win._case_window
    assert cases.isVisible() and cases.current_id == case.id
    cases.close()
    page = win.today_page
    page.load_overdue_cases()
    assert f"case:{case.id}" in page.overdue_label.text()
    page.overdue_label.linkActivated.emit(f"case:{case.id}")
    assert win._case_window.isVisible() and win._case_window.current_id == case.id
    assert "recheck" in win._case_window.step_buttons  # the overdue order's re-inspection
    win._case_window.close()


def test_a_document_saved_from_the_window_is_signed_and_valid(
    qtbot, store, stall, db_path, tmp_path, monkeypatch
):
    from inspector_app.crypto.keys import init_identity
    from inspector_app.paths import keys_dir
    from inspector_app.reports.verify import VALID, verify_pdf
    from inspector_app.ui import report_actions
    from inspector_app.ui.widgets import file_dialogs

    i18n.set_language("zh")
    identity = init_identity(keys_dir(db_path), "李建国", b"correct horse 42")
    case = cheating_case(store, stall)
    win = shown(qtbot, store, dt.date(2025, 3, 4))
    assert win.sign.isEnabled() and win.sign.isChecked()  # this device has a key
    win.doc_kind.setCurrentIndex(win.doc_kind.findData("site_record"))
    target = tmp_path / "record"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: str(target))
    monkeypatch.setattr(report_actions, "ask_passphrase", lambda *a, **k: b"correct horse 42")
    activate(qtbot, win)
    qtbot.keyClick(win.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    out = tmp_path / "record.pdf"  # ".pdf" added to the name typed
    qtbot.waitUntil(out.is_file, timeout=5000)
    result = verify_pdf(out.read_bytes(), [identity.certificate])
    assert result.status == VALID and result.signer == "李建国"
    assert "现场检查笔录" in _pdf_text(out) and case.case_no in win.status.text() + _pdf_text(out)


def test_a_case_is_opened_from_a_failed_inspection_in_the_window(qtbot, store, stall):
    i18n.set_language("zh")
    first = cheating_case(store, stall)  # covered by a case: not offered again
    cheating_inspection(store, stall, "2025-05-06", finding="遥控作弊装置", visit=False)
    win = shown(qtbot, store, dt.date(2025, 5, 7))
    activate(qtbot, win)
    qtbot.keyClick(win.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = win.form
    assert form is not None and form.isVisible()
    source = form.fields["source"]
    assert source.count() == 1 and "遥控作弊装置" in source.itemText(0)
    assert "作弊案件" in source.itemText(0)
    assert form.value("clue") == "2025-05-06"  # the inspection's day
    form.fields["officer0"].setText("李建国")
    form.fields["cert0"].setText("34010020230001")
    form.fields["officer1"].setText("张伟")
    form.fields["cert1"].setText("34010020230001")  # the same certificate twice: refused
    ok = form.buttons.button(form.buttons.StandardButton.Ok)
    ok.click()
    assert form.isVisible() and "same certificate number" in form.error.text()
    form.fields["cert1"].setText("34010020230002")
    _check(form.fields["violated"], "jmsc-2025-trader-duties")
    ok.click()
    assert not form.isVisible()
    cases = [c for c in case_common.repo(store).all() if c.id != first.id]
    assert len(cases) == 1 and cases[0].cheating and cases[0].facts == "遥控作弊装置"
    assert win.current_id == cases[0].id and win.table.rowCount() == 2
    assert "集贸市场计量监督管理办法" in win.page.toPlainText()
    assert "file" in win.step_buttons  # two officers and the article: ready to file
    win.new_case()
    assert win.form.fields["source"].count() == 0 and win.form.error.isVisible()
    win.form.reject()


def test_the_decide_form_orders_correction_with_its_deadline_and_keeps_illegal_gains(
    qtbot, store, notified
):
    from decimal import Decimal

    i18n.set_language("zh")
    case = notified
    win = shown(qtbot, store, dt.date(2025, 3, 20))

    def fill(form):
        labels = {form.form.labelForField(w).text() for w in form.fields.values()}
        assert {"责令改正", "改正期限（天）", "违法所得或货值（元）"} <= labels
        # the deadline and what to correct are typed only once the order is ticked
        assert not form.fields["order_days"].isEnabled()
        form.fields["order"].setChecked(True)
        assert form.fields["order_days"].isEnabled() and form.fields["order_text"].isEnabled()
        form.fields["order_days"].setValue(5)
        form.fields["order_text"].setText("停止使用作弊计价秤")
        form.fields["fine"].setText("1500")
        form.fields["gains"].setText("３２０")  # full-width digits typed by an IME

    form = _step(qtbot, win, "decide", "2025-03-20", fill)
    assert not form.isVisible(), form.error.text()
    decided = case_common.repo(store).get(case.id)
    assert decided.status == "decided" and decided.decided_hash
    assert decided.decision.order_to_correct is True
    assert decided.decision.illegal_gains == Decimal("320")
    (order,) = decided.orders
    assert order.ordered_on == "2025-03-20" and order.text == "停止使用作弊计价秤"
    assert order.deadline > "2025-03-20" and order.assignment_id  # computed, re-inspection made
    assert case_common.repo(store).assignment(order.assignment_id)["due_date"] == order.deadline
    assert case_common.repo(store).seal_problems() == []


def test_the_decide_form_without_the_order_makes_none(qtbot, store, notified):
    i18n.set_language("en")
    case = notified
    win = shown(qtbot, store, dt.date(2025, 3, 20))
    form = _step(qtbot, win, "decide", "2025-03-20", lambda f: f.fields["fine"].setText("800"))
    assert not form.isVisible(), form.error.text()
    decided = case_common.repo(store).get(case.id)
    assert decided.status == "decided" and not decided.decision.order_to_correct
    assert decided.orders == [] and decided.decision.illegal_gains is None
    i18n.set_language("zh")
