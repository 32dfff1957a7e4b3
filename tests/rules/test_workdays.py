"""Working-day calendar against the official 2026 arrangement (chinesecalendar 1.11.0) and overrides."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from portal.rules.workdays import DEFAULT_WORK_HOURS, WorkCalendar, WorkHours, known_by_package

CAL = WorkCalendar()
# Admins' table for 2027 (not yet in the package): New Year's Day off, one make-up Saturday.
OVERRIDES_2027 = {date(2027, 1, 1): False, date(2027, 1, 9): True}


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


@pytest.mark.parametrize(
    ("year", "known"),
    [
        (2003, False),
        (2004, True),
        (2025, True),
        (2026, True),
        (2027, False),
        (1, False),
        (9999, False),
        (0, False),
        (10000, False),
    ],
)
def test_known_by_package(year, known):
    assert known_by_package(year) is known


@pytest.mark.parametrize("day", days(date(2026, 10, 1), date(2026, 10, 7)))
def test_national_day_week_2026_is_holiday(day):
    assert CAL.is_workday(day) is False


@pytest.mark.parametrize("day", days(date(2026, 2, 15), date(2026, 2, 23)))
def test_spring_festival_2026_is_holiday(day):
    assert CAL.is_workday(day) is False


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 19), False),  # ordinary Saturday
        (date(2026, 9, 20), True),  # Sunday make-up day for National Day
        (date(2026, 9, 25), False),  # Mid-Autumn Festival, a Friday
        (date(2026, 9, 30), True),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday make-up day for National Day
        (date(2026, 10, 11), False),
        (date(2026, 2, 13), True),
        (date(2026, 2, 14), True),  # Saturday make-up day for Spring Festival
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday make-up day for Spring Festival
        (date(2026, 3, 1), False),
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), False),
        (date(2026, 1, 3), False),
        (date(2026, 1, 4), True),  # Sunday make-up day for New Year
        (date(2026, 11, 24), True),
    ],
)
def test_2026_package_days(day, expected):
    assert CAL.is_workday(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 1), True),
        (date(2027, 1, 2), False),
        (date(2027, 1, 3), False),
        (date(2027, 1, 4), True),
        (date(2003, 12, 31), True),
    ],
)
def test_unknown_year_falls_back_to_monday_to_friday(day, expected):
    assert CAL.is_workday(day) is expected


def test_overrides_take_precedence_over_package_and_fallback():
    cal = WorkCalendar({date(2026, 10, 1): True, date(2026, 10, 12): False, **OVERRIDES_2027})
    assert cal.is_workday(date(2026, 10, 1)) is True
    assert cal.is_workday(date(2026, 10, 12)) is False
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.is_workday(date(2027, 1, 9)) is True
    assert cal.is_workday(date(2027, 1, 8)) is True  # rest of 2027 still Monday–Friday
    assert cal.is_workday(date(2026, 10, 2)) is False  # package still answers unlisted days


def test_datetime_inputs_hit_overrides():
    cal = WorkCalendar({datetime(2027, 1, 1, 0, 0): False})
    assert cal.is_workday(datetime(2027, 1, 1, 9, 30)) is False
    assert cal.is_workday(date(2027, 1, 1)) is False


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 9, 30), 0, date(2026, 9, 30)),
        (date(2026, 10, 3), 0, date(2026, 10, 3)),  # n=0 is start even on a holiday
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 2, date(2026, 10, 9)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        (date(2026, 10, 3), 1, date(2026, 10, 8)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 9, 18), 2, date(2026, 9, 21)),
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # over Mid-Autumn Friday and the weekend
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 14), 5, date(2026, 2, 28)),
        (date(2026, 2, 14), 6, date(2026, 3, 2)),
        (date(2026, 11, 24), 5, date(2026, 12, 1)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),
        (date(2026, 12, 31), 2, date(2027, 1, 4)),
        (date(2026, 12, 30), 5, date(2027, 1, 6)),
    ],
)
def test_add_workdays(start, n, expected):
    assert CAL.add_workdays(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 12, 30), 5, date(2027, 1, 7)),
        (date(2026, 12, 30), 7, date(2027, 1, 9)),
        (date(2026, 12, 30), 8, date(2027, 1, 11)),
    ],
)
def test_add_workdays_into_2027_with_admin_overrides(start, n, expected):
    assert WorkCalendar(OVERRIDES_2027).add_workdays(start, n) == expected


def test_add_workdays_rejects_negative_n():
    with pytest.raises(ValueError, match="n must be >= 0"):
        CAL.add_workdays(date(2026, 9, 30), -1)


def test_add_workdays_at_keeps_wall_clock_time_and_tzinfo():
    beijing = timezone(timedelta(hours=8))
    assert CAL.add_workdays_at(datetime(2026, 9, 30, 16, 45), 2) == datetime(2026, 10, 9, 16, 45)
    shifted = CAL.add_workdays_at(datetime(2026, 9, 30, 23, 59, 59, tzinfo=beijing), 1)
    assert shifted == datetime(2026, 10, 8, 23, 59, 59, tzinfo=beijing)
    assert shifted.tzinfo is beijing
    assert CAL.add_workdays_at(datetime(2026, 10, 4, 8, 0), 0) == datetime(2026, 10, 4, 8, 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 9, 30), date(2026, 10, 10), 3),
        (date(2026, 10, 1), date(2026, 10, 7), 0),
        (date(2026, 9, 29), date(2026, 9, 30), 1),
        (date(2026, 9, 30), date(2026, 9, 30), 0),
        (date(2026, 10, 10), date(2026, 9, 30), 0),
        (date(2026, 9, 30), date(2026, 10, 31), 18),
        (date(2025, 12, 31), date(2026, 12, 31), 248),  # 261 weekdays − 19 weekday holidays + 6 make-up days
        (date(2026, 12, 31), date(2027, 1, 8), 6),
    ],
)
def test_workdays_between(start, end, expected):
    assert CAL.workdays_between(start, end) == expected


def test_workdays_between_with_overrides_into_2027():
    assert WorkCalendar(OVERRIDES_2027).workdays_between(date(2026, 12, 31), date(2027, 1, 9)) == 6


@pytest.mark.parametrize(
    "start", [date(2026, 1, 1), date(2026, 2, 13), date(2026, 9, 19), date(2026, 10, 3), date(2026, 12, 24)]
)
def test_add_workdays_and_workdays_between_agree(start):
    for cal in (CAL, WorkCalendar(OVERRIDES_2027)):
        for n in range(0, 25):
            end = cal.add_workdays(start, n)
            assert cal.workdays_between(start, end) == n
            assert n == 0 or cal.is_workday(end)


def test_year_is_known():
    assert CAL.year_is_known(2026) is True
    assert CAL.year_is_known(2027) is False
    with_2027 = WorkCalendar(OVERRIDES_2027)
    assert with_2027.year_is_known(2027) is True
    assert with_2027.year_is_known(2028) is False
    assert WorkCalendar({}).year_is_known(2027) is False


def test_overrides_are_copied():
    overrides = {date(2027, 1, 1): False}
    cal = WorkCalendar(overrides)
    overrides[date(2027, 1, 1)] = True
    assert cal.is_workday(date(2027, 1, 1)) is False


# Working time inside office hours (default 09:00–18:00), for SLA pauses and working-hour responses.
HOURS = DEFAULT_WORK_HOURS


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (datetime(2026, 11, 24, 10, 0), timedelta(0), datetime(2026, 11, 24, 10, 0)),
        (datetime(2026, 11, 24, 20, 0), timedelta(0), datetime(2026, 11, 24, 20, 0)),  # zero never moves
        (datetime(2026, 11, 24, 10, 0), timedelta(hours=1), datetime(2026, 11, 24, 11, 0)),
        (datetime(2026, 11, 24, 10, 0), timedelta(hours=8), datetime(2026, 11, 24, 18, 0)),
        (datetime(2026, 11, 24, 10, 0), timedelta(hours=8, minutes=1), datetime(2026, 11, 25, 9, 1)),
        (datetime(2026, 11, 24, 7, 0), timedelta(hours=1), datetime(2026, 11, 24, 10, 0)),  # before opening
        (datetime(2026, 11, 24, 20, 0), timedelta(hours=1), datetime(2026, 11, 25, 10, 0)),  # after closing
        (datetime(2026, 11, 27, 17, 0), timedelta(hours=2), datetime(2026, 11, 30, 10, 0)),  # over a weekend
        (datetime(2026, 9, 30, 17, 30), timedelta(hours=1), datetime(2026, 10, 8, 9, 30)),  # over National Day
        (datetime(2026, 10, 9, 17, 0), timedelta(hours=2), datetime(2026, 10, 10, 10, 0)),  # 调休 Saturday works
        (datetime(2026, 10, 10, 17, 0), timedelta(hours=2), datetime(2026, 10, 12, 10, 0)),  # its Sunday does not
        (datetime(2026, 12, 31, 17, 0), timedelta(hours=2), datetime(2027, 1, 1, 10, 0)),  # 2027 unknown: Mon–Fri
    ],
)
def test_add_working_time(start, amount, expected):
    assert CAL.add_working_time(start, amount) == expected


def test_add_working_time_honours_admin_days_in_unknown_years():
    cal = WorkCalendar(OVERRIDES_2027)
    assert cal.add_working_time(datetime(2026, 12, 31, 17, 0), timedelta(hours=2)) == datetime(2027, 1, 4, 10, 0)
    assert cal.add_working_time(datetime(2027, 1, 8, 17, 0), timedelta(hours=2)) == datetime(2027, 1, 9, 10, 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime(2026, 11, 25, 17, 0), datetime(2026, 11, 26, 10, 0), timedelta(hours=2)),
        (datetime(2026, 11, 25, 19, 0), datetime(2026, 11, 26, 8, 0), timedelta(0)),
        (datetime(2026, 11, 26, 10, 0), datetime(2026, 11, 25, 10, 0), timedelta(0)),  # inverted: nothing
        (datetime(2026, 11, 27, 12, 0), datetime(2026, 11, 30, 12, 0), timedelta(hours=9)),  # weekend skipped
        (datetime(2026, 9, 30, 9, 0), datetime(2026, 10, 8, 18, 0), timedelta(hours=18)),  # holiday week skipped
        (datetime(2026, 10, 10, 0, 0), datetime(2026, 10, 11, 23, 59), timedelta(hours=9)),  # 调休 Saturday only
    ],
)
def test_working_time_between(start, end, expected):
    assert CAL.working_time_between(start, end) == expected


def test_adding_then_measuring_working_time_round_trips():
    # Over the National Day fortnight (holidays, 调休 weekends): starts every 75 minutes, amounts up to 30 h.
    start = datetime(2026, 9, 27, 0, 0)
    for step in range(16 * 24 * 60 // 75):
        moment = start + timedelta(minutes=75 * step)
        for amount in (timedelta(minutes=150 * k) for k in range(13)):
            due = CAL.add_working_time(moment, amount)
            assert due >= moment
            assert CAL.working_time_between(moment, due) == amount, (moment, amount, due)


def test_working_hours_must_be_a_window():
    with pytest.raises(ValueError):
        WorkHours.parse("18:00", "09:00")
    with pytest.raises(ValueError):
        CAL.add_working_time(datetime(2026, 11, 24, 10, 0), timedelta(hours=-1))
    assert WorkHours.parse("08:30", "17:30").end == time(17, 30)


def test_is_provisional_only_in_years_nobody_knows():
    assert CAL.is_provisional(date(2027, 1, 4)) is True
    assert CAL.is_provisional(datetime(2027, 1, 4, 10, 0)) is True
    assert CAL.is_provisional(date(2026, 12, 31)) is False
    assert CAL.is_provisional(None) is False
    assert WorkCalendar(OVERRIDES_2027).is_provisional(date(2027, 6, 1)) is False
