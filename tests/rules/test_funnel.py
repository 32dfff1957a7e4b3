"""Funnel arithmetic on hand-built figures: probabilities, weighted pipeline, conversion, 丢单率."""
from datetime import date
from decimal import Decimal

import pytest

from portal.rules import funnel


def test_default_probabilities_and_admin_override():
    assert [funnel.probability(s) for s in funnel.STAGES] == [Decimal("0.1"), Decimal("0.3"), Decimal("0.5"),
                                                              Decimal("0.7"), Decimal("1"), Decimal("0")]
    assert funnel.probability("方案报价", {"方案报价": 60}) == Decimal("0.6")
    with pytest.raises(KeyError):
        funnel.probability("成交")


def test_weighted_pipeline_is_exact_to_the_cent():
    rows = [("初步接洽", Decimal("100000.00")), ("需求确认", Decimal("33333.33")), ("方案报价", Decimal("0.01")),
            ("商务谈判", Decimal("250000.00")), ("输单", Decimal("999999.00"))]
    # 10,000 + 9,999.999 → 10,000.00 + 0.005 → 0.01 (half up) + 175,000
    assert funnel.weighted_pipeline(rows) == Decimal("195000.01")
    assert funnel.weighted_pipeline([]) == Decimal("0.00")
    assert funnel.weighted_pipeline(rows, {"商务谈判": 80}) == Decimal("220000.01")


def test_conversion_and_loss_rate_on_a_hand_built_fixture():
    # 10 opportunities by the furthest stage reached: 3 still at 初步接洽, 2 lost at 需求确认,
    # 1 at 方案报价, 1 lost at 商务谈判, 3 won.
    reached = funnel.reached_counts({"初步接洽": 3, "需求确认": 2, "方案报价": 1, "商务谈判": 1, "赢单": 3})
    assert reached == {"初步接洽": 10, "需求确认": 7, "方案报价": 5, "商务谈判": 4, "赢单": 3}
    rates = funnel.conversion_rates(reached)
    assert rates == {"需求确认": Decimal("0.7000"), "方案报价": Decimal("0.7143"), "商务谈判": Decimal("0.8000"),
                     "赢单": Decimal("0.7500")}
    assert funnel.loss_rate(won=3, lost=3) == Decimal("0.5000")
    assert funnel.loss_rate(won=3, lost=1) == Decimal("0.2500")
    assert funnel.loss_rate(0, 0) is None
    assert funnel.conversion_rates(funnel.reached_counts({}))["需求确认"] is None


def test_days_to_win_and_ranked_loss_reasons():
    assert funnel.average_days_to_win([(date(2026, 1, 31), date(2026, 3, 1)), (date(2026, 2, 1), date(2026, 2, 11))]) \
        == Decimal("19.5")  # 29 and 10 days (2026 is not a leap year)
    assert funnel.average_days_to_win([]) is None
    assert funnel.ranked_loss_reasons({"时机": 2, "价格": 5, "竞品": 2, "关系": 0}) == [("价格", 5), ("竞品", 2), ("时机", 2)]
