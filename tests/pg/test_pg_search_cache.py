"""Search-as-you-type on PostgreSQL: what a search text matches in the small tables is
found once per text and database state, as on SQLite (the state is the server's snapshot,
which another client's write changes and a read does not)."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from inspector_app.services.demo import generate
from inspector_app.store import inspection_search as insp
from inspector_app.store import open_database
from inspector_app.store.inspections import InspectionFilter


@pytest.fixture
def pg_store(pg_url):
    s = open_database(pg_url)
    generate(s, premises=6, inspections=30, seed=5)
    yield s
    s.close()


def _version(store) -> int:
    return store.conn.execute("PRAGMA data_version").fetchone()[0]


def test_the_data_version_stays_while_only_reads_happen(pg_store, pg_url):
    first = _version(pg_store)
    assert isinstance(first, int)
    pg_store.inspections.count(InspectionFilter(search="市"))
    assert _version(pg_store) == first == _version(pg_store)
    with psycopg.connect(pg_url, autocommit=True) as other:  # another client only reads
        other.execute("SELECT count(*) FROM inspections").fetchone()
    assert _version(pg_store) == first
    with psycopg.connect(pg_url, autocommit=True) as other:  # another client writes
        other.execute(
            "UPDATE premises SET contact = contact || '' WHERE id = (SELECT min(id) FROM premises)"
        )
    assert _version(pg_store) != first


def test_a_keystroke_repeated_hits_the_cache_and_a_write_elsewhere_is_seen(pg_store, pg_url):
    name = pg_store.conn.execute("SELECT name FROM premises ORDER BY name LIMIT 1").fetchone()[0]
    text = name[:2]
    f = InspectionFilter(search=text)
    count = pg_store.inspections.count(f)
    assert count > 0
    hit = insp.text_match(pg_store.conn, text)
    assert insp.text_match(pg_store.conn, text) is hit  # no new lookup: the cache answered
    statements = []
    real = pg_store.conn.execute

    def counting(sql, *args, **kwargs):
        statements.append(sql)
        return real(sql, *args, **kwargs)

    pg_store.conn.execute = counting
    try:
        assert pg_store.inspections.count(f) == count
    finally:
        del pg_store.conn.execute
    assert not any("search_text" in s for s in statements), statements  # the match was cached
    # another supervisor adds premises whose name contains the text: the next keystroke sees it
    pid = pg_store.conn.execute("SELECT id FROM premises ORDER BY name LIMIT 1").fetchone()[0]
    with psycopg.connect(pg_url, autocommit=True) as other:
        cols = [
            r[0]
            for r in other.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'premises' AND table_schema = current_schema()"
            )
        ]
        other.execute(
            f"INSERT INTO premises ({', '.join(cols)}) SELECT "
            + ", ".join("'p-new'" if c == "id" else c for c in cols)
            + " FROM premises WHERE id = %s",
            (pid,),
        )
    again = insp.text_match(pg_store.conn, text)
    assert again is not hit and "p-new" in again.premises
    assert dataclasses.asdict(hit)["premises"] != again.premises
