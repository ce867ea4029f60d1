"""Goods on the office statistics page: prepackaged batches inspected and their pass rate
(two decimals) by producer, kind of product, city or campaign, and short-weight rechecks by
market. Hidden for a period without either."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import current_language, tr
from ..widgets.language import follow_language

GROUPS = (
    ("producer", "by producer"),
    ("product_kind", "by kind of product"),
    ("city", "by city"),
    ("campaign", "by campaign"),
)
KIND_ZH = {
    "food": "食品",
    "beverage": "饮料、酒类",
    "daily_chemical": "日用化学品",
    "agricultural": "农资",
    "building": "建材",
    "other": "其他",
}


def _table(columns: int, name: str, parent: QWidget) -> QTableWidget:
    t = QTableWidget(0, columns, parent)
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    t.setMaximumHeight(160)
    return t


class GoodsPanel(QWidget):
    """Shows :func:`inspector_app.services.goods_stats.goods_statistics`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goodsPanel")
        self.data: dict | None = None
        self.batches_line = QLabel(self)
        self.batches_line.setObjectName("goodsBatches")
        self.rechecks_line = QLabel(self)
        self.rechecks_line.setObjectName("goodsRechecks")
        self.group = QComboBox(self)
        self.group.setObjectName("goodsGroup")
        for key, _text in GROUPS:
            self.group.addItem("", key)
        self.group.currentIndexChanged.connect(lambda _i: self._fill())
        self.batches = _table(4, "goodsBatchTable", self)
        self.markets = _table(4, "goodsMarketTable", self)
        head = QHBoxLayout()
        head.addWidget(self.batches_line, 1)
        head.addWidget(self.group)
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.batches)
        right = QVBoxLayout()
        right.addWidget(self.rechecks_line)
        right.addWidget(self.markets)
        tables.addLayout(left, 3)
        tables.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tables)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.hide()

    def show_stats(self, data: dict) -> None:
        self.data = data
        pre, rr = data["prepackaged"], data["retail_rechecks"]
        self.setVisible(bool(pre["batches"] or rr["rechecks"]))
        self._fill()

    def _fill(self) -> None:
        if self.data is None:
            return
        pre, rr = self.data["prepackaged"], self.data["retail_rechecks"]
        rate = "—" if pre["pass_rate"] is None else f"{pre['pass_rate']} %"
        self.batches_line.setText(
            tr("Prepackaged goods: {n} batches, {p} passed, pass rate {rate}").format(
                n=pre["batches"], p=pre["passed"], rate=rate
            )
        )
        short = "—" if rr["short_rate"] is None else f"{rr['short_rate']} %"
        self.rechecks_line.setText(
            tr("Short-weight rechecks: {n}, goods short in {s} ({rate})").format(
                n=rr["rechecks"], s=rr["short"], rate=short
            )
        )
        key = self.group.currentData()
        rows = pre[f"by_{key}"]
        self.batches.setRowCount(len(rows))
        for i, r in enumerate(rows):
            name = r[key] or tr("(none)")
            if key == "product_kind" and current_language() == "zh":
                name = KIND_ZH.get(r[key], name)
            cells = (name, str(r["batches"]), str(r["passed"]), f"{r['pass_rate'] or '—'} %")
            for j, text in enumerate(cells):
                self.batches.setItem(i, j, QTableWidgetItem(text))
        self.markets.setRowCount(len(rr["by_market"]))
        for i, r in enumerate(rr["by_market"]):
            cells = (
                r["market"] or tr("(none)"),
                str(r["rechecks"]),
                str(r["short"]),
                f"{r['short_rate'] or '—'} %",
            )
            for j, text in enumerate(cells):
                self.markets.setItem(i, j, QTableWidgetItem(text))

    def retranslate(self) -> None:
        for i, (_key, text) in enumerate(GROUPS):
            self.group.setItemText(i, tr(text))
        self.batches.setHorizontalHeaderLabels(["", tr("Batches"), tr("Passed"), tr("Pass rate")])
        self.markets.setHorizontalHeaderLabels([tr("Market"), tr("Rechecks"), tr("Short"), "%"])
        self._fill()
