"""Finding inspections: the filter the window, the command line and the exports share
(period, premises, family, verdict, status, free text), the list's row, its sort columns,
and the SQL that the filter becomes: free text matched against premises and instrument
names, identity codes and inspectors (matches cached per connection and data version).

Read-only; :mod:`.inspections` runs the queries and re-exports the filter and the row.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from . import codec
from .filters import period
from .records import like_pattern


@dataclass
class InspectionFilter:
    family: str | None = None
    verdict: str | None = None
    status: str | None = None
    check: str | None = None
    search: str = ""
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    market: str | None = None
    premises_id: str | None = None
    instrument_id: str | None = None
    inspector: str | None = None
    origin: str | None = None
    ids: list[str] | None = None
    heads_only: bool = True  # only the newest revision of each record


@dataclass
class InspectionSummary:
    id: str
    record_id: str
    revision: int
    started_at: str
    family: str
    check: str
    verdict: str | None
    status: str
    inspector: str
    premises_id: str
    premises_name: str
    market: str
    city: str
    instrument_id: str
    instrument_label: str
    cheating: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


SORT_COLUMNS = {
    "started_at": "i.started_at",
    "family": "i.family",
    "verdict": "i.verdict",
    "status": "i.status",
    "premises": "p.name",
    "market": "p.market",
    "inspector": "i.inspector",
    "instrument": "n.serial",
}


LIST_SELECT = """
SELECT i.id, i.record_id, i.revision, i.started_at, i.family, i.check_kind, i.verdict, i.status,
       i.inspector, i.premises_id, p.name AS premises_name, p.market, p.city, i.instrument_id,
       trim(n.maker || ' ' || n.model || ' ' || n.serial) AS instrument_label
FROM inspections i
JOIN premises p ON p.id = i.premises_id
JOIN instruments n ON n.id = i.instrument_id
"""


# "Newest revision only" without reading rows: superseded revisions are few and indexed
# (inspections_superseded); a row test of superseded_by reads the row's overflow pages.
_HEADS = "i.rowid NOT IN (SELECT rowid FROM inspections WHERE superseded_by IS NOT NULL)"


_ID_END = "\U0010ffff"


def _inspectors(conn: sqlite3.Connection) -> list[str]:
    """The distinct inspector names, by a skip scan of inspections_inspector (one index
    seek per name, however many inspections there are)."""
    names: list[str] = []
    row = conn.execute("SELECT min(inspector) FROM inspections").fetchone()
    while row is not None and row[0] is not None:
        names.append(row[0])
        row = conn.execute(
            "SELECT min(inspector) FROM inspections WHERE inspector > ?", (row[0],)
        ).fetchone()
    return names


@dataclass
class _Match:
    premises: str  # JSON arrays of ids / names, for json_each()
    instruments: str
    inspectors: list[str]
    fraction: float  # share of premises and instruments that match (a selectivity estimate)


# (id(connection), text, data version, changes) -> (connection, _Match): count and list of one
# keystroke share it. The entry holds the connection itself, so its id cannot be reused by
# another connection while the entry lives.
_MATCHES: OrderedDict[tuple[int, str, int, int], tuple[sqlite3.Connection, _Match]] = OrderedDict()


def text_match(conn: sqlite3.Connection, text: str) -> _Match:
    """What *text* matches in the small tables (premises, instruments, inspector names),
    found once per text and database state."""
    key = (id(conn), text, conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    entry = _MATCHES.get(key)
    if entry is not None and entry[0] is conn:
        _MATCHES.move_to_end(key)
        return entry[1]
    pattern = like_pattern(text)
    prem = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM premises WHERE search_text LIKE ? ESCAPE '\\'", (pattern,)
        )
    ]
    inst = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM instruments WHERE search_text LIKE ? ESCAPE '\\'", (pattern,)
        )
    ]
    names = _inspectors(conn)
    matched = (
        [
            r[0]
            for r in conn.execute(
                "SELECT value FROM json_each(?) WHERE lower(value) LIKE ? ESCAPE '\\'",
                (codec.dumps(names), pattern),
            )
        ]
        if names
        else []
    )
    total = conn.execute(
        "SELECT (SELECT count(*) FROM premises) + (SELECT count(*) FROM instruments)"
    ).fetchone()[0]
    hit = _Match(
        codec.dumps(prem), codec.dumps(inst), matched, (len(prem) + len(inst)) / max(total, 1)
    )
    _MATCHES[key] = (conn, hit)
    while len(_MATCHES) > 16:
        _MATCHES.popitem(last=False)
    return hit


def search_terms(conn: sqlite3.Connection, text: str) -> tuple[list[str], list[Any], float]:
    """The OR-terms of a search for *text*, each answerable from an index: inspections of
    the premises and instruments whose search text contains it, of the inspectors whose
    name contains it, and ids that start with it. Also the selectivity estimate."""
    m = text_match(conn, text)
    prefix = text.lower()
    terms = [
        "i.premises_id IN (SELECT value FROM json_each(?))",
        "i.instrument_id IN (SELECT value FROM json_each(?))",
        "(i.id >= ? AND i.id < ?)",
    ]
    params: list[Any] = [m.premises, m.instruments, prefix, prefix + _ID_END]
    if m.inspectors:
        terms.append(f"i.inspector IN ({', '.join('?' for _ in m.inspectors)})")
        params.extend(m.inspectors)
    return terms, params, m.fraction


def filter_where(
    f: InspectionFilter, conn: sqlite3.Connection | None = None
) -> tuple[str, list[Any]]:
    where, params = [], []
    if f.heads_only:
        where.append(_HEADS)
    for column, value in (
        ("i.family", f.family),
        ("i.verdict", f.verdict),
        ("i.status", f.status),
        ("i.check_kind", f.check),
        ("p.market", f.market),
        ("i.premises_id", f.premises_id),
        ("i.instrument_id", f.instrument_id),
        ("i.inspector", f.inspector),
        ("i.origin", f.origin),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    dates, values = period(f.date_from, f.date_to)
    where += dates
    params += values
    if f.ids is not None:
        where.append(f"i.id IN ({', '.join('?' for _ in f.ids) or 'NULL'})")
        params.extend(f.ids)
    text = f.search.strip()
    if text:
        if conn is None:
            raise ValueError("a text search needs the connection")
        terms, term_params, _ = search_terms(conn, text)
        where.append("(" + " OR ".join(terms) + ")")
        params.extend(term_params)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def only_search(f: InspectionFilter) -> bool:
    """True when the filter is a search over the newest revisions and nothing else."""
    return (
        f.heads_only
        and bool(f.search.strip())
        and f.ids is None
        and not any(
            (
                f.family,
                f.verdict,
                f.status,
                f.check,
                f.date_from,
                f.date_to,
                f.market,
                f.premises_id,
                f.instrument_id,
                f.inspector,
                f.origin,
            )
        )
    )
