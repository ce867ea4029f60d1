"""The office statistics page's failure figures kept as records are written, and covering
indexes for what it still reads row by row.

``stat_failures`` holds, for the counted inspections (finalized, newest revision:
``status = 'finalized' AND superseded_by IS NULL``), per day (``grain = 'd'``) and per month
(``grain = 'm'``) and per premises city and market, the rows that the failures by cause and
the failed tests add up:

- ``what = 'cause'``: a failed counted inspection once for each finding code it carries,
  ``key`` the code and ``text`` the smallest text of its findings with that code (so the
  failed inspections with a code are the sum of its rows, and the period's example text,
  the smallest of all, is the smallest text among its rows still counting);
- ``what = 'none'``: a failed counted inspection without any finding (``key`` and ``text``
  empty);
- ``what = 'test'``: a counted inspection (whatever its verdict: an as-found test set aside
  may have failed in a passed one) once for each kind of test that failed in it, ``key``
  the test kind.

The triggers follow those of schema 15 (``m015_stat_counts``): an inspection that becomes
counted is added, one that stops being counted is taken away, a premises that moves to
another city or market moves its inspections' rows. A counted inspection's findings and
tests cannot change (the immutability triggers), and an import writes them before the
record arrives sealed, so nothing else can move a row. Rows that fall to zero stay (readers
skip them). ``check`` recounts the table (``store/office_kept.py``). The triggers' names do
not start with ``stat_counts_``: a bulk load (``store/bulk.py``) lays only those aside.

The indexes: SQLite (3.40) reads a partial index alone only when every column the query
names is in it, the columns of the index's own WHERE included; the indexes of schema 15
lack ``status``, ``verdict`` or ``superseded_by`` and so read each record's wide row. These
carry them: the failed counted inspections by date (the failed questions), and the counted
inspections by instrument (the distinct instruments of a period).
"""

from __future__ import annotations

import sqlite3

# (as in schema 15: each inspection counts on its day and in its month)
_GRAINS = "CROSS JOIN (SELECT 'd' AS grain UNION ALL SELECT 'm') g"
_PERIOD = (
    "CASE g.grain WHEN 'd' THEN substr(i.started_at, 1, 10) ELSE substr(i.started_at, 1, 7) END"
)

TABLE = """CREATE TABLE stat_failures (
    grain   TEXT NOT NULL,
    period  TEXT NOT NULL,
    city    TEXT NOT NULL,
    market  TEXT NOT NULL,
    what    TEXT NOT NULL,
    key     TEXT NOT NULL,
    text    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (grain, period, city, market, what, key, text)
) WITHOUT ROWID"""

INDEXES = [
    "CREATE INDEX inspections_failed_counted ON inspections(started_at, premises_id, id, family,"
    " status, verdict, superseded_by)"
    " WHERE status = 'finalized' AND verdict = 'fail' AND superseded_by IS NULL",
    "CREATE INDEX inspections_counted_instrument ON inspections(instrument_id, family,"
    " started_at, premises_id, status, superseded_by)"
    " WHERE status = 'finalized' AND superseded_by IS NULL",
]

_KEY = "grain, period, city, market, what, key, text"
_UPSERT = f" ON CONFLICT ({_KEY}) DO UPDATE SET n = stat_failures.n + excluded.n"
_COUNTED = "i.status = 'finalized' AND i.superseded_by IS NULL"


def _one(x: str) -> str:
    """(what, key, text) of what one inspection (*x* is NEW or OLD) adds, from its own
    values (on an update the stored row already holds NEW) and its findings and tests."""
    return (
        "SELECT 'cause' AS what, f.code AS key, min(f.text) AS text FROM findings f"
        f" WHERE f.inspection_id = {x}.id AND {x}.verdict = 'fail' GROUP BY f.code"
        " UNION ALL SELECT 'none', '', ''"
        f" WHERE {x}.verdict = 'fail' AND NOT EXISTS (SELECT 1 FROM findings f"
        f" WHERE f.inspection_id = {x}.id)"
        " UNION ALL SELECT DISTINCT 'test', t.kind, '' FROM inspection_tests t"
        f" WHERE t.inspection_id = {x}.id AND t.verdict = 'fail'"
    )


# (id, started_at, premises_id, what, key, text) of the counted inspections; {only} narrows
# them (to those of one premises).
_FACTS = f"""SELECT i.id, i.started_at, i.premises_id, 'cause' AS what, f.code AS key,
 min(f.text) AS text FROM inspections i JOIN findings f ON f.inspection_id = i.id
 WHERE {_COUNTED} AND i.verdict = 'fail'{{only}}
 GROUP BY i.id, i.started_at, i.premises_id, f.code
UNION ALL
SELECT i.id, i.started_at, i.premises_id, 'none', '', '' FROM inspections i
 WHERE {_COUNTED} AND i.verdict = 'fail'{{only}}
 AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id)
UNION ALL
SELECT DISTINCT i.id, i.started_at, i.premises_id, 'test', t.kind, '' FROM inspections i
 JOIN inspection_tests t ON t.inspection_id = i.id
 WHERE {_COUNTED} AND t.verdict = 'fail'{{only}}"""


