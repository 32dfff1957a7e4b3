"""Follow-up cadence: next due date, overdue days, late-recorded follow-ups and dormancy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

DEFAULT_CADENCE_DAYS: dict[str, int] = {"A": 7, "B": 14, "C": 30}

LATE_RECORD_MINUTES = 30

DORMANT_DAYS = 90


def next_due_on(
    grade: str | None,
    last_contacted_on: date | None,
    next_action_on: date | None,
    cadence_days: Mapping[str, int],
) -> date | None:
    """Return the earlier of next_action_on and last contact + cadence; None if neither exists.

    A grade missing from `cadence_days` (or with a non-positive cadence) has no cadence, and
    without a last contact there is nothing to count from.
    """
    candidates = [next_action_on, _cadence_due_on(grade, last_contacted_on, cadence_days)]
    present = [day for day in candidates if day is not None]
    return min(present) if present else None


def _cadence_due_on(grade: str | None, last_contacted_on: date | None, cadence_days: Mapping[str, int]) -> date | None:
    days = cadence_days.get(grade) if grade is not None else None
    if last_contacted_on is None or days is None or days <= 0:
        return None
    return last_contacted_on + timedelta(days=days)


def is_late_record(contacted_at: datetime, recorded_at: datetime, limit_minutes: int = LATE_RECORD_MINUTES) -> bool:
    """Return True for a 补录: recorded strictly more than `limit_minutes` after the contact."""
    return recorded_at - contacted_at > timedelta(minutes=limit_minutes)


def dormancy_date(last_interaction_on: date, dormant_days: int = DORMANT_DAYS) -> date:
    """Return the first day on which a customer last seen on `last_interaction_on` is dormant."""
    return last_interaction_on + timedelta(days=dormant_days)


def is_dormant(last_interaction_on: date | None, today: date, dormant_days: int = DORMANT_DAYS) -> bool:
    """Return True once `dormant_days` full days have passed without interaction (沉睡).

    None means "no interaction known" and is not judged here: callers pass the registration
    date instead when the customer has never been contacted.
    """
    if last_interaction_on is None:
        return False
    return today >= dormancy_date(last_interaction_on, dormant_days)


def overdue_days(next_due: date | None, today: date) -> int:
    """Return how many days `next_due` lies before `today` (0 when not overdue or no due date)."""
    if next_due is None:
        return 0
    return max(0, (today - next_due).days)
