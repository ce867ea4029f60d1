"""The office statistics page's failure figures and the days each premises and instrument
was inspected on, kept as records are written, and a covering index for the failed records
it still reads row by row.

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
skip them). ``check`` recounts the table (``store/office_kept.py``). A bulk load on SQLite
(``store/stat_sql.py``) lays these triggers aside with schema 15's and adds the loaded
records' rows with grouped statements built from this module's fragments
(``office_kept.add_new``).

``stat_premises_days`` and ``stat_instrument_days`` say on which days of a year a premises
and an instrument (of a family, at a premises) had a counted inspection: six 64-bit words
(``w0`` .. ``w5``), day *d* of month *m* at bit ``(m - 1) * 31 + d - 1`` (372 for a record
without a date). The distinct premises and instruments of a period do not add up over days,
so they are counted from these rows, one per premises or instrument and year, a bit mask of
the period's days laid over each (``store/office_kept.py``), instead of from every
inspection. A premises row carries the premises' kind, city and market (moved with the
premises); an instrument row names the premises, asked for its city and market. An
inspection that becomes counted sets its day's bit; one that stops being counted clears it
unless another counted inspection of the same premises (instrument) falls on that day.

The index: SQLite (3.40) reads a partial index alone only when every column the query names
is in it, the columns of the index's own WHERE included; ``inspections_failed_heads`` of
schema 15 lacks ``verdict`` and ``superseded_by`` and so reads each failed record's wide
row. This one carries them: the failed counted inspections by date (the failed questions).
"""

from __future__ import annotations

import sqlite3

# (as in schema 15: each inspection counts on its day and in its month)
from ..stat_sql import GRAINS as _GRAINS
from ..stat_sql import PERIOD as _PERIOD
from ..stat_sql import pg_function as _pg_function

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

_WORDS = ", ".join(f"w{j} INTEGER NOT NULL" for j in range(6))
DAY_TABLES = [
    "CREATE TABLE stat_premises_days (year TEXT NOT NULL, premises_id TEXT NOT NULL,"
    f" kind TEXT NOT NULL, city TEXT NOT NULL, market TEXT NOT NULL, {_WORDS},"
    " PRIMARY KEY (year, premises_id)) WITHOUT ROWID",
    "CREATE INDEX stat_premises_days_premises ON stat_premises_days(premises_id)",
    "CREATE TABLE stat_instrument_days (year TEXT NOT NULL, family TEXT NOT NULL,"
    f" instrument_id TEXT NOT NULL, premises_id TEXT NOT NULL, {_WORDS},"
    " PRIMARY KEY (year, family, instrument_id, premises_id)) WITHOUT ROWID",
]

