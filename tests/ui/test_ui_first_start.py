"""The first-start guide: name, role, identity, issuing body, first records; skippable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from inspector_app import i18n
from inspector_app.ui import main_window as mw
from inspector_app.ui import settings
from inspector_app.ui.first_start import ORG_KEY, FirstStartWizard
from inspector_app.ui.office import install as install_office_mode


@pytest.fixture
def window(qtbot, store):
    i18n.set_language("en")
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    office = install_office_mode(win, ask=False)
    win.show()
    return win, office


def test_the_guide_walks_every_step_and_keeps_the_answers(qtbot, window, store, monkeypatch):
    win, office = window
    wizard = FirstStartWizard(win, office)
    qtbot.addWidget(wizard)
    wizard.show()
    titles = []
    wizard.name.setText("张伟")  # (QTest cannot type Chinese characters)
    wizard.org.setText("合肥市市场监督管理局")
    # the premises and instrument steps open the program's own dialogs
    made = []
    monkeypatch.setattr(
        win.page("premises"), "new_record", lambda: made.append("premises") or object()
    )
    while True:
        titles.append(wizard.currentPage().title())
        if wizard.currentPage() is wizard.page(wizard.pageIds()[-1]):
            break
        wizard.next()
    assert titles == [
        "About you",
        "Your role",
        "Signing identity",
        "Issuing body",
        "First premises and instrument",
    ]
    qtbot.mouseClick(
        wizard.findChild(type(wizard.keys_button), "wizard_premises"), Qt.MouseButton.LeftButton
    )
    assert made == ["premises"]
    assert wizard.status["premises"].text() == "done ✔"
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert settings.get("inspector_name") == "张伟"
    assert settings.qsettings().value(ORG_KEY) == "合肥市市场监督管理局"
    from inspector_app.services.review import get_role

    assert get_role(store) == "inspector"
    assert "张伟" in win.today_page.greeting.text()


def test_skipping_everything_still_leaves_a_working_window(qtbot, window, store):
    win, office = window
    wizard = FirstStartWizard(win, office)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.button(QWizard.WizardButton.CancelButton).click()  # "Skip"
    assert not wizard.isVisible()
    assert win.isVisible() and win.current_page_key() == "today"
    assert win.today_page.new_button.isVisible()  # the way on: New inspection…
