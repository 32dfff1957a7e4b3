"""The portal's one working-day calendar: chinese-calendar plus the admin's holiday table.

Every deadline in the portal (follow-ups, revisit triggers, SLAs) asks `work_calendar()`.
"""
from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models.settings import HolidayOverride
from portal.rules.workdays import WorkCalendar, known_by_package


def work_calendar() -> WorkCalendar:
    """WorkCalendar with the admin-entered days (which take precedence over the package)."""
    overrides = {row.day: row.is_workday for row in db.session.scalars(select(HolidayOverride))}
    return WorkCalendar(overrides)


def unknown_years(today: date, horizon_days: int) -> list[int]:
    """Years that deadlines from today up to `horizon_days` ahead run into, known to neither the
    chinese-calendar package nor the admin's holiday table (Monday–Friday is assumed for them)."""
    last_year = (today + timedelta(days=horizon_days)).year
    missing = []
    for year in range(today.year, last_year + 1):
        if known_by_package(year):
            continue
        entered = db.session.scalar(
            select(HolidayOverride.day).where(HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31))).limit(1)
        )
        if entered is None:
            missing.append(year)
    return missing
