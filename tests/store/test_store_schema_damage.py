"""Damage SQLite meets before the program's own check can run: the schema's pages, or the
file's header. SQLite reads the schema as soon as the connection is set up, so these files
fail at the open itself; they must still be called damaged and lead to the newest good
backup (and nothing may be written to them), while a file that never was a database is
simply refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from damage import backed_up_demo, fold_in_the_log, overwrite_pages, pages_of, run, sha

from inspector_app.store import open_database
from inspector_app.store.backups import list_backups
from inspector_app.store.db import DatabaseDamagedError, StoreError


@pytest.fixture
def demo_db(db_path, capsys):
    return backed_up_demo(db_path, capsys, premises=10, inspections=60)


def damage_schema(path: Path, seed: int = 1) -> None:
    schema = pages_of(path, "sqlite_schema")
    assert len(schema) > 3, schema  # the program's schema spans several pages
    overwrite_pages(path, schema[1:3], seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_damaged_schema_pages_are_damage_and_the_backup_is_named(demo_db, seed):
    damage_schema(demo_db, seed)
    before = sha(demo_db)
    with pytest.raises(DatabaseDamagedError) as info:
        open_database(demo_db)
    message = str(info.value)
    assert "is damaged" in message and "restore --latest" in message, message
    assert list_backups(demo_db)[0].path.name in message
    assert sha(demo_db) == before, "the damaged file was written to"


def test_commands_on_a_damaged_schema_name_the_backup_and_restore_brings_it_back(demo_db, capsys):
    damage_schema(demo_db)
    backup = list_backups(demo_db)[0].path.name
    for argv in (["check"], ["list"], ["stats"]):
        code, out, err = run(capsys, "--db", str(demo_db), *argv)
        assert code == 1, (argv, out, err)
        assert "Traceback" not in err and err.count("\n") == 1
        assert "damaged" in err and backup in err, err
    code, out, err = run(capsys, "--db", str(demo_db), "restore", "--latest")
    assert code == 0, err
    code, out, err = run(capsys, "--db", str(demo_db), "check")
    assert code == 0, out + err
    assert "60 finalized inspections" in out


def test_an_overwritten_header_of_a_backed_up_database_is_damage(demo_db):
    fold_in_the_log(demo_db)
    with open(demo_db, "r+b") as fh:
        fh.write(b"\x00" * 100)
    with pytest.raises(DatabaseDamagedError) as info:
        open_database(demo_db)
    assert list_backups(demo_db)[0].path.name in str(info.value)


def test_a_file_that_never_was_a_database_is_refused_but_not_called_damaged(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: scales, weights\n" * 200, encoding="utf-8")
    before = sha(notes)
    with pytest.raises(StoreError) as info:
        open_database(notes)
    assert not isinstance(info.value, DatabaseDamagedError)
    assert "is not a usable database" in str(info.value)
    assert sha(notes) == before
