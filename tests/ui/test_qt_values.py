"""The plain ints the start-up path uses instead of PySide's Qt enums (ui.qt_values) are
Qt's values, and what is set through them is what the enum would have set: the record
lists' header texts (shown from a model of their own), the header's sort indicator put
into a restored state, the widgets' properties."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtWidgets import QHeaderView

from inspector_app import i18n
from inspector_app.ui import main_window as mw
from inspector_app.ui import qt_values, settings
from inspector_app.ui.models.inspections import COLUMNS, InspectionTableModel
from inspector_app.ui.widgets.record_table import RecordTable
from inspector_app.ui.workers import StoreReader


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def test_each_value_is_qts():
    role = Qt.ItemDataRole
    assert qt_values.DISPLAY_ROLE == role.DisplayRole.value
    assert qt_values.TOOLTIP_ROLE == role.ToolTipRole.value
    assert qt_values.FOREGROUND_ROLE == role.ForegroundRole.value
    assert qt_values.ACCESSIBLE_TEXT_ROLE == role.AccessibleTextRole.value
    assert qt_values.USER_ROLE == role.UserRole.value
    assert qt_values.HORIZONTAL == Qt.Orientation.Horizontal.value
    assert qt_values.VERTICAL == Qt.Orientation.Vertical.value
    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    assert qt_values.ALIGN_LEFT_VCENTER == align.value
    assert qt_values.SCROLL_BAR_ALWAYS_OFF == Qt.ScrollBarPolicy.ScrollBarAlwaysOff.value
    assert qt_values.TAB_FOCUS == Qt.FocusPolicy.TabFocus.value
    assert qt_values.STRONG_FOCUS == Qt.FocusPolicy.StrongFocus.value
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    assert qt_values.TEXT_SELECTABLE_BY_MOUSE == selectable.value


def test_the_window_s_settings_made_through_properties_took(qtbot, store):
    settings.save_geometry("page", 1)  # the inspections list
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    assert win.nav.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert win.db_label.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    page = win.inspections_page
    header = page.table.horizontalHeader()
    assert header.defaultAlignment() == Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    assert page.table.textElideMode() == Qt.TextElideMode.ElideRight
    assert page.search.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert page.table.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert page.clear_button.focusPolicy() == Qt.FocusPolicy.TabFocus
    # a new header shows the newest first, as the model sorts
    assert header.sortIndicatorSection() == 0
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert page.model.sort_key == ("started_at", True)


def _shown(table: RecordTable) -> list[str]:
    header = table.horizontalHeader()
    model = header.model()
    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(header.count())]


def _model_says(model: QAbstractTableModel) -> list[str]:
    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]


def test_the_header_shows_the_model_s_titles_in_each_language(qtbot, store):
    settings.save_geometry("page", 1)
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    page = win.inspections_page
    assert page.table.horizontalHeader().model() is not page.model
    assert _shown(page.table) == _model_says(page.model) == [c[1] for c in COLUMNS]
    assert page.table.horizontalHeader().count() == page.model.columnCount()
    i18n.set_language("zh")
    assert _shown(page.table) == _model_says(page.model)
    assert _shown(page.table)[1] == "受检单位"
    win.show_page("today")  # the Today page's two lists too
    today = win.today_page
    for table, model in ((today.drafts_table, today.drafts), (today.today_table, today.today)):
        assert _shown(table) == _model_says(model)
    i18n.set_language("en")
    for table, model in ((today.drafts_table, today.drafts), (today.today_table, today.today)):
        assert _shown(table) == _model_says(model) == [c[1] for c in COLUMNS]


def test_a_table_of_another_model_keeps_the_model_s_own_header(qtbot):
    from PySide6.QtGui import QStandardItemModel

    table = RecordTable()
    qtbot.addWidget(table)
    model = QStandardItemModel(2, 3)
    model.setHorizontalHeaderLabels(["a", "b", "c"])
    table.setModel(model)
    assert table.horizontalHeader().model() is model
    assert not table.horizontalHeader().isHidden()


def test_a_hidden_header_stays_hidden_when_the_model_is_set(qtbot, store):
    reader = StoreReader(store.path)
    table = RecordTable()
    qtbot.addWidget(table)
    table.horizontalHeader().hide()
    table.setModel(InspectionTableModel(reader, table))
    assert table.horizontalHeader().isHidden()
    reader.stop()


def _saved_state(order: Qt.SortOrder, column: int) -> bytes:
    table = RecordTable(sortable=True)
    table.setModel(_counting_model(9))
    table.setColumnWidth(2, 333)
    table.horizontalHeader().setSortIndicator(column, order)
    state = table.save_state()
    table.deleteLater()
    return state


def _counting_model(columns: int):
    """A C++ table model of *columns* columns that counts the sorts it is asked for."""
    from PySide6.QtGui import QStandardItemModel

    class Counting(QStandardItemModel):
        sorts = 0

        def sort(self, column, order=Qt.SortOrder.AscendingOrder):
            self.sorts += 1

    return Counting(3, columns)


@pytest.mark.parametrize(
    ("order", "column"), [(Qt.SortOrder.AscendingOrder, 4), (Qt.SortOrder.DescendingOrder, 0)]
)
def test_restoring_a_header_puts_its_sort_indicator_on_the_given_column(qtbot, order, column):
    state = _saved_state(order, column)
    table = RecordTable(sortable=True)
    qtbot.addWidget(table)
    model = _counting_model(9)
    table.setModel(model)
    sorts = model.sorts
    table.restore_state(state, sort_column=0)
    assert model.sorts == sorts  # quietly: the caller puts the model in that order
    header = table.horizontalHeader()
    assert header.sectionSize(2) == 333  # the rest of the state came back
    assert header.sortIndicatorSection() == 0
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert table._last_sort == (0, True)
    # without a column, the state's own indicator
    plain = RecordTable(sortable=True)
    qtbot.addWidget(plain)
    plain.setModel(_counting_model(9))
    plain.restore_state(state)
    assert plain.horizontalHeader().sortIndicatorSection() == column
    assert plain.horizontalHeader().sortIndicatorOrder() == order


def test_a_state_of_another_layout_is_restored_and_the_indicator_set_afterwards(qtbot):
    table = RecordTable(sortable=True)
    qtbot.addWidget(table)
    table.setModel(_counting_model(9))
    header = table.horizontalHeader()
    header.setSortIndicator(5, Qt.SortOrder.AscendingOrder)
    table.restore_state(b"not a header state", sort_column=0)  # refused by Qt: nothing changes
    assert header.sortIndicatorSection() == 5
    vertical = QHeaderView(Qt.Orientation.Vertical)  # a valid state of another layout
    vertical.setModel(_counting_model(9))
    other = bytes(vertical.saveState().data())
    table.restore_state(other, sort_column=0)
    assert header.sortIndicatorSection() == 0
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
