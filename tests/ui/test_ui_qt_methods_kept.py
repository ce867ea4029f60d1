"""Our widgets keep Qt's own methods. The type checker found attributes that hid one (an
error chart's ``lower``, a dialog's ``result`` and ``done``, the editor's ``scroll``, a check
box called ``move``): each call of the Qt method would have failed. The checker guards the
instance attributes from now on; the class-level test below guards signals."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

import inspector_app.ui
from inspector_app.ui.bundle_dialogs import ExportBundleDialog
from inspector_app.ui.case_window.step_form import StepForm
from inspector_app.ui.inspection_editor import InspectionEditor
from inspector_app.ui.widgets.error_chart import ErrorChart


def _ui_classes() -> list[type]:
    out: list[type] = []
    for info in pkgutil.walk_packages(inspector_app.ui.__path__, "inspector_app.ui."):
        module = importlib.import_module(info.name)
        out += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module.__name__ and issubclass(cls, QObject)
        ]
    return out


def _qt_methods(cls: type) -> set[str]:
    return {
        name
        for base in cls.__mro__
        if base.__module__.startswith("PySide6.")
        for name, value in vars(base).items()
        if callable(value) and not isinstance(value, Signal)
    }


def test_no_signal_of_ours_hides_a_qt_method():
    classes = _ui_classes()
    assert len(classes) > 40  # the walk found the package's widgets
    hiding = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, value in vars(cls).items()
        if isinstance(value, Signal) and name in _qt_methods(cls)
    ]
    assert hiding == []


def test_the_check_sees_a_signal_named_like_a_qt_method():
    class Hiding(QDialog):
        done = Signal(object)

    assert "done" in _qt_methods(Hiding) and isinstance(vars(Hiding)["done"], Signal)


def test_the_error_chart_can_still_be_lowered_and_raised(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    chart = ErrorChart(parent)
    chart.lower()
    chart.raise_()
    assert chart.lower_line is not chart.upper_line


def test_a_bundle_dialog_still_has_its_result_code(qtbot, store):
    dialog = ExportBundleDialog(store.path)
    qtbot.addWidget(dialog)
    assert dialog.result() == QDialog.DialogCode.Rejected  # nothing run: Qt's code, 0
    assert dialog.outcome is None


def test_a_step_form_ends_through_done_and_says_applied(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    form = StepForm(parent, "Step", lambda f: "made")
    form.show()
    with qtbot.waitSignal(form.applied, timeout=2000) as blocker:
        form._ok()
    assert blocker.args == ["made"] and form.result() == QDialog.DialogCode.Accepted
    again = StepForm(parent, "Step", lambda f: "made")
    again.show()
    again.done(QDialog.DialogCode.Rejected)
    assert not again.isVisible() and again.result() == QDialog.DialogCode.Rejected


def test_the_inspection_editor_can_still_scroll(qtbot, store, stall):
    editor = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(editor)
    editor.scroll(0, 0)
    assert editor.scroll_area.widget() is not None


def test_finalizing_without_the_instrument_says_so(qtbot, store, stall):
    editor = InspectionEditor.new_for_instrument(store, stall[1].id, "张伟")
    qtbot.addWidget(editor)
    editor.instrument = None  # as when it was deleted while the editor was open
    assert editor.finalize() is False
    assert "no longer in the database" in editor.last_error
    assert store.inspections.require(editor.insp.id).is_draft
