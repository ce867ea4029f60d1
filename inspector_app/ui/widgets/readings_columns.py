"""The readings table's columns and texts: a form test flattened into columns (inputs, then
error, MPE and verdict), units and item labels as shown, verdict texts and colours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ...i18n import pick, tr
from ...services import drafts

PASS_FG, PASS_BG = QColor("#14632f"), QColor("#dcf2e3")
FAIL_FG, FAIL_BG = QColor("#9b0019"), QColor("#fbe0e5")
PENDING_FG = QColor("#6b6b6b")
ERROR_BORDER = QColor("#d0021b")
ErrorRole = Qt.ItemDataRole.UserRole + 1
NUMBERS_COLUMNS = 3  # a "numbers" field inside a row shows as three reading columns
MIN_ROWS = {"positions": 5}
# Values of a standard that stay the same from one run to the next (the metal can's
# nominal volume, reference mark, neck scale and material): a new run starts with them.
CARRY_OVER = ("can.nominal", "can.reference_mark", "can.ml_per_mm", "can.material")
DEFAULT_MIN_ROWS = 3
MIN_INPUT_WIDTH = 58  # px: an input column never gets narrower (a reading still shows)


def number_text(text: str) -> str:
    """What was typed into a *number* cell, with the ideographic full stop "。" (typed for
    the decimal point in a Chinese input method) as "."; full-width digits, point and minus
    are read by the number parser itself. Only used on cells that hold a number."""
    return (text or "").replace("\u3002", ".").replace("\uff61", ".")


def verdict_text(status: str | None) -> str:
    return {
        drafts.PASS: tr("✔ pass"),
        drafts.FAIL: tr("✘ fail"),
        drafts.INVALID: tr("✘ invalid"),
    }.get(status or "", tr("… pending"))


def verdict_colours(status: str | None) -> tuple[QColor, QColor | None]:
    if status == drafts.PASS:
        return PASS_FG, PASS_BG
    if status in (drafts.FAIL, drafts.INVALID):
        return FAIL_FG, FAIL_BG
    return PENDING_FG, None


@dataclass(frozen=True)
class Column:
    path: str  # inside the row ("load", "can.nominal", "readings[1]", "" for a scalar row)
    label: Any  # forms.Label or {"zh", "en"}
    unit: str | None
    type: str = "number"
    choices: tuple = ()
    required: bool = True
    suffix: str = ""

    def title(self, units: dict, instrument_unit: str) -> str:
        text = (
            self.label.get(_lang())
            if hasattr(self.label, "get") and not isinstance(self.label, dict)
            else pick(self.label)
        )
        text = _wrap(text + self.suffix)
        unit = unit_text(self.unit, units, instrument_unit)
        return f"{text}\n({unit})" if unit else text


def _wrap(text: str, width: int = 18) -> str:
    """Long column titles on two lines: English at a space, Chinese after about six
    characters (so eight input columns and the verdict fit a laptop's width)."""
    if " " not in text and len(text) > 6 and not text.isascii():
        half = (len(text) + 1) // 2
        return text[:half] + "\n" + text[half:]
    if len(text) <= width or " " not in text:
        return text
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _lang() -> str:
    from ...i18n import current_language

    return current_language()


def unit_text(unit: str | None, units: dict, instrument_unit: str) -> str:
    if unit is None:
        return ""
    if unit == "@unit":
        unit = instrument_unit
    label = units.get(unit)
    if label is None:
        return unit
    return label.get(_lang())


def flatten(fields, prefix: str = "") -> list[Column]:
    """Form fields as columns; an object's fields become ``obj.key`` columns and a
    ``numbers`` field becomes three reading columns."""
    out: list[Column] = []
    for f in fields:
        path = f"{prefix}{f.key}"
        if f.type == "object":
            out += flatten(f.fields, path + ".")
        elif f.type == "numbers":
            for i in range(NUMBERS_COLUMNS):
                out.append(
                    Column(f"{path}[{i}]", f.label, f.unit, "number", (), f.required, f" {i + 1}")
                )
        elif f.type == "objects":
            continue  # not used by tests
        elif f.type == "bool":  # a yes/no answer is a drop-down list too, never typed
            out.append(Column(path, f.label, f.unit, "choice", YES_NO, f.required))
        else:
            out.append(Column(path, f.label, f.unit, f.type, f.choices, f.required))
    return out


def _yes_no() -> tuple:
    from ...domain.forms import Choice, Label

    return (Choice("yes", Label("是", "Yes")), Choice("no", Label("否", "No")))


YES_NO = _yes_no()
"""The closed set of a form's ``bool`` field, stored as the words the rules read (yes/no)."""


def choice_key(value: Any) -> Any:
    """The choice a stored value stands for: a yes/no answer stored as true/false (by the
    demo or the command line) is the list's yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@dataclass
class TableLayout:
    """How a form test maps onto a table: where its rows live and which columns they have."""

    rows_key: str | None  # None: the test itself is the single row
    columns: list[Column]  # input columns of a row
    test_fields: list[Column]  # fields above the table
    scalar_rows: bool = False  # rows are plain values (repeatability indications)


def table_layout(form_test) -> TableLayout:
    if form_test.list:
        return TableLayout(
            form_test.list, flatten(form_test.item_fields), flatten(form_test.fields)
        )
    numbers = [f for f in form_test.fields if f.type == "numbers"]
    if numbers:
        nf = numbers[0]
        others = [f for f in form_test.fields if f is not nf]
        col = Column("", _single_label(nf.label), nf.unit)
        return TableLayout(nf.key, [col], flatten(others), scalar_rows=True)
    return TableLayout(None, flatten(form_test.fields), [])


def _single_label(label) -> dict:
    # "各次示值" (indications) -> one column per row: "示值" (indication)
    zh, en = label.zh, label.en
    return {"zh": zh.replace("各次", ""), "en": en[:-1] if en.endswith("s") else en}


def _signed(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if text.startswith("-") or text in ("0", "0.0") else f"+{text}"


_REMARK = re.compile(r"\s*\(([^()]*)\)")
CJK_RUN = "[\u3400-\u9fff]+"


def item_text(label: str) -> str:
    """A judged item's name from the rules engine ("position 3", "Q1 run 2") in the window's
    language."""
    from ...reports.labels import item_label

    return item_label(str(label), _lang())


def clause_text(clause: str) -> str:
    """The clause a verdict rests on, as the window shows it: the reference itself
    ("JJG 539-2016 / OIML R 76-1 3.5.1"). A bracketed remark in the other language (the
    edition it was compared with, a placeholder note) is left out; in Chinese "Table" is 表;
    in English 附表 is "annex table" and a clause's Chinese heading after its § number is
    left out (a regulation known only by its Chinese title keeps it)."""
    clause = str(clause or "")
    other = r"\b[a-z]{2,}\b" if _lang() == "zh" else CJK_RUN
    text = _REMARK.sub(lambda m: "" if re.search(other, m.group(1)) else m.group(0), clause)
    if _lang() == "zh":
        return re.sub(r"\bTable (\w+)", r"表 \1", text).strip()
    text = re.sub(r"附表\s*(\w+)", r"annex table \1", text)
    return re.sub(r"(§[\d.]+)\s+" + CJK_RUN, r"\1", text).strip()


def _unit_label(unit: str, units: dict) -> str:
    label = units.get(unit)
    return label.get(_lang()) if label is not None else unit


# ---- view and delegate -------------------------------------------------------------------------
