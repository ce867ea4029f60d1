"""Search over inspections answers exactly what the plain joined LIKE query answers, from
indexes (migration m003_search), for Chinese and Latin text, inspectors and id prefixes."""

from __future__ import annotations

import pytest

from inspector_app.services.demo import generate
from inspector_app.store.inspections import InspectionFilter
from inspector_app.store.records import like_pattern

ORACLE = """
SELECT i.id FROM inspections i
JOIN premises p ON p.id = i.premises_id JOIN instruments n ON n.id = i.instrument_id
WHERE i.superseded_by IS NULL AND (p.search_text LIKE ? ESCAPE '\\' OR n.search_text LIKE ? ESCAPE '\\'
      OR lower(i.inspector) LIKE ? ESCAPE '\\' OR i.id LIKE ? ESCAPE '\\')
"""


@pytest.fixture
def db_path(office_db_path):
    """The list and its search on each engine (an office on PostgreSQL searches too)."""
    return office_db_path


@pytest.fixture
def demo_store(store):
    generate(store, premises=40, inspections=400, seed=5)
    first = store.conn.execute("SELECT id FROM inspections ORDER BY started_at LIMIT 1").fetchone()[
        0
    ]
    child = store.inspections.correct(
        first, "typo in the place", actor="t"
    )  # a superseded revision
    return store, first, child


def oracle(store, text: str) -> set[str]:
    pattern = like_pattern(text)
    prefix = like_pattern(text.lower()).lstrip("%")
    return {r[0] for r in store.conn.execute(ORACLE, (pattern, pattern, pattern, prefix))}


def test_search_matches_the_joined_like_query(demo_store):
    store, first, child = demo_store
    inspector = store.conn.execute("SELECT inspector FROM inspections LIMIT 1").fetchone()[0]
    some_id = store.conn.execute(
        "SELECT id FROM inspections ORDER BY id LIMIT 1 OFFSET 7"
    ).fetchone()[0]
    market = store.conn.execute(
        "SELECT market FROM premises WHERE market != '' LIMIT 1"
    ).fetchone()[0]
    queries = [
        "王",
        "合肥",
        "合肥市",
        market[:4],
        "acs",
        "ACS-",
        "s20",
        "tm-1",
        inspector,
        inspector[:1],
        some_id[:6],
        some_id[:6].upper(),
        "zzzz",
        "%",
        "_",
        "蔬菜摊",
        "眼镜",
    ]
    nonempty = 0
    for q in queries:
        f = InspectionFilter(search=q)
        expected = oracle(store, q)
        got = {s.id for s in store.inspections.list(f, limit=10_000)}
        assert got == expected, q
        assert store.inspections.count(f) == len(expected), q
        nonempty += bool(expected)
    assert nonempty >= 10
    # the superseded revision is never listed; its correction is
    assert first not in {
        s.id for s in store.inspections.list(InspectionFilter(search=first[:8]), limit=100)
    }
    assert child.id in {
        s.id for s in store.inspections.list(InspectionFilter(search=child.id[:8]), limit=100)
    }


def test_search_sees_a_change_made_after_the_first_search(demo_store):
    store, _, child = demo_store
    f = InspectionFilter(search="测试员乙")
    assert store.inspections.count(f) == 0
    child.inspector = "测试员乙"
    store.inspections.save_draft(child, actor="t")
    assert store.inspections.count(f) == 1
    assert [s.id for s in store.inspections.list(f)] == [child.id]


def test_count_without_search_counts_newest_revisions(demo_store):
    store, _, _ = demo_store
    assert store.inspections.count() == 400
    assert store.inspections.count(InspectionFilter(heads_only=False)) == 401
    assert len(store.inspections.list(limit=1000)) == 400
