"""Customer health factors, score, levels and churn-warning triggers on hand-built customers."""
from datetime import date
from decimal import Decimal

import pytest

from portal.rules import health
from portal.rules.cadence import DEFAULT_CADENCE_DAYS
from portal.rules.health import (
    AT_RISK,
    DEFAULT_HEALTH_WEIGHTS,
    DEFAULT_THRESHOLDS,
    HEALTHY,
    WATCH,
    assess,
    complaints_factor,
    contribution_words,
    interaction_factor,
    is_escalated,
    level_for,
    level_moves,
    observed_days,
    payment_factor,
    percentile_rank,
    roll_peak,
    satisfaction_factor,
    scale_factor,
    trend_factor,
    warning_reasons,
)
from portal.rules.workdays import WorkCalendar

TODAY = date(2026, 11, 24)


def customer_factors(*, grade="B", created=date(2025, 1, 1), last_90d=0, previous_90d=0, complaints=None,
                     mean_score=None, scored=0, amount=None, percentile=None, ever_bought=False):
    days = (TODAY - created).days
    return [
        scale_factor(amount, percentile, ever_bought),
        interaction_factor(last_90d, grade, DEFAULT_CADENCE_DAYS, observed_days(created, TODAY)),
        complaints_factor(complaints or {}),
        satisfaction_factor(mean_score, scored),
        payment_factor(),
        trend_factor(last_90d, previous_90d, days),
    ]


def score_of(**kwargs):
    return assess(customer_factors(**kwargs), DEFAULT_HEALTH_WEIGHTS, DEFAULT_THRESHOLDS)


def test_levels_at_their_boundaries():
    assert [level_for(s) for s in (100, 70, 69, 40, 39, 0)] == [HEALTHY, HEALTHY, WATCH, WATCH, AT_RISK, AT_RISK]
    assert level_for(None) is None
    assert level_for(55, {"healthy": 50, "watch": 30}) == HEALTHY


def test_no_data_yet_is_judged_on_interaction_and_complaints_only():
    """An old file nobody has contacted: interaction 0 of 6, no complaints → 15 / 45 → 33 风险."""
    result = score_of()
    assert result.score == 33 and result.level == AT_RISK
    words = [contribution_words(c) for c in result.contributions]
    assert "互动频率：近90天互动 0 次，B类应有 6 次，得 0 / 67 分" in words
    assert "回款及时性：无订单，不计回款及时性（权重 0）" in words
    assert "合作规模：尚无成交，不计合作规模（权重 0）" in words
    assert "满意度：近180天无回访评分，不计满意度（权重 0）" in words


def test_nothing_applies_gives_no_score():
    factors = [payment_factor(), satisfaction_factor(None, 0)]
    assert assess(factors, DEFAULT_HEALTH_WEIGHTS, DEFAULT_THRESHOLDS).score is None


def test_new_customer_is_judged_on_its_own_days():
    """Filed 10 days ago, grade B (14 days): no cadence has passed yet, so it is not at risk."""
    result = score_of(created=date(2026, 11, 14))
    assert result.score == 100 and result.level == HEALTHY
    assert result.contributions[1].factor.words == "建档 10 天，未满一个跟进周期，互动 0 次"
    # 30 days on file as an A customer: 4 cadences expected, 2 done → half marks.
    factor = interaction_factor(2, "A", DEFAULT_CADENCE_DAYS, observed_days(date(2026, 10, 25), TODAY))
    assert factor.value == 0.5 and factor.words == "建档30天来互动 2 次，A类应有 4 次"


def test_strategic_customer_with_7_day_cadence():
    """战略 A customer, cadence 7 days: 12 contacts expected in 90 days; 2 give a sixth of the points."""
    factor = interaction_factor(2, "A", {"A": 7, "B": 14, "C": 30}, 90)
    assert factor.words == "近90天互动 2 次，A类应有 12 次"
    assert factor.value == pytest.approx(2 / 12)
    result = score_of(grade="A", last_90d=12, previous_90d=12, mean_score=4.5, scored=2,
                      amount=Decimal("500000"), percentile=0.95, ever_bought=True)
    # scale 20×0.95 + interaction 30 + complaints 15 + satisfaction 15×0.875 + trend 10, over 90.
    assert result.score == round((19 + 30 + 15 + 13.125 + 10) / 90 * 100) == 97
    assert result.level == HEALTHY


def test_one_severe_complaint():
    factor = complaints_factor({"重大": 1})
    assert factor.value == pytest.approx(0.4) and factor.words == "近180天投诉 1 次（重大 1）"
    calm = score_of(grade="C", last_90d=3, previous_90d=3)
    hurt = score_of(grade="C", last_90d=3, previous_90d=3, complaints={"重大": 1})
    assert calm.score == 100 and hurt.score == round((30 + 15 * 0.4 + 10) / 55 * 100) == 84
    assert complaints_factor({"重大": 1, "一般": 2, "轻微": 1}).value == 0
    assert complaints_factor({"轻微": 2}).words == "近180天投诉 2 次（轻微 2）"


