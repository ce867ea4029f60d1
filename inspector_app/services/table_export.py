"""Export any filtered list of inspections to CSV or XLSX (openpyxl).

- CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Chinese correctly),
  comma-separated, one header row of column keys.
- XLSX is written in openpyxl's write-only mode (large lists stay small in memory); every
  value is a text cell except ``revision`` (a number), so nothing is reinterpreted.
- A value that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) is written with a leading apostrophe in CSV and as a
  plain text cell in XLSX (formula injection). Control characters that XLSX cannot hold
  are dropped.

The file is written to a temporary name beside the target and renamed when complete, so a
cancelled or failed export never leaves half a file under the chosen name.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..domain.errors import InputError
from ..store.inspections import InspectionFilter
from ..store.review import ReviewFilter, review_repo
from ..store.visits import visit_columns

FORMATS = ("csv", "xlsx")
VISIT_COLUMNS = ("visit", "visit_day", "visit_kind", "campaign")
"""The visit each inspection belongs to, appended to the inspection lists' columns."""
INSPECTION_COLUMNS = (
    "id",
    "record_id",
    "revision",
    "started_at",
    "family",
    "check",
    "verdict",
    "status",
    "inspector",
    "premises",
    "market",
    "city",
    "instrument",
    *VISIT_COLUMNS,
)
QUEUE_COLUMNS = (
    "id",
    "record_id",
    "revision",
    "started_at",
    "family",
    "check",
    "verdict",
    "inspector",
    "premises",
    "market",
    "city",
    "instrument",
    "review_state",
    "cheating",
)
PAGE = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], object]


class ExportCancelled(Exception):
    """The export was cancelled; no file was written."""


