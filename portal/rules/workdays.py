"""Mainland China statutory working-day calendar, including adjusted working weekends (调休)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from functools import cache

import chinese_calendar

_ONE_DAY = timedelta(days=1)


@cache
def known_by_package(year: int) -> bool:
    """Return True if the chinese_calendar package holds the official arrangement for `year`."""
    if not MINYEAR <= year <= MAXYEAR:
        return False
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkHours:
    """The office day on working days: working time runs from `start` to `end` (one window)."""

    start: time = time(9, 0)
    end: time = time(18, 0)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"working hours end before they start: {self.start} >= {self.end}")

    @classmethod
    def parse(cls, start: str, end: str) -> "WorkHours":
        """WorkHours from "HH:MM" strings (the admin setting's shape)."""
        return cls(time.fromisoformat(start), time.fromisoformat(end))


DEFAULT_WORK_HOURS = WorkHours()


def _as_date(day: date) -> date:
    # datetime is a date subclass but never equals a date, so override lookups would silently miss.
    return day.date() if isinstance(day, datetime) else day


class WorkCalendar:
    """Working days: admin overrides first, then chinese_calendar, then plain Monday–Friday."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {_as_date(day): bool(is_work) for day, is_work in (overrides or {}).items()}
        self._override_years = frozenset(day.year for day in self._overrides)

    def is_workday(self, day: date) -> bool:
        """Return True if `day` is a working day."""
        day = _as_date(day)
        if day in self._overrides:
            return self._overrides[day]
        if known_by_package(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        """Return the n-th working day after `start` (start itself never counts; n=0 gives start)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = _as_date(start)
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day

    def add_workdays_at(self, start: datetime, n: int) -> datetime:
        """Return the same wall-clock time (and tzinfo) on the n-th working day after start's date."""
        day = self.add_workdays(start.date(), n)
        return start.replace(year=day.year, month=day.month, day=day.day)

    def workdays_between(self, start: date, end: date) -> int:
        """Count working days in (start, end]; 0 when end is not after start."""
        day, last = _as_date(start), _as_date(end)
        count = 0
        while day < last:
            day += _ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def year_is_known(self, year: int) -> bool:
        """Return True if the package covers `year` or admins entered at least one override for it."""
        return known_by_package(year) or year in self._override_years

    def is_provisional(self, day: date | None) -> bool:
        """Return True for a working-day deadline in a year nobody knows yet (暂定): it was counted
        Monday–Friday and may move once the year's holidays are entered. None is never provisional."""
        return day is not None and not self.year_is_known(_as_date(day).year)

    def _window(self, day: date, hours: WorkHours, tzinfo) -> tuple[datetime, datetime] | None:
        if not self.is_workday(day):
            return None
        return (datetime.combine(day, hours.start, tzinfo), datetime.combine(day, hours.end, tzinfo))

    def working_time_between(self, start: datetime, end: datetime, hours: WorkHours = DEFAULT_WORK_HOURS) -> timedelta:
        """Working time inside [start, end): the parts of working days' office hours it covers.

        Nights, weekends and holidays count nothing; an adjusted working weekend (调休) counts.
        """
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            window = self._window(day, hours, start.tzinfo)
            if window is not None:
                overlap = min(end, window[1]) - max(start, window[0])
                if overlap > timedelta(0):
                    total += overlap
            day += _ONE_DAY
        return total

    def add_working_time(self, start: datetime, amount: timedelta, hours: WorkHours = DEFAULT_WORK_HOURS) -> datetime:
        """The moment `amount` of working time after `start`; `start` itself when amount is zero.

        Time outside office hours does not count, so starting at night or on a holiday counts from
        the next working morning; an amount that uses up a day exactly ends at that day's closing time.
        """
        if amount < timedelta(0):
            raise ValueError("amount must be >= 0")
        if amount == timedelta(0):
            return start
        remaining, day = amount, start.date()
        while True:
            window = self._window(day, hours, start.tzinfo)
            if window is not None and start < window[1]:
                begin = max(start, window[0])
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += _ONE_DAY
