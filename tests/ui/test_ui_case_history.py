"""A case's history reads as sentences saying who did what, with each action's proper name in
the window's language ("2025-03-20  demo decided the penalty", "2025-03-20  demo 作出决定"),
never the stored key of the action ("decide · demo")."""

from __future__ import annotations

import datetime as dt

import pytest
from case_window_world import shown
from case_world import cheating_case

from inspector_app import i18n
from inspector_app.domain.cases import CaseOfficer
from inspector_app.ui.case_window.page import history_line

STEPS = [
    ("open", "clue"),
    ("filed", "filed"),
    ("investigated", "investigated"),
    ("notified", "notified"),
    ("decide", "decided"),
    ("execute", "executed"),
    ("close", "closed"),
    ("pause", "filed"),
    ("order", "decided"),
    ("order.assignment", "decided"),
    ("recheck", "decided"),
    ("evidence", "filed"),
]


def _event(action: str, to_status: str, actor: str = "demo") -> dict:
    return {
        "action": action,
        "to_status": to_status,
        "actor": actor,
        "on_date": "2025-03-20",
        "at": "2025-03-20T08:00:00+00:00",
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_action_is_named_in_a_sentence_with_who_did_it(lang):
    i18n.set_language(lang)
    lines = [history_line(_event(a, s)) for a, s in STEPS]
    for (action, _status), line in zip(STEPS, lines, strict=True):
        assert line.startswith("2025-03-20  demo "), line
        what = line.removeprefix("2025-03-20  demo ")
        assert what != action and "·" not in what and "." not in what, line
        if lang == "zh":  # Chinese words, no English left over
            assert not any(c.isascii() and c.isalpha() for c in what), line
    assert len(set(lines)) == len(lines)  # each action its own words
    en_or_zh = {"en": "demo decided the penalty", "zh": "demo 作出决定"}[lang]
    assert lines[4] == f"2025-03-20  {en_or_zh}"


def test_an_unknown_action_is_shown_as_stored_and_no_actor_leaves_no_gap():
    i18n.set_language("en")
    assert history_line(_event("migrated", "filed")) == "2025-03-20  demo migrated"
    assert history_line(_event("filed", "filed", actor="")) == "2025-03-20  filed the case"


def test_the_window_shows_the_history_in_english(qtbot, store, stall):
    i18n.set_language("en")
    case = cheating_case(
        store,
        stall,
        officers=[CaseOfficer("Li Jianguo", "34010020230001")],
        inspector="Li Jianguo",
        finding="cheat keys",
    )
    win = shown(qtbot, store, dt.date(2025, 3, 4))
    assert win.select_case(case.id)
    page = " ".join(win.page.toPlainText().split())  # the page's HTML collapses spaces
    assert "2025-03-03 Li Jianguo recorded the clue" in page
    assert "· Li Jianguo" not in page and "open" not in page.split()
    # the buttons of the next steps are shown once, even before Qt deletes the old ones
    from PySide6.QtWidgets import QPushButton

    before = list(win.step_buttons.values())
    win._show_case()
    current = list(win.step_buttons.values())
    assert current and not set(current) & set(before)
    left = [b for b in win.findChildren(QPushButton) if b in before and not b.isHidden()]
    assert left == []
    qtbot.waitUntil(lambda: all(b.isVisible() for b in current), timeout=3000)
