"""Errors shown beside the field where the bad value was typed.

``FieldErrors`` maps an :class:`~inspector_app.domain.errors.InputError` path (such as
``premises.credit_code``) to the field widget and a red :class:`FieldError` label placed
under it. A field with an error gets a red border *and* a text message (never colour alone).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ...i18n import current_language, tr

# Domain messages with variable parts: (pattern, Chinese template).
_PATTERNS = [
    (
        re.compile(r"^a unified social credit code has 18 characters, got (\d+)$"),
        "统一社会信用代码应为 18 位，当前为 {0} 位",
    ),
    (
        re.compile(r"^character '(.)' is not allowed in a unified social credit code$"),
        "统一社会信用代码中不允许出现字符“{0}”（不使用 I、O、S、V、Z）",
    ),
    (
        re.compile(r"^characters 3-8 must be the 6-digit administrative division code$"),
        "第 3–8 位必须是 6 位行政区划代码",
    ),
    (
        re.compile(r"^check character is '(.)', expected '(.)' \(GB 32100-2015\)$"),
        "校验码为“{0}”，按 GB 32100-2015 应为“{1}”",
    ),
    (re.compile(r"^must be a number, got (.*)$"), "必须是数字，当前为 {0}"),
    (
        re.compile(r"^must be a date \(YYYY-MM-DD\), got (.*)$"),
        "必须是日期（YYYY-MM-DD），当前为 {0}",
    ),
    (
        re.compile(r"^is too long \((\d+) characters, at most (\d+)\)$"),
        "太长（{0} 个字符，最多 {1} 个）",
    ),
    (re.compile(r"^must be one of (.*)$"), "必须是以下之一：{0}"),
    (re.compile(r"^must be between (\S+) and (\S+)$"), "必须在 {0} 与 {1} 之间"),
    (re.compile(r"^contains a control character \((.*)\)$"), "含有控制字符（{0}）"),
    # reference standards used (warnings shown in the editor and before finalizing)
    (
        re.compile(r"^(.+): the certificate expired on (\S+), before the inspection \((\S+)\)$"),
        "{0}：证书已于 {1} 过期，早于检查日期（{2}）",
    ),
    (
        re.compile(r"^(.+): its MPE is not recorded, so its accuracy cannot be checked$"),
        "{0}：未记录其最大允许误差，无法核查其准确度是否足够",
    ),
    (
        re.compile(r"^(.+): unit '(.+)' cannot be compared with the scale's$"),
        "{0}：单位“{1}”无法与衡器的单位比较",
    ),
    (
        re.compile(
            r"^(.+): MPE (\S+) (\S+) is more than 1/3 of the scale's MPE (\S+) (\S+) at (\S+) (\S+)$"
        ),
        "{0}：最大允许误差 {1} {2} 大于衡器在 {5} {6} 处最大允许误差 {3} {4} 的 1/3",
    ),
]


def translate_message(message: str) -> str:
    """A domain error message in the current language (English stays as written)."""
    if current_language() != "zh":
        return message
    direct = tr(message)
    if direct != message:
        return direct
    for pattern, template in _PATTERNS:
        m = pattern.match(message)
        if m:
            return template.format(*m.groups())
    return message


class FieldError(QLabel):
    """A red message with a warning sign, hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None, *, warning: bool = False) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        # take the whole field column, so a message wraps at the field's width, not the label's
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setObjectName("fieldWarning" if warning else "fieldError")
        colour = "#a15c00" if warning else "#c0392b"
        self.setStyleSheet(f"color: {colour};")
        self.hide()

    def show_message(self, message: str) -> None:
        if not message:
            self.clear_message()
            return
        self.setText("⚠ " + message)
        self.setAccessibleDescription(message)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    def message(self) -> str:
        return self.text()[2:] if self.isVisible() or self.text() else ""


class FieldErrors:
    """Bookkeeping of fields and their error labels, keyed by InputError path."""

    _ERROR_STYLE = "border: 1px solid #c0392b;"

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, FieldError]] = {}
        self._fallback: FieldError | None = None

    def add(self, path: str, field: QWidget, label: FieldError) -> None:
        self._fields[path] = (field, label)

    def set_fallback(self, label: FieldError) -> None:
        """Where an error whose path names no field is shown (e.g. a form-wide error)."""
        self._fallback = label

    def label(self, path: str) -> FieldError | None:
        entry = self._fields.get(path)
        return entry[1] if entry else None

    def show(self, path: str, message: str, *, focus: bool = True) -> None:
        entry = self._fields.get(path)
        if entry is None:
            if self._fallback is not None:
                self._fallback.show_message(
                    f"{path}: {translate_message(message)}" if path else translate_message(message)
                )
            return
        field, label = entry
        label.show_message(translate_message(message))
        field.setProperty("hasError", True)
        field.setStyleSheet(self._ERROR_STYLE)
        if focus:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self, path: str | None = None) -> None:
        items = (
            self._fields.items()
            if path is None
            else [(path, self._fields[path])]
            if path in self._fields
            else []
        )
        for _p, (field, label) in list(items):
            label.clear_message()
            field.setProperty("hasError", False)
            field.setStyleSheet("")
        if path is None and self._fallback is not None:
            self._fallback.clear_message()

    def has_errors(self) -> bool:
        def shown(label: QLabel) -> bool:
            parent = label.parentWidget()
            return label.isVisibleTo(parent) if parent is not None else bool(label.text())

        return any(shown(label) for _f, label in self._fields.values()) or bool(
            self._fallback and self._fallback.text()
        )

    def message(self, path: str) -> str:
        label = self.label(path)
        return label.text()[2:] if label is not None and label.text() else ""
