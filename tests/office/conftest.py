"""Fixtures of the office tests: an office database that imported a laptop's field bundle.

The store comes from the ``office`` fixture (a path and the identities around it), so the
same tests can later run against another engine by parametrizing this fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from office_world import OfficeWorld, build_world


@pytest.fixture
def office(tmp_path: Path, office_db_path) -> OfficeWorld:
    """The office on each engine (SQLite file, throwaway PostgreSQL database)."""
    from inspector_app.store.pg import is_postgres_url

    target = office_db_path if is_postgres_url(office_db_path) else None
    world = build_world(tmp_path / "world", inspections=12, office_target=target)
    yield world
    world.close()
