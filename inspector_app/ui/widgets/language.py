"""Live language switching for widgets: ``follow_language(widget, widget.retranslate)``.

The callback runs after every :func:`inspector_app.i18n.set_language`, for as long as the
widget exists; the subscription ends when the widget is destroyed.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject

from ...i18n import on_language_changed


def follow_language(obj: QObject, callback: Callable[[], None]) -> None:
    holder: dict = {}

    def listener(_lang: str) -> None:
        if not shiboken6.isValid(obj):
            holder["unsubscribe"]()
            return
        callback()

    holder["unsubscribe"] = on_language_changed(listener)
    obj.destroyed.connect(lambda *_: holder["unsubscribe"]())
