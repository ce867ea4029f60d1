"""Deadlines of an enforcement case, computed from its dates, never typed.

Working days follow China's published holiday arrangement: Monday to Friday, less the public
holidays, plus the make-up working days (调休上班日). The arrangement of each year comes from
a data file (``resources/calendar/cn_workdays.toml``) that the office can replace with a
newer version; no year is written in this code. A year the file does not know (or marks
``unknown``) is counted with weekends only, and every deadline that touches it carries a
warning saying so.

Periods (市场监督管理行政处罚程序规定, 2021/2022 text, unless noted):

- filing check: a filing decision within 15 working days of finding the clue (Art. 18); the
  time taken by testing, inspection or appraisal is not counted (pauses);
- decision: within 90 days of filing; suspension, hearing, notice and testing time are not
  counted (pauses);
- prior notice: the party may state or defend itself, or ask for a hearing, within 5 working
  days of service;
- payment: within 15 days of service of the decision (行政处罚法 2021 Art. 67);
- order to correct: the deadline the order sets (a date, or a number of days from service).

Day counting: the first day (the day of the event) is not counted. A period in calendar days
whose last day is a holiday ends on the next working day (the general rule on periods of the
procedural laws; recalled, the exact article in the penalty procedure rules not read).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

FILING_WORKDAYS = 15  # Art. 18
DECISION_DAYS = 90  # decision period from filing; pauses not counted
REPLY_WORKDAYS = 5  # prior notice: statement, defence or hearing request
PAYMENT_DAYS = 15  # 行政处罚法 (2021) Art. 67


def calendar_path() -> Path:
    from ..paths import resource_path

    return resource_path("resources", "calendar", "cn_workdays.toml")


def _date(text: object, where: str) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError(where, f"{text!r} is not a date (YYYY-MM-DD)") from None


@dataclass
class WorkCalendar:
    """Holidays and make-up working days of the years the data knows."""

    version: str = ""
    known_years: set[int] = field(default_factory=set)
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def year_known(self, year: int) -> bool:
        return year in self.known_years

    def warnings_for(self, first: dt.date, last: dt.date) -> list[str]:
        """One sentence per year between the two days whose arrangement is not known."""
        return [
            f"the public holidays of {y} are not in the calendar data (version "
            f"{self.version or '?'}); weekends only were counted, so check this deadline"
            for y in range(min(first, last).year, max(first, last).year + 1)
            if not self.year_known(y)
        ]


def parse_calendar(text: str, name: str = "cn_workdays.toml") -> WorkCalendar:
    """Read a calendar data file; InputError names the bad entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(name, f"not valid TOML: {exc}") from None
    cal = WorkCalendar(version=str(data.get("version", "")))
    for i, year in enumerate(data.get("years", [])):
        where = f"{name}:years[{i}]"
        number = year.get("year")
        if not isinstance(number, int):
            raise InputError(where, "needs a year number")
        if year.get("status") != "published":
            continue
        for j, pair in enumerate(year.get("holidays", [])):
            if not isinstance(pair, list) or len(pair) != 2:
                raise InputError(f"{where}.holidays[{j}]", "must be [first day, last day]")
            first = _date(pair[0], f"{where}.holidays[{j}]")
            last = _date(pair[1], f"{where}.holidays[{j}]")
            if last < first or first.year != number:
                raise InputError(f"{where}.holidays[{j}]", f"is not a period of {number}")
            day = first
            while day <= last:
                cal.holidays.add(day)
                day += dt.timedelta(days=1)
        for j, text_day in enumerate(year.get("workdays", [])):
            day = _date(text_day, f"{where}.workdays[{j}]")
            if day.year != number or day.weekday() < 5:
                raise InputError(
                    f"{where}.workdays[{j}]", f"{day} is not a weekend day of {number}"
                )
            cal.workdays.add(day)
        cal.known_years.add(number)
    return cal


def load_calendar(path: Path | None = None, newer_text: str | None = None) -> WorkCalendar:
    """The shipped calendar, or *newer_text* (a file the office sent, kept in the database)
    when its version is newer than the shipped one."""
    shipped = parse_calendar((path or calendar_path()).read_text(encoding="utf-8"))
    if newer_text:
        other = parse_calendar(newer_text, "office calendar")
        if other.version > shipped.version:
            return other
    return shipped


@dataclass(frozen=True)
class Pause:
    """Days not counted (testing, hearing, suspension), first and last day included."""

    first: dt.date
    last: dt.date
    reason: str = ""


@dataclass
class Deadline:
    key: str
    due: dt.date
    basis: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "due": self.due.isoformat(),
            "basis": self.basis,
            "warnings": list(self.warnings),
        }


def _paused(day: dt.date, pauses: list[Pause]) -> bool:
    return any(p.first <= day <= p.last for p in pauses)


def add_workdays(
    cal: WorkCalendar, start: dt.date, count: int, pauses: list[Pause] | None = None
) -> tuple[dt.date, list[str]]:
    """The *count*-th working day after *start* (start itself not counted), skipping paused
    days; with the warnings of unknown years."""
    pauses = pauses or []
    day, left = start, count
    while left > 0:
        day += dt.timedelta(days=1)
        if cal.is_workday(day) and not _paused(day, pauses):
            left -= 1
    return day, cal.warnings_for(start, day)


def add_days(
    cal: WorkCalendar, start: dt.date, count: int, pauses: list[Pause] | None = None
) -> tuple[dt.date, list[str]]:
    """*count* calendar days after *start* (start not counted), paused days added on; a last
    day that is not a working day moves to the next working day."""
    pauses = pauses or []
    day, left = start, count
    while left > 0:
        day += dt.timedelta(days=1)
        if not _paused(day, pauses):
            left -= 1
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day, cal.warnings_for(start, day)


def filing_deadline(
    cal: WorkCalendar, clue_date: dt.date, pauses: list[Pause] | None = None
) -> Deadline:
    due, warn = add_workdays(cal, clue_date, FILING_WORKDAYS, pauses)
    return Deadline("filing", due, "15 working days from the clue (testing time not counted)", warn)


def decision_deadline(
    cal: WorkCalendar, filed_on: dt.date, pauses: list[Pause] | None = None
) -> Deadline:
    due, warn = add_days(cal, filed_on, DECISION_DAYS, pauses)
    return Deadline("decision", due, "90 days from filing (paused time not counted)", warn)


def reply_deadline(cal: WorkCalendar, notice_served_on: dt.date) -> Deadline:
    due, warn = add_workdays(cal, notice_served_on, REPLY_WORKDAYS)
    return Deadline("reply", due, "5 working days from service of the prior notice", warn)


def payment_deadline(cal: WorkCalendar, decision_served_on: dt.date) -> Deadline:
    due, warn = add_days(cal, decision_served_on, PAYMENT_DAYS)
    return Deadline("payment", due, "15 days from service of the decision", warn)


def correction_deadline(
    cal: WorkCalendar, served_on: dt.date, *, days: int | None = None, date: dt.date | None = None
) -> Deadline:
    """The deadline of an order to correct: a date the order names, or *days* from service."""
    if (days is None) == (date is None):
        raise InputError("deadline", "give either a date or a number of days")
    if date is not None:
        if date <= served_on:
            raise InputError("deadline", f"{date} is not after the order's date {served_on}")
        return Deadline(
            "correction", date, "the date the order names", cal.warnings_for(served_on, date)
        )
    assert days is not None  # exactly one of the two was given (checked above)
    if days < 1:
        raise InputError("deadline", "the number of days must be at least 1")
    due, warn = add_days(cal, served_on, days)
    return Deadline("correction", due, f"{days} days from service of the order", warn)
