"""What a window shows, as text, for the language walk (tests/ui/test_ui_language_walk.py):
every label, button, group title, tab, menu entry, list entry, column header, field hint and
drop-down entry of a visible widget tree; and which of those texts are in the wrong language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QTabWidget,
    QWidget,
)

TAGS = re.compile(r"<[^>]+>|&nbsp;|&amp;|&lt;|&gt;")
ACCEL = re.compile(r"\(&\w\)|&(?=\w)")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# hashes, fingerprints, file paths and addresses are not words of either language
NOT_WORDS = re.compile(
    r"\b[0-9a-fA-F]{6,}\b|(?:[A-Za-z]:\\|/)[^\s'\"]+|[\w.+-]+@[\w.-]+|https?://\S+"
)

#: English words the Chinese window may show: codes, units, standards, product names
ALLOWED_WORDS = {
    # units and symbols
    "kg",
    "mg",
    "mL",
    "mm",
    "cm",
    "km",
    "min",
    "max",
    "Max",
    "Min",
    "pcs",
    "yuan",
    # regulations and organisations
    "JJG",
    "JJF",
    "OIML",
    "GB",
    "ISO",
    "MPE",
    "PDF",
    "CSV",
    "XLSX",
    "QR",
    "USCC",
    "CA",
    "PAdES",
    "SHA",
    "ID",
    "JSON",
    "SQLite",
    "PostgreSQL",
    "postgresql",  # the scheme of an office database URL
    "WAL",
    "Excel",
    "Ctrl",
    "Shift",
    "Alt",
    "Enter",
    "Tab",
    "Esc",
    "Del",
    "PgUp",
    "PgDn",
    "Inspector",
    "inspector-app",
    "Qn",
    "Ec",
    "ΔL",
    "E0",
    "T1",
    "T2",
    "IME",
    "Qmax",
    "Qmin",
    # a language's own name (the language switch)
    "English",
}


def clean(text: str) -> str:
    return ACCEL.sub("", TAGS.sub(" ", text or "")).strip()


def _model_headers(view: QAbstractItemView) -> Iterable[str]:
    model = view.model()
    if model is None:
        return
    for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount(QModelIndex())),):
        header = getattr(view, "horizontalHeader", lambda: None)()
        for section in range(count):
            if header is not None and header.isSectionHidden(section):
                continue
            value = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if value:
                yield str(value)


def _cells(view: QAbstractItemView, rows: int = 15) -> Iterable[str]:
    """The first rows' shown texts (the words a list puts in its cells: verdicts, kinds)."""
    model = view.model()
    if model is None:
        return
    header = getattr(view, "horizontalHeader", lambda: None)()
    for row in range(min(rows, model.rowCount(QModelIndex()))):
        for column in range(model.columnCount(QModelIndex())):
            if header is not None and header.isSectionHidden(column):
                continue
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(model.index(row, column), role)
                if isinstance(value, str) and value:
                    yield value


def _menu_texts(menu: QMenu) -> Iterable[str]:
    yield menu.title()
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        if action.menu() is not None:
            yield from _menu_texts(action.menu())
        else:
            yield action.text()


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything *root* shows in its visible widgets."""
    out: list[tuple[str, str]] = [("window title", root.windowTitle())]
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if w is not root and not w.isVisibleTo(root):
            continue
        where = f"{type(w).__name__}({w.objectName()})"
        if isinstance(w, QLabel):
            out.append((where, w.text()))
        elif isinstance(w, QAbstractButton):
            out.append((where, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((where, w.title()))
        elif isinstance(w, QLineEdit):
            out.append((where + " hint", w.placeholderText()))
        elif isinstance(w, QComboBox):
            out += [(where, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            out += [(where, w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QListWidget):
            out += [(where, w.item(i).text()) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and not isinstance(w, QListWidget):
            out += [(where + " header", text) for text in _model_headers(w)]
            out += [(where + " cell", text) for text in _cells(w)]
        if w.toolTip():
            out.append((where + " tooltip", w.toolTip()))
        if isinstance(w, QGroupBox):
            continue
    if isinstance(root, QMainWindow) and root.menuWidget() is not None:
        bar = root.menuBar()
        for action in bar.actions():
            if action.menu() is not None:
                out += [("menu", t) for t in _menu_texts(action.menu())]
    return [(where, clean(text)) for where, text in out if text and clean(text)]


def english_in(texts: list[tuple[str, str]], data: Iterable[str] = ()) -> list[str]:
    """Texts with an English word in the Chinese window (codes, units and the words of the
    records' own data, such as a maker's Latin name, allowed)."""
    allowed_words = ALLOWED_WORDS | {w for d in data for w in WORD.findall(str(d))}
    bad = []
    for where, text in texts:
        words = [
            w
            for w in WORD.findall(NOT_WORDS.sub(" ", text))
            if w not in allowed_words and not w.isupper() and not re.search(r"\d", w)
        ]
        if words:
            bad.append(f"{where}: {text!r}")
    return sorted(set(bad))


def chinese_in(texts: list[tuple[str, str]], data: Iterable[str] = ()) -> list[str]:
    """Texts with Chinese in the English window, once the records' own data (names,
    addresses, Chinese form labels of the data) is taken out."""
    pieces = sorted((d for d in data if d and CJK.search(d)), key=len, reverse=True)
    bad = []
    for where, text in texts:
        rest = text
        for piece in pieces:
            if piece in rest:
                rest = rest.replace(piece, " ")
        if CJK.search(rest):
            bad.append(f"{where}: {text!r}")
    return sorted(set(bad))
