"""Ticket SLA: response and resolution deadlines by severity, and the state shown in lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.rules.workdays import DEFAULT_WORK_HOURS, WorkCalendar, WorkHours

SEVERITIES = ("重大", "一般", "轻微")

SLA_STATES = ("paused", "met", "breached", "due_soon", "on_track")

DUE_SOON_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class SlaTerms:
    """Promised response time (wall-clock hours) and resolution time (working days)."""

    respond_hours: int
    resolve_workdays: int


DEFAULT_SLA: dict[str, SlaTerms] = {
    "重大": SlaTerms(respond_hours=2, resolve_workdays=2),
    "一般": SlaTerms(respond_hours=24, resolve_workdays=5),
    "轻微": SlaTerms(respond_hours=48, resolve_workdays=10),
}

Pause = tuple[datetime, datetime | None]


def respond_deadline(
    received_at: datetime,
    terms: SlaTerms,
    calendar: WorkCalendar | None = None,
    hours: WorkHours | None = None,
) -> datetime:
    """Return when the first response is due.

    Wall-clock by default (重大: 2 hours, night or holiday); when the admin chooses working hours,
    pass the calendar and office hours and the hours are counted in working time instead.
    """
    if calendar is None or hours is None:
        return received_at + timedelta(hours=terms.respond_hours)
    return calendar.add_working_time(received_at, timedelta(hours=terms.respond_hours), hours)


def resolve_deadline(
    received_at: datetime,
    terms: SlaTerms,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] = (),
    hours: WorkHours = DEFAULT_WORK_HOURS,
) -> datetime | None:
    """Return the resolution deadline, or None while the clock is paused.

    The base deadline is the same wall-clock time on the `resolve_workdays`-th working day after
    the day the ticket was received. The clock pauses only while the ticket waits for the
    customer (待客户反馈); the closed pauses push the deadline later by the WORKING time they
    covered (office hours on working days; nights, weekends and holidays count nothing; overlaps
    count once; time before received_at is ignored), added in working time from the base deadline.
    An open pause (end None) returns None: "clock paused".
    """
    if any(end is None for _, end in pauses):
        return None
    base = calendar.add_workdays_at(received_at, terms.resolve_workdays)
    closed = [(start, end) for start, end in pauses if end is not None]
    return calendar.add_working_time(base, paused_working_time(received_at, closed, calendar, hours), hours)


def merged_pauses(received_at: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The pauses after received_at with overlaps merged, in order."""
    merged: list[tuple[datetime, datetime]] = []
    covered_until = received_at
    for start, end in sorted(pauses):
        if end < start:
            raise ValueError(f"pause ends before it starts: {start} > {end}")
        start = max(start, covered_until)
        if end > start:
            merged.append((start, end))
            covered_until = end
    return merged


def paused_duration(received_at: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> timedelta:
    """Return the total wall-clock time covered by the pauses after received_at, overlaps merged."""
    return sum((end - start for start, end in merged_pauses(received_at, pauses)), timedelta(0))


def paused_working_time(
    received_at: datetime,
    pauses: Sequence[tuple[datetime, datetime]],
    calendar: WorkCalendar,
    hours: WorkHours = DEFAULT_WORK_HOURS,
) -> timedelta:
    """Return the working time covered by the pauses after received_at, overlaps merged."""
    return sum(
        (calendar.working_time_between(start, end, hours) for start, end in merged_pauses(received_at, pauses)),
        timedelta(0),
    )


def sla_state(now: datetime, deadline: datetime | None, done_at: datetime | None) -> str:
    """Return "met"/"breached" once done, else "paused", "breached", "due_soon" (≤24 h) or "on_track"."""
    if done_at is not None:
        # A ticket finished while its clock was paused was never late.
        return "met" if deadline is None or done_at <= deadline else "breached"
    if deadline is None:
        return "paused"
    if now > deadline:
        return "breached"
    if deadline - now <= DUE_SOON_WINDOW:
        return "due_soon"
    return "on_track"
