"""The start-up's import budget: what the window needs before its first paint, and nothing
heavier. The PDF and signature libraries, the charts, the office server's driver, the rules
and forms, the office pages and the other windows load when first used (or, for the rules and
forms, just after the first paint); importing one of them again on the way to the first
paint would cost every start tens of milliseconds without anyone noticing.

Each check runs in a fresh interpreter (what is imported depends on what ran before in the
same process), with a timeout; nothing here is timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from inspector_app.store.migrations import MIGRATION_NAMES, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent

# third-party packages the first paint never needs
HEAVY = (
    "reportlab",
    "pyhanko",
    "cryptography",
    "asn1crypto",
    "pyqtgraph",
    "numpy",
    "psycopg",
    "PIL",
    "pypdf",
    "sqlite_utils",
    "babel",
)
# our own modules that load when first used, or just after the first paint
LATER = (
    "inspector_app.reports",
    "inspector_app.crypto",
    "inspector_app.domain.rules",
    "inspector_app.domain.forms",
    "inspector_app.domain.visits",
    "inspector_app.store.rule_data",
    "inspector_app.ui.office.review_queue",
    "inspector_app.ui.office.conflict_view",
    "inspector_app.ui.office.statistics",
    "inspector_app.ui.case_window",
    "inspector_app.ui.dashboard",
    "inspector_app.ui.inspection_editor",
    # the review service (the list's markers read the store's review rows), the Settings
    # dialog, the repositories the first screen never reads (made on first use), and the
    # migration modules (a current database needs only the schema number)
    "inspector_app.services.review",
    "inspector_app.ui.settings_dialog",
    "inspector_app.store.sync",
    "inspector_app.store.trust",
    "inspector_app.store.attachments",
    *(f"inspector_app.store.migrations.{name}" for name in MIGRATION_NAMES),
    # the New-inspection dialog and the Settings' office database box (the window reads the
    # office URL from ui.office_setting)
    "inspector_app.ui.dialogs.new_inspection",
    "inspector_app.ui.office_db",
    # the day's backup is made after the first paint; a damaged file's message asks for it
    "inspector_app.store.backups",
)
# standard-library modules with a noticeable import cost that nothing before the paint needs
# (uuid brings platform; importlib.resources brings zipfile: resources are found as files;
# logging.handlers brings sockets, pickle and queues: the log rotates itself (logs.RotatingLog);
# locale's tables: the window asks Qt for the system language)
STDLIB_LATER = ("uuid", "importlib.resources", "logging.handlers", "locale")


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_STATE_HOME=str(tmp_path / "home" / "state"),
        INSPECTOR_LOG_DIR=str(tmp_path / "log"),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.pop("INSPECTOR_DB", None)
    return env


def _run(code: str, tmp_path: Path, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=str(ROOT),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("MODULES "))
    return json.loads(line[len("MODULES ") :])


def _demo_db(tmp_path: Path, name: str = "inspector.db") -> Path:
    """A small demo database made in a process of its own (the list has rows to mark), so
    that the process under test starts on a database made by an earlier start."""
    db = tmp_path / name
    _run(
        """
        import json, sys
        from inspector_app.services.demo import generate
        from inspector_app.store import open_database
        store = open_database(sys.argv[1])
        generate(store, premises=3, inspections=12, workers=1)
        store.close()
        print("MODULES " + json.dumps({}))
        """,
        tmp_path,
        str(db),
    )
    assert db.is_file()
    return db


# Run first in a process under test: every enum class PySide builds is noted in ``made``
# (PySide builds a Qt class's enum classes on the class's first use).
_RECORD_ENUMS = """
import enum, json, sys, time

made = []
_create = enum.EnumType._create_


def _recording(cls, *args, **kwargs):
    made.append(_create(cls, *args, **kwargs))
    return made[-1]


