"""Follow-up cadence, 补录 detection, dormancy and overdue days."""

from datetime import date, datetime, timedelta

import pytest

from portal.rules.cadence import (
    DEFAULT_CADENCE_DAYS,
    dormancy_date,
    is_dormant,
    is_late_record,
    next_due_on,
    overdue_days,
)

LAST = date(2026, 11, 1)


def test_default_cadence():
    assert DEFAULT_CADENCE_DAYS == {"A": 7, "B": 14, "C": 30}


@pytest.mark.parametrize(
    ("grade", "last", "next_action", "expected"),
    [
        ("A", LAST, None, date(2026, 11, 8)),
        ("B", LAST, None, date(2026, 11, 15)),
        ("C", LAST, None, date(2026, 12, 1)),
        ("C", date(2026, 12, 15), None, date(2027, 1, 14)),
        ("A", LAST, date(2026, 11, 5), date(2026, 11, 5)),  # next action earlier
        ("A", LAST, date(2026, 11, 20), date(2026, 11, 8)),  # cadence earlier
        ("A", LAST, date(2026, 11, 8), date(2026, 11, 8)),
        ("C", LAST, date(2026, 10, 20), date(2026, 10, 20)),  # an already-past next action still counts
        (None, LAST, date(2026, 11, 20), date(2026, 11, 20)),
        (None, LAST, None, None),
        ("D", LAST, None, None),  # grade without a cadence
        ("D", LAST, date(2026, 11, 20), date(2026, 11, 20)),
        ("A", None, None, None),
        ("A", None, date(2026, 11, 20), date(2026, 11, 20)),
        (None, None, None, None),
    ],
)
def test_next_due_on(grade, last, next_action, expected):
    assert next_due_on(grade, last, next_action, DEFAULT_CADENCE_DAYS) == expected


def test_next_due_on_uses_the_given_cadence():
    assert next_due_on("A", LAST, None, {"A": 3}) == date(2026, 11, 4)
    assert next_due_on("B", LAST, None, {"A": 3}) is None
    assert next_due_on("A", LAST, None, {"A": 0}) is None  # a 0-day cadence is switched off
    assert next_due_on("A", LAST, date(2026, 11, 9), {"A": -1}) == date(2026, 11, 9)


CONTACTED = datetime(2026, 11, 24, 10, 0)


@pytest.mark.parametrize(
    ("recorded", "late"),
    [
        (CONTACTED, False),
        (CONTACTED - timedelta(minutes=5), False),
        (CONTACTED + timedelta(minutes=29, seconds=59), False),
        (CONTACTED + timedelta(minutes=30), False),
        (CONTACTED + timedelta(minutes=30, seconds=1), True),
        (CONTACTED + timedelta(minutes=30, microseconds=1), True),
        (CONTACTED + timedelta(days=1), True),
    ],
)
def test_is_late_record(recorded, late):
    assert is_late_record(CONTACTED, recorded) is late


def test_is_late_record_with_other_limit():
    assert is_late_record(CONTACTED, CONTACTED + timedelta(minutes=45), limit_minutes=60) is False
    assert is_late_record(CONTACTED, CONTACTED + timedelta(minutes=61), limit_minutes=60) is True


def test_dormancy_date():
    assert dormancy_date(date(2026, 1, 1)) == date(2026, 4, 1)
    assert dormancy_date(date(2026, 1, 1), 90) == date(2026, 4, 1)
    assert dormancy_date(date(2026, 1, 1), 60) == date(2026, 3, 2)
    assert dormancy_date(date(2026, 11, 24)) == date(2027, 2, 22)


@pytest.mark.parametrize(
    ("last", "today", "days", "dormant"),
    [
        (date(2026, 1, 1), date(2026, 3, 31), 90, False),
        (date(2026, 1, 1), date(2026, 4, 1), 90, True),
        (date(2026, 1, 1), date(2026, 11, 24), 90, True),
        (date(2026, 1, 1), date(2026, 1, 1), 90, False),
        (date(2026, 1, 1), date(2026, 3, 1), 60, False),
        (date(2026, 1, 1), date(2026, 3, 2), 60, True),
        (None, date(2026, 11, 24), 90, False),
    ],
)
def test_is_dormant(last, today, days, dormant):
    assert is_dormant(last, today, days) is dormant


def test_is_dormant_default_is_90_days():
    assert is_dormant(date(2026, 1, 1), date(2026, 3, 31)) is False
    assert is_dormant(date(2026, 1, 1), date(2026, 4, 1)) is True


@pytest.mark.parametrize(
    ("due", "today", "days"),
    [
        (date(2026, 11, 20), date(2026, 11, 24), 4),
        (date(2026, 11, 24), date(2026, 11, 24), 0),
        (date(2026, 11, 25), date(2026, 11, 24), 0),
        (None, date(2026, 11, 24), 0),
        (date(2026, 12, 30), date(2027, 1, 2), 3),
        (date(2026, 2, 27), date(2026, 3, 1), 2),
    ],
)
def test_overdue_days(due, today, days):
    assert overdue_days(due, today) == days