def test_satisfaction_and_scale():
    assert satisfaction_factor(5, 3).value == 1 and satisfaction_factor(1, 1).value == 0
    assert satisfaction_factor(3, 2).words == "近180天回访 2 次，平均满意度 3.0 分"
    assert scale_factor(None, None, ever_bought=True).value == 0
    assert scale_factor(Decimal("12000"), 0.5, True).words == "近12个月成交 ¥12,000.00，超过公司 50% 的成交客户"
    assert percentile_rank(30, [10, 20, 30, 40]) == 0.75 and percentile_rank(None, [1]) is None


def test_payment_factor_waits_for_orders():
    assert payment_factor().value is None and payment_factor().words == "无订单，不计回款及时性"
    assert payment_factor(Decimal("250"), Decimal("1000")).value == 0.75


def test_trend():
    assert trend_factor(3, 6, 400).value == 0.5 and "下降 50%" in trend_factor(3, 6, 400).words
    assert trend_factor(6, 3, 400).value == 1
    assert trend_factor(0, 0, 400).value is None
    assert trend_factor(5, 0, 100).value is None  # not on file for two periods


def test_zero_weight_factor_counts_nothing():
    weights = dict(DEFAULT_HEALTH_WEIGHTS, complaints=0)
    result = assess(customer_factors(grade="C", last_90d=3, previous_90d=3, complaints={"重大": 2}), weights,
                    DEFAULT_THRESHOLDS)
    assert result.score == 100
    assert "（权重 0）" in contribution_words(result.contributions[2])


# --- churn warning triggers ---------------------------------------------------------------------

def test_level_became_at_risk():
    reasons = warning_reasons(level=AT_RISK, previous_level=WATCH, score=35, peak_30d=45, last_90d=3, previous_90d=4)
    assert reasons == ["健康度 35 分，等级为风险（原为关注）"]
    assert health.became_at_risk(WATCH, AT_RISK) and not health.became_at_risk(AT_RISK, AT_RISK)


def test_score_fell_15_in_30_days():
    assert warning_reasons(level=WATCH, previous_level=HEALTHY, score=60, peak_30d=75, last_90d=5, previous_90d=5) == [
        "30天内健康度从 75 分降至 60 分（下降 15 分）"]
    assert warning_reasons(level=WATCH, previous_level=HEALTHY, score=61, peak_30d=75, last_90d=5, previous_90d=5) == []


def test_peak_is_the_highest_score_of_the_last_30_days():
    peak = roll_peak(None, None, 80, date(2026, 11, 1))
    assert peak == (80, date(2026, 11, 1))
    assert roll_peak(*peak, 70, date(2026, 11, 20)) == (80, date(2026, 11, 1))
    assert roll_peak(*peak, 85, date(2026, 11, 20)) == (85, date(2026, 11, 20))
    assert roll_peak(*peak, 60, date(2026, 12, 2)) == (60, date(2026, 12, 2))  # peak older than 30 days


def test_interaction_halved():
    reasons = warning_reasons(level=WATCH, previous_level=WATCH, score=50, peak_30d=50, last_90d=2, previous_90d=4,
                              grade="A", expected_90d=12)
    assert reasons == ["近90天互动 2 次，前90天 4 次，减少一半以上，A类应有 12 次"]
    assert warning_reasons(level=WATCH, previous_level=WATCH, score=50, peak_30d=50, last_90d=3, previous_90d=4) == []
    # One missed contact (1 → 0) is not a trend.
    assert warning_reasons(level=WATCH, previous_level=WATCH, score=50, peak_30d=50, last_90d=0, previous_90d=1) == []


def test_escalation_after_5_working_days_counts_holidays():
    """Raised on Wed 2026-09-30: 国庆 holidays 10-01..10-07, make-up day Sat 10-10 is a workday."""
    calendar = WorkCalendar()
    raised = date(2026, 9, 30)
    assert health.escalation_due_on(raised, calendar.add_workdays) == date(2026, 10, 13)
    assert not is_escalated(raised, False, date(2026, 10, 13), calendar.add_workdays)
    assert is_escalated(raised, False, date(2026, 10, 14), calendar.add_workdays)
    assert not is_escalated(raised, True, date(2026, 10, 20), calendar.add_workdays)
    # The admin's holiday table takes precedence: 10-12 made a holiday moves the deadline a day.
    company = WorkCalendar({date(2026, 10, 12): False})
    assert health.escalation_due_on(raised, company.add_workdays) == date(2026, 10, 14)


def test_threshold_preview_counts_moves():
    scores = {1: 72, 2: 68, 3: 41, 4: 39, 5: None}
    moves = level_moves(scores, DEFAULT_THRESHOLDS, {"healthy": 65, "watch": 42})
    assert moves == {(WATCH, HEALTHY): 1, (WATCH, AT_RISK): 1}
