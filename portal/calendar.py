"""The portal's one working-day calendar: chinese-calendar plus the admin's holiday table.

Every deadline in the portal (follow-ups, revisit triggers, SLAs) asks `work_calendar()`.
"""
from sqlalchemy import select

from portal.extensions import db
from portal.models.settings import HolidayOverride
from portal.rules.workdays import WorkCalendar


def work_calendar() -> WorkCalendar:
    """WorkCalendar with the admin-entered days (which take precedence over the package)."""
    overrides = {row.day: row.is_workday for row in db.session.scalars(select(HolidayOverride))}
    return WorkCalendar(overrides)
