"""An office world for tests: a laptop with demo inspections, an office database that trusts
it and imported its field bundle, and the office supervisor's identity beside the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store import open_database

PASS = "correct horse battery"


@dataclass
class Side:
    path: Path
    store: object
    identity: object


@dataclass
class OfficeWorld:
    folder: Path
    laptop: Side
    office: Side
    extra: dict = field(default_factory=dict)

    def close(self) -> None:
        for side in (self.laptop, self.office):
            side.store.close()

    @property
    def office_db(self) -> str:
        """What ``--db`` takes for the office database (a path, or the full URL)."""
        from inspector_app.store.pg import is_postgres_url, url_of

        path = self.office.path
        return url_of(path) if is_postgres_url(path) else str(path)

    def pending(self) -> list[str]:
        return rv.review_repo(self.office.store).queue_ids(rv.ReviewFilter())


def side(folder: Path, name: str, identity_name: str, target=None) -> Side:
    """A database with its signing identity: a SQLite file in *folder*/*name*, or *target*
    (a PostgreSQL database, whose keys live in its local folder)."""
    (folder / name).mkdir(parents=True)
    path = target if target is not None else folder / name / f"{name}.db"
    store = open_database(path)
    identity = keys.init_identity(keys_dir(path), identity_name, PASS.encode())
    _ = store.device_id
    return Side(path, store, identity)


def trust(store, identity, kind: str) -> None:
    store.trust.add(
        identity.fingerprint, identity.name, kind, identity.certificate_pem().decode(), "test"
    )


def build_world(
    folder: Path, inspections: int = 12, seed: int = 7, office_target=None
) -> OfficeWorld:
    laptop = side(folder, "lap", "李明")
    office = side(folder, "office", "张三", office_target)
    trust(office.store, laptop.identity, "certificate")
    trust(laptop.store, office.identity, "office")
    generate(laptop.store, premises=4, inspections=inspections, seed=seed)
    rv.set_role(office.store, "supervisor", "张三")
    bundle = folder / "field.zip"
    export_bundle(laptop.store, laptop.identity, bundle, direction="field")
    report = import_bundle(office.store, bundle, backup=False)
    assert report.status == "imported", report.message()
    return OfficeWorld(folder, laptop, office)


@pytest.fixture
def office(tmp_path: Path, office_db_path):
    """The office on each engine (SQLite file, throwaway PostgreSQL database); import it
    into a test module to use it (no conftest here: ``tests/sync`` imports its conftest by
    name)."""
    from inspector_app.store.pg import is_postgres_url

    target = office_db_path if is_postgres_url(office_db_path) else None
    world = build_world(tmp_path / "world", inspections=12, office_target=target)
    yield world
    world.close()
