"""KPI snapshots: the review page reads a period's counts from a recent snapshot instead of recounting.

A company quarter review counts 100,000 customers' stage histories and a million follow-ups twice
(this period and the previous one): 2.5–3 s on SQLite at that scale, whatever the indexes. The page
therefore shows counts at most `review_snapshot_minutes` old, says when they were counted, and offers
"重新统计". The CLI `reports snapshot` (cron, every few minutes) keeps the usual reviews fresh so
nobody waits. Issuing, exporting and printing always count live; issuing drops the snapshot so the
page agrees with what was signed.
"""
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from portal import clock
from portal.database import upsert, write_during_page_view
from portal.extensions import db
from portal.models.reports import KpiSnapshot
from portal.reports.kpis import KpiCounts, Scope, count_kpis
from portal.reports.periods import Period
from portal.settings_store import get_setting


class SnapshotCounter:
    """count(period, scope) for build_review from snapshots younger than `max_age` (counting and
    storing when there is none); `as_of` is when the oldest counts it handed out were made."""

    def __init__(self, max_age: timedelta):
        self.max_age = max_age
        self.as_of: datetime | None = None

    def __call__(self, period: Period, scope: Scope) -> KpiCounts:
        counts, counted_at = snapshot_counts(period, scope, self.max_age)
        self.as_of = counted_at if self.as_of is None else min(self.as_of, counted_at)
        return counts


def configured_max_age() -> timedelta:
    return timedelta(minutes=int(get_setting("review_snapshot_minutes")))


def snapshot_counts(period: Period, scope: Scope, max_age: timedelta) -> tuple[KpiCounts, datetime]:
    """The stored counts when younger than max_age, else counted now and stored."""
    row = db.session.scalar(select(KpiSnapshot).where(*matches(period, scope)))
    if row is not None and clock.now() - row.computed_at < max_age:
        return counts_from_json(row.counts), row.computed_at
    counted_at = clock.now()
    counts = count_kpis(period, scope)
    store(period, scope, counts, counted_at)
    return counts, counted_at


def matches(period: Period, scope: Scope) -> tuple:
    return (KpiSnapshot.scope_key == scope.key, KpiSnapshot.period_start == period.start,
            KpiSnapshot.period_end == period.end)


def store(period: Period, scope: Scope, counts: KpiCounts, counted_at: datetime) -> None:
    """Upsert the snapshot: in its own short transaction during a page view, else in the caller's."""
    table = KpiSnapshot.__table__
    values = {"scope_key": scope.key, "period_start": period.start, "period_end": period.end,
              "computed_at": counted_at, "counts": counts_to_json(counts)}
    statement = upsert(table).values(**values).on_conflict_do_update(
        index_elements=[table.c.scope_key, table.c.period_start, table.c.period_end],
        set_={"computed_at": counted_at, "counts": values["counts"]},
    )
    with write_during_page_view():
        db.session.execute(statement)


def forget(period: Period, scope: Scope) -> None:
    """Drop the snapshots of a period and the one before it (after an issue, or on 重新统计). No commit."""
    for each in (period, period.previous()):
        db.session.execute(delete(KpiSnapshot).where(*matches(each, scope)))


def counts_to_json(counts: KpiCounts) -> dict:
    def part(sums: dict) -> dict:
        return {code: {"" if owner is None else str(owner): str(value) for owner, value in by_owner.items()}
                for code, by_owner in sums.items()}

    return {"numerators": part(counts.numerators), "denominators": part(counts.denominators)}


def counts_from_json(data: dict) -> KpiCounts:
    def part(sums: dict) -> dict:
        return {code: {None if owner == "" else int(owner): Decimal(value) for owner, value in by_owner.items()}
                for code, by_owner in sums.items()}

    return KpiCounts(numerators=part(data["numerators"]), denominators=part(data["denominators"]))
