"""A bulk write's larger page cache is set back afterwards, also when the write fails, and
is left alone on the office server's engine."""

from __future__ import annotations

import pytest

from inspector_app.services import demo
from inspector_app.store import open_database
from inspector_app.store.bulk_cache import larger_cache


def _cache(store):
    return store.conn.execute("PRAGMA cache_size").fetchone()[0]


def test_the_cache_grows_for_the_write_and_is_set_back(tmp_path, monkeypatch):
    store = open_database(tmp_path / "inspector.db")
    before = _cache(store)
    with larger_cache(store.conn, "sqlite", 64):
        assert _cache(store) == -64 * 1024
    assert _cache(store) == before
    with pytest.raises(RuntimeError, match="failed"):
        with larger_cache(store.conn, "sqlite", 64):
            raise RuntimeError("failed")
    assert _cache(store) == before
    seen = []
    real = demo._generate

    def watching(store_, *args):
        seen.append(_cache(store_))
        return real(store_, *args)

    monkeypatch.setattr(demo, "_generate", watching)
    demo.generate(store, premises=5, inspections=20, seed=1)
    assert seen and seen[0] < before, "the demo writes with the larger cache"
    assert _cache(store) == before
    store.close()


def test_no_pragma_on_another_engine():
    class Refusing:
        def execute(self, *a):
            raise AssertionError("no statement expected")

    with larger_cache(Refusing(), "postgresql", 64):  # type: ignore[arg-type]
        pass
