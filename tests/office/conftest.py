"""Fixtures of the office tests: the province roll-up's world (two city offices with
approved records and a province database trusting both; a SQLite file or PostgreSQL)."""

from __future__ import annotations

import pytest
from office_world import build_world

from inspector_app.services import review as rv
from inspector_app.store import open_database


@pytest.fixture
def cities(tmp_path, office_db_path):
    """Two city offices, each with some approved and one returned inspection; a province
    database (supervisor; a SQLite file or a PostgreSQL database) that trusts both offices'
    certificates."""
    from inspector_app.store.pg import is_postgres_url, url_of

    out = {}
    for name, seed in (("合肥市市场监督管理局", 7), ("芜湖市市场监督管理局", 8)):
        world = build_world(tmp_path / f"city{seed}", inspections=8, seed=seed)
        store, ident = world.office.store, world.office.identity
        ids = world.pending()
        for i in ids[:5]:
            rv.approve(store, i, ident)
        rv.return_inspection(store, ids[5], ident, "请补充读数")
        out[name] = world
    (tmp_path / "province").mkdir()
    prov_db = tmp_path / "province" / "province.db"
    if is_postgres_url(office_db_path):
        prov_db = url_of(office_db_path)
    prov = open_database(prov_db)
    rv.set_role(prov, "supervisor", "省局")
    for world in out.values():
        i = world.office.identity
        prov.trust.add(i.fingerprint, i.name, "office", i.certificate_pem().decode(), "test")
    yield {"cities": out, "province": prov, "province_db": prov_db, "dir": tmp_path}
    prov.close()
    for world in out.values():
        world.close()
