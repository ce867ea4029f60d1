"""The times of an inspection judged as before (``validate.times._check_times``), now that the
latest possible times are worked out once per check and each time is turned to UTC once:
the same warnings, in the same order, for times on either side of every limit and for
checks at different clocks one after the other."""

from __future__ import annotations

import datetime as dt
import itertools

from inspector_app.domain.models import Inspection
from inspector_app.sync.format import BundleContent, ProblemList
from inspector_app.sync.validate import values as V
from inspector_app.sync.validate.times import (
    FUTURE_SLACK,
    PLAUSIBLE_FROM,
    _as_utc,
    _check_times,
    read_time,
)


def _reference(x: Inspection, where: str, now: dt.datetime, content: BundleContent) -> None:
    """The warnings part of the check as it was written before."""
    finalized = read_time(x.finalized_at)[0] if x.finalized_at else None
    started = read_time(x.started_at)[0] if x.started_at else None
    for name, when in (("finalized_at", finalized), ("started_at", started)):
        if when is None:
            continue
        utc = _as_utc(when)
        if utc > now + FUTURE_SLACK + (
            dt.timedelta(hours=14) if when.tzinfo is None else dt.timedelta()
        ):
            content.warn(where, f"inspection.{name}: {getattr(x, name)} is in the future")
        elif utc < PLAUSIBLE_FROM:
            content.warn(where, f"inspection.{name}: {getattr(x, name)} is before 2000")
    if (
        finalized is not None
        and started is not None
        and _as_utc(finalized) < _as_utc(started) - FUTURE_SLACK
    ):
        content.warn(where, "inspection.finalized_at: is more than a day before started_at")


def _times(now: dt.datetime) -> list[str]:
    """Times on either side of each limit, with and without an offset."""
    edge = now + FUTURE_SLACK
    out = ["", "1999-12-31T23:59+00:00", "2000-01-01T00:00+00:00", "1999-12-31T23:59"]
    for delta in (dt.timedelta(minutes=-1), dt.timedelta(0), dt.timedelta(minutes=1)):
        aware = (edge + delta).astimezone(dt.timezone(dt.timedelta(hours=8)))
        out.append(aware.isoformat(timespec="minutes"))
        naive = (edge + dt.timedelta(hours=14) + delta).replace(tzinfo=None)
        out.append(naive.isoformat(timespec="minutes"))
    out += ["2025-11-20T09:04+08:00", "2025-11-18T09:03+08:00", "2025-11-21T09:05"]
    return out


def test_the_warnings_are_those_of_the_check_as_written_before():
    nows = [
        dt.datetime(2026, 12, 6, 7, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 11, 20, 1, 0, tzinfo=dt.UTC),
    ]
    try:
        cases = 0
        for now in nows + nows[:1]:  # a clock, another, the first again
            times = _times(now)
            for fin, start in itertools.product(times, times):
                x = Inspection(
                    id="i-1",
                    record_id="r-1",
                    instrument_id="in-1",
                    premises_id="p-1",
                    family="scale",
                    check="subsequent",
                    ruleset="JJG 539-2016",
                    inspector="王芳",
                    finalized_at=fin or "2025-11-20T09:30+08:00",
                    started_at=start,
                )
                got, want = BundleContent(), BundleContent()
                naive: list[str] = []
                _check_times(x, "line 1", now, ProblemList(4), got, naive)
                _reference(x, "line 1", now, want)
                assert [w[1].split(" (")[0] for w in got.warnings] == [
                    w[1] for w in want.warnings
                ], (now, fin, start)
                cases += 1
                if want.warnings:
                    assert got.warnings
        assert cases > 500
    finally:
        V._forget()
