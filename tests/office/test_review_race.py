"""Two supervisors decide the same inspection at the same moment: exactly one wins.

Two real processes run the real command line (``review approve`` / ``review return``) on
the same office database, released together by a barrier, once per inspection. Before the
decision was checked and written in one transaction, both succeeded in about half of the
tries; now the database itself refuses the second decision and the loser is told who
decided what and when.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod

import pytest
from office_world import PASS, office  # noqa: F401 - the fixture
from race_workers import cli_decider

from inspector_app.services import review as rv
from inspector_app.store import open_database
from inspector_app.store.audit import verify_chain

pytestmark = pytest.mark.slow


def _race(world, decisions: tuple[str, str], ids: list[str]) -> list[tuple]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    env = {k: v for k, v in os.environ.items() if k.startswith(("XDG_", "HOME", "INSPECTOR"))}
    env["INSPECTOR_PASSPHRASE"] = PASS
    procs = [
        ctx.Process(
            target=cli_decider,
            args=(f"w{n}", world.office_db, ids, decision, barrier, results, env),
        )
        for n, decision in enumerate(decisions)
    ]
    world.office.store.close()  # the workers are the only users during the race
    for p in procs:
        p.start()
    out = []
    try:
        for _ in range(2 * len(ids)):
            out.append(results.get(timeout=90))
    except queue_mod.Empty:
        pytest.fail(f"the workers stopped answering after {len(out)} decisions")
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)
    world.office.store = open_database(world.office.path)
    return out


@pytest.mark.parametrize("decisions", [("approve", "approve"), ("approve", "return")])
def test_two_supervisors_one_winner(office, decisions):  # noqa: F811
    ids = office.pending()[:10]
    assert len(ids) == 10
    results = _race(office, decisions, ids)
    store = office.office.store
    for inspection_id in ids:
        mine = [r for r in results if r[1] == inspection_id]
        codes = sorted(r[2] for r in mine)
        assert codes[0] == 0 and codes[1] != 0, (inspection_id, mine)
        loser = next(r for r in mine if r[2] != 0)
        reviews = rv.reviews_for(store, inspection_id, with_earlier_revisions=False)
        assert len(reviews) == 1, (inspection_id, [r.as_dict() for r in reviews])
        winner = reviews[0]
        # the loser is told, in one sentence, who did what and when
        assert winner.reviewer in loser[3]
        assert rv.decided_at_text(winner.at) in loser[3]
        assert "\n" not in loser[3]
    actions = [
        r["action"]
        for r in store.conn.execute(
            "SELECT action FROM audit WHERE action LIKE 'review.%' AND entity_id IN ({})".format(
                ", ".join("?" for _ in ids)
            ),
            ids,
        )
    ]
    assert len(actions) == len(ids)  # one audited decision per inspection, never two
    assert verify_chain(store.conn) == []
