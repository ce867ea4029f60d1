"""Who judges which verdict again when a worker process checks a large bundle
(``sync.importing.overlap.Split``): the worker from the first inspection on, the importing
process from the last down, until they meet. Whatever the order of their steps, every
verdict is judged on one side or the other, the worker says up to where it judged, and
only the inspections where they met can be judged twice."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from inspector_app.sync.importing.overlap import Split


def _shared(ctx=None):
    ctx = ctx or multiprocessing.get_context("spawn")
    return ctx.RawArray("q", [Split.UNKNOWN, 0])


def _all_orders(n: int, share: float):
    """Every interleaving of the worker's steps (one per index, in order) and this
    process's steps (one ``next_here`` each, until it says they have met)."""

    def walk(order):
        shared = _shared()
        here, worker = Split(shared), Split(shared)
        here.start(n, share)
        judged_here, judged_worker = set(), set()
        i, here_done = 0, False
        for step in order:
            if step == "w":
                if worker.worker_takes(i):
                    judged_worker.add(i)
                i += 1
            else:
                k = here.next_here()
                if k is None:
                    here_done = True
                else:
                    judged_here.add(k)
                    here.judged_here(k)
        return i, here_done, judged_here, judged_worker, here, worker, shared

    def extend(order):
        i, here_done, *_ = walk(order)
        if i == n and here_done:
            yield walk(order)
            return
        if i < n:
            yield from extend(order + ["w"])
        if not here_done:
            yield from extend(order + ["h"])

    yield from extend([])


@pytest.mark.parametrize("share", [0.0, 0.5])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
def test_every_verdict_is_judged_whatever_the_order_of_the_steps(n, share):
    seen = 0
    for _i, _done, here, worker, _here_split, worker_split, shared in _all_orders(n, share):
        seen += 1
        assert here | worker == set(range(n))
        judged_to = worker_split.judged_by_worker(n)
        # what the merge checks: the worker judged every index below where it stopped,
        # this process every index from the final boundary up
        assert judged_to >= shared[0]
        assert set(range(judged_to)) <= worker | here
        assert set(range(min(shared[0], n), n)) <= here
        # only where they met is judged twice
        assert here & worker <= set(range(shared[0], judged_to))
        assert len(here & worker) <= 1
    assert seen > 0


def test_a_share_taken_at_the_start_is_this_process_s_and_the_worker_stops_before_it():
    shared = _shared()
    here, worker = Split(shared), Split(shared)
    here.start(10, 0.3)
    assert [i for i in range(10) if worker.worker_takes(i)] == list(range(7))
    assert worker.judged_by_worker(10) == 7
    assert [here.next_here(take=False) for _ in range(1)] == [9]
    taken = []
    while (k := here.next_here()) is not None:
        taken.append(k)
        here.judged_here(k)
    assert taken == [9, 8, 7]  # the share, then nothing more: the worker is past it


def test_without_taking_more_this_process_judges_only_its_share():
    shared = _shared()
    here = Split(shared)
    here.start(10, 0.2)
    taken = []
    while (k := here.next_here(take=False)) is not None:
        taken.append(k)
        here.judged_here(k)
    assert taken == [9, 8]
    assert shared[0] == 8


def _worker_side(shared, n: int, line) -> None:
    split = Split(shared)
    judged = []
    for i in range(n):
        if split.worker_takes(i):
            judged.append(i)
            _busy(0.0002)
    line.send((judged, split.judged_by_worker(n)))
    line.close()


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_two_processes_share_the_verdicts_and_judge_each_one():
    ctx = multiprocessing.get_context("spawn")
    shared = _shared(ctx)
    here = Split(shared)
    n = 3000
    here.start(n, 0.0)
    mine, theirs = ctx.Pipe()
    worker = ctx.Process(target=_worker_side, args=(shared, n, theirs), daemon=True)
    worker.start()
    theirs.close()
    judged_here = []
    while (k := here.next_here()) is not None:
        judged_here.append(k)
        here.judged_here(k)
        _busy(0.0002)
    judged_worker, judged_to = mine.recv()
    worker.join(30)
    assert worker.exitcode == 0
    assert set(judged_here) | set(judged_worker) == set(range(n))
    assert judged_to >= shared[0]
    assert judged_here == list(range(n - 1, n - 1 - len(judged_here), -1))  # from the last down
    assert judged_worker == list(range(len(judged_worker)))  # from the first on
    assert set(judged_here) & set(judged_worker) <= set(range(shared[0], judged_to))
