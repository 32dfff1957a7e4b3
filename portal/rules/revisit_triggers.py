"""Revisit triggers: when the revisit task created by an event or by inactivity is due."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Mapping
from datetime import date, timedelta

from portal.rules.workdays import WorkCalendar

# Working days after the event, except "inactive", which is calendar months after the last revisit.
TRIGGERS: dict[str, int] = {"registration": 3, "deal": 7, "event": 2, "inactive": 3}

EVENT_KINDS = ("activity", "consultation", "ticket_closed")

MONTH_TRIGGERS = frozenset({"inactive"})

PRIORITY_TIERS = frozenset({"重点", "战略"})

# What a revisit task is for. A customer never holds two open tasks for one purpose (DESIGN.md):
# a dormancy task and a periodic one both keep an inactive customer in touch; any event revisit
# (activity, consultation, closed ticket) answers the latest event. A plan's purpose is its segment's.
TRIGGER_PURPOSES: dict[str, str] = {
    "registration": "registration",
    "deal": "deal",
    "inactive": "inactive",
    "dormant": "inactive",
    "event": "event",
    "ticket_closed": "event",
}
SEGMENT_PURPOSES: dict[str, str] = {
    "registration": "registration", "deal": "deal", "inactive": "inactive", "event": "event", "manual": "manual",
}


def task_purpose(trigger: str, segment: str | None = None) -> str:
    """The purpose of a task created by `trigger` (for "plan", by the plan's `segment`)."""
    if trigger == "plan":
        return SEGMENT_PURPOSES.get(segment or "manual", "manual")
    return TRIGGER_PURPOSES.get(trigger, trigger)


def add_months(day: date, months: int) -> date:
    """Return `day` moved by whole calendar months, clamped to the month's last day (1-31 → 2-28)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = month_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def gets_registration_revisit(is_member: bool, registered_on: date | None, members_too: bool = False) -> bool:
    """Whether a registration starts the first-revisit trigger.

    The revisit policy (非会员回访管理制度) is written for non-members: a non-member with a registration
    date always gets one; a member only when the admin setting `members_too` says so (default off)."""
    if registered_on is None:
        return False
    return not is_member or members_too


def trigger_due_on(
    trigger: str,
    event_on: date,
    calendar: WorkCalendar,
    windows: Mapping[str, int] | None = None,
) -> date:
    """Return the due date of the revisit that `trigger` creates for an event on `event_on`.

    Triggers are the keys of TRIGGERS; activity/consultation/ticket_closed count as "event".
    `windows` (admin settings) override TRIGGERS entry by entry, in the same units.
    """
    key = "event" if trigger in EVENT_KINDS else trigger
    amounts = {**TRIGGERS, **(windows or {})}
    if key not in amounts:
        raise ValueError(f"unknown revisit trigger: {trigger}")
    if key in MONTH_TRIGGERS:
        return add_months(event_on, amounts[key])
    return calendar.add_workdays(event_on, amounts[key])


def inactive_revisit_due_on(last_revisit_on: date | None, registered_on: date, tier: str, base_months: int = 3) -> date:
    """Return when the periodic revisit of an inactive customer is due.

    Counted from the last revisit, or from registration if there was none: `base_months`
    calendar months later. 重点/战略 customers are revisited twice as often, so their interval is
    half of that same calendar span, rounded down to whole days (3 months from 01-15 → 45 days).
    """
    start = last_revisit_on or registered_on
    due = add_months(start, base_months)
    if tier in PRIORITY_TIERS:
        return start + timedelta(days=(due - start).days // 2)
    return due
