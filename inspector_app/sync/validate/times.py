"""Times: a record's time must be a real one, possible (not in the future) and plausible."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from ...domain.errors import InputError
from ...domain.models import (
    Inspection,
)
from .values import _TIMES, CACHE_MAX

if TYPE_CHECKING:
    from ..format import BundleContent, ProblemList

# -- times --------------------------------------------------------------------------------
_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?$",
    re.ASCII,
)
FIRST_YEAR, LAST_YEAR = 1970, 2199  # outside these no clock was ever set
PLAUSIBLE_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FUTURE_SLACK = dt.timedelta(days=1)


def read_time(text: str) -> tuple[dt.datetime | None, str | None]:
    """An ISO 8601 date or time from a bundle: (the time, None) or (None, why it is
    impossible). A time without an offset comes back naive. (Remembered until the bundle's
    checks end, ``values._forget``: a large bundle reads each distinct time about three times.)"""
    known = _TIMES.get(text)
    if known is None:
        known = _read_time(text)
        if len(_TIMES) < CACHE_MAX and type(text) is str:
            _TIMES[text] = known
    return known


def _read_time(text: str) -> tuple[dt.datetime | None, str | None]:
    m = _TIME_RE.match(text)
    if m is None:
        return None, f"{text[:40]!r} is not an ISO 8601 date and time"
    year = int(m.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, f"the year {year} is impossible (accepted: {FIRST_YEAR} to {LAST_YEAR})"
    try:
        when = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        if when.tzinfo is not None:
            offset = when.utcoffset()
            if offset is not None and abs(offset) > dt.timedelta(hours=14):
                return None, f"the UTC offset {m.group(7)} does not exist"
            when.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        return None, f"{text[:40]!r} is not a real date and time ({exc})"
    return when, None


def _possible_time(text: str, path: str) -> None:
    """InputError(path) when *text* is not a date and time that can exist."""
    _when, why = read_time(text)
    if why:
        raise InputError(path, why)


def _as_utc(when: dt.datetime) -> dt.datetime:
    """A naive time read as UTC (for comparisons that allow a day of slack anyway)."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _check_times(
    x: Inspection,
    where: str,
    now: dt.datetime,
    problems: ProblemList,
    content: BundleContent,
    naive: list[str],
) -> None:
    """Impossible times are refused; implausible ones are kept with a warning."""
    finalized = started = None
    if not x.finalized_at:
        problems.add(where, "inspection.finalized_at: a finalized inspection has its time")
    else:
        finalized, why = read_time(x.finalized_at)
        if why:
            problems.add(where, f"inspection.finalized_at: {why}")
    if x.started_at:
        started, why = read_time(x.started_at)
        if why:
            problems.add(where, f"inspection.started_at: {why}")
    # the latest possible times, with and without an offset (a naive time may be 14 hours
    # ahead of UTC), worked out once per check
    if _LIMITS[0] is not now:
        _LIMITS[:] = [now, now + FUTURE_SLACK, now + FUTURE_SLACK + dt.timedelta(hours=14)]
    aware_limit, naive_limit = _LIMITS[1], _LIMITS[2]
    utc_finalized = utc_started = None
    for name, when in (("finalized_at", finalized), ("started_at", started)):
        if when is None:
            continue
        if name == "finalized_at" and when.tzinfo is None:
            naive.append(where)
        utc = _as_utc(when)
        if name == "finalized_at":
            utc_finalized = utc
        else:
            utc_started = utc
        if utc > (naive_limit if when.tzinfo is None else aware_limit):
            content.warn(
                where,
                f"inspection.{name}: {getattr(x, name)} is in the future "
                "(the laptop's clock is wrong?)",
            )
        elif utc < PLAUSIBLE_FROM:
            content.warn(
                where,
                f"inspection.{name}: {getattr(x, name)} is before 2000 "
                "(the laptop's clock is wrong?)",
            )
    if (
        utc_finalized is not None
        and utc_started is not None
        and utc_finalized < utc_started - FUTURE_SLACK
    ):
        content.warn(where, "inspection.finalized_at: is more than a day before started_at")


_LIMITS: list[Any] = [None, None, None]  # (now, its latest aware time, its latest naive time)
