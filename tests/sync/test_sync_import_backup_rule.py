"""Before-import backups follow the store's rotation: an import writes a full verified copy
only when the newest backup of the database is more than an hour old; otherwise it names
that backup (the import itself is one transaction either way)."""

from __future__ import annotations

import os
import time

from sync_world import add_inspection_with_photo

from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store.backups import (
    IMPORT_BACKUP_INTERVAL_S,
    list_backups,
    make_backup,
    recent_backup,
)
from inspector_app.store.integrity import check


def _age(path, seconds: float) -> None:
    """Make *path* look written *seconds* ago (negative: in the future)."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_recent_backup_is_the_newest_when_younger_than_the_interval(store):
    assert recent_backup(store.path) is None  # none yet
    older = make_backup(store.conn, store.path, "before-import", "a")
    newer = make_backup(store.conn, store.path, "before-import", "b")
    _age(older, 3 * 3600)
    _age(newer, 600)
    assert recent_backup(store.path).path == newer
    _age(newer, IMPORT_BACKUP_INTERVAL_S + 1)  # an hour and a second: too old
    assert recent_backup(store.path) is None
    _age(newer, -3600)  # dated in the future (the clock was changed): not trusted
    assert recent_backup(store.path) is None


def test_an_import_copies_the_database_at_most_once_an_hour(world):
    lap, office = world["laptop"], world["office"]
    if office.store.engine != "sqlite":  # the server's own backups (pg_dump), no file
        return
    add_inspection_with_photo(lap.store)
    first = export_bundle(lap.store, lap.identity, world["dir"] / "1.zip")
    r1 = import_bundle(office.store, first.path)
    assert r1.status == "imported" and not r1.backup_reused
    assert [str(b.path) for b in list_backups(office.path)] == [r1.backup]

    add_inspection_with_photo(lap.store)
    second = export_bundle(lap.store, lap.identity, world["dir"] / "2.zip")
    r2 = import_bundle(office.store, second.path)
    assert r2.status == "imported" and r2.backup_reused
    assert r2.backup == r1.backup and len(list_backups(office.path)) == 1  # no new copy

    _age(r1.backup, IMPORT_BACKUP_INTERVAL_S + 60)  # an hour later
    add_inspection_with_photo(lap.store)
    third = export_bundle(lap.store, lap.identity, world["dir"] / "3.zip")
    r3 = import_bundle(office.store, third.path)
    assert r3.status == "imported" and not r3.backup_reused and r3.backup != r1.backup
    assert len(list_backups(office.path)) == 2
    assert check(office.store) == []
