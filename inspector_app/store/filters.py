"""WHERE-clause pieces shared by the lists, statistics, summaries and the review queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.errors import InputError

# The newest revision of each sealed record: what statistics, summaries and reviews count.
SEALED_HEADS = ("i.status = 'finalized'", "i.superseded_by IS NULL")


def iso_date(value: str | None, path: str) -> str | None:
    """A YYYY-MM-DD date from outside, or None for an empty value; InputError otherwise."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InputError(path, f"{value!r} is not a date (use YYYY-MM-DD)") from None


def period(date_from: str | None, date_to: str | None) -> tuple[list[str], list[Any]]:
    """Clauses for inspections started on *date_from* .. *date_to*, both days included."""
    first, last = iso_date(date_from, "from"), iso_date(date_to, "to")
    if first and last and first > last:
        raise InputError("from", "the period starts after it ends")
    clauses, params = [], []
    if first:
        clauses.append("i.started_at >= ?")
        params.append(first)
    if last:
        clauses.append("i.started_at < ?")
        params.append((dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat())
    return clauses, params
