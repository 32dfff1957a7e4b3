"""Ticket SLA deadlines, pauses (待客户反馈) and list states, on the 2026 calendar."""

from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import pytest

from portal.rules.sla import (
    DEFAULT_SLA,
    SEVERITIES,
    SLA_STATES,
    SlaTerms,
    paused_duration,
    paused_working_time,
    resolve_deadline,
    respond_deadline,
    sla_state,
)
from portal.rules.workdays import DEFAULT_WORK_HOURS, WorkCalendar, WorkHours

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
    ("pauses", "working", "deadline"),
    [
        ([], timedelta(0), NORMAL_BASE),
        # Wed 09:00 → Thu 15:30: 9 h + 6.5 h of office time; from Tue 12-01 10:00 that is 8 h, then 7.5 h Wed.
        ([(datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 26, 15, 30))], timedelta(hours=15, minutes=30),
         datetime(2026, 12, 2, 16, 30)),
        (
            [
                (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 12, 0)),
                (datetime(2026, 11, 25, 11, 0), datetime(2026, 11, 25, 14, 0)),
            ],
            timedelta(hours=5), datetime(2026, 12, 1, 15, 0),
        ),
        (
            [
                (datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 25, 11, 0)),
                (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 17, 0)),
            ],
            timedelta(hours=8), datetime(2026, 12, 1, 18, 0),  # uses up Tuesday exactly: due at closing time
        ),
        (
            [
                (datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 10, 0)),
                (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 9, 30)),
            ],
            timedelta(hours=1, minutes=30), datetime(2026, 12, 1, 11, 30),
        ),
        ([(datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 12, 0))], timedelta(hours=2),
         datetime(2026, 12, 1, 12, 0)),  # before receipt ignored
        ([(datetime(2026, 11, 23, 8, 0), datetime(2026, 11, 23, 12, 0))], timedelta(0), NORMAL_BASE),
        ([(datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 25, 9, 0))], timedelta(0), NORMAL_BASE),
        # Overnight 17:00 → 10:00 is 17 wall-clock hours but only 2 working hours.
        ([(datetime(2026, 11, 25, 17, 0), datetime(2026, 11, 26, 10, 0))], timedelta(hours=2),
         datetime(2026, 12, 1, 12, 0)),
        # A pause over the weekend, nights only: no working time, the deadline does not move.
        ([(datetime(2026, 11, 27, 18, 0), datetime(2026, 11, 30, 9, 0))], timedelta(0), NORMAL_BASE),
        # Friday evening to Monday morning: 1 h Friday + 1 h Monday.
        ([(datetime(2026, 11, 27, 17, 0), datetime(2026, 11, 30, 10, 0))], timedelta(hours=2),
         datetime(2026, 12, 1, 12, 0)),
    ],
)
def test_closed_pauses_push_the_deadline_by_paused_working_time(pauses, working, deadline):
    assert paused_working_time(RECEIVED, pauses, CAL) == working
    assert resolve_deadline(RECEIVED, NORMAL, CAL, pauses) == deadline


def test_wall_clock_pause_length_is_still_measured():
    pause = [(datetime(2026, 11, 25, 17, 0), datetime(2026, 11, 26, 10, 0))]
    assert paused_duration(RECEIVED, pause) == timedelta(hours=17)


@pytest.mark.parametrize(
    ("received", "pause", "working", "deadline"),
    [
        # Over National Day 2026 (10-01..10-07 off): 1 h on 09-30 and 1 h on 10-08 only.
        (datetime(2026, 9, 29, 10, 0), (datetime(2026, 9, 30, 17, 0), datetime(2026, 10, 8, 10, 0)),
         timedelta(hours=2), datetime(2026, 10, 12, 12, 0)),
        # Over the make-up Saturday 10-10 (调休): Friday 1 h + the whole Saturday 9 h + Monday 1 h.
        (datetime(2026, 10, 8, 9, 0), (datetime(2026, 10, 9, 17, 0), datetime(2026, 10, 12, 10, 0)),
         timedelta(hours=11), datetime(2026, 10, 15, 11, 0)),
    ],
)
def test_pauses_over_holidays_and_make_up_weekends(received, pause, working, deadline):
    assert paused_working_time(received, [pause], CAL) == working
    assert resolve_deadline(received, NORMAL, CAL, [pause]) == deadline


def test_pause_across_an_unknown_year_counts_monday_to_friday_and_admin_days():
    pause = [(datetime(2026, 12, 31, 17, 0), datetime(2027, 1, 4, 10, 0))]
    received = datetime(2026, 12, 28, 10, 0)
    # 2027 unknown: 01-01 (a Friday) counts as a working day.
    assert paused_working_time(received, pause, CAL) == timedelta(hours=11)
    with_new_year = WorkCalendar({date(2027, 1, 1): False})
    assert paused_working_time(received, pause, with_new_year) == timedelta(hours=2)


def test_other_office_hours_change_the_working_time():
    hours = WorkHours.parse("08:30", "17:30")
    pause = [(datetime(2026, 11, 25, 17, 0), datetime(2026, 11, 26, 10, 0))]
    assert paused_working_time(RECEIVED, pause, CAL, hours) == timedelta(hours=2)
    assert resolve_deadline(RECEIVED, NORMAL, CAL, pause, hours) == datetime(2026, 12, 1, 12, 0)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (datetime(2026, 11, 24, 10, 0), datetime(2026, 11, 24, 12, 0)),
        (datetime(2026, 11, 20, 17, 0), datetime(2026, 11, 23, 10, 0)),  # Friday 17:00: 1 h Friday, 1 h Monday
        (datetime(2026, 11, 24, 23, 30), datetime(2026, 11, 25, 11, 0)),  # at night: from the next morning
        (datetime(2026, 10, 3, 11, 0), datetime(2026, 10, 8, 11, 0)),  # on a holiday
        (datetime(2026, 10, 9, 17, 30), datetime(2026, 10, 10, 10, 30)),  # the make-up Saturday counts
        (datetime(2026, 11, 24, 16, 0), datetime(2026, 11, 24, 18, 0)),  # ends exactly at closing time
    ],
)
def test_respond_deadline_in_working_hours_when_chosen(received, expected):
    assert respond_deadline(received, MAJOR, CAL, DEFAULT_WORK_HOURS) == expected
    assert respond_deadline(received, MAJOR) == received + timedelta(hours=2)


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
