"""Mainland China statutory working-day calendar, including adjusted working weekends (调休)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
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
