"""The portal's one working-day calendar: chinese-calendar plus the admin's holiday table.

Every deadline in the portal (follow-ups, revisit triggers, SLAs) asks `work_calendar()`, and
`is_provisional(day)` answers for every page whether a working-day due date is only 暂定.
"""
from datetime import date, timedelta

from flask import has_request_context, request
from flask_babel import gettext as _

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


# The admins' banner looks this far ahead for years nobody has entered yet.
LOOKAHEAD_DAYS = 90

_REQUEST_CALENDAR = "portal.calendar.provisional"


def is_provisional(day: date | None) -> bool:
    """True for a working-day due date in a year neither the package nor the admin table knows:
    it was counted Monday–Friday and may move once that year's holidays are entered (暂定)."""
    if day is None:
        return False
    return request_calendar().is_provisional(day)


def request_calendar() -> WorkCalendar:
    """One calendar per request, shared by everything that counts working days in it (the holiday
    table is read once: the work list's ladder and its 暂定 marks read it twice before)."""
    if not has_request_context():
        return work_calendar()
    calendar = request.environ.get(_REQUEST_CALENDAR)
    if calendar is None:
        calendar = request.environ[_REQUEST_CALENDAR] = work_calendar()
    return calendar


def provisional_reason(day: date | None) -> str:
    """Why a due date is 暂定, for its owner (tooltip and detail pages); empty when it is not."""
    if not is_provisional(day):
        return ""
    return _("%(year)s 年的法定节假日与调休安排尚未录入，此期限暂按周一至周五计算，管理员录入后可能调整", year=day.year)
