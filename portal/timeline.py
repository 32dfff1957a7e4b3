"""The customer timeline: each area registers a source of events about one customer.

The customer page shows the merged, newest-first list; every source runs one query, so the
timeline costs a fixed number of queries however long it is.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    # Shown as given: sources run at request time and translate kind, title and detail text themselves
    # (gettext), never what people typed.
    kind: str  # short label: 跟进 / 回访 / 工单 / 成交 / 阶段变更 / 负责人变更 …
    title: str
    detail: str = ""
    url: str | None = None
    actor: str = ""


# A source takes (customer, limit) and returns at most `limit` events, newest first.
TimelineSource = Callable[[object, int], list[TimelineEvent]]
_sources: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Decorator used by each area's module that knows its records."""
    _sources.append(source)
    return source


def customer_timeline(customer, limit: int = 200) -> list[TimelineEvent]:
    """Newest-first events from every area, at most `limit`."""
    events = [event for source in _sources for event in source(customer, limit)]
    return sorted(events, key=lambda event: event.at, reverse=True)[:limit]
