"""Shared by the kept-count tests (``test_stat_counts.py``, ``test_stat_failures.py``): the
records that count, a mixed sequence of writes, and the periods and places to compare in."""

from __future__ import annotations

import dataclasses
import datetime as dt

from inspector_app.domain.models import new_id
from inspector_app.services.demo import generate
from inspector_app.services.office_stats import StatsFilter
from inspector_app.store import open_database
from inspector_app.store.db import transaction

HEADS = "i.status = 'finalized' AND i.superseded_by IS NULL"


def demo_store(engine: str, tmp_path, *, inspections: int, seed: int):
    """A store of 25 demo premises on *engine* (``sqlite``: a file in *tmp_path*;
    ``postgresql``: a throwaway office database), the caller closes it."""
    if engine == "postgresql":
        import pg_support

        path = pg_support.new_postgres_url()
    else:
        path = tmp_path / "inspector.db"
    s = open_database(path)
    generate(s, premises=25, inspections=inspections, seed=seed)
    return s


def mixed_writes(s) -> None:
    """Corrections (one finalized, one abandoned), a premises moved to another city and
    market, an inspection arriving already sealed (as an import writes it), a new draft."""
    ids = [
        r[0] for r in s.conn.execute(f"SELECT i.id FROM inspections i WHERE {HEADS} ORDER BY i.id")
    ]
    child = s.inspections.correct(ids[0], "typo", "t")
    s.inspections.finalize(child.id, "t")
    abandoned = s.inspections.correct(ids[1], "second thoughts", "t")
    s.inspections.correct(ids[2], "pending", "t")  # left a draft: the parent stops counting
    s.inspections.delete_draft(abandoned.id, "t")  # ids[1] counts again
    with transaction(s.conn):
        s.conn.execute(
            "UPDATE premises SET city = '新城市', market = '新市场', kind = 'market_stall'"
            " WHERE id = (SELECT premises_id FROM inspections WHERE id = ?)",
            (ids[3],),
        )
    # a sealed record arriving whole, its findings first (an import's order)
    src = s.inspections.require(ids[4])
    copy = dataclasses.replace(src, id=new_id(), record_id=new_id())
    cols = [d[0] for d in s.conn.execute("SELECT * FROM inspections LIMIT 1").description]
    with transaction(s.conn):
        s.conn.execute("PRAGMA defer_foreign_keys = ON")
        s.conn.execute(
            "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis, severity,"
            " action, cheating) VALUES (?, ?, 0, 'X1', 'cheating device', '', 'major', '', 1)",
            (new_id(), copy.id),
        )
        picked = ", ".join("?" if c in ("id", "record_id") else c for c in cols)
        s.conn.execute(
            f"INSERT INTO inspections ({', '.join(cols)}) SELECT {picked} FROM inspections"
            " WHERE id = ?",
            (copy.id, copy.record_id, src.id),
        )
    # reviews: two of one record (it counts once), one of a superseded revision, one of the
    # record that arrived sealed
    with transaction(s.conn):
        for inspection_id, decision in (
            (ids[6], "returned"),
            (ids[6], "approved"),
            (ids[0], "approved"),
            (ids[7], "approved"),
            (copy.id, "approved"),
        ):
            s.conn.execute(
                "INSERT INTO reviews (id, inspection_id, decision, reviewer, at)"
                " VALUES (?, ?, ?, 'r', '2026-01-01T00:00:00')",
                (new_id(), inspection_id, decision),
            )
    # a new draft: the dashboard counts it, the office statistics do not
    draft = s.inspections.correct(ids[5], "draft for the dashboard", "t")
    assert s.inspections.require(draft.id).status == "draft"


def office_filters(s) -> list[StatsFilter]:
    """Periods and places to compare the statistics with a recount in: the whole data, its
    span, inner spans, open ends, a few days, cities (one made up by the writes), a market."""
    first, last = s.conn.execute(
        f"SELECT min(substr(i.started_at, 1, 10)), max(substr(i.started_at, 1, 10))"
        f" FROM inspections i WHERE {HEADS}"
    ).fetchone()
    d0, d1 = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    mid = d0 + (d1 - d0) / 2
    city = s.conn.execute("SELECT city FROM premises WHERE city != '' ORDER BY city").fetchone()[0]
    market = s.conn.execute(
        "SELECT market FROM premises WHERE market != '' ORDER BY market"
    ).fetchone()[0]
    return [
        StatsFilter(),
        StatsFilter(first, last),
        StatsFilter(
            (d0 + dt.timedelta(days=3)).isoformat(), (d1 - dt.timedelta(days=5)).isoformat()
        ),
        StatsFilter(mid.replace(day=1).isoformat(), None),
        StatsFilter(None, mid.isoformat()),
        StatsFilter(
            mid.isoformat(), (mid + dt.timedelta(days=9)).isoformat()
        ),  # within a month or two
        StatsFilter(first, last, city=city),
        StatsFilter(first, last, city="新城市"),
        StatsFilter(None, None, city="新城市", market="新市场"),
        StatsFilter(first, mid.isoformat(), market=market),
    ]
