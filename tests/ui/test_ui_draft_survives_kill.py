"""A draft survives a killed process: type a reading, wait for the autosave, SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from inspector_app.store import open_database

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from inspector_app.store import open_database
    from inspector_app.ui.inspection_editor import InspectionEditor
    store = open_database(sys.argv[1])
    ed = InspectionEditor.new_for_instrument(store, sys.argv[2], "张伟")
    ed.show()
    print(ed.insp.id, flush=True)
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit
    table = [t for t in ed.tables if t.model.form_test.kind == "weighing"][0]
    column = [c.path for c in table.model.columns].index("indication")
    index = table.model.index(0, column)
    table.view.setCurrentIndex(index)
    table.view.edit(index)
    editor = [w for w in table.view.viewport().findChildren(QLineEdit) if w.isVisible()][0]
    QTest.keyClicks(editor, "103")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert table.model.test["points"][0]["indication"] == "103"
    ed.saved.connect(lambda _id: os.kill(os.getpid(), signal.SIGKILL))
    app.exec()
""")


def test_reading_survives_sigkill_after_autosave(db_path, stall):
    _p, scale = stall
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db_path), scale.id],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    inspection_id = proc.stdout.split()[0]
    store = open_database(db_path)
    try:
        insp = store.inspections.require(inspection_id)
        weighing = next(t for t in insp.tests if t["kind"] == "weighing")
        assert weighing["points"][0] == {"load": "100", "indication": "103"}
        item = next(t for t in insp.result["tests"] if t["kind"] == "weighing")["items"][0]
        assert (item["error"], item["verdict"]) == ("3", "pass")
    finally:
        store.close()
