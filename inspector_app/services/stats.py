"""Dashboard numbers: inspections this month, pass rates by family and by market, failures
and cheating findings per month. No Qt; the SQL is in :mod:`inspector_app.store.stats`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..store import stats as queries


@dataclass(frozen=True)
class Rate:
    key: str  # family or market
    judged: int
    passed: int

    @property
    def failed(self) -> int:
        return self.judged - self.passed

    @property
    def percent(self) -> Decimal | None:
        """Pass rate in percent, one decimal (None without judged inspections)."""
        if not self.judged:
            return None
        return (Decimal(self.passed) * 100 / Decimal(self.judged)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


@dataclass(frozen=True)
class MonthPoint:
    month: str  # YYYY-MM
    inspections: int
    failed: int
    cheating: int


@dataclass
class Dashboard:
    today: dt.date
    month_start: dt.date
    this_month: dict  # totals(): total, judged, passed, failed, cheating
    last_month: dict
    by_family: list[Rate] = field(default_factory=list)
    by_market: list[Rate] = field(default_factory=list)
    over_time: list[MonthPoint] = field(default_factory=list)
    period_from: dt.date | None = None

    @property
    def pass_rate_this_month(self) -> Decimal | None:
        return Rate("", self.this_month["judged"], self.this_month["passed"]).percent


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def dashboard(store, today: dt.date | None = None, months: int = 12) -> Dashboard:
    """The dashboard for the month of *today* and the *months* months up to it."""
    today = today or dt.date.today()
    start = _month_start(today)
    next_month = _month_start(today, -1)
    previous = _month_start(today, 1)
    period_from = _month_start(today, months - 1)
    a, b = period_from.isoformat(), next_month.isoformat()
    return Dashboard(
        today=today,
        month_start=start,
        this_month=queries.totals(store, start.isoformat(), next_month.isoformat()),
        last_month=queries.totals(store, previous.isoformat(), start.isoformat()),
        by_family=[Rate(*r) for r in queries.by_family(store, a, b)],
        by_market=[Rate(*r) for r in queries.by_market(store, a, b)],
        over_time=[MonthPoint(*r) for r in queries.by_month(store, a, b)],
        period_from=period_from,
    )


@dataclass
class Attention:
    """What needs doing: overdue instruments, records awaiting review, repeat offenders."""

    overdue_instruments: int
    pending_review: int
    repeat_offenders: int
    offenders: list[tuple[str, int]]  # (premises, days with a failure), worst first
    since: dt.date


def attention(store, today: dt.date | None = None, months: int = 12) -> Attention:
    """The dashboard's second row of tiles, for the laptop and the office alike."""
    from ..store.summary import pending_reviews

    today = today or dt.date.today()
    since = _month_start(today, months - 1)
    n, worst = queries.repeat_offenders(store, since.isoformat())
    return Attention(
        overdue_instruments=queries.overdue_instruments(store, today.isoformat()),
        # the review queue (every origin, no filter), from the kept counts
        pending_review=pending_reviews(store),
        repeat_offenders=n,
        offenders=worst,
        since=since,
    )
