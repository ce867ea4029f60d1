"""Deadlines computed from the published holiday arrangement (each expected date counted by
hand on a calendar), pauses, unknown years and an office's newer calendar file."""

from __future__ import annotations

import datetime as dt

import pytest

from inspector_app.domain.deadlines import (
    Pause,
    add_workdays,
    calendar_path,
    correction_deadline,
    decision_deadline,
    filing_deadline,
    load_calendar,
    parse_calendar,
    payment_deadline,
    reply_deadline,
)
from inspector_app.domain.errors import InputError

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return load_calendar()


def test_holidays_and_make_up_days(cal):
    assert not cal.is_workday(D(2025, 10, 1))  # National Day
    assert not cal.is_workday(D(2025, 10, 8))  # last day of the 2025 National Day period
    assert cal.is_workday(D(2025, 9, 28))  # Sunday, make-up working day
    assert cal.is_workday(D(2025, 10, 11))  # Saturday, make-up working day
    assert not cal.is_workday(D(2025, 10, 12))  # ordinary Sunday
    assert not cal.is_workday(D(2024, 2, 12))  # Spring Festival 2024 (Monday)
    assert cal.is_workday(D(2024, 2, 18))  # Sunday, make-up
    assert not cal.is_workday(D(2026, 2, 23))  # Spring Festival 2026 (Monday)
    assert cal.is_workday(D(2026, 2, 28))  # Saturday, make-up


def test_filing_deadline_over_national_day(cal):
    # Clue Fri 2025-09-26: 9/28 (make-up), 9/29, 9/30, [10/1-10/8 off], 10/9, 10/10,
    # 10/11 (make-up), 10/13-17, 10/20-23 -> the 15th working day is Thu 2025-10-23.
    d = filing_deadline(cal, D(2025, 9, 26))
    assert d.due == D(2025, 10, 23)
    assert d.warnings == []


def test_filing_deadline_pauses_for_testing(cal):
    # Same clue, testing from 10/13 to 10/17 (5 working days) not counted: 10/30.
    d = filing_deadline(cal, D(2025, 9, 26), [Pause(D(2025, 10, 13), D(2025, 10, 17), "test")])
    assert d.due == D(2025, 10, 30)


def test_fifteenth_working_day_on_an_ordinary_month(cal):
    # Mon 2025-03-03 -> 3/4..3/7 (4), 3/10..14 (9), 3/17..21 (14), 3/24 (15).
    assert filing_deadline(cal, D(2025, 3, 3)).due == D(2025, 3, 24)


def test_reply_window_after_prior_notice(cal):
    # Served Thu 2025-04-24: 4/25 (1), 4/27 Sunday make-up (2), 4/28 (3), 4/29 (4), 4/30 (5).
    assert reply_deadline(cal, D(2025, 4, 24)).due == D(2025, 4, 30)
    # Served Wed 2025-04-30: 5/1-5/5 off, 5/6..5/9 (4), 5/12 (5).
    assert reply_deadline(cal, D(2025, 4, 30)).due == D(2025, 5, 12)


def test_payment_period_moves_off_a_holiday(cal):
    # Served 2025-09-16: +15 days = 10/1, a holiday; the period ends on 10/9.
    assert payment_deadline(cal, D(2025, 9, 16)).due == D(2025, 10, 9)
    # Served 2025-03-03: +15 = Tue 3/18, a working day.
    assert payment_deadline(cal, D(2025, 3, 3)).due == D(2025, 3, 18)


def test_decision_limit_adds_paused_days(cal):
    # Filed 2025-03-03: +90 = 2025-06-01 (Sunday) -> Mon 6/2 is Dragon Boat -> Tue 6/3.
    assert decision_deadline(cal, D(2025, 3, 3)).due == D(2025, 6, 3)
    # A 10-day hearing pause: 6/11 (Wednesday).
    paused = [Pause(D(2025, 4, 1), D(2025, 4, 10), "hearing")]
    assert decision_deadline(cal, D(2025, 3, 3), paused).due == D(2025, 6, 11)


def test_correction_deadline_by_days_or_date(cal):
    assert correction_deadline(cal, D(2025, 3, 3), days=5).due == D(2025, 3, 10)  # 3/8 Sat
    assert correction_deadline(cal, D(2025, 3, 3), date=D(2025, 3, 20)).due == D(2025, 3, 20)
    with pytest.raises(InputError, match="not after"):
        correction_deadline(cal, D(2025, 3, 3), date=D(2025, 3, 3))
    with pytest.raises(InputError, match="either"):
        correction_deadline(cal, D(2025, 3, 3))


def test_unknown_year_counts_weekends_and_warns(cal):
    d = filing_deadline(cal, D(2027, 3, 1))  # Monday; weekends only: 3/22
    assert d.due == D(2027, 3, 22)
    assert any("2027" in w for w in d.warnings)
    # A period that crosses into an unknown year warns too.
    _, warnings = add_workdays(cal, D(2026, 12, 25), 10)
    assert any("2027" in w for w in warnings)


def test_newer_office_calendar_wins_older_does_not():
    shipped = calendar_path().read_text(encoding="utf-8")
    newer = shipped.replace('version = "', 'version = "9', 1).replace(
        'year = 2027\nstatus = "unknown"', 'year = 2027\nstatus = "published"'
    )
    newer = newer.replace(
        "holidays = []\nworkdays = []", 'holidays = [["2027-01-01", "2027-01-01"]]\nworkdays = []'
    )
    cal = load_calendar(newer_text=newer)
    assert not cal.is_workday(D(2027, 1, 1)) and cal.year_known(2027)
    older = shipped.replace('version = "', 'version = "0', 1)
    assert not load_calendar(newer_text=older).year_known(2027)


def test_bad_calendar_files_name_the_entry():
    with pytest.raises(InputError, match=r"years\[0\]\.workdays\[0\]"):
        parse_calendar('[[years]]\nyear = 2025\nstatus = "published"\nworkdays = ["2025-03-03"]')
    with pytest.raises(InputError, match="not a period of 2025"):
        parse_calendar(
            '[[years]]\nyear = 2025\nstatus = "published"\n'
            'holidays = [["2025-10-08", "2025-10-01"]]'
        )
    with pytest.raises(InputError, match="TOML"):
        parse_calendar("years = [")
