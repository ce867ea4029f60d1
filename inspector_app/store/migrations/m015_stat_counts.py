"""Statistics counts kept as records are written, and partial indexes for what the
dashboard and statistics still read row by row (failed records, drafts, and the distinct
premises and instruments of a period).

``stat_counts`` holds, for the counted inspections (finalized, newest revision:
``status = 'finalized' AND superseded_by IS NULL``), how many there are, how many carry a
cheating finding and how many have been reviewed (the rest wait in the review queue), per day (``grain = 'd'``, ``period`` = the first ten characters of
``started_at``) and again per month (``grain = 'm'``, the first seven), per premises city,
market and kind, family and verdict (``''`` for none). A period is read as its whole months
plus the days at its two ends, so a year is about a thousand rows instead of a hundred
thousand inspections joined with their premises.

Triggers keep it exact in the same transaction as every write: an inspection that becomes
counted (inserted finalized by an import, finalized, its correction draft deleted) is
added, one that stops being counted (superseded by a correction) is taken away, and a
premises whose city, market or kind changes moves its inspections' counts, and the first
review of a counted inspection counts it as reviewed (reviews are never changed or
deleted). A finalized
inspection, its findings and its tests cannot change (the immutability triggers), so
nothing else can move a count. Rows that fall to zero stay (readers skip them). ``check``
recomputes the table and reports any difference.

On PostgreSQL the same triggers are PL/pgSQL functions (``store/pg/migrations.py`` runs
:func:`pg_statements` for this migration), and their cost per write is a few index
look-ups: on the demo generator's writes it was measured within the noise of a shared
machine.
"""

from __future__ import annotations

import sqlite3
from typing import Any

# The fragments shared with the recount of ``check`` and the bulk writes (same text as
# released: tests/store/test_stat_sql.py).
from ..stat_sql import CHEAT as _CHEAT
from ..stat_sql import GRAINS as _GRAINS
from ..stat_sql import KEY as _KEY
from ..stat_sql import PAIRS_RECOUNT, RECOUNT
from ..stat_sql import PERIOD as _PERIOD
from ..stat_sql import REVIEWED as _REVIEWED
from ..stat_sql import UPSERT as _UPSERT
from ..stat_sql import flag as _flag
from ..stat_sql import pg_function as _pg_function

TABLE = """CREATE TABLE stat_counts (
    grain    TEXT NOT NULL,
    period   TEXT NOT NULL,
    city     TEXT NOT NULL,
    market   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    family   TEXT NOT NULL,
    verdict  TEXT NOT NULL,
    n        INTEGER NOT NULL,
    cheating INTEGER NOT NULL,
    reviewed INTEGER NOT NULL,
    PRIMARY KEY (grain, period, city, market, kind, family, verdict)
) WITHOUT ROWID"""

# Newest revisions (drafts included) per instrument and premises: a search's count is the
# sum over the pairs whose premises or instrument matches, plus the few matched only by id
# or inspector name (``store/summary.py``: search_count).
PAIRS = """CREATE TABLE search_pairs (
    instrument_id TEXT NOT NULL,
    premises_id   TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (instrument_id, premises_id)
) WITHOUT ROWID"""


def _pair(x: str, sign: str) -> str:
    return (
        "INSERT INTO search_pairs (instrument_id, premises_id, n)"
        f" VALUES ({x}.instrument_id, {x}.premises_id, {sign}1)"
        " ON CONFLICT (instrument_id, premises_id) DO UPDATE SET n = search_pairs.n + excluded.n"
    )


_PAIR_WATCHED = "superseded_by, premises_id, instrument_id"

INDEXES = [
    # failed newest revisions (drafts included): repeat offenders, causes, failed tests
    "CREATE INDEX inspections_failed_heads ON inspections(started_at, premises_id, status, id)"
    " WHERE verdict = 'fail' AND superseded_by IS NULL",
    # drafts: the dashboard adds them to the kept counts
    "CREATE INDEX inspections_drafts ON inspections(started_at) WHERE status = 'draft'",
    # counted inspections by instrument and by premises: the distinct instruments and
    # premises of a period (not additive, so not kept as counts) read from the index alone
    "CREATE INDEX inspections_heads_instrument ON inspections(instrument_id, family, started_at,"
    " premises_id) WHERE status = 'finalized' AND superseded_by IS NULL",
    "CREATE INDEX inspections_heads_premises ON inspections(premises_id, started_at,"
    " instrument_id, family) WHERE status = 'finalized' AND superseded_by IS NULL",
    # failed tests (a passed inspection may have one: an as-found test set aside) and
    # cheating findings: the statistics start from these few rows
    "CREATE INDEX inspection_tests_failed ON inspection_tests(inspection_id, kind)"
    " WHERE verdict = 'fail'",
    "CREATE INDEX findings_cheating ON findings(inspection_id) WHERE cheating = 1",
    # ... and look their inspections up by id in this narrow copy, not in the wide rows
    # (also what a search's count reads for the records matched by an id prefix)
    "CREATE INDEX inspections_by_id ON inspections(id, status, superseded_by, started_at,"
    " premises_id, instrument_id, family, inspector)",
]