def format_for(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The format asked for, or the one the file name ends with."""
    if fmt:
        fmt = fmt.lower()
    else:
        fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("format", "must be csv or xlsx")
    return fmt


# -- sources -----------------------------------------------------------------------------------
def inspection_rows(
    store, f: InspectionFilter | None = None, sort: str = "started_at", descending: bool = True
) -> tuple[int, Iterator[list]]:
    """(total, rows) of the inspections list under *f*, page by page."""
    f = f or InspectionFilter()
    total = store.inspections.count(f)

    def rows() -> Iterator[list]:
        offset = 0
        while True:
            page = store.inspections.list(
                f, sort=sort, descending=descending, limit=PAGE, offset=offset
            )
            visits = visit_columns(store.conn, [r.id for r in page])
            for r in page:
                yield [
                    r.id,
                    r.record_id,
                    r.revision,
                    r.started_at,
                    r.family,
                    r.check,
                    r.verdict or "",
                    r.status,
                    r.inspector,
                    r.premises_name,
                    r.market,
                    r.city,
                    r.instrument_label,
                    *visits.get(r.id, ("", "", "", "")),
                ]
            if len(page) < PAGE:
                return
            offset += PAGE

    return total, rows()


def queue_rows(store, f: ReviewFilter) -> tuple[int, Iterator[list]]:
    """(total, rows) of the review queue under *f*."""
    repo = review_repo(store)
    total = repo.queue_count(f)

    def rows() -> Iterator[list]:
        offset = 0
        while True:
            page = repo.queue(f, limit=PAGE, offset=offset)
            for r in page:
                yield [
                    r.id,
                    r.record_id,
                    r.revision,
                    r.started_at,
                    r.family,
                    r.check,
                    r.verdict or "",
                    r.inspector,
                    r.premises_name,
                    r.market,
                    r.city,
                    r.instrument_label,
                    r.state,
                    "yes" if r.cheating else "",
                ]
            if len(page) < PAGE:
                return
            offset += PAGE

    return total, rows()


# -- writers -----------------------------------------------------------------------------------
def _text(value) -> str:
    return "" if value is None else str(value)


def _csv_safe(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rows(
    path: str | os.PathLike,
    columns: Iterable[str],
    rows: Iterable[list],
    fmt: str | None = None,
    *,
    total: int = 0,
    progress: Progress | None = None,
    sheet_title: str = "inspections",
) -> int:
    """Write *rows* under a header of *columns*; returns the number of data rows."""
    path = Path(path)
    fmt = format_for(path, fmt)
    if path.is_dir():
        raise InputError("output", f"{path} is a folder")
    if not path.parent.is_dir():
        raise InputError("output", f"the folder {path.parent} does not exist")
    tmp = path.with_name(path.name + ".part")
    columns = list(columns)
    try:
        if fmt == "csv":
            n = _write_csv(tmp, columns, rows, total, progress)
        else:
            n = _write_xlsx(tmp, columns, rows, total, progress, sheet_title)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


def _tick(progress: Progress | None, n: int, total: int) -> None:
    if progress is not None and n % 500 == 0 and progress(n, total) is False:
        raise ExportCancelled()


def _write_csv(
    tmp: Path, columns: list[str], rows: Iterable[list], total: int, progress: Progress | None
) -> int:
    n = 0
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for row in rows:
            w.writerow([_csv_safe(v) for v in row])
            n += 1
            _tick(progress, n, total)
        fh.flush()
        os.fsync(fh.fileno())
    if progress is not None:
        progress(n, total or n)
    return n


def _write_xlsx(
    tmp: Path,
    columns: list[str],
    rows: Iterable[list],
    total: int,
    progress: Progress | None,
    title: str,
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "sheet")
    bold = Font(bold=True)
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    ws.freeze_panes = "A2"
    n = 0
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, bool) or not isinstance(v, int):
                text = _ILLEGAL_XLSX.sub("", _text(v))
                cell = WriteOnlyCell(ws, value=text)
                cell.data_type = "s"  # never a formula, never a date or number guessed from text
            else:
                cell = WriteOnlyCell(ws, value=v)
            cells.append(cell)
        ws.append(cells)
        n += 1
        _tick(progress, n, total)
    wb.save(tmp)
    if progress is not None:
        progress(n, total or n)
    return n


# -- use-cases ---------------------------------------------------------------------------------
def export_inspections(
    store,
    path: str | os.PathLike,
    fmt: str | None = None,
    f: InspectionFilter | None = None,
    *,
    sort: str = "started_at",
    descending: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write the inspections list under *f* to *path* (CSV or XLSX); returns the row count."""
    total, rows = inspection_rows(store, f, sort, descending)
    return write_rows(path, INSPECTION_COLUMNS, rows, fmt, total=total, progress=progress)


def export_queue(
    store,
    path: str | os.PathLike,
    fmt: str | None = None,
    f: ReviewFilter | None = None,
    *,
    progress: Progress | None = None,
) -> int:
    """Write the review queue under *f* to *path*; returns the row count."""
    total, rows = queue_rows(store, f or ReviewFilter())
    return write_rows(
        path, QUEUE_COLUMNS, rows, fmt, total=total, progress=progress, sheet_title="review queue"
    )


def export_period(
    store,
    path: str | os.PathLike,
    fmt: str | None = None,
    f=None,
    *,
    progress: Progress | None = None,
    received: bool = False,
) -> int:
    """Write the inspections counted by the office statistics under *f* (a
    :class:`~inspector_app.store.office_stats.StatsFilter`: period, city, market). With
    *received* (a province) the records received from city offices follow, and a last
    column ``origin`` names where each row came from (``local`` for this database's own)."""
    from ..store import office_stats as q

    f = f or q.StatsFilter()
    total = q.count(store, f)
    if received:
        from .province import received_table_rows

        extra = received_table_rows(store, f, len(VISIT_COLUMNS))
        own = ([*r, "local"] for r in _period_rows(store, f, q))
        return write_rows(
            path,
            (*INSPECTION_COLUMNS, "origin"),
            itertools.chain(own, extra),
            fmt,
            total=total + len(extra),
            progress=progress,
        )
    return write_rows(
        path, INSPECTION_COLUMNS, _period_rows(store, f, q), fmt, total=total, progress=progress
    )


def _period_rows(store, f, q) -> Iterator[list]:
    """The period export's own rows, a page at a time, each with its visit columns."""
    offset = 0
    while True:
        page = q.inspection_rows(store, f, PAGE, offset)
        visits = visit_columns(store.conn, [r[0] for r in page])
        yield from ([*r, *visits.get(r[0], ("", "", "", ""))] for r in page)
        if len(page) < PAGE:
            return
        offset += PAGE


def read_back(path: str | os.PathLike) -> list[list[str]]:
    """The rows of an exported file as text, header first (for checks and tests)."""
    path = Path(path)
    if format_for(path) == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [row for row in csv.reader(fh)]
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
    finally:
        wb.close()
