"""The top-bar 提醒 count: everything waiting for the signed-in person, whatever area it comes from.

It is the sum of the work-list sections flagged `reminder=True` (due follow-ups, revisit tasks,
tickets to confirm or in hand, findings to acknowledge, a supervisor's escalations), so the badge and
the work list cannot disagree.
"""
from datetime import date

from portal.workbench.sections import work_sections


def reminders_total(user, today: date) -> int:
    """How many things wait for `user` today (the sum of the reminder sections' totals)."""
    return sum(section.total for section in work_sections(user, today) if section.reminder)