def _grouped(only: str, city: str, market: str, sign: str) -> str:
    """The rows the counted inspections picked by *only* add, with the premises' *city*
    and *market* (column expressions), as (key..., n) to insert with *sign*."""
    period = _PERIOD.replace("i.started_at", "x.started_at")
    return (
        f"SELECT g.grain, {period}, {city}, {market}, x.what, x.key, x.text,"
        f" {sign}count(*) FROM ({_FACTS.format(only=only)}) x"
        f" JOIN premises p ON p.id = x.premises_id {_GRAINS}"
        f" GROUP BY g.grain, 2, {city}, {market}, x.what, x.key, x.text"
    )


# The full recount: what the table must hold (``check`` compares it, the migration fills it).
RECOUNT = _grouped("", "p.city", "p.market", "")


def _bump(x: str, sign: str) -> str:
    """One inspection (*x* is NEW or OLD) added to (*sign* '+') or taken from ('-') its
    day and month rows."""
    period = _PERIOD.replace("i.started_at", f"{x}.started_at")
    return (
        f"INSERT INTO stat_failures ({_KEY}, n)"
        f" SELECT g.grain, {period}, p.city, p.market, o.what, o.key, o.text, {sign}1"
        f" FROM ({_one(x)}) o CROSS JOIN premises p {_GRAINS}"
        f" WHERE p.id = {x}.premises_id{_UPSERT}"
    )


def _move(x: str, sign: str) -> str:
    """Every counted inspection of a premises added with its NEW or taken with its OLD city
    and market."""
    return (
        f"INSERT INTO stat_failures ({_KEY}, n)"
        f" {_grouped(f' AND i.premises_id = {x}.id', f'{x}.city', f'{x}.market', sign)}"
        f"{_UPSERT}"
    )


def _counted(x: str) -> str:
    return f"({x}.status = 'finalized' AND {x}.superseded_by IS NULL)"


_WATCHED = "status, superseded_by, started_at, premises_id, verdict"
_PREMISES_CHANGED = "OLD.city IS NOT NEW.city OR OLD.market IS NOT NEW.market"


def _sqlite_triggers() -> list[str]:
    add, take = _bump("NEW", "+"), _bump("OLD", "-")
    return [
        f"CREATE TRIGGER stat_failures_insert AFTER INSERT ON inspections"
        f" WHEN {_counted('NEW')} BEGIN {add}; END",
        f"CREATE TRIGGER stat_failures_update_old AFTER UPDATE OF {_WATCHED} ON inspections"
        f" WHEN {_counted('OLD')} BEGIN {take}; END",
        f"CREATE TRIGGER stat_failures_update_new AFTER UPDATE OF {_WATCHED} ON inspections"
        f" WHEN {_counted('NEW')} BEGIN {add}; END",
        f"CREATE TRIGGER stat_failures_delete AFTER DELETE ON inspections"
        f" WHEN {_counted('OLD')} BEGIN {take}; END",
        f"CREATE TRIGGER stat_failures_premises AFTER UPDATE OF city, market ON premises"
        f" WHEN {_PREMISES_CHANGED} BEGIN {_move('OLD', '-')}; {_move('NEW', '+')}; END",
    ]


def fill(conn: sqlite3.Connection) -> None:
    conn.execute(f"INSERT INTO stat_failures ({_KEY}, n) {RECOUNT}")


def up(conn: sqlite3.Connection) -> None:
    conn.execute(TABLE)
    for stmt in INDEXES:
        conn.execute(stmt)
    fill(conn)
    for stmt in _sqlite_triggers():
        conn.execute(stmt)


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
        f"BEGIN\n{body}\n  RETURN NULL;\nEND $fn$"
    )


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
    premises = f"""  IF OLD.city IS DISTINCT FROM NEW.city OR OLD.market IS DISTINCT FROM NEW.market THEN
    {_move("OLD", "-")};
    {_move("NEW", "+")};
  END IF;"""
    return [
        TABLE.replace(") WITHOUT ROWID", ")").replace("INTEGER", "BIGINT"),
        *INDEXES,
        _pg_function("inspector_stat_failures_inspections", inspections),
        "CREATE TRIGGER stat_failures_inspections AFTER INSERT OR DELETE OR UPDATE OF"
        f" {_WATCHED} ON inspections FOR EACH ROW"
        " EXECUTE FUNCTION inspector_stat_failures_inspections()",
        _pg_function("inspector_stat_failures_premises", premises),
        "CREATE TRIGGER stat_failures_premises AFTER UPDATE OF city, market ON premises"
        " FOR EACH ROW EXECUTE FUNCTION inspector_stat_failures_premises()",
    ]
