"""Receivable ageing 账龄 (DESIGN.md "Orders"): buckets by days past the due date. No app."""
from datetime import date
from decimal import Decimal

from portal.rules import N_


BUCKETS = (N_("未到期"), N_("1–30天"), N_("31–60天"), N_("61–90天"), N_("90天以上"))
DUE_SOON_DAYS = 7


def days_overdue(due_on: date, today: date) -> int:
    """Calendar days past due (0 on or before the due date): month ends need no special case."""
    return max((today - due_on).days, 0)


def bucket(due_on: date, today: date) -> str:
    """未到期 until the due date has passed, then 1–30 / 31–60 / 61–90 / 90+ days overdue."""
    days = days_overdue(due_on, today)
    if days == 0:
        return BUCKETS[0]
    if days <= 30:
        return BUCKETS[1]
    if days <= 60:
        return BUCKETS[2]
    if days <= 90:
        return BUCKETS[3]
    return BUCKETS[4]


def bucket_bounds(today: date) -> list[tuple[str, date | None, date | None]]:
    """Each bucket as a due-date range [from, to] for SQL (None = open): the same edges as bucket()."""
    from datetime import timedelta

    day = timedelta(days=1)
    return [
        (BUCKETS[0], today, None),
        (BUCKETS[1], today - 30 * day, today - day),
        (BUCKETS[2], today - 60 * day, today - 31 * day),
        (BUCKETS[3], today - 90 * day, today - 61 * day),
        (BUCKETS[4], None, today - 91 * day),
    ]


def is_due_soon(due_on: date, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Due today or within the next `days` days (the owner's work list)."""
    return 0 <= (due_on - today).days <= days


def age_rows(rows, today: date) -> dict[str, Decimal]:
    """Sum (due_on, outstanding) rows into the buckets; every bucket present."""
    totals = {name: Decimal("0.00") for name in BUCKETS}
    for due_on, outstanding in rows:
        totals[bucket(due_on, today)] += outstanding
    return totals