def _bump(x: str, sign: str) -> str:
    """One inspection (*x* is NEW or OLD) added to (*sign* '+') or taken from ('-') its
    day and month rows."""
    return (
        f"INSERT INTO stat_counts ({_KEY}, n, cheating, reviewed)"
        f" SELECT g.grain, CASE g.grain WHEN 'd' THEN substr({x}.started_at, 1, 10)"
        f" ELSE substr({x}.started_at, 1, 7) END, p.city, p.market, p.kind,"
        f" {x}.family, coalesce({x}.verdict, ''), {sign}1, {sign}{_flag(_CHEAT, x)},"
        f" {sign}{_flag(_REVIEWED, x)}"
        f" FROM premises p {_GRAINS} WHERE p.id = {x}.premises_id{_UPSERT}"
    )


def _move(x: str, sign: str) -> str:
    """Every counted inspection of a premises added with its NEW or taken with its OLD
    city, market and kind."""
    return (
        f"INSERT INTO stat_counts ({_KEY}, n, cheating, reviewed)"
        f" SELECT g.grain, {_PERIOD}, {x}.city, {x}.market, {x}.kind, i.family,"
        f" coalesce(i.verdict, ''), {sign}count(*), {sign}sum({_flag(_CHEAT, 'i')}),"
        f" {sign}sum({_flag(_REVIEWED, 'i')}) FROM inspections i {_GRAINS}"
        f" WHERE i.premises_id = {x}.id AND i.status = 'finalized' AND i.superseded_by IS NULL"
        f" GROUP BY g.grain, 2, i.family, coalesce(i.verdict, ''){_UPSERT}"
    )


# A counted inspection's first review: it no longer waits for one.
_FIRST_REVIEW = (
    "NOT EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = NEW.inspection_id"
    " AND r.id <> NEW.id)"
)
_REVIEW_BUMP = (
    f"INSERT INTO stat_counts ({_KEY}, n, cheating, reviewed)"
    f" SELECT g.grain, {_PERIOD}, p.city, p.market, p.kind, i.family, coalesce(i.verdict, ''),"
    f" 0, 0, 1 FROM inspections i JOIN premises p ON p.id = i.premises_id {_GRAINS}"
    " WHERE i.id = NEW.inspection_id AND i.status = 'finalized' AND i.superseded_by IS NULL"
    f"{_UPSERT}"
)


def _counted(x: str) -> str:
    return f"({x}.status = 'finalized' AND {x}.superseded_by IS NULL)"


_WATCHED = "status, superseded_by, started_at, premises_id, family, verdict"
_PREMISES_CHANGED = (
    "OLD.city IS NOT NEW.city OR OLD.market IS NOT NEW.market OR OLD.kind IS NOT NEW.kind"
)