INDEXES = [
    "CREATE INDEX inspections_failed_counted ON inspections(started_at, premises_id, id, family,"
    " status, verdict, superseded_by)"
    " WHERE status = 'finalized' AND verdict = 'fail' AND superseded_by IS NULL",
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


# -- the days of a year on which a premises / an instrument had a counted inspection --------

NO_DAY = 372  # the bit of a record without a date


def day_index(started_at: str) -> str:
    """The bit of a record's day in its year's words (SQL over the column *started_at*)."""
    return (
        f"CASE WHEN length({started_at}) >= 10 THEN (CAST(substr({started_at}, 6, 2) AS INTEGER)"
        f" - 1) * 31 + CAST(substr({started_at}, 9, 2) AS INTEGER) - 1 ELSE {NO_DAY} END"
    )


def _word(started_at: str, j: int) -> str:
    """Word *j* of a record's day alone: its bit when the day falls in it, else 0."""
    index = day_index(started_at)
    return f"CASE WHEN ({index}) / 64 = {j} THEN CAST(1 AS BIGINT) << (({index}) % 64) ELSE 0 END"


def _words_of(started_at: str) -> str:
    return ", ".join(_word(started_at, j) for j in range(6))


def _summed_words(started_at: str) -> str:
    """The words of a group of records: each day's bit once (distinct powers of two add up
    to their OR)."""
    return ", ".join(f"coalesce(sum(DISTINCT {_word(started_at, j)}), 0)" for j in range(6))


_W = ", ".join(f"w{j}" for j in range(6))
_P_KEY = "year, premises_id"
_I_KEY = "year, family, instrument_id, premises_id"


def _or_upsert(table: str, key: str) -> str:
    sets = ", ".join(f"w{j} = {table}.w{j} | excluded.w{j}" for j in range(6))
    return f" ON CONFLICT ({key}) DO UPDATE SET {sets}"


# The full recounts (``check`` compares them, the migration fills the tables).
PREMISES_DAYS = (
    f"SELECT substr(i.started_at, 1, 4), i.premises_id, p.kind, p.city, p.market,"
    f" {_summed_words('i.started_at')} FROM inspections i JOIN premises p ON p.id = i.premises_id"
    f" WHERE {_COUNTED} GROUP BY substr(i.started_at, 1, 4), i.premises_id, p.kind, p.city,"
    " p.market"
)
INSTRUMENT_DAYS = (
    f"SELECT substr(i.started_at, 1, 4), i.family, i.instrument_id, i.premises_id,"
    f" {_summed_words('i.started_at')} FROM inspections i WHERE {_COUNTED}"
    " GROUP BY substr(i.started_at, 1, 4), i.family, i.instrument_id, i.premises_id"
)


def _day_add(x: str, when: str = "") -> list[str]:
    """A counted inspection (*x* is NEW) sets its day's bit in its premises' and its
    instrument's rows (*when*: a further condition, `` AND ...``)."""
    s = f"{x}.started_at"
    # (the day's word and bit worked out once)
    day = (
        f"(SELECT z.i / 64 AS k, CAST(1 AS BIGINT) << (z.i % 64) AS bit"
        f" FROM (SELECT {day_index(s)} AS i) z) d"
    )
    words = ", ".join(f"CASE WHEN d.k = {j} THEN d.bit ELSE 0 END" for j in range(6))
    return [
        f"INSERT INTO stat_premises_days ({_P_KEY}, kind, city, market, {_W})"
        f" SELECT substr({s}, 1, 4), p.id, p.kind, p.city, p.market, {words}"
        f" FROM premises p CROSS JOIN {day} WHERE p.id = {x}.premises_id{when}"
        f"{_or_upsert('stat_premises_days', _P_KEY)}",
        f"INSERT INTO stat_instrument_days ({_I_KEY}, {_W})"
        f" SELECT substr({s}, 1, 4), {x}.family, {x}.instrument_id, {x}.premises_id, {words}"
        f" FROM {day} WHERE true{when}{_or_upsert('stat_instrument_days', _I_KEY)}",
    ]


def _day_take(x: str) -> list[str]:
    """An inspection that stops being counted (*x* is OLD) clears its day's bit unless
    another counted inspection of the premises (of the instrument there) falls on it."""
    s = f"{x}.started_at"
    same_day = (
        f"i.status = 'finalized' AND i.superseded_by IS NULL AND i.premises_id = {x}.premises_id"
        f" AND i.started_at >= substr({s}, 1, 10) AND i.started_at < substr({s}, 1, 10) || '~'"
        f" AND substr(i.started_at, 1, 10) = substr({s}, 1, 10)"
    )
    index = day_index(s)

    def sets(also: str) -> str:
        bit = f"(CAST(1 AS BIGINT) << (({index}) % 64))"
        keep = f"CASE WHEN EXISTS (SELECT 1 FROM inspections i WHERE {same_day}{also}) THEN {bit} ELSE 0 END"
        return ", ".join(
            f"w{j} = CASE WHEN ({index}) / 64 = {j} THEN (w{j} & ~{bit}) | {keep} ELSE w{j} END"
            for j in range(6)
        )

    return [
        f"UPDATE stat_premises_days SET {sets('')} WHERE year = substr({s}, 1, 4)"
        f" AND premises_id = {x}.premises_id",
        f"UPDATE stat_instrument_days SET"
        f" {sets(f' AND i.instrument_id = {x}.instrument_id AND i.family = {x}.family')}"
        f" WHERE year = substr({s}, 1, 4) AND family = {x}.family"
        f" AND instrument_id = {x}.instrument_id AND premises_id = {x}.premises_id",
    ]


_DAY_PREMISES_MOVE = (
    "UPDATE stat_premises_days SET kind = NEW.kind, city = NEW.city, market = NEW.market"
    " WHERE premises_id = NEW.id"
)
_DAY_WATCHED = "status, superseded_by, started_at, premises_id, instrument_id, family"
_DAY_PREMISES_CHANGED = (
    "OLD.city IS NOT NEW.city OR OLD.market IS NOT NEW.market OR OLD.kind IS NOT NEW.kind"
)


def _counted(x: str) -> str:
    return f"({x}.status = 'finalized' AND {x}.superseded_by IS NULL)"


def _may_fail(x: str) -> str:
    """Whether a record adds any failure row: failed, or with a failed test (most records
    add none, and their triggers' statements are then not run at all)."""
    return (
        f"({x}.verdict = 'fail' OR EXISTS (SELECT 1 FROM inspection_tests t"
        f" WHERE t.inspection_id = {x}.id AND t.verdict = 'fail'))"
    )


_WATCHED = "status, superseded_by, started_at, premises_id, verdict"
_PREMISES_CHANGED = "OLD.city IS NOT NEW.city OR OLD.market IS NOT NEW.market"


def _sqlite_triggers() -> list[str]:
    add, take = _bump("NEW", "+"), _bump("OLD", "-")
    day_add, day_take = "; ".join(_day_add("NEW")), "; ".join(_day_take("OLD"))
    return [
        f"CREATE TRIGGER stat_failures_insert AFTER INSERT ON inspections"
        f" WHEN {_counted('NEW')} AND {_may_fail('NEW')} BEGIN {add}; END",
        f"CREATE TRIGGER stat_failures_update_old AFTER UPDATE OF {_WATCHED} ON inspections"
        f" WHEN {_counted('OLD')} AND {_may_fail('OLD')} BEGIN {take}; END",
        f"CREATE TRIGGER stat_failures_update_new AFTER UPDATE OF {_WATCHED} ON inspections"
        f" WHEN {_counted('NEW')} AND {_may_fail('NEW')} BEGIN {add}; END",
        f"CREATE TRIGGER stat_failures_delete AFTER DELETE ON inspections"
        f" WHEN {_counted('OLD')} AND {_may_fail('OLD')} BEGIN {take}; END",
        f"CREATE TRIGGER stat_failures_premises AFTER UPDATE OF city, market ON premises"
        f" WHEN {_PREMISES_CHANGED} BEGIN {_move('OLD', '-')}; {_move('NEW', '+')}; END",
        f"CREATE TRIGGER stat_days_insert AFTER INSERT ON inspections"
        f" WHEN {_counted('NEW')} BEGIN {day_add}; END",
        # (clearing first: when a record stays counted, its new day's bit is set after)
        f"CREATE TRIGGER stat_days_update AFTER UPDATE OF {_DAY_WATCHED} ON inspections"
        f" WHEN {_counted('OLD')} OR {_counted('NEW')} BEGIN"
        + "".join(f" {q} AND {_counted('OLD')};" for q in _day_take("OLD"))
        + "".join(f" {q};" for q in _day_add("NEW", f" AND {_counted('NEW')}"))
        + " END",
        f"CREATE TRIGGER stat_days_delete AFTER DELETE ON inspections"
        f" WHEN {_counted('OLD')} BEGIN {day_take}; END",
        f"CREATE TRIGGER stat_days_premises AFTER UPDATE OF city, market, kind ON premises"
        f" WHEN {_DAY_PREMISES_CHANGED} BEGIN {_DAY_PREMISES_MOVE}; END",
    ]


def fill(conn: sqlite3.Connection) -> None:
    conn.execute(f"INSERT INTO stat_failures ({_KEY}, n) {RECOUNT}")
    conn.execute(
        f"INSERT INTO stat_premises_days ({_P_KEY}, kind, city, market, {_W}) {PREMISES_DAYS}"
    )
    conn.execute(f"INSERT INTO stat_instrument_days ({_I_KEY}, {_W}) {INSTRUMENT_DAYS}")


def up(conn: sqlite3.Connection) -> None:
    conn.execute(TABLE)
    for stmt in DAY_TABLES + INDEXES:
        conn.execute(stmt)
    fill(conn)
    for stmt in _sqlite_triggers():
        conn.execute(stmt)


def pg_statements() -> list[str]:
    """The PostgreSQL form: the same tables and indexes, the triggers as PL/pgSQL."""
    add, take = _bump("NEW", "+"), _bump("OLD", "-")
    day_add = ";\n      ".join(_day_add("NEW"))
    day_take = ";\n      ".join(_day_take("OLD"))
    # (PL/pgSQL evaluates both sides of AND: OLD is unassigned on INSERT, NEW on DELETE;
    # an inspection that stays counted has its old day cleared before its new day is set)
    inspections = f"""  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF {_counted("OLD")} THEN
      IF {_may_fail("OLD")} THEN
        {take};
      END IF;
      {day_take};
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF {_counted("NEW")} THEN
      IF {_may_fail("NEW")} THEN
        {add};
      END IF;
      {day_add};
    END IF;
  END IF;"""
    premises = f"""  IF OLD.city IS DISTINCT FROM NEW.city OR OLD.market IS DISTINCT FROM NEW.market THEN
    {_move("OLD", "-")};
    {_move("NEW", "+")};
  END IF;
  IF OLD.city IS DISTINCT FROM NEW.city OR OLD.market IS DISTINCT FROM NEW.market
     OR OLD.kind IS DISTINCT FROM NEW.kind THEN
    {_DAY_PREMISES_MOVE};
  END IF;"""
    return [
        TABLE.replace(") WITHOUT ROWID", ")").replace("INTEGER", "BIGINT"),
        *(t.replace(") WITHOUT ROWID", ")").replace("INTEGER", "BIGINT") for t in DAY_TABLES),
        *INDEXES,
        _pg_function("inspector_stat_failures_inspections", inspections),
        "CREATE TRIGGER stat_failures_inspections AFTER INSERT OR DELETE OR UPDATE OF"
        f" {_WATCHED}, instrument_id, family ON inspections FOR EACH ROW"
        " EXECUTE FUNCTION inspector_stat_failures_inspections()",
        _pg_function("inspector_stat_failures_premises", premises),
        "CREATE TRIGGER stat_failures_premises AFTER UPDATE OF city, market, kind ON premises"
        " FOR EACH ROW EXECUTE FUNCTION inspector_stat_failures_premises()",
    ]
