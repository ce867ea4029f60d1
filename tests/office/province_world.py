"""The province roll-up's tests: a city office's office-to-province bundle (the ``cities``
world itself is the fixture in this folder's conftest.py)."""

from __future__ import annotations

from inspector_app.services import province as pv


def _export(cities, name):
    world = cities["cities"][name]
    path = cities["dir"] / f"{world.office.store.device_id}.zip"
    return pv.export_to_province(world.office.store, world.office.identity, path, office_name=name)
