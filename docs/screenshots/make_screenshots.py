"""Make the screenshots of docs/screenshots at 1366×768 from a demo database.

Run under a virtual screen of that size, in a throw-away profile (nothing of yours is read
or written)::

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python docs/screenshots/make_screenshots.py

Writes en-inspections.png, zh-editor-focimeter.png, zh-visits-sweep.png, zh-visits.png,
en-today.png and zh-/en-office-review.png beside this file (pass another folder as the first
argument); with --editors also the editor of every family in both languages.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="inspector-shots-"))
for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[name] = str(WORK / "home" / name.lower())
os.environ["HOME"] = str(WORK / "home")
os.environ.pop("INSPECTOR_PASSPHRASE", None)

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = Path(ARGS[0]) if ARGS else Path(__file__).resolve().parent
PASS = b"screenshot passphrase"
MARKET = "合肥市周谷堆农产品批发市场"


def settle(ms: int = 600) -> None:
    for _ in range(ms // 50):
        QApplication.processEvents()
        QTest.qWait(50)


def shoot(widget, name: str) -> None:
    widget.setGeometry(0, 0, 1366, 768)
    widget.show()
    widget.raise_()
    widget.activateWindow()
    settle(1200)
    QGuiApplication.primaryScreen().grabWindow(0).save(str(OUT / name))
    print("wrote", OUT / name)


def main() -> int:
    from inspector_app import i18n
    from inspector_app.crypto import keys
    from inspector_app.domain.models import Instrument, Premises, new_id
    from inspector_app.paths import keys_dir
    from inspector_app.services import review as rv
    from inspector_app.services.demo import generate
    from inspector_app.services.sync import export_bundle, import_bundle
    from inspector_app.store import open_database
    from inspector_app.ui import main_window as mw
    from inspector_app.ui import office
    from inspector_app.ui.app import make_application
    from inspector_app.ui.inspection_editor import InspectionEditor

    make_application()
    from inspector_app.ui import settings

    settings.set_value("inspector_name", "张伟")
    (WORK / "lap").mkdir()
    (WORK / "off").mkdir()
    lap = open_database(WORK / "lap" / "inspector.db")
    off = open_database(WORK / "off" / "office.db")
    ident = keys.init_identity(keys_dir(lap.path), "张伟", PASS)
    boss = keys.init_identity(keys_dir(off.path), "王主任", PASS)
    off.trust.add(ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode())
    lap.trust.add(boss.fingerprint, boss.name, "office", boss.certificate_pem().decode())
    generate(lap, premises=30, inspections=300, seed=7)
    _ = off.device_id

    # en: the inspections list
    i18n.set_language("en")
    win = mw.MainWindow(lap)
    win.show_page("inspections")
    shoot(win, "en-inspections.png")

    # zh: the editor of a finalized focimeter inspection
    i18n.set_language("zh")
    row = lap.conn.execute(
        "SELECT id FROM inspections WHERE family = 'focimeter' AND status = 'finalized' "
        "ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    editor = InspectionEditor(lap, row[0])
    shoot(editor, "zh-editor-focimeter.png")
    editor.close()
    if "--editors" in sys.argv:  # the editor of every family, in both languages
        for lang in ("zh", "en"):
            i18n.set_language(lang)
            for (family,) in lap.conn.execute("SELECT DISTINCT family FROM inspections"):
                row = lap.conn.execute(
                    "SELECT id FROM inspections WHERE family = ? AND status = 'finalized' "
                    "ORDER BY started_at DESC LIMIT 1",
                    (family,),
                ).fetchone()
                editor = InspectionEditor(lap, row[0])
                shoot(editor, f"{lang}-editor-{family.replace('_', '-')}.png")
                editor.close()
        i18n.set_language("zh")

    # zh: a sweep of a market's scales, some rows checked from the keyboard (Ctrl+7 page)
    for k in range(18):
        p = lap.premises.save(
            Premises(
                new_id(),
                "market_stall",
                f"摊位{k + 1:02d}号",
                city="合肥市",
                market=MARKET,
                stall_no=f"B{k + 1:02d}",
            )
        )
        lap.instruments.save(
            Instrument(
                new_id(),
                p.id,
                "scale",
                "上海友声",
                "ACS-30",
                f"S24{k:04d}",
                "",
                "III",
                {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
            )
        )
    win.show_page("visits")
    visits = win.page("visits")
    visit = visits.new_visit(market=MARKET)
    visit.show()
    settle()
    table = visit.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    for _ in range(6):
        QTest.keyClick(table, Qt.Key.Key_Space)
        settle(100)
    QTest.keyClick(table, Qt.Key.Key_C)
    settle(100)
    for _ in range(3):
        QTest.keyClick(table, Qt.Key.Key_Space)
        settle(100)
    shoot(visit, "zh-visits-sweep.png")
    visit.close()
    visits.refresh()
    shoot(win, "zh-visits.png")
    i18n.set_language("en")
    win.show_page("today")
    shoot(win, "en-today.png")
    i18n.set_language("zh")

    # zh: the office review queue after the laptop's bundle came in
    bundle = WORK / "field.zip"
    export_bundle(lap, ident, bundle, direction="field")
    rv.set_role(off, "supervisor", "王主任")
    import_bundle(off, bundle, backup=False)
    desk = mw.MainWindow(off)
    mode = office.install(desk)
    mode.show("review")
    review = mode.review_page
    settle()
    fail_row = next((r for r, q in enumerate(review.model.rows) if q.verdict == "fail"), 0)
    review.table.selectRow(fail_row)
    shoot(desk, "zh-office-review.png")
    i18n.set_language("en")
    shoot(desk, "en-office-review.png")
    win.close()
    desk.close()
    lap.close()
    off.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
