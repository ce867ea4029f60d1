"""An instrument found on the spot is added to the sweep from the visit editor: Ctrl+Shift+N
opens the instrument dialog at the current row's premises, the saved instrument becomes a new
row with the cursor on it, and Space checks it like any other row; an instrument of other
premises is refused in one sentence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from inspector_app import i18n
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.services import visits as vs
from inspector_app.ui import instrument_editor
from inspector_app.ui.visit_editor import VisitEditor
from inspector_app.ui.visit_editor.sweep import _col

MARKET = "合肥市周谷堆农产品批发市场"
SCALE = {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"}


def _stall(store, n):
    p = store.premises.save(
        Premises(
            new_id(), "market_stall", f"摊位{n}", city="合肥市", market=MARKET, stall_no=f"A{n}"
        )
    )
    store.instruments.save(
        Instrument(new_id(), p.id, "scale", "友声", "ACS-30", f"S{n:04d}", "", "III", SCALE)
    )
    return p


def test_add_an_instrument_found_on_the_spot(qtbot, store, monkeypatch):
    i18n.set_language("zh")
    stalls = [_stall(store, n) for n in range(2)]
    elsewhere = store.premises.save(Premises(new_id(), "shop", "别处商店", city="合肥市"))
    stray = store.instruments.save(
        Instrument(new_id(), elsewhere.id, "scale", "友声", "ACS-6", "X1", "", "III", SCALE)
    )
    v = vs.new_visit(store, inspector="张三", market=MARKET)
    editor = VisitEditor(store, v.id)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.table.rowCount() == 2
    editor.table.setCurrentCell(1, _col("mark"))
    opened = {}

    def fake_exec(dialog):
        opened["premises"] = dialog.fields["premises_id"].currentData()
        dialog.saved_instrument = store.instruments.save(
            Instrument(
                new_id(),
                opened["premises"],
                "scale",
                "凯丰",
                "ACS-15",
                "一秤一码-0099",
                "",
                "III",
                SCALE,
            )
        )
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(instrument_editor.InstrumentEditor, "exec", fake_exec)
    editor.findChild(type(editor.actions()[0]), "add_instrument").trigger()
    assert opened["premises"] == stalls[1].id  # the current row's stall
    assert editor.table.rowCount() == 3
    assert editor.table.currentRow() == 2
    assert "一秤一码-0099" in editor.table.item(2, 0).text()
    assert "摊位1" in editor.table.item(2, 0).text()
    qtbot.keyClick(editor.table, Qt.Key.Key_Space)
    rows = vs.repo(store).rows(v.id)
    assert rows[2].identity_code == "一秤一码-0099" and rows[2].mark == "yes"
    # the same instrument again, or one of other premises: refused, nothing added
    assert editor.add_instrument(rows[2].instrument_id) is None
    assert "already" in editor.last_error
    assert editor.add_instrument(stray.id) is None
    assert "not at the market" in editor.last_error
    assert len(vs.repo(store).rows(v.id)) == 3


def test_photos_on_a_visit(qtbot, store):
    import random

    from inspector_app.services.demo import tiny_png

    i18n.set_language("zh")
    _stall(store, 0)
    v = vs.new_visit(store, inspector="张三", market=MARKET)
    editor = VisitEditor(store, v.id)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.photos_box.title() == "现场照片"
    shas = editor.add_photos([tiny_png(random.Random(n), 16) for n in (1, 2)])
    assert len(shas) == 2 and editor.photos.shas() == shas
    assert vs.repo(store).photos(v.id) == shas
    assert editor.remove_photo(shas[0]) == shas[1:]
    assert editor.photos.list.count() == 1
    assert editor.rest_all_ok() == 1
    assert editor.finalize(confirm=False), editor.last_error
    assert not editor.photos.add_button.isEnabled()  # sealed with the visit
    assert editor.add_photos([tiny_png(random.Random(3), 16)]) == shas[1:]
    i18n.set_language("en")
    assert editor.photos_box.title() == "Photos"
    i18n.set_language("zh")