def _sqlite_triggers() -> list[str]:
    add, take = _bump("NEW", "+"), _bump("OLD", "-")
    return [
        f"CREATE TRIGGER stat_counts_insert AFTER INSERT ON inspections"
        f" WHEN {_counted('NEW')} BEGIN {add}; END",
        f"CREATE TRIGGER stat_counts_update_old AFTER UPDATE OF {_WATCHED} ON inspections"
        f" WHEN {_counted('OLD')} BEGIN {take}; END",
        f"CREATE TRIGGER stat_counts_update_new AFTER UPDATE OF {_WATCHED} ON inspections"
        f" WHEN {_counted('NEW')} BEGIN {add}; END",
        f"CREATE TRIGGER stat_counts_delete AFTER DELETE ON inspections"
        f" WHEN {_counted('OLD')} BEGIN {take}; END",
        f"CREATE TRIGGER stat_counts_premises AFTER UPDATE OF city, market, kind ON premises"
        f" WHEN {_PREMISES_CHANGED} BEGIN {_move('OLD', '-')}; {_move('NEW', '+')}; END",
        f"CREATE TRIGGER stat_counts_review AFTER INSERT ON reviews WHEN {_FIRST_REVIEW}"
        f" BEGIN {_REVIEW_BUMP}; END",
        "CREATE TRIGGER search_pairs_insert AFTER INSERT ON inspections"
        f" WHEN NEW.superseded_by IS NULL BEGIN {_pair('NEW', '+')}; END",
        f"CREATE TRIGGER search_pairs_update_old AFTER UPDATE OF {_PAIR_WATCHED} ON inspections"
        f" WHEN OLD.superseded_by IS NULL BEGIN {_pair('OLD', '-')}; END",
        f"CREATE TRIGGER search_pairs_update_new AFTER UPDATE OF {_PAIR_WATCHED} ON inspections"
        f" WHEN NEW.superseded_by IS NULL BEGIN {_pair('NEW', '+')}; END",
        "CREATE TRIGGER search_pairs_delete AFTER DELETE ON inspections"
        f" WHEN OLD.superseded_by IS NULL BEGIN {_pair('OLD', '-')}; END",
    ]


def _fill(conn: Any) -> None:
    conn.execute(f"INSERT INTO stat_counts ({_KEY}, n, cheating, reviewed) {RECOUNT}")
    conn.execute(f"INSERT INTO search_pairs (instrument_id, premises_id, n) {PAIRS_RECOUNT}")


def up(conn: sqlite3.Connection) -> None:
    conn.execute(TABLE)
    conn.execute(PAIRS)
    for stmt in INDEXES:
        conn.execute(stmt)
    _fill(conn)
    for stmt in _sqlite_triggers():
        conn.execute(stmt)


def pg_statements() -> list[str]:
    """The PostgreSQL form: the same table and indexes, the triggers as PL/pgSQL."""
    add, take = _bump("NEW", "+"), _bump("OLD", "-")
    # (PL/pgSQL evaluates both sides of AND: OLD is unassigned on INSERT, NEW on DELETE)
    inspections = f"""  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF {_counted("OLD")} THEN
      {take};
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF {_counted("NEW")} THEN
      {add};
    END IF;
  END IF;"""
    premises = f"""  IF OLD.city IS DISTINCT FROM NEW.city OR OLD.market IS DISTINCT FROM NEW.market
     OR OLD.kind IS DISTINCT FROM NEW.kind THEN
    {_move("OLD", "-")};
    {_move("NEW", "+")};
  END IF;"""
    review = f"""  IF {_FIRST_REVIEW} THEN
    {_REVIEW_BUMP};
  END IF;"""
    pairs = f"""  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF OLD.superseded_by IS NULL THEN
      {_pair("OLD", "-")};
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF NEW.superseded_by IS NULL THEN
      {_pair("NEW", "+")};
    END IF;
  END IF;"""
    return [
        TABLE.replace(") WITHOUT ROWID", ")").replace("INTEGER", "BIGINT"),
        PAIRS.replace(") WITHOUT ROWID", ")").replace("INTEGER", "BIGINT"),
        _pg_function("inspector_search_pairs", pairs),
        "CREATE TRIGGER search_pairs AFTER INSERT OR DELETE OR UPDATE OF"
        f" {_PAIR_WATCHED} ON inspections FOR EACH ROW EXECUTE FUNCTION inspector_search_pairs()",
        *INDEXES,
        _pg_function("inspector_stat_counts_inspections", inspections),
        "CREATE TRIGGER stat_counts_inspections AFTER INSERT OR DELETE OR UPDATE OF"
        f" {_WATCHED} ON inspections FOR EACH ROW"
        " EXECUTE FUNCTION inspector_stat_counts_inspections()",
        _pg_function("inspector_stat_counts_premises", premises),
        "CREATE TRIGGER stat_counts_premises AFTER UPDATE OF city, market, kind ON premises"
        " FOR EACH ROW EXECUTE FUNCTION inspector_stat_counts_premises()",
        _pg_function("inspector_stat_counts_review", review),
        "CREATE TRIGGER stat_counts_review AFTER INSERT ON reviews"
        " FOR EACH ROW EXECUTE FUNCTION inspector_stat_counts_review()",
    ]
