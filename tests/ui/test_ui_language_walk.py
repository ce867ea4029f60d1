"""Walk every page, dialog and editor of the window in Chinese and fail on English shown
(codes, units and the records' own data allowed), then in English and fail on Chinese shown
(the records' data, names of regulations and of the languages allowed).

What is read: labels, buttons, group titles, tabs, menus, list entries, column headers, the
first rows' cells and their tooltips, field hints and drop-down entries of every visible
widget (tests/ui/language_walk.py). The demo data set gives every family a record.
"""

from __future__ import annotations

import json
import tomllib

import pytest
from language_walk import chinese_in, english_in, shown_texts
from PySide6.QtWidgets import QApplication

from inspector_app import i18n
from inspector_app.paths import resource_path
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.ui import main_window as mw
from inspector_app.ui import office, settings
from inspector_app.ui.bundle_dialogs import ExportBundleDialog, ImportBundleDialog
from inspector_app.ui.case_window import CaseWindow
from inspector_app.ui.dialogs.new_inspection import NewInspectionDialog
from inspector_app.ui.finalize_dialog import FinalizeDialog
from inspector_app.ui.first_start import FirstStartWizard
from inspector_app.ui.inspection_editor import InspectionEditor
from inspector_app.ui.instrument_editor import InstrumentEditor
from inspector_app.ui.keys_dialog import KeysDialog
from inspector_app.ui.office.dialogs import RoleDialog
from inspector_app.ui.premises_editor import PremisesEditor
from inspector_app.ui.qt_translations import install_qt_translations
from inspector_app.ui.settings import SettingsDialog
from inspector_app.ui.standards_dialog import StandardEditor
from inspector_app.ui.visit_editor import NewVisitDialog
from inspector_app.ui.widgets.findings_panel import FindingDialog

#: Chinese an English window may show: the names of the languages, regulations known only
#: by their Chinese title, and form labels quoting the words printed on a package
CHINESE_ALLOWED = (
    "中文",
    "零售商品称重计量监督管理办法",
    "净含量",
    "二等",
)


@pytest.fixture(autouse=True)
def restore_language():
    before = i18n.current_language()
    yield
    i18n.set_language(before)


@pytest.fixture
def demo(store):
    settings.set_value("inspector_name", "张伟")
    generate(store, premises=16, inspections=90, seed=7)
    return store


def _data(store) -> set[str]:
    """Every text the records themselves carry (names, addresses, makers, goods)."""
    out: set[str] = {"张伟"}
    for row in store.conn.execute(
        "SELECT name, address, city, market, stall_no, contact FROM premises"
    ):
        out.update(str(v) for v in row if v)
    for row in store.conn.execute("SELECT maker, model, serial, metrology_json FROM instruments"):
        out.update(str(v) for v in row[:3] if v)
        out.update(str(v) for v in json.loads(row[3] or "{}").values() if isinstance(v, str))
    for (name,) in store.conn.execute("SELECT DISTINCT inspector FROM inspections"):
        out.add(name)
    for (tests,) in store.conn.execute("SELECT tests_json FROM inspections"):
        for test in json.loads(tests or "[]"):
            out.update(str(v) for v in test.values() if isinstance(v, str))
    for (text,) in store.conn.execute("SELECT text FROM findings"):
        out.add(text)
    for (name,) in store.conn.execute("SELECT name FROM reference_standards"):
        out.add(name)
    # the legal basis of a duty is quoted as published (forms/duties_*.toml "article")
    for path in sorted(resource_path("forms").glob("duties_*.toml")):
        out.update(_articles(tomllib.loads(path.read_text(encoding="utf-8"))))
    return out | set(CHINESE_ALLOWED)