enum.EnumType._create_ = _recording
"""


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in names if any(m == name or m.startswith(name + ".") for m in modules)
    )


def test_importing_the_window_imports_nothing_heavy(tmp_path):
    out = _run(
        """
        import json, sys
        import inspector_app.store
        import inspector_app.ui.app
        import inspector_app.ui.main_window
        import inspector_app.ui.office
        print("MODULES " + json.dumps({"modules": sorted(sys.modules)}))
        """,
        tmp_path,
    )
    modules = out["modules"]
    assert "inspector_app.ui.main_window" in modules  # the check looked at the real import
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, LATER) == []
    assert _loaded(modules, STDLIB_LATER) == []


def test_the_start_up_path_to_the_first_paint_imports_only_what_it_needs(tmp_path):
    """``run_gui`` as ``inspector-app`` runs it, on a database made by an earlier start: the
    modules loaded when the main window is first painted, and the deferred work done just
    after it."""
    db = _demo_db(tmp_path)
    out = _run(
        _RECORD_ENUMS
        + textwrap.dedent(
            """
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication
        from inspector_app.ui import app as app_module
        from inspector_app.ui.main_window import MainWindow

        seen = {}

        class Watch(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and "at_paint" not in seen:
                    window = obj.window() if hasattr(obj, "window") else None
                    if isinstance(window, MainWindow):
                        seen["at_paint"] = sorted(sys.modules)
                        seen["enums_at_paint"] = [e.__qualname__ for e in made]
                        seen["fonts_at_paint"] = QApplication.instance().font().families()
                        seen["icons_at_paint"] = [
                            not window.nav.item(i).icon().isNull()
                            for i in range(window.nav.count())
                        ]
                return False

        def loop(app):
            end = time.monotonic() + 60
            while "inspector_app.store.rule_data" not in sys.modules:  # the deferred work
                if time.monotonic() > end:
                    break
                app.processEvents()
                time.sleep(0.005)
            seen["after"] = sorted(sys.modules)
            for w in QApplication.topLevelWidgets():
                if isinstance(w, MainWindow):
                    seen["icons_after"] = [
                        not w.nav.item(i).icon().isNull() for i in range(w.nav.count())
                    ]
                    w.close()
            return 0

        app = app_module.make_application([sys.argv[0]])
        watch = Watch()
        app.installEventFilter(watch)
        app_module._exec = loop
        app_module._first_questions = lambda *a: None  # (modal questions of a first start)
        status = app_module.run_gui(sys.argv[1], "en")
        print("MODULES " + json.dumps({"status": status, **seen}))
        """
        ),
        tmp_path,
        str(db),
    )
    assert out["status"] == 0
    assert "at_paint" in out, "the main window was never painted"
    at_paint = out["at_paint"]
    assert "inspector_app.ui.main_window" in at_paint
    assert _loaded(at_paint, HEAVY) == []
    assert _loaded(at_paint, LATER) == []
    assert _loaded(at_paint, STDLIB_LATER) == []
    # what waited for the first paint did run after it: the confirmed rule data and forms,
    # and the navigation's icons; the shipped CJK font is in place before it
    # PySide's Qt namespace (93 enum classes, a tenth of the start-up) is not built before the
    # first paint (ui.qt_values); the check saw the enums that were built
    assert "QEvent.Type" in out["enums_at_paint"]
    assert [e for e in out["enums_at_paint"] if e.startswith("Qt.")] == []
    assert "inspector_app.store.rule_data" in out["after"]
    assert "inspector_app.store.forms" in out["after"]
    assert any("WenQuanYi" in f for f in out["fonts_at_paint"])
    assert out["icons_at_paint"] and not any(out["icons_at_paint"])
    assert all(out["icons_after"]) and len(out["icons_after"]) == len(out["icons_at_paint"])


def test_the_schema_version_is_the_number_of_migration_files():
    """The schema number is known without importing the migrations: it is the length of the
    list of their names, which must name every ``mNNN_*.py`` file, in order, with no gap."""
    from inspector_app.store import migrations

    folder = ROOT / "inspector_app" / "store" / "migrations"
    files = sorted(p.stem for p in folder.glob("m[0-9][0-9][0-9]_*.py"))
    assert list(MIGRATION_NAMES) == files
    assert [int(name[1:4]) for name in MIGRATION_NAMES] == list(range(1, SCHEMA_VERSION + 1))
    modules = migrations.MIGRATIONS  # imported on first use, in the same order
    assert len(modules) == SCHEMA_VERSION
    assert [m.__name__.rsplit(".", 1)[1] for m in modules] == list(MIGRATION_NAMES)
    assert all(callable(m.up) for m in modules)


def test_the_lists_first_page_and_its_review_markers_need_no_service(tmp_path):
    """The inspections list's first page (read just after the first paint) brings the newest
    review of each row from the store: a returned record is marked without loading the review
    service and the signature checks it imports."""
    db = str(_demo_db(tmp_path, "list.db"))
    out = _run(
        """
        import json, sys
        from inspector_app.store import open_database
        from inspector_app.store.inspections import InspectionFilter
        from inspector_app.ui.models.inspections import first_page_query
        store = open_database(sys.argv[1])
        rows, reviews = first_page_query(store, InspectionFilter(), "started_at", True, 50)
        print("MODULES " + json.dumps(
            {"rows": len(rows), "reviews": len(reviews), "modules": sorted(sys.modules)}
        ))
        """,
        tmp_path,
        db,
    )
    assert out["rows"] == 12  # the page was read, and its reviews looked up
    assert "inspector_app.store.review" in out["modules"]
    assert _loaded(out["modules"], ("inspector_app.services.review",)) == []


_QT_ENUMS_AT_PAINT = (
    _RECORD_ENUMS
    + """
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from inspector_app.ui import app as app_module
from inspector_app.ui import settings
from inspector_app.ui.main_window import MainWindow

seen = {}


class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "qt" not in seen:
            if isinstance(obj, MainWindow):
                seen["qt"] = [e.__qualname__ for e in made if e.__qualname__.startswith("Qt.")]
                seen["page"] = obj.current_page_key()
        return False


def loop(app):
    end = time.monotonic() + 60
    while not ("qt" in seen and "inspector_app.store.rule_data" in sys.modules):
        if time.monotonic() > end:
            break
        app.processEvents()
        time.sleep(0.005)
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow):
            seen["header_saved"] = settings.load_geometry("inspection_header") is not None
            w.close()  # (saves the layout: the next start restores the header)
            seen["header_saved_now"] = settings.load_geometry("inspection_header") is not None
    return 0


app = app_module.make_application([sys.argv[0]])
if settings.load_geometry("page") is None:
    settings.save_geometry("page", 1)  # the inspections list
watch = Watch()
app.installEventFilter(watch)
app_module._exec = loop
app_module._first_questions = lambda *a: None
status = app_module.run_gui(sys.argv[1], "en")
print("MODULES " + json.dumps({"status": status, **seen}))
"""
)


def test_the_inspections_list_is_painted_without_pyside_s_qt_namespace(tmp_path):
    """On the inspections list, at a first start and at the next one (which restores the
    list's saved header), PySide's Qt namespace is not built before the first paint: its 93
    enum classes cost a tenth of the start-up (ui.qt_values)."""
    db = _demo_db(tmp_path)
    first = _run(_QT_ENUMS_AT_PAINT, tmp_path, str(db))
    again = _run(_QT_ENUMS_AT_PAINT, tmp_path, str(db))
    assert first["status"] == again["status"] == 0
    assert first["page"] == again["page"] == "inspections"
    assert not first["header_saved"] and first["header_saved_now"]
    assert again["header_saved"]  # the second start restored it
    assert first["qt"] == [] and again["qt"] == []
