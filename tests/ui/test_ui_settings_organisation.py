"""Settings: your organisation (printed at the top of your reports until an issuing body is
set), no internal tuning knobs offered, and the inspector certificate number field."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel, QWidget

from inspector_app import i18n
from inspector_app.services.demo import generate
from inspector_app.services.reports import make_report
from inspector_app.ui import settings


@pytest.fixture(autouse=True)
def chinese():
    before = i18n.current_language()
    i18n.set_language("zh")
    yield
    i18n.set_language(before)


@pytest.fixture
def holder(qtbot, store):
    w = QWidget()
    w.store = store  # what the dialog reads from its parent window
    qtbot.addWidget(w)
    return w


def _header_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def _finalized(store) -> str:
    generate(store, premises=3, inspections=6, seed=3)
    row = store.conn.execute(
        "SELECT id FROM inspections WHERE status = 'finalized' AND family = 'scale' LIMIT 1"
    ).fetchone()
    return row[0]


def test_internal_settings_are_not_offered(qtbot, holder):
    dialog = settings.SettingsDialog(holder)
    qtbot.addWidget(dialog)
    assert "page_size" not in dialog.editors
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert not any("每次读取行数" in t or "Rows fetched" in t for t in texts), texts
    assert settings.get("page_size") == 100  # still read by the lists
    # the inspector's ID (certificate number) has its field
    cert = dialog.body_editors["inspector_cert_no"]
    assert cert.isVisibleTo(dialog)
    assert dialog.body_labels["inspector_cert_no"].text() == "本人检定员证号:"


def test_the_organisation_is_kept_and_printed_at_the_top_of_the_report(qtbot, holder, store):
    inspection_id = _finalized(store)
    dialog = settings.SettingsDialog(holder)
    qtbot.addWidget(dialog)
    assert dialog.organisation_label.text() == "所在单位:"
    assert dialog.organisation.toolTip() == "未设置下方的检定机构时，打印在报告页眉。"
    dialog.editors["inspector_name"].setText("张伟")
    dialog.organisation.setText("  合肥市蜀山区市场监督管理局 ")
    dialog.accept()
    assert settings.organisation() == "合肥市蜀山区市场监督管理局"
    assert settings.organisation(store) == "合肥市蜀山区市场监督管理局"
    # a later dialog shows it again
    again = settings.SettingsDialog(holder)
    qtbot.addWidget(again)
    assert again.organisation.text() == "合肥市蜀山区市场监督管理局"
    # the report's header names it while no issuing body is set
    text = _header_text(make_report(store, inspection_id, "zh"))
    assert "合肥市蜀山区市场监督管理局" in text
    assert "市场监督管理局 / Market" not in text
    # an issuing body, once set, is what the header names
    again.body_editors["name_zh"].setText("合肥市计量测试研究所")
    again.accept()
    text = _header_text(make_report(store, inspection_id, "zh"))
    assert "合肥市计量测试研究所" in text


def test_the_organisation_from_the_first_start_reaches_the_report(qtbot, holder, store):
    inspection_id = _finalized(store)
    settings.save_organisation(store, "芜湖市市场监督管理局", "王芳")
    assert store.meta("report.authority") == "芜湖市市场监督管理局"
    assert "芜湖市市场监督管理局" in _header_text(make_report(store, inspection_id, "zh"))
