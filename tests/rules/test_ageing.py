"""Ageing buckets across month ends (and a leap day), and the due-soon window."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.rules import ageing


@pytest.mark.parametrize("due_on,today,bucket", [
    (date(2026, 1, 31), date(2026, 1, 31), "未到期"),      # due today is not overdue
    (date(2026, 1, 31), date(2026, 1, 30), "未到期"),
    (date(2026, 1, 31), date(2026, 2, 1), "1–30天"),       # the next day, across the month end
    (date(2026, 1, 31), date(2026, 3, 2), "1–30天"),       # 30 days (February has 28)
    (date(2026, 1, 31), date(2026, 3, 3), "31–60天"),      # 31
    (date(2026, 1, 31), date(2026, 4, 1), "31–60天"),      # 60
    (date(2026, 1, 31), date(2026, 4, 2), "61–90天"),      # 61
    (date(2026, 1, 31), date(2026, 5, 1), "61–90天"),      # 90
    (date(2026, 1, 31), date(2026, 5, 2), "90天以上"),     # 91
    (date(2028, 2, 28), date(2028, 3, 29), "1–30天"),      # 30 days over a leap February
    (date(2028, 2, 28), date(2028, 3, 30), "31–60天"),
    (date(2026, 12, 31), date(2027, 1, 1), "1–30天"),      # year end
])
def test_bucket_edges(due_on, today, bucket):
    assert ageing.bucket(due_on, today) == bucket


def test_sql_bounds_agree_with_the_bucket_function_day_by_day():
    today = date(2026, 3, 1)
    bounds = ageing.bucket_bounds(today)
    for back in range(-10, 200):
        due = today - timedelta(days=back)
        matches = [name for name, low, high in bounds if (low is None or due >= low) and (high is None or due <= high)]
        assert matches == [ageing.bucket(due, today)], due


def test_age_rows_and_due_soon():
    today = date(2026, 11, 30)
    totals = ageing.age_rows([(date(2026, 12, 5), Decimal("100.00")), (date(2026, 11, 1), Decimal("20.50")),
                              (date(2026, 8, 1), Decimal("1.00"))], today)
    assert totals == {"未到期": Decimal("100.00"), "1–30天": Decimal("20.50"), "31–60天": Decimal("0.00"),
                      "61–90天": Decimal("0.00"), "90天以上": Decimal("1.00")}
    assert ageing.is_due_soon(date(2026, 12, 7), today) and ageing.is_due_soon(today, today)
    assert not ageing.is_due_soon(date(2026, 12, 8), today) and not ageing.is_due_soon(date(2026, 11, 29), today)
