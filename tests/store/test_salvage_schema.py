"""Salvage of a file whose schema cannot be read (damaged schema pages, an overwritten
header): the tables are found through the schema of a good backup of the same file, and
every record still on the file's pages is rescued, those made after the backup too; a
backup of another file is not used. And a salvaged file passes the full check: the counts
the triggers keep are counted once, not copied and counted again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from damage import backed_up_demo, demo, fold_in_the_log, overwrite_pages, pages_of, run, sha

from inspector_app.store import open_database
from inspector_app.store.backups import list_backups
from inspector_app.store.integrity import check
from inspector_app.store.salvage import salvage
from inspector_app.store.salvage_schema import graft_schema


def finalized_ids(path: Path) -> set[str]:
    store = open_database(path)
    with store:
        return {
            r[0]
            for r in store.conn.execute("SELECT id FROM inspections WHERE status = 'finalized'")
        }


@pytest.fixture
def worked_on(db_path, capsys):
    """A database with its day's backup, and more inspections made after the backup."""
    backed_up_demo(db_path, capsys, premises=10, inspections=50)
    demo(db_path, capsys, 5, 20, "--seed", "7")
    ids = finalized_ids(db_path)
    assert len(ids) == 70
    fold_in_the_log(db_path)
    return db_path, ids


def rescued(out: Path) -> tuple[set[str], list]:
    store = open_database(out)
    with store:
        problems = check(store)
    return finalized_ids(out), problems


@pytest.mark.parametrize("seed", [1, 2])
def test_damaged_schema_pages_salvage_through_the_backup_s_schema(
    worked_on, tmp_path, capsys, seed
):
    db, ids = worked_on
    schema = pages_of(db, "sqlite_schema")
    overwrite_pages(db, schema[1:4], seed)
    before = sha(db)
    out = tmp_path / "rescued.db"
    code, text, err = run(capsys, "--db", str(db), "salvage", "-o", str(out))
    assert code == 0, text + err
    assert "schema of the backup" in text and list_backups(db)[0].path.name in text
    got, problems = rescued(out)
    assert got == ids  # the 20 made after the backup as well
    assert problems == []
    assert sha(db) == before, "the damaged file was written to"


def test_an_overwritten_header_is_taken_from_the_backup(worked_on, tmp_path):
    db, ids = worked_on
    with open(db, "r+b") as fh:
        fh.write(b"\x00" * 100)
    result = salvage(db, tmp_path / "rescued.db")
    assert result.schema_from == list_backups(db)[0].path
    got, problems = rescued(tmp_path / "rescued.db")
    assert got == ids and problems == []


def test_a_backup_of_another_file_is_not_used(worked_on, tmp_path, capsys):
    db, _ids = worked_on
    other = tmp_path / "other" / "inspector.db"
    other.parent.mkdir()
    assert (
        run(
            capsys,
            "--db",
            str(other),
            "demo",
            "--premises",
            "10",
            "--inspections",
            "50",
            "--seed",
            "3",
        )[0]
        == 0
    )
    assert run(capsys, "--db", str(other), "list")[0] == 0
    mine = list_backups(db)[0].path
    shutil.copyfile(list_backups(other)[0].path, mine)  # same name, same schema: another file
    overwrite_pages(db, pages_of(db, "sqlite_schema")[1:4])
    code, text, err = run(
        capsys, "--db", str(db), "salvage", "-o", str(tmp_path / "x.db"), "--json"
    )
    assert code == 1
    message = json.loads(err)["error"]["message"]
    assert "nothing can be read from the damaged file" in message
    assert "no good backup of the same file" in message
    assert not (tmp_path / "x.db").exists()


def test_without_a_backup_nothing_is_grafted_and_the_copy_is_as_it_was(worked_on, tmp_path):
    db, _ids = worked_on
    for b in list_backups(db):
        b.path.unlink()
    overwrite_pages(db, pages_of(db, "sqlite_schema")[1:4])
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)
    assert graft_schema(copy, db) is None
    assert sha(copy) == sha(db)


def test_a_salvaged_file_passes_the_full_check(db_path, tmp_path, capsys):
    assert (
        run(capsys, "--db", str(db_path), "demo", "--premises", "10", "--inspections", "60")[0] == 0
    )
    out = tmp_path / "rescued.db"
    code, text, err = run(capsys, "--db", str(db_path), "salvage", "-o", str(out))
    assert code == 0, text + err
    got, problems = rescued(out)
    assert got == finalized_ids(db_path)
    assert problems == []  # the statistics and search counts: counted once
