"""Ticket SLA deadlines, pauses (待客户反馈) and list states, on the 2026 calendar."""

from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta

import pytest

from portal.rules.sla import (
    DEFAULT_SLA,
    SEVERITIES,
    SLA_STATES,
    SlaTerms,
    paused_duration,
    resolve_deadline,
    respond_deadline,
    sla_state,
)
from portal.rules.workdays import WorkCalendar

CAL = WorkCalendar()
MAJOR, NORMAL, MINOR = DEFAULT_SLA["重大"], DEFAULT_SLA["一般"], DEFAULT_SLA["轻微"]
RECEIVED = datetime(2026, 11, 24, 10, 0)  # Tuesday
NORMAL_BASE = datetime(2026, 12, 1, 10, 0)  # 5 working days later


def test_default_terms_follow_the_rules():
    assert SEVERITIES == ("重大", "一般", "轻微")
    assert tuple(DEFAULT_SLA) == SEVERITIES
    assert SlaTerms(respond_hours=2, resolve_workdays=2) == MAJOR
    assert SlaTerms(24, 5) == NORMAL
    assert SlaTerms(48, 10) == MINOR


def test_terms_are_frozen():
    with pytest.raises(FrozenInstanceError):
        MAJOR.respond_hours = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("received", "terms", "expected"),
    [
        (RECEIVED, MAJOR, datetime(2026, 11, 24, 12, 0)),
        (RECEIVED, NORMAL, datetime(2026, 11, 25, 10, 0)),
        (RECEIVED, MINOR, datetime(2026, 11, 26, 10, 0)),
        (datetime(2026, 11, 24, 23, 30), MAJOR, datetime(2026, 11, 25, 1, 30)),
        (datetime(2026, 9, 30, 20, 0), NORMAL, datetime(2026, 10, 1, 20, 0)),  # wall clock, holiday or not
    ],
)
def test_respond_deadline(received, terms, expected):
    assert respond_deadline(received, terms) == expected


@pytest.mark.parametrize(
    ("received", "terms", "expected"),
    [
        (datetime(2026, 9, 30, 16, 0), MAJOR, datetime(2026, 10, 9, 16, 0)),
        (datetime(2026, 10, 3, 11, 0), MAJOR, datetime(2026, 10, 9, 11, 0)),  # received on a holiday
        (RECEIVED, NORMAL, NORMAL_BASE),
        (datetime(2026, 9, 25, 9, 0), MINOR, datetime(2026, 10, 15, 9, 0)),  # counts the 10-10 make-up Saturday
        (datetime(2026, 12, 30, 17, 0), NORMAL, datetime(2027, 1, 6, 17, 0)),  # 2027 falls back to Mon–Fri
    ],
)
def test_resolve_deadline_without_pauses(received, terms, expected):
    assert resolve_deadline(received, terms, CAL) == expected


def test_resolve_deadline_uses_admin_overrides():
    cal = WorkCalendar({datetime(2027, 1, 1).date(): False})
    assert resolve_deadline(datetime(2026, 12, 30, 17, 0), NORMAL, cal) == datetime(2027, 1, 7, 17, 0)


@pytest.mark.parametrize(
    ("pauses", "pushed_by"),
    [
        ([], timedelta(0)),
        ([(datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 26, 15, 30))], timedelta(hours=30, minutes=30)),
        (
            [
                (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 12, 0)),
                (datetime(2026, 11, 25, 11, 0), datetime(2026, 11, 25, 14, 0)),
            ],
            timedelta(hours=5),
        ),
        (
            [
                (datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 25, 11, 0)),
                (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 17, 0)),
            ],
            timedelta(hours=8),
        ),
        (
            [
                (datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 10, 0)),
                (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 9, 30)),
            ],
            timedelta(hours=1, minutes=30),
        ),
        ([(datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 12, 0))], timedelta(hours=2)),  # before receipt ignored
        ([(datetime(2026, 11, 23, 8, 0), datetime(2026, 11, 23, 12, 0))], timedelta(0)),
        ([(datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 9, 0))], timedelta(0)),
        # A pause over the weekend pushes by its full wall-clock length, weekend included.
        ([(datetime(2026, 11, 27, 18, 0), datetime(2026, 11, 30, 9, 0))], timedelta(days=2, hours=15)),
    ],
)
def test_closed_pauses_push_the_deadline_by_paused_wall_time(pauses, pushed_by):
    assert paused_duration(RECEIVED, pauses) == pushed_by
    assert resolve_deadline(RECEIVED, NORMAL, CAL, pauses) == NORMAL_BASE + pushed_by


def test_open_pause_means_clock_paused():
    closed = (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 10, 0))
    open_pause = (datetime(2026, 11, 26, 9, 0), None)
    assert resolve_deadline(RECEIVED, NORMAL, CAL, [closed, open_pause]) is None
    assert resolve_deadline(RECEIVED, NORMAL, CAL, [open_pause]) is None


def test_inverted_pause_is_rejected():
    with pytest.raises(ValueError, match="pause ends before it starts"):
        resolve_deadline(RECEIVED, NORMAL, CAL, [(datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 25, 9, 0))])


DEADLINE = datetime(2026, 12, 1, 10, 0)


@pytest.mark.parametrize(
    ("now", "deadline", "done_at", "state"),
    [
        (DEADLINE + timedelta(days=3), DEADLINE, DEADLINE, "met"),
        (DEADLINE + timedelta(days=3), DEADLINE, DEADLINE - timedelta(days=2), "met"),
        (DEADLINE - timedelta(days=3), DEADLINE, DEADLINE + timedelta(seconds=1), "breached"),
        (DEADLINE, None, DEADLINE, "met"),
        (DEADLINE, None, None, "paused"),
        (DEADLINE + timedelta(minutes=1), DEADLINE, None, "breached"),
        (DEADLINE, DEADLINE, None, "due_soon"),
        (DEADLINE - timedelta(hours=24), DEADLINE, None, "due_soon"),
        (DEADLINE - timedelta(hours=24, seconds=1), DEADLINE, None, "on_track"),
        (DEADLINE - timedelta(days=4), DEADLINE, None, "on_track"),
    ],
)
def test_sla_state(now, deadline, done_at, state):
    assert sla_state(now, deadline, done_at) == state
    assert state in SLA_STATES
