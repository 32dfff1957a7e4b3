"""Revisit trigger due dates on the 2026 calendar, and the inactive-customer interval by tier."""

from datetime import date

import pytest

from portal.rules.revisit_triggers import (
    TRIGGERS,
    add_months,
    inactive_revisit_due_on,
    trigger_due_on,
)
from portal.rules.workdays import WorkCalendar

CAL = WorkCalendar()


def test_default_windows():
    assert TRIGGERS == {"registration": 3, "deal": 7, "event": 2, "inactive": 3}


@pytest.mark.parametrize(
    ("trigger", "event_on", "expected"),
    [
        ("registration", date(2026, 9, 28), date(2026, 10, 8)),  # 09-29, 09-30, then National Day
        ("registration", date(2026, 11, 24), date(2026, 11, 27)),
        ("deal", date(2026, 9, 30), date(2026, 10, 15)),  # 10-10 make-up Saturday counts
        ("deal", date(2026, 11, 24), date(2026, 12, 3)),
        ("event", date(2026, 2, 13), date(2026, 2, 24)),  # 02-14 make-up Saturday, then Spring Festival
        ("activity", date(2026, 2, 13), date(2026, 2, 24)),
        ("consultation", date(2026, 2, 13), date(2026, 2, 24)),
        ("ticket_closed", date(2026, 2, 13), date(2026, 2, 24)),
        ("event", date(2026, 12, 31), date(2027, 1, 4)),
        ("inactive", date(2026, 1, 31), date(2026, 4, 30)),  # calendar months, clamped
        ("inactive", date(2026, 11, 24), date(2027, 2, 24)),
    ],
)
def test_trigger_due_on(trigger, event_on, expected):
    assert trigger_due_on(trigger, event_on, CAL) == expected


def test_admin_windows_override_defaults():
    assert trigger_due_on("registration", date(2026, 9, 28), CAL, {"registration": 5}) == date(2026, 10, 10)
    assert trigger_due_on("deal", date(2026, 9, 30), CAL, {"registration": 5}) == date(2026, 10, 15)
    assert trigger_due_on("ticket_closed", date(2026, 11, 24), CAL, {"event": 1}) == date(2026, 11, 25)
    assert trigger_due_on("inactive", date(2026, 1, 31), CAL, {"inactive": 1}) == date(2026, 2, 28)


def test_admin_calendar_overrides_apply():
    cal = WorkCalendar({date(2027, 1, 4): False})
    assert trigger_due_on("event", date(2026, 12, 31), cal) == date(2027, 1, 5)


def test_unknown_trigger_is_rejected():
    with pytest.raises(ValueError, match="unknown revisit trigger"):
        trigger_due_on("birthday", date(2026, 11, 24), CAL)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("last_revisit", "registered", "tier", "base_months", "expected"),
    [
        (date(2026, 1, 15), date(2025, 6, 1), "普通", 3, date(2026, 4, 15)),
        (None, date(2026, 5, 31), "普通", 3, date(2026, 8, 31)),
        (None, date(2026, 11, 30), "普通", 3, date(2027, 2, 28)),
        (date(2026, 1, 15), date(2025, 6, 1), "战略", 3, date(2026, 3, 1)),  # half of 90 days = 45
        (date(2026, 1, 15), date(2025, 6, 1), "重点", 3, date(2026, 3, 1)),
        (None, date(2026, 5, 31), "重点", 3, date(2026, 7, 16)),  # half of 92 days = 46
        (date(2026, 1, 15), date(2025, 6, 1), "普通", 6, date(2026, 7, 15)),
        (date(2026, 1, 15), date(2025, 6, 1), "战略", 6, date(2026, 4, 15)),  # half of 181 days = 90
        (date(2026, 1, 15), date(2025, 6, 1), "", 3, date(2026, 4, 15)),
    ],
)
def test_inactive_revisit_due_on(last_revisit, registered, tier, base_months, expected):
    assert inactive_revisit_due_on(last_revisit, registered, tier, base_months) == expected


def test_inactive_revisit_default_is_three_months():
    assert inactive_revisit_due_on(date(2026, 1, 15), date(2025, 6, 1), "普通") == date(2026, 4, 15)
