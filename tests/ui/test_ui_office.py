"""Office mode in the main window, driven with qtbot: role visibility, importing two laptops'
bundles, the review queue (filter, open, approve, return with a comment → DB rows), the
return travelling back to the laptop, conflicts side by side, statistics and exports."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from inspector_app import i18n
from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import open_database
from inspector_app.ui import main_window as mw
from inspector_app.ui import office
from inspector_app.ui.office import dialogs

PASS = b"correct horse battery"


class Side:
    def __init__(self, folder: Path, name: str) -> None:
        (folder / name).mkdir()
        self.path = folder / name / f"{name}.db"
        self.store = open_database(self.path)
        self.identity = keys.init_identity(keys_dir(self.path), name, PASS)
        _ = self.store.device_id

    def trust(self, other: Side, kind: str) -> None:
        i = other.identity
        self.store.trust.add(i.fingerprint, i.name, kind, i.certificate_pem().decode(), "test")


class Boxes:
    """Stands in for QMessageBox in the office modules (no modal dialogs in tests)."""

    shown: list = []

    @classmethod
    def information(cls, _parent, title, text, *a):
        cls.shown.append(("info", title, text))

    @classmethod
    def warning(cls, _parent, title, text, *a):
        cls.shown.append(("warning", title, text))

    from PySide6.QtWidgets import QMessageBox as _Real

    StandardButton = _Real.StandardButton
    answer = _Real.StandardButton.Yes

    @classmethod
    def question(cls, _parent, title, text, *a):
        cls.shown.append(("question", title, text))
        return cls.answer


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def world(tmp_path, monkeypatch):
    folder = tmp_path / "w"
    folder.mkdir()
    lap1, lap2, off = Side(folder, "lap1"), Side(folder, "lap2"), Side(folder, "office")
    for lap in (lap1, lap2):
        off.trust(lap, "inspector")
        lap.trust(off, "office")
    generate(lap1.store, premises=5, inspections=8, seed=31)
    generate(lap2.store, premises=5, inspections=7, seed=32)
    bundles = []
    for n, lap in enumerate((lap1, lap2)):
        bundles.append(folder / f"field{n}.zip")
        export_bundle(lap.store, lap.identity, bundles[-1], direction="field")
    rv.set_role(off.store, "supervisor", "boss")
    monkeypatch.setattr(dialogs, "ask_passphrase", lambda parent, prompt="": PASS)
    Boxes.shown = []
    for mod in ("review_queue", "review_panel", "statistics"):
        monkeypatch.setattr(f"inspector_app.ui.office.{mod}.QMessageBox", Boxes)
    monkeypatch.setattr(
        "inspector_app.ui.office.statistics.QDesktopServices.openUrl", lambda url: True
    )
    yield {"lap1": lap1, "lap2": lap2, "office": off, "bundles": bundles, "dir": folder}
    for s in (lap1, lap2, off):
        s.store.close()


@pytest.fixture
def window(qtbot, world):
    win = mw.MainWindow(world["office"].store)
    qtbot.addWidget(win)
    mode = office.install(win)
    win.show()
    yield win, mode
    win.close()


def count(store, sql, *params):
    return store.conn.execute(sql, params).fetchone()[0]


def test_an_inspector_is_not_shown_office_actions(qtbot, world):
    win = mw.MainWindow(world["lap1"].store)
    qtbot.addWidget(win)
    mode = office.install(win)
    assert mode.role == "inspector"
    assert all(item.isHidden() for item in mode.items.values())
    assert not mode.menu.menuAction().isVisible()
    assert win.actions_by_name["new_inspection"].isVisible()
    mode.show("review")
    assert win.stack.currentWidget() is not mode.review_page
    # switching the role in Settings applies to the open database
    from inspector_app.ui import settings

    settings.set_value("role", "supervisor")
    mode.sync_from_settings()
    assert rv.get_role(world["lap1"].store) == "supervisor"
    assert (
        not mode.items["review"].isHidden()
        and not win.actions_by_name["new_inspection"].isVisible()
    )
    win.close()


def test_first_start_asks_for_the_role(qtbot, tmp_path, monkeypatch):
    s = open_database(tmp_path / "fresh.db")
    monkeypatch.setattr(dialogs, "ask_role", lambda parent, current="inspector": "supervisor")
    win = mw.MainWindow(s)
    qtbot.addWidget(win)
    mode = office.install(win, ask=True)
    assert rv.get_role(s) == "supervisor" and not mode.items["statistics"].isHidden()
    win.close()
    s.close()


def test_supervisor_imports_reviews_and_returns_one(qtbot, window, world):
    win, mode = window
    page = mode.review_page
    store = world["office"].store
    mode.show("review")
    assert win.stack.currentWidget() is page and page.isVisible()
    assert page.model.rowCount() == 0
    # import both laptops' bundles from the window
    for b in world["bundles"]:
        report = page.import_bundle(str(b))
        assert report is not None and report.status == "imported", report
    assert Boxes.shown[-1][0] == "info" and "imported bundle" in Boxes.shown[-1][2]
    assert (
        page.model.rowCount()
        == 15
        == count(store, "SELECT count(*) FROM inspections WHERE origin != 'local'")
    )
    # filter by inspector
    who = page.inspector.itemText(1)
    page.inspector.setCurrentIndex(1)
    assert (
        page.model.rowCount()
        == count(store, "SELECT count(*) FROM inspections WHERE inspector = ?", who)
        > 0
    )
    assert all(r.inspector == who for r in page.model.rows)
    page.inspector.setCurrentIndex(0)
    page.verdict.setCurrentIndex(page.verdict.findData("pass"))
    assert all(r.verdict == "pass" for r in page.model.rows)
    page.verdict.setCurrentIndex(0)
    # open the first one: findings, record check, PDF verdict
    page.table.setFocus()
    page.table.selectRow(0)
    first = page.model.rows[0].id
    qtbot.waitUntil(lambda: page.panel.inspection_id == first)
    panel = page.panel
    assert panel.body.isVisible() and panel.findings.rowCount() >= 1
    assert "intact" in panel.values["record"].text()
    assert "UNSIGNED" in panel.values["pdf"].text()
    # approve it (signed with the supervisor's key after the passphrase prompt)
    # approving asks first: "No" records nothing
    Boxes.answer = Boxes.StandardButton.No
    qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    assert Boxes.shown[-1][0] == "question"
    assert count(store, "SELECT count(*) FROM reviews WHERE inspection_id = ?", first) == 0
    Boxes.answer = Boxes.StandardButton.Yes
    with qtbot.waitSignal(panel.decided):
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    assert (
        count(
            store,
            "SELECT count(*) FROM reviews WHERE inspection_id = ? AND decision = 'approved'",
            first,
        )
        == 1
    )
    assert "VALID" in panel.values["pdf"].text()  # the reviewed report is signed and verified
    assert not panel.approve_button.isEnabled() and "Approved by office" in panel.history.text()
    assert page.model.rowCount() == 14 and first not in [r.id for r in page.model.rows]
    # return a laptop 1 inspection: a comment is required
    lap1_ids = {r[0] for r in world["lap1"].store.conn.execute("SELECT id FROM inspections")}
    target = next(r.id for r in page.model.rows if r.id in lap1_ids)
    assert page.select_inspection(target)
    qtbot.mouseClick(panel.return_button, Qt.MouseButton.LeftButton)
    assert (
        panel.comment_error.message()
        and count(store, "SELECT count(*) FROM reviews WHERE inspection_id = ?", target) == 0
    )
    qtbot.keyClicks(panel.comment, "Too few load points. ")
    panel.comment.insertPlainText(
        "称量点不足，请补测。"
    )  # as an input method would (QTest types Latin-1 only)
    with qtbot.waitSignal(panel.decided):
        qtbot.mouseClick(panel.return_button, Qt.MouseButton.LeftButton)
    row = store.conn.execute(
        "SELECT decision, comment, reviewer, signature FROM reviews WHERE inspection_id = ?",
        (target,),
    ).fetchone()
    assert tuple(row)[:3] == (
        "returned",
        "Too few load points. 称量点不足，请补测。",
        "office",
    ) and row[3].startswith("v1:")
    assert [a["action"] for a in store.audit_entries(2)] == ["review.return", "review.approve"]
    page.state.setCurrentIndex(page.state.findData("returned"))
    assert [r.id for r in page.model.rows] == [target]
    # the office bundle carries the return back to laptop 1, where the inspector sees it
    out = world["dir"] / "office.zip"
    assert page.export_office_bundle(str(out)) is not None
    lap1 = world["lap1"].store
    assert import_bundle(lap1, out, backup=False).status == "imported"
    seen = rv.reviews_for(lap1, target)
    assert seen[0].returned and seen[0].comment == "Too few load points. 称量点不足，请补测。"
    # the queue list exports
    xlsx = world["dir"] / "returned.xlsx"
    assert page.export_list(str(xlsx)) == 1


def test_conflict_side_by_side_and_choice_recorded(qtbot, window, world):
    win, mode = window
    off, lap1 = world["office"], world["lap1"]
    assert import_bundle(off.store, world["bundles"][0], backup=False).status == "imported"
    pid = count(lap1.store, "SELECT id FROM premises ORDER BY id LIMIT 1")
    lap1.store.premises.save(
        dataclasses.replace(lap1.store.premises.get(pid), contact="李四"), "insp"
    )
    off.store.premises.save(
        dataclasses.replace(off.store.premises.get(pid), contact="张三"), "boss"
    )
    again = world["dir"] / "again.zip"
    export_bundle(lap1.store, lap1.identity, again, direction="field")
    assert import_bundle(off.store, again, backup=False).conflicts == 1
    mode.show("conflicts")
    page = mode.conflicts_page
    qtbot.waitUntil(lambda: page.list.count() == 1)
    page.only_diff.setChecked(True)
    assert page.table.rowCount() == 1
    assert [page.table.item(0, c).text() for c in range(3)] == ["contact", "张三", "李四"]
    page.only_diff.setChecked(False)
    assert page.table.rowCount() > 5
    with qtbot.waitSignal(page.resolved):
        qtbot.mouseClick(page.keep_local, Qt.MouseButton.LeftButton)
    assert off.store.premises.get(pid).contact == "张三"
    assert count(off.store, "SELECT resolution FROM conflicts") == "local"
    assert off.store.audit_entries(1)[0]["action"] == "conflict.resolve"
    assert page.list.count() == 0 and "recorded" in page.message.text()


def test_statistics_charts_exports_and_summary(qtbot, window, world, tmp_path):
    win, mode = window
    off = world["office"].store
    for b in world["bundles"]:
        import_bundle(off, b, backup=False)
    mode.show("statistics")
    page = mode.statistics_page
    page.set_period(None, None)
    total = count(
        off, "SELECT count(*) FROM inspections WHERE status = 'finalized' AND superseded_by IS NULL"
    )
    assert page.tiles["Inspections"].value.text() == str(total) == "15"
    assert page.tiles["Premises inspected"].value.text() == str(
        count(off, "SELECT count(DISTINCT premises_id) FROM inspections")
    )
    assert set(page.charts) == {"kind", "family", "cause", "month"}
    city = page.city.itemText(1)
    page.city.setCurrentIndex(1)
    n_city = count(
        off,
        "SELECT count(*) FROM inspections i JOIN premises p ON p.id = i.premises_id WHERE p.city = ?",
        city,
    )
    assert page.data.totals["inspections"] == n_city
    csv_path = tmp_path / "city.csv"
    assert page.export_list("csv", str(csv_path)) == n_city
    from inspector_app.services.table_export import read_back

    assert len(read_back(csv_path)) == n_city + 1
    xlsx = page.export_list("xlsx", str(tmp_path / "city"))  # the extension is added
    assert xlsx == n_city and (tmp_path / "city.xlsx").is_file()
    pdf = page.make_summary(str(tmp_path / "summary.pdf"), open_it=False)
    assert pdf and Path(pdf).read_bytes().startswith(b"%PDF")
    # This month / Last month set the period
    qtbot.mouseClick(page.last_month, Qt.MouseButton.LeftButton)
    assert page.date_from.iso().endswith("-01") and page.date_to.iso() > page.date_from.iso()


def test_language_switch_retranslates(qtbot, window):
    win, mode = window
    i18n.set_language("zh")
    assert mode.items["review"].text() == "审核"
    assert mode.review_page.import_button.text() == "导入同步包…"
    i18n.set_language("en")
    assert mode.items["statistics"].text() == "Statistics"


def test_database_reviews_are_immutable(world):
    off = world["office"]
    import_bundle(off.store, world["bundles"][0], backup=False)
    insp = rv.queue(off.store, limit=1)[0].id
    rv.approve(off.store, insp, off.identity)
    with pytest.raises(sqlite3.DatabaseError):
        off.store.conn.execute("DELETE FROM reviews")


def test_last_office_page_is_restored(qtbot, world):
    from inspector_app.ui import settings

    win = mw.MainWindow(world["office"].store)
    qtbot.addWidget(win)
    mode = office.install(win)
    mode.show("statistics")
    win.save_layout()
    win.close()
    assert int(settings.qsettings().value("window/page")) == mode.rows["statistics"]
    again = mw.MainWindow(world["office"].store)
    qtbot.addWidget(again)
    mode2 = office.install(again)
    assert again.stack.currentWidget() is mode2.statistics_page
    again.close()


def test_pdf_verdict_word_is_in_the_window_language():
    """The review panel's PDF line names the verify verdict in Chinese in the zh window
    (it printed VALID / UNSIGNED in English before)."""
    from inspector_app.ui.office.review_record import _coloured

    before = i18n.current_language()
    try:
        i18n.set_language("zh")
        zh = _coloured("报告在此生成", "UNSIGNED")
        assert "未签名" in zh and "UNSIGNED" not in zh
        assert "有效" in _coloured("记录完整", "VALID")
        i18n.set_language("en")
        assert "UNSIGNED" in _coloured("generated here", "UNSIGNED")
    finally:
        i18n.set_language(before)
