"""The SQL of the statistics and search counts kept by triggers (schema 15, described in
``store/migrations/m015_stat_counts.py``), shared by that migration, ``check``'s recount
(``store/summary.py``) and the bulk writes that lay the triggers aside (``store/bulk.py``:
demo data, ``sync/merge.py``: bundle imports).

Migration 15 builds its statements from these fragments: a change here changes a released
migration, which ``tests/store/test_stat_sql.py`` refuses.

Laying the triggers aside (SQLite only, inside the caller's write transaction): the
triggers are dropped, the rows written, the new records' counts added with one grouped
upsert per table, and the triggers created again from their own text before the commit; a
failure anywhere rolls back the drop with everything else. The triggers of schema 17 (the
failures and days of ``stat_failures``, ``stat_premises_days``, ``stat_instrument_days``)
are laid aside with them; their rows are added by ``store/office_kept.py``'s ``add_new``.
On PostgreSQL (the office, many writers) the triggers stay: dropping one takes a lock on
the whole table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

KEY = "grain, period, city, market, kind, family, verdict"
CHEAT = "(SELECT count(*) FROM findings f WHERE f.inspection_id = {x}.id AND f.cheating = 1) > 0"
REVIEWED = "(SELECT count(*) FROM reviews r WHERE r.inspection_id = {x}.id) > 0"
UPSERT = (
    f" ON CONFLICT ({KEY}) DO UPDATE SET n = stat_counts.n + excluded.n,"
    " cheating = stat_counts.cheating + excluded.cheating,"
    " reviewed = stat_counts.reviewed + excluded.reviewed"
)
GRAINS = "CROSS JOIN (SELECT 'd' AS grain UNION ALL SELECT 'm') g"
PERIOD = (
    "CASE g.grain WHEN 'd' THEN substr(i.started_at, 1, 10) ELSE substr(i.started_at, 1, 7) END"
)


def flag(test: str, x: str) -> str:
    return f"CASE WHEN {test.format(x=x)} THEN 1 ELSE 0 END"


# The full recount: what the table must hold (``check`` compares it, the migration fills it).
RECOUNT = f"""SELECT g.grain, {PERIOD} AS period, p.city, p.market, p.kind, i.family,
 coalesce(i.verdict, '') AS verdict, count(*) AS n, sum({flag(CHEAT, "i")}) AS cheating,
 sum({flag(REVIEWED, "i")}) AS reviewed
 FROM inspections i JOIN premises p ON p.id = i.premises_id {GRAINS}
 WHERE i.status = 'finalized' AND i.superseded_by IS NULL
 GROUP BY g.grain, 2, p.city, p.market, p.kind, i.family, coalesce(i.verdict, '')"""

PAIRS_RECOUNT = (
    "SELECT instrument_id, premises_id, count(*) AS n FROM inspections"
    " WHERE superseded_by IS NULL GROUP BY instrument_id, premises_id"
)

# ---- laying the triggers aside -----------------------------------------------------------

KEPT_COUNT_TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    " AND (name LIKE 'stat!_counts!_%' ESCAPE '!' OR name LIKE 'search!_pairs!_%' ESCAPE '!'"
    " OR name LIKE 'stat!_failures!_%' ESCAPE '!' OR name LIKE 'stat!_days!_%' ESCAPE '!')"
)
# the recounts narrowed to the records of one write (their ids as a JSON list)
_NEW = " AND i.id IN (SELECT value FROM json_each(?))"
ADD_COUNTS = (
    f"INSERT INTO stat_counts ({KEY}, n, cheating, reviewed) SELECT * FROM ("
    + RECOUNT.replace("AND i.superseded_by IS NULL", "AND i.superseded_by IS NULL" + _NEW)
    + f") WHERE true {UPSERT}"
)
ADD_PAIRS = (
    "INSERT INTO search_pairs (instrument_id, premises_id, n) SELECT * FROM ("
    + PAIRS_RECOUNT.replace("FROM inspections", "FROM inspections i").replace(
        "WHERE superseded_by IS NULL", "WHERE superseded_by IS NULL" + _NEW
    )
    + ") WHERE true ON CONFLICT (instrument_id, premises_id)"
    " DO UPDATE SET n = search_pairs.n + excluded.n"
)
if ADD_COUNTS.count(_NEW) != 1 or ADD_PAIRS.count(_NEW) != 1:  # the recounts changed shape
    raise RuntimeError("store.stat_sql: the recounts no longer narrow to the written records")

# Fewer inspections than this: the per-row triggers cost less than dropping them, recounting
# and creating them again (measured on the demo's loads and on bundle imports).
SET_ASIDE_FROM = 200


def pg_function(name: str, body: str) -> str:
    """A PL/pgSQL trigger function *name* running *body* (the kept counts' triggers on
    PostgreSQL, migrations 15 and 17)."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
        f"BEGIN\n{body}\n  RETURN NULL;\nEND $fn$"
    )


def set_aside(conn: sqlite3.Connection, engine: str, inspections: int) -> list[tuple[str, str]]:
    """Drop the count triggers when *inspections* new ones are about to be written on SQLite
    (call inside the write transaction); returns them for :func:`put_back` (none: nothing
    was laid aside, the triggers count as usual)."""
    if engine != "sqlite" or inspections < SET_ASIDE_FROM:
        return []
    aside = [(str(r[0]), str(r[1])) for r in conn.execute(KEPT_COUNT_TRIGGERS)]
    for name, _sql in aside:
        conn.execute(f'DROP TRIGGER "{name}"')
    return aside


def put_back(conn: sqlite3.Connection, aside: Sequence[tuple[str, str]], ids: list[str]) -> None:
    """Add the counts of the inspections *ids* inserted while the triggers were aside (as
    the insert triggers would have: counted ones by day and month, newest revisions by
    instrument and premises, their failure rows and day bits) and create the triggers
    again. Nothing when none were."""
    if not aside:
        return
    # (imported here: office_kept reads migration 17, and the migrations import this module)
    from .office_kept import add_new

    text = json.dumps(ids)
    conn.execute(ADD_COUNTS, (text,))
    conn.execute(ADD_PAIRS, (text,))
    add_new(conn, text)
    for _name, sql in aside:
        conn.execute(sql)