def _articles(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "article" and isinstance(value, str):
                found.add(value)
            else:
                found |= _articles(value)
    elif isinstance(node, list):
        for value in node:
            found |= _articles(value)
    return found


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _dialogs(store, win):
    premises_id = store.conn.execute("SELECT id FROM premises LIMIT 1").fetchone()[0]
    scale_id = store.conn.execute(
        "SELECT id FROM instruments WHERE family = 'scale' LIMIT 1"
    ).fetchone()[0]
    failed = "称量测试 10 kg" if i18n.current_language() == "zh" else "Weighing test 10 kg"
    return {
        "settings": lambda: SettingsDialog(win),
        "premises": lambda: PremisesEditor(store, store.premises.get(premises_id), win),
        "new premises": lambda: PremisesEditor(store, None, win),
        "instrument": lambda: InstrumentEditor(store, store.instruments.get(scale_id), win),
        "new standard": lambda: StandardEditor(store, None, win),
        "keys": lambda: KeysDialog(store, win),
        "export bundle": lambda: ExportBundleDialog(store.path, win),
        "import bundle": lambda: ImportBundleDialog(store.path, win),
        "finalize": lambda: FinalizeDialog("fail", [failed], 1, [], win),
        "finding": lambda: FindingDialog(None, win),
        "new inspection": lambda: NewInspectionDialog(store, win),
        "new visit": lambda: NewVisitDialog(store, win),
        "first start": lambda: FirstStartWizard(win, None),
        "role": lambda: RoleDialog(win, "inspector"),
        "cases": lambda: CaseWindow(store, win),
    }


def _walk(qtbot, store, lang: str) -> dict[str, set[str]]:
    install_qt_translations()  # as make_application does: Qt's own buttons follow the language
    i18n.set_language(lang)
    data = _data(store)
    found: dict[str, set[str]] = {}

    def check(name, widget) -> None:
        _settle()
        texts = shown_texts(widget)
        assert len(texts) > 3, name  # the walk really read something
        bad = english_in(texts, data) if lang == "zh" else chinese_in(texts, data)
        for line in bad:
            found.setdefault(line, set()).add(name)

    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    for key, _title, _icon in mw.PAGES:
        win.show_page(key)
        check(f"page {key}", win)
    for name, make in _dialogs(store, win).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()  # never exec(): nothing here waits for a click
        check(f"dialog {name}", dialog)
        dialog.close()
    families = [f for (f,) in store.conn.execute("SELECT DISTINCT family FROM inspections")]
    assert len(families) >= 6, families
    for family in families:
        (inspection_id,) = store.conn.execute(
            "SELECT id FROM inspections WHERE family = ? ORDER BY status = 'draft' DESC LIMIT 1",
            (family,),
        ).fetchone()
        editor = InspectionEditor(store, inspection_id)
        qtbot.addWidget(editor)
        editor.resize(1366, 768)
        editor.show()
        check(f"editor {family}", editor)
        editor.close()
    market = store.conn.execute("SELECT market FROM premises WHERE market != '' LIMIT 1").fetchone()
    visit = win.page("visits").new_visit(market=market[0])  # a market's sweep
    qtbot.addWidget(visit)
    visit.show()
    check("visit editor", visit)
    visit.close()
    rv.set_role(store, "supervisor", "王主任")
    mode = office.install(win)
    for key in ("review", "conflicts", "statistics"):
        mode.show(key)
        check(f"office {key}", win)
    return found


def _report(found: dict[str, set[str]]) -> str:
    return "\n".join(f"{line}  (in {', '.join(sorted(where))})" for line, where in found.items())


def test_the_chinese_window_shows_no_english(qtbot, demo):
    found = _walk(qtbot, demo, "zh")
    assert not found, "English in the Chinese window:\n" + _report(found)


def test_the_english_window_shows_no_chinese(qtbot, demo):
    found = _walk(qtbot, demo, "en")
    assert not found, "Chinese in the English window:\n" + _report(found)


def test_the_walk_finds_english_and_chinese_where_they_are(qtbot):
    """The detectors themselves: an English word in a Chinese text is found, a code, a unit
    or a name from the data is not; Chinese left in an English text is found, data is not."""
    texts = [
        ("a", "称量测试 10 kg，MPE ±5 g（JJG 539-2016）"),
        ("b", "已封存 · 内容哈希 29dc346540ed92f1…"),
        ("c", "数据库: /tmp/x/inspector.db"),
        ("d", "拓普康(Topcon) CL-300"),
        ("e", "Expires in 3 days"),
        ("f", "已过期 position 3"),
    ]
    assert english_in(texts, {"拓普康(Topcon)"}) == [
        "e: 'Expires in 3 days'",
        "f: '已过期 position 3'",
    ]
    en = [("a", "Premises: 王芳蔬菜摊"), ("b", "Verdict: 合格"), ("c", "Scale")]
    assert chinese_in(en, {"王芳蔬菜摊"}) == ["b: 'Verdict: 合格'"]


def test_a_readings_tooltip_names_the_item_and_clause_in_the_window_language():
    from inspector_app.ui.widgets.readings_table import clause_text, item_text

    clause = "JJG 539-2016 / OIML R 76-1 3.5.1 × 2 (使用中检查, as JJG 539-1997)"
    i18n.set_language("zh")
    assert item_text("position 3") == "位置 3"
    assert item_text("Q1 run 2") == "Q1 第 2 次"
    assert item_text("2.408 kg at 27.1 yuan/kg") == "2.408 kg（单价 27.1 元/千克）"
    assert clause_text(clause) == "JJG 539-2016 / OIML R 76-1 3.5.1 × 2"
    assert clause_text("JJG 579-2025 (placeholder: ISO 10341 Table 2)") == "JJG 579-2025"
    assert clause_text("JJG 580-2005 Table 1") == "JJG 580-2005 表 1"
    i18n.set_language("en")
    assert item_text("position 3") == "position 3"
    assert clause_text(clause) == "JJG 539-2016 / OIML R 76-1 3.5.1 × 2"
    assert clause_text("JJG 443-2023 §5 计量性能要求 (重复性, 3 runs)") == "JJG 443-2023 §5"
    assert (
        clause_text("零售商品称重计量监督管理办法 附表1")
        == "零售商品称重计量监督管理办法 annex table 1"
    )
