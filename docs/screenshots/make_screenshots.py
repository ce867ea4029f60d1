"""Make the screenshots of docs/screenshots at 1366×768 from a demo database.

Run under a virtual screen of that size, in a throw-away profile (nothing of yours is read
or written)::

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python docs/screenshots/make_screenshots.py

Writes beside this file (pass another folder as the first argument): Today's work with the
campaign work list, the inspections, instruments, dashboard and visits pages, a market sweep
(officers, photos), the cases window, Settings and its certificate numbers, the campaigns
window with its New campaign and Assign dialogs, and the office's review queue (a report
signed by the inspector) and statistics, in Chinese, and Today's work, inspections,
dashboard, cases, campaigns and review queue in English; with --editors also the editor of
every family in both languages.
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
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

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


def shoot_dialog(window, dialog, name: str, size=None) -> None:
    """A dialog at its natural size (or *size*), centred over *window* (filling the screen)."""
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    dialog.setModal(False)
    dialog.show()
    settle(300)
    dialog.adjustSize()
    if size is not None:
        dialog.resize(*size)
    size = dialog.size()
    QWidget.move(dialog, max(0, (1366 - size.width()) // 2), max(0, (768 - size.height()) // 2))
    dialog.raise_()
    dialog.activateWindow()
    settle(1200)
    QGuiApplication.primaryScreen().grabWindow(0).save(str(OUT / name))
    print("wrote", OUT / name)


def photo(colour: str, text: str) -> bytes:
    """A small JPEG standing in for a photo taken on the visit."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setPointSize(40)
    painter.setFont(font)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    return bytes(buffer.data())


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

    (WORK / "lap").mkdir()
    (WORK / "off").mkdir()
    lap = open_database(WORK / "lap" / "inspector.db")
    off = open_database(WORK / "off" / "office.db")
    generate(lap, premises=30, inspections=300, seed=7)
    # the laptop belongs to the inspector with the most open work in the campaign under way,
    # so Today's work shows a campaign work list
    (me,) = lap.conn.execute(
        "SELECT a.inspector FROM assignments a JOIN campaigns c ON c.id = a.campaign_id"
        " WHERE a.done_visit_id IS NULL GROUP BY a.inspector"
        " ORDER BY max(c.date_to) DESC, count(*) DESC, a.inspector LIMIT 1"
    ).fetchone()
    settings.set_value("inspector_name", me)
    ident = keys.init_identity(keys_dir(lap.path), me, PASS)
    boss = keys.init_identity(keys_dir(off.path), "王主任", PASS)
    off.trust.add(ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode())
    lap.trust.add(boss.fingerprint, boss.name, "office", boss.certificate_pem().decode())
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
                short = "fuel" if family == "fuel_dispenser" else family.replace("_", "-")
                shoot(editor, f"{lang}-editor-{short}.png")
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
    visit.set_officers([(me, "3465776601"), ("王国强", "3465776623")])
    visit.save_header()
    visit.add_photos([photo("#4a6d8c", "B07 电子秤"), photo("#6d8c4a", "遥控器")])
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
    shoot(win, "zh-today.png")
    for page in ("inspections", "instruments", "dashboard"):
        win.show_page(page)
        shoot(win, f"zh-{page}.png")
    i18n.set_language("en")
    shoot(win, "en-dashboard.png")
    i18n.set_language("zh")

    # the enforcement cases window (Enforcement → Cases…), a decided case selected
    cases = win.show_cases()
    decided = lap.conn.execute(
        "SELECT id FROM cases ORDER BY (status = 'decided') DESC, clue_date DESC LIMIT 1"
    ).fetchone()
    if decided:
        cases.select_case(decided[0])
    shoot(cases, "zh-cases.png")
    i18n.set_language("en")
    shoot(cases, "en-cases.png")
    i18n.set_language("zh")
    cases.close()

    # Settings, and its certificate numbers ledger
    # an authorised issuing body, six signed verification reports of this inspector
    # (each takes a certificate or notice number) and one number voided with its reason
    from inspector_app.domain.issuing_body import IssuingBody
    from inspector_app.services import certificates as rp
    from inspector_app.services import reports
    from inspector_app.ui.certificate_numbers import CertificateNumbersDialog
    from inspector_app.ui.settings import SettingsDialog

    rp.save_issuing_body(
        lap,
        IssuingBody(
            name_zh="黄山市计量测试所",
            name_en="Huangshan Institute of Metrology",
            address="安徽省黄山市屯溪区黄山东路8号",
            postcode="245000",
            phone="0559-2512345",
            authorisation_no="(皖)法计(2024)01005号",
            authorised=True,
            cert_prefix="HSJL",
        ),
    )
    mine = [
        r[0]
        for r in lap.conn.execute(
            "SELECT id FROM inspections WHERE inspector = ? AND status = 'finalized'"
            " AND check_kind = 'subsequent' ORDER BY verdict = 'fail' DESC, started_at DESC LIMIT 6",
            (me,),
        )
    ]
    for inspection_id in mine:
        try:
            reports.make_report(lap, inspection_id, "zh", identity=ident)
        except Exception as exc:  # shown, the screenshots go on without it
            print("not signed:", exc)
    numbers_taken = sorted(rp.issued_numbers(lap, mine[0])) if mine else []
    if numbers_taken:
        rp.void_number(lap, numbers_taken[0], "打印时卡纸，证书作废后重新出具", me)
    win.show_page("today")
    dialog = SettingsDialog(win)
    shoot_dialog(win, dialog, "zh-settings.png")
    numbers = CertificateNumbersDialog(lap, dialog, actor=me)
    # (its natural size shows only the first columns: at the size a user drags it to)
    shoot_dialog(win, numbers, "zh-certificate-numbers.png", (820, 360))
    numbers.close()
    dialog.close()

    # campaigns (Office → Campaigns…): the one under way, and its New campaign / Assign dialogs
    from inspector_app.ui.campaign_page import CampaignPage
    from inspector_app.ui.dialogs.campaign_dialogs import AssignDialog, NewCampaignDialog

    campaigns = CampaignPage(lap, None)
    campaigns.refresh()
    running = lap.conn.execute("SELECT id FROM campaigns ORDER BY date_to DESC LIMIT 1").fetchone()
    if running:
        campaigns.select_campaign(running[0])
    shoot(campaigns, "zh-campaigns.png")
    i18n.set_language("en")
    shoot(campaigns, "en-campaigns.png")
    i18n.set_language("zh")
    new = NewCampaignDialog(lap, "王主任", campaigns)
    shoot_dialog(campaigns, new, "zh-campaign-new.png")
    new.close()
    if campaigns.current_campaign() is not None:
        assign = AssignDialog(lap, campaigns.current_campaign(), "王主任", campaigns)
        shoot_dialog(campaigns, assign, "zh-campaign-assign.png")
        assign.close()
    campaigns.close()

    # zh: the office review queue after the laptop's bundle came in
    # the inspector signs the report of one failed inspection of theirs: it travels with the
    # record and the review panel shows it as signed by the inspector
    from inspector_app.services.reports import make_report

    signed = lap.conn.execute(
        "SELECT id FROM inspections WHERE inspector = ? AND status = 'finalized'"
        " AND verdict = 'fail' ORDER BY started_at DESC LIMIT 1",
        (me,),
    ).fetchone()
    if signed:
        try:
            make_report(lap, signed[0], "zh", identity=ident)
        except Exception as exc:  # shown, the screenshots go on without it
            print("not signed:", exc)
    bundle = WORK / "field.zip"
    export_bundle(lap, ident, bundle, direction="field")
    rv.set_role(off, "supervisor", "王主任")
    import_bundle(off, bundle, backup=False)
    desk = mw.MainWindow(off)
    mode = office.install(desk)
    mode.show("review")
    review = mode.review_page
    settle()
    fail_row = next(
        (r for r, q in enumerate(review.model.rows) if signed and signed[0] in (q.id, q.record_id)),
        next((r for r, q in enumerate(review.model.rows) if q.verdict == "fail"), 0),
    )
    review.table.selectRow(fail_row)
    shoot(desk, "zh-office-review.png")
    i18n.set_language("en")
    shoot(desk, "en-office-review.png")
    i18n.set_language("zh")
    mode.show("statistics")
    # the demo's inspections reach back months: the page over the last year, not this month
    import datetime as dt

    today = dt.date.today()
    mode.statistics_page.set_period((today - dt.timedelta(days=365)).isoformat(), today.isoformat())
    shoot(desk, "zh-statistics.png")
    win.close()
    desk.close()
    lap.close()
    off.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
